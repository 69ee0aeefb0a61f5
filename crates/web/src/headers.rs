//! What every response gets, whatever answered it (a handler, an extractor's rejection, the
//! 404/405 fallbacks, a timeout): the security headers, `Cache-Control: no-store` wherever
//! personal data may be, a request timeout, and one log line per request.
//!
//! The log line names the method, the matched route (`/api/v1/requests/{number}`, never the
//! URI, whose query string carries the 查询码), the status and the time in milliseconds, and
//! nothing else: no personal data, no query strings.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::ApiError;
use crate::extract::BodyReadTimeout;

/// Routes whose answers carry no personal data and may be cached: the published report files
/// and the OpenAPI document.
pub const CACHEABLE_ROUTES: [&str; 3] = [
    "/api/v1/agencies/{agency}/reports/{year}/{format}",
    "/api/openapi.json",
    "/assets/{file}",
];

/// The content security policy of every response: no inline script or style, nothing from
/// another origin, forms posted only to this site, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The timeouts the [`policy`] middleware applies to each request.
#[derive(Debug, Clone, Copy)]
pub struct RequestPolicy {
    pub request_timeout: Duration,
    pub body_read_timeout: Duration,
}

/// Middleware (outermost): the request timeout (408: the JSON error on the API, the page
/// elsewhere), the body-read timeout for every body extractor ([`crate::JsonBody`], the pages'
/// form bodies), the headers, the log line.
pub async fn policy(
    State(policy): State<Arc<RequestPolicy>>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    req.extensions_mut()
        .insert(BodyReadTimeout(policy.body_read_timeout));
    let api = is_api(req.uri().path());
    let mut response = if carries_non_json_body(&req) {
        ApiError::UnsupportedMediaType.into_response()
    } else {
        match tokio::time::timeout(policy.request_timeout, next.run(req)).await {
            Ok(response) => response,
            Err(_) if api => ApiError::Timeout.into_response(),
            Err(_) => crate::pages::PageError::Timeout.into_response(),
        }
    };
    let cacheable = route
        .as_deref()
        .is_some_and(|r| CACHEABLE_ROUTES.contains(&r));
    secure(response.headers_mut(), cacheable);
    tracing::info!(
        target: "gongkai_web::request",
        method = %method,
        route = route.as_deref().unwrap_or("(no route)"),
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// Whether `path` is the JSON API's (its errors are JSON; everything else answers pages).
/// A file as a download (`attachment`, never cached: it may carry personal data), named
/// `{stem}-{request number as ASCII}.{extension}`.
pub fn attachment(
    bytes: Vec<u8>,
    mime: &'static str,
    stem: &str,
    number: &str,
    extension: &str,
) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let filename = format!("{stem}-{}.{extension}", ascii_name(number));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A file as a download under its own (cleaned, possibly Chinese) name: `Content-Disposition:
/// attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987 `filename*`), never
/// cached; `nosniff` comes with every response ([`secure`]).
pub fn named_download(bytes: Vec<u8>, mime: &'static str, name: &str) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let value = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}");
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A request number as a file name: letters, digits and `-` only.
fn ascii_name(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect()
}

pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// A POST, PUT or PATCH to the API with a body that does not say it is JSON (the API takes only
/// `application/json` bodies; a POST without a body, e.g. `approve`, needs no content type) —
/// except an attachment's upload, whose body is the file.
fn carries_non_json_body(req: &Request) -> bool {
    use axum::http::Method;
    if !is_api(req.uri().path())
        || !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH)
        || crate::api::attachments::is_upload(req.uri().path())
    {
        return false;
    }
    let headers = req.headers();
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    has_body && !json
}

/// Sets the security headers (and `no-store` unless `cacheable`).
pub fn secure(headers: &mut axum::http::HeaderMap, cacheable: bool) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// The answer to a path no route matches: JSON under `/api/`, the 404 page elsewhere.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if is_api(uri.path()) {
        ApiError::NotFound("route".into()).into_response()
    } else {
        crate::pages::PageError::NotFound.into_response()
    }
}

/// The answer to a method a route does not take.
pub async fn method_not_allowed(uri: axum::http::Uri) -> Response {
    if is_api(uri.path()) {
        ApiError::MethodNotAllowed.into_response()
    } else {
        crate::pages::PageError::NotFound.into_response()
    }
}
