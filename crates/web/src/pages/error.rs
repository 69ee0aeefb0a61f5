//! The pages' one error type: a 400, 403, 404, 408, 413, 429 or 500 page in the site's look. A 500 page says
//! nothing of the cause (the cause goes to the log).

use askama::Template;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use gongkai_app::AppError;

use super::{Chrome, Viewer};

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not found")]
    NotFound,
    /// A form posted from another site (CSRF).
    #[error("forbidden")]
    Forbidden,
    /// Logged in, but the action is another role's (the head's, or the office's for a reader):
    /// the 403 page saying why, in Chinese.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// A form body that did not arrive within the body-read timeout (or the request timeout).
    #[error("request timeout")]
    Timeout,
    /// A form body above the size limit.
    #[error("payload too large")]
    TooLarge,
    /// A form body that could not be read (the connection failed, bad framing).
    #[error("unreadable body: {0}")]
    Unreadable(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(_) => PageError::NotFound,
            AppError::Forbidden(_) => PageError::NotFound,
            other => PageError::Internal(other.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
}

/// What an error page says, kept in its response's extensions so that [`for_the_reader`] can
/// render it again in the reader's display mode (an error answered by an extractor or the router
/// fallback has no [`Viewer`] to hand).
#[derive(Debug, Clone)]
struct ErrorPageText {
    heading: &'static str,
    message: String,
}

fn page(viewer: &Viewer, text: &ErrorPageText) -> String {
    let page = ErrorPage {
        chrome: Chrome::site(viewer),
        heading: text.heading,
        message: text.message.clone(),
    };
    page.render().unwrap_or_else(|_| {
        "<!DOCTYPE html><html lang=\"zh-CN\"><title>系统繁忙</title><p>系统繁忙，请稍后再试。</p></html>"
            .to_string()
    })
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "页面不存在",
                "您访问的页面不存在或已被删除。请检查网址，或从首页进入。".to_string(),
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "请求被拒绝",
                "此表单只能从本网站的页面提交。请返回页面重新填写后提交。".to_string(),
            ),
            PageError::NotAllowed(why) => (StatusCode::FORBIDDEN, "无权进行此操作", why.clone()),
            PageError::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                "提交超时",
                "页面提交的内容未能在规定时间内传送完毕。请检查网络后返回页面重新提交。"
                    .to_string(),
            ),
            PageError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交内容过长",
                "页面提交的内容超过了允许的长度。请精简后返回页面重新提交。".to_string(),
            ),
            PageError::Unreadable(detail) => {
                tracing::info!(%detail, "unreadable form body");
                (
                    StatusCode::BAD_REQUEST,
                    "提交未能读取",
                    "页面提交的内容未能读取。请返回页面重新提交。".to_string(),
                )
            }
            PageError::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "操作过于频繁",
                format!(
                    "您的操作过于频繁，请在 {} 秒后再试。",
                    retry_after_secs.max(&1)
                ),
            ),
            PageError::Internal(detail) => {
                tracing::error!(%detail, "page error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统繁忙",
                    "系统暂时无法处理您的请求，请稍后再试。如需帮助，请联系政府信息公开工作机构。"
                        .to_string(),
                )
            }
        };
        let text = ErrorPageText { heading, message };
        let body = page(&Viewer::default(), &text);
        let mut response = (status, Html(body)).into_response();
        response.extensions_mut().insert(text);
        if let PageError::TooManyRequests { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// Middleware: an error page, wherever it was answered, is shown in the reader's display mode
/// (长辈版 or standard) with the mode switch coming back to the page asked for.
pub async fn for_the_reader(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(viewer) =
        <Viewer as axum::extract::FromRequestParts<()>>::from_request_parts(&mut parts, &()).await;
    let mut response = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    if let Some(text) = response.extensions_mut().remove::<ErrorPageText>() {
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, axum::body::Body::from(page(&viewer, &text)));
    }
    response
}
