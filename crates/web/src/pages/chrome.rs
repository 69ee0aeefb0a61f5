//! The layout's data ([`Chrome`]: site and agency names, breadcrumbs, footer, display mode) and
//! the 长辈版 switch (large text and high contrast, 适老化 per 国办公开办函〔2021〕28号): a plain
//! link to `/mode`, which sets a cookie and sends the reader back, so that it works without
//! JavaScript and persists.

use axum::Router;
use axum::extract::{FromRequestParts, Query};
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;

/// The cookie that remembers the 长辈版 choice.
pub const ELDER_COOKIE: &str = "gongkai_elder";

/// What the layout needs to know about who is reading: the display mode and the page's own
/// path (for the mode switch to come back to).
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub elder: bool,
    pub path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Viewer {
            elder: elder_cookie(&parts.headers),
            path: parts.uri.path().to_string(),
        })
    }
}

fn elder_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .any(|(k, v)| k == ELDER_COOKIE && v == "1")
}

/// The agency a page belongs to, as the header shows it.
#[derive(Debug, Clone)]
pub struct AgencyChrome {
    pub slug: String,
    pub name: String,
}

/// One step of the breadcrumbs; the last has no link.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

impl Crumb {
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Self {
        Crumb {
            label: label.into(),
            href: Some(href.into()),
        }
    }

    pub fn here(label: impl Into<String>) -> Self {
        Crumb {
            label: label.into(),
            href: None,
        }
    }
}

/// The footer's fields (主办/承办, contact, 网站标识码, ICP备案, 公安备案); each shown only when set.
#[derive(Debug, Clone, Default)]
pub struct Footer {
    pub sponsor: Option<String>,
    pub organiser: Option<String>,
    pub contact: Option<String>,
    pub site_code: Option<String>,
    pub icp: Option<String>,
    pub police: Option<String>,
}

/// Everything the layout (`base.html`) shows around a page's content.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub elder: bool,
    pub path: String,
    pub agency: Option<AgencyChrome>,
    pub breadcrumbs: Vec<Crumb>,
    pub footer: Footer,
    /// The stylesheet's content-hashed URL.
    pub css: &'static str,
}

impl Chrome {
    /// The layout of a deployment-wide page (no agency).
    pub fn site(viewer: &Viewer) -> Self {
        Chrome {
            elder: viewer.elder,
            path: viewer.path.clone(),
            agency: None,
            breadcrumbs: Vec::new(),
            footer: Footer::default(),
            css: super::assets::stylesheet_href(),
        }
    }

    /// The layout of an agency's page; breadcrumbs start at the agency's disclosure home.
    pub fn agency(viewer: &Viewer, slug: &str, name: &str) -> Self {
        Chrome {
            agency: Some(AgencyChrome {
                slug: slug.to_string(),
                name: name.to_string(),
            }),
            ..Chrome::site(viewer)
        }
    }

    pub fn with_footer(mut self, footer: Footer) -> Self {
        self.footer = footer;
        self
    }

    /// Sets the breadcrumbs: 首页 (the deployment), the agency's home if any, then `trail`.
    pub fn crumbs(mut self, trail: Vec<Crumb>) -> Self {
        let mut all = vec![Crumb::link("首页", "/")];
        if let Some(a) = &self.agency {
            all.push(Crumb::link(
                format!("{}政府信息公开", a.name),
                format!("/{}/", a.slug),
            ));
        }
        all.extend(trail);
        if let Some(last) = all.last_mut() {
            last.href = None;
        }
        self.breadcrumbs = all;
        self
    }

    /// The `<title>` suffix.
    pub fn site_title(&self) -> String {
        match &self.agency {
            Some(a) => format!("{}政府信息公开", a.name),
            None => "政府信息公开".to_string(),
        }
    }

    /// The link that switches the display mode and comes back here.
    pub fn mode_href(&self) -> String {
        let next: String = form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        format!("/mode?elder={}&next={next}", if self.elder { 0 } else { 1 })
    }
}

#[derive(Debug, Deserialize)]
struct ModeQuery {
    #[serde(default)]
    elder: String,
    #[serde(default)]
    next: String,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/mode", get(switch_mode))
}

/// `GET /mode?elder=1&next=/path`: remembers the choice for a year and goes back to `next`
/// (a local path only, so that the switch is no open redirect).
async fn switch_mode(Query(q): Query<ModeQuery>) -> Response {
    let on = q.elder == "1";
    let cookie = if on {
        format!("{ELDER_COOKIE}=1; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")
    } else {
        format!("{ELDER_COOKIE}=0; Path=/; Max-Age=0; SameSite=Lax; HttpOnly")
    };
    let next = local_path(&q.next).unwrap_or("/");
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(next) {
        headers.insert(header::LOCATION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, v);
    }
    response
}

/// `path` if it is a path on this site (`/…`, not `//host` nor `/\host`), bounded in length.
pub fn local_path(path: &str) -> Option<&str> {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && path.len() <= 512
        && path.chars().all(|c| c.is_ascii_graphic());
    ok.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/abc/guide"), Some("/abc/guide"));
        assert_eq!(local_path("//evil.example/"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("https://evil.example/"), None);
        assert_eq!(local_path("/a b"), None);
    }

    #[test]
    fn the_elder_cookie_is_read_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; gongkai_elder=1"),
        );
        assert!(elder_cookie(&h));
        h.insert(header::COOKIE, HeaderValue::from_static("gongkai_elder=0"));
        assert!(!elder_cookie(&h));
    }
}
