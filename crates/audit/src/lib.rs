//! gongkai audit — reads a published 政府信息公开工作年度报告 (annual report), extracts its three
//! tables into the canonical JSON of `annual-report.md` and reports every broken consistency
//! rule (勾稽关系), using the very rule function the report generator uses
//! ([`gongkai_domain::report::check`]).
//!
//! The pipeline: [`decode`] turns bytes (plain text in UTF-8 or GB18030, HTML, DOCX, PDF) into
//! text, tables as tab-separated rows; [`extract`] normalises it, finds the six section headings,
//! reads the tables by the meaning of their row headings (not their position) and the figures the
//! narrative states; [`Extracted::audit`] runs the rules.
//!
//! **PDF.** PDF text comes from `pdftotext -layout` (Debian's `poppler-utils`, installed by
//! `scripts/test.sh`), run as a child process. Poppler is the best-kept free PDF text extractor: it
//! maps the CID fonts of Chinese PDFs through their ToUnicode tables and the Adobe-GB1 collection,
//! which the pure-Rust crates (`pdf-extract`, `lopdf`) often get wrong or give up on, and
//! `-layout` keeps a table row on one line. A crash of the extractor on a hostile file stays in
//! the child process. Without `pdftotext`, PDF input is reported as unreadable (exit 2).
//!
//! The parser is pure: no I/O outside [`decode`]'s PDF step and the [`batch`], no panics on any
//! input (a fuzz target in `fuzz/` and a corpus replayed by the tests keep it so).

pub mod batch;
pub mod decode;
mod error;
pub mod input;
mod label_stream;
mod lexer;
mod narrative;
mod normalize;
pub mod reading;
pub mod run_together;
mod table1;
mod table2;
mod table3;

use chrono::NaiveDate;
use gongkai_domain::report::{
    CellRef, CheckContext, NarrativeFigure, Report, ReportFormat, Sections, check,
};

pub use error::AuditError;
pub use gongkai_domain::report::SECTION_HEADINGS;
pub use reading::{Note, Reading, Readings};

use narrative::Compact;

/// What [`extract`] read from a report: the report in its canonical shape (no findings yet) and
/// what the rules need besides it.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub report: Report,
    /// Which of the six section headings were found (S1).
    pub headings_present: [bool; 6],
    /// Figures the narrative states (T1).
    pub narrative: Vec<NarrativeFigure>,
    /// The publication date printed with the report, if any (D1).
    pub published_on: Option<NaiveDate>,
    /// A people's government, due by 31 March instead of 31 January.
    pub is_government: bool,
    /// How each cell of tables 2 and 3 was read (label, position, arithmetic, or not at all).
    pub readings: Readings,
    /// What the extraction had to work around (run-together cells, missing rows, strays).
    pub notes: Vec<Note>,
}

impl Extracted {
    /// The context of the rules, with the same agency's previous report if known.
    pub fn context<'a>(&self, previous: Option<&'a Report>) -> CheckContext<'a> {
        CheckContext {
            previous,
            headings_present: Some(self.headings_present),
            narrative: self.narrative.clone(),
            published_on: self.published_on,
            is_government: self.is_government,
            unread: self.readings.unread(),
        }
    }

    /// The tables that could not be read at all (`gongkai audit` exits 2 for them).
    pub fn unreadable_tables(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let all_unread = |table2: bool| {
            let mut cells = self
                .readings
                .0
                .iter()
                .filter(|(c, _)| matches!(c, CellRef::Requests { .. }) == table2);
            let mut any = false;
            let all = cells.all(|(_, r)| {
                any = true;
                *r == Reading::Unread
            });
            any && all
        };
        if all_unread(true) {
            out.push("requests");
        }
        if all_unread(false) {
            out.push("review");
        }
        out
    }

    /// Runs every rule; the report comes back with its findings.
    pub fn audit(&self, previous: Option<&Report>) -> Report {
        let mut report = self.report.clone();
        report.findings = Some(check(&self.report, &self.context(previous)));
        report
    }
}

/// Extracts a report from its text (any layout this crate knows; see the crate doc).
pub fn extract(text: &str) -> Result<Extracted, AuditError> {
    if u32::try_from(text.len()).is_err() {
        return Err(AuditError::unreadable(
            "over 4 GiB of text, more than any annual report",
        ));
    }
    let text = normalize::normalize(text);
    if text.trim().is_empty() {
        return Err(AuditError::Empty);
    }
    let compact = Compact::new(&text);
    let headings = narrative::find_headings(&compact);
    let regions = Regions::locate(&compact, &headings).ok_or_else(|| {
        AuditError::not_a_report("no table of requests (收到和处理政府信息公开申请情况) found")
    })?;
    let slice = |(a, b): (usize, usize)| text.get(compact.byte(a)..compact.byte(b)).unwrap_or("");
    let mut notes = Vec::new();

    let table2 = table2::extract(slice(regions.table2), &mut notes);
    if table2.rows_found < 4 || table2.rows_filled == 0 {
        return Err(AuditError::not_a_report(
            "the table of requests (收到和处理政府信息公开申请情况) has no readable rows",
        ));
    }
    let title = narrative::title(&text);
    let year = title
        .year
        .ok_or_else(|| AuditError::not_a_report("the report's year is not stated"))?;
    let year_format = ReportFormat::for_year(year)
        .map_err(|e| AuditError::not_a_report(format!("year {year}: {e}")))?;
    let table1 = table1::read(regions.table1.map(slice).unwrap_or(""));
    let format = table1
        .format
        .or(table2.split_other.then_some(ReportFormat::F2021))
        .unwrap_or(year_format);
    let proactive = table1.proactive(format, &mut notes);
    let narrative = narrative::figures(&compact, 0, regions.narrative_end);
    let table3 = table3::extract(slice(regions.table3), &narrative, &mut notes);
    let mut readings = table2.readings;
    readings.0.extend(table3.readings.0);

    let section = |k: usize| -> String {
        let (Some(from), to) = (headings.end(k), headings.start(k + 1)) else {
            return String::new();
        };
        tidy_section(slice((from, to.unwrap_or(compact.chars.len()).max(from))))
    };
    let sections = Sections {
        overview: section(0),
        problems: section(4),
        other: section(5),
    };
    let is_government = narrative::is_government(&title.agency);
    Ok(Extracted {
        report: Report {
            agency: title.agency,
            year,
            format,
            proactive,
            requests: table2.requests,
            review: table3.review,
            findings: None,
            sections: Some(sections),
        },
        headings_present: headings.present(),
        narrative,
        published_on: narrative::published_on(&text),
        is_government,
        readings,
        notes,
    })
}

/// A narrative section as text: lines a PDF or a web page wrapped inside a sentence are joined
/// again (a break between two CJK characters or punctuation marks), paragraphs stay, a Markdown
/// heading mark left before the next heading goes, and the colon normalisation of labels is
/// undone between CJK characters.
fn tidy_section(raw: &str) -> String {
    let wide = |c: char| {
        normalize::is_cjk(c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    };
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in raw.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        let joins = matches!((current.chars().last(), line.chars().next()), (Some(a), Some(b)) if wide(a) && wide(b));
        if !current.is_empty() && !joins {
            current.push('\n');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    let mut text = paragraphs.join("\n\n");
    let kept = text.trim_end_matches(['#', ' ', '\n']).len();
    text.truncate(kept);
    if !text.contains(':') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut previous = ' ';
    for c in text.chars() {
        out.push(if c == ':' && wide(previous) { '：' } else { c });
        previous = c;
    }
    out
}

/// Decodes a file's bytes (see [`decode::decode`]) and extracts the report.
pub fn extract_bytes(bytes: &[u8], name: Option<&str>) -> Result<Extracted, AuditError> {
    extract(&decode::decode(bytes, name)?)
}

/// The parts of the text, as compact index ranges.
struct Regions {
    table1: Option<(usize, usize)>,
    table2: (usize, usize),
    table3: (usize, usize),
    /// The narrative of section 一 (and the preamble) ends here.
    narrative_end: usize,
}

impl Regions {
    fn locate(c: &Compact, h: &narrative::Headings) -> Option<Self> {
        let len = c.chars.len();
        let t2_start = h.end(2).or_else(|| {
            let from = h.end(1).unwrap_or(0);
            ["申请人情况", "本年新收"]
                .iter()
                .filter_map(|k| c.find(from, k))
                .min()
        })?;
        let t2_end = h
            .start(3)
            .filter(|&s| s > t2_start)
            .or_else(|| c.find(t2_start, "行政复议"))
            .unwrap_or(len);
        let t3_start = h.end(3).filter(|&e| e >= t2_end).unwrap_or(t2_end);
        let t3_end = h
            .start(4)
            .or(h.start(5))
            .filter(|&s| s > t3_start)
            .unwrap_or(len);
        let t1_start = h.end(1).filter(|&e| e < t2_start);
        let t1_end = h
            .start(2)
            .filter(|&s| s >= t1_start.unwrap_or(0))
            .unwrap_or(t2_start);
        let narrative_end = h.start(1).or(t1_start).unwrap_or(t2_start).min(t2_start);
        Some(Regions {
            table1: t1_start.map(|s| (s, t1_end.max(s))),
            table2: (t2_start, t2_end.max(t2_start)),
            table3: (t3_start, t3_end.max(t3_start)),
            narrative_end,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::tidy_section;

    #[test]
    fn sections_are_tidied_back_to_their_text() {
        assert_eq!(
            tidy_section("2020年，本局认真贯彻\n   落实条例。\n\n存在的主要问题:无。\n\n## "),
            "2020年，本局认真贯彻落实条例。\n\n存在的主要问题：无。"
        );
        assert_eq!(
            tidy_section("See www.example.org\nand 12:30"),
            "See www.example.org\nand 12:30"
        );
        assert_eq!(tidy_section("  \n"), "");
    }
}
