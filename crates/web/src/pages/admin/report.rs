//! 年度报告 — the annual report in the back office (Art. 49–50), on the report use cases of
//! [`gongkai_app::App`]: `/admin/reports` (each readable agency's years and where each stands),
//! `/admin/reports/{year}` (the editor: the findings of `report::check` in Chinese with the cells
//! named, the three tables as the national format of the year lays them out — the render
//! crate's `report_body.html` — with every non-zero cell of tables 2 and 3 a link to the requests
//! behind it, the narrative sections, the table-1 statistics, the review cases, the versions and
//! their sign-off) and `/admin/reports/{year}/cells/{cell}` (a cell's drill-down).
//!
//! The agency is the account's own, or `?agency=SLUG` for a supervisor (监督), who reads the
//! agencies it supervises and changes nothing. Every form posts to this site (CSRF-checked by
//! [`crate::csrf`]), is read with [`FormBody`], and on success answers 303 back to the editor; on
//! an error the editor again with the message next to the field and the values entered kept.

use askama::Template;
use axum::Router;
use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use gongkai_app::{AppError, CellFact, ReviewCaseInput};
use gongkai_domain::DomainError;
use gongkai_domain::report::{
    Finding, Report, ReportFormat, ReviewKind, ReviewResult, SECTION_HEADINGS, STATISTIC_KEYS,
    Sections, Severity, cell_name_zh, check,
};
use gongkai_store::{Actor, Agency, ReportStatus, ReportVersion, SessionStage, Statistic};
use serde::Deserialize;

use super::cookie_of;
use crate::AppState;
use crate::pages::apply::parse_form;
use crate::pages::{Chrome, Crumb, FormBody, PageError, Viewer, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/reports", get(list))
        .route("/admin/reports/{year}", get(editor))
        .route("/admin/reports/{year}/cells/{cell}", get(cell))
        .route("/admin/reports/{year}/sections", post(save_sections))
        .route("/admin/reports/{year}/statistics", post(save_statistics))
        .route("/admin/reports/{year}/review-cases", post(add_case))
        .route("/admin/reports/{year}/review-cases/{id}", post(decide_case))
        .route("/admin/reports/{year}/versions", post(new_version))
        .route("/admin/reports/{year}/versions/{id}/{step}", post(sign_off))
}

/// The earliest year offered in the list: the first under the 2019 Regulation.
const FIRST_YEAR: i32 = 2019;

/// Who is logged in: the actor, and the slug of the account's own agency.
struct Staff {
    actor: Actor,
    own: Option<String>,
}

/// Why a page ends early: no live session (to the login or the TOTP enrolment page), or an
/// error page.
enum Halt {
    To(&'static str),
    Page(PageError),
}

impl From<PageError> for Halt {
    fn from(e: PageError) -> Self {
        Halt::Page(e)
    }
}

impl From<AppError> for Halt {
    fn from(e: AppError) -> Self {
        Halt::Page(e.into())
    }
}

impl IntoResponse for Halt {
    fn into_response(self) -> Response {
        match self {
            Halt::To(to) => Redirect::to(to).into_response(),
            Halt::Page(e) => e.into_response(),
        }
    }
}

/// What a page handler answers.
type Answer = Result<Response, Halt>;

/// The logged-in staff member, else [`Halt::To`] the login (or the TOTP enrolment) page.
async fn staff(state: &AppState, headers: &HeaderMap) -> Result<Staff, Halt> {
    let session = match cookie_of(headers) {
        Some(id) => state.app.session(&id).await?,
        None => None,
    };
    let Some(session) = session else {
        return Err(Halt::To("/admin/login"));
    };
    if session.stage == SessionStage::Enrol {
        return Err(Halt::To("/admin/totp"));
    }
    Ok(Staff {
        actor: session.user.actor(),
        own: session.user.agency.clone(),
    })
}

/// `?agency=SLUG` (and `saved=…` after a successful form) of every page and form action.
#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

fn page_query(raw: &Option<String>) -> PageQuery {
    raw.as_deref()
        .map(|q| parse_form(q.as_bytes()))
        .unwrap_or_default()
}

/// The agencies whose reports the actor reads, its own first.
async fn readable(state: &AppState, staff: &Staff) -> Result<Vec<Agency>, PageError> {
    let mut agencies: Vec<Agency> = state
        .app
        .agencies()
        .await?
        .into_iter()
        .filter(|a| staff.actor.may_read_agency(a.id))
        .collect();
    agencies.sort_by_key(|a| Some(&a.slug) != staff.own.as_ref());
    Ok(agencies)
}

/// The agency a page is about: `?agency=`, else the account's own or its first supervised one;
/// one the actor does not read is not found.
async fn chosen(state: &AppState, staff: &Staff, q: &PageQuery) -> Result<Agency, PageError> {
    let slug = match q.agency.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => slug.to_string(),
        None => readable(state, staff)
            .await?
            .into_iter()
            .next()
            .map(|a| a.slug)
            .ok_or(PageError::NotFound)?,
    };
    Ok(state.app.readable_agency(&slug, &staff.actor).await?)
}

/// A year in a path, one with a national format, else not found.
fn year_of(text: &str) -> Result<(i32, ReportFormat), PageError> {
    let year: i32 = text.parse().map_err(|_| PageError::NotFound)?;
    let format = ReportFormat::for_year(year).map_err(|_| PageError::NotFound)?;
    Ok((year, format))
}

/// What the application refuses, as a page: a role's refusal is the 403 page saying why.
fn refused(e: AppError, why: &str) -> Halt {
    match e {
        AppError::Forbidden(_) => PageError::NotAllowed(why.to_string()).into(),
        other => other.into(),
    }
}

const READ_ONLY: &str =
    "年度报告由本单位政府信息公开工作机构（公开办）编制，本账号只能查阅，不能修改。";
const HEAD_ONLY: &str = "年度报告须经本单位政府信息公开工作机构负责人批准后发布（《条例》第四十九条、第五十条），只有负责人账号可以批准和发布。";

fn editor_href(slug: &str, year: i32) -> String {
    format!("/admin/reports/{year}?agency={slug}")
}

/// A cell's drill-down page; `[` and `]` of the JSON path percent-encoded.
fn cell_href(slug: &str, year: i32, path: &str) -> String {
    let cell = path.replace('[', "%5B").replace(']', "%5D");
    format!("/admin/reports/{year}/cells/{cell}?agency={slug}")
}

fn status_zh(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::Draft => "草稿（待负责人批准）",
        ReportStatus::Approved => "已批准（待发布）",
        ReportStatus::Published => "已发布",
    }
}

/// Where a year stands, from its versions.
fn standing(versions: &[ReportVersion]) -> String {
    let latest = |status| {
        versions
            .iter()
            .filter(|v| v.status == status)
            .max_by_key(|v| v.version)
    };
    if let Some(v) = latest(ReportStatus::Published) {
        let on = v
            .published_at
            .as_deref()
            .map(|t| t.get(..10).unwrap_or(t))
            .unwrap_or_default();
        return format!("已发布（第{}版，{on}）", v.version);
    }
    if let Some(v) = latest(ReportStatus::Approved) {
        return format!("已批准，待发布（第{}版）", v.version);
    }
    if !versions.is_empty() {
        return format!("已生成{}个版本，待负责人批准", versions.len());
    }
    "编制中（尚未生成版本）".to_string()
}

// ---------------------------------------------------------------------------------------------
// /admin/reports

struct YearLine {
    year: i32,
    format: &'static str,
    standing: String,
    href: String,
}

struct AgencyYears {
    name: String,
    years: Vec<YearLine>,
}

#[derive(Template)]
#[template(path = "admin_reports.html")]
struct ListPage {
    chrome: Chrome,
    agencies: Vec<AgencyYears>,
}

async fn list(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Answer {
    let staff = staff(&state, &headers).await?;
    let this_year = state.app.today().year();
    let mut agencies = Vec::new();
    for agency in readable(&state, &staff).await? {
        let mut years = Vec::new();
        for year in (FIRST_YEAR.max(this_year - 7)..=this_year).rev() {
            let Ok(format) = ReportFormat::for_year(year) else {
                continue;
            };
            let versions = state.app.versions(&agency.slug, year, &staff.actor).await?;
            years.push(YearLine {
                year,
                format: format.code(),
                standing: standing(&versions),
                href: editor_href(&agency.slug, year),
            });
        }
        agencies.push(AgencyYears {
            name: agency.name,
            years,
        });
    }
    Ok(render(&ListPage {
        chrome: Chrome::site(&viewer).crumbs(vec![
            Crumb::link("工作台", "/admin/"),
            Crumb::here("年度报告"),
        ]),
        agencies,
    }))
}

// ---------------------------------------------------------------------------------------------
// /admin/reports/{year}: the editor

/// A finding of `report::check`, in Chinese.
struct FindingLine {
    rule: String,
    severity: &'static str,
    error: bool,
    cell: String,
    text: String,
    href: Option<String>,
}

fn finding_line(
    f: &Finding,
    format: ReportFormat,
    link: &dyn Fn(&str) -> Option<String>,
) -> FindingLine {
    FindingLine {
        rule: f.rule.clone(),
        severity: f.severity_zh(),
        error: f.severity == Severity::Error,
        cell: cell_name_zh(&f.location, format),
        text: f.explain_zh(),
        href: link(&f.location),
    }
}

/// A textarea of a narrative section.
struct SectionField {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    error: Option<String>,
    /// S1/S2 for this section, said next to it.
    warning: Option<String>,
}

/// A row of the table-1 statistics form.
struct StatRow {
    key: &'static str,
    id: String,
    label: &'static str,
    money: bool,
    value: String,
    source: String,
    error: Option<String>,
}

/// A review case in the list, with its decision form while pending.
struct CaseLine {
    id: i64,
    kind: &'static str,
    request: Option<String>,
    filed_on: String,
    decided_on: Option<String>,
    result: Option<&'static str>,
    /// The decision form's values and error (pending cases).
    decide_on: String,
    decide_result: String,
    error: Option<String>,
}

/// The form recording a new case.
#[derive(Debug, Default, Deserialize, Clone)]
struct CaseForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    request_number: String,
    #[serde(default)]
    filed_on: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    result: String,
}

#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    result: String,
}

struct Opt {
    value: &'static str,
    label: &'static str,
}

struct VersionLine {
    id: i64,
    version: i64,
    status: &'static str,
    draft: bool,
    approved: bool,
    approved_by: Option<String>,
    published_at: Option<String>,
    digest: String,
}

struct Download {
    href: String,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "admin_report.html")]
struct EditorPage {
    chrome: Chrome,
    agency: String,
    year: i32,
    format: &'static str,
    format_document: &'static str,
    /// `?agency=SLUG`, for every action.
    q: String,
    notice: Option<&'static str>,
    /// The fields in error, linked from the summary: (anchor, message).
    summary: Vec<(String, String)>,
    findings: Vec<FindingLine>,
    blocking: usize,
    body: String,
    can_write: bool,
    is_head: bool,
    read_only: &'static str,
    head_only: &'static str,
    sections: Vec<SectionField>,
    statistics: Vec<StatRow>,
    cases: Vec<CaseLine>,
    case_form: CaseForm,
    case_errors: CaseErrors,
    kinds: Vec<Opt>,
    results: Vec<Opt>,
    versions: Vec<VersionLine>,
    refusal: Vec<String>,
    public_href: Option<String>,
    downloads: Vec<Download>,
}

/// The new-case form's error of each field.
#[derive(Default)]
struct CaseErrors {
    kind: Option<String>,
    request_number: Option<String>,
    filed_on: Option<String>,
    decided_on: Option<String>,
    result: Option<String>,
}

impl CaseErrors {
    fn of(errors: &[(&'static str, String)]) -> Self {
        let get = |name: &str| {
            let all: Vec<&str> = errors
                .iter()
                .filter(|(f, _)| *f == name)
                .map(|(_, e)| e.as_str())
                .collect();
            (!all.is_empty()).then(|| all.join("；"))
        };
        CaseErrors {
            kind: get("kind"),
            request_number: get("request_number"),
            filed_on: get("filed_on"),
            decided_on: get("decided_on"),
            result: get("result"),
        }
    }
}

/// A form's fields by name (as posted) or its errors by field: `(name, text)` pairs.
type Pairs = Vec<(String, String)>;

/// What a failed form brings back into the editor.
#[derive(Default)]
struct Entered {
    sections: Option<(Sections, Pairs)>,
    statistics: Option<(Pairs, Pairs)>,
    case: Option<(CaseForm, Vec<(&'static str, String)>)>,
    decision: Option<(i64, DecisionForm, String)>,
    refusal: Vec<String>,
}

fn show_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        (v as i64).to_string()
    } else {
        v.to_string()
    }
}

fn chrome_for(viewer: &Viewer, year: i32) -> Chrome {
    Chrome::site(viewer).crumbs(vec![
        Crumb::link("工作台", "/admin/"),
        Crumb::link("年度报告", "/admin/reports"),
        Crumb::here(format!("{year}年度报告")),
    ])
}

/// The editor of `agency`'s report of `year`, with what a failed form entered.
async fn editor_page(
    state: &AppState,
    viewer: &Viewer,
    staff: &Staff,
    agency: &Agency,
    year: i32,
    notice: Option<&'static str>,
    entered: Entered,
) -> Result<EditorPage, PageError> {
    let actor = &staff.actor;
    let slug = agency.slug.as_str();
    let report = state.app.current_report(slug, year, actor).await?;
    let registers = state.app.report_registers(slug, year, actor).await?;
    let versions = state.app.versions(slug, year, actor).await?;
    let format = report.format;
    let can_write = actor.may_act_for(agency.id);
    let is_head = actor.is_head_of(agency.id);
    let can_drill = actor.may_see_request(agency.id, None);

    let link = |path: &str| -> Option<String> {
        if path.starts_with("sections.") {
            return Some(format!("#{}", path.trim_start_matches("sections.")));
        }
        if path.starts_with("proactive") {
            return Some("#statistics".to_string());
        }
        let drillable = (path.starts_with("requests.") && path.ends_with(']'))
            || (path.starts_with("review.") && path.matches('.').count() == 2);
        (can_drill && drillable).then(|| cell_href(slug, year, path))
    };
    let findings: Vec<FindingLine> = report
        .findings
        .iter()
        .flatten()
        .map(|f| finding_line(f, format, &link))
        .collect();
    let blocking = report
        .findings
        .iter()
        .flatten()
        .filter(|f| f.severity == Severity::Error || f.rule == "S2")
        .count();
    let body = gongkai_render::html_fragment_linked(&report, &|path: &str, text: &str| {
        (can_drill && !text.is_empty() && text != "0").then(|| cell_href(slug, year, path))
    })
    .map_err(|e| PageError::Internal(e.to_string()))?;

    let mut summary: Vec<(String, String)> = Vec::new();

    // Sections: as entered on a failed save, else as the report has them (saved or starter).
    let (section_values, section_errors) = match entered.sections {
        Some((s, errors)) => (s, errors),
        None => (report.sections.clone().unwrap_or_default(), Vec::new()),
    };
    let section_warning = |name: &str| {
        report
            .findings
            .iter()
            .flatten()
            .find(|f| {
                f.location == format!("sections.{name}") && (f.rule == "S1" || f.rule == "S2")
            })
            .map(Finding::explain_zh)
    };
    let sections: Vec<SectionField> = [
        (
            "overview",
            SECTION_HEADINGS[0],
            "总体情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障等。",
            &section_values.overview,
        ),
        (
            "problems",
            SECTION_HEADINGS[4],
            "本年度存在的主要问题和改进措施，以及上年问题的整改情况。",
            &section_values.problems,
        ),
        (
            "other",
            SECTION_HEADINGS[5],
            "如收取信息处理费的情况；没有其他事项的写“无”。",
            &section_values.other,
        ),
    ]
    .into_iter()
    .map(|(name, label, hint, value)| {
        let error = section_errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, e)| e.clone());
        if let Some(e) = &error {
            summary.push((name.to_string(), format!("{label}：{e}")));
        }
        SectionField {
            name,
            label,
            hint,
            value: value.clone(),
            error,
            warning: section_warning(name),
        }
    })
    .collect();

    // Statistics.
    let (stat_entered, stat_errors) = entered.statistics.unwrap_or_default();
    let entered_of = |name: String| {
        stat_entered
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let statistics: Vec<StatRow> = STATISTIC_KEYS
        .iter()
        .filter(|k| k.formats.contains(&format))
        .map(|k| {
            let stored = registers.statistics.iter().find(|s| s.key == k.key);
            let id = format!("stat-{}", k.key.replace('.', "-"));
            let error = stat_errors
                .iter()
                .find(|(f, _)| f == k.key)
                .map(|(_, e)| e.clone());
            if let Some(e) = &error {
                summary.push((id.clone(), format!("{}：{e}", k.label)));
            }
            StatRow {
                key: k.key,
                label: k.label,
                money: k.money,
                value: entered_of(format!("value.{}", k.key))
                    .unwrap_or_else(|| stored.map(|s| show_number(s.value)).unwrap_or_default()),
                source: entered_of(format!("source.{}", k.key))
                    .unwrap_or_else(|| stored.map(|s| s.source.clone()).unwrap_or_default()),
                error,
                id,
            }
        })
        .collect();

    // Review cases.
    let cases: Vec<CaseLine> = registers
        .review_cases
        .iter()
        .map(|c| {
            let (decide_on, decide_result, error) = match &entered.decision {
                Some((id, form, e)) if *id == c.id => (
                    form.decided_on.clone(),
                    form.result.clone(),
                    Some(e.clone()),
                ),
                _ => (String::new(), String::new(), None),
            };
            if let Some(e) = &error {
                summary.push((format!("case-{}", c.id), format!("案件结果：{e}")));
            }
            CaseLine {
                id: c.id,
                kind: c.fact.kind.name_zh(),
                request: c.request_number.clone(),
                filed_on: c.fact.filed_on.to_string(),
                decided_on: c.fact.decided.map(|(on, _)| on.to_string()),
                result: c.fact.decided.map(|(_, r)| r.name_zh()),
                decide_on,
                decide_result,
                error,
            }
        })
        .collect();
    let (case_form, case_errors) = entered.case.unwrap_or_default();
    for (field, e) in &case_errors {
        summary.push((format!("case-{field}"), e.clone()));
    }

    // Versions, newest first, and the latest published one's files.
    let mut lines: Vec<VersionLine> = versions
        .iter()
        .map(|v| VersionLine {
            id: v.id,
            version: v.version,
            status: status_zh(v.status),
            draft: v.status == ReportStatus::Draft,
            approved: v.status == ReportStatus::Approved,
            approved_by: v.approved_by.clone(),
            published_at: v
                .published_at
                .as_deref()
                .map(|t| t.get(..19).unwrap_or(t).replace('T', " ")),
            digest: v
                .json_sha256
                .get(..16)
                .unwrap_or(&v.json_sha256)
                .to_string(),
        })
        .collect();
    lines.sort_by_key(|v| std::cmp::Reverse(v.version));
    let published = versions
        .iter()
        .filter(|v| v.status == ReportStatus::Published)
        .max_by_key(|v| v.version);
    let downloads = published
        .map(|v| {
            [
                ("pdf", "PDF版"),
                ("docx", "Word版（DOCX）"),
                ("html", "网页版（HTML）"),
                ("json", "数据（JSON）"),
            ]
            .into_iter()
            .filter(|(f, _)| v.files.iter().any(|(x, _)| x == f))
            .map(|(f, label)| Download {
                href: format!("/api/v1/agencies/{slug}/reports/{year}/{f}"),
                label,
            })
            .collect()
        })
        .unwrap_or_default();

    Ok(EditorPage {
        chrome: chrome_for(viewer, year),
        agency: agency.name.clone(),
        year,
        format: format.code(),
        format_document: format.document(),
        q: format!("?agency={slug}"),
        notice,
        summary,
        findings,
        blocking,
        body,
        can_write,
        is_head,
        read_only: READ_ONLY,
        head_only: HEAD_ONLY,
        sections,
        statistics,
        cases,
        case_form,
        case_errors: CaseErrors::of(&case_errors),
        kinds: ReviewKind::ALL
            .into_iter()
            .map(|k| Opt {
                value: k.code(),
                label: k.name_zh(),
            })
            .collect(),
        results: ReviewResult::ALL
            .into_iter()
            .map(|r| Opt {
                value: r.code(),
                label: r.name_zh(),
            })
            .collect(),
        versions: lines,
        refusal: entered.refusal,
        public_href: published.map(|_| format!("/{slug}/reports/{year}")),
        downloads,
    })
}

fn saved_notice(saved: Option<&str>) -> Option<&'static str> {
    Some(match saved? {
        "sections" => "叙述部分已保存。",
        "statistics" => "表一统计数字已保存。",
        "case" => "复议、诉讼案件已记录。",
        "decided" => "案件结果已记录。",
        "version" => "已生成新版本，请负责人批准。",
        "approved" => "该版本已批准，可以发布。",
        "published" => "年度报告已发布，公开专栏已显示。",
        _ => return None,
    })
}

async fn editor(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(year): Path<String>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let staff = staff(&state, &headers).await?;
    let q = page_query(&raw);
    let (year, _) = year_of(&year)?;
    let agency = chosen(&state, &staff, &q).await?;
    let page = editor_page(
        &state,
        &viewer,
        &staff,
        &agency,
        year,
        saved_notice(q.saved.as_deref()),
        Entered::default(),
    )
    .await?;
    Ok(render(&page))
}

/// The editor again after a failed form: 422 with the form's values and errors.
impl FormContext {
    async fn again(
        &self,
        state: &AppState,
        viewer: &Viewer,
        status: StatusCode,
        entered: Entered,
    ) -> Answer {
        let page = editor_page(
            state,
            viewer,
            &self.staff,
            &self.agency,
            self.year,
            None,
            entered,
        )
        .await?;
        Ok((status, render(&page)).into_response())
    }

    /// The editor again with a form's values and errors (422).
    async fn invalid(&self, state: &AppState, viewer: &Viewer, entered: Entered) -> Answer {
        self.again(state, viewer, StatusCode::UNPROCESSABLE_ENTITY, entered)
            .await
    }
}

fn back(agency: &Agency, year: i32, saved: &str, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/admin/reports/{year}?agency={}&saved={saved}#{anchor}",
        agency.slug
    ))
    .into_response()
}

/// Each invalid field's Chinese rule, by field.
fn field_errors(errors: &[DomainError]) -> Vec<(String, String)> {
    errors
        .iter()
        .map(|e| (e.field().to_string(), e.reason_zh()))
        .collect()
}

/// Who posts a form about which agency and year: the agency's office or head, else the 403
/// page (a reader) or not found.
struct FormContext {
    staff: Staff,
    agency: Agency,
    year: i32,
}

/// A form posted to the editor: its [`FormContext`], the reader's display mode, the path's
/// other parts (`id`, `step`) and the body (read with [`FormBody`] once the poster is known).
struct Posted {
    cx: FormContext,
    viewer: Viewer,
    params: HashMap<String, String>,
    body: Bytes,
}

impl Posted {
    /// A path part that is a number (`id`), else not found.
    fn id(&self) -> Result<i64, Halt> {
        self.params
            .get("id")
            .and_then(|id| id.parse().ok())
            .ok_or(Halt::Page(PageError::NotFound))
    }
}

impl FromRequest<AppState> for Posted {
    type Rejection = Halt;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Halt> {
        let (mut parts, body) = req.into_parts();
        let Ok(viewer) = Viewer::from_request_parts(&mut parts, state).await;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| PageError::NotFound)?;
        let staff = staff(state, &parts.headers).await?;
        let (year, _) = year_of(params.get("year").map_or("", String::as_str))?;
        let raw = parts.uri.query().map(str::to_string);
        let agency = chosen(state, &staff, &page_query(&raw)).await?;
        if !staff.actor.may_act_for(agency.id) {
            return Err(PageError::NotAllowed(READ_ONLY.to_string()).into());
        }
        let FormBody(body) =
            FormBody::from_request(Request::from_parts(parts, body), state).await?;
        Ok(Posted {
            cx: FormContext {
                staff,
                agency,
                year,
            },
            viewer,
            params,
            body,
        })
    }
}

#[derive(Debug, Default, Deserialize)]
struct SectionsForm {
    #[serde(default)]
    overview: String,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    other: String,
}

async fn save_sections(State(state): State<AppState>, posted: Posted) -> Answer {
    let Posted {
        cx, viewer, body, ..
    } = &posted;
    let form: SectionsForm = parse_form(body);
    let sections = Sections {
        overview: form.overview,
        problems: form.problems,
        other: form.other,
    };
    match state
        .app
        .save_sections(&cx.agency.slug, cx.year, &sections, &cx.staff.actor)
        .await
    {
        Ok(()) => Ok(back(&cx.agency, cx.year, "sections", "sections")),
        Err(AppError::Invalid(errors)) => {
            let entered = Entered {
                sections: Some((sections, field_errors(&errors))),
                ..Entered::default()
            };
            cx.invalid(&state, viewer, entered).await
        }
        Err(e) => Err(refused(e, READ_ONLY)),
    }
}

/// A figure as typed: digits, an optional sign and decimal point; `,` and spaces ignored.
fn parse_figure(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' => '-',
            '．' => '.',
            other => other,
        })
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

async fn save_statistics(State(state): State<AppState>, posted: Posted) -> Answer {
    let Posted {
        cx, viewer, body, ..
    } = &posted;
    let fields: Vec<(String, String)> = parse_form(body);
    let format = ReportFormat::for_year(cx.year).map_err(|_| PageError::NotFound)?;
    let registers = state
        .app
        .report_registers(&cx.agency.slug, cx.year, &cx.staff.actor)
        .await?;
    let field = |name: String| {
        fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors: Vec<(String, String)> = Vec::new();
    for key in STATISTIC_KEYS
        .iter()
        .filter(|k| k.formats.contains(&format))
    {
        let value = field(format!("value.{}", key.key));
        let source = field(format!("source.{}", key.key));
        let stored = registers.statistics.iter().find(|s| s.key == key.key);
        if value.is_empty() {
            if stored.is_some() {
                errors.push((
                    key.key.to_string(),
                    "已录入的数字不能清空；如有误，请填写正确的数字".into(),
                ));
            } else if !source.is_empty() {
                errors.push((key.key.to_string(), "请填写数字（没有发生的填 0）".into()));
            }
            continue;
        }
        let Some(number) = parse_figure(&value) else {
            errors.push((key.key.to_string(), "请填写数字，如 988 或 12.5".into()));
            continue;
        };
        if stored.is_some_and(|s| s.value == number && s.source == source) {
            continue;
        }
        let stat = Statistic {
            key: key.key.to_string(),
            value: number,
            source,
        };
        match state
            .app
            .set_statistic(&cx.agency.slug, cx.year, stat, &cx.staff.actor)
            .await
        {
            Ok(()) => {}
            Err(AppError::Invalid(e)) => {
                let message = e
                    .iter()
                    .map(|e| match e.field() {
                        "source" => format!("数据来源：{}", e.reason_zh()),
                        _ => e.reason_zh(),
                    })
                    .collect::<Vec<_>>()
                    .join("；");
                errors.push((key.key.to_string(), message));
            }
            Err(e) => return Err(refused(e, READ_ONLY)),
        }
    }
    if errors.is_empty() {
        return Ok(back(&cx.agency, cx.year, "statistics", "statistics"));
    }
    let entered = Entered {
        statistics: Some((fields, errors)),
        ..Entered::default()
    };
    cx.invalid(&state, viewer, entered).await
}

/// A date as typed (`2025-03-01`), or the Chinese rule.
fn parse_day(text: &str) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| "请按“年-月-日”填写日期，如 2025-03-01".to_string())
}

fn case_field(field: &str) -> &'static str {
    match field {
        "kind" => "kind",
        "request_number" => "request_number",
        "decided_on" => "decided_on",
        "result" => "result",
        _ => "filed_on",
    }
}

async fn add_case(State(state): State<AppState>, posted: Posted) -> Answer {
    let Posted {
        cx, viewer, body, ..
    } = &posted;
    let form: CaseForm = parse_form(body);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let kind = ReviewKind::from_code(form.kind.trim());
    if kind.is_none() {
        errors.push(("kind", "请选择案件类别".into()));
    }
    let filed_on = match parse_day(&form.filed_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push(("filed_on", "请填写申请复议或起诉的日期".into()));
            None
        }
        Err(e) => {
            errors.push(("filed_on", e));
            None
        }
    };
    let decided_on = parse_day(&form.decided_on).unwrap_or_else(|e| {
        errors.push(("decided_on", e));
        None
    });
    let result = match form.result.trim() {
        "" => None,
        code => {
            let r = ReviewResult::from_code(code);
            if r.is_none() {
                errors.push(("result", "请选择审结结果".into()));
            }
            r
        }
    };
    if errors.is_empty()
        && let (Some(kind), Some(filed_on)) = (kind, filed_on)
    {
        let input = ReviewCaseInput {
            kind,
            request_number: Some(form.request_number.trim().to_string()).filter(|n| !n.is_empty()),
            filed_on,
            decided_on,
            result,
        };
        match state
            .app
            .add_review_case(&cx.agency.slug, input, &cx.staff.actor)
            .await
        {
            Ok(_) => return Ok(back(&cx.agency, cx.year, "case", "cases")),
            Err(AppError::Invalid(e)) => {
                for e in &e {
                    let message = match e.field() {
                        "result" => "已填写审结日期的，请选择审结结果".to_string(),
                        "decided_on" if form.decided_on.trim().is_empty() => {
                            "已选择审结结果的，请填写审结日期".to_string()
                        }
                        _ => e.reason_zh(),
                    };
                    errors.push((case_field(e.field()), message));
                }
            }
            Err(AppError::NotFound(_)) => {
                errors.push(("request_number", "本单位没有这个申请编号".into()));
            }
            Err(e) => return Err(refused(e, READ_ONLY)),
        }
    }
    let entered = Entered {
        case: Some((form, errors)),
        ..Entered::default()
    };
    cx.invalid(&state, viewer, entered).await
}

async fn decide_case(State(state): State<AppState>, posted: Posted) -> Answer {
    let Posted {
        cx, viewer, body, ..
    } = &posted;
    let id = posted.id()?;
    let form: DecisionForm = parse_form(body);
    let result = ReviewResult::from_code(form.result.trim());
    let error = match (parse_day(&form.decided_on), result) {
        (Err(e), _) => e,
        (Ok(None), _) => "请填写审结日期".to_string(),
        (Ok(Some(_)), None) => "请选择审结结果".to_string(),
        (Ok(Some(on)), Some(result)) => {
            match state
                .app
                .decide_review_case(id, on, result, &cx.staff.actor)
                .await
            {
                Ok(_) => return Ok(back(&cx.agency, cx.year, "decided", "cases")),
                Err(AppError::Invalid(e)) => {
                    e.first().map(DomainError::reason_zh).unwrap_or_default()
                }
                Err(AppError::Conflict(_)) => "该案件已有结果，不能更改".to_string(),
                Err(e) => return Err(refused(e, READ_ONLY)),
            }
        }
    };
    let entered = Entered {
        decision: Some((id, form, error)),
        ..Entered::default()
    };
    cx.invalid(&state, viewer, entered).await
}

async fn new_version(State(state): State<AppState>, posted: Posted) -> Answer {
    let cx = &posted.cx;
    state
        .app
        .create_version(&cx.agency.slug, cx.year, &cx.staff.actor)
        .await
        .map_err(|e| refused(e, READ_ONLY))?;
    Ok(back(&cx.agency, cx.year, "version", "versions"))
}

/// The version `id` of the page's agency and year, else not found.
async fn version_of(state: &AppState, cx: &FormContext, id: i64) -> Result<ReportVersion, Halt> {
    Ok(state
        .app
        .versions(&cx.agency.slug, cx.year, &cx.staff.actor)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or(PageError::NotFound)?)
}

/// Why the publish gate refuses `version`, in Chinese: not approved, an error-level finding
/// (R1–R5), placeholder text (S2) — each with its cell or section named.
fn refusal_of(version: &ReportVersion) -> Vec<String> {
    if version.status != ReportStatus::Approved {
        return vec![format!(
            "第{}版现为“{}”，只有经负责人批准的版本可以发布。",
            version.version,
            status_zh(version.status)
        )];
    }
    let Ok(report) = serde_json::from_str::<Report>(&version.report_json) else {
        return vec!["该版本的数据无法读取，请重新生成版本。".to_string()];
    };
    let mut reasons: Vec<String> = check(&report, &Default::default())
        .iter()
        .filter(|f| f.severity == Severity::Error || f.rule == "S2")
        .map(|f| {
            format!(
                "{}（{}）：{}",
                cell_name_zh(&f.location, report.format),
                f.rule,
                f.explain_zh()
            )
        })
        .collect();
    if !reasons.is_empty() {
        reasons.push(format!(
            "第{}版已冻结，不能修改：请改正上述内容后保存，重新生成版本，经负责人批准后发布。",
            version.version
        ));
    }
    reasons
}

/// 批准 (`approve`) or 发布 (`publish`) a version: the head's; a refusal of the state or of the
/// publish gate is shown on the editor (409) with the reasons in Chinese.
async fn sign_off(State(state): State<AppState>, posted: Posted) -> Answer {
    let Posted { cx, viewer, .. } = &posted;
    let step = posted.params.get("step").map_or("", String::as_str);
    let version = version_of(&state, cx, posted.id()?).await?;
    let actor = &cx.staff.actor;
    let (done, saved) = match step {
        "approve" => (state.app.approve(version.id, actor).await, "approved"),
        "publish" => (state.app.publish(version.id, actor).await, "published"),
        _ => return Err(PageError::NotFound.into()),
    };
    match done {
        Ok(_) => Ok(back(&cx.agency, cx.year, saved, "versions")),
        Err(AppError::Transition { .. } | AppError::Invalid(_) | AppError::Conflict(_)) => {
            let mut refusal = if step == "approve" {
                vec![format!(
                    "第{}版现为“{}”，只有草稿可以批准。",
                    version.version,
                    status_zh(version.status)
                )]
            } else {
                refusal_of(&version)
            };
            if refusal.is_empty() {
                refusal.push(format!(
                    "第{}版未能发布：该版本现在不能发布。",
                    version.version
                ));
            }
            let entered = Entered {
                refusal,
                ..Entered::default()
            };
            cx.again(&state, viewer, StatusCode::CONFLICT, entered)
                .await
        }
        Err(e) => Err(refused(e, HEAD_ONLY)),
    }
}

// ---------------------------------------------------------------------------------------------
// /admin/reports/{year}/cells/{cell}

/// One request (or review case) behind a cell, with what it is counted by.
struct Behind {
    label: String,
    href: String,
    /// 申请人类型 (table 2) or 类别 (table 3).
    kind: &'static str,
    /// Received (table 2) or filed (table 3).
    on: String,
    /// 办结 / 审结 day, if any.
    concluded_on: Option<String>,
    /// 办理结果 / 审结结果, if any.
    result: Option<&'static str>,
}

fn behind(number: String, fact: CellFact, editor: &str) -> Behind {
    let (label, href) = match number.strip_prefix("review_case:") {
        Some(id) => (
            format!("案件 {id}（未关联申请）"),
            format!("{editor}#case-{id}"),
        ),
        None => (number.clone(), format!("/admin/requests/{number}")),
    };
    match fact {
        CellFact::Request(f) => Behind {
            label,
            href,
            kind: f.kind.label_zh(),
            on: f.received_on.to_string(),
            concluded_on: f.concluded.map(|(on, _)| on.to_string()),
            result: f.concluded.map(|(_, o)| o.label_zh()),
        },
        CellFact::Review(f) => Behind {
            label,
            href,
            kind: f.kind.name_zh(),
            on: f.filed_on.to_string(),
            concluded_on: f.decided.map(|(on, _)| on.to_string()),
            result: f.decided.map(|(_, r)| r.name_zh()),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_report_cell.html")]
struct CellPage {
    chrome: Chrome,
    agency: String,
    year: i32,
    cell: String,
    path: String,
    review: bool,
    items: Vec<Behind>,
    back: String,
}

async fn cell(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((year, cell)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let staff = staff(&state, &headers).await?;
    let (year, format) = year_of(&year)?;
    let agency = chosen(&state, &staff, &page_query(&raw)).await?;
    let name = cell_name_zh(&cell, format);
    if name == cell {
        return Err(PageError::NotFound.into());
    }
    let found = match state
        .app
        .drill_down(&agency.slug, year, &cell, &staff.actor)
        .await
    {
        Ok(found) => found,
        Err(AppError::Invalid(_)) => return Err(PageError::NotFound.into()),
        Err(e) => return Err(e.into()),
    };
    let back = editor_href(&agency.slug, year);
    let items = found
        .requests
        .into_iter()
        .zip(found.facts)
        .map(|(number, fact)| behind(number, fact, &back))
        .collect();
    Ok(render(&CellPage {
        chrome: Chrome::site(&viewer).crumbs(vec![
            Crumb::link("工作台", "/admin/"),
            Crumb::link("年度报告", "/admin/reports"),
            Crumb::link(format!("{year}年度报告"), back.clone()),
            Crumb::here(name.clone()),
        ]),
        agency: agency.name,
        year,
        review: cell.starts_with("review."),
        cell: name,
        path: cell,
        items,
        back,
    }))
}
