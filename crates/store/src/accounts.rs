//! 账号 — staff accounts and their login sessions, as stored. The rules (password length,
//! lockout, timeouts) are the domain's ([`gongkai_domain::account`]); hashing the password and
//! checking the second factor are the application's; the store keeps the rows, shared by every
//! server on the database: a session is stored only as the salted SHA-256 of its id.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::Role;

/// An account to create (validated by the application; the password already hashed).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    /// The name shown and recorded on events (the login unless given).
    pub name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    pub department_id: Option<i64>,
    pub supervised: Vec<i64>,
    /// argon2id PHC string.
    pub password_hash: String,
}

/// An account as listed: never the password hash or the TOTP secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    /// The agency's slug.
    pub agency: Option<String>,
    pub agency_id: Option<i64>,
    pub department_id: Option<i64>,
    pub supervised: Vec<i64>,
    /// Whether a TOTP second factor is enrolled.
    pub totp: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl UserInfo {
    /// The actor this account acts as.
    pub fn actor(&self) -> crate::Actor {
        crate::Actor {
            department_id: self.department_id,
            supervised: self.supervised.clone(),
            ..crate::Actor::new(self.name.clone(), self.role, self.agency_id)
        }
    }
}

/// What a login is checked against.
#[derive(Debug, Clone)]
pub struct UserAuth {
    pub info: UserInfo,
    pub password_hash: String,
    /// The confirmed TOTP secret (base32).
    pub totp_secret: Option<String>,
    /// A TOTP secret being enrolled, not yet confirmed.
    pub totp_pending: Option<String>,
    pub failed_logins: i64,
}

/// 会话阶段 — what a session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStage {
    /// Logged in with every factor the role needs.
    Full,
    /// Password checked, but the role needs a second factor not yet enrolled: only enrolment.
    Enrol,
}

impl SessionStage {
    pub fn code(self) -> &'static str {
        match self {
            SessionStage::Full => "full",
            SessionStage::Enrol => "enrol",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "full" => Some(SessionStage::Full),
            "enrol" => Some(SessionStage::Enrol),
            _ => None,
        }
    }
}

/// A stored session that has not been ended (whether it is still alive is the domain's rule).
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user: UserInfo,
    pub stage: SessionStage,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Agency ids as stored in a `supervised` column: comma-separated.
pub(crate) fn supervised_text(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub(crate) fn supervised_ids(text: &str) -> Option<Vec<i64>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect()
}
