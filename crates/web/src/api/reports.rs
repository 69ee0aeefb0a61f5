//! Annual reports: generated from the records, drill-down into cells, narrative sections, the
//! table-1 registers, and sign-off (draft → approved → published, frozen).

use crate::Path;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use gongkai_domain::report::{
    CheckContext, Report, ReviewFact, ReviewKind, ReviewResult, Sections, check,
};
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
    responses((status = 200, description = "the canonical JSON of the report (see the national formats) with `findings`", body = Object), (status = 422, description = "a year without a national format", body = crate::error::ErrorBody))
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
    let agency = own_agency(&state, &actor, &agency).await?;
    let format = gongkai_domain::report::ReportFormat::for_year(year)?;
    let requests: Vec<String> = if cell.starts_with("requests.") && cell.ends_with(']') {
        state
            .store
            .numbered_request_facts(agency.id, year)
            .await?
            .into_iter()
            .filter(|(_, fact)| fact.cells(year, format).contains(&cell))
            .map(|(number, _)| number)
            .collect()
    } else if cell.starts_with("review.") {
        state
            .store
            .report_registers(Some(agency.id), year)
            .await?
            .review_cases
            .into_iter()
            .filter(|case| case.fact.cells(year).contains(&cell))
            .map(|case| {
                case.request_number
                    .unwrap_or_else(|| format!("review_case:{}", case.id))
            })
            .collect()
    } else {
        return Err(ApiError::field(
            "cell",
            "must be a cell of table 2 (requests.disclosed[0]) or table 3 (review.reconsideration.upheld)",
        ));
    };
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
    responses((status = 204, description = "saved"))
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
    responses((status = 204, description = "saved"))
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

/// A reconsideration or lawsuit to record (table 3).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewCaseBody {
    /// reconsideration, litigation_direct or litigation_after_reconsideration.
    #[schema(value_type = super::schemas::ReviewKind)]
    pub kind: ReviewKind,
    /// The request it concerns (申请编号), if any.
    pub request_number: Option<String>,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    /// upheld, corrected or other; required with `decided_on`.
    #[schema(value_type = Option<super::schemas::ReviewResult>)]
    pub result: Option<ReviewResult>,
}

/// The decision of a pending case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewDecisionBody {
    pub decided_on: NaiveDate,
    #[schema(value_type = super::schemas::ReviewResult)]
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
    let agency = own_agency(&state, &actor, &agency).await?;
    let decided = match (body.decided_on, body.result) {
        (Some(on), Some(result)) => Some((on, result)),
        (None, None) => None,
        (Some(_), None) => return Err(ApiError::field("result", "is required with decided_on")),
        (None, Some(_)) => return Err(ApiError::field("decided_on", "is required with result")),
    };
    let fact = ReviewFact {
        kind: body.kind,
        filed_on: body.filed_on,
        decided,
    };
    let id = state
        .store
        .add_review_case(agency.id, body.request_number.as_deref(), fact, &actor)
        .await?;
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
        .store
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
    let agency = own_agency(&state, &actor, &agency).await?;
    let id = state.store.add_publication(agency.id, body, &actor).await?;
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
    responses((status = 200, body = Vec<super::schemas::ReportVersion>))
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
    responses((status = 200, body = super::schemas::ReportVersion), (status = 403, description = "approving is the head's", body = crate::error::ErrorBody), (status = 409, description = "not a draft", body = crate::error::ErrorBody))
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
    responses((status = 200, body = super::schemas::ReportVersion), (status = 403, description = "publishing is the head's", body = crate::error::ErrorBody), (status = 409, description = "not approved, or a rule fails", body = crate::error::ErrorBody))
)]
pub async fn publish(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(id): Path<i64>,
) -> Result<Json<ReportVersion>, ApiError> {
    let version = find_version(&state, &actor, id).await?;
    actor.require_head_of(version.agency_id, "publishing an annual report")?;
    if version.status != ReportStatus::Approved {
        return Err(ApiError::Transition {
            event: "publish".into(),
            reason: format!("version {} is {}", version.version, version.status.code()),
        });
    }
    let report: Report = serde_json::from_str(&version.report_json)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut files = Vec::new();
    for format in OutputFormat::ALL {
        let bytes = gongkai_render::render(&report, format)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        files.push((format.name().to_string(), bytes));
    }
    Ok(Json(
        reporting::publish(state.store.as_ref(), &version, files, &actor).await?,
    ))
}

/// The published annual report of a year, as frozen (the latest published version), for the
/// portal: `json`, `md`, `html`, `docx` or `pdf`.
#[utoipa::path(
    get, path = "/api/v1/agencies/{agency}/reports/{year}/{format}", tag = "public",
    params(("agency" = String, Path), ("year" = i32, Path), ("format" = String, Path, description = "json, md, html, docx or pdf")),
    responses(
        (status = 200, description = "the file as published", content(
            (Object = "application/json"),
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
    let agency = agency_or_404(&state, &agency).await?;
    let not_published = || ApiError::NotFound(format!("published report {} {year}", agency.slug));
    let version = state
        .store
        .report_versions(agency.id, year)
        .await?
        .into_iter()
        .filter(|v| v.status == ReportStatus::Published)
        .max_by_key(|v| v.version)
        .ok_or_else(not_published)?;
    let body = state
        .store
        .report_file(version.id, format.name())
        .await?
        .ok_or_else(not_published)?;
    Ok(([(header::CONTENT_TYPE, format.mime())], body))
}

async fn find_version(state: &AppState, actor: &Actor, id: i64) -> Result<ReportVersion, ApiError> {
    state
        .store
        .report_version(id)
        .await?
        .filter(|v| actor.may_act_for(v.agency_id))
        .ok_or_else(|| ApiError::NotFound(format!("report version {id}")))
}
