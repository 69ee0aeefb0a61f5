//! HTML → text: paragraphs become lines; each table row becomes one line of tab-separated
//! cells on a grid where `rowspan`/`colspan` are expanded (a merged cell's text stands in its
//! first grid cell, the cells it covers are blank).

use super::markup::{Node, attr, entities, nodes};
use crate::AuditError;

/// The most rows and columns a merged cell may span (hostile `rowspan=100000`); a larger span is
/// cut to this.
pub(super) const MAX_SPAN: usize = 64;

/// The most grid cells one table may expand to. Table 2 of an annual report, the largest, has
/// about 40 rows of 10 cells; a table bigger than this is not a report's, and expanding it could
/// take gigabytes (a few bytes of `<td rowspan=64 colspan=64>` make 4,096 cells).
pub(super) const MAX_TABLE_CELLS: usize = 100_000;

/// The most grid cells all the tables of one document may expand to.
pub(super) const MAX_DOCUMENT_CELLS: usize = 1_000_000;

/// Counts the grid cells of a document's tables against [`MAX_TABLE_CELLS`] and
/// [`MAX_DOCUMENT_CELLS`].
#[derive(Default)]
pub(super) struct CellBudget {
    used: usize,
}

impl CellBudget {
    fn take(&mut self, table_cells: usize) -> Result<(), AuditError> {
        self.used = self.used.saturating_add(table_cells);
        if self.used > MAX_DOCUMENT_CELLS {
            return Err(AuditError::unreadable(format!(
                "the tables expand to more than {MAX_DOCUMENT_CELLS} cells (rowspan/colspan), more than any annual report has"
            )));
        }
        Ok(())
    }
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<Cell>,
}

#[derive(Default, Clone)]
pub(super) struct Cell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "title",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
];

pub fn to_text(html: &str) -> Result<String, AuditError> {
    let mut budget = CellBudget::default();
    let mut out = String::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut skip: Option<String> = None;
    for node in nodes(html) {
        match node {
            Node::Tag { name, closing, .. } if skip.is_some() => {
                if closing && skip.as_deref() == Some(name.as_str()) {
                    skip = None;
                }
            }
            Node::Text(_) if skip.is_some() => {}
            Node::Text(t) => {
                let t = entities(t);
                let outside = tables.is_empty();
                match tables.last_mut().and_then(|tb| tb.cell.as_mut()) {
                    Some(cell) => cell.text.push_str(&t),
                    None if outside => out.push_str(&collapse(&t)),
                    None => {}
                }
            }
            Node::Tag {
                name,
                closing,
                self_closing,
                attrs,
            } => match (name.as_str(), closing) {
                ("script" | "style" | "noscript" | "template", false) if !self_closing => {
                    skip = Some(name.clone());
                }
                ("table", false) => tables.push(Table::default()),
                ("table", true) => {
                    if let Some(t) = tables.pop() {
                        let text = t.finish(&mut budget)?;
                        match tables.last_mut().and_then(|tb| tb.cell.as_mut()) {
                            Some(cell) => cell.text.push_str(&text.replace(['\t', '\n'], " ")),
                            None => {
                                out.push('\n');
                                out.push_str(&text);
                            }
                        }
                    }
                }
                ("tr", false) => {
                    if let Some(t) = tables.last_mut() {
                        t.end_row();
                        t.row = Some(Vec::new());
                    }
                }
                ("tr", true) => {
                    if let Some(t) = tables.last_mut() {
                        t.end_row();
                    }
                }
                ("td" | "th", false) => {
                    if let Some(t) = tables.last_mut() {
                        t.end_cell();
                        t.cell = Some(Cell {
                            text: String::new(),
                            colspan: span(attr(attrs, "colspan")),
                            rowspan: span(attr(attrs, "rowspan")),
                        });
                    }
                }
                ("td" | "th", true) => {
                    if let Some(t) = tables.last_mut() {
                        t.end_cell();
                    }
                }
                (block, _) if BLOCKS.contains(&block) => {
                    let outside = tables.is_empty();
                    match tables.last_mut().and_then(|tb| tb.cell.as_mut()) {
                        Some(cell) => cell.text.push(' '),
                        None if outside => out.push('\n'),
                        None => {}
                    }
                }
                _ => {}
            },
        }
    }
    while let Some(t) = tables.pop() {
        out.push('\n');
        out.push_str(&t.finish(&mut budget)?);
    }
    Ok(out)
}

fn span(v: Option<String>) -> usize {
    v.and_then(|s| s.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_SPAN)
}

/// Whitespace in running HTML text is one space.
fn collapse(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() && c != '\u{3000}' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

impl Table {
    fn end_cell(&mut self) {
        if let Some(cell) = self.cell.take() {
            self.row.get_or_insert_with(Vec::new).push(cell);
        }
    }
    fn end_row(&mut self) {
        self.end_cell();
        if let Some(row) = self.row.take() {
            self.rows.push(row);
        }
    }
    fn finish(mut self, budget: &mut CellBudget) -> Result<String, AuditError> {
        self.end_row();
        grid_text(&self.rows, budget)
    }
}

/// Lays the rows out on a grid (spans expanded) and prints one line per row. A table that would
/// expand to more than [`MAX_TABLE_CELLS`] grid cells (or the document's tables to more than
/// [`MAX_DOCUMENT_CELLS`]) is refused as soon as its grid grows past the limit.
pub(super) fn grid_text(rows: &[Vec<Cell>], budget: &mut CellBudget) -> Result<String, AuditError> {
    // Grid slots are counted as the grid grows, blanks included: that is the memory it takes.
    let mut slots = 0usize;
    let mut grid: Vec<Vec<Option<String>>> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        if grid.len() <= r {
            grid.resize(r + 1, Vec::new());
        }
        let mut col = 0;
        for cell in row {
            while grid[r].get(col).is_some_and(Option::is_some) {
                col += 1;
            }
            let (rowspan, colspan) = (
                cell.rowspan.clamp(1, MAX_SPAN),
                cell.colspan.clamp(1, MAX_SPAN),
            );
            for dr in 0..rowspan {
                if grid.len() <= r + dr {
                    grid.resize(r + dr + 1, Vec::new());
                }
                for dc in 0..colspan {
                    let line = &mut grid[r + dr];
                    if line.len() <= col + dc {
                        slots += col + dc + 1 - line.len();
                        if slots > MAX_TABLE_CELLS {
                            return Err(AuditError::unreadable(format!(
                                "a table expands to more than {MAX_TABLE_CELLS} cells (rowspan/colspan); no annual report has such a table"
                            )));
                        }
                        line.resize(col + dc + 1, None);
                    }
                    let text = if dr == 0 && dc == 0 {
                        cell_text(&cell.text)
                    } else {
                        String::new()
                    };
                    line[col + dc] = Some(text);
                }
            }
            col += colspan;
        }
    }
    budget.take(slots)?;
    let mut out = String::new();
    for line in grid {
        let cells: Vec<String> = line.into_iter().map(Option::unwrap_or_default).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    Ok(out)
}

/// A cell's text on one line, without tabs.
fn cell_text(t: &str) -> String {
    collapse(&t.replace('\t', " ")).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_cells_are_expanded_on_a_grid() {
        let html = "<p>一、总体情况</p><table><tr><td rowspan=2>三、办理结果</td><td>（一）予以公开</td><td>5</td></tr>\
                    <tr><td>（二）部分公开</td><td>1</td></tr><tr><td colspan=2>总计</td><td>6</td></tr></table>";
        let text = to_text(html).unwrap();
        assert!(text.contains("一、总体情况"));
        assert!(
            text.contains("三、办理结果\t（一）予以公开\t5\n\t（二）部分公开\t1\n总计\t\t6\n"),
            "{text}"
        );
    }

    #[test]
    fn scripts_are_skipped_and_broken_markup_survives() {
        assert_eq!(
            to_text("<script>var x = '<td>';</script>a").unwrap().trim(),
            "a"
        );
        let _ = to_text("<table><td rowspan=99999999 colspan=-3>x<tr><table></td>");
    }

    #[test]
    fn span_bombs_are_refused_before_expansion() {
        // 30 cells of 64 × 64: 122,880 grid cells from 800 bytes.
        let bomb = format!(
            "<table><tr>{}</tr></table>",
            "<td rowspan=64 colspan=64>x</td>".repeat(30)
        );
        let e = to_text(&bomb).unwrap_err().to_string();
        assert!(e.contains("rowspan/colspan"), "{e}");
        // Many tables under the per-table limit still hit the document's.
        let table = format!(
            "<table><tr>{}</tr></table>",
            "<td rowspan=64 colspan=64>x</td>".repeat(20)
        );
        let e = to_text(&table.repeat(20)).unwrap_err().to_string();
        assert!(e.contains("more than 1000000 cells"), "{e}");
        // An ordinary merged table is fine.
        assert!(to_text(&table).is_ok());
    }
}
