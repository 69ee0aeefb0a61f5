//! PDF through typst, used as a library: the report is written as typst markup in which every
//! text is a typst string literal (so user text is never read as markup), compiled in a small
//! in-memory [`World`] whose only font is WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0,
//! `fonts/wqy-microhei.ttc`, embedded in the binary), and exported with typst-pdf, which embeds
//! the subset of the font it uses (with a ToUnicode map, so `pdftotext` gives the text back).
//!
//! Typst writes a table row by row: `pdftotext -raw` gives each row of table 2 as its heading
//! followed by its seven figures, and `pdftotext -layout` keeps each row's figures on one line
//! with (the first line of) its heading. Every table is kept on one page (`breakable: false`);
//! each fits on A4.

use std::fmt::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::RenderError;
use crate::layout::{CellKind, Document, Table, layout};
use gongkai_domain::report::Report;

/// The embedded font collection (WenQuanYi Micro Hei and its monospaced face).
static FONT_DATA: &[u8] = include_bytes!("../fonts/wqy-microhei.ttc");
/// The family name typst selects.
pub(crate) const FONT_FAMILY: &str = "WenQuanYi Micro Hei";
/// The monospaced face of the same collection (digests).
pub(crate) const MONO_FAMILY: &str = "WenQuanYi Micro Hei Mono";

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = Font::iter(Bytes::new(FONT_DATA)).collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A typst world of one source file and the embedded fonts; no file or package access.
struct ReportWorld {
    main: Source,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Renders the report as PDF.
pub fn pdf(report: &Report) -> Result<Vec<u8>, RenderError> {
    let source = typst_source(&layout(report));
    compile(source)
}

/// Compiles typst markup to PDF. Typst's own panics are caught and reported as errors.
pub(crate) fn compile(source: String) -> Result<Vec<u8>, RenderError> {
    if FONTS.fonts.is_empty() {
        return Err(RenderError::Pdf(
            "the embedded CJK font could not be read".into(),
        ));
    }
    let world = ReportWorld {
        main: Source::detached(source),
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        let document = typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|errors| diagnostics(errors.as_slice()))?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| diagnostics(errors.as_slice()))
    }));
    // Keep typst's memoisation cache from growing across many renders in a long-lived server.
    typst::comemo::evict(10);
    match result {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(message)) => Err(RenderError::Pdf(message)),
        Err(_) => Err(RenderError::Pdf("typst panicked".into())),
    }
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A typst string literal: the text is shown as it is, never read as markup.
pub(crate) fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The typst markup of a laid-out report.
pub(crate) fn typst_source(doc: &Document) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "#set document(title: {}, author: {})",
        lit(&doc.title),
        lit(&doc.agency)
    );
    s.push_str(
        "#set page(paper: \"a4\", margin: (x: 2.6cm, top: 2.5cm, bottom: 2.5cm), \
         footer: context align(center, text(size: 9pt, \"— \" + str(counter(page).get().first()) + \" —\")))\n",
    );
    let _ = writeln!(
        s,
        "#set text(font: {}, size: 12pt, lang: \"zh\", region: \"cn\", cjk-latin-spacing: none)",
        lit(FONT_FAMILY)
    );
    s.push_str(
        "#set par(justify: true, leading: 0.9em, spacing: 0.9em, \
         first-line-indent: (amount: 2em, all: true))\n",
    );
    s.push_str("#show heading: set text(size: 14pt, stroke: 0.25pt)\n");
    s.push_str("#show heading: set block(above: 1.5em, below: 1em)\n");
    // The title on two lines, as agencies print it: the agency, then the year's report.
    let _ = writeln!(
        s,
        "#align(center, block(above: 0.5em, below: 2em, {{\n  set text(size: 20pt, stroke: 0.4pt)\n  set par(leading: 0.7em)\n  [#{} \\ #{}]\n}}))",
        lit(&doc.agency),
        lit(&doc.subtitle)
    );
    let _ = writeln!(s, "#par({})", lit(&doc.intro));
    for section in &doc.sections {
        let _ = writeln!(s, "#heading(level: 1, {})", lit(section.heading));
        for p in &section.paragraphs {
            let _ = writeln!(s, "#par({})", lit(p));
        }
        if let Some(table) = &section.table {
            write_table(&mut s, table);
        }
    }
    s
}

fn write_table(s: &mut String, table: &Table) {
    let size = if table.columns > 10 { "8pt" } else { "9pt" };
    let columns: Vec<String> = table.widths.iter().map(|w| format!("{w}fr")).collect();
    // Repeat the heading rows on a new page only when they all come first (tables 2 and 3).
    let lead = table.rows.iter().take_while(|r| r.header).count();
    let repeat = lead > 0 && table.rows[lead..].iter().all(|r| !r.header);
    let _ = writeln!(
        s,
        "#block(width: 100%, above: 0.8em, below: 1.2em, breakable: false, {{\n  set text(size: {size})\n  set par(justify: false, first-line-indent: 0pt, leading: 0.5em)\n  table(\n  columns: ({}),\n  align: center + horizon,\n  stroke: 0.5pt,\n  inset: (x: 3pt, y: 4pt),",
        columns.join(", ")
    );
    for (i, row) in table.rows.iter().enumerate() {
        if repeat && i == 0 {
            s.push_str("  table.header(repeat: true,\n");
        }
        s.push_str("   ");
        for cell in &row.cells {
            let mut args = Vec::new();
            if cell.rowspan > 1 {
                args.push(format!("rowspan: {}", cell.rowspan));
            }
            if cell.colspan > 1 {
                args.push(format!("colspan: {}", cell.colspan));
            }
            if cell.kind == CellKind::RowHead && cell.rowspan == 1 {
                args.push("align: left + horizon".to_string());
            }
            args.push(lit(&cell.text));
            let _ = write!(s, " table.cell({}),", args.join(", "));
        }
        s.push('\n');
        if repeat && i + 1 == lead {
            s.push_str("  ),\n");
        }
    }
    s.push_str(")})\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_everything_typst_reads() {
        assert_eq!(lit(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(lit("#set text(red) *x* $y$"), "\"#set text(red) *x* $y$\"");
        assert_eq!(lit("一\n二\u{7}"), "\"一\\n二\\u{7}\"");
    }

    #[test]
    fn markup_injection_stays_text() {
        let source = format!(
            "#par({})",
            lit("#panic(\"boom\") ]) #import \"/etc/passwd\"")
        );
        assert!(compile(source).is_ok());
    }
}
