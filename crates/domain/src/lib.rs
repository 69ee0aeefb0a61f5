//! gongkai-domain — the pure core of gongkai.
//!
//! Everything the regulation decides lives here as data and pure functions: the working-day
//! [`calendar`], the answer [`deadline`], the request ledger ([`request`]), the closed set of
//! [`outcome`]s, the [`fee`] tiers, [`applicant`]s and their identifiers, and the annual
//! [`report`] model with its consistency rules. No I/O: the store, the web layer, the report
//! generator and the auditor all call into this crate.

pub mod account;
pub mod actor;
pub mod admission;
pub mod agency;
pub mod applicant;
pub mod attachment;
pub mod calendar;
pub mod clock;
pub mod deadline;
pub mod fee;
pub mod letter;
pub mod outcome;
pub mod procedure;
pub mod report;
pub mod request;
pub mod text;

/// The domain's one error type. `field` names what was wrong, `reason` the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field that breaks a rule: `reason` in English (CLI, API), `zh` the same rule in Chinese
    /// for the citizen (pages, the API's `message_zh`), where one has been written.
    #[error("{field}: {reason}")]
    Invalid {
        field: String,
        reason: String,
        zh: Option<String>,
    },
    #[error("{event}: {reason}")]
    Transition { event: &'static str, reason: String },
    /// The actor may see the thing but the action is another role's (e.g. the head's, see
    /// [`actor::Actor::may_record`]).
    #[error("forbidden: {0}")]
    Forbidden(String),
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.into(),
            reason: reason.into(),
            zh: None,
        }
    }

    /// The same error with its rule stated in Chinese for the citizen.
    pub fn zh(self, text: impl Into<String>) -> Self {
        match self {
            DomainError::Invalid { field, reason, .. } => DomainError::Invalid {
                field,
                reason,
                zh: Some(text.into()),
            },
            other => other,
        }
    }

    /// The rule in Chinese: the text given with [`DomainError::zh`], else a general sentence
    /// (every error a citizen can see has one of its own).
    pub fn reason_zh(&self) -> String {
        match self {
            DomainError::Invalid { zh: Some(zh), .. } => zh.clone(),
            DomainError::Invalid { .. } => "填写内容不符合要求，请检查后重新填写".to_string(),
            DomainError::Transition { .. } => "当前办理阶段不能进行此操作".to_string(),
            DomainError::Forbidden(_) => "此操作须由信息公开工作机构负责人进行".to_string(),
        }
    }

    /// The field (or event type) the error is about.
    pub fn field(&self) -> &str {
        match self {
            DomainError::Invalid { field, .. } => field,
            DomainError::Transition { event, .. } => event,
            DomainError::Forbidden(_) => "actor",
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            DomainError::Invalid { reason, .. } | DomainError::Transition { reason, .. } => reason,
            DomainError::Forbidden(why) => why,
        }
    }
}
