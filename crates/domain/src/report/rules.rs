//! 勾稽关系 — the consistency rules of `annual-report.md`, one function for the generator and the
//! auditor alike.
//!
//! Errors: R1–R5. Warnings: B1, P1 (cells the auditor could not read), X1, X2, F1, S1, S2, T1, D1. A blank cell takes part in no error rule.
//! When a single wrong cell breaks a row rule and a column rule at once, the findings name that
//! cell and the value the table's own arithmetic expects there.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{COLUMNS, CellRef, Proactive, Report, ReportFormat, Row, RowId, RowRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    Error,
    Warning,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    /// The cell (JSON path, e.g. `requests.disclosed[0]`) or part of the report concerned.
    #[serde(rename = "where")]
    pub location: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = finding_value))]
    pub expected: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(schema_with = finding_value))]
    pub found: Option<Value>,
    pub message: String,
}

/// What a finding expected or found: a figure, a date or format code, or nothing.
#[cfg(feature = "openapi")]
fn finding_value() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([
            Type::Number,
            Type::String,
            Type::Null,
        ]))
        .build()
}

impl Finding {
    fn new(
        rule: &str,
        severity: Severity,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule: rule.to_string(),
            severity,
            location: location.into(),
            expected: None,
            found: None,
            message: message.into(),
        }
    }
    fn values(mut self, expected: impl Into<Value>, found: impl Into<Value>) -> Self {
        self.expected = Some(expected.into());
        self.found = Some(found.into());
        self
    }
}

/// A kind of figure stated in the narrative text (T1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NarrativeKind {
    /// 受理/收到申请…件 — compared with 本年新收 (or 新收 + 上年结转).
    RequestsReceived,
    /// 予以公开…件
    Disclosed,
    /// 予以公开及部分公开…件 — compared with 予以公开 + 部分公开 (or 予以公开 alone).
    DisclosedOrPartially,
    /// 行政复议…件
    Reconsideration,
    /// 行政诉讼…件
    Litigation,
}

/// A figure the narrative states, with the words it was found in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeFigure {
    pub kind: NarrativeKind,
    pub value: i64,
    pub quote: String,
}

/// What the rules may know besides the report itself.
#[derive(Debug, Clone, Default)]
pub struct CheckContext<'a> {
    /// The same agency's report of the previous year (X1, X2).
    pub previous: Option<&'a Report>,
    /// Which of the six section headings were found (S1); `None` when not known.
    pub headings_present: Option<[bool; 6]>,
    /// Figures stated in the narrative (T1).
    pub narrative: Vec<NarrativeFigure>,
    /// Publication date, when known (D1).
    pub published_on: Option<NaiveDate>,
    /// A people's government publishes by 31 March instead of 31 January (Art. 49).
    pub is_government: bool,
    /// Cells the auditor could not read with certainty (a row it could not place, two readings
    /// that both fit): blank in the report, so no error rule rests on them; reported as **P1**
    /// (a warning naming them) instead of B1.
    pub unread: Vec<CellRef>,
}

/// The section headings in order (S1).
pub const SECTION_HEADINGS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

fn col_name(c: usize) -> String {
    format!("column {} ({})", c + 1, COLUMNS[c])
}

/// Sum of cells, or `None` if any is blank.
fn sum(cells: impl IntoIterator<Item = Option<i64>>) -> Option<i64> {
    cells
        .into_iter()
        .try_fold(0i64, |acc, c| c.map(|v| acc.saturating_add(v)))
}

/// Runs every rule on a report. Errors come first, in rule order.
pub fn check(report: &Report, ctx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    table2_rules(report, &mut out);
    review_rules(report, &mut out);
    cell_rules(report, &ctx.unread, &mut out);
    parse_rules(&ctx.unread, &mut out);
    cross_year_rules(report, ctx.previous, &mut out);
    format_rules(report, &mut out);
    section_rules(report, ctx, &mut out);
    placeholder_rules(report, &mut out);
    narrative_rules(report, ctx, &mut out);
    if let Some(published) = ctx.published_on {
        let (month, day, label) = if ctx.is_government {
            (3, 31, "31 March")
        } else {
            (1, 31, "31 January")
        };
        if let Some(due) = NaiveDate::from_ymd_opt(report.year + 1, month, day)
            && published > due
        {
            out.push(
                Finding::new(
                    "D1",
                    Severity::Warning,
                    "published_on",
                    format!(
                        "published {published}, after {label} {} (Art. 49)",
                        report.year + 1
                    ),
                )
                .values(due.to_string(), published.to_string()),
            );
        }
    }
    out.sort_by_key(|f| f.severity == Severity::Warning);
    out
}

/// R1, R2, R3 with single-cell localisation.
fn table2_rules(report: &Report, out: &mut Vec<Finding>) {
    let t = &report.requests;
    let all = t.all_rows();
    let outcome_rows: Vec<&RowRef<'_>> = all.iter().filter(|r| r.id.is_outcome()).collect();

    // R3: per row, column 7 = sum of columns 1–6. Remember the imbalance of each failing row.
    let mut row_off: Vec<(RowId, i64)> = Vec::new();
    for r in &all {
        if let (Some(parts), Some(total)) = (sum(r.row[..6].iter().copied()), r.row[6])
            && parts != total
        {
            row_off.push((r.id, total - parts));
        }
    }
    // R1 and R2 per column.
    let mut r1_off = [None; 7];
    let mut r2_off = [None; 7];
    for c in 0..7 {
        if let (Some(l), Some(r)) = (
            sum([t.new[c], t.carried_over[c]]),
            sum([t.total[c], t.carried_forward[c]]),
        ) && l != r
        {
            r1_off[c] = Some(l - r);
        }
        if let (Some(total), Some(parts)) = (t.total[c], sum(outcome_rows.iter().map(|r| r.row[c])))
            && total != parts
        {
            r2_off[c] = Some(total - parts);
        }
    }
    let failing_col = |c: usize| r1_off[c].is_some() || r2_off[c].is_some();
    let cell = |id: RowId, c: usize| -> Option<i64> { t.row(id).and_then(|r| r[c]) };
    let r1_rows = [
        RowId::New,
        RowId::CarriedOver,
        RowId::Total,
        RowId::CarriedForward,
    ];

    for (id, off) in &row_off {
        let cols: Vec<usize> = (0..7).filter(|&c| failing_col(c)).collect();
        let Some(row) = t.row(*id) else { continue };
        let path = id.path();
        let parts = sum(row[..6].iter().copied()).unwrap_or(0);
        let f = match cols.as_slice() {
            [6] => Finding::new(
                "R3",
                Severity::Error,
                format!("{path}[6]"),
                format!(
                    "{path}: 总计 is printed as {}, but the six applicant columns {} add up to {parts}",
                    row[6].unwrap_or(0),
                    printed(&row[..6])
                ),
            )
            .values(parts, row[6].unwrap_or(0)),
            [c] => {
                let found = row[*c].unwrap_or(0);
                Finding::new(
                    "R3",
                    Severity::Error,
                    format!("{path}[{c}]"),
                    format!(
                        "{path}: the {} cell, printed as {found}, breaks both its row ({} against 总计 {}) and its column; the table's arithmetic expects {}",
                        COLUMNS[*c],
                        printed(&row[..6]),
                        row[6].unwrap_or(0),
                        found + off
                    ),
                )
                .values(found + off, found)
            }
            _ => Finding::new(
                "R3",
                Severity::Error,
                format!("{path}[6]"),
                format!(
                    "{path}: 总计 {} ≠ sum of the six applicant columns {parts}",
                    row[6].unwrap_or(0)
                ),
            )
            .values(parts, row[6].unwrap_or(0)),
        };
        out.push(f);
    }

    for c in 0..7 {
        let failing_rows: Vec<RowId> = row_off.iter().map(|r| r.0).collect();
        if let Some(off) = r1_off[c] {
            let suspects: Vec<RowId> = failing_rows
                .iter()
                .copied()
                .filter(|p| r1_rows.contains(p))
                .collect();
            let f = match suspects.as_slice() {
                [p] => {
                    let found = cell(*p, c).unwrap_or(0);
                    // new + carried_over − total − carried_forward = off; fix the one suspect.
                    let expected = if matches!(p, RowId::New | RowId::CarriedOver) {
                        found - off
                    } else {
                        found + off
                    };
                    Finding::new(
                        "R1",
                        Severity::Error,
                        format!("{p}[{c}]"),
                        format!(
                            "{}: 一 + 二 ≠ 三 + 四 ({}); {p} is printed as {found}, the table's arithmetic expects {expected} here",
                            col_name(c),
                            r1_terms(t, c)
                        ),
                    )
                    .values(expected, found)
                }
                _ => {
                    let lhs = sum([t.new[c], t.carried_over[c]]).unwrap_or(0);
                    Finding::new(
                        "R1",
                        Severity::Error,
                        format!("requests.total[{c}]"),
                        format!("{}: 一 + 二 ≠ 三 + 四 ({})", col_name(c), r1_terms(t, c)),
                    )
                    .values(lhs, lhs - off)
                }
            };
            out.push(f);
        }
        if let Some(off) = r2_off[c] {
            let suspects: Vec<RowId> = failing_rows
                .iter()
                .copied()
                .filter(|p| *p == RowId::Total || p.is_outcome())
                .collect();
            let f = match suspects.as_slice() {
                [p] => {
                    let found = cell(*p, c).unwrap_or(0);
                    let expected = if *p == RowId::Total {
                        found - off
                    } else {
                        found + off
                    };
                    Finding::new("R2", Severity::Error, format!("{p}[{c}]"), format!("{}: （七）总计 {} ≠ sum of the 办理结果 rows {}; {p} is printed as {found}, the table's arithmetic expects {expected} here", col_name(c), t.total[c].unwrap_or(0), t.total[c].unwrap_or(0) - off))
                        .values(expected, found)
                }
                _ => {
                    let total = t.total[c].unwrap_or(0);
                    Finding::new(
                        "R2",
                        Severity::Error,
                        format!("requests.total[{c}]"),
                        format!(
                            "{}: （七）总计 {total} ≠ sum of the 办理结果 rows {}",
                            col_name(c),
                            total - off
                        ),
                    )
                    .values(total - off, total)
                }
            };
            out.push(f);
        }
    }
}

/// The printed cells, `13 + 2 + 0 + 0 + 0 + 0`, as an error message quotes them.
fn printed(cells: &[Option<i64>]) -> String {
    cells
        .iter()
        .map(|c| c.map_or_else(|| "—".to_string(), |v| v.to_string()))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The four figures of R1 in a column as printed: `新收 13 + 上年结转 0 = 13; 总计 12 + 结转下年度 0 = 12`.
fn r1_terms(t: &super::Requests, c: usize) -> String {
    let v = |x: Option<i64>| x.unwrap_or(0);
    let (a, b, x, y) = (
        v(t.new[c]),
        v(t.carried_over[c]),
        v(t.total[c]),
        v(t.carried_forward[c]),
    );
    format!(
        "新收 {a} + 上年结转 {b} = {}; （七）总计 {x} + 结转下年度 {y} = {}",
        a.saturating_add(b),
        x.saturating_add(y)
    )
}

/// R4: each block of table 3 adds up.
fn review_rules(report: &Report, out: &mut Vec<Finding>) {
    for (path, b) in report.review.blocks() {
        if let (Some(parts), Some(total)) =
            (sum([b.upheld, b.corrected, b.other, b.pending]), b.total)
            && parts != total
        {
            out.push(
                Finding::new(
                    "R4",
                    Severity::Error,
                    format!("{path}.total"),
                    format!(
                        "{path}: 总计 {total} ≠ 维持 + 纠正 + 其他 + 尚未审结 = {} = {parts}",
                        printed(&[b.upheld, b.corrected, b.other, b.pending])
                    ),
                )
                .values(parts, total),
            );
        }
    }
}

fn walk<'a>(v: &'a Value, path: String, f: &mut dyn FnMut(&str, &'a Value)) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(x, p, f);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, format!("{path}[{i}]"), f);
            }
        }
        _ => f(&path, v),
    }
}

/// P1: the cells the auditor could not read, one warning per table, naming them. They are blank
/// in the report, so no error rule rests on them.
fn parse_rules(unread: &[CellRef], out: &mut Vec<Finding>) {
    for (table, zh) in [("requests", "表三"), ("review", "表四")] {
        let cells: Vec<String> = unread
            .iter()
            .filter(|c| {
                matches!(
                    (c, table),
                    (CellRef::Requests { .. }, "requests") | (CellRef::Review { .. }, "review")
                )
            })
            .map(ToString::to_string)
            .collect();
        if cells.is_empty() {
            continue;
        }
        let n = cells.len();
        let listed = listed(&cells);
        out.push(
            Finding::new(
                "P1",
                Severity::Warning,
                table,
                format!(
                    "{n} cell(s) of {table} ({zh}) could not be read with certainty and are left out of every rule: {listed}"
                ),
            )
            .values(Value::Null, n as i64),
        );
    }
}

/// The first twelve cells of a list, and how many there are in all when there are more.
fn listed(cells: &[String]) -> String {
    let shown: Vec<&str> = cells.iter().take(12).map(String::as_str).collect();
    if cells.len() > shown.len() {
        format!("{} … ({} in all)", shown.join(", "), cells.len())
    } else {
        shown.join(", ")
    }
}

/// R5 (non-negative integers) and B1 (blank cells, one warning per table; cells the auditor
/// could not read are P1's, not B1's).
fn cell_rules(report: &Report, unread: &[CellRef], out: &mut Vec<Finding>) {
    let unread: Vec<String> = unread.iter().map(ToString::to_string).collect();
    let json = report.figures_json();
    let mut blanks: Vec<(String, Vec<String>)> = Vec::new();
    for table in ["proactive", "requests", "review"] {
        let mut found = Vec::new();
        walk(&json[table], table.to_string(), &mut |path, v| match v {
            Value::Null if unread.iter().any(|u| u == path) => {}
            Value::Null => found.push(path.to_string()),
            Value::Number(n) => {
                let money = path.ends_with("amount_wan_yuan");
                let may_be_negative = path.ends_with(".change");
                let negative = n.as_f64().is_some_and(|x| x < 0.0);
                if negative && !may_be_negative && !money {
                    out.push(
                        Finding::new(
                            "R5",
                            Severity::Error,
                            path,
                            format!("{path}: a count cannot be negative"),
                        )
                        .values(0, v.clone()),
                    );
                }
                if negative && money {
                    out.push(
                        Finding::new(
                            "R5",
                            Severity::Error,
                            path,
                            format!("{path}: an amount cannot be negative"),
                        )
                        .values(0, v.clone()),
                    );
                }
            }
            _ => {}
        });
        if !found.is_empty() {
            blanks.push((table.to_string(), found));
        }
    }
    for (table, cells) in blanks {
        let n = cells.len();
        let listed = listed(&cells);
        out.push(
            Finding::new(
                "B1",
                Severity::Warning,
                table.clone(),
                format!("{n} blank cell(s) in {table}: {listed}"),
            )
            .values(Value::Null, n as i64),
        );
    }
}

/// X1 (carry-over chain) and X2 (table 1 item counts) against the previous year's report.
fn cross_year_rules(report: &Report, previous: Option<&Report>, out: &mut Vec<Finding>) {
    let Some(prev) = previous else { return };
    if prev.year + 1 != report.year {
        out.push(Finding::new(
            "X1",
            Severity::Warning,
            "year",
            format!(
                "the previous report is for {}, not {}",
                prev.year,
                report.year - 1
            ),
        ));
        return;
    }
    for c in 0..7 {
        if let (Some(now), Some(before)) = (
            report.requests.carried_over[c],
            prev.requests.carried_forward[c],
        ) && now != before
        {
            out.push(
                Finding::new(
                    "X1",
                    Severity::Warning,
                    format!("requests.carried_over[{c}]"),
                    format!(
                        "{}: 上年结转 {now} ≠ last year's 结转下年度 {before}",
                        col_name(c)
                    ),
                )
                .values(before, now),
            );
        }
    }
    match (&report.proactive, &prev.proactive) {
        (Proactive::F2019(now), Proactive::F2019(before)) => {
            let pairs = [
                (
                    "licensing",
                    now.licensing.items_last_year,
                    before.licensing.items_last_year,
                    before.licensing.change,
                ),
                (
                    "other_services",
                    now.other_services.items_last_year,
                    before.other_services.items_last_year,
                    before.other_services.change,
                ),
                (
                    "penalty",
                    now.penalty.items_last_year,
                    before.penalty.items_last_year,
                    before.penalty.change,
                ),
                (
                    "coercion",
                    now.coercion.items_last_year,
                    before.coercion.items_last_year,
                    before.coercion.change,
                ),
                (
                    "fees",
                    now.fees.items_last_year,
                    before.fees.items_last_year,
                    before.fees.change,
                ),
            ];
            for (name, now, last, change) in pairs {
                if let (Some(now), Some(expected)) = (now, sum([last, change]))
                    && now != expected
                {
                    out.push(
                        Finding::new(
                            "X2",
                            Severity::Warning,
                            format!("proactive.{name}.items_last_year"),
                            format!(
                                "{name}: 上一年项目数量 {now} ≠ last year's {} + {}",
                                last.unwrap_or(0),
                                change.unwrap_or(0)
                            ),
                        )
                        .values(expected, now),
                    );
                }
            }
        }
        (Proactive::F2021(now), Proactive::F2021(before)) => {
            for (name, n, b) in [
                ("rules", now.rules, before.rules),
                (
                    "normative_documents",
                    now.normative_documents,
                    before.normative_documents,
                ),
            ] {
                if let (Some(in_force), Some(prev_in_force), Some(issued), Some(repealed)) =
                    (n.in_force, b.in_force, n.issued, n.repealed)
                {
                    let expected = prev_in_force + issued - repealed;
                    if expected != in_force {
                        out.push(
                            Finding::new("X2", Severity::Warning, format!("proactive.{name}.in_force"), format!("{name}: 现行有效 {in_force} ≠ last year's {prev_in_force} + 制发 {issued} − 废止 {repealed}"))
                                .values(expected, in_force),
                        );
                    }
                }
            }
        }
        _ => {}
    }
}

/// F1: the format matches the year and is complete.
fn format_rules(report: &Report, out: &mut Vec<Finding>) {
    if let Ok(expected) = ReportFormat::for_year(report.year)
        && expected != report.format
    {
        out.push(
            Finding::new(
                "F1",
                Severity::Warning,
                "format",
                format!(
                    "a report on {} uses format {} ({}), not {}",
                    report.year,
                    expected.code(),
                    expected.document(),
                    report.format.code()
                ),
            )
            .values(expected.code(), report.format.code()),
        );
    }
    if report.proactive.format() != report.format {
        out.push(Finding::new(
            "F1",
            Severity::Warning,
            "proactive",
            format!(
                "table 1 is in format {}, the report in {}",
                report.proactive.format().code(),
                report.format.code()
            ),
        ));
    }
    let o = &report.requests.other;
    let split = o.no_correction.is_some() || o.fee_unpaid.is_some();
    match report.format {
        ReportFormat::F2021 if !(o.no_correction.is_some() && o.fee_unpaid.is_some()) => out.push(Finding::new(
            "F1",
            Severity::Warning,
            "requests.other",
            "format 2021 has three （六）其他处理 rows (逾期不补正, 逾期未缴费, 其他); the report has fewer",
        )),
        ReportFormat::F2019 if split => {
            out.push(Finding::new("F1", Severity::Warning, "requests.other", "format 2019 has a single （六）其他处理 row"))
        }
        _ => {}
    }
}

/// S1: all six headings present; sections 五 and 六 not empty.
fn section_rules(report: &Report, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
    if let Some(present) = ctx.headings_present {
        for (i, ok) in present.iter().enumerate() {
            if !ok {
                out.push(Finding::new(
                    "S1",
                    Severity::Warning,
                    format!("sections[{}]", i + 1),
                    format!("heading {} is missing", SECTION_HEADINGS[i]),
                ));
            }
        }
    }
    if let Some(s) = &report.sections {
        for (name, text, heading) in [
            ("sections.problems", &s.problems, SECTION_HEADINGS[4]),
            ("sections.other", &s.other, SECTION_HEADINGS[5]),
        ] {
            if text.trim().is_empty() {
                out.push(Finding::new(
                    "S1",
                    Severity::Warning,
                    name,
                    format!("section {heading} is empty"),
                ));
            }
        }
    }
}

/// S2: no narrative section holds placeholder text (`placeholder::find_placeholders`: the starter
/// texts' （待填写）, XX, 【请填写…】 …); the report is the agency's public account of the year
/// (Art. 50), and publishing refuses such a report.
fn placeholder_rules(report: &Report, out: &mut Vec<Finding>) {
    let Some(sections) = &report.sections else {
        return;
    };
    for s in super::placeholder::section_placeholders(sections) {
        let mut f = Finding::new(
            "S2",
            Severity::Warning,
            s.field,
            format!(
                "section {} holds placeholder text: {}",
                s.heading,
                s.quotes()
            ),
        );
        f.found = s.found.first().map(|p| Value::from(p.text.clone()));
        out.push(f);
    }
}

/// The 总计 of a table 2 row; when the report leaves it blank but fills some applicant cells, the
/// sum of those cells (blanks read as 0). Used by the warning T1 only, never by an error rule.
fn row_total(row: &Row) -> Option<i64> {
    row[6].or_else(|| {
        row[..6].iter().any(Option::is_some).then(|| {
            row[..6]
                .iter()
                .flatten()
                .fold(0i64, |a, v| a.saturating_add(*v))
        })
    })
}

/// The 总计 of a table 3 block, or the sum of its filled parts when the report leaves it blank.
fn block_total(b: &super::ReviewBlock) -> Option<i64> {
    let parts = [b.upheld, b.corrected, b.other, b.pending];
    b.total.or_else(|| {
        parts.iter().any(Option::is_some).then(|| {
            parts
                .iter()
                .flatten()
                .fold(0i64, |a, v| a.saturating_add(*v))
        })
    })
}

/// T1: figures stated in the narrative agree with the tables.
fn narrative_rules(report: &Report, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
    let t = &report.requests;
    let r = &report.review;
    let new = row_total(&t.new);
    let disclosed = row_total(&t.disclosed);
    for fig in &ctx.narrative {
        let (path, candidates): (&str, Vec<Option<i64>>) = match fig.kind {
            NarrativeKind::RequestsReceived => (
                "requests.new[6]",
                vec![new, sum([new, row_total(&t.carried_over)])],
            ),
            NarrativeKind::Disclosed => ("requests.disclosed[6]", vec![disclosed]),
            NarrativeKind::DisclosedOrPartially => (
                "requests.disclosed[6]",
                vec![
                    sum([disclosed, row_total(&t.partially_disclosed)]),
                    disclosed,
                ],
            ),
            NarrativeKind::Reconsideration => (
                "review.reconsideration.total",
                vec![block_total(&r.reconsideration)],
            ),
            NarrativeKind::Litigation => {
                let direct = block_total(&r.litigation_direct);
                let after = block_total(&r.litigation_after_reconsideration);
                (
                    "review.litigation_direct.total",
                    vec![sum([direct, after.or(Some(0))]), direct],
                )
            }
        };
        let known: Vec<i64> = candidates.into_iter().flatten().collect();
        if let Some(first) = known.first()
            && !known.contains(&fig.value)
        {
            out.push(
                Finding::new(
                    "T1",
                    Severity::Warning,
                    path,
                    format!("the text says “{}” but the table has {first}", fig.quote),
                )
                .values(*first, fig.value),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUXIN: &str = include_str!("../../../../fixtures/reports/fuxin-zrzyj-2020.expected.json");

    fn fuxin() -> Report {
        serde_json::from_str(FUXIN).unwrap()
    }

    fn rules(fs: &[Finding]) -> Vec<&str> {
        fs.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn the_published_fuxin_report_is_consistent() {
        let fs = check(&fuxin(), &CheckContext::default());
        assert!(fs.is_empty(), "{fs:#?}");
    }

    #[test]
    fn one_tampered_cell_is_named_with_its_expected_value() {
        let mut r = fuxin();
        r.requests.disclosed[0] = Some(12);
        let fs = check(&r, &CheckContext::default());
        assert_eq!(rules(&fs), ["R3", "R2"]);
        for f in &fs {
            assert_eq!(f.location, "requests.disclosed[0]");
            assert_eq!(f.expected, Some(Value::from(13)));
            assert_eq!(f.found, Some(Value::from(12)));
        }
        let mut r = fuxin();
        r.requests.new[1] = Some(3);
        let fs = check(&r, &CheckContext::default());
        assert_eq!(rules(&fs), ["R3", "R1"]);
        assert!(
            fs.iter()
                .all(|f| f.location == "requests.new[1]" && f.expected == Some(Value::from(2)))
        );
        let mut r = fuxin();
        r.requests.total[6] = Some(16);
        let fs = check(&r, &CheckContext::default());
        assert_eq!(rules(&fs), ["R3", "R1", "R2"]);
        assert!(
            fs.iter()
                .all(|f| f.location == "requests.total[6]" && f.expected == Some(Value::from(15)))
        );
    }

    #[test]
    fn review_blocks_and_negative_counts() {
        let mut r = fuxin();
        r.review.reconsideration.total = Some(2);
        if let Proactive::F2019(p) = &mut r.proactive {
            p.licensing.decisions = Some(-1);
        }
        let fs = check(&r, &CheckContext::default());
        assert_eq!(rules(&fs), ["R4", "R5"]);
        assert_eq!(fs[1].location, "proactive.licensing.decisions");
    }

    #[test]
    fn blanks_take_part_in_no_error_rule_and_warn_once_per_table() {
        let mut r = fuxin();
        r.requests.disclosed[6] = None;
        r.requests.partially_disclosed[6] = None;
        let fs = check(&r, &CheckContext::default());
        assert_eq!(rules(&fs), ["B1"]);
        assert!(fs[0].message.contains("requests.disclosed[6]"));
    }

    #[test]
    fn cross_year_and_format_warnings() {
        let now = fuxin();
        let mut prev = fuxin();
        prev.year = 2019;
        prev.requests.carried_forward[0] = Some(2);
        if let Proactive::F2019(p) = &mut prev.proactive {
            p.penalty.items_last_year = Some(50);
        }
        let fs = check(
            &now,
            &CheckContext {
                previous: Some(&prev),
                ..Default::default()
            },
        );
        assert!(
            fs.iter()
                .any(|f| f.rule == "X1" && f.location == "requests.carried_over[0]")
        );
        // 50 + (−4) = 46, but the 2020 report says 52.
        assert!(
            fs.iter()
                .any(|f| f.rule == "X2" && f.expected == Some(Value::from(46)))
        );
        let mut wrong = fuxin();
        wrong.year = 2021;
        assert!(
            check(&wrong, &CheckContext::default())
                .iter()
                .any(|f| f.rule == "F1")
        );
    }

    #[test]
    fn narrative_figures_compare_with_the_sum_of_a_row_whose_total_is_blank() {
        let mut r = fuxin();
        r.requests.disclosed[6] = None;
        r.requests.partially_disclosed = [Some(3), None, None, None, None, None, None];
        let said = |kind, value| CheckContext {
            narrative: vec![NarrativeFigure {
                kind,
                value,
                quote: String::new(),
            }],
            ..Default::default()
        };
        // 予以公开及部分公开 = 15 + 3.
        let fs = check(&r, &said(NarrativeKind::DisclosedOrPartially, 18));
        assert!(fs.iter().all(|f| f.rule != "T1"), "{fs:#?}");
        let fs = check(&r, &said(NarrativeKind::DisclosedOrPartially, 16));
        let t1: Vec<&Finding> = fs.iter().filter(|f| f.rule == "T1").collect();
        assert_eq!(t1.len(), 1);
        assert_eq!(t1[0].expected, Some(Value::from(18)));
        let fs = check(&r, &said(NarrativeKind::Disclosed, 14));
        assert!(
            fs.iter()
                .any(|f| f.rule == "T1" && f.expected == Some(Value::from(15)))
        );
    }

    #[test]
    fn placeholder_text_in_a_section_is_a_warning_naming_the_section() {
        let mut r = fuxin();
        r.sections = Some(super::super::starter_sections(&r));
        let fs = check(&r, &CheckContext::default());
        assert_eq!(rules(&fs), ["S2"], "{fs:#?}");
        assert_eq!(fs[0].location, "sections.problems");
        assert!(
            fs[0].message.contains("五、存在的主要问题及改进情况"),
            "{}",
            fs[0].message
        );
        assert!(fs[0].message.contains("（待填写）"), "{}", fs[0].message);
        assert_eq!(fs[0].found, Some(Value::from("（待填写）")));
    }

    #[test]
    fn narrative_and_deadline_warnings() {
        let ctx = CheckContext {
            narrative: vec![
                NarrativeFigure {
                    kind: NarrativeKind::RequestsReceived,
                    value: 15,
                    quote: "共受理政府信息公开申请15件".into(),
                },
                NarrativeFigure {
                    kind: NarrativeKind::Disclosed,
                    value: 14,
                    quote: "予以公开14件".into(),
                },
            ],
            published_on: NaiveDate::from_ymd_opt(2021, 2, 3),
            headings_present: Some([true, true, true, true, true, false]),
            ..Default::default()
        };
        let fs = check(&fuxin(), &ctx);
        assert_eq!(rules(&fs), ["S1", "T1", "D1"]);
    }
}
