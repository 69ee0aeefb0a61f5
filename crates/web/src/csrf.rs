//! CSRF protection for every form (issue 9, section 4): a request that may change something
//! (any method but GET, HEAD and OPTIONS) to a page route — not under `/api/`, whose bodies must
//! be `application/json`, which no cross-site form can send — is refused with the 403 page
//! unless the browser vouches that it comes from this site: `Sec-Fetch-Site: same-origin` (or
//! `none`, typed by the user), or, from a browser that sends no `Sec-Fetch-Site`, an `Origin`
//! whose host and port are the request's `Host`.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::headers::is_api;
use crate::pages::PageError;

/// Middleware: refuses a cross-site state-changing request to a page with the 403 page.
pub async fn same_origin(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_api(req.uri().path()) || from_this_site(req.headers()) {
        next.run(req).await
    } else {
        PageError::Forbidden.into_response()
    }
}

/// Whether the request's headers show it was sent by a page of this site.
pub fn from_this_site(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site.trim(), "same-origin" | "none");
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => {
            origin_host(origin).is_some_and(|o| o.eq_ignore_ascii_case(host.trim()))
        }
        _ => false,
    }
}

/// `host[:port]` of an `Origin` value (`http://example.cn:8080` → `example.cn:8080`); `None`
/// for `null` or anything that is not `scheme://authority`.
fn origin_host(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.trim().split_once("://")?;
    let ok_scheme = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    (ok_scheme && !rest.is_empty() && !rest.contains('/') && !rest.contains('@')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn fetch_metadata_decides_first() {
        assert!(from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(from_this_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(!from_this_site(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(!from_this_site(&headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://a.example"),
            ("host", "a.example"),
        ])));
    }

    #[test]
    fn else_the_origin_must_be_the_host() {
        assert!(from_this_site(&headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ])));
        assert!(!from_this_site(&headers(&[
            ("origin", "http://127.0.0.1:9090"),
            ("host", "127.0.0.1:8080"),
        ])));
        assert!(!from_this_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:8080"),
        ])));
        assert!(!from_this_site(&headers(&[
            ("origin", "null"),
            ("host", "x")
        ])));
        assert!(!from_this_site(&headers(&[("host", "127.0.0.1:8080")])));
    }
}
