//! gongkai-store — persistence behind one trait, [`Store`].
//!
//! Two backends share one SQL code path (`sql_impl.rs`, compiled once per backend): SQLite, the
//! embedded default (`DIR/gongkai.sqlite3`, WAL, `synchronous=FULL`), and PostgreSQL, the
//! scale-out store. Every write runs in one transaction together with its audit-log entry, and
//! returns only after the commit.
//!
//! The request ledger's events are the truth; the `status`, `due_on`, `concluded_on` and
//! `outcome` columns of `requests` are a projection recomputed by the domain core on every append
//! (and on calendar import), kept for queries.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod checkpoint;
pub mod crypto;
pub mod keys;
pub mod ledger;
pub mod letters;
pub mod reporting;
pub mod synthetic;
pub mod tokens;
mod voiding;

mod postgres;
mod sqlite;

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::DomainError;
use gongkai_domain::applicant::{Applicant, ApplicantKind};
use gongkai_domain::calendar::{Calendar, ScheduleFile};
use gongkai_domain::outcome::Outcome;
use gongkai_domain::report::{RequestFact, ReviewFact};
use gongkai_domain::request::{Channel, Delivery, Event, Status};
use serde::Serialize;

pub use accounts::{NewUser, SessionRow, SessionStage, UserAuth, UserInfo};
pub use audit::{AuditEntry, ChainCheck};
pub use crypto::{PersonalData, PiiCipher};
pub use gongkai_domain::actor::{Actor, Role};
pub use keys::KeySource;
pub use ledger::{Problem, VerifyReport};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use tokens::{IssuedToken, NewToken, TokenInfo, TokenStatus};

/// The store's one error type.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The actor may see the thing but the action is another role's (e.g. the head's).
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("personal data: {0}")]
    Crypto(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The PII key is missing, wrong or unsafe (the message says which file or variable and
    /// what to do).
    #[error("{0}")]
    Key(String),
    /// A backup or restore could not be made (the message says why).
    #[error("{0}")]
    Backup(String),
    /// A letter (告知书) could not be made; the event that sends it is not recorded.
    #[error("letter: {0}")]
    Letter(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A disclosing agency (行政机关).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agency {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// A people's government (reports by 31 March) rather than a department (31 January).
    pub is_government: bool,
}

#[derive(Debug, Clone)]
pub struct NewAgency {
    pub slug: String,
    pub name: String,
    pub is_government: bool,
}

/// Top-level paths of the site (`/api/…`, `/assets/…`, `/mode`, `/health`) that an agency's
/// portal (`/{slug}/`) must not shadow.
pub const RESERVED_SLUGS: [&str; 4] = ["api", "assets", "mode", "health"];

impl NewAgency {
    /// Slug: 2–40 of `a-z0-9-`, starting with a letter; name 1–100 characters.
    pub fn validate(&self) -> Result<(), DomainError> {
        let s = &self.slug;
        let ok = (2..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            return Err(DomainError::invalid(
                "slug",
                "2-40 characters of a-z, 0-9 and '-', starting with a letter",
            ));
        }
        if RESERVED_SLUGS.contains(&s.as_str()) {
            return Err(DomainError::invalid(
                "slug",
                format!(
                    "'{s}' is a path of the site itself; reserved: {}",
                    RESERVED_SLUGS.join(", ")
                ),
            ));
        }
        let n = self.name.trim().chars().count();
        if n == 0 || n > 100 {
            return Err(DomainError::invalid("name", "1-100 characters"));
        }
        Ok(())
    }
}

/// A department (承办部门) of an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Department {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
}

/// A validated request to register.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub agency_id: i64,
    pub applicant: Applicant,
    pub description: String,
    pub channel: Channel,
    pub delivery: Delivery,
    /// Art. 31 receipt date.
    pub received_on: NaiveDate,
    pub department_id: Option<i64>,
    /// 文号 / 索引号 / title if known, and the medium asked for (Art. 29(2)–(3)).
    pub details: gongkai_domain::request::RequestDetails,
}

/// What the applicant gets back on filing: the query code is shown once and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedRequest {
    pub number: String,
    pub query_code: String,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
}

/// An event as recorded in the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedEvent {
    pub seq: i64,
    #[serde(flatten)]
    pub event: Event,
    pub actor: String,
    pub recorded_at: DateTime<Utc>,
    /// The seq of the `voided` event that supersedes this one, if any (the ledger skips it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voided_by: Option<i64>,
}

/// 内部备注 — an internal note on a request: for staff only, never shown to the applicant.
#[derive(Debug, Clone, Serialize)]
pub struct RequestNote {
    pub id: i64,
    pub body: String,
    /// Who wrote it ([`Actor::label`]).
    pub author: String,
    pub written_at: DateTime<Utc>,
}

/// A request with its ledger; personal data only in masked form.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub id: i64,
    pub agency_id: i64,
    pub department_id: Option<i64>,
    pub number: String,
    pub applicant_kind: ApplicantKind,
    pub applicant_name: String,
    pub org_code: Option<String>,
    pub id_number_masked: Option<String>,
    pub phone_masked: String,
    pub description: String,
    /// 文号 / 索引号 / title if known, and the medium asked for (Art. 29(2)–(3)).
    pub details: gongkai_domain::request::RequestDetails,
    pub channel: Channel,
    pub delivery: Delivery,
    pub received_on: NaiveDate,
    pub status: Status,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub concluded_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub events: Vec<RecordedEvent>,
    /// The letters (告知书) its events sent, in event order, read with the ledger.
    pub letters: Vec<letters::LetterInfo>,
}

impl RequestRecord {
    pub fn event_list(&self) -> Vec<Event> {
        self.events.iter().map(|e| e.event.clone()).collect()
    }
}

/// A line of a request listing.
#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    pub number: String,
    /// The 承办部门 it is assigned to, if any.
    pub department_id: Option<i64>,
    pub applicant_kind: ApplicantKind,
    pub applicant_name: String,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub status: Status,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    /// The day it was answered, withdrawn or deemed abandoned.
    pub concluded_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
}

/// Filter for listing requests.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub status: Option<Status>,
    /// Open requests due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Requests due on or after this day (with `due_by`: a window, e.g. 即将到期).
    pub due_from: Option<NaiveDate>,
    /// Only the requests assigned to this department (a handler's list).
    pub department_id: Option<i64>,
    /// Only the requests not assigned to a department yet (未分配).
    pub unassigned: bool,
    /// Only the requests received through this channel.
    pub channel: Option<Channel>,
    /// Only open requests (not answered, withdrawn or abandoned).
    pub open_only: bool,
    /// A 申请编号 (or its beginning), an applicant's exact full name (by its blind index), or
    /// words of the description; bounded by the caller.
    pub search: Option<String>,
    pub order: ListOrder,
    pub limit: i64,
    pub offset: i64,
}

/// The order of a request listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// Newest received first.
    #[default]
    Newest,
    /// Soonest due first (those without a due day last): the inbox.
    Due,
}

/// 收件箱 — the counts on top of the inbox: an agency's (or a department's) open requests, those
/// due soon and those overdue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct InboxCounts {
    pub open: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// What a calendar import changed.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarImport {
    pub years: Vec<i32>,
    pub recomputed: u64,
    pub changed: u64,
}

/// 规章 or 规范性文件 in the publications register (第二十条第（一）项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationKind {
    /// 规章
    Rule,
    /// 规范性文件 (行政规范性文件)
    NormativeDocument,
}

impl PublicationKind {
    pub fn code(self) -> &'static str {
        match self {
            PublicationKind::Rule => "rule",
            PublicationKind::NormativeDocument => "normative_document",
        }
    }
}

/// An entry of the publications register.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct NewPublication {
    pub kind: PublicationKind,
    pub title: String,
    pub doc_number: Option<String>,
    pub issued_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub repealed_on: Option<NaiveDate>,
}

/// A figure of the yearly statistics register with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistic {
    pub key: String,
    pub value: f64,
    pub source: String,
}

/// Where a report version stands: draft → approved → published (frozen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Approved,
    Published,
}

impl ReportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Approved => "approved",
            ReportStatus::Published => "published",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            ReportStatus::Draft,
            ReportStatus::Approved,
            ReportStatus::Published,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }
}

/// One version of an agency's annual report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportVersion {
    pub id: i64,
    pub agency_id: i64,
    pub year: i32,
    pub version: i64,
    pub status: ReportStatus,
    /// The canonical JSON as frozen.
    pub report_json: String,
    pub json_sha256: String,
    pub approved_by: Option<String>,
    pub published_at: Option<String>,
    /// Rendered files (format, SHA-256), once published.
    pub files: Vec<(String, String)>,
}

/// A synthetic request for bulk seeding (benchmarks, load tests): the ledger is `received`
/// followed by `events` (replayed through the domain like any other ledger).
#[derive(Debug, Clone)]
pub struct SeedRequest {
    pub agency_id: i64,
    pub kind: ApplicantKind,
    pub name: String,
    pub received_on: NaiveDate,
    pub events: Vec<Event>,
}

/// The repository of everything gongkai keeps. It checks what data must satisfy (the domain's
/// rules on every write, the ledger's transitions, the publish gate) but not who may act: that
/// is decided once in the application layer (`gongkai-app`) from the [`Actor`], which the store
/// records on every event and audit entry.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The backend's name (`sqlite` or `postgres`).
    fn backend(&self) -> &'static str;
    /// The calendar in force now: compares the database's calendar version (one primary-key
    /// read) with the loaded one and reloads the imported notices when another process (a CLI
    /// `calendar import`, another server) imported since.
    async fn current_calendar(&self) -> Result<Arc<Calendar>>;

    async fn create_agency(&self, new: NewAgency, actor: &Actor) -> Result<Agency>;
    async fn agency(&self, slug: &str) -> Result<Option<Agency>>;
    async fn agency_by_id(&self, id: i64) -> Result<Option<Agency>>;
    async fn agencies(&self) -> Result<Vec<Agency>>;
    async fn add_department(&self, agency_id: i64, name: &str, actor: &Actor)
    -> Result<Department>;
    async fn departments(&self, agency_id: i64) -> Result<Vec<Department>>;
    /// 机关设置 — an agency's settings (what its 公开指南 and the footer show); empty when none is set.
    async fn agency_settings(
        &self,
        agency_id: i64,
    ) -> Result<gongkai_domain::agency::AgencySettings>;
    /// Applies validated changes (a `None` value clears the key) in one transaction with its
    /// audit entry, for an actor who may act for the agency; returns the settings after them.
    async fn set_agency_settings(
        &self,
        agency_id: i64,
        changes: &[gongkai_domain::agency::SettingChange],
        actor: &Actor,
    ) -> Result<gongkai_domain::agency::AgencySettings>;

    /// Registers a request: number, query code, the `received` event, the deadline and the audit
    /// entry, in one transaction.
    async fn create_request(&self, new: NewRequest, actor: &Actor) -> Result<CreatedRequest>;
    /// [`Store::create_request`], and the 受理回执 the `received` event sends
    /// ([`gongkai_domain::letter::LetterKind::Receipt`]) in the same transaction: numbered by the
    /// request's 申请编号, dated `issued_on` (the application's today), its files made by `maker`
    /// and frozen with their SHA-256, committed to by the `request.received` audit entry.
    async fn create_request_with_letter(
        &self,
        new: NewRequest,
        actor: &Actor,
        maker: &dyn letters::LetterMaker,
        issued_on: NaiveDate,
    ) -> Result<CreatedRequest>;
    async fn request(&self, number: &str) -> Result<Option<RequestRecord>>;
    /// The request if `query_code` is its code; `None` for an unknown number or a wrong code alike.
    async fn request_for_applicant(
        &self,
        number: &str,
        query_code: &str,
    ) -> Result<Option<RequestRecord>>;
    /// Appends an event after the domain accepts it (`CaseState::append`, with the store's clock
    /// as today); who may record it (a void and an extension are the head's) is the application's
    /// decision, made before. An event the domain refuses is
    /// audited as rejected.
    async fn append_event(
        &self,
        number: &str,
        event: Event,
        actor: &Actor,
    ) -> Result<RequestRecord>;
    /// [`Store::append_event`], and when the event sends a letter
    /// ([`gongkai_domain::letter::LetterKind::for_event`]) the letter too, in the same
    /// transaction: its number (the next serial of the agency's year, or the `letter_no` an
    /// answer gives, which an answer without one gets), the files `maker` writes, their SHA-256
    /// committed to by the event's audit entry.
    async fn append_event_with_letter(
        &self,
        number: &str,
        event: Event,
        actor: &Actor,
        maker: &dyn letters::LetterMaker,
    ) -> Result<RequestRecord>;
    /// One letter's file, served only while its bytes hash to the recorded SHA-256 (else
    /// [`StoreError::Corrupt`], audited).
    async fn letter_file(
        &self,
        request_id: i64,
        event_seq: i64,
        format: letters::LetterFormat,
    ) -> Result<Option<(letters::LetterInfo, Vec<u8>)>>;
    /// Records an attachment of a request (checked by the application: type by content, size,
    /// name): its bytes written atomically to the attachment directory under their SHA-256,
    /// then the row, frozen, in one transaction with its audit entry (`attachment.add`), which
    /// commits to the row and the digest.
    async fn add_attachment(
        &self,
        request_id: i64,
        new: &attachments::NewAttachment,
        bytes: Vec<u8>,
        actor: &Actor,
    ) -> Result<attachments::AttachmentInfo>;
    /// The attachments of a request, oldest first.
    async fn attachments(&self, request_id: i64) -> Result<Vec<attachments::AttachmentInfo>>;
    /// One attachment with its bytes, served only while they hash to the recorded SHA-256 and
    /// the row is what its audit entry committed to (else [`StoreError::Corrupt`], logged and
    /// audited `attachment.file_tampered`).
    async fn attachment_file(
        &self,
        request_id: i64,
        id: i64,
    ) -> Result<Option<(attachments::AttachmentInfo, Vec<u8>)>>;
    /// An agency's edited templates: (kind code, body).
    async fn letter_templates(&self, agency_id: i64) -> Result<Vec<(String, String)>>;
    /// Stores an agency's template of `kind` (checked by the caller), or with `None` drops it
    /// (back to the default); audited.
    async fn set_letter_template(
        &self,
        agency_id: i64,
        kind: gongkai_domain::letter::LetterKind,
        body: Option<&str>,
        actor: &Actor,
    ) -> Result<()>;
    async fn list_requests(
        &self,
        agency_id: i64,
        filter: &RequestFilter,
    ) -> Result<Vec<RequestSummary>>;
    /// How many requests [`Store::list_requests`] finds with `filter` (limit and offset aside).
    async fn count_requests(&self, agency_id: i64, filter: &RequestFilter) -> Result<i64>;
    /// The open requests of the agency (of one department if given): all, overdue (due before
    /// `today`) and due soon (due on `today` or later, before `soon_before`).
    async fn inbox_counts(
        &self,
        agency_id: i64,
        department_id: Option<i64>,
        today: NaiveDate,
        soon_before: NaiveDate,
    ) -> Result<InboxCounts>;
    /// Decrypts an applicant's personal data; the audit entry records `reason` (the application
    /// decides who may ask and cleans the reason).
    async fn personal_data(
        &self,
        number: &str,
        actor: &Actor,
        reason: &str,
    ) -> Result<PersonalData>;
    /// 内部备注 — appends an internal note to request `number` (text cleaned by the caller), in
    /// one transaction with the audit entry that commits to it.
    async fn add_note(&self, number: &str, body: &str, actor: &Actor) -> Result<RequestNote>;
    /// A request's internal notes, oldest first.
    async fn notes(&self, request_id: i64) -> Result<Vec<RequestNote>>;

    /// Stores newer holiday notices and recomputes the deadline of every open request.
    async fn import_calendar(&self, file: ScheduleFile, actor: &Actor) -> Result<CalendarImport>;

    /// Records a reconsideration or lawsuit about the agency's disclosure work (table 3),
    /// optionally linked to the request it concerns.
    async fn add_review_case(
        &self,
        agency_id: i64,
        request_number: Option<&str>,
        fact: ReviewFact,
        actor: &Actor,
    ) -> Result<i64>;
    /// The agency a review case belongs to (`None` for an unknown id).
    async fn review_case_agency(&self, case_id: i64) -> Result<Option<i64>>;
    /// Records the decision of a pending case; a decided case is not changed (409).
    async fn decide_review_case(
        &self,
        case_id: i64,
        decided_on: NaiveDate,
        result: gongkai_domain::report::ReviewResult,
        actor: &Actor,
    ) -> Result<ReviewCase>;

    /// Everything a year's report reads besides table 2, in one round trip: the review cases of
    /// table 3 (filed by the end of `year`, not decided before it), the 规章 / 规范性文件 counts of
    /// table 1, the statistics register and the saved sections. `None` = every agency of the
    /// deployment (no statistics or sections then).
    async fn report_registers(&self, agency_id: Option<i64>, year: i32) -> Result<ReportRegisters>;
    /// Table 2 as grouped counts (one aggregate query); `None` = every agency of the deployment.
    async fn request_groups(
        &self,
        agency_id: Option<i64>,
        year: i32,
    ) -> Result<Vec<gongkai_domain::report::RequestGroup>>;
    /// Facts for report table 2 with their request numbers (for drilling down into a cell):
    /// requests received by the end of `year` and not concluded before it, ordered by number.
    async fn numbered_request_facts(
        &self,
        agency_id: i64,
        year: i32,
    ) -> Result<Vec<(String, RequestFact)>>;
    async fn add_publication(
        &self,
        agency_id: i64,
        publication: NewPublication,
        actor: &Actor,
    ) -> Result<i64>;
    async fn set_statistic(
        &self,
        agency_id: i64,
        year: i32,
        stat: Statistic,
        actor: &Actor,
    ) -> Result<()>;
    async fn save_sections(
        &self,
        agency_id: i64,
        year: i32,
        sections: &gongkai_domain::report::Sections,
        actor: &Actor,
    ) -> Result<()>;
    /// Stores a new draft version of a report (its JSON frozen and hashed).
    async fn save_report_draft(
        &self,
        agency_id: i64,
        year: i32,
        report_json: &str,
        actor: &Actor,
    ) -> Result<ReportVersion>;
    async fn report_versions(&self, agency_id: i64, year: i32) -> Result<Vec<ReportVersion>>;
    async fn report_version(&self, version_id: i64) -> Result<Option<ReportVersion>>;
    /// draft → approved, by the head of the disclosure office.
    async fn approve_report(&self, version_id: i64, actor: &Actor) -> Result<ReportVersion>;
    /// approved → published: the rendered files are stored and hashed; the version is frozen.
    async fn publish_report(
        &self,
        version_id: i64,
        files: Vec<(String, Vec<u8>)>,
        actor: &Actor,
    ) -> Result<ReportVersion>;
    async fn report_file(&self, version_id: i64, format: &str) -> Result<Option<Vec<u8>>>;
    /// The years of the agency's published annual reports, newest first (the portal's 年报 column).
    async fn published_report_years(&self, agency_id: i64) -> Result<Vec<i32>>;
    /// Inserts synthetic requests in one transaction (no per-row audit: one audit entry per batch).
    async fn bulk_seed(&self, rows: &[SeedRequest], actor: &Actor) -> Result<u64>;

    /// Audits an action the application refused (`outcome` = `rejected: why`), in its own
    /// transaction: who tried what on which object.
    async fn audit_refusal(
        &self,
        actor: &Actor,
        action: &str,
        object: &str,
        why: &str,
    ) -> Result<()>;
    async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>>;
    /// Verifies the audit chain from the genesis to the head, that every ledger row, registered
    /// request and published file is what the entry recording it committed to (rows changed,
    /// removed or inserted behind the store are named), and that every request's projection is
    /// what its events replay to (the request number and the field that disagrees).
    async fn verify_audit_log(&self) -> Result<VerifyReport>;
    /// The audit chain head: (seq, hash) of the last entry (0 and the genesis for an empty log).
    async fn audit_head(&self) -> Result<(i64, String)>;

    /// Issues an API token for a staff member or administrator, valid for
    /// [`tokens::DEFAULT_TOKEN_DAYS`]; returns the token (shown once).
    async fn create_token(
        &self,
        name: &str,
        role: Role,
        agency_id: Option<i64>,
        actor: &Actor,
    ) -> Result<String> {
        let new = NewToken {
            name: name.to_string(),
            role,
            agency_id,
            department_id: None,
            supervised: Vec::new(),
            days: tokens::DEFAULT_TOKEN_DAYS,
        };
        Ok(self.issue_token(&new, actor).await?.token)
    }
    /// Issues a token valid for `new.days` days (audited; the application's administrator's).
    async fn issue_token(&self, new: &NewToken, actor: &Actor) -> Result<IssuedToken>;
    /// Every token, oldest first, without the token or its hash.
    async fn tokens(&self, actor: &Actor) -> Result<Vec<TokenInfo>>;
    /// Revokes a token at once (audited; the application's administrator's); a revoked token is a 409.
    async fn revoke_token(&self, id: i64, actor: &Actor) -> Result<TokenInfo>;
    /// The actor of a token that is valid now by the store's clock.
    async fn actor_for_token(&self, token: &str) -> Result<Option<Actor>> {
        self.actor_for_token_at(token, Utc::now()).await
    }
    /// The actor of a token valid at `now`: known, not revoked, not expired. Read from the
    /// database on every call (no cache), so a revocation takes effect at once.
    async fn actor_for_token_at(&self, token: &str, now: DateTime<Utc>) -> Result<Option<Actor>>;

    /// Creates a staff account (audited `user.create`); a login taken is a conflict.
    async fn create_user(&self, new: &NewUser, actor: &Actor) -> Result<UserInfo>;
    /// Every account, oldest first (never a password hash or TOTP secret).
    async fn users(&self) -> Result<Vec<UserInfo>>;
    /// An account with what a login is checked against.
    async fn user_auth(&self, login: &str) -> Result<Option<UserAuth>>;
    /// Disables an account and ends its sessions at once (audited `user.disable`).
    async fn disable_user(&self, login: &str, actor: &Actor) -> Result<UserInfo>;
    /// Replaces the password hash, lifts a lock and ends the account's sessions (audited
    /// `user.password`).
    async fn set_password(
        &self,
        login: &str,
        password_hash: &str,
        actor: &Actor,
    ) -> Result<UserInfo>;
    /// Gives an account another role, department or supervised agencies and ends its sessions
    /// (audited `user.role`).
    async fn set_user_role(
        &self,
        login: &str,
        role: Role,
        agency_id: Option<i64>,
        department_id: Option<i64>,
        supervised: &[i64],
        actor: &Actor,
    ) -> Result<UserInfo>;
    /// Records a failed login of `login` from `address` at `now` (audited `login.fail`): the
    /// account's failures in a row count up and at `lock_after` it is locked until
    /// `locked_until` (audited `login.lock`). True when this failure locked it.
    async fn record_login_failure(
        &self,
        login: &str,
        address: &str,
        reason: &str,
        lock_after: i64,
        locked_until: DateTime<Utc>,
    ) -> Result<bool>;
    /// Starts a session with id `id` (stored hashed) and clears the failures (audited `login`).
    async fn start_session(
        &self,
        user_id: i64,
        id: &str,
        stage: SessionStage,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A session not ended, with its account (whether it is alive is the caller's rule).
    async fn session(&self, id: &str) -> Result<Option<SessionRow>>;
    /// Marks a session used at `now`.
    async fn touch_session(&self, id: &str, now: DateTime<Utc>) -> Result<()>;
    /// Ends a session (audited `logout` with `reason`: `logout`, `idle`, `expired`).
    async fn end_session(&self, id: &str, reason: &str, now: DateTime<Utc>) -> Result<()>;
    /// Keeps (or with `None` clears) the TOTP secret being enrolled.
    async fn set_totp_pending(&self, user_id: i64, secret: Option<&str>) -> Result<()>;
    /// Makes the pending TOTP secret the account's and the session `full` (audited `totp.enrol`).
    async fn confirm_totp(&self, user_id: i64, session_id: &str) -> Result<()>;
}

/// What [`Store::report_registers`] reads.
#[derive(Debug, Clone, Default)]
pub struct ReportRegisters {
    /// Ordered by id.
    pub review_cases: Vec<ReviewCase>,
    /// 规章
    pub rules: gongkai_domain::report::DocumentCounts,
    /// 规范性文件
    pub normative: gongkai_domain::report::DocumentCounts,
    /// Ordered by key.
    pub statistics: Vec<Statistic>,
    pub sections: Option<gongkai_domain::report::Sections>,
}

/// 行政复议 / 行政诉讼 — a reconsideration or lawsuit about the agency's disclosure work, as
/// counted in report table 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCase {
    pub id: i64,
    /// The request it concerns, when linked.
    pub request_number: Option<String>,
    pub fact: ReviewFact,
}

/// Where the data lives. The binary decides (from `--data` and `GONGKAI_DATABASE_URL`); the
/// key comes separately ([`KeySource`]).
#[derive(Debug, Clone)]
pub enum Location {
    /// SQLite in `DIR/gongkai.sqlite3`.
    Dir(PathBuf),
    /// A PostgreSQL URL.
    Postgres { url: String },
}

/// Opens (and migrates) the store with the PII key from `key`, checked against the database's
/// recorded fingerprint (see [`keys`]): a missing or wrong key for an existing database is
/// refused, a key is created only for a new one.
pub async fn open(location: &Location, key: &KeySource) -> Result<Arc<dyn Store>> {
    open_with_query_key(location, key, None).await
}

/// [`open`], with the 查询码 key file at `query_key` instead of its default place (beside the
/// key file; in the data directory for SQLite with the key from the environment; derived from
/// the key for PostgreSQL with the key from the environment). See [`QueryKey`].
pub async fn open_with_query_key(
    location: &Location,
    key: &KeySource,
    query_key: Option<&std::path::Path>,
) -> Result<Arc<dyn Store>> {
    open_with(location, key, query_key, None).await
}

/// [`open_with_query_key`], with the attachments' bytes kept in `attachments` (by default, for
/// SQLite, `DIR/attachments`; for PostgreSQL none, and uploads are refused — the binary always
/// gives one, `DATA/attachments` unless its settings say otherwise).
pub async fn open_with(
    location: &Location,
    key: &KeySource,
    query_key: Option<&std::path::Path>,
    attachments: Option<&std::path::Path>,
) -> Result<Arc<dyn Store>> {
    let at = || match query_key {
        Some(path) => keys::QueryKeyAt::File(path.to_path_buf()),
        None => keys::QueryKeyAt::Default,
    };
    Ok(match location {
        Location::Dir(dir) => {
            let files = attachments.map_or_else(|| dir.join(attachments::DIR), Into::into);
            Arc::new(
                SqliteStore::open_dir_with(dir, key, at())
                    .await?
                    .with_attachment_dir(files),
            )
        }
        Location::Postgres { url } => {
            let store = PgStore::open_url_with(url, key, at()).await?;
            match attachments {
                Some(files) => Arc::new(store.with_attachment_dir(files)),
                None => Arc::new(store),
            }
        }
    })
}

/// The aggregate query behind table 2 (`$1` = 1 January, `$2` = 31 December), without its agency
/// filter and grouping; [`request_groups_sql`] completes it.
pub const REQUEST_GROUPS_SQL: &str = "SELECT applicant_kind, CAST(CASE WHEN received_on >= $1 THEN 1 ELSE 0 END AS BIGINT) AS is_new, \
     CASE WHEN concluded_on IS NOT NULL AND concluded_on <= $2 THEN outcome END AS done, COUNT(*) AS n FROM requests \
     WHERE received_on <= $2 AND (concluded_on IS NULL OR concluded_on >= $1)";

/// The table-2 query as the store runs it: for one agency (`$3`) or for every agency. Public so
/// that the benchmark times exactly this text as the floor of report generation.
pub fn request_groups_sql(one_agency: bool) -> String {
    let filter = if one_agency {
        " AND agency_id = $3"
    } else {
        ""
    };
    format!("{REQUEST_GROUPS_SQL}{filter} GROUP BY 1, 2, 3")
}

/// A random code from an alphabet without look-alike characters (no 0/O, 1/I/L).
pub(crate) fn random_code(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// SHA-256 of a secret salted with what it belongs to, hex: how API tokens are stored, and how
/// 查询码 were stored before the HMAC (rows without the `h1:` prefix still verify this way).
pub(crate) fn secret_hash(salt: &str, secret: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0]);
    h.update(secret.trim().to_ascii_uppercase().as_bytes());
    hex::encode(h.finalize())
}

/// The server secret of the 查询码: a code is stored as `h1:` + HMAC-SHA256 under this key over
/// the request number and the code, so that a database dump alone does not let anyone test
/// guesses offline (the old bare SHA-256 salted with the public number did). The key is kept
/// beside the PII key (`query.key`, 0600, created with a new database — or with the first
/// open of an older one that has no `h1:` row yet — and refused when unreadable or missing
/// while `h1:` rows exist); PII key rotation does not touch it. With the PII key from the
/// environment (`KeySource::Env`) SQLite keeps `query.key` in the data directory; only
/// PostgreSQL with the key from the environment and no query-key file given
/// ([`open_with_query_key`]; the binary gives `DATA/query.key`) derives it from the PII key —
/// there `key rotate` would change it and the codes stored as HMACs would stop verifying.
#[derive(Clone)]
pub struct QueryKey([u8; 32]);

impl std::fmt::Debug for QueryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("QueryKey(..)")
    }
}

/// The prefix of a 查询码 stored as an HMAC.
pub(crate) const QUERY_HMAC_PREFIX: &str = "h1:";

impl QueryKey {
    pub fn from_key(key: &[u8; 32]) -> Self {
        QueryKey(*key)
    }

    /// What is stored for `code` of request `number`.
    pub(crate) fn code_hash(&self, number: &str, code: &str) -> String {
        let mut msg = number.as_bytes().to_vec();
        msg.push(0);
        msg.extend_from_slice(code.trim().to_ascii_uppercase().as_bytes());
        format!(
            "{QUERY_HMAC_PREFIX}{}",
            hex::encode(hmac_sha256(&self.0, &msg))
        )
    }

    /// The blind index of an applicant's full name (`n1:` HMAC-SHA256 of
    /// [`name_search_key`](gongkai_domain::applicant::name_search_key) under a key derived from
    /// this one, so it is never the 查询码's HMAC); `None` for a blank name.
    pub(crate) fn name_index(&self, name: &str) -> Option<String> {
        let key = gongkai_domain::applicant::name_search_key(name)?;
        let derived = hmac_sha256(&self.0, b"gongkai applicant-name index v1");
        let mac = hmac_sha256(&derived, key.as_bytes());
        Some(format!("n1:{}", hex::encode(mac)))
    }

    /// Whether `code` is the code of request `number` whose stored value is `stored`: an HMAC
    /// (`h1:`) or, for a row written before, the salted SHA-256.
    pub(crate) fn verifies(&self, stored: &str, number: &str, code: &str) -> bool {
        if stored.starts_with(QUERY_HMAC_PREFIX) {
            digest_eq(stored, &self.code_hash(number, code))
        } else {
            digest_eq(stored, &secret_hash(number, code))
        }
    }
}

/// HMAC-SHA256 (RFC 2104) over `msg` under `key` (at most one block long).
pub(crate) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Constant-time comparison of two hex digests.
pub(crate) fn digest_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_is_rfc_4231() {
        // RFC 4231, test cases 1 and 2.
        assert_eq!(
            hex::encode(hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_query_code_is_an_hmac_and_an_old_row_still_verifies() {
        let key = QueryKey::from_key(&[7; 32]);
        let stored = key.code_hash("fx-2025-00001", "ABCDE23456");
        assert!(stored.starts_with("h1:"));
        assert_ne!(&stored[3..], secret_hash("fx-2025-00001", "ABCDE23456"));
        assert!(key.verifies(&stored, "fx-2025-00001", " abcde23456 "));
        assert!(!key.verifies(&stored, "fx-2025-00002", "ABCDE23456"));
        assert!(!QueryKey::from_key(&[8; 32]).verifies(&stored, "fx-2025-00001", "ABCDE23456"));
        let old = secret_hash("fx-2025-00001", "ABCDE23456");
        assert!(key.verifies(&old, "fx-2025-00001", "ABCDE23456"));
        assert!(!key.verifies(&old, "fx-2025-00001", "ABCDE23457"));
    }
}
