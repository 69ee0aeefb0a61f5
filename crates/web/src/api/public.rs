//! Public endpoints: file a request, follow it with its number and query code, compute a
//! deadline, list agencies.

use crate::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gongkai_domain::deadline::{ClockInput, Deadline, Pause, Regime, answer_deadline};
use gongkai_store::Department;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApplicantBody, FiledResponse, TrackingResponse, agency_or_404, optional_date};
use crate::{ApiError, AppState, JsonBody};

pub async fn health() -> &'static str {
    "ok"
}

/// A disclosure request as filed on the portal (依申请公开).
#[derive(Debug, Deserialize, ToSchema)]
pub struct FileRequestBody {
    pub applicant: ApplicantBody,
    /// 所需信息的内容描述 (Art. 29(2)).
    #[serde(default)]
    pub description: String,
    /// How it arrives: only `online` here (received the day it is submitted and confirmed);
    /// requests of other channels are registered by staff.
    #[serde(default = "online")]
    pub channel: String,
    /// `collect`, `post`, `email`, `fax` or `online`.
    #[serde(default)]
    pub delivery: String,
    /// 文号 of the document sought, if known.
    #[serde(default)]
    pub document_number: Option<String>,
    /// 索引号 of the document sought, if known.
    #[serde(default)]
    pub index_number: Option<String>,
    /// Title of the document sought, if known.
    #[serde(default)]
    pub document_title: Option<String>,
    /// 载体形式 (Art. 29(3)): `paper` or `electronic`; not stated when absent.
    #[serde(default)]
    pub medium: Option<String>,
}

fn online() -> String {
    "online".into()
}

/// File a disclosure request.
#[utoipa::path(
    post, path = "/api/v1/agencies/{agency}/requests", tag = "public",
    params(("agency" = String, Path, description = "agency slug")),
    request_body = FileRequestBody,
    responses(
        (status = 201, description = "received", body = FiledResponse),
        (status = 409, description = "a number conflict", body = crate::error::ErrorBody),
    )
)]
pub async fn file_request(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    JsonBody(body): JsonBody<FileRequestBody>,
) -> Result<(StatusCode, Json<FiledResponse>), ApiError> {
    let input = gongkai_app::FilingInput {
        applicant: body.applicant.input(),
        description: body.description,
        channel: body.channel,
        delivery: body.delivery,
        document_number: body.document_number,
        index_number: body.index_number,
        document_title: body.document_title,
        medium: body.medium,
    };
    let created = state.app.file_online(&agency, &input).await?;
    Ok((StatusCode::CREATED, Json(FiledResponse::from(created))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TrackQuery {
    /// 查询码 given on filing.
    #[serde(default)]
    pub query_code: String,
}

/// Follow a request with its number and query code. A wrong code gets the same 404 as an
/// unknown number.
#[utoipa::path(
    get, path = "/api/v1/requests/{number}", tag = "public",
    params(("number" = String, Path, description = "申请编号"), TrackQuery),
    responses(
        (status = 200, description = "the request, personal data masked", body = TrackingResponse),
        (status = 404, description = "unknown number or wrong query code", body = crate::error::ErrorBody),
    )
)]
pub async fn track_request(
    State(state): State<AppState>,
    Path(number): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Result<Json<TrackingResponse>, ApiError> {
    let view = state.app.track_view(&number, &q.query_code).await?;
    Ok(Json(TrackingResponse::of(view)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DeadlineQuery {
    /// Day of receipt, YYYY-MM-DD.
    pub received: Option<String>,
    /// Day the corrected request arrived (补正, Art. 30).
    pub corrected: Option<String>,
    /// Consultation pauses `FROM..TO`, comma-separated.
    pub paused: Option<String>,
    /// `true` for the one extension (Art. 33).
    #[serde(default)]
    pub extended: bool,
}

/// A deadline with the reason for every day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineResponse {
    pub due_on: Option<chrono::NaiveDate>,
    pub provisional: bool,
    pub explanation: Vec<String>,
    #[schema(value_type = super::schemas::Deadline)]
    pub detail: Deadline,
}

/// Pauses a deadline query may give at most (one per consultation, Art. 32–34, and fee notice).
pub const MAX_PAUSES: usize = 10;
/// Days after receipt within which a deadline query's correction and pauses lie (so that the
/// day-by-day answer stays small: a few dozen KB at most).
pub const MAX_DEADLINE_SPAN_DAYS: u64 = 180;

/// Compute an answer deadline and explain it. At most [`MAX_PAUSES`] pauses, all within
/// [`MAX_DEADLINE_SPAN_DAYS`] days after receipt (and the correction too); more is refused
/// with a field error.
#[utoipa::path(
    get, path = "/api/v1/deadline", tag = "public", params(DeadlineQuery),
    responses((status = 200, body = DeadlineResponse), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn deadline(
    State(state): State<AppState>,
    Query(q): Query<DeadlineQuery>,
) -> Result<Json<DeadlineResponse>, ApiError> {
    let received = optional_date("received", q.received.as_deref())?
        .ok_or_else(|| ApiError::field("received", "is required (YYYY-MM-DD)"))?;
    let mut input = ClockInput::new(received);
    input.corrected = optional_date("corrected", q.corrected.as_deref())?;
    let latest = received + chrono::Days::new(MAX_DEADLINE_SPAN_DAYS);
    if input.corrected.is_some_and(|c| c > latest) {
        return Err(ApiError::field(
            "corrected",
            format!("must be within {MAX_DEADLINE_SPAN_DAYS} days after received"),
        ));
    }
    let parts: Vec<&str> = q
        .paused
        .iter()
        .flat_map(|p| p.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > MAX_PAUSES {
        return Err(ApiError::field(
            "paused",
            format!("at most {MAX_PAUSES} pauses"),
        ));
    }
    let mut paused_days = 0;
    for part in parts {
        let pause = Pause::parse(part)?;
        let to = pause.to.unwrap_or(pause.from);
        if pause.from < received || to > latest {
            return Err(ApiError::field(
                "paused",
                format!("{part}: a pause lies within {MAX_DEADLINE_SPAN_DAYS} days after received"),
            ));
        }
        paused_days += (to - pause.from).num_days();
        input.pauses.push(pause);
    }
    if paused_days > MAX_DEADLINE_SPAN_DAYS as i64 {
        return Err(ApiError::field(
            "paused",
            format!("the pauses last at most {MAX_DEADLINE_SPAN_DAYS} days in all"),
        ));
    }
    if q.extended {
        input.extension_days = Regime::for_receipt(received).max_extension_days();
    }
    let detail = answer_deadline(&*state.store.current_calendar().await?, &input)?;
    Ok(Json(DeadlineResponse {
        due_on: detail.due_on,
        provisional: detail.provisional,
        explanation: detail.explain(),
        detail,
    }))
}

/// An agency in the list of the deployment's agencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencySummary {
    pub slug: String,
    pub name: String,
}

/// A department (承办部门): its `id` is what staff give as `department_id` when registering.
#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: i64,
    pub name: String,
}

/// An agency as the public sees it, with its departments.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    pub slug: String,
    pub name: String,
    pub departments: Vec<DepartmentView>,
}

/// List the agencies of this deployment.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "public", responses((status = 200, body = Vec<AgencySummary>)))]
pub async fn list_agencies(
    State(state): State<AppState>,
) -> Result<Json<Vec<AgencySummary>>, ApiError> {
    let agencies = state.store.agencies().await?;
    Ok(Json(
        agencies
            .into_iter()
            .map(|a| AgencySummary {
                slug: a.slug,
                name: a.name,
            })
            .collect(),
    ))
}

/// One agency with its departments.
#[utoipa::path(
    get, path = "/api/v1/agencies/{agency}", tag = "public",
    params(("agency" = String, Path, description = "agency slug")),
    responses((status = 200, body = AgencyView))
)]
pub async fn get_agency(
    State(state): State<AppState>,
    Path(agency): Path<String>,
) -> Result<Json<AgencyView>, ApiError> {
    let a = agency_or_404(&state, &agency).await?;
    let departments: Vec<Department> = state.store.departments(a.id).await?;
    Ok(Json(AgencyView {
        slug: a.slug,
        name: a.name,
        departments: departments
            .into_iter()
            .map(|d| DepartmentView {
                id: d.id,
                name: d.name,
            })
            .collect(),
    }))
}
