//! API tokens and their lifetime: a token is valid from its issue until it expires (90 days
//! unless the administrator says otherwise, at most a year) or is revoked, whichever comes
//! first. Validity is decided on every request against the database (no cache), so a revoked
//! token fails at once. The token itself is shown once and stored only as a salted hash; a
//! listing never shows either.

use chrono::{DateTime, Duration, Utc};
use gongkai_domain::DomainError;
use serde::Serialize;

use crate::Role;

/// Days a token lives when the administrator does not say.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest lifetime a token may be given.
pub const MAX_TOKEN_DAYS: u32 = 366;

/// A token to issue.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Who holds it (a person or an office), 1–100 characters.
    pub name: String,
    pub role: Role,
    /// The one agency a staff token acts for.
    pub agency_id: Option<i64>,
    /// A handler token's department (承办部门).
    pub department_id: Option<i64>,
    /// The agencies a supervisor token reads.
    pub supervised: Vec<i64>,
    /// Lifetime in days, 1..=[`MAX_TOKEN_DAYS`].
    pub days: u32,
}

impl NewToken {
    /// Checks the name, the role/agency pairing and the lifetime; `days_field` names the
    /// lifetime as the caller spells it (`expires_in_days`, `--days`).
    pub fn validate(&self, days_field: &str) -> Result<(), DomainError> {
        let n = self.name.trim().chars().count();
        if n == 0 || n > 100 || self.name.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "name",
                "1-100 characters, no control characters",
            ));
        }
        check_role_scope(self.role, self.agency_id, self.department_id)?;
        if !(1..=MAX_TOKEN_DAYS).contains(&self.days) {
            return Err(DomainError::invalid(
                days_field,
                format!("a token lives 1-{MAX_TOKEN_DAYS} days"),
            ));
        }
        Ok(())
    }

    /// When a token issued at `issued` expires.
    pub fn expires_at(&self, issued: DateTime<Utc>) -> DateTime<Utc> {
        issued + Duration::days(i64::from(self.days))
    }
}

/// Checks what an account or token of `role` is tied to: one of [`Role::ASSIGNABLE`]; the
/// agency staff belong to (and none for an administrator); a department for a handler only.
pub fn check_role_scope(
    role: Role,
    agency_id: Option<i64>,
    department_id: Option<i64>,
) -> Result<(), DomainError> {
    if !Role::ASSIGNABLE.contains(&role) {
        return Err(DomainError::invalid(
            "role",
            "must be office, handler, head, supervisor, sysadmin, secadmin or auditor",
        ));
    }
    if role.needs_agency() != agency_id.is_some() {
        return Err(DomainError::invalid(
            "agency",
            "office, handler, head and supervisor belong to one agency; administrators to none",
        ));
    }
    if (role == Role::Handler) != department_id.is_some() {
        return Err(DomainError::invalid(
            "department",
            "a handler belongs to one department, no other role does",
        ));
    }
    Ok(())
}

/// A token just issued: the secret (shown once) and its record.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedToken {
    pub token: String,
    pub info: TokenInfo,
}

/// Where a token stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn code(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }
}

/// A token as listed: never the token or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The agency's slug (staff and head tokens).
    pub agency: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenInfo {
    /// Revoked wins over expired; a token is expired from its `expires_at` on.
    pub fn status_at(&self, now: DateTime<Utc>) -> TokenStatus {
        if self.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if now >= self.expires_at {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(days: u32) -> NewToken {
        NewToken {
            name: "公开办".into(),
            role: Role::Office,
            agency_id: Some(1),
            department_id: None,
            supervised: Vec::new(),
            days,
        }
    }

    #[test]
    fn lifetimes_are_bounded_and_the_field_is_named() {
        assert!(new(1).validate("days").is_ok());
        assert!(new(MAX_TOKEN_DAYS).validate("days").is_ok());
        for bad in [0, MAX_TOKEN_DAYS + 1] {
            let e = new(bad).validate("expires_in_days").unwrap_err();
            assert_eq!(e.field(), "expires_in_days");
        }
        let mut t = new(90);
        t.agency_id = None;
        assert_eq!(t.validate("days").unwrap_err().field(), "agency");
        t.name = " ".into();
        assert_eq!(t.validate("days").unwrap_err().field(), "name");
    }

    #[test]
    fn status_follows_the_clock_given() {
        let at = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut info = TokenInfo {
            id: 1,
            name: "x".into(),
            role: Role::Sysadmin,
            agency: None,
            created_at: at,
            expires_at: new(90).expires_at(at),
            revoked_at: None,
        };
        assert_eq!(info.status_at(at), TokenStatus::Active);
        assert_eq!(
            info.status_at(at + Duration::days(90) - Duration::seconds(1)),
            TokenStatus::Active
        );
        assert_eq!(
            info.status_at(at + Duration::days(90)),
            TokenStatus::Expired
        );
        info.revoked_at = Some(at);
        assert_eq!(info.status_at(at), TokenStatus::Revoked);
    }
}
