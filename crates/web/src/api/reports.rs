//! Annual reports: generated from the records, drill-down into cells, narrative sections, the
//! table-1 registers, and sign-off (draft → approved → published, frozen).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gongkai_domain::report::{CheckContext, Report, Sections, check};
use gongkai_render::OutputFormat;
use gongkai_store::{
    Actor, Agency, NewPublication, ReportStatus, ReportVersion, Statistic, reporting,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::agency_or_404;
use crate::{ApiError, AppState, JsonBody, StaffActor};

async fn own_agency(state: &AppState, actor: &Actor, slug: &str) -> Result<Agency, ApiError> {
    let agency = agency_or_404(state, slug).await?;
    if actor.may_act_for(agency.id) {
        Ok(agency)
    } else {
        Err(ApiError::NotFound(format!("agency {slug}")))
    }
}

/// The report of a year as the records stand now, with its findings.
#[utoipa::path(
    get, path = "/api/v1/staff/agencies/{agency}/reports/{year}", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), security(("token" = [])),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn current_report(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
) -> Result<Json<Report>, ApiError> {
    let agency = own_agency(&state, &actor, &agency).await?;
    let mut report = reporting::generate(state.store.as_ref(), &agency, year).await?;
    report.findings = Some(check(&report, &CheckContext::default()));
    Ok(Json(report))
}

/// The requests (or review cases) behind one cell.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellDrillDown {
    pub cell: String,
    pub count: usize,
    /// Request numbers, or `review_case:<kind>` entries for table 3.
    pub requests: Vec<String>,
}

/// Drill down into a cell of table 2 (`requests.disclosed[0]`) — the requests counted there.
#[utoipa::path(
    get, path = "/api/v1/staff/agencies/{agency}/reports/{year}/cells/{cell}", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path), ("cell" = String, Path, description = "JSON path of the cell, e.g. requests.new[6]")),
    security(("token" = [])),
    responses((status = 200, body = CellDrillDown), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn drill_down(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year, cell)): Path<(String, i32, String)>,
) -> Result<Json<CellDrillDown>, ApiError> {
    let agency = own_agency(&state, &actor, &agency).await?;
    let format = gongkai_domain::report::ReportFormat::for_year(year)?;
    if !cell.starts_with("requests.") || !cell.ends_with(']') {
        return Err(ApiError::field(
            "cell",
            "must be a table-2 cell such as requests.disclosed[0]",
        ));
    }
    let requests: Vec<String> = state
        .store
        .numbered_request_facts(agency.id, year)
        .await?
        .into_iter()
        .filter(|(_, fact)| fact.cells(year, format).contains(&cell))
        .map(|(number, _)| number)
        .collect();
    Ok(Json(CellDrillDown {
        cell,
        count: requests.len(),
        requests,
    }))
}

/// Save the narrative sections 一, 五, 六.
#[utoipa::path(
    put, path = "/api/v1/staff/agencies/{agency}/reports/{year}/sections", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), request_body(content = Object), security(("token" = [])),
    responses((status = 204), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn save_sections(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
    JsonBody(body): JsonBody<Sections>,
) -> Result<StatusCode, ApiError> {
    let agency = own_agency(&state, &actor, &agency).await?;
    gongkai_domain::report::ReportFormat::for_year(year)?;
    state
        .store
        .save_sections(agency.id, year, &body, &actor)
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
    responses((status = 204), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn set_statistic(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
    JsonBody(body): JsonBody<StatisticBody>,
) -> Result<StatusCode, ApiError> {
    let agency = own_agency(&state, &actor, &agency).await?;
    state
        .store
        .set_statistic(
            agency.id,
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

/// Register a 规章 or 规范性文件 (counted in table 1).
#[utoipa::path(
    post, path = "/api/v1/staff/agencies/{agency}/publications", tag = "reports",
    params(("agency" = String, Path)), request_body(content = Object), security(("token" = [])),
    responses((status = 201, body = Object), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn add_publication(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(agency): Path<String>,
    JsonBody(body): JsonBody<NewPublication>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let agency = own_agency(&state, &actor, &agency).await?;
    let id = state.store.add_publication(agency.id, body, &actor).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// Freeze the current figures as a new draft version.
#[utoipa::path(
    post, path = "/api/v1/staff/agencies/{agency}/reports/{year}/versions", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), security(("token" = [])),
    responses((status = 201, body = Object))
)]
pub async fn create_version(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
) -> Result<(StatusCode, Json<ReportVersion>), ApiError> {
    let agency = own_agency(&state, &actor, &agency).await?;
    Ok((
        StatusCode::CREATED,
        Json(reporting::save_draft(state.store.as_ref(), &agency, year, &actor).await?),
    ))
}

/// Every version of a year's report.
#[utoipa::path(
    get, path = "/api/v1/staff/agencies/{agency}/reports/{year}/versions", tag = "reports",
    params(("agency" = String, Path), ("year" = i32, Path)), security(("token" = [])),
    responses((status = 200, body = Vec<Object>))
)]
pub async fn list_versions(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, year)): Path<(String, i32)>,
) -> Result<Json<Vec<ReportVersion>>, ApiError> {
    let agency = own_agency(&state, &actor, &agency).await?;
    Ok(Json(state.store.report_versions(agency.id, year).await?))
}

/// Approve a draft (head of the disclosure office).
#[utoipa::path(
    post, path = "/api/v1/staff/report-versions/{id}/approve", tag = "reports",
    params(("id" = i64, Path)), security(("token" = [])),
    responses((status = 200, body = Object), (status = 409, body = crate::error::ErrorBody))
)]
pub async fn approve(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(id): Path<i64>,
) -> Result<Json<ReportVersion>, ApiError> {
    Ok(Json(state.store.approve_report(id, &actor).await?))
}

/// Publish an approved version: renders it (json, md, html, docx, pdf), stores and hashes the
/// files, freezes the version. Refused while any R-rule fails.
#[utoipa::path(
    post, path = "/api/v1/staff/report-versions/{id}/publish", tag = "reports",
    params(("id" = i64, Path)), security(("token" = [])),
    responses((status = 200, body = Object), (status = 409, body = crate::error::ErrorBody))
)]
pub async fn publish(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(id): Path<i64>,
) -> Result<Json<ReportVersion>, ApiError> {
    let version = find_version(&state, &actor, id).await?;
    if version.status != ReportStatus::Approved {
        return Err(ApiError::Transition {
            event: "publish".into(),
            reason: format!("version {} is {}", version.version, version.status.code()),
        });
    }
    let report: Report = serde_json::from_str(&version.report_json)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut files = Vec::new();
    for (name, format) in [
        ("json", OutputFormat::Json),
        ("md", OutputFormat::Markdown),
        ("html", OutputFormat::Html),
        ("docx", OutputFormat::Docx),
        ("pdf", OutputFormat::Pdf),
    ] {
        let bytes = gongkai_render::render(&report, format)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        files.push((name.to_string(), bytes));
    }
    Ok(Json(
        reporting::publish(state.store.as_ref(), &version, files, &actor).await?,
    ))
}

async fn find_version(state: &AppState, actor: &Actor, id: i64) -> Result<ReportVersion, ApiError> {
    state
        .store
        .report_version(id)
        .await?
        .filter(|v| actor.may_act_for(v.agency_id))
        .ok_or_else(|| ApiError::NotFound(format!("report version {id}")))
}
