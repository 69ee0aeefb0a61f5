//! The pages' one error type: a 404, 403, 429 or 500 page in the site's look. A 500 page says
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
        let page = ErrorPage {
            chrome: Chrome::site(&Viewer::default()),
            heading,
            message,
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{heading}</title><p>{heading}</p>"));
        let mut response = (status, Html(body)).into_response();
        if let PageError::TooManyRequests { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
