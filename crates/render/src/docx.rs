//! DOCX (Word), built with docx-rs: A4, title, the six sections and the tables with their merged
//! heading cells (`w:gridSpan` across, `w:vMerge` down). Runs name 宋体/黑体 as their East Asian
//! font (`w:eastAsia`) so Word picks a Chinese face.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use crate::RenderError;
use crate::layout::{self, CellKind, Document, layout, occupancy};
use gongkai_domain::report::Report;

/// Body font (宋体, SimSun) and heading font (黑体, SimHei).
pub(crate) const SONG: &str = "宋体";
const HEI: &str = "黑体";
const LATIN: &str = "Times New Roman";

/// A4 in twips, and 2.54 cm / 3.17 cm margins as Word's default Chinese layout.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_X: i32 = 1587;
const MARGIN_Y: i32 = 1440;

/// Half-points: 二号 22pt (title), 三号 16pt (section headings), 四号 14pt (body), 五号 10.5pt
/// (tables).
pub(crate) const TITLE_SIZE: usize = 44;
const HEADING_SIZE: usize = 32;
pub(crate) const BODY_SIZE: usize = 28;
const TABLE_SIZE: usize = 21;
const SMALL_TABLE_SIZE: usize = 18;

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN)
        .hi_ansi(LATIN)
        .cs(LATIN)
}

pub(crate) fn run(text: &str, east_asia: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(east_asia)).size(size)
}

/// Renders the report as a `.docx` file.
pub fn docx(report: &Report) -> Result<Vec<u8>, RenderError> {
    pack(build(&layout(report)))
}

/// An empty A4 document with the Chinese default margins and fonts (the report's and the
/// letters').
pub(crate) fn page() -> Docx {
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN_Y,
            left: MARGIN_X,
            bottom: MARGIN_Y,
            right: MARGIN_X,
            header: 851,
            footer: 992,
            gutter: 0,
        })
        .default_fonts(fonts(SONG))
        .default_size(BODY_SIZE)
}

/// The packed `.docx` bytes of a document.
pub(crate) fn pack(d: Docx) -> Result<Vec<u8>, RenderError> {
    let mut buf = Cursor::new(Vec::new());
    d.pack(&mut buf)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

fn build(doc: &Document) -> Docx {
    let mut d = page();
    // The title on two lines, as agencies print it: the agency, then the year's report.
    d = d.add_paragraph(
        Paragraph::new()
            .add_run(run(&doc.agency, SONG, TITLE_SIZE).bold())
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(240)),
    );
    d = d.add_paragraph(
        Paragraph::new()
            .add_run(run(&doc.subtitle, SONG, TITLE_SIZE).bold())
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(480)),
    );
    d = d.add_paragraph(body_paragraph(&doc.intro));
    for section in &doc.sections {
        d = d.add_paragraph(
            Paragraph::new()
                .add_run(run(section.heading, HEI, HEADING_SIZE))
                .keep_next(true)
                .outline_lvl(0)
                .line_spacing(LineSpacing::new().before(240).after(120)),
        );
        for p in &section.paragraphs {
            d = d.add_paragraph(body_paragraph(p));
        }
        if let Some(table) = &section.table {
            d = d.add_table(build_table(table));
            d = d.add_paragraph(Paragraph::new());
        }
    }
    d
}

pub(crate) fn body_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, SONG, BODY_SIZE))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(560)), None, None)
        .first_line_chars(200)
        .line_spacing(LineSpacing::new().line(360).after(60))
}

/// Width of the text area in twips.
fn text_width() -> usize {
    (PAGE_WIDTH as usize).saturating_sub(2 * MARGIN_X as usize)
}

fn build_table(table: &layout::Table) -> Table {
    let total: u32 = table.widths.iter().sum::<u32>().max(1);
    let grid: Vec<usize> = table
        .widths
        .iter()
        .map(|w| text_width() * *w as usize / total as usize)
        .collect();
    let size = if table.columns > 10 {
        SMALL_TABLE_SIZE
    } else {
        TABLE_SIZE
    };
    let slots = occupancy(&table.rows, table.columns);
    let mut rows = Vec::new();
    for (r, slot_row) in slots.iter().enumerate() {
        let mut cells = Vec::new();
        let mut c = 0;
        while c < table.columns {
            let Some((origin_row, index)) = slot_row[c] else {
                // A gap in a malformed grid: fill it so the row keeps its width.
                cells.push(
                    TableCell::new()
                        .add_paragraph(Paragraph::new())
                        .width(grid[c], WidthType::Dxa),
                );
                c += 1;
                continue;
            };
            let cell = &table.rows[origin_row].cells[index];
            let span = (c..table.columns)
                .take_while(|&cc| slot_row[cc] == Some((origin_row, index)))
                .count()
                .max(1);
            let width: usize = grid[c..c + span].iter().sum();
            let mut tc = TableCell::new()
                .vertical_align(VAlignType::Center)
                .width(width, WidthType::Dxa);
            if span > 1 {
                tc = tc.grid_span(span);
            }
            if origin_row == r {
                let font = if cell.kind == CellKind::Caption {
                    HEI
                } else {
                    SONG
                };
                let align = if cell.kind == CellKind::RowHead && cell.rowspan == 1 {
                    AlignmentType::Left
                } else {
                    AlignmentType::Center
                };
                tc = tc.add_paragraph(
                    Paragraph::new()
                        .add_run(run(&cell.text, font, size))
                        .align(align),
                );
                if cell.rowspan > 1 {
                    tc = tc.vertical_merge(VMergeType::Restart);
                }
            } else {
                // Covered by a cell merged down from an earlier row.
                tc = tc
                    .add_paragraph(Paragraph::new())
                    .vertical_merge(VMergeType::Continue);
            }
            cells.push(tc);
            c += span;
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    Table::new(rows)
        .set_grid(grid)
        .width(text_width(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}
