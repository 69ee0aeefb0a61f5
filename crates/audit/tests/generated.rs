//! Random consistent reports of both formats, rendered to text in several layouts, audited back
//! to the same figures with no error.

mod common;

use common::{LAYOUTS, Layout, random_report, render};
use gongkai_audit::extract;
use gongkai_domain::report::{CellRef, Severity};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[test]
fn generated_reports_read_back_to_the_same_figures() {
    let mut rng = StdRng::seed_from_u64(20_240_101);
    let mut ambiguous = 0;
    for i in 0..60 {
        let year = [2019, 2020, 2021, 2022, 2023, 2024][i % 6];
        let report = random_report(&mut rng, year);
        for layout in LAYOUTS {
            let text = render(&report, layout);
            let x = extract(&text).unwrap_or_else(|e| panic!("#{i} {layout:?}: {e}\n{text}"));
            let audited = x.audit(None);
            let errors: Vec<_> = audited
                .findings
                .iter()
                .flatten()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "#{i} {layout:?}: {errors:#?}\n{text}");
            if layout == Layout::Glued && x.report.figures_json() != report.figures_json() {
                // Run-together cells may fit the arithmetic in more than one way: then the
                // cells the readings disagree on are not guessed but unread (P1), and every
                // cell that is read is right.
                ambiguous += 1;
                let unread = x.readings.unread();
                assert!(!unread.is_empty(), "#{i}: a wrong reading is not flagged");
                let (ours, read) = (&report, &x.report);
                for cell in CellRef::all(report.format) {
                    let got = cell.get(&read.requests, &read.review);
                    if !unread.contains(&cell) {
                        assert_eq!(
                            got,
                            cell.get(&ours.requests, &ours.review),
                            "#{i} {cell}: read wrong, not flagged"
                        );
                    }
                }
                assert!(audited.findings.iter().flatten().any(|f| f.rule == "P1"));
                continue;
            }
            assert_eq!(
                x.report.figures_json(),
                report.figures_json(),
                "#{i} {layout:?}\n{text}"
            );
            assert_eq!(x.report.agency, report.agency);
            assert_eq!(x.headings_present, [true; 6]);
            let warnings: Vec<&str> = audited
                .findings
                .iter()
                .flatten()
                .map(|f| f.rule.as_str())
                .collect();
            assert!(warnings.is_empty(), "#{i} {layout:?}: {warnings:?}");
        }
    }
    assert!(
        ambiguous <= 10,
        "{ambiguous} of 60 run-together reports read ambiguously"
    );
}

#[test]
fn a_narrative_that_disagrees_with_the_table_warns_t1() {
    let mut rng = StdRng::seed_from_u64(7);
    let report = random_report(&mut rng, 2022);
    let new = report.requests.new[6].expect("new");
    let text = render(&report, Layout::Spaces).replace(
        &format!("共受理政府信息公开申请{new}件"),
        &format!("共受理政府信息公开申请{}件", new + 17),
    );
    let audited = extract(&text).expect("a report").audit(None);
    let t1: Vec<_> = audited
        .findings
        .iter()
        .flatten()
        .filter(|f| f.rule == "T1")
        .collect();
    assert_eq!(t1.len(), 1, "{t1:#?}");
    assert_eq!(t1[0].location, "requests.new[6]");
    assert_eq!(t1[0].found, Some(serde_json::Value::from(new + 17)));
}

#[test]
fn a_2021_report_in_the_2019_layout_is_a_hybrid_and_warns_f1() {
    let mut rng = StdRng::seed_from_u64(11);
    let mut report = random_report(&mut rng, 2020);
    report.year = 2022;
    let audited = extract(&render(&report, Layout::Spaces))
        .expect("a report")
        .audit(None);
    assert_eq!(audited.format.code(), "2019");
    assert!(
        audited
            .findings
            .iter()
            .flatten()
            .any(|f| f.rule == "F1" && f.location == "format")
    );
}
