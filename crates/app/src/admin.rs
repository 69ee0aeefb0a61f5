//! Administration of the deployment: agencies and their departments (承办部门), API tokens
//! and the holiday calendar are the system administrator's ([`Duty::System`]), the audit log
//! the auditor's ([`Duty::Audit`]). For anyone else these are "not found", as if the resource
//! did not exist.

use gongkai_domain::actor::Duty;
use gongkai_domain::calendar::ScheduleFile;
use gongkai_store::tokens::DEFAULT_TOKEN_DAYS;
use gongkai_store::{
    Actor, Agency, AuditEntry, CalendarImport, Department, IssuedToken, NewAgency, NewToken,
    TokenInfo, VerifyReport,
};

use crate::{App, AppError, Result};

/// A token to issue, as submitted: the role by its code, the agency by its slug.
#[derive(Debug, Clone, Default)]
pub struct TokenInput {
    pub name: String,
    /// One of [`gongkai_store::Role::ASSIGNABLE`] by its code (`staff` and `admin` are deprecated aliases).
    pub role: String,
    /// The agency (slug) a staff token acts for.
    pub agency: Option<String>,
    /// A handler token's department (id or name).
    pub department: Option<String>,
    /// The agencies (slugs) a supervisor token reads.
    pub supervises: Vec<String>,
    /// Days until it expires (default [`DEFAULT_TOKEN_DAYS`]).
    pub days: Option<u32>,
}

/// Only the administrator with `duty`; anyone else finds nothing.
fn require(actor: &Actor, duty: Duty) -> Result<()> {
    if actor.has_duty(duty) {
        Ok(())
    } else {
        Err(AppError::NotFound("resource".into()))
    }
}

impl App {
    /// An agency the actor may act for, by slug; another agency is not found, like a missing
    /// one (agency isolation).
    pub async fn own_agency(&self, slug: &str, actor: &Actor) -> Result<Agency> {
        let agency = self.agency(slug).await?;
        if actor.may_act_for(agency.id) {
            Ok(agency)
        } else {
            Err(AppError::NotFound(format!("agency {slug}")))
        }
    }

    /// An agency whose requests and reports the actor reads ([`Actor::may_read_agency`]: its
    /// staff, its supervisors); another is not found.
    pub async fn readable_agency(&self, slug: &str, actor: &Actor) -> Result<Agency> {
        let agency = self.agency(slug).await?;
        if actor.may_read_agency(agency.id) {
            Ok(agency)
        } else {
            Err(AppError::NotFound(format!("agency {slug}")))
        }
    }

    /// Creates an agency with its departments.
    pub async fn create_agency(
        &self,
        new: NewAgency,
        departments: &[String],
        actor: &Actor,
    ) -> Result<Agency> {
        require(actor, Duty::System)?;
        self.changing_directory(async {
            let agency = self.store.create_agency(new, actor).await?;
            for d in departments {
                self.store.add_department(agency.id, d, actor).await?;
            }
            Ok(agency)
        })
        .await
    }

    /// Adds a department (承办部门) to an agency.
    pub async fn add_department(
        &self,
        agency: &str,
        name: &str,
        actor: &Actor,
    ) -> Result<Department> {
        require(actor, Duty::System)?;
        let agency = self.agency(agency).await?;
        self.changing_directory(async {
            Ok(self.store.add_department(agency.id, name, actor).await?)
        })
        .await
    }

    /// Issues an API token (valid for `days`, default 90); the token is shown once.
    pub async fn issue_token(
        &self,
        input: &TokenInput,
        days_field: &str,
        actor: &Actor,
    ) -> Result<IssuedToken> {
        require(actor, Duty::System)?;
        let given = self
            .assignment(
                &crate::UserInput {
                    role: input.role.clone(),
                    agency: input.agency.clone(),
                    department: input.department.clone(),
                    supervises: input.supervises.clone(),
                    ..Default::default()
                },
                actor,
            )
            .await?;
        let new = NewToken {
            name: input.name.clone(),
            role: given.role,
            agency_id: given.agency_id,
            department_id: given.department_id,
            supervised: given.supervised,
            days: input.days.unwrap_or(DEFAULT_TOKEN_DAYS),
        };
        new.validate(days_field)?;
        Ok(self.store.issue_token(&new, actor).await?)
    }

    /// Every token, oldest first (never the token or its hash).
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<TokenInfo>> {
        require(actor, Duty::System)?;
        Ok(self.store.tokens(actor).await?)
    }

    /// Revokes a token at once; an already revoked one is a conflict.
    pub async fn revoke_token(&self, id: i64, actor: &Actor) -> Result<TokenInfo> {
        require(actor, Duty::System)?;
        Ok(self.store.revoke_token(id, actor).await?)
    }

    /// The actor of an `Authorization: Bearer` token valid now (`None` for an unknown,
    /// expired or revoked one).
    pub async fn actor_for_token(&self, token: &str) -> Result<Option<Actor>> {
        Ok(self.store.actor_for_token(token.trim()).await?)
    }

    /// Imports newer holiday notices; every open request's deadline is recomputed.
    pub async fn import_calendar(
        &self,
        file: ScheduleFile,
        actor: &Actor,
    ) -> Result<CalendarImport> {
        require(actor, Duty::System)?;
        self.changing_directory(async { Ok(self.store.import_calendar(file, actor).await?) })
            .await
    }

    /// Audit-log entries after `after_seq` (at most `limit`, 1–1000).
    pub async fn audit_entries(
        &self,
        after_seq: i64,
        limit: i64,
        actor: &Actor,
    ) -> Result<Vec<AuditEntry>> {
        require(actor, Duty::Audit)?;
        Ok(self
            .store
            .audit_entries(after_seq, limit.clamp(1, 1000))
            .await?)
    }

    /// Verifies the audit chain, the ledger rows and every projection.
    pub async fn verify_audit_log(&self, actor: &Actor) -> Result<VerifyReport> {
        require(actor, Duty::Audit)?;
        Ok(self.store.verify_audit_log().await?)
    }
}
