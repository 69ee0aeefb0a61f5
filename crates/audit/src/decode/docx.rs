//! DOCX → text: `word/document.xml`; paragraphs become lines, table rows become tab-separated
//! cells (`w:gridSpan` expanded, `w:vMerge` continuations blank).

use std::io::Read;

use super::html::{Cell, CellBudget, MAX_SPAN, grid_text};
use super::markup::{Node, attr, entities, nodes};
use crate::AuditError;

/// The most bytes of `word/document.xml` read (a zip bomb stops here).
const MAX_XML: u64 = 64 * 1024 * 1024;

pub fn to_text(bytes: &[u8]) -> Result<String, AuditError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| AuditError::unreadable(format!("not a DOCX (zip) file: {e}")))?;
    let entry = zip
        .by_name("word/document.xml")
        .map_err(|_| AuditError::unreadable("a zip file without word/document.xml, not a DOCX"))?;
    let mut xml = String::new();
    entry
        .take(MAX_XML)
        .read_to_string(&mut xml)
        .map_err(|e| AuditError::unreadable(format!("DOCX document.xml: {e}")))?;
    document_text(&xml)
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
    cell: Option<Cell>,
    /// The current cell continues a vertical merge.
    continued: bool,
}

/// The text of `word/document.xml`; tables over the limits of [`grid_text`] are refused.
pub fn document_text(xml: &str) -> Result<String, AuditError> {
    let mut budget = CellBudget::default();
    let mut out = String::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut in_text = false;
    for node in nodes(xml) {
        match node {
            Node::Text(t) if in_text => {
                let t = entities(t);
                match tables.last_mut().and_then(|tb| tb.cell.as_mut()) {
                    Some(cell) => cell.text.push_str(&t),
                    None => out.push_str(&t),
                }
            }
            Node::Text(_) => {}
            Node::Tag {
                name,
                closing,
                self_closing,
                attrs,
            } => {
                let in_cell = tables.last().is_some_and(|t| t.cell.is_some());
                match (name.as_str(), closing) {
                    ("w:t", false) => in_text = !self_closing,
                    ("w:t", true) => in_text = false,
                    ("w:tab" | "w:br" | "w:cr", false) => {
                        match tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            Some(cell) => cell.text.push(' '),
                            None => out.push(if name == "w:tab" { ' ' } else { '\n' }),
                        }
                    }
                    ("w:p", true) if !in_cell => out.push('\n'),
                    ("w:p", true) => {
                        if let Some(cell) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            cell.text.push(' ');
                        }
                    }
                    ("w:tbl", false) => tables.push(Table::default()),
                    ("w:tbl", true) => {
                        if let Some(t) = tables.pop() {
                            let text = grid_text(&t.rows, &mut budget)?;
                            match tables.last_mut().and_then(|tb| tb.cell.as_mut()) {
                                Some(cell) => cell.text.push_str(&text.replace(['\t', '\n'], " ")),
                                None => {
                                    out.push('\n');
                                    out.push_str(&text);
                                }
                            }
                        }
                    }
                    ("w:tr", false) => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                        }
                    }
                    ("w:tr", true) => {
                        if let Some(t) = tables.last_mut() {
                            let row = std::mem::take(&mut t.row);
                            t.rows.push(row);
                        }
                    }
                    ("w:tc", false) => {
                        if let Some(t) = tables.last_mut() {
                            t.cell = Some(Cell {
                                text: String::new(),
                                colspan: 1,
                                rowspan: 1,
                            });
                            t.continued = false;
                        }
                    }
                    ("w:tc", true) => {
                        if let Some(t) = tables.last_mut()
                            && let Some(mut cell) = t.cell.take()
                        {
                            if t.continued {
                                cell.text.clear();
                            }
                            t.row.push(cell);
                        }
                    }
                    ("w:gridspan", false) => {
                        if let Some(cell) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            cell.colspan = attr(attrs, "w:val")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1)
                                .clamp(1, MAX_SPAN);
                        }
                    }
                    ("w:vmerge", false) => {
                        if let Some(t) = tables.last_mut() {
                            t.continued = attr(attrs, "w:val").is_none_or(|v| v != "restart");
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_tables() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>总计</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>6</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
        let text = document_text(xml).unwrap();
        assert!(text.contains("一、总体情况\n"));
        assert!(text.contains("总计\t\t6\n"), "{text:?}");
    }

    #[test]
    fn grid_span_bombs_are_refused() {
        let cell = r#"<w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr></w:tc>"#;
        let row = format!("<w:tr>{}</w:tr>", cell.repeat(40));
        let xml = format!("<w:tbl>{}</w:tbl>", row.repeat(40));
        let e = document_text(&xml).unwrap_err().to_string();
        assert!(e.contains("rowspan/colspan"), "{e}");
    }
}
