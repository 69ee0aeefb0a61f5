//! Schemas for the OpenAPI document of JSON shapes whose Rust types live in crates without
//! utoipa (the domain and the store): each struct here describes exactly what those types
//! serialize to. They are never built; `scripts/schemathesis.sh` checks every response against
//! them.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A line of a request listing (`gongkai_store::RequestSummary`).
#[derive(Serialize, ToSchema)]
pub struct RequestSummary {
    pub number: String,
    /// The 承办部门 it is assigned to, if any.
    pub department_id: Option<i64>,
    /// `natural_person`, `commercial`, `research`, `social_welfare`, `legal_services`, `other_org`.
    pub applicant_kind: String,
    pub applicant_name: String,
    /// `in_person`, `post_signed`, `letter`, `online`, `fax`, `email`.
    pub channel: String,
    pub received_on: NaiveDate,
    /// `processing`, `awaiting_correction`, `consulting`, `awaiting_fee`, `answered`,
    /// `withdrawn`, `abandoned`.
    pub status: String,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    /// The day it was answered, withdrawn or deemed abandoned.
    pub concluded_on: Option<NaiveDate>,
    /// The table-2 row code of the answer (e.g. `disclosed`, `withheld.state_secret`).
    pub outcome: Option<String>,
}

/// An event as recorded in the ledger: the event's own fields (`type`, `on`, …; see the
/// event body) and who recorded it when.
#[derive(Serialize, ToSchema)]
pub struct RecordedEvent {
    pub seq: i64,
    /// The event type, e.g. `received`, `answered`.
    #[serde(rename = "type")]
    pub kind: String,
    pub on: NaiveDate,
    /// `role:name` of the actor.
    pub actor: String,
    pub recorded_at: DateTime<Utc>,
}

/// An event of the public ledger (`gongkai_app::tracking::PublicEvent::fields`): the event's
/// own fields as recorded, those of its `type` only (see the event body) — never a consulted
/// party's name, an approver or a void's reason — and, once superseded, the `voided` event that
/// did it.
#[derive(Serialize, ToSchema)]
pub struct PublicEvent {
    /// The event type, e.g. `received`, `answered`.
    #[serde(rename = "type")]
    pub kind: String,
    pub on: NaiveDate,
    /// `received`: how it arrived (`online`, `in_person`, …).
    pub channel: Option<String>,
    /// `correction_requested`: what to supplement, and by when (Art. 30).
    pub items: Option<String>,
    pub correct_by: Option<NaiveDate>,
    /// `consultation_started`: `third_party` or `co_maker_agency`.
    pub party: Option<String>,
    /// `extended`: working days added (Art. 33).
    pub days: Option<u32>,
    /// `extended`: why; `deemed_abandoned`: `no_correction` or `fee_unpaid`.
    pub reason: Option<String>,
    /// `fee_noticed`: the basis and amount (109号).
    pub basis: Option<FeeBasis>,
    pub amount_yuan: Option<u64>,
    /// `answered`: the table-2 row code and the letter's 文号.
    pub outcome: Option<String>,
    pub letter_no: Option<String>,
    /// `voided`: the ledger position of the event it supersedes.
    pub seq: Option<u32>,
    /// The ledger position of the `voided` event that superseded this one.
    pub voided_by: Option<i64>,
}

/// One day on the way to a deadline; `status` is `counted` (with `n`, `make_up_for`),
/// `weekend`, `holiday` (with `holiday`) or `paused` (with `since`, `reason`).
#[derive(Serialize, ToSchema)]
pub struct DayEntry {
    pub date: NaiveDate,
    pub status: String,
    pub provisional: bool,
    pub n: Option<u32>,
    pub make_up_for: Option<String>,
    pub holiday: Option<String>,
    pub since: Option<NaiveDate>,
    /// `consultation` or `fee_notice`.
    pub reason: Option<String>,
}

/// A computed deadline with every day that led to it (`gongkai_domain::deadline::Deadline`).
#[derive(Serialize, ToSchema)]
pub struct Deadline {
    /// The last day to answer; `null` while a consultation is still open.
    pub due_on: Option<NaiveDate>,
    /// `regulation2007` or `regulation2019`.
    pub regime: String,
    pub counted_from: NaiveDate,
    pub answer_days: u32,
    pub extension_days: u32,
    pub days_left_when_paused: Option<u32>,
    pub provisional: bool,
    pub days: Vec<DayEntry>,
}

/// An applicant's personal data in the clear.
#[derive(Serialize, ToSchema)]
pub struct PersonalData {
    pub id_number: Option<String>,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A version of an annual report, as the API gives it (its own wire type, not the store's):
/// the frozen report as a JSON object — exactly the bytes `json_sha256` hashes, not a JSON
/// string inside the JSON — and no internal agency id.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportVersion {
    /// The version's handle for approving and publishing.
    pub id: i64,
    pub year: i32,
    pub version: i64,
    /// `draft`, `approved` or `published`.
    pub status: String,
    /// 草稿, 已审核 or 已公开.
    pub status_label_zh: String,
    /// The canonical JSON of the report as frozen (the national format of `year`).
    #[schema(value_type = gongkai_domain::report::Report)]
    pub report: Box<serde_json::value::RawValue>,
    /// SHA-256 of `report`'s bytes, hex.
    pub json_sha256: String,
    /// `role:name` of the head who approved it.
    pub approved_by: Option<String>,
    pub published_at: Option<String>,
    /// `[format, sha256]` of each rendered file, once published.
    #[schema(value_type = Vec<Vec<String>>)]
    pub files: Vec<(String, String)>,
}

impl ReportVersion {
    /// The wire form of a stored version (its frozen JSON embedded as it is).
    pub fn of(v: gongkai_store::ReportVersion) -> Result<Self, crate::ApiError> {
        let report = serde_json::value::RawValue::from_string(v.report_json)
            .map_err(|e| crate::ApiError::Internal(format!("stored report JSON: {e}")))?;
        Ok(ReportVersion {
            id: v.id,
            year: v.year,
            version: v.version,
            status: v.status.code().to_string(),
            status_label_zh: match v.status {
                gongkai_store::ReportStatus::Draft => "草稿",
                gongkai_store::ReportStatus::Approved => "已审核",
                gongkai_store::ReportStatus::Published => "已公开",
            }
            .to_string(),
            report,
            json_sha256: v.json_sha256,
            approved_by: v.approved_by,
            published_at: v.published_at,
            files: v.files,
        })
    }
}

/// An agency (`gongkai_store::Agency`).
#[derive(Serialize, ToSchema)]
pub struct Agency {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub is_government: bool,
}

/// A department (`gongkai_store::Department`).
#[derive(Serialize, ToSchema)]
pub struct Department {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
}

/// What a calendar import changed.
#[derive(Serialize, ToSchema)]
pub struct CalendarImport {
    pub years: Vec<i32>,
    pub recomputed: u64,
    pub changed: u64,
}

/// An entry of the hash-chained audit log.
#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The id of what was created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// A review case with its decision.
#[derive(Serialize, ToSchema)]
pub struct ReviewCaseView {
    pub id: i64,
    pub request_number: Option<String>,
    pub kind: gongkai_domain::report::ReviewKind,
    pub filed_on: NaiveDate,
    pub decided_on: NaiveDate,
    pub result: gongkai_domain::report::ReviewResult,
}

/// 计收方式 — the basis of a fee (109号).
#[derive(Serialize, ToSchema)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum FeeBasis {
    /// 按件计收: this request is the `ordinal`-th of the applicant in the month.
    ByCount { ordinal: u32 },
    /// 按量计收: pages provided.
    ByPages { pages: u32 },
}

/// One event of the procedure, tagged by `type` (what staff record).
#[derive(Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    /// 补正告知 (Art. 30).
    CorrectionRequested {
        on: NaiveDate,
        items: String,
        correct_by: NaiveDate,
    },
    /// 补正.
    Corrected {
        on: NaiveDate,
    },
    /// 征求意见 (Art. 32–34).
    ConsultationStarted {
        on: NaiveDate,
        /// `third_party` or `co_maker_agency`.
        party: String,
        with: String,
    },
    ConsultationAnswered {
        on: NaiveDate,
    },
    /// 延期答复 (Art. 33): recorded only with a head token; the approver is that head (an
    /// `approver` naming anyone else is refused).
    Extended {
        on: NaiveDate,
        approver: Option<String>,
        days: u32,
        reason: String,
    },
    /// 收费通知 (109号); without `amount_yuan` the amount of the tiers.
    FeeNoticed {
        on: NaiveDate,
        basis: FeeBasis,
        amount_yuan: Option<u64>,
    },
    FeePaid {
        on: NaiveDate,
    },
    /// 答复 (Art. 36).
    Answered {
        on: NaiveDate,
        /// The table-2 row code, e.g. `disclosed`, `withheld.state_secret`.
        outcome: String,
        letter_no: Option<String>,
    },
    Withdrawn {
        on: NaiveDate,
    },
    /// 视为放弃.
    DeemedAbandoned {
        on: NaiveDate,
        /// `no_correction` or `fee_unpaid`.
        reason: String,
    },
}

/// A 规章 or 规范性文件 for the publications register.
#[derive(Serialize, ToSchema)]
pub struct NewPublication {
    pub kind: PublicationKind,
    pub title: String,
    pub doc_number: Option<String>,
    pub issued_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub repealed_on: Option<NaiveDate>,
}

/// 规章 (`rule`) or 规范性文件 (`normative_document`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicationKind {
    Rule,
    NormativeDocument,
}

/// One thing verification found wrong: the entry, request and field concerned, where known.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    pub seq: Option<i64>,
    /// 申请编号.
    pub request: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

/// What verifying the audit log found (`problems` empty when everything holds).
#[derive(Serialize, ToSchema)]
pub struct VerifyReport {
    /// Audit entries in the chain.
    pub entries: u64,
    /// Requests whose projection was recomputed from their events.
    pub requests: u64,
    /// Ledger events checked against the entries that cover them.
    pub events: u64,
    /// Events recorded before the ledger was chained (projection checked only).
    pub legacy_events: u64,
    pub head_seq: i64,
    pub head_hash: String,
    pub problems: Vec<Problem>,
    /// Problems beyond those listed, counted only.
    pub more_problems: u64,
}
