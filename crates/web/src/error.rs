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
    /// `validation`, `malformed`, `not_found`, `unauthorized`, `conflict`, `illegal_transition`, `internal`.
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
            DomainError::Invalid { field, reason } => ApiError::Validation(vec![FieldError {
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
            StoreError::Domain(d) => d.into(),
            other => ApiError::Internal(other.to_string()),
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
