//! Staff endpoints (token required): register requests from every channel, list them, record
//! every event of the procedure, see personal data (audited). Each handler parses its input and
//! calls the application, which scopes every query to the staff member's agency.

use crate::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gongkai_domain::deadline::Deadline;
use gongkai_domain::deadline::Urgency;
use gongkai_domain::request::{Channel, Status};
use gongkai_store::{ListOrder, PersonalData, RequestFilter, RequestSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApplicantBody, FiledResponse, SoughtBody, optional_date};
use crate::{ApiError, AppState, JsonBody, StaffActor};

/// A request registered by staff from any channel (Art. 31 decides its receipt date).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequestBody {
    pub applicant: ApplicantBody,
    #[serde(flatten, deserialize_with = "crate::extract::flattened")]
    pub sought: SoughtBody,
    /// `in_person`, `post_signed`, `letter`, `online`, `fax`, `email`.
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub delivery: String,
    /// 载体形式 (Art. 29(3)): `paper` or `electronic`; not stated when absent.
    #[serde(default)]
    pub medium: Option<String>,
    /// Day the request reached the agency (YYYY-MM-DD).
    pub arrived_on: Option<String>,
    /// Day of signature (post) or mutual confirmation (letter, online, fax).
    pub confirmed_on: Option<String>,
    pub department_id: Option<i64>,
}

/// Register a request received through any channel.
#[utoipa::path(
    post, path = "/api/v1/staff/agencies/{agency}/requests", tag = "staff",
    params(("agency" = String, Path, description = "agency slug")),
    request_body = RegisterRequestBody,
    security(("token" = [])),
    responses((status = 201, body = FiledResponse), (status = 409, description = "a number conflict", body = crate::error::ErrorBody))
)]
pub async fn register_request(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(agency): Path<String>,
    JsonBody(body): JsonBody<RegisterRequestBody>,
) -> Result<(StatusCode, Json<FiledResponse>), ApiError> {
    let input = gongkai_app::filing::RegistrationInput {
        filing: body
            .sought
            .filing(&body.applicant, body.channel, body.delivery, body.medium),
        arrived_on: body.arrived_on,
        confirmed_on: body.confirmed_on,
        department_id: body.department_id,
    };
    let created = state.app.register(&agency, &input, &actor).await?;
    Ok((StatusCode::CREATED, Json(FiledResponse::from(created))))
}

/// The largest page of a request listing.
pub const MAX_PAGE: i64 = 500;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// `processing`, `awaiting_correction`, `consulting`, `awaiting_fee`, `answered`, `withdrawn`, `abandoned`.
    pub status: Option<String>,
    /// Open requests due on or before this day.
    pub due_by: Option<String>,
    /// Open requests by how near their due day is on the calendar: `overdue`, `due_soon` (at
    /// most 3 working days left) or `on_time`.
    pub urgency: Option<String>,
    /// Only open requests (`true`) — the inbox.
    pub open: Option<bool>,
    /// Only the requests of this department (a handler's list is its own department's anyway).
    pub department_id: Option<i64>,
    /// Only the requests not assigned to a department yet (`true`).
    pub unassigned: Option<bool>,
    /// `in_person`, `post_signed`, `letter`, `online`, `fax`, `email`.
    pub channel: Option<String>,
    /// A 申请编号 (or its beginning), an applicant's exact full name, or words of the
    /// description (at most 100 characters).
    pub q: Option<String>,
    /// `newest` (default: newest received first) or `due` (soonest due first).
    pub order: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// List an agency's requests, newest first.
#[utoipa::path(
    get, path = "/api/v1/staff/agencies/{agency}/requests", tag = "staff",
    params(("agency" = String, Path, description = "agency slug"), ListQuery),
    security(("token" = [])),
    responses((status = 200, body = Vec<super::schemas::RequestSummary>), (status = 422, description = "a bad status, due_by, urgency, channel, q, order, limit or offset", body = crate::error::ErrorBody))
)]
pub async fn list_requests(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(agency): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<RequestSummary>>, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            Status::from_code(s)
                .ok_or_else(|| ApiError::field("status", "is not a request status"))?,
        ),
        None => None,
    };
    let mut due_by = optional_date("due_by", q.due_by.as_deref())?;
    let mut due_from = None;
    let urgency = match q.urgency.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => Some(
            Urgency::from_code(code)
                .filter(|u| *u != Urgency::Paused)
                .ok_or_else(|| {
                    ApiError::field("urgency", "must be overdue, due_soon or on_time")
                })?,
        ),
        None => None,
    };
    if let Some(u) = urgency
        && let Some((from, by)) = state.app.urgency_window(u).await?
    {
        due_from = from;
        due_by = match (due_by, by) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let search = q.q.filter(|t| !t.trim().is_empty());
    if search
        .as_deref()
        .is_some_and(|t| t.trim().chars().count() > gongkai_app::inbox::MAX_SEARCH_CHARS)
    {
        return Err(ApiError::field("q", "must be at most 100 characters"));
    }
    let filter = RequestFilter {
        status,
        due_by,
        due_from,
        department_id: q.department_id,
        unassigned: q.unassigned.unwrap_or(false),
        channel: match q.channel.as_deref().filter(|s| !s.is_empty()) {
            Some(c) => Some(Channel::from_code(c)?),
            None => None,
        },
        // `urgency` asks about open requests' due days; so does `due_by`.
        open_only: q.open.unwrap_or(false) || urgency.is_some(),
        search,
        order: match q.order.as_deref() {
            None | Some("") | Some("newest") => ListOrder::Newest,
            Some("due") => ListOrder::Due,
            Some(_) => return Err(ApiError::field("order", "must be newest or due")),
        },
        limit: match q.limit {
            None => 50,
            Some(n) if (1..=MAX_PAGE).contains(&n) => n,
            Some(_) => return Err(ApiError::field("limit", format!("must be 1 to {MAX_PAGE}"))),
        },
        offset: match q.offset {
            None => 0,
            Some(n) if n >= 0 => n,
            Some(_) => return Err(ApiError::field("offset", "must be 0 or more")),
        },
    };
    Ok(Json(
        state.app.list_requests(&agency, &filter, &actor).await?,
    ))
}

/// A request as staff see it, on the wire: the record (personal data masked), its ledger, the
/// deadline and why — with the Chinese labels beside the codes, and no internal row ids.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffRequestView {
    /// 申请编号.
    pub number: String,
    /// The 承办部门 it was assigned to, if any (as given when registering).
    pub department_id: Option<i64>,
    #[schema(value_type = String)]
    pub applicant_kind: gongkai_domain::applicant::ApplicantKind,
    pub applicant_kind_label_zh: &'static str,
    pub applicant_name: String,
    pub org_code: Option<String>,
    pub id_number_masked: Option<String>,
    pub phone_masked: String,
    pub description: String,
    #[schema(value_type = String)]
    pub channel: gongkai_domain::request::Channel,
    #[schema(value_type = String)]
    pub delivery: gongkai_domain::request::Delivery,
    pub received_on: chrono::NaiveDate,
    /// `processing`, `awaiting_correction`, `consulting`, `awaiting_fee`, `answered`,
    /// `withdrawn`, `abandoned`.
    #[schema(value_type = String)]
    pub status: Status,
    /// 办理中, 待补正 …
    pub status_label_zh: &'static str,
    pub due_on: Option<chrono::NaiveDate>,
    pub due_provisional: bool,
    pub concluded_on: Option<chrono::NaiveDate>,
    /// The table-2 row code of the answer (e.g. `disclosed`, `withheld.state_secret`).
    #[schema(value_type = Option<String>)]
    pub outcome: Option<gongkai_domain::outcome::Outcome>,
    /// The table-2 row heading of the answer.
    pub outcome_label_zh: Option<&'static str>,
    #[schema(value_type = Vec<super::schemas::RecordedEvent>)]
    pub events: Vec<gongkai_store::RecordedEvent>,
    #[schema(value_type = super::schemas::Deadline)]
    pub deadline: Deadline,
    pub explanation: Vec<String>,
    /// Last day for the one-time 补正 notice (Art. 30).
    pub correction_notice_due: chrono::NaiveDate,
}

impl From<gongkai_app::StaffView> for StaffRequestView {
    fn from(v: gongkai_app::StaffView) -> Self {
        let r = v.record;
        StaffRequestView {
            number: r.number,
            department_id: r.department_id,
            applicant_kind: r.applicant_kind,
            applicant_kind_label_zh: r.applicant_kind.label_zh(),
            applicant_name: r.applicant_name,
            org_code: r.org_code,
            id_number_masked: r.id_number_masked,
            phone_masked: r.phone_masked,
            description: r.description,
            channel: r.channel,
            delivery: r.delivery,
            received_on: r.received_on,
            status: r.status,
            status_label_zh: r.status.label_zh(),
            due_on: r.due_on,
            due_provisional: r.due_provisional,
            concluded_on: r.concluded_on,
            outcome: r.outcome,
            outcome_label_zh: r.outcome.map(|o| o.heading_zh()),
            events: r.events,
            deadline: v.deadline,
            explanation: v.explanation,
            correction_notice_due: v.correction_notice_due,
        }
    }
}

/// One request with its ledger and deadline explanation.
#[utoipa::path(
    get, path = "/api/v1/staff/requests/{number}", tag = "staff",
    params(("number" = String, Path, description = "申请编号")),
    security(("token" = [])),
    responses((status = 200, body = StaffRequestView))
)]
pub async fn get_request(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(number): Path<String>,
) -> Result<Json<StaffRequestView>, ApiError> {
    Ok(Json(state.app.request_view(&number, &actor).await?.into()))
}

/// Record one event of the procedure. The body is the event, tagged by `type`:
/// `correction_requested {on, items, correct_by}`, `corrected {on}`,
/// `consultation_started {on, party: third_party|co_maker_agency, with}`, `consultation_answered {on}`,
/// `extended {on, approver, days, reason}`, `fee_noticed {on, basis: {basis: by_count, ordinal} | {basis: by_pages, pages}, amount_yuan?}`,
/// `fee_paid {on}`, `answered {on, outcome, letter_no?}`, `withdrawn {on}`,
/// `deemed_abandoned {on, reason: no_correction|fee_unpaid}`,
/// `voided {on, seq, reason}` (head of the disclosure office only: supersedes event `seq`).
/// A fee notice without `amount_yuan` gets the amount of the 109号 tiers. No date may be after
/// today (China time); `correct_by` is at most 20 working days after the notice.
#[utoipa::path(
    post, path = "/api/v1/staff/requests/{number}/events", tag = "staff",
    params(("number" = String, Path, description = "申请编号")),
    request_body(content = super::schemas::EventBody, description = "an event, tagged by `type`"),
    security(("token" = [])),
    responses(
        (status = 201, body = StaffRequestView),
        (status = 403, description = "an extension is the head's (Art. 33)", body = crate::error::ErrorBody),
        (status = 409, description = "not allowed in the request's current state", body = crate::error::ErrorBody),
    )
)]
pub async fn append_event(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(number): Path<String>,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> Result<(StatusCode, Json<StaffRequestView>), ApiError> {
    // Isolation first: another agency's request is a 404 whatever the body.
    state.app.visible_request(&number, &actor).await?;
    let event = super::events::decode_event(body, &actor.name)?;
    let view = state.app.append_event(&number, event, &actor).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PersonalDataQuery {
    /// Why the personal data is needed in the clear (required; recorded in the audit log).
    #[param(max_length = 2000)]
    pub reason: Option<String>,
}

/// The applicant's personal data in the clear: for the agency's disclosure office and head
/// only, with a reason; each view is audited with its reason.
#[utoipa::path(
    get, path = "/api/v1/staff/requests/{number}/personal-data", tag = "staff",
    params(("number" = String, Path, description = "申请编号"), PersonalDataQuery),
    security(("token" = [])),
    responses(
        (status = 200, body = super::schemas::PersonalData),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody),
    )
)]
pub async fn personal_data(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(number): Path<String>,
    Query(q): Query<PersonalDataQuery>,
) -> Result<Json<PersonalData>, ApiError> {
    let reason = q.reason.unwrap_or_default();
    Ok(Json(
        state.app.personal_data(&number, &actor, &reason).await?,
    ))
}
