//! The application layer's one error type. Callers map it onto their medium: a status and JSON
//! body (API), a page with the message next to the field (pages), a line on stderr (CLI).

use gongkai_domain::DomainError;
use gongkai_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Well-formed input that breaks rules; every bad field at once.
    #[error("invalid input: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<DomainError>),
    /// The event is not allowed in the request's current state.
    #[error("{event}: {reason}")]
    Transition { event: String, reason: String },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// Authenticated, but the action is not this actor's.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Something the application could not do that is no fault of the input (rendering a
    /// report failed): logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
    /// Anything else the store could not do (I/O, a broken invariant): logged, never shown.
    #[error(transparent)]
    Store(StoreError),
    /// A document (PDF) could not be rendered: logged, never shown.
    #[error("rendering: {0}")]
    Render(String),
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Transition { event, reason } => AppError::Transition {
                event: event.to_string(),
                reason,
            },
            DomainError::Forbidden(why) => AppError::Forbidden(why),
            invalid => AppError::Invalid(vec![invalid]),
        }
    }
}

impl From<Vec<DomainError>> for AppError {
    fn from(errors: Vec<DomainError>) -> Self {
        AppError::Invalid(errors)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Conflict(what) => AppError::Conflict(what),
            StoreError::Forbidden(why) => AppError::Forbidden(why),
            StoreError::Domain(d) => d.into(),
            StoreError::Letter(why) => AppError::Render(why),
            other => AppError::Store(other),
        }
    }
}
