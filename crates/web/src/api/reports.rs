//! Annual reports: generated from the records, drill-down into cells, narrative sections, the
//! table-1 registers, and sign-off (draft → approved → published, frozen).

use crate::Path;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use gongkai_domain::report::{Report, ReviewKind, ReviewResult, Sections};
use gongkai_render::OutputFormat;
use gongkai_store::{NewPublication, Statistic};

use super::schemas::ReportVersion;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{ApiError, AppState, JsonBody, StaffActor};

/// The report of a year as the records stand now, with its findings.
#[utoipa::path(
    get, path = "/api/v1/staff/agencies/{agency}/reports/{year}", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), security(("token" = [])),
    responses((status = 200, description = "the canonical JSON of the report (see the national formats) with `findings`", body = Report), (status = 422, description = "a year without a national format", body = crate::error::ErrorBody))
)]
pub async fn current_report(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(state.app.current_report(&agency, year, &actor).await?))
}

/// The requests (or review cases) behind one cell.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellDrillDown {
    pub cell: String,
    pub count: usize,
    /// Table 2: request numbers. Table 3: the number of the request each case concerns, or
    /// `review_case:<id>` for a case not linked to a request.
    pub requests: Vec<String>,
}

/// Drill down into a cell of table 2 (`requests.disclosed[0]`) or table 3
/// (`review.reconsideration.corrected`): the requests or cases counted there.
#[utoipa::path(
    get, path = "/api/v1/staff/agencies/{agency}/reports/{year}/cells/{cell}", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path), ("cell" = String, Path, description = "JSON path of the cell, e.g. requests.new[6] or review.litigation_direct.total")),
    security(("token" = [])),
    responses((status = 200, body = CellDrillDown), (status = 422, description = "not a cell", body = crate::error::ErrorBody))
)]
pub async fn drill_down(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year, cell)): Path<(String, i32, String)>,
) -> Result<Json<CellDrillDown>, ApiError> {
    let found = state.app.drill_down(&agency, year, &cell, &actor).await?;
    Ok(Json(CellDrillDown {
        cell: found.cell,
        count: found.requests.len(),
        requests: found.requests,
    }))
}

/// Save the narrative sections 一, 五, 六.
#[utoipa::path(
    put, path = "/api/v1/staff/agencies/{agency}/reports/{year}/sections", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), request_body(content = Sections), security(("token" = [])),
    responses((status = 204, description = "saved"))
)]
pub async fn save_sections(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
    JsonBody(body): JsonBody<Sections>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .save_sections(&agency, year, &body, &actor)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatisticBody {
    #[serde(default)]
    pub key: String,
    pub value: f64,
    #[serde(default)]
    pub source: String,
}

/// Record a table-1 figure that lives in another system, with its source.
#[utoipa::path(
    post, path = "/api/v1/staff/agencies/{agency}/reports/{year}/statistics", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), request_body = StatisticBody, security(("token" = [])),
    responses((status = 204, description = "saved"))
)]
pub async fn set_statistic(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
    JsonBody(body): JsonBody<StatisticBody>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_statistic(
            &agency,
            year,
            Statistic {
                key: body.key,
                value: body.value,
                source: body.source,
            },
            &actor,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A reconsideration or lawsuit to record (table 3).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewCaseBody {
    /// reconsideration, litigation_direct or litigation_after_reconsideration.
    pub kind: ReviewKind,
    /// The request it concerns (申请编号), if any.
    pub request_number: Option<String>,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    /// upheld, corrected or other; required with `decided_on`.
    pub result: Option<ReviewResult>,
}

/// The decision of a pending case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewDecisionBody {
    pub decided_on: NaiveDate,
    pub result: ReviewResult,
}

/// 行政复议 / 行政诉讼 — record a case about the agency's disclosure work.
#[utoipa::path(
    post, path = "/api/v1/staff/agencies/{agency}/review-cases", tag = "reports",
    params(("agency" = String, Path)), request_body = ReviewCaseBody, security(("token" = [])),
    responses((status = 201, body = super::schemas::Created))
)]
pub async fn add_review_case(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(agency): Path<String>,
    JsonBody(body): JsonBody<ReviewCaseBody>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let input = gongkai_app::ReviewCaseInput {
        kind: body.kind,
        request_number: body.request_number,
        filed_on: body.filed_on,
        decided_on: body.decided_on,
        result: body.result,
    };
    let id = state.app.add_review_case(&agency, input, &actor).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// Record the decision of a pending case (a decided case is not changed: 409).
#[utoipa::path(
    post, path = "/api/v1/staff/review-cases/{id}/decision", tag = "reports",
    params(("id" = i64, Path)), request_body = ReviewDecisionBody, security(("token" = [])),
    responses((status = 200, body = super::schemas::ReviewCaseView), (status = 409, description = "already decided", body = crate::error::ErrorBody))
)]
pub async fn decide_review_case(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ReviewDecisionBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let case = state
        .app
        .decide_review_case(id, body.decided_on, body.result, &actor)
        .await?;
    Ok(Json(serde_json::json!({
        "id": case.id,
        "request_number": case.request_number,
        "kind": case.fact.kind,
        "filed_on": case.fact.filed_on,
        "decided_on": body.decided_on,
        "result": body.result,
    })))
}

/// Register a 规章 or 规范性文件 (counted in table 1).
#[utoipa::path(
    post, path = "/api/v1/staff/agencies/{agency}/publications", tag = "reports",
    params(("agency" = String, Path)), request_body(content = super::schemas::NewPublication), security(("token" = [])),
    responses((status = 201, body = super::schemas::Created))
)]
pub async fn add_publication(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(agency): Path<String>,
    JsonBody(body): JsonBody<NewPublication>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let id = state.app.add_publication(&agency, body, &actor).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// Freeze the current figures as a new draft version.
#[utoipa::path(
    post, path = "/api/v1/staff/agencies/{agency}/reports/{year}/versions", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), security(("token" = [])),
    responses((status = 201, body = super::schemas::ReportVersion), (status = 422, description = "a year without a national format", body = crate::error::ErrorBody))
)]
pub async fn create_version(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
) -> Result<(StatusCode, Json<ReportVersion>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(ReportVersion::of(
            state.app.create_version(&agency, year, &actor).await?,
        )?),
    ))
}

/// Every version of a year's report.
#[utoipa::path(
    get, path = "/api/v1/staff/agencies/{agency}/reports/{year}/versions", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), security(("token" = [])),
    responses((status = 200, body = Vec<super::schemas::ReportVersion>))
)]
pub async fn list_versions(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
) -> Result<Json<Vec<ReportVersion>>, ApiError> {
    let versions = state.app.versions(&agency, year, &actor).await?;
    Ok(Json(
        versions
            .into_iter()
            .map(ReportVersion::of)
            .collect::<Result<_, _>>()?,
    ))
}

/// Approve a draft (head of the disclosure office).
#[utoipa::path(
    post, path = "/api/v1/staff/report-versions/{id}/approve", tag = "reports",
    params(("id" = i64, Path)), security(("token" = [])),
    responses((status = 200, body = super::schemas::ReportVersion), (status = 403, description = "approving is the head's", body = crate::error::ErrorBody), (status = 409, description = "not a draft", body = crate::error::ErrorBody))
)]
pub async fn approve(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(id): Path<i64>,
) -> Result<Json<ReportVersion>, ApiError> {
    Ok(Json(ReportVersion::of(
        state.app.approve(id, &actor).await?,
    )?))
}

/// Publish an approved version: renders it (json, md, html, docx, pdf), stores and hashes the
/// files, freezes the version. Refused while any R-rule fails.
#[utoipa::path(
    post, path = "/api/v1/staff/report-versions/{id}/publish", tag = "reports",
    params(("id" = i64, Path)), security(("token" = [])),
    responses((status = 200, body = super::schemas::ReportVersion), (status = 403, description = "publishing is the head's", body = crate::error::ErrorBody), (status = 409, description = "not approved, or a rule fails", body = crate::error::ErrorBody))
)]
pub async fn publish(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(id): Path<i64>,
) -> Result<Json<ReportVersion>, ApiError> {
    Ok(Json(ReportVersion::of(
        state.app.publish(id, &actor).await?,
    )?))
}

/// The published annual report of a year, as frozen (the latest published version), for the
/// portal: `json`, `md`, `html`, `docx` or `pdf`.
#[utoipa::path(
    get, path = "/api/v1/agencies/{agency}/reports/{year}/{format}", tag = "public",
    params(("agency" = String, Path), ("year" = i32, Path), ("format" = String, Path, description = "json, md, html, docx or pdf")),
    responses(
        (status = 200, description = "the file as published", content(
            (Report = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 404, body = crate::error::ErrorBody),
        (status = 422, description = "not a format", body = crate::error::ErrorBody),
        (status = 500, body = crate::error::ErrorBody, description = "the stored file no longer hashes to its published digest: not served (logged and audited as report.file_tampered)"),
    )
)]
pub async fn published_file(
    State(state): State<AppState>,
    Path((agency, year, format)): Path<(String, i32, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let format: OutputFormat = format
        .parse()
        .map_err(|_| ApiError::field("format", "must be json, md, html, docx or pdf"))?;
    let body = state.app.published_file(&agency, year, format).await?;
    Ok(([(header::CONTENT_TYPE, format.mime())], body))
}
