//! Markdown (GitHub tables). Merged heading cells are flattened: a column is headed by the
//! headings above it joined with spaces (`申请人情况 法人或其他组织 商业企业`), a row by the
//! headings before it (`三、本年度办理结果 （三）不予公开 1.属于国家秘密`). A block caption of
//! table 1 (第二十条第（一）项) becomes a bold line above its own table.

use std::fmt::Write;

use crate::layout::{CellKind, Document, Table, TableRow, layout, occupancy};
use gongkai_domain::report::Report;

/// Renders the report as Markdown.
pub fn markdown(report: &Report) -> String {
    render_document(&layout(report))
}

fn render_document(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape_inline(&doc.title));
    let _ = writeln!(out, "{}\n", escape_paragraph(&doc.intro));
    for section in &doc.sections {
        let _ = writeln!(out, "## {}\n", escape_inline(section.heading));
        for p in &section.paragraphs {
            let _ = writeln!(out, "{}\n", escape_paragraph(p));
        }
        if let Some(table) = &section.table {
            render_table(table, &mut out);
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A table splits into segments: a run of heading rows and the body rows under it.
fn segments(table: &Table) -> Vec<&[TableRow]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..table.rows.len() {
        if table.rows[i].header && !table.rows[i - 1].header {
            out.push(&table.rows[start..i]);
            start = i;
        }
    }
    if start < table.rows.len() {
        out.push(&table.rows[start..]);
    }
    out
}

fn render_table(table: &Table, out: &mut String) {
    for seg in segments(table) {
        render_segment(seg, table.columns, out);
    }
}

fn render_segment(rows: &[TableRow], columns: usize, out: &mut String) {
    // Captions: heading rows made of one cell across the whole table.
    let is_caption = |row: &TableRow| {
        row.header
            && row.cells.len() == 1
            && (row.cells[0].kind == CellKind::Caption || row.cells[0].colspan >= columns)
    };
    for row in rows.iter().filter(|r| is_caption(r)) {
        let _ = writeln!(out, "**{}**\n", escape_inline(&row.cells[0].text));
    }
    let rows: Vec<TableRow> = rows.iter().filter(|r| !is_caption(r)).cloned().collect();
    if rows.is_empty() || columns == 0 {
        return;
    }
    let slots = occupancy(&rows, columns);
    // Grid columns always covered by the same cells form one Markdown column.
    let mut groups: Vec<usize> = vec![0];
    for c in 1..columns {
        if slots.iter().any(|row| row[c] != row[c - 1]) {
            groups.push(c);
        }
    }
    let body: Vec<usize> = (0..rows.len()).filter(|&r| !rows[r].header).collect();
    let header: Vec<usize> = (0..rows.len()).filter(|&r| rows[r].header).collect();
    let cell = |r: usize, c: usize| slots[r][c].map(|(rr, i)| &rows[rr].cells[i]);
    // Leading groups whose body cells are all row headings collapse into one column.
    let heading_groups = groups
        .iter()
        .take_while(|&&c| {
            !body.is_empty()
                && body
                    .iter()
                    .all(|&r| cell(r, c).is_some_and(|x| x.kind == CellKind::RowHead))
        })
        .count();
    let joined = |rs: &[usize], cs: &[usize]| -> String {
        let mut seen: Vec<(usize, usize)> = Vec::new();
        let mut parts: Vec<&str> = Vec::new();
        for &c in cs {
            for &r in rs {
                if let Some(id) = slots[r][c]
                    && !seen.contains(&id)
                {
                    seen.push(id);
                    let text = rows[id.0].cells[id.1].text.trim();
                    if !text.is_empty() {
                        parts.push(text);
                    }
                }
            }
        }
        parts.join(" ")
    };
    let mut md_columns: Vec<Vec<usize>> = Vec::new();
    if heading_groups > 0 {
        md_columns.push(groups[..heading_groups].to_vec());
    }
    md_columns.extend(groups[heading_groups..].iter().map(|&c| vec![c]));

    let line = |texts: Vec<String>| -> String {
        let mut s = String::from("|");
        for t in texts {
            s.push(' ');
            s.push_str(&escape_cell(&t));
            s.push_str(" |");
        }
        s
    };
    let heads: Vec<String> = md_columns.iter().map(|cs| joined(&header, cs)).collect();
    let _ = writeln!(out, "{}", line(heads));
    let rule: Vec<&str> = md_columns
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if i == 0 && heading_groups > 0 {
                "---"
            } else {
                "---:"
            }
        })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for &r in &body {
        let texts: Vec<String> = md_columns.iter().map(|cs| joined(&[r], cs)).collect();
        let _ = writeln!(out, "{}", line(texts));
    }
    out.push('\n');
}

/// Escapes Markdown syntax inside a line (headings, captions, cells).
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes a table cell: one line, no pipes.
fn escape_cell(text: &str) -> String {
    escape_inline(text)
}

/// Escapes a paragraph of narrative text so it stays a plain paragraph.
fn escape_paragraph(text: &str) -> String {
    let escaped = escape_inline(text.trim());
    // Characters that only matter at the start of a line: list items, headings, rules, quotes.
    let mut chars = escaped.chars();
    match chars.next() {
        Some(c @ ('-' | '+' | '=')) => format!("\\{c}{}", chars.as_str()),
        Some(c) if c.is_ascii_digit() => {
            let digits: String = escaped.chars().take_while(char::is_ascii_digit).collect();
            let rest = &escaped[digits.len()..];
            match rest.chars().next() {
                Some(m @ ('.' | ')')) => format!("{digits}\\{m}{}", &rest[m.len_utf8()..]),
                _ => escaped,
            }
        }
        _ => escaped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_in_user_text() {
        assert_eq!(escape_paragraph("1. 列表"), "1\\. 列表");
        assert_eq!(escape_paragraph("- x"), "\\- x");
        assert_eq!(escape_inline("a|b<script>"), "a\\|b\\<script\\>");
        assert_eq!(escape_inline("# 标题\n下一行"), "\\# 标题 下一行");
    }
}
