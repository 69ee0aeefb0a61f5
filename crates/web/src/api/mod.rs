//! The JSON API: request/response bodies and the handlers of the public, staff and admin areas.

pub mod admin;
pub mod attachments;
pub mod events;
pub mod letters;
pub mod public;
pub mod reports;
pub mod schemas;
pub mod settings;
pub mod staff;

use chrono::NaiveDate;
use gongkai_domain::applicant::ApplicantInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The applicant as submitted.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ApplicantBody {
    /// `natural_person`, `commercial`, `research`, `social_welfare`, `legal_services` or `other_org`.
    #[serde(default)]
    pub kind: String,
    /// 姓名或者名称.
    #[serde(default)]
    pub name: String,
    /// 身份证件类型 (natural persons): `resident_id` (the default), `passport`,
    /// `hk_macao_permit`, `taiwan_permit` or `foreign_permanent_resident`.
    #[serde(default)]
    pub id_type: Option<String>,
    /// 身份证件号码 (natural persons; a resident ID has its GB 11643 checksum verified).
    pub id_number: Option<String>,
    /// 统一社会信用代码 (organisations; GB 32100 checksum).
    pub org_code: Option<String>,
    #[serde(default)]
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    /// 法定代表人 (organisations).
    #[serde(default)]
    pub legal_representative: Option<String>,
    /// 联系人 (organisations).
    #[serde(default)]
    pub contact_person: Option<String>,
}

impl ApplicantBody {
    pub(crate) fn input(&self) -> ApplicantInput {
        ApplicantInput {
            kind: self.kind.clone(),
            name: self.name.clone(),
            id_type: self.id_type.clone(),
            id_number: self.id_number.clone(),
            org_code: self.org_code.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            legal_representative: self.legal_representative.clone(),
            contact_person: self.contact_person.clone(),
        }
    }
}

/// What is sought (Art. 29(2)): the description and, where known, the document's 文号, 索引号 and
/// title — the same fields, by the same keys, in the portal's filing and in staff registration
/// (each `#[serde(flatten)]`s it).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SoughtBody {
    /// 所需信息的内容描述 (Art. 29(2)).
    #[serde(default)]
    pub description: String,
    /// 文号 of the document sought, if known.
    #[serde(default)]
    pub document_number: Option<String>,
    /// 索引号 of the document sought, if known.
    #[serde(default)]
    pub index_number: Option<String>,
    /// Title of the document sought, if known.
    #[serde(default)]
    pub document_title: Option<String>,
}

impl SoughtBody {
    /// The filing of `applicant` for this, received through `channel`.
    pub(crate) fn filing(
        self,
        applicant: &ApplicantBody,
        channel: String,
        delivery: String,
        medium: Option<String>,
    ) -> gongkai_app::FilingInput {
        gongkai_app::FilingInput {
            applicant: applicant.input(),
            description: self.description,
            channel,
            delivery,
            document_number: self.document_number,
            index_number: self.index_number,
            document_title: self.document_title,
            medium,
        }
    }
}

pub(crate) use gongkai_app::filing::optional_date;

/// The answer to a filing: the 申请编号 and the 查询码 (shown once, never stored in the clear).
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledResponse {
    pub number: String,
    pub query_code: String,
    pub received_on: NaiveDate,
    /// The answer deadline (Art. 33).
    pub due_on: Option<NaiveDate>,
    /// The deadline crosses a year whose holiday notice is not loaded yet (counted Mon–Fri).
    pub due_provisional: bool,
}

impl From<gongkai_store::CreatedRequest> for FiledResponse {
    fn from(c: gongkai_store::CreatedRequest) -> Self {
        FiledResponse {
            number: c.number,
            query_code: c.query_code,
            received_on: c.received_on,
            due_on: c.due_on,
            due_provisional: c.due_provisional,
        }
    }
}

/// The applicant as shown: identifiers masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaskedApplicant {
    pub kind: String,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: String,
}

/// A request as its applicant sees it (the same view as the tracking page's).
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackingResponse {
    pub number: String,
    pub status: String,
    /// 状态 in Chinese, with 已超期 once the answer is late.
    pub status_label: String,
    /// The answer is past its due date and not given.
    pub overdue: bool,
    pub received_on: NaiveDate,
    /// Absent while a correction is awaited: the period restarts with it (see `due_note`).
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    /// Why there is no due date now: `补正后重新计算` while a correction is awaited (the
    /// period restarts with it), or that the clock stands still (consultation, fee notice).
    pub due_note: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    /// 办理结果 in Chinese.
    pub outcome_label: Option<String>,
    pub applicant: MaskedApplicant,
    pub description: String,
    /// The public ledger: `{"type", "on", …}` per event, oldest first (no consulted party's
    /// name, approver or void reason).
    #[schema(value_type = Vec<schemas::PublicEvent>)]
    pub events: Vec<serde_json::Value>,
    /// The letters addressed to the applicant (告知书), each downloadable with
    /// `POST /api/v1/agencies/{agency}/requests/{number}/letter`.
    pub letters: Vec<ApplicantLetter>,
}

/// A letter addressed to the applicant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantLetter {
    pub event_seq: i64,
    pub kind: String,
    pub title: String,
    /// 文号.
    pub letter_no: String,
    pub issued_on: NaiveDate,
    /// SHA-256 of the PDF.
    pub pdf_sha256: String,
}

impl TrackingResponse {
    pub(crate) fn of(v: gongkai_app::tracking::PublicRequestView) -> Self {
        TrackingResponse {
            number: v.number,
            status: v.status.code().to_string(),
            status_label: v.status_label,
            overdue: v.overdue,
            received_on: v.received_on,
            due_on: v.due_on,
            due_provisional: v.due_provisional,
            due_note: v.due_note.map(str::to_string),
            concluded_on: v.concluded_on,
            outcome: v.outcome.map(|o| o.code().to_string()),
            outcome_label: v.outcome_label,
            applicant: MaskedApplicant {
                kind: v.applicant.kind.to_string(),
                name: v.applicant.name,
                id_number: v.applicant.id_number,
                phone: v.applicant.phone,
            },
            description: v.description,
            events: v.events.into_iter().map(|e| e.fields).collect(),
            letters: v
                .letters
                .into_iter()
                .map(|l| ApplicantLetter {
                    event_seq: l.event_seq,
                    kind: l.kind.code().to_string(),
                    title: l.title.to_string(),
                    letter_no: l.letter_no,
                    issued_on: l.issued_on,
                    pdf_sha256: l.pdf_sha256,
                })
                .collect(),
        }
    }
}
