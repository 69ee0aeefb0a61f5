//! The web layer's one error type and its JSON shape:
//! `{"error": code, "message": text, "errors": [{"field", "rule"}]}`.

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
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// `validation`, `malformed`, `not_found`, `unauthorized`, `forbidden`, `conflict`,
    /// `illegal_transition`, `method_not_allowed`, `timeout`, `payload_too_large`,
    /// `unsupported_media_type`, `too_many_requests`, `internal`.
    pub error: &'static str,
    pub message: String,
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
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            rule: rule.into(),
        }])
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, reason, .. } => ApiError::Validation(vec![FieldError {
                field,
                rule: reason,
            }]),
            DomainError::Transition { event, reason } => ApiError::Transition {
                event: event.to_string(),
                reason,
            },
        }
    }
}

impl From<Vec<DomainError>> for ApiError {
    fn from(errors: Vec<DomainError>) -> Self {
        ApiError::Validation(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: e.field().to_string(),
                    rule: e.reason().to_string(),
                })
                .collect(),
        )
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
                    errors,
                },
            ),
            ApiError::Malformed(e) => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    error: "malformed",
                    message: format!("{}: {}", e.field, e.rule),
                    errors: vec![e],
                },
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                ErrorBody {
                    error: "not_found",
                    message: format!("{what} not found"),
                    errors: vec![],
                },
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ErrorBody {
                    error: "unauthorized",
                    message: "a valid staff token is required (Authorization: Bearer …)".into(),
                    errors: vec![],
                },
            ),
            ApiError::Conflict(what) => (
                StatusCode::CONFLICT,
                ErrorBody {
                    error: "conflict",
                    message: what,
                    errors: vec![],
                },
            ),
            ApiError::Transition { event, reason } => (
                StatusCode::CONFLICT,
                ErrorBody {
                    error: "illegal_transition",
                    message: format!("{event}: {reason}"),
                    errors: vec![FieldError {
                        field: "type".into(),
                        rule: reason,
                    }],
                },
            ),
            ApiError::Forbidden(why) => (
                StatusCode::FORBIDDEN,
                ErrorBody {
                    error: "forbidden",
                    message: why,
                    errors: vec![],
                },
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorBody {
                    error: "method_not_allowed",
                    message: "this route does not take this method".into(),
                    errors: vec![],
                },
            ),
            ApiError::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                ErrorBody {
                    error: "timeout",
                    message: "the request took longer than the server allows".into(),
                    errors: vec![],
                },
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody {
                    error: "payload_too_large",
                    message: "the body is larger than the server accepts".into(),
                    errors: vec![FieldError {
                        field: "body".into(),
                        rule: "is too large".into(),
                    }],
                },
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorBody {
                    error: "unsupported_media_type",
                    message: "the body must be JSON (Content-Type: application/json)".into(),
                    errors: vec![FieldError {
                        field: "content-type".into(),
                        rule: "must be application/json".into(),
                    }],
                },
            ),
            ApiError::TooManyRequests { retry_after_secs } => {
                let body = ErrorBody {
                    error: "too_many_requests",
                    message: format!(
                        "too many requests from this address; retry after {retry_after_secs} s"
                    ),
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
                        errors: vec![],
                    },
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
