//! 账号 — the rules of staff accounts and their login sessions (等保 2.0 level 3: identification
//! and authentication): password length, lockout after repeated failures, idle and absolute
//! session timeouts. Pure: the moments come from the [`Clock`](crate::clock::Clock).

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (argon2 hashes any length; this bounds the input).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Failed logins in a row that lock the account.
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub fn lock_duration() -> Duration {
    Duration::minutes(30)
}
/// A session unused this long has ended.
pub fn idle_timeout() -> Duration {
    Duration::minutes(15)
}
/// A session this old has ended, used or not.
pub fn absolute_timeout() -> Duration {
    Duration::hours(12)
}

/// Whether a session started at `created` and last used at `last_seen` is still alive at `now`.
pub fn session_alive(created: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < last_seen + idle_timeout() && now < created + absolute_timeout()
}

/// Checks a new password: 12–128 characters, no control characters.
pub fn check_password(password: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n)
        || password.chars().any(char::is_control)
    {
        return Err(DomainError::invalid(
            "password",
            format!("{MIN_PASSWORD_CHARS}-{MAX_PASSWORD_CHARS} characters, no control characters"),
        )
        .zh(format!(
            "密码须为{MIN_PASSWORD_CHARS}至{MAX_PASSWORD_CHARS}个字符"
        )));
    }
    Ok(())
}

/// Checks a login name: 3–40 of a–z, 0–9, `.`, `_`, `-`, starting with a letter.
pub fn check_login(login: &str) -> Result<(), DomainError> {
    let ok = (3..=40).contains(&login.len())
        && login.starts_with(|c: char| c.is_ascii_lowercase())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "login",
            "3-40 characters a-z, 0-9, '.', '_', '-', starting with a letter",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_when_idle_or_old() {
        let t0 = DateTime::parse_from_rfc3339("2026-03-02T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let m = Duration::minutes;
        assert!(session_alive(t0, t0, t0 + m(14)));
        assert!(!session_alive(t0, t0, t0 + m(15)), "15 minutes idle");
        let used = t0 + Duration::hours(12) - m(1);
        assert!(session_alive(t0, used, used));
        assert!(
            !session_alive(t0, used, t0 + Duration::hours(12)),
            "12 hours old"
        );
    }

    #[test]
    fn passwords_and_logins_are_bounded() {
        assert!(check_password("correct horse").is_ok());
        assert_eq!(
            check_password("short pw 11").unwrap_err().field(),
            "password"
        );
        assert!(check_password(&"x".repeat(129)).is_err());
        assert!(check_login("li.ming").is_ok());
        for bad in ["Li", "1abc", "li ming", "李明"] {
            assert_eq!(check_login(bad).unwrap_err().field(), "login");
        }
    }
}
