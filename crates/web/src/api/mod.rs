//! The JSON API: request/response bodies and the handlers of the public, staff and admin areas.

pub mod admin;
pub mod events;
pub mod public;
pub mod reports;
pub mod schemas;
pub mod staff;

use chrono::NaiveDate;
use gongkai_domain::applicant::ApplicantInput;
use gongkai_store::{Agency, RequestRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{ApiError, AppState};

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

pub(crate) use gongkai_app::filing::optional_date;

pub(crate) async fn agency_or_404(state: &AppState, slug: &str) -> Result<Agency, ApiError> {
    state
        .store
        .agency(slug)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("agency {slug}")))
}

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

impl MaskedApplicant {
    fn of(r: &RequestRecord) -> Self {
        MaskedApplicant {
            kind: r.applicant_kind.code().to_string(),
            name: r.applicant_name.clone(),
            id_number: r.id_number_masked.clone(),
            phone: r.phone_masked.clone(),
        }
    }
}

/// A request as its applicant sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackingResponse {
    pub number: String,
    pub status: String,
    /// 状态 in Chinese.
    pub status_label: String,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub concluded_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub applicant: MaskedApplicant,
    pub description: String,
    /// The ledger: `{"type", "on", …}` per event, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

impl TrackingResponse {
    pub(crate) fn of(r: &RequestRecord) -> Self {
        TrackingResponse {
            number: r.number.clone(),
            status: r.status.code().to_string(),
            status_label: r.status.label_zh().to_string(),
            received_on: r.received_on,
            due_on: r.due_on,
            due_provisional: r.due_provisional,
            concluded_on: r.concluded_on,
            outcome: r.outcome.map(|o| o.code().to_string()),
            applicant: MaskedApplicant::of(r),
            description: r.description.clone(),
            events: r
                .events
                .iter()
                .map(|e| {
                    let mut v = serde_json::to_value(&e.event).unwrap_or(serde_json::Value::Null);
                    if let (Some(by), Some(o)) = (e.voided_by, v.as_object_mut()) {
                        o.insert("voided_by".into(), by.into());
                    }
                    v
                })
                .collect(),
        }
    }
}
