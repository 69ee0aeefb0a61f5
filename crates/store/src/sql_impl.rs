// The one SQL code path of gongkai, compiled once per backend: `sqlite.rs` and `postgres.rs`
// each define `Db`, `begin_write`, `LOCK_REQUEST`, `LOCK_AUDIT_HEAD` and `LOCK_CALENDAR_VERSION`, then `include!` this
// file. Every statement here is portable between SQLite and PostgreSQL (`$n` parameters,
// `RETURNING`, `ON CONFLICT`); dates bind as `chrono::NaiveDate`, times as RFC 3339 text.

use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use gongkai_domain::DomainError;
use gongkai_domain::applicant::ApplicantKind;
use gongkai_domain::calendar::{Calendar, ScheduleFile, check_past, check_past_year};
use gongkai_domain::clock::{ChinaClock, Clock};
use gongkai_domain::text;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::report::{RequestFact, ReviewFact, ReviewKind, ReviewResult};
use gongkai_domain::request::{CaseState, Channel, Delivery, Event, Medium, RequestDetails, Status};
use sqlx::Row as _;

use crate::audit::{AuditEntry, ChainCheck, entry_hash_with, verify_chain_after};
use crate::crypto::{PersonalData, PiiCipher};
use crate::{
    Actor, Agency, CalendarImport, CreatedRequest, Department, NewAgency, NewPublication, NewRequest, RecordedEvent,
    ReportStatus, ReportVersion, RequestFilter, RequestNote, RequestRecord, RequestSummary, Result, ReportRegisters, ReviewCase, Role, SeedRequest, Statistic, Store,
    StoreError, digest_eq, random_code, secret_hash,
};
use crate::tokens::{IssuedToken, NewToken, TokenInfo, DEFAULT_TOKEN_DAYS};
use crate::accounts::{NewUser, SessionRow, SessionStage, UserAuth, UserInfo, supervised_text};
use gongkai_domain::report::{DocumentCounts, RequestGroup, Sections, StatisticKey};

type Tx = sqlx::Transaction<'static, Db>;
type DbRow = <Db as sqlx::Database>::Row;

/// The store over one backend.
pub struct SqlStore {
    pool: sqlx::Pool<Db>,
    cipher: PiiCipher,
    /// The server secret of the 查询码 HMAC.
    query_key: crate::QueryKey,
    calendar: RwLock<LoadedCalendar>,
    /// Today for the date rule of every write ([`check_past`]); China time unless a test sets it.
    clock: Arc<dyn Clock>,
    /// Where attachments' bytes are kept (a setting of the binary); `None`: uploads are refused.
    files: Option<crate::attachments::FileDir>,
}

/// The calendar this process holds, with the database version it was built from.
struct LoadedCalendar {
    /// `calendar_version.version` when loaded; -1 before the first load.
    version: i64,
    calendar: Arc<Calendar>,
}

fn now_text() -> String {
    time_text(Utc::now())
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The version of the imported calendar (`sql` reads it, on PostgreSQL possibly share-locked).
async fn read_calendar_version<'e, E: sqlx::Executor<'e, Database = Db>>(executor: E, sql: &'static str) -> Result<i64> {
    Ok(sqlx::query(sql).fetch_one(executor).await?.try_get(0)?)
}

/// The embedded notices with every stored import merged over them, in year order.
async fn read_calendar<'e, E: sqlx::Executor<'e, Database = Db>>(executor: E) -> Result<Calendar> {
    let rows = sqlx::query("SELECT body FROM holiday_schedules ORDER BY year").fetch_all(executor).await?;
    let mut cal = Calendar::embedded();
    for row in rows {
        let body: String = row.try_get(0)?;
        let file = ScheduleFile::parse(&body).map_err(corrupt("holiday_schedules"))?;
        cal.merge(&file);
    }
    Ok(cal)
}

fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("bad timestamp '{s}'")))
}

fn conflict_or(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(format!("{what} already exists")),
        _ => StoreError::Database(e),
    }
}

fn letter_info(r: &DbRow) -> Result<crate::letters::LetterInfo> {
    let kind: String = r.try_get("kind")?;
    Ok(crate::letters::LetterInfo {
        event_seq: r.try_get("event_seq")?,
        kind: kind.parse().map_err(corrupt("letters.kind"))?,
        letter_no: r.try_get("letter_no")?,
        to_applicant: r.try_get("to_applicant")?,
        issued_on: r.try_get("issued_on")?,
        pdf_sha256: r.try_get("pdf_sha256")?,
        docx_sha256: r.try_get("docx_sha256")?,
    })
}

/// The columns of an attachment row (`attachment_from_row`), then its `audit_seq`.
macro_rules! attachment_select {
    ($tail:literal) => {
        concat!(
            "SELECT a.id, a.purpose, a.name, a.mime, a.size, a.sha256, a.uploaded_by, a.uploaded_at, a.request_id, a.audit_seq ",
            "FROM attachments a ",
            $tail
        )
    };
}

fn attachment_from_row(r: &DbRow) -> Result<crate::attachments::AttachmentInfo> {
    use gongkai_domain::attachment::FileType;
    let purpose: String = r.try_get(1)?;
    let mime: String = r.try_get(3)?;
    Ok(crate::attachments::AttachmentInfo {
        id: r.try_get(0)?,
        purpose: purpose.parse().map_err(corrupt("attachments.purpose"))?,
        name: r.try_get(2)?,
        file_type: parse_code(&mime, FileType::from_mime)?,
        size: r.try_get(4)?,
        sha256: r.try_get(5)?,
        uploaded_by: r.try_get(6)?,
        uploaded_at: parse_time(&r.try_get::<String, _>(7)?)?,
    })
}

fn corrupt(what: &str) -> impl FnOnce(DomainError) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

/// The projection of a ledger kept in the `requests` row.
struct Projection {
    status: Status,
    due_on: Option<NaiveDate>,
    due_provisional: bool,
    concluded_on: Option<NaiveDate>,
    outcome: Option<Outcome>,
}

fn project(state: &CaseState, cal: &Calendar) -> Projection {
    let deadline = state.answer_deadline(cal);
    Projection {
        status: state.status,
        due_on: deadline.due_on,
        due_provisional: deadline.provisional,
        concluded_on: state.concluded_on(),
        outcome: state.outcome(),
    }
}

/// Appends an audit entry inside `tx`, chained to the head (which the lock serialises).
async fn audit(tx: &mut Tx, actor: &Actor, action: &str, object: &str, outcome: &str) -> Result<()> {
    audit_with(tx, actor, action, object, outcome, None).await
}

/// [`audit`] with the content hash of the rows the entry records (see `ledger_impl.rs`).
async fn audit_with(tx: &mut Tx, actor: &Actor, action: &str, object: &str, outcome: &str, payload: Option<&str>) -> Result<()> {
    let head = sqlx::query(LOCK_AUDIT_HEAD).fetch_one(&mut **tx).await?;
    let seq: i64 = head.try_get(0)?;
    let prev: String = head.try_get(1)?;
    let next = seq + 1;
    let at = now_text();
    let who = actor.label();
    let hash = entry_hash_with(&prev, next, &at, &who, action, object, outcome, payload);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, object, outcome, prev_hash, hash, payload_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(next)
    .bind(&at)
    .bind(&who)
    .bind(action)
    .bind(object)
    .bind(outcome)
    .bind(&prev)
    .bind(&hash)
    .bind(payload)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(next)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    gongkai_domain::report::ReportFormat::for_year(year)?;
    let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| DomainError::invalid("year", "out of range"))?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| DomainError::invalid("year", "out of range"))?;
    Ok((start, end))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

fn agency_from_row(row: &DbRow) -> Result<Agency> {
    Ok(Agency {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        is_government: row.try_get("is_government")?,
    })
}

fn parse_code<T>(value: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
    parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown stored code '{value}'")))
}

fn outcome_from(code: Option<String>) -> Result<Option<Outcome>> {
    code.map(|c| c.parse::<Outcome>().map_err(corrupt("outcome"))).transpose()
}

/// An account read: the columns in [`user_from_row`]'s order, then `$tail` (a static string).
macro_rules! user_select {
    ($tail:literal) => {
        concat!(
            "SELECT u.id, u.login, u.name, u.role, a.slug, u.agency_id, u.department_id, u.supervised, ",
            "u.totp_secret, u.locked_until, u.disabled_at, u.created_at, u.password_hash, u.totp_pending, u.failed_logins ",
            "FROM users u LEFT JOIN agencies a ON a.id = u.agency_id ",
            $tail
        )
    };
}

fn user_from_row(r: &DbRow) -> Result<UserAuth> {
    let role: String = r.try_get(3)?;
    let supervised: String = r.try_get(7)?;
    let totp_secret: Option<String> = r.try_get(8)?;
    let info = UserInfo {
        id: r.try_get(0)?,
        login: r.try_get(1)?,
        name: r.try_get(2)?,
        role: parse_code(&role, Role::from_code)?,
        agency: r.try_get(4)?,
        agency_id: r.try_get(5)?,
        department_id: r.try_get(6)?,
        supervised: parse_code(&supervised, crate::accounts::supervised_ids)?,
        totp: totp_secret.is_some(),
        locked_until: r.try_get::<Option<String>, _>(9)?.as_deref().map(parse_time).transpose()?,
        disabled: r.try_get::<Option<String>, _>(10)?.is_some(),
        created_at: parse_time(&r.try_get::<String, _>(11)?)?,
    };
    Ok(UserAuth {
        info,
        password_hash: r.try_get(12)?,
        totp_secret,
        totp_pending: r.try_get(13)?,
        failed_logins: r.try_get(14)?,
    })
}

/// What a TOTP secret is sealed bound to (the pending and the confirmed alike, so that
/// confirming moves the sealed value as it is).
fn totp_bound(user_id: i64) -> String {
    format!("user:{user_id}:totp")
}

/// The account of `login` in the transaction, or not found.
async fn user_in(tx: &mut Tx, login: &str) -> Result<UserAuth> {
    let row = sqlx::query(user_select!("WHERE u.login = $1"))
        .bind(login)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user {login}")))?;
    user_from_row(&row)
}

async fn end_sessions_of(tx: &mut Tx, user_id: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL")
        .bind(now_text())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A token row (`id, name, role, slug, created_at, expires_at, revoked_at`). A row issued before
/// migration 0006 without `expires_at` expires [`DEFAULT_TOKEN_DAYS`] after its creation.
fn token_from_row(r: &DbRow) -> Result<TokenInfo> {
    let role: String = r.try_get(2)?;
    let created_at = parse_time(&r.try_get::<String, _>(4)?)?;
    let expires_at = match r.try_get::<Option<String>, _>(5)? {
        Some(t) => parse_time(&t)?,
        None => created_at + chrono::Duration::days(i64::from(DEFAULT_TOKEN_DAYS)),
    };
    Ok(TokenInfo {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        role: parse_code(&role, Role::from_code)?,
        agency: r.try_get(3)?,
        created_at,
        expires_at,
        revoked_at: r.try_get::<Option<String>, _>(6)?.as_deref().map(parse_time).transpose()?,
    })
}

impl SqlStore {
    fn from_pool(pool: sqlx::Pool<Db>, cipher: PiiCipher) -> Self {
        let calendar = LoadedCalendar { version: -1, calendar: Arc::new(Calendar::embedded()) };
        let query_key = cipher.derived_query_key();
        SqlStore { pool, cipher, query_key, calendar: RwLock::new(calendar), clock: Arc::new(ChinaClock), files: None }
    }

    /// The store with its attachments' bytes kept in `dir` (see [`crate::attachments::FileDir`]).
    pub fn with_attachment_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.files = Some(crate::attachments::FileDir::new(dir));
        self
    }

    fn attachment_dir(&self) -> Result<&crate::attachments::FileDir> {
        self.files
            .as_ref()
            .ok_or_else(|| StoreError::Config("no attachment directory is configured (the binary gives DATA/attachments)".into()))
    }

    /// The store with another clock (tests; a deployment keeps China time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// Loads imported holiday notices over the embedded ones.
    async fn load_calendar(&self) -> Result<()> {
        self.current_calendar().await.map(|_| ())
    }

    fn loaded_calendar(&self) -> (i64, Arc<Calendar>) {
        let held = self.calendar.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        (held.version, held.calendar.clone())
    }

    /// Keeps a calendar built from `version`, unless a newer one is already held.
    fn keep_calendar(&self, version: i64, calendar: Arc<Calendar>) {
        let mut held = self.calendar.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if version > held.version {
            *held = LoadedCalendar { version, calendar };
        }
    }

    /// The calendar for a write transaction. The version row is read first (on PostgreSQL
    /// share-locked until commit, so no import commits in between; on SQLite the write lock is
    /// held already), and the notices are reloaded inside the transaction when it changed.
    async fn calendar_in(&self, tx: &mut Tx) -> Result<Arc<Calendar>> {
        let version = read_calendar_version(&mut **tx, LOCK_CALENDAR_VERSION).await?;
        let (held, cal) = self.loaded_calendar();
        if held == version {
            return Ok(cal);
        }
        let cal = Arc::new(read_calendar(&mut **tx).await?);
        self.keep_calendar(version, cal.clone());
        Ok(cal)
    }

    async fn token_in(tx: &mut Tx, id: i64) -> Result<TokenInfo> {
        let row = sqlx::query(
            "SELECT t.id, t.name, t.role, a.slug, t.created_at, t.expires_at, t.revoked_at FROM staff_tokens t \
             LEFT JOIN agencies a ON a.id = t.agency_id WHERE t.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("token {id}")))?;
        token_from_row(&row)
    }

    async fn load_events(tx: &mut Tx, request_id: i64) -> Result<Vec<RecordedEvent>> {
        let rows = sqlx::query("SELECT seq, body, actor, recorded_at FROM request_events WHERE request_id = $1 ORDER BY seq")
            .bind(request_id)
            .fetch_all(&mut **tx)
            .await?;
        rows.iter()
            .map(|r| Self::event_from_row(r.try_get("seq")?, r))
            .collect::<Result<Vec<_>>>()
            .map(crate::voiding::mark_voided)
    }

    /// The event `seq` of a row with the columns `body`, `actor` and `recorded_at`.
    fn event_from_row(seq: i64, r: &<Db as sqlx::Database>::Row) -> Result<RecordedEvent> {
        let body: String = r.try_get("body")?;
        let recorded: String = r.try_get("recorded_at")?;
        Ok(RecordedEvent {
            seq,
            event: serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("event: {e}")))?,
            actor: r.try_get("actor")?,
            recorded_at: parse_time(&recorded)?,
            voided_by: None,
        })
    }

    async fn insert_event(tx: &mut Tx, request_id: i64, seq: i64, event: &Event, actor: &Actor) -> Result<()> {
        let body = serde_json::to_string(event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let audit_seq = next_audit_seq(tx).await?;
        sqlx::query(
            "INSERT INTO request_events (request_id, seq, kind, on_date, body, actor, recorded_at, audit_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(request_id)
        .bind(seq)
        .bind(event.kind())
        .bind(event.on())
        .bind(body)
        .bind(actor.label())
        .bind(now_text())
        .bind(audit_seq)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn save_projection(tx: &mut Tx, request_id: i64, p: &Projection, event_count: i64) -> Result<()> {
        sqlx::query(
            "UPDATE requests SET status = $1, due_on = $2, due_provisional = $3, concluded_on = $4, outcome = $5, event_count = $6 WHERE id = $7",
        )
        .bind(p.status.code())
        .bind(p.due_on)
        .bind(p.due_provisional)
        .bind(p.concluded_on)
        .bind(p.outcome.map(|o| o.code()))
        .bind(event_count)
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Registers a request (see [`Store::create_request`]) and, with a maker and its date, its 受理回执
    /// (see [`Store::create_request_with_letter`]), in one transaction.
    async fn create_in(
        &self,
        new: NewRequest,
        actor: &Actor,
        receipt: Option<(&dyn crate::letters::LetterMaker, NaiveDate)>,
    ) -> Result<CreatedRequest> {
        let description = text::description(&new.description)?;
        let d = &new.details;
        let details = RequestDetails::parse(
            d.document_number.as_deref(),
            d.index_number.as_deref(),
            d.document_title.as_deref(),
            d.medium.map(|m| m.code()),
            Some(new.delivery),
        )
        .map_err(|mut e| e.remove(0))?;
        check_past("received_on", new.received_on, self.today())?;
        let received = Event::Received { on: new.received_on, channel: new.channel };
        let state = CaseState::start(&received)?;

        let mut tx = begin_write(&self.pool).await?;
        Self::key_is_current(&mut tx, &self.cipher).await?;
        let projection = project(&state, &*self.calendar_in(&mut tx).await?);
        let slug: String = sqlx::query("SELECT slug FROM agencies WHERE id = $1")
            .bind(new.agency_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound("agency".into()))?
            .try_get(0)?;
        if let Some(dept) = new.department_id {
            let found = sqlx::query("SELECT id FROM departments WHERE id = $1 AND agency_id = $2")
                .bind(dept)
                .bind(new.agency_id)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(DomainError::invalid("department_id", "is not a department of this agency")
                    .zh("请选择本机关的承办部门")
                    .into());
            }
        }
        let year = i64::from(new.received_on.year());
        let seq: i64 = sqlx::query(
            "INSERT INTO request_counters (agency_id, year, last_seq) VALUES ($1, $2, 1) \
             ON CONFLICT (agency_id, year) DO UPDATE SET last_seq = request_counters.last_seq + 1 RETURNING last_seq",
        )
        .bind(new.agency_id)
        .bind(year)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let number = format!("{slug}-{year}-{seq:05}");
        let query_code = random_code(10);
        let a = &new.applicant;
        let sealed = self.cipher.seal(
            &PersonalData {
                id_number: a.id_number.as_ref().map(|i| i.as_str().to_string()),
                phone: a.phone.as_str().to_string(),
                email: a.email.clone(),
                address: a.address.clone(),
                id_type: a.id_number.as_ref().map(|i| i.kind().code().to_string()),
                legal_representative: a.legal_representative.clone(),
                contact_person: a.contact_person.clone(),
            },
            &number,
        )?;
        let request_id: i64 = sqlx::query(
            "INSERT INTO requests (agency_id, department_id, number, query_code_hash, applicant_kind, applicant_name, org_code, \
             id_masked, phone_masked, pii_sealed, description, channel, delivery, received_on, status, due_on, due_provisional, \
             concluded_on, outcome, event_count, created_at, document_number, index_number, document_title, medium, applicant_name_index) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULL, NULL, 1, $18, $19, $20, $21, $22, $23) RETURNING id",
        )
        .bind(new.agency_id)
        .bind(new.department_id)
        .bind(&number)
        .bind(self.query_key.code_hash(&number, &query_code))
        .bind(a.kind.code())
        .bind(&a.name)
        .bind(a.org_code.as_ref().map(|c| c.as_str().to_string()))
        .bind(a.id_number.as_ref().map(|i| i.masked()))
        .bind(a.phone.masked())
        .bind(sealed)
        .bind(&description)
        .bind(new.channel.code())
        .bind(serde_json::to_value(new.delivery).ok().and_then(|v| v.as_str().map(str::to_string)))
        .bind(new.received_on)
        .bind(projection.status.code())
        .bind(projection.due_on)
        .bind(projection.due_provisional)
        .bind(now_text())
        .bind(&details.document_number)
        .bind(&details.index_number)
        .bind(&details.document_title)
        .bind(details.medium.map(|m| m.code()))
        .bind(self.query_key.name_index(&a.name))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict_or(e, "request number"))?
        .try_get(0)?;
        Self::cover_request(&mut tx, request_id).await?;
        Self::insert_event(&mut tx, request_id, 1, &received, actor).await?;
        // The 受理回执, numbered by the request and dated the day it is issued.
        if let Some((maker, issued_on)) = receipt {
            let (record, _) = Self::record_in(&mut tx, &number).await?.ok_or_else(|| StoreError::NotFound(number.clone()))?;
            let kind = gongkai_domain::letter::LetterKind::Receipt;
            let draft = crate::letters::LetterDraft { kind, letter_no: &number, issued_on, record: &record, seq: 1 };
            Self::insert_letter(&mut tx, maker, draft, new.agency_id, request_id).await?;
        }
        audit_covering(&mut tx, actor, "request.received", &number, "ok").await?;
        tx.commit().await?;
        Ok(CreatedRequest {
            number,
            query_code,
            received_on: new.received_on,
            due_on: projection.due_on,
            due_provisional: projection.due_provisional,
        })
    }

    /// Makes the letter of `draft` with `maker` and freezes it in `tx`, to be committed to by
    /// the audit entry `tx` appends next.
    async fn insert_letter(
        tx: &mut Tx,
        maker: &dyn crate::letters::LetterMaker,
        draft: crate::letters::LetterDraft<'_>,
        agency_id: i64,
        request_id: i64,
    ) -> Result<()> {
        let files = maker.make(draft).await?;
        let audit_seq = next_audit_seq(tx).await?;
        sqlx::query(
            "INSERT INTO letters (agency_id, request_id, event_seq, kind, letter_no, to_applicant, issued_on, pdf, pdf_sha256, docx, docx_sha256, audit_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(agency_id)
        .bind(request_id)
        .bind(draft.seq)
        .bind(draft.kind.code())
        .bind(draft.letter_no)
        .bind(draft.kind.to_applicant())
        .bind(draft.issued_on)
        .bind(&files.pdf)
        .bind(sha256_hex(&files.pdf))
        .bind(&files.docx)
        .bind(sha256_hex(&files.docx))
        .bind(audit_seq)
        .execute(&mut **tx)
        .await
        .map_err(|e| conflict_or(e, "letter number"))?;
        Ok(())
    }

    /// Appends an event (see [`Store::append_event`]) and, with a maker, the letter it sends
    /// (see [`Store::append_event_with_letter`]), in one transaction.
    async fn append_in(
        &self,
        number: &str,
        event: Event,
        actor: &Actor,
        maker: Option<&dyn crate::letters::LetterMaker>,
    ) -> Result<RequestRecord> {
        let action = format!("request.{}", event.kind());
        let mut tx = begin_write(&self.pool).await?;
        let cal = self.calendar_in(&mut tx).await?;
        let row = sqlx::query(LOCK_REQUEST).bind(number).fetch_optional(&mut *tx).await?;
        let Some(row) = row else { return Err(StoreError::NotFound(format!("request {number}"))) };
        let request_id: i64 = row.try_get(0)?;
        let recorded = Self::load_events(&mut tx, request_id).await?;
        let events: Vec<Event> = recorded.iter().map(|r| r.event.clone()).collect();
        let state = CaseState::replay(&cal, &events).map_err(corrupt("stored ledger"))?;
        let (mut event, state) = match state.append(&cal, &events, event, self.today()) {
            Ok(accepted) => accepted,
            Err(refused) => {
                tx.rollback().await?;
                self.audit_rejection(actor, &action, number, &refused.to_string()).await?;
                return Err(refused.into());
            }
        };
        // A letter is dated, and numbered in the year of, the day of its event (the day it is sent).
        let today = event.on();
        let letter = match (maker, gongkai_domain::letter::LetterKind::for_event(&event)) {
            (Some(maker), Some(kind)) => {
                let agency_id: i64 = sqlx::query("SELECT agency_id FROM requests WHERE id = $1")
                    .bind(request_id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get(0)?;
                let given = match &event {
                    Event::Answered { letter_no: Some(no), .. } => Some(no.clone()),
                    _ => None,
                };
                let letter_no = match given {
                    Some(no) => no,
                    None => {
                        let serial: i64 = sqlx::query(
                            "INSERT INTO letter_counters (agency_id, year, last_serial) VALUES ($1, $2, 1) \
                             ON CONFLICT (agency_id, year) DO UPDATE SET last_serial = letter_counters.last_serial + 1 RETURNING last_serial",
                        )
                        .bind(agency_id)
                        .bind(i64::from(today.year()))
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get(0)?;
                        maker.pattern().format(today.year(), serial)
                    }
                };
                let taken = sqlx::query("SELECT 1 FROM letters WHERE agency_id = $1 AND letter_no = $2")
                    .bind(agency_id)
                    .bind(&letter_no)
                    .fetch_optional(&mut *tx)
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::Conflict(format!("letter number {letter_no} is already used")));
                }
                if let Event::Answered { letter_no: no @ None, .. } = &mut event {
                    *no = Some(letter_no.clone());
                }
                Some((maker, kind, agency_id, letter_no))
            }
            _ => None,
        };
        let seq = events.len() as i64 + 1;
        Self::insert_event(&mut tx, request_id, seq, &event, actor).await?;
        Self::save_projection(&mut tx, request_id, &project(&state, &cal), seq).await?;
        if let Some((maker, kind, agency_id, letter_no)) = letter {
            let (record, _) = Self::record_in(&mut tx, number).await?.ok_or_else(|| StoreError::NotFound(number.to_string()))?;
            let draft = crate::letters::LetterDraft { kind, letter_no: &letter_no, issued_on: today, record: &record, seq };
            Self::insert_letter(&mut tx, maker, draft, agency_id, request_id).await?;
        }
        audit_covering(&mut tx, actor, &action, number, "ok").await?;
        let (record, _) = Self::record_in(&mut tx, number).await?.ok_or_else(|| StoreError::NotFound(number.to_string()))?;
        tx.commit().await?;
        Ok(record)
    }

    /// A request with its ledger and letters, in one statement (the request's row joined with its
    /// events and each event's letter),
    /// so a read is one round trip and sees one snapshot without a transaction; with the stored
    /// 查询码 hash, for [`Store::request_for_applicant`] to check.
    async fn record_in(conn: &mut <Db as sqlx::Database>::Connection, number: &str) -> Result<Option<(RequestRecord, String)>> {
        let sql = "SELECT r.id, r.agency_id, r.department_id, r.number, r.applicant_kind, r.applicant_name, r.org_code, r.id_masked, \
                   r.phone_masked, r.description, r.document_number, r.index_number, r.document_title, r.medium, r.channel, r.delivery, \
                   r.received_on, r.status, r.due_on, r.due_provisional, r.concluded_on, r.outcome, r.query_code_hash, \
                   e.seq, e.body, e.actor, e.recorded_at, \
                   l.event_seq, l.kind, l.letter_no, l.to_applicant, l.issued_on, l.pdf_sha256, l.docx_sha256 \
                   FROM requests r LEFT JOIN request_events e ON e.request_id = r.id \
                   LEFT JOIN letters l ON l.request_id = r.id AND l.event_seq = e.seq \
                   WHERE r.number = $1 ORDER BY e.seq";
        let rows = sqlx::query(sql).bind(number).fetch_all(&mut *conn).await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let mut events = Vec::with_capacity(rows.len());
        let mut letters = Vec::new();
        for r in &rows {
            if let Some(seq) = r.try_get::<Option<i64>, _>("seq")? {
                events.push(Self::event_from_row(seq, r)?);
            }
            if r.try_get::<Option<i64>, _>("event_seq")?.is_some() {
                letters.push(letter_info(r)?);
            }
        }
        let events = crate::voiding::mark_voided(events);
        let kind: String = row.try_get("applicant_kind")?;
        let channel: String = row.try_get("channel")?;
        let delivery: String = row.try_get("delivery")?;
        let status: String = row.try_get("status")?;
        let record = RequestRecord {
            id: row.try_get("id")?,
            agency_id: row.try_get("agency_id")?,
            department_id: row.try_get("department_id")?,
            number: row.try_get("number")?,
            applicant_kind: ApplicantKind::from_code(&kind).map_err(corrupt("applicant_kind"))?,
            applicant_name: row.try_get("applicant_name")?,
            org_code: row.try_get("org_code")?,
            id_number_masked: row.try_get("id_masked")?,
            phone_masked: row.try_get("phone_masked")?,
            description: row.try_get("description")?,
            details: RequestDetails {
                document_number: row.try_get("document_number")?,
                index_number: row.try_get("index_number")?,
                document_title: row.try_get("document_title")?,
                medium: match row.try_get::<Option<String>, _>("medium")? {
                    Some(m) => Some(Medium::from_code(&m).map_err(corrupt("medium"))?),
                    None => None,
                },
            },
            channel: Channel::from_code(&channel).map_err(corrupt("channel"))?,
            delivery: Delivery::from_code(&delivery).map_err(corrupt("delivery"))?,
            received_on: row.try_get("received_on")?,
            status: parse_code(&status, Status::from_code)?,
            due_on: row.try_get("due_on")?,
            due_provisional: row.try_get("due_provisional")?,
            concluded_on: row.try_get("concluded_on")?,
            outcome: outcome_from(row.try_get("outcome")?)?,
            events,
            letters,
        };
        Ok(Some((record, row.try_get("query_code_hash")?)))
    }

    async fn version_in(tx: &mut Tx, id: i64) -> Result<ReportVersion> {
        let r = sqlx::query(
            "SELECT id, agency_id, year, version, status, report_json, json_sha256, approved_by, published_at FROM report_versions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("report version {id}")))?;
        let status: String = r.try_get(4)?;
        let year: i64 = r.try_get(2)?;
        let files = sqlx::query("SELECT format, sha256 FROM report_files WHERE version_id = $1 ORDER BY format")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|f| Ok((f.try_get(0)?, f.try_get(1)?)))
            .collect::<Result<Vec<(String, String)>>>()?;
        Ok(ReportVersion {
            id: r.try_get(0)?,
            agency_id: r.try_get(1)?,
            year: i32::try_from(year).map_err(|_| StoreError::Corrupt("year".into()))?,
            version: r.try_get(3)?,
            status: parse_code(&status, ReportStatus::from_code)?,
            report_json: r.try_get(5)?,
            json_sha256: r.try_get(6)?,
            approved_by: r.try_get(7)?,
            published_at: r.try_get(8)?,
            files,
        })
    }

    /// Records a refused action in its own transaction (the refused one was rolled back).
    async fn audit_rejection(&self, actor: &Actor, action: &str, object: &str, why: &str) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        let reason: String = why.chars().take(300).collect();
        audit(&mut tx, actor, action, object, &format!("rejected: {reason}")).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn current_calendar(&self) -> Result<Arc<Calendar>> {
        // Version first, then the notices: a concurrent import makes the next check reload
        // again, never labels old notices with the new version.
        let version = read_calendar_version(&self.pool, "SELECT version FROM calendar_version WHERE id = 1").await?;
        let (held, cal) = self.loaded_calendar();
        if held == version {
            return Ok(cal);
        }
        let cal = Arc::new(read_calendar(&self.pool).await?);
        self.keep_calendar(version, cal.clone());
        Ok(cal)
    }

    async fn create_agency(&self, mut new: NewAgency, actor: &Actor) -> Result<Agency> {
        new.name = text::clean_required("name", &new.name, text::NAME, "1-100 characters")?;
        new.validate()?;
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query(
            "INSERT INTO agencies (slug, name, is_government, created_at) VALUES ($1, $2, $3, $4) RETURNING id, slug, name, is_government",
        )
        .bind(&new.slug)
        .bind(new.name.trim())
        .bind(new.is_government)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict_or(e, &format!("agency '{}'", new.slug)))?;
        let agency = agency_from_row(&row)?;
        audit(&mut tx, actor, "agency.create", &agency.slug, "ok").await?;
        tx.commit().await?;
        Ok(agency)
    }

    async fn agency(&self, slug: &str) -> Result<Option<Agency>> {
        let row = sqlx::query("SELECT id, slug, name, is_government FROM agencies WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(agency_from_row).transpose()
    }

    async fn agency_by_id(&self, id: i64) -> Result<Option<Agency>> {
        let row = sqlx::query("SELECT id, slug, name, is_government FROM agencies WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(agency_from_row).transpose()
    }

    async fn agencies(&self) -> Result<Vec<Agency>> {
        let rows = sqlx::query("SELECT id, slug, name, is_government FROM agencies ORDER BY slug").fetch_all(&self.pool).await?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn add_department(&self, agency_id: i64, name: &str, actor: &Actor) -> Result<Department> {
        let name = &text::clean_required("name", name, text::NAME, "1-100 characters")?;
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query("INSERT INTO departments (agency_id, name) VALUES ($1, $2) RETURNING id")
            .bind(agency_id)
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| conflict_or(e, &format!("department '{name}'")))?;
        let dept = Department { id: row.try_get(0)?, agency_id, name: name.to_string() };
        audit(&mut tx, actor, "department.create", &format!("agency:{agency_id}/{name}"), "ok").await?;
        tx.commit().await?;
        Ok(dept)
    }

    async fn departments(&self, agency_id: i64) -> Result<Vec<Department>> {
        let rows = sqlx::query("SELECT id, agency_id, name FROM departments WHERE agency_id = $1 ORDER BY id")
            .bind(agency_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(Department { id: r.try_get(0)?, agency_id: r.try_get(1)?, name: r.try_get(2)? }))
            .collect()
    }

    async fn published_report_years(&self, agency_id: i64) -> Result<Vec<i32>> {
        let rows = sqlx::query("SELECT DISTINCT year FROM report_versions WHERE agency_id = $1 AND status = 'published' ORDER BY year DESC")
            .bind(agency_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let y: i64 = r.try_get(0)?;
                i32::try_from(y).map_err(|_| StoreError::Corrupt(format!("report year {y}")))
            })
            .collect()
    }

    async fn agency_settings(&self, agency_id: i64) -> Result<gongkai_domain::agency::AgencySettings> {
        let rows = sqlx::query("SELECT key, value FROM agency_settings WHERE agency_id = $1 ORDER BY key")
            .bind(agency_id)
            .fetch_all(&self.pool)
            .await?;
        let pairs = rows
            .iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(gongkai_domain::agency::AgencySettings::from_rows(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    }

    async fn set_agency_settings(
        &self,
        agency_id: i64,
        changes: &[gongkai_domain::agency::SettingChange],
        actor: &Actor,
    ) -> Result<gongkai_domain::agency::AgencySettings> {
        if !actor.is_admin() {
            return Err(StoreError::NotFound("agency".into()));
        }
        let mut tx = begin_write(&self.pool).await?;
        let found = sqlx::query("SELECT id FROM agencies WHERE id = $1").bind(agency_id).fetch_optional(&mut *tx).await?;
        if found.is_none() {
            return Err(StoreError::NotFound("agency".into()));
        }
        let at = now_text();
        for change in changes {
            match &change.value {
                Some(value) => {
                    sqlx::query(
                        "INSERT INTO agency_settings (agency_id, key, value, updated_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (agency_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    )
                    .bind(agency_id)
                    .bind(change.key.code())
                    .bind(value)
                    .bind(&at)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM agency_settings WHERE agency_id = $1 AND key = $2")
                        .bind(agency_id)
                        .bind(change.key.code())
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        let keys = changes.iter().map(|c| c.key.code()).collect::<Vec<_>>().join(",");
        audit(&mut tx, actor, "agency.settings", &format!("agency:{agency_id}/{keys}"), "ok").await?;
        tx.commit().await?;
        self.agency_settings(agency_id).await
    }

    async fn create_request(&self, new: NewRequest, actor: &Actor) -> Result<CreatedRequest> {
        self.create_in(new, actor, None).await
    }

    async fn create_request_with_letter(
        &self,
        new: NewRequest,
        actor: &Actor,
        maker: &dyn crate::letters::LetterMaker,
        issued_on: NaiveDate,
    ) -> Result<CreatedRequest> {
        self.create_in(new, actor, Some((maker, issued_on))).await
    }

    async fn request(&self, number: &str) -> Result<Option<RequestRecord>> {
        let mut conn = self.pool.acquire().await?;
        Ok(Self::record_in(&mut conn, number).await?.map(|(record, _)| record))
    }

    async fn request_for_applicant(&self, number: &str, query_code: &str) -> Result<Option<RequestRecord>> {
        let mut conn = self.pool.acquire().await?;
        let Some((record, stored)) = Self::record_in(&mut conn, number).await? else { return Ok(None) };
        Ok(self.query_key.verifies(&stored, number, query_code).then_some(record))
    }

    async fn append_event(&self, number: &str, event: Event, actor: &Actor) -> Result<RequestRecord> {
        self.append_in(number, event, actor, None).await
    }

    async fn append_event_with_letter(
        &self,
        number: &str,
        event: Event,
        actor: &Actor,
        maker: &dyn crate::letters::LetterMaker,
    ) -> Result<RequestRecord> {
        self.append_in(number, event, actor, Some(maker)).await
    }

    async fn letter_file(
        &self,
        request_id: i64,
        event_seq: i64,
        format: crate::letters::LetterFormat,
    ) -> Result<Option<(crate::letters::LetterInfo, Vec<u8>)>> {
        let column = format.code();
        let sql = match format {
            crate::letters::LetterFormat::Pdf => {
                "SELECT event_seq, kind, letter_no, to_applicant, issued_on, pdf_sha256, docx_sha256, pdf FROM letters WHERE request_id = $1 AND event_seq = $2"
            }
            crate::letters::LetterFormat::Docx => {
                "SELECT event_seq, kind, letter_no, to_applicant, issued_on, pdf_sha256, docx_sha256, docx FROM letters WHERE request_id = $1 AND event_seq = $2"
            }
        };
        let Some(row) = sqlx::query(sql).bind(request_id).bind(event_seq).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let info = letter_info(&row)?;
        let body: Vec<u8> = row.try_get(column)?;
        let stored = match format {
            crate::letters::LetterFormat::Pdf => &info.pdf_sha256,
            crate::letters::LetterFormat::Docx => &info.docx_sha256,
        };
        let actual = sha256_hex(&body);
        if !digest_eq(&actual, stored) {
            let object = format!("letter:{request_id}/{event_seq}/{column}");
            let why = format!("its bytes hash to {actual}, the recorded digest is {stored}");
            tracing::error!(request_id, event_seq, %why, "letter file tampered with; not served");
            self.audit_rejection(&Actor::system(), "letter.file_tampered", &object, &why).await?;
            return Err(StoreError::Corrupt(format!("{object}: {why}")));
        }
        Ok(Some((info, body)))
    }

    async fn add_attachment(
        &self,
        request_id: i64,
        new: &crate::attachments::NewAttachment,
        bytes: Vec<u8>,
        actor: &Actor,
    ) -> Result<crate::attachments::AttachmentInfo> {
        let files = self.attachment_dir()?.clone();
        let sha = sha256_hex(&bytes);
        let size = bytes.len() as i64;
        // The bytes first (atomically, fsynced), then the row that names them.
        let wanted = sha.clone();
        tokio::task::spawn_blocking(move || files.write(&wanted, &bytes))
            .await
            .map_err(|e| StoreError::Config(format!("writing an attachment: {e}")))??;
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query("SELECT agency_id, number FROM requests WHERE id = $1")
            .bind(request_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("request {request_id}")))?;
        let (agency_id, number): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
        let audit_seq = next_audit_seq(&mut tx).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO attachments (agency_id, request_id, purpose, name, mime, size, sha256, uploaded_by, uploaded_at, audit_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(agency_id)
        .bind(request_id)
        .bind(new.purpose.code())
        .bind(&new.name)
        .bind(new.file_type.mime())
        .bind(size)
        .bind(&sha)
        .bind(actor.label())
        .bind(now_text())
        .bind(audit_seq)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        // The object names the request and the attachment, never the file name (which may
        // carry personal data); the payload commits to the name by its hash.
        audit_covering(&mut tx, actor, "attachment.add", &format!("{number}/attachment:{id}"), "ok").await?;
        let row = sqlx::query(attachment_select!("WHERE a.id = $1")).bind(id).fetch_one(&mut *tx).await?;
        let info = attachment_from_row(&row)?;
        tx.commit().await?;
        Ok(info)
    }

    async fn attachments(&self, request_id: i64) -> Result<Vec<crate::attachments::AttachmentInfo>> {
        let rows = sqlx::query(attachment_select!("WHERE a.request_id = $1 ORDER BY a.id"))
            .bind(request_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn attachment_file(&self, request_id: i64, id: i64) -> Result<Option<(crate::attachments::AttachmentInfo, Vec<u8>)>> {
        self.checked_attachment(request_id, id).await
    }

    async fn letter_templates(&self, agency_id: i64) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT kind, body FROM letter_templates WHERE agency_id = $1 ORDER BY kind")
            .bind(agency_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    async fn set_letter_template(
        &self,
        agency_id: i64,
        kind: gongkai_domain::letter::LetterKind,
        body: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        let object = format!("agency:{agency_id}/{}", kind.code());
        match body {
            Some(body) => {
                sqlx::query(
                    "INSERT INTO letter_templates (agency_id, kind, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (agency_id, kind) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                )
                .bind(agency_id)
                .bind(kind.code())
                .bind(body)
                .bind(now_text())
                .bind(actor.label())
                .execute(&mut *tx)
                .await?;
                audit(&mut tx, actor, "letter_template.set", &object, "ok").await?;
            }
            None => {
                sqlx::query("DELETE FROM letter_templates WHERE agency_id = $1 AND kind = $2")
                    .bind(agency_id)
                    .bind(kind.code())
                    .execute(&mut *tx)
                    .await?;
                audit(&mut tx, actor, "letter_template.reset", &object, "ok").await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_requests(&self, agency_id: i64, filter: &RequestFilter) -> Result<Vec<RequestSummary>> {
        let limit = if filter.limit <= 0 { 50 } else { filter.limit.min(500) };
        let order = match filter.order {
            crate::ListOrder::Newest => "received_on DESC, id DESC",
            // `due_on IS NULL` sorts false first on both backends: those without a due day last.
            crate::ListOrder::Due => "(due_on IS NULL), due_on, received_on, id",
        };
        let sql = format!(
            "SELECT number, department_id, applicant_kind, applicant_name, channel, received_on, status, due_on, due_provisional, \
             concluded_on, outcome FROM requests {} ORDER BY {order} LIMIT $13 OFFSET $14",
            request_filter_where(filter)
        );
        let rows = self
            .bind_request_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), agency_id, filter)
            .bind(limit)
            .bind(filter.offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("applicant_kind")?;
                let status: String = r.try_get("status")?;
                let channel: String = r.try_get("channel")?;
                Ok(RequestSummary {
                    number: r.try_get("number")?,
                    department_id: r.try_get("department_id")?,
                    applicant_kind: ApplicantKind::from_code(&kind).map_err(corrupt("applicant_kind"))?,
                    applicant_name: r.try_get("applicant_name")?,
                    channel: Channel::from_code(&channel).map_err(corrupt("channel"))?,
                    received_on: r.try_get("received_on")?,
                    status: parse_code(&status, Status::from_code)?,
                    due_on: r.try_get("due_on")?,
                    due_provisional: r.try_get("due_provisional")?,
                    concluded_on: r.try_get("concluded_on")?,
                    outcome: outcome_from(r.try_get("outcome")?)?,
                })
            })
            .collect()
    }

    async fn count_requests(&self, agency_id: i64, filter: &RequestFilter) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM requests {}", request_filter_where(filter));
        let row = self.bind_request_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), agency_id, filter).fetch_one(&self.pool).await?;
        Ok(row.try_get(0)?)
    }

    async fn inbox_counts(
        &self,
        agency_id: i64,
        department_id: Option<i64>,
        today: NaiveDate,
        soon_before: NaiveDate,
    ) -> Result<crate::InboxCounts> {
        let row = sqlx::query(
            "SELECT COUNT(*), \
             COALESCE(SUM(CASE WHEN due_on < $3 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN due_on >= $3 AND due_on < $4 THEN 1 ELSE 0 END), 0) \
             FROM requests WHERE agency_id = $1 AND ($2 IS NULL OR department_id = $2) \
             AND status NOT IN ('answered', 'withdrawn', 'abandoned')",
        )
        .bind(agency_id)
        .bind(department_id)
        .bind(today)
        .bind(soon_before)
        .fetch_one(&self.pool)
        .await?;
        Ok(crate::InboxCounts { open: row.try_get(0)?, overdue: row.try_get(1)?, due_soon: row.try_get(2)? })
    }

    async fn add_note(&self, number: &str, body: &str, actor: &Actor) -> Result<RequestNote> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query("SELECT id FROM requests WHERE number = $1")
            .bind(number)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("request {number}")))?;
        let request_id: i64 = row.try_get(0)?;
        let audit_seq = next_audit_seq(&mut tx).await?;
        let (author, at) = (actor.label(), now_text());
        let id: i64 = sqlx::query(
            "INSERT INTO request_notes (request_id, body, author, written_at, audit_seq) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(request_id)
        .bind(body)
        .bind(&author)
        .bind(&at)
        .bind(audit_seq)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        audit_covering(&mut tx, actor, "request.note_added", number, "ok").await?;
        tx.commit().await?;
        Ok(RequestNote { id, body: body.to_string(), author, written_at: parse_time(&at)? })
    }

    async fn notes(&self, request_id: i64) -> Result<Vec<RequestNote>> {
        let rows = sqlx::query("SELECT id, body, author, written_at FROM request_notes WHERE request_id = $1 ORDER BY id")
            .bind(request_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let at: String = r.try_get(3)?;
                Ok(RequestNote { id: r.try_get(0)?, body: r.try_get(1)?, author: r.try_get(2)?, written_at: parse_time(&at)? })
            })
            .collect()
    }

    async fn personal_data(&self, number: &str, actor: &Actor, reason: &str) -> Result<PersonalData> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query("SELECT agency_id, pii_sealed FROM requests WHERE number = $1")
            .bind(number)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("request {number}")))?;
        let sealed: Vec<u8> = row.try_get(1)?;
        let data = self.cipher.open(&sealed, number)?;
        audit(&mut tx, actor, "request.personal_data_viewed", number, &format!("ok; reason: {reason}")).await?;
        tx.commit().await?;
        Ok(data)
    }

    async fn import_calendar(&self, file: ScheduleFile, actor: &Actor) -> Result<CalendarImport> {
        let list: Vec<String> = file.years.keys().map(i32::to_string).collect();
        if let Err(refused) = file.check_covers_statutory() {
            self.audit_rejection(actor, "calendar.import", &list.join(","), &refused.to_string()).await?;
            return Err(refused.into());
        }
        let mut tx = begin_write(&self.pool).await?;
        // Bump the version first: on PostgreSQL this locks the row every deadline-computing write
        // share-locks, so none of them commits on the old calendar while this import runs.
        let version: i64 = sqlx::query("UPDATE calendar_version SET version = version + 1 WHERE id = 1 RETURNING version")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let mut years = Vec::new();
        for (year, sched) in &file.years {
            let mut one = ScheduleFile { about: file.about.clone(), years: Default::default() };
            one.years.insert(*year, sched.clone());
            let body = serde_json::to_string(&one).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO holiday_schedules (year, body, imported_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (year) DO UPDATE SET body = excluded.body, imported_at = excluded.imported_at",
            )
            .bind(i64::from(*year))
            .bind(body)
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
            years.push(*year);
        }
        // Every stored notice, this import's included, as any process will now load them.
        let cal = Arc::new(read_calendar(&mut *tx).await?);
        let open = sqlx::query(
            "SELECT id, due_on, due_provisional FROM requests WHERE status NOT IN ('answered', 'withdrawn', 'abandoned')",
        )
        .fetch_all(&mut *tx)
        .await?;
        let (mut recomputed, mut changed) = (0u64, 0u64);
        for row in open {
            let id: i64 = row.try_get(0)?;
            let old_due: Option<NaiveDate> = row.try_get(1)?;
            let old_provisional: bool = row.try_get(2)?;
            let events: Vec<Event> = Self::load_events(&mut tx, id).await?.into_iter().map(|r| r.event).collect();
            let state = CaseState::replay(&cal, &events).map_err(corrupt("stored ledger"))?;
            let p = project(&state, &cal);
            recomputed += 1;
            if p.due_on != old_due || p.due_provisional != old_provisional {
                changed += 1;
                Self::save_projection(&mut tx, id, &p, events.len() as i64).await?;
            }
        }
        audit(&mut tx, actor, "calendar.import", &list.join(","), &format!("ok: {recomputed} recomputed, {changed} changed (calendar version {version})")).await?;
        tx.commit().await?;
        self.keep_calendar(version, cal);
        Ok(CalendarImport { years, recomputed, changed })
    }

    async fn report_registers(&self, agency_id: Option<i64>, year: i32) -> Result<ReportRegisters> {
        let (start, end) = year_bounds(year)?;
        // One statement, four registers: each branch tags its rows; unused columns are NULL.
        // `$4` is the agency or NULL (every agency; the per-agency registers then match nothing).
        const SQL: &str = "\
            SELECT 'case' AS tag, c.id AS id, c.kind AS a, r.number AS b, c.result AS c, c.filed_on AS d1, c.decided_on AS d2, \
                   CAST(NULL AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(NULL AS BIGINT) AS n3, \
                   CAST(NULL AS BIGINT) AS n4, CAST(NULL AS BIGINT) AS n5, CAST(NULL AS DOUBLE PRECISION) AS v \
              FROM review_cases c LEFT JOIN requests r ON r.id = c.request_id \
             WHERE c.filed_on <= $2 AND (c.decided_on IS NULL OR c.decided_on >= $1) \
               AND (CAST($4 AS BIGINT) IS NULL OR c.agency_id = $4) \
            UNION ALL \
            SELECT 'documents', NULL, kind, NULL, NULL, NULL, NULL, \
                   SUM(CASE WHEN issued_on >= $1 AND issued_on <= $2 THEN 1 ELSE 0 END), \
                   SUM(CASE WHEN published_on >= $1 AND published_on <= $2 THEN 1 ELSE 0 END), \
                   SUM(CASE WHEN published_on <= $2 AND (repealed_on IS NULL OR repealed_on > $2) THEN 1 ELSE 0 END), \
                   SUM(CASE WHEN repealed_on >= $1 AND repealed_on <= $2 THEN 1 ELSE 0 END), \
                   SUM(CASE WHEN issued_on <= $2 AND (repealed_on IS NULL OR repealed_on > $2) THEN 1 ELSE 0 END), NULL \
              FROM publications WHERE CAST($4 AS BIGINT) IS NULL OR agency_id = $4 GROUP BY kind \
            UNION ALL \
            SELECT 'statistic', NULL, key, source, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, value \
              FROM yearly_statistics WHERE agency_id = $4 AND year = $3 \
            UNION ALL \
            SELECT 'sections', NULL, overview, problems, other, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL \
              FROM report_sections WHERE agency_id = $4 AND year = $3";
        let rows = sqlx::query(SQL)
            .bind(start)
            .bind(end)
            .bind(i64::from(year))
            .bind(agency_id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = ReportRegisters::default();
        for r in &rows {
            let tag: String = r.try_get("tag")?;
            match tag.as_str() {
                "case" => {
                    let kind: String = r.try_get("a")?;
                    let kind = parse_code(&kind, ReviewKind::from_code)?;
                    let result: Option<String> = r.try_get("c")?;
                    let result = result.map(|c| parse_code(&c, ReviewResult::from_code)).transpose()?;
                    let decided_on: Option<NaiveDate> = r.try_get("d2")?;
                    out.review_cases.push(ReviewCase {
                        id: r.try_get::<Option<i64>, _>("id")?.ok_or_else(|| StoreError::Corrupt("review case without id".into()))?,
                        request_number: r.try_get("b")?,
                        fact: ReviewFact {
                            kind,
                            filed_on: r.try_get::<Option<NaiveDate>, _>("d1")?.ok_or_else(|| StoreError::Corrupt("review case without filing date".into()))?,
                            decided: decided_on.zip(result),
                        },
                    });
                }
                "documents" => {
                    let kind: String = r.try_get("a")?;
                    let n = |col: &str| -> Result<i64> { Ok(r.try_get::<Option<i64>, _>(col)?.unwrap_or(0)) };
                    let counts = DocumentCounts { issued: n("n1")?, published: n("n2")?, total_published: n("n3")?, repealed: n("n4")?, in_force: n("n5")? };
                    match kind.as_str() {
                        "rule" => out.rules = counts,
                        "normative_document" => out.normative = counts,
                        other => return Err(StoreError::Corrupt(format!("publication kind '{other}'"))),
                    }
                }
                "statistic" => out.statistics.push(Statistic {
                    key: r.try_get::<Option<String>, _>("a")?.unwrap_or_default(),
                    value: r.try_get::<Option<f64>, _>("v")?.unwrap_or_default(),
                    source: r.try_get::<Option<String>, _>("b")?.unwrap_or_default(),
                }),
                "sections" => {
                    let text = |col: &str| -> Result<String> { Ok(r.try_get::<Option<String>, _>(col)?.unwrap_or_default()) };
                    out.sections = Some(Sections { overview: text("a")?, problems: text("b")?, other: text("c")? });
                }
                other => return Err(StoreError::Corrupt(format!("register row '{other}'"))),
            }
        }
        out.review_cases.sort_by_key(|c| c.id);
        out.statistics.sort_by(|x, y| x.key.cmp(&y.key));
        Ok(out)
    }

    async fn add_review_case(&self, agency_id: i64, request_number: Option<&str>, fact: ReviewFact, actor: &Actor) -> Result<i64> {
        check_past("filed_on", fact.filed_on, self.today())?;
        if let Some((decided, _)) = fact.decided {
            check_past("decided_on", decided, self.today())?;
        }
        if let Some((decided, _)) = fact.decided
            && decided < fact.filed_on
        {
            return Err(DomainError::invalid("decided_on", "is before the case was filed").into());
        }
        let mut tx = begin_write(&self.pool).await?;
        let request_id: Option<i64> = match request_number {
            Some(n) => Some(
                sqlx::query("SELECT id FROM requests WHERE number = $1 AND agency_id = $2")
                    .bind(n)
                    .bind(agency_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("request {n}")))?
                    .try_get(0)?,
            ),
            None => None,
        };
        let id: i64 = sqlx::query(
            "INSERT INTO review_cases (agency_id, request_id, kind, filed_on, decided_on, result, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(agency_id)
        .bind(request_id)
        .bind(fact.kind.code())
        .bind(fact.filed_on)
        .bind(fact.decided.map(|d| d.0))
        .bind(fact.decided.map(|d| d.1.code()))
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        audit(&mut tx, actor, "review_case.create", &format!("{}:{id}", fact.kind.code()), "ok").await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn review_case_agency(&self, case_id: i64) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT agency_id FROM review_cases WHERE id = $1").bind(case_id).fetch_optional(&self.pool).await?;
        row.map(|r| r.try_get(0)).transpose().map_err(Into::into)
    }

    async fn decide_review_case(&self, case_id: i64, decided_on: NaiveDate, result: ReviewResult, actor: &Actor) -> Result<ReviewCase> {
        check_past("decided_on", decided_on, self.today())?;
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query(
            "SELECT c.agency_id, r.number, c.kind, c.filed_on, c.decided_on FROM review_cases c \
             LEFT JOIN requests r ON r.id = c.request_id WHERE c.id = $1",
        )
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("review case {case_id}")))?;
        let filed_on: NaiveDate = row.try_get(3)?;
        if row.try_get::<Option<NaiveDate>, _>(4)?.is_some() {
            return Err(StoreError::Conflict(format!("review case {case_id} is already decided")));
        }
        if decided_on < filed_on {
            return Err(DomainError::invalid("decided_on", "is before the case was filed").into());
        }
        let kind: String = row.try_get(2)?;
        let kind = parse_code(&kind, ReviewKind::from_code)?;
        sqlx::query("UPDATE review_cases SET decided_on = $1, result = $2 WHERE id = $3")
            .bind(decided_on)
            .bind(result.code())
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, actor, "review_case.decide", &format!("{}:{case_id}", kind.code()), result.code()).await?;
        tx.commit().await?;
        Ok(ReviewCase {
            id: case_id,
            request_number: row.try_get(1)?,
            fact: ReviewFact { kind, filed_on, decided: Some((decided_on, result)) },
        })
    }

    async fn request_groups(&self, agency_id: Option<i64>, year: i32) -> Result<Vec<RequestGroup>> {
        let (start, end) = year_bounds(year)?;
        let mut query =
            sqlx::query(sqlx::AssertSqlSafe(crate::request_groups_sql(agency_id.is_some()))).bind(start).bind(end);
        if let Some(id) = agency_id {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(0)?;
                let is_new: i64 = r.try_get(1)?;
                Ok(RequestGroup {
                    kind: ApplicantKind::from_code(&kind).map_err(corrupt("applicant_kind"))?,
                    received_in_year: is_new == 1,
                    concluded_in_year: outcome_from(r.try_get(2)?)?,
                    count: r.try_get(3)?,
                })
            })
            .collect()
    }

    async fn numbered_request_facts(&self, agency_id: i64, year: i32) -> Result<Vec<(String, RequestFact)>> {
        let (start, end) = year_bounds(year)?;
        let rows = sqlx::query(
            "SELECT number, applicant_kind, received_on, concluded_on, outcome FROM requests \
             WHERE agency_id = $1 AND received_on <= $2 AND (concluded_on IS NULL OR concluded_on >= $3) ORDER BY number",
        )
        .bind(agency_id)
        .bind(end)
        .bind(start)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(1)?;
                let concluded_on: Option<NaiveDate> = r.try_get(3)?;
                Ok((
                    r.try_get(0)?,
                    RequestFact {
                        kind: ApplicantKind::from_code(&kind).map_err(corrupt("applicant_kind"))?,
                        received_on: r.try_get(2)?,
                        concluded: concluded_on.zip(outcome_from(r.try_get(4)?)?),
                    },
                ))
            })
            .collect()
    }

    async fn add_publication(&self, agency_id: i64, mut p: NewPublication, actor: &Actor) -> Result<i64> {
        p.title = text::clean_required("title", &p.title, text::TITLE, "is required")?;
        p.doc_number = text::clean_optional("doc_number", p.doc_number.as_deref(), text::DOC_NUMBER)?;
        let today = self.today();
        check_past("issued_on", p.issued_on, today)?;
        for (field, date) in [("published_on", p.published_on), ("repealed_on", p.repealed_on)] {
            if let Some(d) = date {
                check_past(field, d, today)?;
            }
        }
        for (field, date) in [("published_on", p.published_on), ("repealed_on", p.repealed_on)] {
            if date.is_some_and(|d| d < p.issued_on) {
                return Err(DomainError::invalid(field, "is before the issue date").into());
            }
        }
        let mut tx = begin_write(&self.pool).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO publications (agency_id, kind, title, doc_number, issued_on, published_on, repealed_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(agency_id)
        .bind(p.kind.code())
        .bind(p.title.trim())
        .bind(&p.doc_number)
        .bind(p.issued_on)
        .bind(p.published_on)
        .bind(p.repealed_on)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        audit(&mut tx, actor, "publication.create", &format!("publication:{id}"), "ok").await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn set_statistic(&self, agency_id: i64, year: i32, stat: Statistic, actor: &Actor) -> Result<()> {
        StatisticKey::check(&stat.key, stat.value)?;
        check_past_year("year", year, self.today())?;
        gongkai_domain::report::ReportFormat::for_year(year)?;
        let source = text::clean_required("source", &stat.source, text::SOURCE, "say where the figure comes from (e.g. 行政审批系统)")?;
        let stat = Statistic { source, ..stat };
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO yearly_statistics (agency_id, year, key, value, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (agency_id, year, key) DO UPDATE SET value = excluded.value, source = excluded.source, updated_at = excluded.updated_at",
        )
        .bind(agency_id)
        .bind(i64::from(year))
        .bind(&stat.key)
        .bind(stat.value)
        .bind(stat.source.trim())
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, actor, "statistic.set", &format!("agency:{agency_id}/{year}/{}", stat.key), "ok").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn save_sections(&self, agency_id: i64, year: i32, sections: &Sections, actor: &Actor) -> Result<()> {
        let sections = &sections.cleaned()?;
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO report_sections (agency_id, year, overview, problems, other, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (agency_id, year) DO UPDATE SET overview = excluded.overview, problems = excluded.problems, \
             other = excluded.other, updated_at = excluded.updated_at",
        )
        .bind(agency_id)
        .bind(i64::from(year))
        .bind(&sections.overview)
        .bind(&sections.problems)
        .bind(&sections.other)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, actor, "report.sections_saved", &format!("agency:{agency_id}/{year}"), "ok").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn save_report_draft(&self, agency_id: i64, year: i32, report_json: &str, actor: &Actor) -> Result<ReportVersion> {
        let mut tx = begin_write(&self.pool).await?;
        let last: Option<i64> = sqlx::query("SELECT MAX(version) FROM report_versions WHERE agency_id = $1 AND year = $2")
            .bind(agency_id)
            .bind(i64::from(year))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let version = last.unwrap_or(0) + 1;
        let id: i64 = sqlx::query(
            "INSERT INTO report_versions (agency_id, year, version, status, report_json, json_sha256, created_at) \
             VALUES ($1, $2, $3, 'draft', $4, $5, $6) RETURNING id",
        )
        .bind(agency_id)
        .bind(i64::from(year))
        .bind(version)
        .bind(report_json)
        .bind(sha256_hex(report_json.as_bytes()))
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        audit(&mut tx, actor, "report.draft", &format!("agency:{agency_id}/{year}/v{version}"), "ok").await?;
        let v = Self::version_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn report_versions(&self, agency_id: i64, year: i32) -> Result<Vec<ReportVersion>> {
        let mut tx = self.pool.begin().await?;
        let ids: Vec<i64> = sqlx::query("SELECT id FROM report_versions WHERE agency_id = $1 AND year = $2 ORDER BY version")
            .bind(agency_id)
            .bind(i64::from(year))
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for id in ids {
            out.push(Self::version_in(&mut tx, id).await?);
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn report_version(&self, version_id: i64) -> Result<Option<ReportVersion>> {
        let mut tx = self.pool.begin().await?;
        let v = match Self::version_in(&mut tx, version_id).await {
            Ok(v) => Some(v),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        tx.commit().await?;
        Ok(v)
    }

    async fn approve_report(&self, version_id: i64, actor: &Actor) -> Result<ReportVersion> {
        let mut tx = begin_write(&self.pool).await?;
        let v = Self::version_in(&mut tx, version_id).await?;
        if v.status != ReportStatus::Draft {
            return Err(DomainError::Transition { event: "approve", reason: format!("version {} is {}", v.version, v.status.code()) }.into());
        }
        sqlx::query("UPDATE report_versions SET status = 'approved', approved_by = $1, approved_at = $2 WHERE id = $3")
            .bind(actor.label())
            .bind(now_text())
            .bind(version_id)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, actor, "report.approve", &format!("agency:{}/{}/v{}", v.agency_id, v.year, v.version), "ok").await?;
        let v = Self::version_in(&mut tx, version_id).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn publish_report(&self, version_id: i64, files: Vec<(String, Vec<u8>)>, actor: &Actor) -> Result<ReportVersion> {
        let mut tx = begin_write(&self.pool).await?;
        let v = Self::version_in(&mut tx, version_id).await?;
        // Approved, no R-rule error, no placeholder text (S2): checked on the locked version.
        crate::reporting::publish_gate(&v)?;
        let audit_seq = next_audit_seq(&mut tx).await?;
        for (format, body) in &files {
            sqlx::query("INSERT INTO report_files (version_id, format, body, sha256, audit_seq) VALUES ($1, $2, $3, $4, $5)")
                .bind(version_id)
                .bind(format)
                .bind(body)
                .bind(sha256_hex(body))
                .bind(audit_seq)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE report_versions SET status = 'published', published_at = $1 WHERE id = $2")
            .bind(now_text())
            .bind(version_id)
            .execute(&mut *tx)
            .await?;
        audit_covering(&mut tx, actor, "report.publish", &format!("agency:{}/{}/v{}", v.agency_id, v.year, v.version), "ok").await?;
        let v = Self::version_in(&mut tx, version_id).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn report_file(&self, version_id: i64, format: &str) -> Result<Option<Vec<u8>>> {
        self.checked_report_file(version_id, format).await
    }

    async fn bulk_seed(&self, rows: &[SeedRequest], actor: &Actor) -> Result<u64> {
        let cal = self.current_calendar().await?;
        let mut tx = begin_write(&self.pool).await?;
        Self::key_is_current(&mut tx, &self.cipher).await?;
        // Reserve request numbers per (agency, year).
        let mut counts: std::collections::BTreeMap<(i64, i32), i64> = Default::default();
        for r in rows {
            *counts.entry((r.agency_id, r.received_on.year())).or_default() += 1;
        }
        let mut next: std::collections::BTreeMap<(i64, i32), (String, i64)> = Default::default();
        for ((agency_id, year), n) in &counts {
            let slug: String = sqlx::query("SELECT slug FROM agencies WHERE id = $1")
                .bind(agency_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("agency {agency_id}")))?
                .try_get(0)?;
            let last: i64 = sqlx::query(
                "INSERT INTO request_counters (agency_id, year, last_seq) VALUES ($1, $2, $3) \
                 ON CONFLICT (agency_id, year) DO UPDATE SET last_seq = request_counters.last_seq + $3 RETURNING last_seq",
            )
            .bind(agency_id)
            .bind(i64::from(*year))
            .bind(n)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            next.insert((*agency_id, *year), (slug, last - n + 1));
        }
        let created = now_text();
        let audit_seq = next_audit_seq(&mut tx).await?;
        for chunk in rows.chunks(500) {
            let mut prepared = Vec::with_capacity(chunk.len());
            for r in chunk {
                let key = (r.agency_id, r.received_on.year());
                let (slug, seq) = next.get_mut(&key).expect("reserved above");
                let number = format!("{slug}-{}-{:05}", key.1, *seq);
                *seq += 1;
                let mut events = vec![Event::Received { on: r.received_on, channel: Channel::Online }];
                events.extend(r.events.iter().cloned());
                let state = CaseState::replay(&cal, &events)?;
                let p = project(&state, &cal);
                let phone = format!("139{:08}", (seq.unsigned_abs() * 7919) % 100_000_000);
                let sealed = self.cipher.seal(&PersonalData { phone: phone.clone(), ..Default::default() }, &number)?;
                let code_hash = self.query_key.code_hash(&number, &random_code(10));
                prepared.push((r, number, events, p, sealed, code_hash, phone));
            }
            let mut qb: sqlx::QueryBuilder<Db> = sqlx::QueryBuilder::new(
                "INSERT INTO requests (agency_id, number, query_code_hash, applicant_kind, applicant_name, phone_masked, pii_sealed, \
                 description, channel, delivery, received_on, status, due_on, due_provisional, concluded_on, outcome, event_count, created_at, audit_seq, \
                 applicant_name_index) ",
            );
            qb.push_values(&prepared, |mut b, (r, number, events, p, sealed, code_hash, phone)| {
                b.push_bind(r.agency_id)
                    .push_bind(number.clone())
                    .push_bind(code_hash.clone())
                    .push_bind(r.kind.code())
                    .push_bind(r.name.clone())
                    .push_bind(format!("{}****{}", &phone[..3], &phone[7..]))
                    .push_bind(sealed.clone())
                    .push_bind("synthetic")
                    .push_bind("online")
                    .push_bind("email")
                    .push_bind(r.received_on)
                    .push_bind(p.status.code())
                    .push_bind(p.due_on)
                    .push_bind(p.due_provisional)
                    .push_bind(p.concluded_on)
                    .push_bind(p.outcome.map(|o| o.code()))
                    .push_bind(events.len() as i64)
                    .push_bind(created.clone())
                    .push_bind(audit_seq)
                    .push_bind(self.query_key.name_index(&r.name));
            });
            qb.push(" RETURNING id, number");
            let ids = qb.build().fetch_all(&mut *tx).await?;
            let mut id_of = std::collections::HashMap::with_capacity(ids.len());
            for row in &ids {
                let id: i64 = row.try_get(0)?;
                let number: String = row.try_get(1)?;
                id_of.insert(number, id);
            }
            let mut event_rows = Vec::new();
            for (_, number, events, ..) in &prepared {
                let id = *id_of.get(number).ok_or_else(|| StoreError::Corrupt(format!("{number} not returned")))?;
                for (i, e) in events.iter().enumerate() {
                    let body = serde_json::to_string(e).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    event_rows.push((id, i as i64 + 1, e.kind(), e.on(), body));
                }
            }
            let mut qb: sqlx::QueryBuilder<Db> =
                sqlx::QueryBuilder::new("INSERT INTO request_events (request_id, seq, kind, on_date, body, actor, recorded_at, audit_seq) ");
            let who = actor.label();
            qb.push_values(&event_rows, |mut b, (id, seq, kind, on, body)| {
                b.push_bind(*id).push_bind(*seq).push_bind(*kind).push_bind(*on).push_bind(body.clone()).push_bind(who.clone()).push_bind(created.clone()).push_bind(audit_seq);
            });
            qb.build().execute(&mut *tx).await?;
        }
        audit_covering(&mut tx, actor, "requests.bulk_seed", &format!("{} requests", rows.len()), "ok").await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn audit_refusal(&self, actor: &Actor, action: &str, object: &str, why: &str) -> Result<()> {
        self.audit_rejection(actor, action, object, why).await
    }

    async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, object, outcome, prev_hash, hash, payload_hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: r.try_get(0)?,
                    at: r.try_get(1)?,
                    actor: r.try_get(2)?,
                    action: r.try_get(3)?,
                    object: r.try_get(4)?,
                    outcome: r.try_get(5)?,
                    prev_hash: r.try_get(6)?,
                    hash: r.try_get(7)?,
                    payload_hash: r.try_get(8)?,
                })
            })
            .collect()
    }

    async fn verify_audit_log(&self) -> Result<crate::VerifyReport> {
        self.verify_all().await
    }

    async fn audit_head(&self) -> Result<(i64, String)> {
        self.head().await
    }

    async fn issue_token(&self, new: &NewToken, actor: &Actor) -> Result<IssuedToken> {
        let name = &text::clean_required("name", &new.name, text::NAME, "is required")?;
        new.validate("days")?;
        let token = format!("gk_{}", random_code(32));
        let issued = Utc::now();
        let expires = new.expires_at(issued);
        let mut tx = begin_write(&self.pool).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO staff_tokens (token_hash, name, role, agency_id, created_at, expires_at, department_id, supervised) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(secret_hash("token", &token))
        .bind(name)
        .bind(new.role.code())
        .bind(new.agency_id)
        .bind(time_text(issued))
        .bind(time_text(expires))
        .bind(new.department_id)
        .bind(supervised_text(&new.supervised))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let object = format!("token:{id} {}:{name}", new.role.code());
        audit(&mut tx, actor, "token.create", &object, &format!("ok: expires {}", time_text(expires))).await?;
        let info = Self::token_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(IssuedToken { token, info })
    }

    async fn tokens(&self, _actor: &Actor) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "SELECT t.id, t.name, t.role, a.slug, t.created_at, t.expires_at, t.revoked_at FROM staff_tokens t \
             LEFT JOIN agencies a ON a.id = t.agency_id ORDER BY t.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: i64, actor: &Actor) -> Result<TokenInfo> {
        let mut tx = begin_write(&self.pool).await?;
        let info = Self::token_in(&mut tx, id).await?;
        let done = sqlx::query("UPDATE staff_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_text())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!("token {id} is already revoked")));
        }
        audit(&mut tx, actor, "token.revoke", &format!("token:{id} {}:{}", info.role.code(), info.name), "ok").await?;
        let info = Self::token_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(info)
    }

    async fn actor_for_token_at(&self, token: &str, now: DateTime<Utc>) -> Result<Option<Actor>> {
        let row = sqlx::query(
            "SELECT t.id, t.name, t.role, a.slug, t.created_at, t.expires_at, t.revoked_at, t.agency_id, t.department_id, t.supervised FROM staff_tokens t \
             LEFT JOIN agencies a ON a.id = t.agency_id WHERE t.token_hash = $1",
        )
        .bind(secret_hash("token", token))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let info = token_from_row(&row)?;
        if info.status_at(now) != crate::TokenStatus::Active {
            return Ok(None);
        }
        let supervised: String = row.try_get(9)?;
        Ok(Some(Actor {
            name: info.name,
            role: info.role,
            agency_id: row.try_get(7)?,
            department_id: row.try_get(8)?,
            supervised: parse_code(&supervised, crate::accounts::supervised_ids)?,
        }))
    }

    async fn create_user(&self, new: &NewUser, actor: &Actor) -> Result<UserInfo> {
        let name = text::clean_required("name", &new.name, text::NAME, "is required")?;
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO users (login, name, role, agency_id, department_id, supervised, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&new.login)
        .bind(&name)
        .bind(new.role.code())
        .bind(new.agency_id)
        .bind(new.department_id)
        .bind(supervised_text(&new.supervised))
        .bind(&new.password_hash)
        .bind(now_text())
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or(e, &format!("user '{}'", new.login)))?;
        audit(&mut tx, actor, "user.create", &format!("user:{} {}", new.login, new.role.code()), "ok").await?;
        let user = user_in(&mut tx, &new.login).await?;
        tx.commit().await?;
        Ok(user.info)
    }

    async fn users(&self) -> Result<Vec<UserInfo>> {
        let rows = sqlx::query(user_select!("ORDER BY u.id")).fetch_all(&self.pool).await?;
        rows.iter().map(|r| user_from_row(r).map(|u| u.info)).collect()
    }

    async fn user_auth(&self, login: &str) -> Result<Option<UserAuth>> {
        let row = sqlx::query(user_select!("WHERE u.login = $1")).bind(login).fetch_optional(&self.pool).await?;
        let Some(mut user) = row.as_ref().map(user_from_row).transpose()? else { return Ok(None) };
        let bound = totp_bound(user.info.id);
        for secret in [&mut user.totp_secret, &mut user.totp_pending].into_iter().flatten() {
            if crate::crypto::is_sealed_text(secret) {
                *secret = self.cipher.open_text(secret, &bound)?;
            }
        }
        Ok(Some(user))
    }

    async fn disable_user(&self, login: &str, actor: &Actor) -> Result<UserInfo> {
        let mut tx = begin_write(&self.pool).await?;
        let user = user_in(&mut tx, login).await?;
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
            .bind(now_text())
            .bind(user.info.id)
            .execute(&mut *tx)
            .await?;
        end_sessions_of(&mut tx, user.info.id).await?;
        audit(&mut tx, actor, "user.disable", &format!("user:{login}"), "ok").await?;
        let user = user_in(&mut tx, login).await?;
        tx.commit().await?;
        Ok(user.info)
    }

    async fn set_password(&self, login: &str, password_hash: &str, actor: &Actor) -> Result<UserInfo> {
        let mut tx = begin_write(&self.pool).await?;
        let user = user_in(&mut tx, login).await?;
        sqlx::query("UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2")
            .bind(password_hash)
            .bind(user.info.id)
            .execute(&mut *tx)
            .await?;
        end_sessions_of(&mut tx, user.info.id).await?;
        audit(&mut tx, actor, "user.password", &format!("user:{login}"), "ok").await?;
        let user = user_in(&mut tx, login).await?;
        tx.commit().await?;
        Ok(user.info)
    }

    async fn set_user_role(&self, login: &str, role: Role, agency_id: Option<i64>, department_id: Option<i64>, supervised: &[i64], actor: &Actor) -> Result<UserInfo> {
        let mut tx = begin_write(&self.pool).await?;
        let user = user_in(&mut tx, login).await?;
        sqlx::query("UPDATE users SET role = $1, agency_id = $2, department_id = $3, supervised = $4 WHERE id = $5")
            .bind(role.code())
            .bind(agency_id)
            .bind(department_id)
            .bind(supervised_text(supervised))
            .bind(user.info.id)
            .execute(&mut *tx)
            .await?;
        end_sessions_of(&mut tx, user.info.id).await?;
        audit(&mut tx, actor, "user.role", &format!("user:{login} {}", role.code()), "ok").await?;
        let user = user_in(&mut tx, login).await?;
        tx.commit().await?;
        Ok(user.info)
    }

    async fn record_login_failure(&self, login: &str, address: &str, reason: &str, lock_after: i64, locked_until: DateTime<Utc>) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let who = Actor::new(login, Role::Public, None);
        let object = format!("user:{login}");
        audit(&mut tx, &who, "login.fail", &object, &format!("{reason} from {address}")).await?;
        let mut locked = false;
        if let Ok(user) = user_in(&mut tx, login).await {
            let failures = user.failed_logins + 1;
            locked = failures >= lock_after;
            sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
                .bind(if locked { 0 } else { failures })
                .bind(if locked { Some(time_text(locked_until)) } else { user.info.locked_until.map(time_text) })
                .bind(user.info.id)
                .execute(&mut *tx)
                .await?;
            if locked {
                audit(&mut tx, &who, "login.lock", &object, &format!("locked until {}", time_text(locked_until))).await?;
            }
        }
        tx.commit().await?;
        Ok(locked)
    }

    async fn start_session(&self, user_id: i64, id: &str, stage: SessionStage, address: &str, now: DateTime<Utc>) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("INSERT INTO sessions (id_hash, user_id, stage, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(secret_hash("session", id))
            .bind(user_id)
            .bind(stage.code())
            .bind(time_text(now))
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(user_select!("WHERE u.id = $1")).bind(user_id).fetch_one(&mut *tx).await?;
        let user = user_from_row(&row)?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        let outcome = format!("ok ({}) from {address}", stage.code());
        audit(&mut tx, &user.info.actor(), "login", &format!("user:{}", user.info.login), &outcome).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, id: &str) -> Result<Option<SessionRow>> {
        let row = sqlx::query("SELECT user_id, stage, created_at, last_seen_at FROM sessions WHERE id_hash = $1 AND ended_at IS NULL")
            .bind(secret_hash("session", id))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let user_id: i64 = row.try_get(0)?;
        let user = sqlx::query(user_select!("WHERE u.id = $1")).bind(user_id).fetch_one(&self.pool).await?;
        let stage: String = row.try_get(1)?;
        Ok(Some(SessionRow {
            user: user_from_row(&user)?.info,
            stage: parse_code(&stage, SessionStage::from_code)?,
            created_at: parse_time(&row.try_get::<String, _>(2)?)?,
            last_seen_at: parse_time(&row.try_get::<String, _>(3)?)?,
        }))
    }

    async fn touch_session(&self, id: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND ended_at IS NULL")
            .bind(time_text(now))
            .bind(secret_hash("session", id))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn end_session(&self, id: &str, reason: &str, now: DateTime<Utc>) -> Result<()> {
        let Some(session) = self.session(id).await? else { return Ok(()) };
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL")
            .bind(time_text(now))
            .bind(secret_hash("session", id))
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            audit(&mut tx, &session.user.actor(), "logout", &format!("user:{}", session.user.login), reason).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_totp_pending(&self, user_id: i64, secret: Option<&str>) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        Self::key_is_current(&mut tx, &self.cipher).await?;
        let sealed = secret.map(|s| self.cipher.seal_text(s, &totp_bound(user_id))).transpose()?;
        sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2").bind(sealed).bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn confirm_totp(&self, user_id: i64, session_id: &str) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query(user_select!("WHERE u.id = $1")).bind(user_id).fetch_one(&mut *tx).await?;
        let user = user_from_row(&row)?;
        if user.totp_pending.is_none() {
            return Err(StoreError::Conflict("no second factor is being enrolled".into()));
        }
        sqlx::query("UPDATE users SET totp_secret = totp_pending, totp_pending = NULL WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        sqlx::query("UPDATE sessions SET stage = 'full' WHERE id_hash = $1").bind(secret_hash("session", session_id)).execute(&mut *tx).await?;
        audit(&mut tx, &user.info.actor(), "totp.enrol", &format!("user:{}", user.info.login), "ok").await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The `WHERE` of a request listing and its count ([`SqlStore::bind_request_filter`] binds
/// `$1`–`$12`): the agency, then each filter of [`RequestFilter`] when given. The search looks
/// for a 申请编号 by its beginning, an exact full name by its blind index and words of the
/// description (a scan of the agency's rows, which `requests_inbox` narrows to its own).
const REQUEST_FILTER_WHERE: &str = "WHERE agency_id = $1 AND ($2 IS NULL OR status = $2) \
     AND ($3 IS NULL OR (due_on <= $3 AND status NOT IN ('answered', 'withdrawn', 'abandoned'))) \
     AND ($4 IS NULL OR due_on >= $4) \
     AND ($5 IS NULL OR department_id = $5) \
     AND ($6 IS NULL OR channel = $6) \
     AND ($7 IS NULL OR status NOT IN ('answered', 'withdrawn', 'abandoned')) \
     AND ($8 IS NULL OR number LIKE $9 ESCAPE '!' OR applicant_name_index = $10 OR description LIKE $11 ESCAPE '!') \
     AND ($12 IS NULL OR department_id IS NULL)";

/// Open requests, in the words of the partial index `requests_inbox` (migration 0012), so that a
/// query stating it is answered from that index.
const OPEN_ONLY: &str = "status NOT IN ('answered', 'withdrawn', 'abandoned')";

/// [`REQUEST_FILTER_WHERE`], with [`OPEN_ONLY`] stated when the filter asks for open requests.
fn request_filter_where(filter: &RequestFilter) -> String {
    if filter.open_only {
        format!("{REQUEST_FILTER_WHERE} AND {OPEN_ONLY}")
    } else {
        REQUEST_FILTER_WHERE.to_string()
    }
}

/// `text` with the `LIKE` wildcards of `!`-escaping taken literally.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

impl SqlStore {
    fn bind_request_filter<'q>(
        &self,
        query: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>,
        agency_id: i64,
        filter: &RequestFilter,
    ) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments> {
        let search = filter.search.as_deref().map(str::trim).filter(|t| !t.is_empty());
        query
            .bind(agency_id)
            .bind(filter.status.map(|s| s.code()))
            .bind(filter.due_by)
            .bind(filter.due_from)
            .bind(filter.department_id)
            .bind(filter.channel.map(|c| c.code()))
            .bind(filter.open_only.then_some(1_i64))
            .bind(search.map(|_| 1_i64))
            .bind(search.map(|t| format!("{}%", like_escaped(&t.to_lowercase()))))
            .bind(search.and_then(|t| self.query_key.name_index(t)))
            .bind(search.map(|t| format!("%{}%", like_escaped(t))))
            .bind(filter.unassigned.then_some(1_i64))
    }

    /// Gives every request filed before migration 0012 its name's blind index (see
    /// `requests.applicant_name_index`), a bounded batch at a time; run at open.
    async fn index_names(&self) -> Result<u64> {
        let mut done = 0;
        loop {
            let rows = sqlx::query("SELECT id, applicant_name FROM requests WHERE applicant_name_index IS NULL ORDER BY id LIMIT 500")
                .fetch_all(&self.pool)
                .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut tx = begin_write(&self.pool).await?;
            for r in &rows {
                let id: i64 = r.try_get(0)?;
                let name: String = r.try_get(1)?;
                // A blank name (impossible by the filing rules) gets an index that matches nothing.
                let index = self.query_key.name_index(&name).unwrap_or_else(|| "n1:".into());
                sqlx::query("UPDATE requests SET applicant_name_index = $1 WHERE id = $2 AND applicant_name_index IS NULL")
                    .bind(index)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            done += rows.len() as u64;
        }
    }
}
