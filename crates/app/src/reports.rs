//! 政府信息公开工作年度报告 — the annual report (Art. 49–50): generated from the records and
//! checked by the same rules the auditor runs, drilled into cell by cell, its registers
//! (publications, review cases, statistics, narrative sections) kept, and signed off draft →
//! approved (the head) → published (the head; the gate first, then the files rendered off the
//! async executor, then frozen).

use chrono::NaiveDate;
use gongkai_domain::report::{
    CellRef, CheckContext, Report, ReportFormat, RequestFact, ReviewFact, ReviewKind, ReviewResult,
    Sections, check,
};
use gongkai_render::OutputFormat;
use gongkai_store::{
    Actor, Agency, NewPublication, ReportRegisters, ReportStatus, ReportVersion, ReviewCase,
    Statistic, reporting,
};

use crate::{App, AppError, Result};

/// The requests (or review cases) behind one cell of a report.
#[derive(Debug, Clone)]
pub struct CellDrillDown {
    pub cell: String,
    /// Table 2: request numbers. Table 3: the number of the request each case concerns, or
    /// `review_case:<id>` for a case not linked to a request.
    pub requests: Vec<String>,
    /// What each of `requests` is counted by, in the same order.
    pub facts: Vec<CellFact>,
}

/// The facts one entry of a drill-down is counted by: a request's (table 2) or a review case's
/// (table 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellFact {
    Request(RequestFact),
    Review(ReviewFact),
}

/// 行政复议 / 行政诉讼 to record, as submitted.
#[derive(Debug, Clone)]
pub struct ReviewCaseInput {
    pub kind: ReviewKind,
    pub request_number: Option<String>,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub result: Option<ReviewResult>,
}

impl App {
    /// An agency whose report the actor writes ([`Actor::may_act_for`]: its 公开办 and head); a
    /// reader of the agency (a supervisor, a handler) is refused as forbidden (监督 reads,
    /// never changes), anyone else finds nothing.
    async fn report_agency(&self, slug: &str, actor: &Actor) -> Result<Agency> {
        let agency = self.readable_agency(slug, actor).await?;
        if actor.may_act_for(agency.id) {
            Ok(agency)
        } else {
            Err(read_only())
        }
    }

    /// The report of a year as the records stand now, with its findings: for the agency's staff
    /// and its supervisors ([`Actor::may_read_agency`]).
    pub async fn current_report(&self, agency: &str, year: i32, actor: &Actor) -> Result<Report> {
        let agency = self.readable_agency(agency, actor).await?;
        let mut report = reporting::generate(self.store.as_ref(), &agency, year).await?;
        report.findings = Some(check(&report, &CheckContext::default()));
        Ok(report)
    }

    /// The requests or cases counted in one cell: `requests.disclosed[0]` (table 2) or
    /// `review.reconsideration.corrected` (table 3); for those who see every request of the
    /// agency (its office and head, its supervisors — not a handler, who sees one department's).
    pub async fn drill_down(
        &self,
        agency: &str,
        year: i32,
        cell: &str,
        actor: &Actor,
    ) -> Result<CellDrillDown> {
        let agency = self.readable_agency(agency, actor).await?;
        if !actor.may_see_request(agency.id, None) {
            return Err(AppError::NotFound(format!("agency {}", agency.slug)));
        }
        let format = ReportFormat::for_year(year)?;
        let target: CellRef = cell.parse()?;
        let wanted = target.to_string();
        let found: Vec<(String, CellFact)> = match target {
            CellRef::Requests { row, .. } if !row.in_format(format) => {
                return Err(gongkai_domain::DomainError::invalid(
                    "cell",
                    format!(
                        "{row} is not a row of the format {} of {year}",
                        format.code()
                    ),
                )
                .into());
            }
            CellRef::Requests { .. } => self
                .store
                .numbered_request_facts(agency.id, year)
                .await?
                .into_iter()
                .filter(|(_, fact)| fact.cells(year, format).contains(&wanted))
                .map(|(number, fact)| (number, CellFact::Request(fact)))
                .collect(),
            CellRef::Review { .. } => self
                .store
                .report_registers(Some(agency.id), year)
                .await?
                .review_cases
                .into_iter()
                .filter(|case| case.fact.cells(year).contains(&wanted))
                .map(|case| {
                    let number = case
                        .request_number
                        .unwrap_or_else(|| format!("review_case:{}", case.id));
                    (number, CellFact::Review(case.fact))
                })
                .collect(),
        };
        let (requests, facts) = found.into_iter().unzip();
        Ok(CellDrillDown {
            cell: wanted,
            requests,
            facts,
        })
    }

    /// Saves the narrative sections 一, 五, 六 of a year with a national format.
    pub async fn save_sections(
        &self,
        agency: &str,
        year: i32,
        sections: &Sections,
        actor: &Actor,
    ) -> Result<()> {
        let agency = self.report_agency(agency, actor).await?;
        ReportFormat::for_year(year)?;
        Ok(self
            .store
            .save_sections(agency.id, year, sections, actor)
            .await?)
    }

    /// Records a table-1 figure that lives in another system, with its source.
    pub async fn set_statistic(
        &self,
        agency: &str,
        year: i32,
        stat: Statistic,
        actor: &Actor,
    ) -> Result<()> {
        let agency = self.report_agency(agency, actor).await?;
        Ok(self
            .store
            .set_statistic(agency.id, year, stat, actor)
            .await?)
    }

    /// Records a reconsideration or lawsuit; a decision needs both its day and its result.
    pub async fn add_review_case(
        &self,
        agency: &str,
        input: ReviewCaseInput,
        actor: &Actor,
    ) -> Result<i64> {
        let agency = self.report_agency(agency, actor).await?;
        let decided = match (input.decided_on, input.result) {
            (Some(on), Some(result)) => Some((on, result)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(gongkai_domain::DomainError::invalid(
                    "result",
                    "is required with decided_on",
                )
                .into());
            }
            (None, Some(_)) => {
                return Err(gongkai_domain::DomainError::invalid(
                    "decided_on",
                    "is required with result",
                )
                .into());
            }
        };
        let fact = ReviewFact {
            kind: input.kind,
            filed_on: input.filed_on,
            decided,
        };
        Ok(self
            .store
            .add_review_case(agency.id, input.request_number.as_deref(), fact, actor)
            .await?)
    }

    /// Records the decision of a pending case of the actor's agency.
    pub async fn decide_review_case(
        &self,
        case_id: i64,
        decided_on: NaiveDate,
        result: ReviewResult,
        actor: &Actor,
    ) -> Result<ReviewCase> {
        match self.store.review_case_agency(case_id).await? {
            Some(agency_id) if actor.may_act_for(agency_id) => {}
            Some(agency_id) if actor.may_read_agency(agency_id) => return Err(read_only()),
            _ => return Err(AppError::NotFound(format!("review case {case_id}"))),
        }
        Ok(self
            .store
            .decide_review_case(case_id, decided_on, result, actor)
            .await?)
    }

    /// Registers a 规章 or 规范性文件 (counted in table 1).
    pub async fn add_publication(
        &self,
        agency: &str,
        publication: NewPublication,
        actor: &Actor,
    ) -> Result<i64> {
        let agency = self.report_agency(agency, actor).await?;
        Ok(self
            .store
            .add_publication(agency.id, publication, actor)
            .await?)
    }

    /// Freezes the current figures as a new draft version.
    pub async fn create_version(
        &self,
        agency: &str,
        year: i32,
        actor: &Actor,
    ) -> Result<ReportVersion> {
        let agency = self.report_agency(agency, actor).await?;
        Ok(reporting::save_draft(self.store.as_ref(), &agency, year, actor).await?)
    }

    /// Every version of a year's report.
    pub async fn versions(
        &self,
        agency: &str,
        year: i32,
        actor: &Actor,
    ) -> Result<Vec<ReportVersion>> {
        let agency = self.readable_agency(agency, actor).await?;
        Ok(self.store.report_versions(agency.id, year).await?)
    }

    /// The registers behind a year's report as they stand (review cases, statistics with
    /// their sources, saved sections), for the editor; readers as [`App::current_report`].
    pub async fn report_registers(
        &self,
        agency: &str,
        year: i32,
        actor: &Actor,
    ) -> Result<ReportRegisters> {
        let agency = self.readable_agency(agency, actor).await?;
        ReportFormat::for_year(year)?;
        Ok(self.store.report_registers(Some(agency.id), year).await?)
    }

    /// A version of an agency the actor reads, else not found.
    async fn visible_version(&self, id: i64, actor: &Actor) -> Result<ReportVersion> {
        self.store
            .report_version(id)
            .await?
            .filter(|v| actor.may_read_agency(v.agency_id))
            .ok_or_else(|| AppError::NotFound(format!("report version {id}")))
    }

    /// draft → approved, by the head of the agency's disclosure office (Art. 49).
    pub async fn approve(&self, version_id: i64, actor: &Actor) -> Result<ReportVersion> {
        let version = self.visible_version(version_id, actor).await?;
        actor.require_head_of(version.agency_id, "approving an annual report")?;
        Ok(self.store.approve_report(version_id, actor).await?)
    }

    /// approved → published, by the head: the publish gate ([`reporting::publish_gate`]:
    /// approved, no R-rule error, no placeholder text) first, then every format rendered on a
    /// blocking thread (typst is CPU-bound), then stored, hashed and frozen (the store runs the
    /// gate again on the locked row).
    pub async fn publish(&self, version_id: i64, actor: &Actor) -> Result<ReportVersion> {
        let version = self.visible_version(version_id, actor).await?;
        actor.require_head_of(version.agency_id, "publishing an annual report")?;
        let report = reporting::publish_gate(&version)?;
        let files = tokio::task::spawn_blocking(move || render_all(&report))
            .await
            .map_err(|e| AppError::Internal(format!("rendering stopped: {e}")))??;
        self.changing_directory(async {
            Ok(self.store.publish_report(version_id, files, actor).await?)
        })
        .await
    }

    /// The latest published version's file of a year in `format` (public; `None` before any
    /// publication).
    pub async fn published_file(
        &self,
        agency: &str,
        year: i32,
        format: OutputFormat,
    ) -> Result<Vec<u8>> {
        let agency = self.agency(agency).await?;
        let not_published =
            || AppError::NotFound(format!("published report {} {year}", agency.slug));
        let version = self
            .store
            .report_versions(agency.id, year)
            .await?
            .into_iter()
            .filter(|v| v.status == ReportStatus::Published)
            .max_by_key(|v| v.version)
            .ok_or_else(not_published)?;
        self.store
            .report_file(version.id, format.name())
            .await?
            .ok_or_else(not_published)
    }
}

/// What a reader of an agency (监督, 承办人) is told when trying to change its report.
fn read_only() -> AppError {
    AppError::Forbidden(
        "the annual report is written by the agency's disclosure office; this account only reads it"
            .into(),
    )
}

/// Every output format of a report, as stored on publication.
fn render_all(report: &Report) -> Result<Vec<(String, Vec<u8>)>> {
    OutputFormat::ALL
        .into_iter()
        .map(|format| {
            gongkai_render::render(report, format)
                .map(|bytes| (format.name().to_string(), bytes))
                .map_err(|e| AppError::Internal(format!("rendering {}: {e}", format.name())))
        })
        .collect()
}
