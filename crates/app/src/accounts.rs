//! 账号与会话 — staff accounts, login, sessions and the TOTP second factor. The rules are the
//! domain's ([`gongkai_domain::account`]: password length, lockout, timeouts) and the
//! permissions the [`Actor`]'s: accounts are the system administrator's ([`Duty::System`]),
//! roles the security administrator's ([`Duty::Security`]); the three administrator roles are
//! given only by the deployment's operator (the command line), so that no administrator can
//! make another. Passwords are hashed with argon2id; a session id is random, sent once as a
//! cookie and stored only hashed; the second factor is RFC 6238 TOTP (SHA-1, 6 digits, 30 s).

use gongkai_domain::DomainError;
use gongkai_domain::account::{self, LOCK_AFTER_FAILURES};
use gongkai_domain::actor::Duty;
use gongkai_store::{Actor, Role, SessionRow, SessionStage, UserInfo};
use gongkai_store::{NewUser, tokens::check_role_scope};

use crate::{App, AppError, Result};

/// The issuer named in an authenticator app.
const TOTP_ISSUER: &str = "gongkai";

/// An account to create, as submitted: the role by its code, agency and supervised agencies by
/// slug, the department by its id or name.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    pub login: String,
    /// Shown and recorded on events; the login when empty.
    pub name: Option<String>,
    pub role: String,
    pub agency: Option<String>,
    pub department: Option<String>,
    pub supervises: Vec<String>,
    /// The password; generated (and returned once) when `None`.
    pub password: Option<String>,
}

/// An account just created or given a new password.
#[derive(Debug, Clone)]
pub struct CreatedUser {
    pub user: UserInfo,
    /// The generated password, shown once (`None` when the caller gave one).
    pub generated_password: Option<String>,
    /// Set when the role was given by a deprecated code (`staff`, `admin`).
    pub deprecation: Option<&'static str>,
}

/// A login attempt.
#[derive(Debug, Clone, Default)]
pub struct LoginInput {
    pub login: String,
    pub password: String,
    /// The TOTP code, if the account has a second factor.
    pub code: Option<String>,
    /// The client's address, for the audit log.
    pub address: String,
}

/// A login that succeeded: the new session id (for the cookie, never stored) and its stage.
#[derive(Debug, Clone)]
pub struct LoginSession {
    pub id: String,
    pub stage: SessionStage,
}

/// A TOTP secret being enrolled, to show once.
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// The `otpauth://` URI (RFC 6238 parameters).
    pub uri: String,
}

/// Why a login was refused: one answer for every cause, so that it tells no one which logins
/// exist, which password was near or whether a code was asked.
fn login_refused() -> AppError {
    AppError::Invalid(vec![
        DomainError::invalid(
            "login",
            "wrong login, password or code, or the account is locked",
        )
        .zh("登录名、密码或动态口令不正确，或账号已被锁定（连续失败5次锁定30分钟）"),
    ])
}

fn require(actor: &Actor, duty: Duty) -> Result<()> {
    if actor.has_duty(duty) {
        Ok(())
    } else {
        Err(AppError::NotFound("resource".into()))
    }
}

fn random_text(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

fn totp(secret: &str, login: &str) -> Result<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret)
        .map_err(|_| AppError::Internal("stored TOTP secret is not base32".into()))?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_issuer(Some(TOTP_ISSUER))
        .with_account_name(login)
        .build()
        .map_err(|e| AppError::Internal(format!("TOTP: {e}")))
}

/// Whether `code` is the TOTP code of `secret` at `unix_seconds` (one step of skew either way).
pub fn totp_matches(secret: &str, login: &str, code: &str, unix_seconds: u64) -> Result<bool> {
    let code = code.trim();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(false);
    }
    Ok(totp(secret, login)?.check(code, unix_seconds).is_some())
}

/// The TOTP code of `secret` at `unix_seconds` (what an authenticator app shows; for tests
/// and the demo's instructions).
pub fn totp_code(secret: &str, login: &str, unix_seconds: u64) -> Result<String> {
    Ok(totp(secret, login)?.generate(unix_seconds).to_string())
}

fn hash_password(password: &str) -> Result<String> {
    account::check_password(password)?;
    Ok(password_auth::generate_hash(password))
}

/// What an account or token is given: its role and what that role is tied to.
pub(crate) struct Assignment {
    pub role: Role,
    /// Set when the role was given by a deprecated code.
    pub deprecation: Option<&'static str>,
    pub agency_id: Option<i64>,
    pub department_id: Option<i64>,
    pub supervised: Vec<i64>,
}

impl App {
    fn unix_now(&self) -> u64 {
        u64::try_from(self.clock.now().timestamp()).unwrap_or(0)
    }

    /// The role (by its code) and the agency, department and supervised agencies `input`
    /// gives an account or token, checked together ([`check_role_scope`]). An administrator
    /// role is given only by the deployment's operator ([`Actor::system`]), so that no
    /// administrator can make another.
    pub(crate) async fn assignment(&self, input: &UserInput, actor: &Actor) -> Result<Assignment> {
        let (role, deprecation) = Role::parse_assignable(&input.role)?;
        if !role.needs_agency() && actor.role != Role::System {
            return Err(AppError::Forbidden(
                "the administrator roles are given by the deployment's operator (the command line)"
                    .into(),
            ));
        }
        let (agency_id, department_id, supervised) = self
            .scope(
                input.agency.as_deref(),
                input.department.as_deref(),
                &input.supervises,
            )
            .await?;
        check_role_scope(role, agency_id, department_id)?;
        Ok(Assignment {
            role,
            deprecation,
            agency_id,
            department_id,
            supervised,
        })
    }

    /// Resolves an agency slug, a department (id or name) within it and supervised slugs.
    async fn scope(
        &self,
        agency: Option<&str>,
        department: Option<&str>,
        supervises: &[String],
    ) -> Result<(Option<i64>, Option<i64>, Vec<i64>)> {
        let agency_id = match agency {
            Some(slug) => Some(self.agency(slug).await?.id),
            None => None,
        };
        let department_id = match (department.map(str::trim), agency_id) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(DomainError::invalid("department", "needs --agency").into());
            }
            (Some(d), Some(agency_id)) => Some(
                self.store
                    .departments(agency_id)
                    .await?
                    .into_iter()
                    .find(|x| x.name == d || x.id.to_string() == d)
                    .ok_or_else(|| {
                        DomainError::invalid("department", format!("no department '{d}'"))
                    })?
                    .id,
            ),
        };
        let mut supervised = Vec::new();
        for slug in supervises {
            supervised.push(self.agency(slug).await?.id);
        }
        Ok((agency_id, department_id, supervised))
    }

    /// Creates an account. The system administrator creates staff accounts; an administrator
    /// role is given only by the deployment's operator ([`Actor::system`]).
    pub async fn create_user(&self, input: &UserInput, actor: &Actor) -> Result<CreatedUser> {
        require(actor, Duty::System)?;
        account::check_login(&input.login)?;
        let given = self.assignment(input, actor).await?;
        let generated = input.password.is_none().then(|| random_text(16));
        let password = input
            .password
            .as_deref()
            .or(generated.as_deref())
            .unwrap_or_default();
        let new = NewUser {
            login: input.login.clone(),
            name: input
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| input.login.clone()),
            role: given.role,
            agency_id: given.agency_id,
            department_id: given.department_id,
            supervised: given.supervised,
            password_hash: hash_password(password)?,
        };
        let user = self.store.create_user(&new, actor).await?;
        Ok(CreatedUser {
            user,
            generated_password: generated,
            deprecation: given.deprecation,
        })
    }

    /// Every account (the system administrator's, or the security administrator's who assigns
    /// their roles).
    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserInfo>> {
        if !(actor.has_duty(Duty::System) || actor.has_duty(Duty::Security)) {
            return Err(AppError::NotFound("resource".into()));
        }
        Ok(self.store.users().await?)
    }

    /// Disables an account; its sessions end at once.
    pub async fn disable_user(&self, login: &str, actor: &Actor) -> Result<UserInfo> {
        require(actor, Duty::System)?;
        Ok(self.store.disable_user(login, actor).await?)
    }

    /// Gives an account a new password (generated and returned once when `None`), lifting a
    /// lock and ending its sessions.
    pub async fn reset_password(
        &self,
        login: &str,
        password: Option<&str>,
        actor: &Actor,
    ) -> Result<CreatedUser> {
        require(actor, Duty::System)?;
        let generated = password.is_none().then(|| random_text(16));
        let hash = hash_password(password.or(generated.as_deref()).unwrap_or_default())?;
        let user = self.store.set_password(login, &hash, actor).await?;
        Ok(CreatedUser {
            user,
            generated_password: generated,
            deprecation: None,
        })
    }

    /// Gives an account another role (with its agency, department, supervised agencies): the
    /// security administrator's; an administrator role only the operator's.
    pub async fn set_user_role(&self, input: &UserInput, actor: &Actor) -> Result<CreatedUser> {
        require(actor, Duty::Security)?;
        let given = self.assignment(input, actor).await?;
        let user = self
            .store
            .set_user_role(
                &input.login,
                given.role,
                given.agency_id,
                given.department_id,
                &given.supervised,
                actor,
            )
            .await?;
        Ok(CreatedUser {
            user,
            generated_password: None,
            deprecation: given.deprecation,
        })
    }

    /// Logs in: a disabled, locked or unknown account, a wrong password or a wrong or missing
    /// TOTP code (once enrolled) are all refused alike and audited; the fifth failure in a row
    /// locks the account for 30 minutes. Success starts a fresh session (a new random id) —
    /// `enrol` when the role needs a second factor not yet enrolled.
    pub async fn login(&self, input: &LoginInput) -> Result<LoginSession> {
        let now = self.clock.now();
        let login = input.login.trim();
        let refuse = |reason: &'static str| async move {
            self.store
                .record_login_failure(
                    login,
                    &input.address,
                    reason,
                    LOCK_AFTER_FAILURES,
                    now + account::lock_duration(),
                )
                .await?;
            Err::<LoginSession, AppError>(login_refused())
        };
        if login.is_empty() || login.len() > 40 || input.password.chars().count() > 128 {
            return Err(login_refused());
        }
        let Some(user) = self.store.user_auth(login).await? else {
            return refuse("unknown login").await;
        };
        if user.info.disabled {
            return refuse("disabled").await;
        }
        if user.info.locked_until.is_some_and(|t| now < t) {
            return refuse("locked").await;
        }
        if password_auth::verify_password(&input.password, &user.password_hash).is_err() {
            return refuse("wrong password").await;
        }
        let stage = match &user.totp_secret {
            Some(secret) => {
                let code = input.code.as_deref().unwrap_or_default();
                if !totp_matches(secret, login, code, self.unix_now())? {
                    return refuse("wrong second factor").await;
                }
                SessionStage::Full
            }
            None if user.info.role.requires_second_factor() => SessionStage::Enrol,
            None => SessionStage::Full,
        };
        let id = random_text(43);
        self.store
            .start_session(user.info.id, &id, stage, &input.address, now)
            .await?;
        Ok(LoginSession { id, stage })
    }

    /// The session of a cookie if it is alive (15 minutes idle, 12 hours in all, by the
    /// clock), marked used; an expired one is ended (audited) and `None`.
    pub async fn session(&self, cookie: &str) -> Result<Option<SessionRow>> {
        let cookie = cookie.trim();
        if cookie.is_empty() || cookie.len() > 64 {
            return Ok(None);
        }
        let Some(session) = self.store.session(cookie).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        if session.user.disabled {
            return Ok(None);
        }
        if !account::session_alive(session.created_at, session.last_seen_at, now) {
            let reason = if now >= session.created_at + account::absolute_timeout() {
                "expired"
            } else {
                "idle"
            };
            self.store.end_session(cookie, reason, now).await?;
            return Ok(None);
        }
        self.store.touch_session(cookie, now).await?;
        Ok(Some(session))
    }

    /// The actor of a `gongkai_session` cookie: a live session that passed every factor its
    /// role needs (an `enrol` session acts as no one).
    pub async fn actor_for_session(&self, cookie: &str) -> Result<Option<Actor>> {
        Ok(self
            .session(cookie)
            .await?
            .filter(|s| s.stage == SessionStage::Full)
            .map(|s| s.user.actor()))
    }

    /// Ends a session (audited `logout`).
    pub async fn logout(&self, cookie: &str) -> Result<()> {
        Ok(self
            .store
            .end_session(cookie.trim(), "logout", self.clock.now())
            .await?)
    }

    /// Starts enrolling a TOTP second factor for the session's account: a new secret, kept
    /// pending until [`App::confirm_totp`].
    pub async fn begin_totp(&self, cookie: &str) -> Result<TotpEnrolment> {
        let session = self
            .session(cookie)
            .await?
            .ok_or_else(|| AppError::NotFound("session".into()))?;
        let mut bytes = [0u8; 20];
        rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
        let secret = totp_rs::Secret::from(bytes.to_vec()).to_base32();
        let uri = totp(&secret, &session.user.login)?
            .to_url()
            .map_err(|e| AppError::Internal(format!("TOTP: {e}")))?;
        self.store
            .set_totp_pending(session.user.id, Some(&secret))
            .await?;
        Ok(TotpEnrolment { secret, uri })
    }

    /// The live session of `cookie` (else not found) and the TOTP secret its account is
    /// enrolling, if any.
    async fn enrolling(&self, cookie: &str) -> Result<(SessionRow, Option<String>)> {
        let session = self
            .session(cookie)
            .await?
            .ok_or_else(|| AppError::NotFound("session".into()))?;
        let pending = self
            .store
            .user_auth(&session.user.login)
            .await?
            .and_then(|u| u.totp_pending);
        Ok((session, pending))
    }

    /// The TOTP secret being enrolled for the session's account (a new one if none is).
    pub async fn pending_totp(&self, cookie: &str) -> Result<TotpEnrolment> {
        let (session, pending) = self.enrolling(cookie).await?;
        match pending {
            Some(secret) => {
                let uri = totp(&secret, &session.user.login)?
                    .to_url()
                    .map_err(|e| AppError::Internal(format!("TOTP: {e}")))?;
                Ok(TotpEnrolment { secret, uri })
            }
            None => self.begin_totp(cookie).await,
        }
    }

    /// Confirms the pending TOTP secret with a code from the authenticator: from then on every
    /// login asks for it, and the session may act.
    pub async fn confirm_totp(&self, cookie: &str, code: &str) -> Result<()> {
        let (session, pending) = self.enrolling(cookie).await?;
        let pending = pending
            .ok_or_else(|| AppError::Conflict("no second factor is being enrolled".into()))?;
        if !totp_matches(&pending, &session.user.login, code, self.unix_now())? {
            return Err(
                DomainError::invalid("code", "not the current code of the new secret")
                    .zh("动态口令不正确，请输入验证器当前显示的6位数字")
                    .into(),
            );
        }
        Ok(self
            .store
            .confirm_totp(session.user.id, cookie.trim())
            .await?)
    }
}
