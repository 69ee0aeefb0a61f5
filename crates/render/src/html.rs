//! HTML for the portal: a standalone page (askama template `templates/report.html`), one
//! `<table>` per table with the official merged heading cells as `rowspan`/`colspan`. Every text
//! goes through askama's HTML escaping.

use askama::Template;

use crate::RenderError;
use crate::layout::{CellKind, Document, Table, TableRow, layout};
use gongkai_domain::report::Report;

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    title: &'a str,
    intro: &'a str,
    sections: Vec<SectionView<'a>>,
    /// Inside the portal's layout (`report_body.html` alone): no inline column widths (the
    /// portal's CSP allows no inline style), each table in a keyboard-scrollable region.
    portal: bool,
}

/// The report's content without a page around it, for the portal's layout.
#[derive(Template)]
#[template(path = "report_body.html")]
struct Body<'a> {
    title: &'a str,
    intro: &'a str,
    sections: Vec<SectionView<'a>>,
    portal: bool,
}

struct SectionView<'a> {
    heading: &'a str,
    paragraphs: &'a [String],
    table: Option<TableView<'a>>,
}

struct TableView<'a> {
    /// Column widths in percent, e.g. `6.67`.
    widths: Vec<String>,
    head: Vec<Vec<CellView<'a>>>,
    body: Vec<Vec<CellView<'a>>>,
}

struct CellView<'a> {
    tag: &'static str,
    class: &'static str,
    scope: &'static str,
    rowspan: usize,
    colspan: usize,
    text: &'a str,
    /// Where the figure drills down to (the back office's editor), if anywhere.
    href: Option<String>,
}

/// Where a figure's cell links to, from its JSON path and its text; `None` for no link.
type Linker<'l> = &'l dyn Fn(&str, &str) -> Option<String>;

fn no_links(_: &str, _: &str) -> Option<String> {
    None
}

fn table_view<'a>(table: &'a Table, link: Linker<'_>) -> TableView<'a> {
    let total = f64::from(table.widths.iter().sum::<u32>().max(1));
    let widths = table
        .widths
        .iter()
        .map(|w| format!("{:.2}", f64::from(*w) * 100.0 / total))
        .collect();
    // Rows up to the first body row form <thead>; the rest (with table 1's later block
    // headings) go to <tbody>.
    let split = table
        .rows
        .iter()
        .position(|r| !r.header)
        .unwrap_or(table.rows.len());
    TableView {
        widths,
        head: rows_view(&table.rows[..split], link),
        body: rows_view(&table.rows[split..], link),
    }
}

fn rows_view<'a>(rows: &'a [TableRow], link: Linker<'_>) -> Vec<Vec<CellView<'a>>> {
    rows.iter()
        .map(|row| {
            row.cells
                .iter()
                .map(|cell| {
                    let (tag, class, scope) = match cell.kind {
                        CellKind::Caption => ("th", "caption", "colgroup"),
                        CellKind::ColumnHead if cell.colspan > 1 => ("th", "col", "colgroup"),
                        CellKind::ColumnHead => ("th", "col", "col"),
                        CellKind::RowHead if cell.rowspan > 1 => ("th", "row", "rowgroup"),
                        CellKind::RowHead => ("th", "row", "row"),
                        CellKind::Value => ("td", "num", ""),
                    };
                    CellView {
                        tag,
                        class,
                        scope,
                        rowspan: cell.rowspan,
                        colspan: cell.colspan,
                        text: &cell.text,
                        href: cell.path.as_deref().and_then(|p| link(p, &cell.text)),
                    }
                })
                .collect()
        })
        .collect()
}

fn page<'a>(doc: &'a Document, portal: bool, link: Linker<'_>) -> Page<'a> {
    Page {
        portal,
        title: &doc.title,
        intro: &doc.intro,
        sections: doc
            .sections
            .iter()
            .map(|s| SectionView {
                heading: s.heading,
                paragraphs: &s.paragraphs,
                table: s.table.as_ref().map(|t| table_view(t, link)),
            })
            .collect(),
    }
}

/// Renders the report as a standalone HTML page, or the template's error.
pub fn try_html(report: &Report) -> Result<String, RenderError> {
    let doc = layout(report);
    page(&doc, false, &no_links)
        .render()
        .map_err(|e| RenderError::Html(e.to_string()))
}

/// The report's title, introduction and sections with their tables (the same template as the
/// standalone page, [`try_html`]) as an HTML fragment for the portal's page layout: escaped
/// like the page, without inline styles.
pub fn html_fragment(report: &Report) -> Result<String, RenderError> {
    html_fragment_linked(report, &no_links)
}

/// [`html_fragment`] with the figures of tables 2 and 3 as links where `link(path, text)` gives
/// one (`path` the cell's JSON path, e.g. `requests.disclosed[0]`; `text` the figure as shown):
/// the back office's editor links each non-zero cell to the requests behind it.
pub fn html_fragment_linked(
    report: &Report,
    link: &dyn Fn(&str, &str) -> Option<String>,
) -> Result<String, RenderError> {
    let doc = layout(report);
    let p = page(&doc, true, link);
    Body {
        title: p.title,
        intro: p.intro,
        sections: p.sections,
        portal: true,
    }
    .render()
    .map_err(|e| RenderError::Html(e.to_string()))
}

/// The page shown should the report template ever fail.
#[derive(Template)]
#[template(
    source = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head><body><p>{{ message }}</p></body></html>\n",
    ext = "html"
)]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

/// Renders the report as a standalone HTML page.
///
/// Rendering into a `String` cannot fail for this template; should it ever, the page says so
/// instead of panicking.
pub fn html(report: &Report) -> String {
    try_html(report).unwrap_or_else(|e| {
        let message = e.to_string();
        ErrorPage {
            title: &report.agency,
            message: &message,
        }
        .render()
        .unwrap_or_default()
    })
}
