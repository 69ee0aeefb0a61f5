//! The web layer's one error type and its JSON shape:
//! `{"error": code, "message": text, "message_zh": 中文, "errors": [{"field", "rule", "rule_zh"}]}`
//! — the English `message` and `rule` for integrators, the Chinese beside them for the citizen.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongkai_domain::DomainError;
use gongkai_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// One bad field and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub rule: String,
    /// The rule in Chinese, for the citizen (the domain's text where one is written).
    pub rule_zh: String,
}

/// The Chinese rule of a field error that has no text of its own.
const RULE_ZH: &str = "填写内容不符合要求，请检查后重新填写";

impl FieldError {
    /// A field error with the general Chinese rule.
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            rule: rule.into(),
            rule_zh: RULE_ZH.to_string(),
        }
    }

    /// A field error with its Chinese rule.
    pub fn zh(
        field: impl Into<String>,
        rule: impl Into<String>,
        rule_zh: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            rule: rule.into(),
            rule_zh: rule_zh.into(),
        }
    }
}

impl From<&DomainError> for FieldError {
    fn from(e: &DomainError) -> Self {
        FieldError::zh(e.field(), e.reason(), e.reason_zh())
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// `validation`, `malformed`, `not_found`, `unauthorized`, `forbidden`, `conflict`,
    /// `illegal_transition`, `method_not_allowed`, `timeout`, `payload_too_large`,
    /// `unsupported_media_type`, `too_many_requests`, `internal`.
    pub error: &'static str,
    pub message: String,
    /// The same in Chinese, for the citizen.
    pub message_zh: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 422: well-formed input that breaks rules.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// 400: the body is not the JSON expected.
    #[error("malformed request: {}: {}", .0.field, .0.rule)]
    Malformed(FieldError),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("conflict: {0}")]
    Conflict(String),
    /// 409: the event is not allowed in the request's current state.
    #[error("{event}: {reason}")]
    Transition { event: String, reason: String },
    /// 403: authenticated, but the action is another role's (e.g. the head's, Art. 33).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 405: the route exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 408: the request (or its body) took longer than the server allows.
    #[error("request timeout")]
    Timeout,
    /// 413: the body is larger than the server accepts.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 413: a file larger than its field allows (an attachment above 20 MiB), naming the rule.
    #[error("too large: {}: {}", .0.field, .0.rule)]
    TooLarge(FieldError),
    /// 415: a body that is not `application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 429: over the per-address rate limit; retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn field(field: impl Into<String>, rule: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, rule)])
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            invalid @ DomainError::Invalid { .. } => {
                ApiError::Validation(vec![FieldError::from(&invalid)])
            }
            DomainError::Transition { event, reason } => ApiError::Transition {
                event: event.to_string(),
                reason,
            },
            DomainError::Forbidden(why) => ApiError::Forbidden(why),
        }
    }
}

impl From<Vec<DomainError>> for ApiError {
    fn from(errors: Vec<DomainError>) -> Self {
        ApiError::Validation(errors.into_iter().map(|e| FieldError::from(&e)).collect())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::Conflict(what) => ApiError::Conflict(what),
            StoreError::Forbidden(why) => ApiError::Forbidden(why),
            StoreError::Domain(d) => d.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<gongkai_app::AppError> for ApiError {
    fn from(e: gongkai_app::AppError) -> Self {
        use gongkai_app::AppError;
        match e {
            AppError::Invalid(errors) => errors.into(),
            AppError::Transition { event, reason } => ApiError::Transition { event, reason },
            AppError::NotFound(what) => ApiError::NotFound(what),
            AppError::Conflict(what) => ApiError::Conflict(what),
            AppError::Forbidden(why) => ApiError::Forbidden(why),
            AppError::Internal(why) => ApiError::Internal(why),
            AppError::Store(e) => ApiError::Internal(e.to_string()),
            AppError::Render(e) => ApiError::Internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::Validation(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody {
                    error: "validation",
                    message: "the request has invalid fields".into(),
                    message_zh: "提交的内容有误，请按各项提示修改".into(),
                    errors,
                },
            ),
            ApiError::Malformed(e) => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    error: "malformed",
                    message: format!("{}: {}", e.field, e.rule),
                    message_zh: format!("请求格式不正确：{}", e.field),
                    errors: vec![e],
                },
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                ErrorBody {
                    error: "not_found",
                    message: format!("{what} not found"),
                    message_zh: "未找到所查询的内容".into(),
                    errors: vec![],
                },
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ErrorBody {
                    error: "unauthorized",
                    message: "a valid staff token is required (Authorization: Bearer …)".into(),
                    message_zh: "需要有效的工作人员令牌".into(),
                    errors: vec![],
                },
            ),
            ApiError::Conflict(what) => (
                StatusCode::CONFLICT,
                ErrorBody {
                    error: "conflict",
                    message: what,
                    message_zh: "与已有记录冲突".into(),
                    errors: vec![],
                },
            ),
            ApiError::Transition { event, reason } => (
                StatusCode::CONFLICT,
                ErrorBody {
                    error: "illegal_transition",
                    message: format!("{event}: {reason}"),
                    message_zh: "当前办理阶段不能进行此操作".into(),
                    errors: vec![FieldError::zh("type", reason, "当前办理阶段不能进行此操作")],
                },
            ),
            ApiError::Forbidden(why) => (
                StatusCode::FORBIDDEN,
                ErrorBody {
                    error: "forbidden",
                    message: why,
                    message_zh: "无权进行此操作（须由信息公开工作机构负责人进行）".into(),
                    errors: vec![],
                },
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorBody {
                    error: "method_not_allowed",
                    message: "this route does not take this method".into(),
                    message_zh: "不支持该请求方法".into(),
                    errors: vec![],
                },
            ),
            ApiError::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                ErrorBody {
                    error: "timeout",
                    message: "the request took longer than the server allows".into(),
                    message_zh: "请求超时，请稍后重试".into(),
                    errors: vec![],
                },
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody {
                    error: "payload_too_large",
                    message: "the body is larger than the server accepts".into(),
                    message_zh: "提交的内容过大".into(),
                    errors: vec![FieldError::zh("body", "is too large", "提交的内容过大")],
                },
            ),
            ApiError::TooLarge(e) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody {
                    error: "payload_too_large",
                    message: format!("{}: {}", e.field, e.rule),
                    message_zh: e.rule_zh.clone(),
                    errors: vec![e],
                },
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorBody {
                    error: "unsupported_media_type",
                    message: "the body must be JSON (Content-Type: application/json)".into(),
                    message_zh: "请求内容须为 JSON 格式".into(),
                    errors: vec![FieldError::zh(
                        "content-type",
                        "must be application/json",
                        "请求内容须为 JSON 格式",
                    )],
                },
            ),
            ApiError::TooManyRequests { retry_after_secs } => {
                let body = ErrorBody {
                    error: "too_many_requests",
                    message: format!(
                        "too many requests from this address; retry after {retry_after_secs} s"
                    ),
                    message_zh: format!("请求过于频繁，请在{retry_after_secs}秒后重试"),
                    errors: vec![],
                };
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(
                        axum::http::header::RETRY_AFTER,
                        retry_after_secs.max(1).to_string(),
                    )],
                    Json(body),
                )
                    .into_response();
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody {
                        error: "internal",
                        message: "internal error (see the server log)".into(),
                        message_zh: "系统内部错误，请稍后重试".into(),
                        errors: vec![],
                    },
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
