//! A real report with one cell changed: the auditor names the rule, the cell and the value the
//! table's own arithmetic expects there.

mod common;

use common::fixture;
use gongkai_audit::batch::{AuditArgs, run_with};
use gongkai_audit::extract;
use gongkai_domain::report::{Finding, Severity};
use serde_json::Value;

fn errors(text: &str) -> Vec<Finding> {
    extract(text)
        .expect("a report")
        .audit(None)
        .findings
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

#[test]
fn fuxin_with_one_disclosed_cell_changed() {
    let text = replace_once(
        &fixture("fuxin-zrzyj-2020.txt"),
        "（一）予以公开\t13\t2",
        "（一）予以公开\t12\t2",
    );
    let fs = errors(&text);
    let rules: Vec<&str> = fs.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["R3", "R2"]);
    for f in &fs {
        assert_eq!(f.location, "requests.disclosed[0]");
        assert_eq!(f.expected, Some(Value::from(13)));
        assert_eq!(f.found, Some(Value::from(12)));
    }
}

#[test]
fn fuxin_with_the_grand_total_changed() {
    let text = replace_once(
        &fixture("fuxin-zrzyj-2020.txt"),
        "(七) 总计\t13\t2\t0\t0\t0\t0\t15",
        "(七) 总计\t13\t2\t0\t0\t0\t0\t16",
    );
    let fs = errors(&text);
    assert_eq!(
        fs.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(),
        ["R3", "R1", "R2"]
    );
    assert!(
        fs.iter()
            .all(|f| f.location == "requests.total[6]" && f.expected == Some(Value::from(15)))
    );
}

#[test]
fn huaian_with_one_withheld_cell_changed() {
    // PDF text, space-separated: 5.属于三类内部事务信息 7 1 0 0 0 0 8 → 7 becomes 9.
    let text = replace_once(
        &fixture("huaian-city-2024.txt"),
        "5.属于三类内部事务信息 7 1 0 0 0 0 8",
        "5.属于三类内部事务信息 9 1 0 0 0 0 8",
    );
    let fs = errors(&text);
    assert_eq!(
        fs.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(),
        ["R3", "R2"]
    );
    assert!(
        fs.iter()
            .all(|f| f.location == "requests.withheld.internal_affairs[0]"
                && f.expected == Some(Value::from(7))
                && f.found == Some(Value::from(9)))
    );
}

#[test]
fn a_review_block_that_does_not_add_up_and_the_exit_code() {
    let text = replace_once(
        &fixture("huaian-city-2024.txt"),
        "72 64 178 37 351",
        "72 64 178 37 352",
    );
    let fs = errors(&text);
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].rule, "R4");
    assert_eq!(fs[0].location, "review.reconsideration.total");
    assert_eq!(fs[0].expected, Some(Value::from(351)));

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huaian.txt");
    std::fs::write(&path, text).expect("write");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = AuditArgs {
        files: vec![path],
        json: true,
        csv: false,
        previous: None,
    };
    assert_eq!(run_with(args, &mut out, &mut err, &mut |_, _| {}), 1);
    let json: Value = serde_json::from_slice(&out).expect("the canonical JSON");
    assert_eq!(json["findings"][0]["rule"], "R4");
    assert_eq!(json["findings"][0]["where"], "review.reconsideration.total");
}
