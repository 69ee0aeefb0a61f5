//! Table 1 — 主动公开政府信息情况, in format 2019 or 2021.

use gongkai_domain::report::{
    Decisions, Documents2019, Documents2021, Fees2019, Fees2021, Items2019, Proactive,
    Proactive2019, Proactive2021, Procurement, ReportFormat, WanYuan,
};

use crate::label_stream::{Stream, assign};
use crate::lexer::{Num, lex};
use crate::reading::Note;
use crate::run_together;
use crate::table2::trim_blanks;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Rules,
    Normative,
    Licensing,
    OtherServices,
    Penalty,
    Coercion,
    Fees,
    Procurement,
}

const ITEMS: &[(Item, &[&str])] = &[
    (Item::Rules, &["规章"]),
    (Item::Normative, &["规范性文件"]),
    (Item::Licensing, &["行政许可"]),
    (Item::OtherServices, &["对外管理服务", "其他对外管理"]),
    (Item::Penalty, &["行政处罚"]),
    (Item::Coercion, &["行政强制"]),
    (Item::Fees, &["事业性收费", "行政收费"]),
    (Item::Procurement, &["集中采购", "政府采购"]),
];

impl Item {
    /// The item's heading (its first keyword).
    fn name(self) -> &'static str {
        ITEMS
            .iter()
            .find(|(i, _)| *i == self)
            .and_then(|(_, k)| k.first().copied())
            .unwrap_or("")
    }
}

const MARKS_2021: &[&str] = &["制发", "废止", "现行有效", "收费金额"];
const MARKS_2019: &[&str] = &[
    "新制作",
    "新公开",
    "对外公开总数",
    "上一年项目",
    "增/减",
    "集中采购",
    "对外管理服务",
];

fn is_item_label(label: &str) -> bool {
    ITEMS
        .iter()
        .flat_map(|(_, k)| k.iter())
        .any(|k| label.contains(k))
}

/// What table 1 yielded: its layout's format (when the headings tell) and its cells.
pub struct Table1 {
    pub format: Option<ReportFormat>,
    rows: Vec<(Item, Vec<Option<Num>>)>,
}

pub fn read(region: &str) -> Table1 {
    let stream = Stream::build(lex(region), |_, label| is_item_label(label));
    let label: String = stream.label.iter().collect();
    let score = |marks: &[&str]| marks.iter().filter(|m| label.contains(*m)).count();
    let format = match (score(MARKS_2019), score(MARKS_2021)) {
        (a, b) if a > b => Some(ReportFormat::F2019),
        (a, b) if b > a => Some(ReportFormat::F2021),
        _ => None,
    };
    let mut cursor = 0;
    let mut anchors = Vec::new();
    for (item, keywords) in ITEMS {
        if let Some((start, end)) = stream.find(cursor, keywords) {
            anchors.push((*item, start));
            cursor = end;
        }
    }
    let starts: Vec<usize> = anchors.iter().map(|a| a.1).collect();
    let ats: Vec<usize> = stream.groups.iter().map(|g| g.at).collect();
    let owners = assign(&starts, &ats);
    let rows = anchors
        .iter()
        .zip(owners)
        .filter_map(|((item, _), g)| Some((*item, stream.groups.get(g?)?.cells.clone())))
        .collect();
    Table1 { format, rows }
}

impl Table1 {
    /// The cells of table 1 in `format`.
    pub fn proactive(&self, format: ReportFormat, notes: &mut Vec<Note>) -> Proactive {
        match format {
            ReportFormat::F2019 => Proactive::F2019(self.format_2019(notes)),
            ReportFormat::F2021 => Proactive::F2021(self.format_2021(notes)),
        }
    }

    fn cells(&self, item: Item, n: usize, notes: &mut Vec<Note>) -> Vec<Option<Num>> {
        let Some((_, cells)) = self.rows.iter().find(|(i, _)| *i == item) else {
            return vec![None; n];
        };
        fit(cells.clone(), n, item, notes)
    }

    fn format_2019(&self, notes: &mut Vec<Note>) -> Proactive2019 {
        let docs = |item, notes: &mut Vec<Note>| {
            let c = self.cells(item, 3, notes);
            Documents2019 {
                new_made: count(&c[0]),
                new_published: count(&c[1]),
                total_published: count(&c[2]),
            }
        };
        let items = |item, notes: &mut Vec<Note>| {
            let c = self.cells(item, 3, notes);
            Items2019 {
                items_last_year: count(&c[0]),
                change: count(&c[1]),
                decisions: count(&c[2]),
            }
        };
        let fees = self.cells(Item::Fees, 2, notes);
        let procurement = self.cells(Item::Procurement, 2, notes);
        Proactive2019 {
            rules: docs(Item::Rules, notes),
            normative_documents: docs(Item::Normative, notes),
            licensing: items(Item::Licensing, notes),
            other_services: items(Item::OtherServices, notes),
            penalty: items(Item::Penalty, notes),
            coercion: items(Item::Coercion, notes),
            fees: Fees2019 {
                items_last_year: count(&fees[0]),
                change: count(&fees[1]),
            },
            procurement: Procurement {
                projects: count(&procurement[0]),
                amount_wan_yuan: money(&procurement[1]),
            },
        }
    }

    fn format_2021(&self, notes: &mut Vec<Note>) -> Proactive2021 {
        let docs = |item, notes: &mut Vec<Note>| {
            let c = self.cells(item, 3, notes);
            Documents2021 {
                issued: count(&c[0]),
                repealed: count(&c[1]),
                in_force: count(&c[2]),
            }
        };
        let decisions = |item, notes: &mut Vec<Note>| Decisions {
            decisions: count(&self.cells(item, 1, notes)[0]),
        };
        Proactive2021 {
            rules: docs(Item::Rules, notes),
            normative_documents: docs(Item::Normative, notes),
            licensing: decisions(Item::Licensing, notes),
            penalty: decisions(Item::Penalty, notes),
            coercion: decisions(Item::Coercion, notes),
            fees: Fees2021 {
                amount_wan_yuan: money(&self.cells(Item::Fees, 1, notes)[0]),
            },
        }
    }
}

/// Makes a row exactly `n` cells: trims layout blanks, cuts a run-together number, pads.
fn fit(
    mut cells: Vec<Option<Num>>,
    n: usize,
    item: Item,
    notes: &mut Vec<Note>,
) -> Vec<Option<Num>> {
    trim_blanks(&mut cells, n);
    if cells.len() > n {
        notes.push(Note::ExtraCells {
            item: item.name(),
            found: cells.len(),
        });
        cells.truncate(n);
    }
    if cells.len() < n
        && !cells.is_empty()
        && cells.iter().all(|c| c.as_ref().is_some_and(Num::is_plain))
    {
        let tokens: Vec<&str> = cells.iter().flatten().map(|c| c.digits.as_str()).collect();
        if let Some((values, unique)) = run_together::balanced(&tokens, n) {
            if !unique {
                notes.push(Note::Table1Ambiguous { item: item.name() });
            }
            return values.into_iter().map(|v| Some(plain(v))).collect();
        }
    }
    cells.resize(n, None);
    cells
}

fn plain(v: i64) -> Num {
    Num {
        digits: v.to_string(),
        negative: false,
        value: v as f64,
        money: false,
    }
}

fn count(cell: &Option<Num>) -> Option<i64> {
    cell.as_ref().and_then(Num::count)
}

fn money(cell: &Option<Num>) -> Option<WanYuan> {
    cell.as_ref().map(|n| WanYuan(n.value))
}
