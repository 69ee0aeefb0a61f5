//! Public endpoints: file a request, follow it with its number and query code, compute a
//! deadline, list agencies.

use crate::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gongkai_domain::deadline::{Deadline, DeadlineQuestion};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApplicantBody, FiledResponse, SoughtBody, TrackingResponse, optional_date};
use crate::{ApiError, AppState, JsonBody};

pub async fn health() -> &'static str {
    "ok"
}

/// A disclosure request as filed on the portal (依申请公开).
#[derive(Debug, Deserialize, ToSchema)]
pub struct FileRequestBody {
    pub applicant: ApplicantBody,
    #[serde(flatten, deserialize_with = "crate::extract::flattened")]
    pub sought: SoughtBody,
    /// How it arrives: only `online` here (received the day it is submitted and confirmed);
    /// requests of other channels are registered by staff.
    #[serde(default = "online")]
    pub channel: String,
    /// `collect`, `post`, `email`, `fax` or `online`.
    #[serde(default)]
    pub delivery: String,
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
    let input = body
        .sought
        .filing(&body.applicant, body.channel, body.delivery, body.medium);
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

/// Compute an answer deadline and explain it. At most
/// [`MAX_QUESTION_PAUSES`](gongkai_domain::deadline::MAX_QUESTION_PAUSES) (10) pauses, all within
/// [`MAX_QUESTION_SPAN_DAYS`](gongkai_domain::deadline::MAX_QUESTION_SPAN_DAYS) (180) days after
/// receipt (and the correction too); more is refused with a field error.
#[utoipa::path(
    get, path = "/api/v1/deadline", tag = "public", params(DeadlineQuery),
    responses((status = 200, body = DeadlineResponse), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn deadline(
    State(state): State<AppState>,
    Query(q): Query<DeadlineQuery>,
) -> Result<Json<DeadlineResponse>, ApiError> {
    let question = DeadlineQuestion {
        received: optional_date("received", q.received.as_deref())?
            .ok_or_else(|| ApiError::field("received", "is required (YYYY-MM-DD)"))?,
        corrected: optional_date("corrected", q.corrected.as_deref())?,
        pauses: DeadlineQuestion::parse_pauses(q.paused.as_deref().unwrap_or_default())?,
        extended: q.extended,
    };
    let detail = state.app.deadline(&question).await?;
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
    let agencies = state.app.agencies().await?;
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
    let (a, departments) = state.app.agency_with_departments(&agency).await?;
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
