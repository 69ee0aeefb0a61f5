//! The real published reports of `fixtures/reports/`: every hand-read figure, every warning.

mod common;

use common::{FIXTURES, fixture};
use gongkai_audit::extract;
use gongkai_domain::report::{Report, Severity};
use serde_json::Value;

fn audited(name: &str) -> Report {
    extract(&fixture(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .audit(None)
}

/// Looks up `requests.new[6]`, `review.reconsideration.total`, `year` in the report's JSON.
fn lookup<'a>(json: &'a Value, path: &str) -> &'a Value {
    let mut v = json;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        v = &v[key];
        if let Some(i) = index {
            v = &v[i];
        }
    }
    v
}

fn rules(r: &Report, severity: Severity) -> Vec<String> {
    let mut v: Vec<String> = r
        .findings
        .iter()
        .flatten()
        .filter(|f| f.severity == severity)
        .map(|f| f.rule.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn fuxin_matches_its_full_expected_json() {
    let expected: Value =
        serde_json::from_str(&fixture("fuxin-zrzyj-2020.expected.json")).expect("json");
    let report = audited("fuxin-zrzyj-2020.txt");
    assert_eq!(report.figures_json(), expected);
    assert_eq!(report.findings, Some(vec![]), "a consistent report");
    let sections = report.sections.expect("sections");
    assert!(sections.overview.starts_with("2020 年，阜新市自然资源局"));
    assert!(sections.problems.contains("公开时间滞后"));
    assert_eq!(sections.other, "无");
}

#[test]
fn every_hand_read_figure_and_warning() {
    let expected: Value = serde_json::from_str(&fixture("expected-figures.json")).expect("json");
    let files = expected.as_object().expect("an object");
    assert!(files.len() >= 3);
    for (file, spec) in files {
        let report = audited(file);
        let json = serde_json::to_value(&report).expect("json");
        for (path, want) in spec["figures"].as_object().expect("figures") {
            assert_eq!(lookup(&json, path), want, "{file}: {path}");
        }
        if spec["consistent"] == Value::Bool(true) {
            assert_eq!(
                rules(&report, Severity::Error),
                Vec::<String>::new(),
                "{file}"
            );
        }
        let mut want: Vec<String> = spec["warn"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|w| w.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        want.sort();
        assert_eq!(rules(&report, Severity::Warning), want, "{file}: warnings");
    }
}

#[test]
fn shanghai_blank_cells_and_the_narrative_that_disagrees() {
    let report = audited("shanghai-office-2019.txt");
    let t1: Vec<_> = report
        .findings
        .iter()
        .flatten()
        .filter(|f| f.rule == "T1")
        .collect();
    // “予以公开及部分公开258件”, but 予以公开 272 + 部分公开 3 in the table.
    assert_eq!(t1.len(), 1);
    assert_eq!(t1[0].expected, Some(Value::from(275)));
    assert_eq!(t1[0].found, Some(Value::from(258)));
    let t = &report.requests;
    assert_eq!(
        t.disclosed,
        [Some(258), Some(12), None, None, Some(1), Some(1), None]
    );
    assert_eq!(
        t.total,
        [Some(767), Some(35), None, None, Some(2), Some(1), Some(805)]
    );
    let amount = match report.proactive {
        gongkai_domain::report::Proactive::F2019(p) => p.procurement.amount_wan_yuan,
        _ => None,
    };
    // 251000元 = 25.1 万元.
    assert!(amount.is_some_and(|a| (a.0 - 25.1).abs() < 1e-9));
    assert_eq!(report.agency, "上海市人民政府办公厅");
}

#[test]
fn pingtan_run_together_cells_are_recovered_from_the_arithmetic() {
    let report = audited("pingtan-2021.txt");
    let t = &report.requests;
    assert_eq!(t.new, [64, 0, 0, 2, 0, 4, 70].map(Some));
    assert_eq!(t.disclosed, [27, 0, 0, 2, 0, 1, 30].map(Some));
    assert_eq!(t.partially_disclosed, [5, 0, 0, 0, 0, 0, 5].map(Some));
    assert_eq!(
        t.unable_to_provide.not_held,
        [22, 0, 0, 0, 0, 3, 25].map(Some)
    );
    assert_eq!(t.total, [63, 0, 0, 2, 0, 4, 69].map(Some));
    assert_eq!(t.other.other, [1, 0, 0, 0, 0, 0, 1].map(Some));
    assert_eq!(report.review.reconsideration.other, Some(2));
    assert_eq!(report.agency, "平潭综合实验区");
}

#[test]
fn huaian_wrapped_labels_and_2021_table_1() {
    let report = audited("huaian-city-2024.txt");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["proactive"]["normative_documents"]["in_force"], 66);
    assert_eq!(json["proactive"]["licensing"]["decisions"], 447228);
    assert_eq!(json["proactive"]["fees"]["amount_wan_yuan"], 96171.6);
    assert_eq!(json["requests"]["other"]["no_correction"][6], 71);
    assert_eq!(json["requests"]["other"]["fee_unpaid"][6], 6);
    assert_eq!(json["requests"]["other"]["other"][6], 110);
    assert_eq!(
        json["requests"]["not_processed"]["confirm_or_reissue"][0],
        1
    );
    assert_eq!(report.agency, "淮安市人民政府");
}

#[test]
fn no_real_report_is_taken_for_placeholder_text() {
    let mut read = 0;
    for entry in std::fs::read_dir(FIXTURES).expect("fixtures") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !name.ends_with(".txt") {
            continue;
        }
        let report = audited(&name);
        let sections = report.sections.clone().unwrap_or_default();
        assert!(
            !sections.problems.trim().is_empty(),
            "{name}: section 五 read"
        );
        let s2: Vec<_> = report
            .findings
            .iter()
            .flatten()
            .filter(|f| f.rule == "S2")
            .collect();
        assert!(s2.is_empty(), "{name}: {s2:#?}");
        read += 1;
    }
    assert!(read >= 4, "{read} reports");
}

#[test]
fn the_fixtures_directory_is_where_the_tests_think() {
    assert!(std::path::Path::new(FIXTURES).join("README.md").exists());
}
