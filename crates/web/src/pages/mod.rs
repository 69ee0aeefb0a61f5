//! The public portal (政府信息公开专栏): server-rendered pages (askama templates under
//! `crates/web/templates/`, checked at compile time), Chinese, complete without JavaScript.
//! Every page handler calls the application layer ([`gongkai_app::App`]) as the JSON API does,
//! and renders what comes back inside the one layout (`base.html`) through [`Chrome`].
//!
//! Modules: [`chrome`] (the layout's data, the 长辈版 switch), [`assets`] (embedded,
//! content-hashed CSS), [`error`] (the 400/403/404/408/413/429/500 pages), [`portal`] (home, agency home,
//! guide), [`reports`] (published annual reports), [`apply`] and [`track`] (依申请公开).

pub mod admin;
pub mod apply;
pub mod assets;
pub mod chrome;
pub mod error;
pub mod portal;
pub mod reports;
pub mod track;

use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Response};

pub use chrome::{Chrome, Crumb, Footer, Viewer};
pub use error::PageError;

use crate::AppState;

/// Every page route, merged into the application's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(assets::routes())
        .merge(chrome::routes())
        .merge(portal::routes())
        .merge(reports::routes())
        .merge(apply::routes())
        .merge(track::routes())
        .merge(admin::routes())
}

/// A form's body as posted, read as the API reads its JSON ([`crate::extract::read_body`]: within
/// the body-read timeout and the size limit); a stalled body is the 408 page, an oversized one
/// the 413 page.
pub struct FormBody(pub axum::body::Bytes);

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormBody {
    type Rejection = PageError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, PageError> {
        use crate::extract::{BodyError, read_body};
        match read_body(req, state).await {
            Ok(bytes) => Ok(FormBody(bytes)),
            Err(BodyError::TimedOut) => Err(PageError::Timeout),
            Err(BodyError::TooLarge) => Err(PageError::TooLarge),
            Err(BodyError::Unreadable(detail)) => Err(PageError::Unreadable(detail)),
        }
    }
}

/// [`render`] with `Cache-Control: no-store`: a page that shows personal data or a 查询码 once.
pub fn render_private(template: &impl Template) -> Response {
    let mut response = render(template);
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// Renders a template into an HTML response; a template error is a 500 page (logged).
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError::Internal(format!("template: {e}")).into_response(),
    }
}
