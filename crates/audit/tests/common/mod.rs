//! Shared by the tests: random consistent reports and a simple text renderer of them.
#![allow(dead_code)]

pub mod damage;

use gongkai_domain::report::{
    Decisions, Documents2019, Documents2021, Fees2019, Fees2021, Items2019, Proactive,
    Proactive2019, Proactive2021, Procurement, Report, ReportFormat, Review, ReviewBlock, Row,
    RowId, WanYuan,
};
use rand::Rng;
use rand::rngs::StdRng;

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reports");

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect("fixture")
}

/// How the tables are laid out in the rendered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Cells separated by tabs (HTML converted to text).
    Tabs,
    /// Cells separated by spaces (PDF text).
    Spaces,
    /// Each row's numbers on the line before its label.
    NumbersFirst,
    /// Labels wrapped over two lines around their numbers (pdfplumber).
    Wrapped,
    /// Table 2 and 3 cells run together with no separator (a web crawler).
    Glued,
}

pub const LAYOUTS: [Layout; 5] = [
    Layout::Tabs,
    Layout::Spaces,
    Layout::NumbersFirst,
    Layout::Wrapped,
    Layout::Glued,
];

fn small(rng: &mut StdRng) -> i64 {
    match rng.gen_range(0..10) {
        0..=4 => 0,
        5..=7 => rng.gen_range(1..10),
        8 => rng.gen_range(10..100),
        _ => rng.gen_range(100..2000),
    }
}

fn block(rng: &mut StdRng) -> ReviewBlock {
    let p: [i64; 4] = std::array::from_fn(|_| small(rng));
    ReviewBlock {
        upheld: Some(p[0]),
        corrected: Some(p[1]),
        other: Some(p[2]),
        pending: Some(p[3]),
        total: Some(p.iter().sum()),
    }
}

/// A random report that satisfies R1–R5.
pub fn random_report(rng: &mut StdRng, year: i32) -> Report {
    let agencies = [
        "阜新市自然资源局",
        "淮安市人民政府",
        "某某县教育局",
        "平潭综合实验区",
    ];
    let agency = agencies[rng.gen_range(0..agencies.len())];
    let mut r = Report::zeros(agency, year).expect("year");
    let format = r.format;
    let mut concluded = [0i64; 6];
    let mut outcome_rows: Vec<Row> = Vec::new();
    let n = r.requests.outcome_rows().len();
    for _ in 0..n {
        let cells: [i64; 6] =
            std::array::from_fn(|_| if rng.gen_bool(0.3) { small(rng) } else { 0 });
        for c in 0..6 {
            concluded[c] += cells[c];
        }
        outcome_rows.push(with_total(cells));
    }
    set_outcomes(&mut r, &outcome_rows);
    let mut new = [0i64; 6];
    let mut over = [0i64; 6];
    let mut forward = [0i64; 6];
    for c in 0..6 {
        forward[c] = if rng.gen_bool(0.3) { small(rng) } else { 0 };
        over[c] = if rng.gen_bool(0.3) { small(rng) } else { 0 }.min(concluded[c] + forward[c]);
        new[c] = concluded[c] + forward[c] - over[c];
    }
    r.requests.new = with_total(new);
    r.requests.carried_over = with_total(over);
    r.requests.total = with_total(concluded);
    r.requests.carried_forward = with_total(forward);
    r.review = Review {
        reconsideration: block(rng),
        litigation_direct: block(rng),
        litigation_after_reconsideration: block(rng),
    };
    r.proactive = match format {
        ReportFormat::F2019 => {
            let mut docs = || Documents2019 {
                new_made: Some(small(rng)),
                new_published: Some(small(rng)),
                total_published: Some(small(rng)),
            };
            let (rules, normative_documents) = (docs(), docs());
            let mut items = || Items2019 {
                items_last_year: Some(small(rng)),
                change: Some(small(rng) - small(rng)),
                decisions: Some(small(rng)),
            };
            let (licensing, other_services, penalty, coercion) =
                (items(), items(), items(), items());
            Proactive::F2019(Proactive2019 {
                rules,
                normative_documents,
                licensing,
                other_services,
                penalty,
                coercion,
                fees: Fees2019 {
                    items_last_year: Some(small(rng)),
                    change: Some(0),
                },
                procurement: Procurement {
                    projects: Some(small(rng)),
                    amount_wan_yuan: Some(WanYuan(rng.gen_range(0..100_000) as f64 / 10.0)),
                },
            })
        }
        ReportFormat::F2021 => {
            let mut docs = || Documents2021 {
                issued: Some(small(rng)),
                repealed: Some(small(rng)),
                in_force: Some(small(rng)),
            };
            let (rules, normative_documents) = (docs(), docs());
            let mut d = || Decisions {
                decisions: Some(small(rng)),
            };
            let (licensing, penalty, coercion) = (d(), d(), d());
            Proactive::F2021(Proactive2021 {
                rules,
                normative_documents,
                licensing,
                penalty,
                coercion,
                fees: Fees2021 {
                    amount_wan_yuan: Some(WanYuan(rng.gen_range(0..100_000) as f64 / 100.0)),
                },
            })
        }
    };
    r
}

fn with_total(cells: [i64; 6]) -> Row {
    let mut row: Row = [Some(0); 7];
    for c in 0..6 {
        row[c] = Some(cells[c]);
    }
    row[6] = Some(cells.iter().sum());
    row
}

fn set_outcomes(r: &mut Report, rows: &[Row]) {
    let format = r.requests.row_format();
    for (id, row) in RowId::outcomes(format).zip(rows) {
        *r.requests.row_mut(id) = *row;
    }
}

fn cell(c: Option<i64>) -> String {
    c.map(|v| v.to_string()).unwrap_or_default()
}

fn money(m: Option<WanYuan>) -> String {
    m.map(|w| w.0.to_string()).unwrap_or_default()
}

/// Renders a table row in a layout.
fn row_line(out: &mut String, label: &str, cells: &[String], layout: Layout) {
    let sep = if layout == Layout::Tabs { "\t" } else { " " };
    let values = cells.join(sep);
    match layout {
        Layout::Tabs | Layout::Spaces | Layout::Glued => {
            out.push_str(label);
            out.push_str(sep);
            out.push_str(&values);
            out.push('\n');
        }
        Layout::NumbersFirst => {
            out.push_str(&values);
            out.push('\n');
            out.push_str(label);
            out.push('\n');
        }
        Layout::Wrapped => {
            let chars: Vec<char> = label.chars().collect();
            let half = chars.len() / 2;
            let (a, b): (String, String) = (
                chars[..half].iter().collect(),
                chars[half..].iter().collect(),
            );
            out.push_str(&a);
            out.push('\n');
            out.push_str(&values);
            out.push('\n');
            out.push_str(&b);
            out.push('\n');
        }
    }
}

fn glued_or(out: &mut String, label: &str, cells: &[String], layout: Layout) {
    if layout == Layout::Glued {
        out.push_str(label);
        out.push_str(&cells.concat());
    } else {
        row_line(out, label, cells, layout);
    }
}

/// The report as published text, tables in `layout`.
pub fn render(r: &Report, layout: Layout) -> String {
    let t = &r.requests;
    let mut s = String::new();
    s.push_str(&format!(
        "{}{}年度政府信息公开工作年度报告\n\n一、总体情况\n",
        r.agency, r.year
    ));
    if let Some(new) = t.new[6] {
        s.push_str(&format!(
            "{}年，本机关共受理政府信息公开申请{new}件，均按时办结。\n",
            r.year
        ));
    }
    if let Some(d) = t.disclosed[6] {
        s.push_str(&format!("其中予以公开{d}件。"));
    }
    if let Some(v) = r.review.reconsideration.total {
        s.push_str(&format!("政府信息公开行政复议{v}件。"));
    }
    if let (Some(a), Some(b)) = (
        r.review.litigation_direct.total,
        r.review.litigation_after_reconsideration.total,
    ) {
        s.push_str(&format!("政府信息公开行政诉讼{}件。\n", a + b));
    }
    s.push_str("\n二、主动公开政府信息情况\n");
    render_table1(
        &mut s,
        &r.proactive,
        if layout == Layout::Glued {
            Layout::Spaces
        } else {
            layout
        },
    );
    s.push_str("三、收到和处理政府信息公开申请情况\n");
    s.push_str(
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\n",
    );
    s.push_str(
        "自然人\t法人或其他组织\t总计\n商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n",
    );
    for row in t.all_rows() {
        let cells: Vec<String> = row.row.iter().map(|c| cell(*c)).collect();
        glued_or(&mut s, row.heading, &cells, layout);
    }
    s.push_str("\n四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n");
    s.push_str("结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n");
    let review: Vec<String> = r
        .review
        .blocks()
        .iter()
        .flat_map(|(_, b)| b.cells().map(|(_, c)| cell(c)))
        .collect();
    let sep = match layout {
        Layout::Tabs => "\t",
        Layout::Glued => "",
        _ => " ",
    };
    s.push_str(&review.join(sep));
    s.push_str(
        "\n五、存在的主要问题及改进情况\n政策解读形式不够丰富。\n六、其他需要报告的事项\n无。\n",
    );
    s
}

fn render_table1(s: &mut String, p: &Proactive, layout: Layout) {
    let c = |v: Option<i64>| cell(v);
    match p {
        Proactive::F2019(p) => {
            s.push_str(
                "第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n",
            );
            for (label, d) in [("规章", p.rules), ("规范性文件", p.normative_documents)] {
                row_line(
                    s,
                    label,
                    &[c(d.new_made), c(d.new_published), c(d.total_published)],
                    layout,
                );
            }
            s.push_str("第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n");
            let items = |s: &mut String, label: &str, i: Items2019| {
                row_line(
                    s,
                    label,
                    &[c(i.items_last_year), c(i.change), c(i.decisions)],
                    layout,
                )
            };
            items(s, "行政许可", p.licensing);
            items(s, "其他对外管理服务事项", p.other_services);
            s.push_str("第二十条第（六）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n");
            items(s, "行政处罚", p.penalty);
            items(s, "行政强制", p.coercion);
            s.push_str("第二十条第（八）项\n信息内容\t上一年项目数量\t本年增/减\n");
            row_line(
                s,
                "行政事业性收费",
                &[c(p.fees.items_last_year), c(p.fees.change)],
                layout,
            );
            s.push_str("第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n");
            let amount = p
                .procurement
                .amount_wan_yuan
                .map(|m| format!("{} 万元", m.0))
                .unwrap_or_default();
            row_line(
                s,
                "政府集中采购",
                &[c(p.procurement.projects), amount],
                layout,
            );
        }
        Proactive::F2021(p) => {
            s.push_str("第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n");
            for (label, d) in [("规章", p.rules), ("行政规范性文件", p.normative_documents)]
            {
                row_line(
                    s,
                    label,
                    &[c(d.issued), c(d.repealed), c(d.in_force)],
                    layout,
                );
            }
            s.push_str("第二十条第（五）项\n信息内容\t本年处理决定数量\n");
            row_line(s, "行政许可", &[c(p.licensing.decisions)], layout);
            s.push_str("第二十条第（六）项\n信息内容\t本年处理决定数量\n");
            row_line(s, "行政处罚", &[c(p.penalty.decisions)], layout);
            row_line(s, "行政强制", &[c(p.coercion.decisions)], layout);
            s.push_str("第二十条第（八）项\n信息内容\t本年收费金额（单位：万元）\n");
            row_line(
                s,
                "行政事业性收费",
                &[money(p.fees.amount_wan_yuan)],
                layout,
            );
        }
    }
}
