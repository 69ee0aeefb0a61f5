//! How each cell was read (provenance) and what the extraction had to work around (notes).

use std::collections::BTreeMap;
use std::fmt;

use gongkai_domain::report::{CellRef, RowGroup, RowId};
use serde::Serialize;

/// How one cell of tables 2 and 3 was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// Printed in the row its own heading names (blank if printed blank).
    Label,
    /// Printed, and placed by its row's place in the official order (the heading missing or
    /// split away from it), the order confirmed by the table's arithmetic.
    Position,
    /// Recovered from the table's arithmetic: cells run together, a dropped cell, a row whose
    /// bounds only the sums tell.
    Arithmetic,
    /// Could not be read with certainty (its row could not be placed, or two readings fit):
    /// blank in the report, reported as P1, taken into no rule.
    Unread,
}

/// The reading of every cell of tables 2 and 3; serialised as a map from the cell
/// (`requests.new[0]`) to its reading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readings(pub BTreeMap<CellRef, Reading>);

impl Serialize for Readings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(c, r)| (c.to_string(), r)))
    }
}

impl Readings {
    pub fn set(&mut self, cell: CellRef, how: Reading) {
        self.0.insert(cell, how);
    }
    /// The reading of a cell (`None` for a cell the tables do not have).
    pub fn get(&self, cell: CellRef) -> Option<Reading> {
        self.0.get(&cell).copied()
    }
    /// How many cells were read each way.
    pub fn count(&self, how: Reading) -> usize {
        self.0.values().filter(|r| **r == how).count()
    }
    /// The cells that could not be read.
    pub fn unread(&self) -> Vec<CellRef> {
        self.0
            .iter()
            .filter(|(_, r)| **r == Reading::Unread)
            .map(|(c, _)| *c)
            .collect()
    }
}

/// Which table a note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// 表二 主动公开政府信息情况 (our table 1).
    Proactive,
    /// 表三 收到和处理政府信息公开申请情况 (our table 2).
    Requests,
    /// 表四 政府信息公开行政复议、行政诉讼情况 (our table 3).
    Review,
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Table::Proactive => "table 1",
            Table::Requests => "table 2",
            Table::Review => "table 3",
        })
    }
}

/// What the extraction had to work around, one variant per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A row of table 2 whose numbers were not found.
    RowNotFound(RowId),
    /// A row of table 2 holding a number that is not a count.
    NotACount(RowId),
    /// Cells printed without separators, recovered from the arithmetic (`readings` fit).
    RunTogether { table: Table, readings: usize },
    /// A dropped cell recovered from the row's own arithmetic.
    CellRecovered(CellRef),
    /// Numbers that belong to no row (a page number, a stray figure), left out.
    StrayNumbers { table: Table, count: usize },
    /// A printed subtotal row of a group, checked against its sub-rows and left out.
    Subtotal(RowGroup),
    /// The rows were placed by their official order (headings missing or split).
    PlacedByOrder,
    /// Cells that could not be read (reported as P1).
    Unread { table: Table, cells: usize },
    /// Table 1: an item printed with more cells than it has columns.
    ExtraCells { item: &'static str, found: usize },
    /// Table 1: run-together cells that can be read several ways.
    Table1Ambiguous { item: &'static str },
    /// Table 3: more numbers than its 15 cells.
    ReviewNumbers { found: usize },
}

impl Note {
    /// Whether the note says a cell was recovered from the arithmetic (the batch CSV counts these).
    pub fn recovered(&self) -> bool {
        matches!(self, Note::RunTogether { .. } | Note::CellRecovered(_))
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::RowNotFound(row) => write!(f, "table 2: no numbers found for row {row}"),
            Note::NotACount(row) => write!(f, "table 2: row {row} holds a number that is not a count"),
            Note::RunTogether { table, readings } => write!(
                f,
                "{table}: cells printed without separators, recovered from the arithmetic ({readings} reading(s) fit)"
            ),
            Note::CellRecovered(cell) => {
                write!(f, "{cell}: a dropped cell, recovered from its row's sum")
            }
            Note::StrayNumbers { table, count } => {
                write!(f, "{table}: {count} number(s) belong to no row and are left out")
            }
            Note::Subtotal(group) => write!(
                f,
                "table 2: the subtotal row of {} adds up to its sub-rows and is left out",
                group.heading()
            ),
            Note::PlacedByOrder => f.write_str(
                "table 2: rows placed by their official order (headings missing or split), confirmed by the sums",
            ),
            Note::Unread { table, cells } => {
                write!(f, "{table}: {cells} cell(s) could not be read with certainty (P1)")
            }
            Note::ExtraCells { item, found } => {
                write!(f, "table 1: {item} has {found} cells; the first ones are read")
            }
            Note::Table1Ambiguous { item } => write!(
                f,
                "table 1: the run-together cells of {item} can be read several ways"
            ),
            Note::ReviewNumbers { found } => {
                write!(f, "table 3: {found} numbers found; 15 are read")
            }
        }
    }
}
