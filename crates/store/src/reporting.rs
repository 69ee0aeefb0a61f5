//! The annual report generator: every cell a query over the records, assembled by the domain
//! core and checked by the same rule function the auditor runs.

use std::collections::BTreeMap;

use gongkai_domain::DomainError;
use gongkai_domain::report::placeholder::section_placeholders;
use gongkai_domain::report::{
    CheckContext, Finding, Report, ReportFormat, Severity, check, compose, proactive,
    starter_sections, tally_groups, tally_review,
};

use crate::{Actor, Agency, ReportStatus, ReportVersion, Result, Store, StoreError};

/// The report of one agency for `year`, from its records. Sections are the saved ones or, when
/// none were saved, starter texts written from the figures.
pub async fn generate(store: &dyn Store, agency: &Agency, year: i32) -> Result<Report> {
    let format = ReportFormat::for_year(year)?;
    let id = Some(agency.id);
    // Two queries, one after the other: the second takes well under a millisecond, less than
    // handing work between threads would cost (measured in benches/report.rs).
    let groups = store.request_groups(id, year).await?;
    let registers = store.report_registers(id, year).await?;
    let requests = tally_groups(format, groups);
    let review = tally_review(year, registers.review_cases.into_iter().map(|c| c.fact));
    let stats: BTreeMap<String, f64> = registers
        .statistics
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect();
    let mut report = compose(
        &agency.name,
        year,
        proactive(format, registers.rules, registers.normative, &stats),
        requests,
        review,
        None,
    )?;
    report.sections = Some(
        registers
            .sections
            .unwrap_or_else(|| starter_sections(&report)),
    );
    Ok(report)
}

/// Tables 2 and 3 summed over every agency of the deployment (a supervisor's view).
pub async fn generate_aggregate(store: &dyn Store, label: &str, year: i32) -> Result<Report> {
    let format = ReportFormat::for_year(year)?;
    let groups = store.request_groups(None, year).await?;
    let registers = store.report_registers(None, year).await?;
    let requests = tally_groups(format, groups);
    let report = compose(
        label,
        year,
        proactive(
            format,
            registers.rules,
            registers.normative,
            &BTreeMap::new(),
        ),
        requests,
        tally_review(year, registers.review_cases.into_iter().map(|c| c.fact)),
        None,
    )?;
    Ok(report)
}

/// The error-level findings that forbid publishing.
pub fn blocking_findings(report: &Report) -> Vec<Finding> {
    check(report, &CheckContext::default())
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

/// The publish gate for placeholder text: a report whose narrative sections still hold any
/// (`report::placeholder`, the same definition as the warning S2) is not published. The error
/// names the first such section as its field and lists every one with the text quoted.
pub fn refuse_placeholders(report_json: &str) -> Result<()> {
    let report: Report =
        serde_json::from_str(report_json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let Some(sections) = &report.sections else {
        return Ok(());
    };
    let found = section_placeholders(sections);
    let Some(first) = found.first() else {
        return Ok(());
    };
    let all: Vec<String> = found
        .iter()
        .map(|s| format!("{} ({}): {}", s.heading, s.field, s.quotes()))
        .collect();
    Err(DomainError::invalid(
        first.field,
        format!(
            "placeholder text in section {}; write the section, then save, approve and publish a new version",
            all.join("; ")
        ),
    )
    .into())
}

/// Freezes the current figures as a new draft version.
pub async fn save_draft(
    store: &dyn Store,
    agency: &Agency,
    year: i32,
    actor: &Actor,
) -> Result<ReportVersion> {
    let report = generate(store, agency, year).await?;
    let json =
        serde_json::to_string_pretty(&report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    store.save_report_draft(agency.id, year, &json, actor).await
}

/// The publish gate, the one decision whether a version may be published: it is approved,
/// no error-level finding of `report::check` (R1–R5 …) stands, and no narrative section still
/// holds placeholder text (S2). [`Store::publish_report`] runs it inside its transaction, so no
/// caller publishes past it; the application runs it first, before rendering the files.
pub fn publish_gate(version: &ReportVersion) -> Result<Report> {
    if version.status != ReportStatus::Approved {
        return Err(DomainError::Transition {
            event: "publish",
            reason: format!(
                "version {} is {}; only an approved report is published",
                version.version,
                version.status.code()
            ),
        }
        .into());
    }
    let report: Report = serde_json::from_str(&version.report_json)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let blocking = blocking_findings(&report);
    if let Some(f) = blocking.first() {
        return Err(DomainError::Transition {
            event: "publish",
            reason: format!(
                "{} consistency error(s), first {} at {}: {}",
                blocking.len(),
                f.rule,
                f.location,
                f.message
            ),
        }
        .into());
    }
    refuse_placeholders(&version.report_json)?;
    Ok(report)
}

/// Publishes an approved version with its rendered files (the gate runs inside
/// [`Store::publish_report`]); the application's `publish` renders the files itself.
pub async fn publish(
    store: &dyn Store,
    version: &ReportVersion,
    files: Vec<(String, Vec<u8>)>,
    actor: &Actor,
) -> Result<ReportVersion> {
    store.publish_report(version.id, files, actor).await
}
