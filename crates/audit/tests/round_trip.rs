//! Round trip: every report `gongkai report` renders (Markdown, HTML, DOCX, PDF) audits back to
//! the same canonical JSON (figures and narrative sections), with no finding.

mod common;

use common::random_report;
use gongkai_audit::extract_bytes;
use gongkai_domain::report::{Report, Sections, Severity, starter_sections};
use gongkai_render::{OutputFormat, render};
use rand::SeedableRng;
use rand::rngs::StdRng;

const FORMATS: [OutputFormat; 4] = [
    OutputFormat::Markdown,
    OutputFormat::Html,
    OutputFormat::Docx,
    OutputFormat::Pdf,
];

/// The starter sections with section 五 written, as staff would before publishing (the starter
/// text leaves it as placeholder text, which S2 warns about).
fn written_sections(report: &Report) -> Sections {
    let mut s = starter_sections(report);
    s.problems = "存在的主要问题：公开形式还不够丰富。改进情况：下步将完善制度建设。".into();
    s
}

fn assert_round_trip(report: &Report, label: &str) {
    for format in FORMATS {
        let bytes =
            render(report, format).unwrap_or_else(|e| panic!("{label}: render {format:?}: {e}"));
        let name = format!("report.{}", format.extension());
        let x = extract_bytes(&bytes, Some(&name))
            .unwrap_or_else(|e| panic!("{label} {format:?}: not read back: {e}"));
        assert_eq!(x.report.year, report.year, "{label} {format:?}: year");
        assert_eq!(x.report.format, report.format, "{label} {format:?}: format");
        assert_eq!(x.report.agency, report.agency, "{label} {format:?}: agency");
        assert_eq!(
            x.report.figures_json(),
            report.figures_json(),
            "{label} {format:?}: figures differ"
        );
        let words = |t: &str| t.split_whitespace().collect::<String>();
        let (ours, read) = (
            report.sections.clone().unwrap_or_default(),
            x.report.sections.clone().unwrap_or_default(),
        );
        for (name, a, b) in [
            ("overview", &ours.overview, &read.overview),
            ("problems", &ours.problems, &read.problems),
            ("other", &ours.other, &read.other),
        ] {
            assert_eq!(words(b), words(a), "{label} {format:?}: section {name}");
        }
        let audited = x.audit(None);
        let rules: Vec<&str> = audited
            .findings
            .iter()
            .flatten()
            .map(|f| f.rule.as_str())
            .collect();
        assert!(rules.is_empty(), "{label} {format:?}: findings {rules:?}");
    }
}

#[test]
fn rendered_reports_audit_back_to_the_same_json() {
    let mut rng = StdRng::seed_from_u64(20_261_127);
    for (i, year) in [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2020]
        .into_iter()
        .enumerate()
    {
        let mut report = random_report(&mut rng, year);
        report.sections = Some(written_sections(&report));
        assert_round_trip(&report, &format!("#{i} ({year})"));
    }
}

#[test]
fn an_all_zero_report_audits_back_to_zeros() {
    for year in [2020, 2024] {
        let mut report = Report::zeros("某某县教育局", year).expect("year");
        report.sections = Some(written_sections(&report));
        assert_round_trip(&report, &format!("zeros {year}"));
    }
}

#[test]
fn a_rendered_report_still_holding_placeholder_text_is_warned_about() {
    let mut report = Report::zeros("某某县教育局", 2024).expect("year");
    report.sections = Some(starter_sections(&report));
    for format in FORMATS {
        let bytes = render(&report, format).expect("render");
        let name = format!("report.{}", format.extension());
        let audited = extract_bytes(&bytes, Some(&name))
            .expect("read back")
            .audit(None);
        let s2: Vec<_> = audited
            .findings
            .iter()
            .flatten()
            .filter(|f| f.rule == "S2")
            .collect();
        assert_eq!(s2.len(), 1, "{format:?}: {:#?}", audited.findings);
        assert_eq!(s2[0].severity, Severity::Warning);
        assert_eq!(s2[0].location, "sections.problems", "{format:?}");
        assert!(
            s2[0].message.contains("（待填写）"),
            "{format:?}: {}",
            s2[0].message
        );
    }
}
