//! Static assets embedded in the binary and served under content-hashed names
//! (`/assets/site.3f9a…css`) with a year-long immutable cache; nothing comes from a CDN.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use super::PageError;
use crate::AppState;

/// One embedded file and the name it is served under.
pub struct Asset {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

impl Asset {
    fn new(stem: &str, ext: &str, content_type: &'static str, bytes: &'static [u8]) -> Self {
        let digest = hex::encode(Sha256::digest(bytes));
        Asset {
            name: format!("{stem}.{}.{ext}", &digest[..12]),
            content_type,
            bytes,
        }
    }
}

static STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "site",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/site.css"),
    )
});

static STYLESHEET_HREF: LazyLock<String> = LazyLock::new(|| format!("/assets/{}", STYLESHEET.name));

/// The URL of the stylesheet, as the layout links it.
pub fn stylesheet_href() -> &'static str {
    STYLESHEET_HREF.as_str()
}

fn assets() -> [&'static Asset; 1] {
    [&STYLESHEET]
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/assets/{file}", get(asset))
}

async fn asset(Path(file): Path<String>) -> Response {
    match assets().into_iter().find(|a| a.name == file) {
        Some(a) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(a.content_type),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            a.bytes,
        )
            .into_response(),
        None => PageError::NotFound.into_response(),
    }
}
