//! The report as a publisher lays it out (版式): title, the six sections and the three tables as
//! grids of cells with their merged (rowspan/colspan) header cells. Every output format renders
//! this one layout, so the headings are the same in all of them.

use gongkai_domain::outcome::Outcome;
use gongkai_domain::report::{
    Cell, Proactive, Proactive2019, Proactive2021, Report, ReviewBlock, RowId, SECTION_HEADINGS,
    Sections, WanYuan,
};

/// The laid-out report.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// 标题, e.g. `阜新市自然资源局2020年政府信息公开工作年度报告`.
    pub title: String,
    pub agency: String,
    /// The title's second line under the agency name, e.g. `2020年政府信息公开工作年度报告`.
    pub subtitle: String,
    /// The opening paragraph before section 一.
    pub intro: String,
    pub sections: Vec<Section>,
}

/// One of the six sections.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub heading: &'static str,
    /// Narrative paragraphs (sections 一, 五, 六); empty for the table sections.
    pub paragraphs: Vec<String>,
    pub table: Option<Table>,
}

/// A table as a grid of `columns` columns; merged cells cover several grid slots.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub columns: usize,
    /// Relative column widths, one per grid column.
    pub widths: Vec<u32>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone)]
pub(crate) struct TableRow {
    /// A heading row (column headings or a block caption such as 第二十条第（一）项).
    pub header: bool,
    pub cells: Vec<TableCell>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    /// A heading cell spanning the whole table (block caption of table 1).
    Caption,
    /// A column heading.
    ColumnHead,
    /// A row heading.
    RowHead,
    /// A figure.
    Value,
}

#[derive(Debug, Clone)]
pub(crate) struct TableCell {
    pub text: String,
    pub rowspan: usize,
    pub colspan: usize,
    pub kind: CellKind,
    /// A figure's cell in the canonical JSON (`requests.disclosed[0]`,
    /// `review.reconsideration.corrected`) where it can be drilled into (tables 2 and 3).
    pub path: Option<String>,
}

impl TableCell {
    fn new(kind: CellKind, text: impl Into<String>) -> Self {
        TableCell {
            text: text.into(),
            rowspan: 1,
            colspan: 1,
            kind,
            path: None,
        }
    }
    fn at(mut self, path: String) -> Self {
        self.path = Some(path);
        self
    }
    fn span(mut self, rowspan: usize, colspan: usize) -> Self {
        self.rowspan = rowspan.max(1);
        self.colspan = colspan.max(1);
        self
    }
}

fn head(text: &str) -> TableCell {
    TableCell::new(CellKind::ColumnHead, text)
}
fn row_head(text: &str) -> TableCell {
    TableCell::new(CellKind::RowHead, text)
}
fn value(cell: Cell) -> TableCell {
    TableCell::new(CellKind::Value, count(cell))
}

/// A count as plain digits; a blank cell stays empty.
pub(crate) fn count(cell: Cell) -> String {
    cell.map(|v| v.to_string()).unwrap_or_default()
}

/// An amount in 万元 as plain digits (`1858`, `96171.6`); blank or not finite stays empty.
pub(crate) fn money(amount: Option<WanYuan>) -> String {
    match amount {
        Some(WanYuan(v)) if v.is_finite() => {
            if v.fract() == 0.0 && v.abs() < 9.0e15 {
                (v as i64).to_string()
            } else {
                // Shortest representation that reads back as the same number.
                format!("{v}")
            }
        }
        _ => String::new(),
    }
}

fn header_row(cells: Vec<TableCell>) -> TableRow {
    TableRow {
        header: true,
        cells,
    }
}
fn body_row(cells: Vec<TableCell>) -> TableRow {
    TableRow {
        header: false,
        cells,
    }
}

/// Splits narrative text into paragraphs (one per non-blank line); empty text reads “无”.
fn paragraphs(text: Option<&str>) -> Vec<String> {
    let paras: Vec<String> = text
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if paras.is_empty() {
        vec!["无".to_string()]
    } else {
        paras
    }
}

/// Lays out a report.
pub(crate) fn layout(report: &Report) -> Document {
    let agency = report.agency.trim().to_string();
    let year = report.year;
    let sections: Option<&Sections> = report.sections.as_ref();
    let text = |f: fn(&Sections) -> &str| sections.map(f);
    Document {
        title: format!("{agency}{year}年政府信息公开工作年度报告"),
        intro: format!(
            "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定编制。\
             报告所列数据的统计期限自{year}年1月1日至{year}年12月31日。"
        ),
        subtitle: format!("{year}年政府信息公开工作年度报告"),
        agency,
        sections: vec![
            Section {
                heading: SECTION_HEADINGS[0],
                paragraphs: paragraphs(text(|s| &s.overview)),
                table: None,
            },
            Section {
                heading: SECTION_HEADINGS[1],
                paragraphs: Vec::new(),
                table: Some(proactive_table(&report.proactive)),
            },
            Section {
                heading: SECTION_HEADINGS[2],
                paragraphs: Vec::new(),
                table: Some(requests_table(report)),
            },
            Section {
                heading: SECTION_HEADINGS[3],
                paragraphs: Vec::new(),
                table: Some(review_table(report)),
            },
            Section {
                heading: SECTION_HEADINGS[4],
                paragraphs: paragraphs(text(|s| &s.problems)),
                table: None,
            },
            Section {
                heading: SECTION_HEADINGS[5],
                paragraphs: paragraphs(text(|s| &s.other)),
                table: None,
            },
        ],
    }
}

/// Table 1 — 主动公开政府信息情况: four grid columns, one captioned block per article item.
fn proactive_table(proactive: &Proactive) -> Table {
    let mut rows = Vec::new();
    let mut block = |caption: &str, heads: &[&str], body: Vec<(&str, Vec<TableCell>)>| {
        rows.push(header_row(vec![
            TableCell::new(CellKind::Caption, caption).span(1, 4),
        ]));
        let mut cells = vec![head("信息内容")];
        // The last heading takes up the grid columns the block does not use.
        let last_span = 4usize.saturating_sub(heads.len());
        for (i, h) in heads.iter().enumerate() {
            let span = if i + 1 == heads.len() { last_span } else { 1 };
            cells.push(head(h).span(1, span));
        }
        rows.push(header_row(cells));
        for (label, values) in body {
            let n = values.len();
            let mut cells = vec![row_head(label)];
            for (i, v) in values.into_iter().enumerate() {
                let span = if i + 1 == n {
                    4usize.saturating_sub(n)
                } else {
                    1
                };
                cells.push(v.span(1, span));
            }
            rows.push(body_row(cells));
        }
    };
    match proactive {
        Proactive::F2019(p) => table1_2019(p, &mut block),
        Proactive::F2021(p) => table1_2021(p, &mut block),
    }
    Table {
        columns: 4,
        widths: vec![34, 22, 22, 22],
        rows,
    }
}

type BlockFn<'a> = dyn FnMut(&str, &[&str], Vec<(&str, Vec<TableCell>)>) + 'a;

fn table1_2019(p: &Proactive2019, block: &mut BlockFn<'_>) {
    block(
        "第二十条第（一）项",
        &["本年新制作数量", "本年新公开数量", "对外公开总数量"],
        [("规章", &p.rules), ("规范性文件", &p.normative_documents)]
            .into_iter()
            .map(|(label, d)| {
                (
                    label,
                    vec![
                        value(d.new_made),
                        value(d.new_published),
                        value(d.total_published),
                    ],
                )
            })
            .collect(),
    );
    let items = |label, i: &gongkai_domain::report::Items2019| {
        (
            label,
            vec![
                value(i.items_last_year),
                value(i.change),
                value(i.decisions),
            ],
        )
    };
    let item_heads = ["上一年项目数量", "本年增/减", "处理决定数量"];
    block(
        "第二十条第（五）项",
        &item_heads,
        vec![
            items("行政许可", &p.licensing),
            items("其他对外管理服务事项", &p.other_services),
        ],
    );
    block(
        "第二十条第（六）项",
        &item_heads,
        vec![
            items("行政处罚", &p.penalty),
            items("行政强制", &p.coercion),
        ],
    );
    block(
        "第二十条第（八）项",
        &["上一年项目数量", "本年增/减"],
        vec![(
            "行政事业性收费",
            vec![value(p.fees.items_last_year), value(p.fees.change)],
        )],
    );
    let amount = money(p.procurement.amount_wan_yuan);
    let amount = if amount.is_empty() {
        amount
    } else {
        format!("{amount} 万元")
    };
    block(
        "第二十条第（九）项",
        &["采购项目数量", "采购总金额"],
        vec![(
            "政府集中采购",
            vec![
                value(p.procurement.projects),
                TableCell::new(CellKind::Value, amount),
            ],
        )],
    );
}

fn table1_2021(p: &Proactive2021, block: &mut BlockFn<'_>) {
    block(
        "第二十条第（一）项",
        &["本年制发件数", "本年废止件数", "现行有效件数"],
        [
            ("规章", &p.rules),
            ("行政规范性文件", &p.normative_documents),
        ]
        .into_iter()
        .map(|(label, d)| {
            (
                label,
                vec![value(d.issued), value(d.repealed), value(d.in_force)],
            )
        })
        .collect(),
    );
    block(
        "第二十条第（五）项",
        &["本年处理决定数量"],
        vec![("行政许可", vec![value(p.licensing.decisions)])],
    );
    block(
        "第二十条第（六）项",
        &["本年处理决定数量"],
        vec![
            ("行政处罚", vec![value(p.penalty.decisions)]),
            ("行政强制", vec![value(p.coercion.decisions)]),
        ],
    );
    block(
        "第二十条第（八）项",
        &["本年收费金额（单位：万元）"],
        vec![(
            "行政事业性收费",
            vec![TableCell::new(
                CellKind::Value,
                money(p.fees.amount_wan_yuan),
            )],
        )],
    );
}

/// Where a row of table 2 sits in the official layout.
enum Place {
    /// 一、二、四: a heading across the three heading columns.
    Top(String),
    /// Under 三、本年度办理结果, across the two inner heading columns.
    Result(String),
    /// Under 三、本年度办理结果 and a group such as （三）不予公开.
    Grouped(&'static str, String),
}

fn place(id: RowId, heading: &str) -> Place {
    match id {
        RowId::New | RowId::CarriedOver | RowId::CarriedForward => Place::Top(heading.to_string()),
        RowId::Outcome(Outcome::PartiallyDisclosed) => Place::Result(format!(
            "{heading}（区分处理的，只计这一情形，不计其他情形）"
        )),
        _ => match id.group() {
            // A group whose one row is the group itself (format 2019's （六）其他处理).
            Some(group) if heading != group.heading() => {
                let number: String = group.heading().chars().take(3).collect();
                let leaf = heading.strip_prefix(number.as_str()).unwrap_or(heading);
                Place::Grouped(group.heading(), leaf.to_string())
            }
            _ => Place::Result(heading.to_string()),
        },
    }
}

/// Table 2 — 收到和处理政府信息公开申请情况: three heading columns and the seven applicant columns.
fn requests_table(report: &Report) -> Table {
    let mut rows = vec![
        header_row(vec![
            head("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）").span(3, 3),
            head("申请人情况").span(1, 7),
        ]),
        header_row(vec![
            head("自然人").span(2, 1),
            head("法人或其他组织").span(1, 5),
            head("总计").span(2, 1),
        ]),
        header_row(
            [
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他",
            ]
            .into_iter()
            .map(head)
            .collect(),
        ),
    ];
    let all = report.requests.all_rows();
    let placed: Vec<(Place, &gongkai_domain::report::Row, &str)> = all
        .iter()
        .map(|r| (place(r.id, r.heading), r.row, r.path))
        .collect();
    let results = placed
        .iter()
        .filter(|(p, _, _)| !matches!(p, Place::Top(_)))
        .count();
    let mut results_open = false;
    for (i, (p, row, path)) in placed.iter().enumerate() {
        let mut cells = Vec::new();
        match p {
            Place::Top(h) => cells.push(row_head(h).span(1, 3)),
            Place::Result(_) | Place::Grouped(..) => {
                if !results_open {
                    results_open = true;
                    cells.push(row_head("三、本年度办理结果").span(results, 1));
                }
                match p {
                    Place::Grouped(group, leaf) => {
                        let first = i == 0
                            || !matches!(&placed[i - 1].0, Place::Grouped(g, _) if g == group);
                        if first {
                            let size = placed[i..]
                                .iter()
                                .take_while(
                                    |(q, _, _)| matches!(q, Place::Grouped(g, _) if g == group),
                                )
                                .count();
                            cells.push(row_head(group).span(size, 1));
                        }
                        cells.push(row_head(leaf));
                    }
                    Place::Result(h) => cells.push(row_head(h).span(1, 2)),
                    Place::Top(_) => {}
                }
            }
        }
        cells.extend(
            row.iter()
                .enumerate()
                .map(|(c, v)| value(*v).at(format!("{path}[{c}]"))),
        );
        rows.push(body_row(cells));
    }
    Table {
        columns: 10,
        widths: vec![5, 11, 30, 8, 8, 8, 8, 8, 7, 7],
        rows,
    }
}

/// Table 3 — 政府信息公开行政复议、行政诉讼情况: one row of fifteen figures.
fn review_table(report: &Report) -> Table {
    const RESULTS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let r = &report.review;
    let mut row1: Vec<TableCell> = RESULTS.iter().map(|h| head(h).span(2, 1)).collect();
    row1.push(head("未经复议直接起诉").span(1, 5));
    row1.push(head("复议后起诉").span(1, 5));
    let row2: Vec<TableCell> = RESULTS
        .iter()
        .chain(RESULTS.iter())
        .map(|h| head(h))
        .collect();
    let figures: Vec<TableCell> = r
        .blocks()
        .into_iter()
        .flat_map(|(path, b): (&str, &ReviewBlock)| {
            b.cells()
                .into_iter()
                .map(move |(name, c)| value(c).at(format!("{path}.{name}")))
        })
        .collect();
    Table {
        columns: 15,
        widths: vec![1; 15],
        rows: vec![
            header_row(vec![
                head("行政复议").span(1, 5),
                head("行政诉讼").span(1, 10),
            ]),
            header_row(row1),
            header_row(row2),
            body_row(figures),
        ],
    }
}

/// The grid slot → cell map of a run of rows: `slots[r][c] = Some((row, cell))` for the cell
/// covering grid column `c` of row `r` (rows relative to `rows`). Malformed spans are clipped.
pub(crate) fn occupancy(rows: &[TableRow], columns: usize) -> Vec<Vec<Option<(usize, usize)>>> {
    let mut slots = vec![vec![None; columns]; rows.len()];
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        for (i, cell) in row.cells.iter().enumerate() {
            while c < columns && slots[r][c].is_some() {
                c += 1;
            }
            if c >= columns {
                break;
            }
            let (end_row, end_col) = (
                (r + cell.rowspan).min(rows.len()),
                (c + cell.colspan).min(columns),
            );
            for slot_row in &mut slots[r..end_row] {
                for slot in &mut slot_row[c..end_col] {
                    if slot.is_none() {
                        *slot = Some((r, i));
                    }
                }
            }
            c += cell.colspan;
        }
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grid_slot_is_covered_once() {
        for year in [2020, 2024] {
            let report = Report::zeros("x", year).unwrap();
            let doc = layout(&report);
            for table in doc.sections.iter().filter_map(|s| s.table.as_ref()) {
                let slots = occupancy(&table.rows, table.columns);
                for (r, row) in slots.iter().enumerate() {
                    assert!(row.iter().all(Option::is_some), "gap in row {r}");
                }
                // No cell overlaps another: the spans add up to the grid.
                let area: usize = table
                    .rows
                    .iter()
                    .flat_map(|r| &r.cells)
                    .map(|c| c.rowspan * c.colspan)
                    .sum();
                assert_eq!(area, table.rows.len() * table.columns);
                assert_eq!(table.widths.len(), table.columns);
            }
        }
    }

    #[test]
    fn money_is_plain_digits() {
        assert_eq!(money(Some(WanYuan(1858.0))), "1858");
        assert_eq!(money(Some(WanYuan(96171.6))), "96171.6");
        assert_eq!(money(Some(WanYuan(f64::NAN))), "");
        assert_eq!(money(None), "");
    }
}
