//! The stress corpus: published text damaged the way PDF→Markdown converters, OCR and other
//! PDF text extractors damage it (issue 11), and the measure of how the auditor reads it.
//!
//! Every damage keeps the report's figures: a consistent report stays consistent, so any R-rule
//! error on a damaged report is a false accusation, and any figure that differs from the truth
//! without a P1 is a silent misread.

use gongkai_audit::extract_bytes;
use gongkai_domain::report::{Report, Severity};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::Value;

/// One kind of damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// A row heading cut into fragments on lines of their own, away from the numbers
    /// (`（三）不` / `予公开`).
    SplitHeadings,
    /// Numeric rows with no heading at all (`| 0 | 0 | 0 | 0 | 0 | 0 | 0 |`).
    Headless,
    /// Rows as Markdown pipes, with separator rows (`|---|---|`), some without the closing pipe.
    Pipes,
    /// Page footers between rows (`— 5 —`, `第 5 页`, a bare page number).
    Footers,
    /// A row broken across a page: its numbers on two lines with a footer between.
    BrokenRows,
    /// Full-width digits (`１３`).
    FullWidth,
    /// OCR confusions: `O` for 0, `l` for 1.
    Ocr,
    /// OCR dropped a cell.
    DropCell,
    /// Tabs become spaces, spaces become tabs.
    Whitespace,
}

pub const DAMAGES: [Damage; 9] = [
    Damage::SplitHeadings,
    Damage::Headless,
    Damage::Pipes,
    Damage::Footers,
    Damage::BrokenRows,
    Damage::FullWidth,
    Damage::Ocr,
    Damage::DropCell,
    Damage::Whitespace,
];

/// A printed table row: its heading and its cells (blank cells kept where tabs showed them).
#[derive(Debug, Clone)]
struct RowLine {
    label: String,
    cells: Vec<String>,
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The row of a line with at least three number cells at its end, if it is one.
fn parse_row(line: &str) -> Option<RowLine> {
    let t = line.trim();
    let parts: Vec<String> = if t.starts_with('|') {
        t.trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    } else if t.contains('\t') {
        t.split('\t').map(|c| c.trim().to_string()).collect()
    } else {
        t.split_whitespace().map(String::from).collect()
    };
    let first_cell = parts
        .iter()
        .rposition(|p| !p.is_empty() && !is_number(p))
        .map_or(0, |i| i + 1);
    let cells: Vec<String> = parts[first_cell..].to_vec();
    if cells.iter().filter(|c| is_number(c)).count() < 3 {
        return None;
    }
    Some(RowLine {
        label: parts[..first_cell].concat(),
        cells,
    })
}

fn spaced(cells: &[String]) -> String {
    cells
        .iter()
        .filter(|c| !c.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

fn footer(rng: &mut StdRng) -> String {
    let page = rng.gen_range(2..30);
    match rng.gen_range(0..5) {
        0 => format!("— {page} —"),
        1 => format!("- {page} -"),
        2 => format!("第 {page} 页"),
        3 => format!("第{page}页 共{}页", page + rng.gen_range(1..9)),
        _ => format!("{page}"),
    }
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn split_label(label: &str, rng: &mut StdRng) -> Vec<String> {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() < 2 {
        return vec![label.to_string()];
    }
    let pieces = rng.gen_range(2..=3.min(chars.len()));
    let mut cuts: Vec<usize> = (1..chars.len()).collect();
    cuts.shuffle(rng);
    let mut cuts: Vec<usize> = cuts.into_iter().take(pieces - 1).collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut from = 0;
    for c in cuts.into_iter().chain([chars.len()]) {
        out.push(chars[from..c].iter().collect());
        from = c;
    }
    out
}

/// Damages the tables of a published text (the lines from 三、收到和处理 to 五、存在的主要问题) with
/// the given kinds, each row hit with probability `rate`.
pub fn damage(text: &str, kinds: &[Damage], rate: f64, rng: &mut StdRng) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains("收到和处理政府信息公开申请情况") && !l.contains("本报告"))
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .skip(start)
        .position(|l| l.contains("存在的主要问题"))
        .map_or(lines.len(), |p| p + start);
    let mut out: Vec<String> = lines[..start.min(lines.len())]
        .iter()
        .map(|l| l.to_string())
        .collect();
    let has = |d: Damage| kinds.contains(&d);
    let mut pipes_started = false;
    for line in lines.iter().take(end).skip(start) {
        let Some(mut row) = parse_row(line) else {
            out.push(line.to_string());
            continue;
        };
        if !rng.gen_bool(rate) {
            out.push(line.to_string());
            continue;
        }
        if has(Damage::Ocr) {
            for c in &mut row.cells {
                if rng.gen_bool(0.3) {
                    *c = c.replace('0', "O").replace('1', "l");
                }
            }
        }
        if has(Damage::DropCell) && rng.gen_bool(0.3) {
            let filled: Vec<usize> = (0..row.cells.len())
                .filter(|&i| !row.cells[i].is_empty())
                .collect();
            if let Some(&i) = filled.choose(rng) {
                row.cells.remove(i);
            }
        }
        let tabbed = line.contains('\t') && !(has(Damage::Whitespace) && rng.gen_bool(0.7));
        let mut numbers = if has(Damage::Pipes) && rng.gen_bool(0.7) {
            let closing = if rng.gen_bool(0.8) { " |" } else { "" };
            format!("| {}{closing}", row.cells.join(" | "))
        } else if tabbed {
            row.cells.join("\t")
        } else if has(Damage::Whitespace) && rng.gen_bool(0.5) {
            row.cells
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(if rng.gen_bool(0.5) { "\t" } else { "   " })
        } else {
            spaced(&row.cells)
        };
        if has(Damage::FullWidth) && rng.gen_bool(0.6) {
            numbers = full_width(&numbers);
        }
        if has(Damage::Pipes) && !pipes_started && numbers.starts_with('|') {
            pipes_started = true;
            out.push(format!("|{}", "---|".repeat(row.cells.len().max(1))));
        }
        let label = if has(Damage::Headless) && rng.gen_bool(0.4) {
            String::new()
        } else {
            row.label.clone()
        };
        let sep = if numbers.starts_with('|') {
            ""
        } else if tabbed {
            "\t"
        } else {
            " "
        };
        if has(Damage::BrokenRows) && rng.gen_bool(0.3) && !numbers.starts_with('|') {
            let cells: Vec<&String> = row.cells.iter().filter(|c| !c.is_empty()).collect();
            let half = cells.len() / 2;
            let (a, b) = cells.split_at(half);
            let join = |c: &[&String]| c.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
            out.push(format!("{label} {}", join(a)).trim().to_string());
            out.push(footer(rng));
            out.push(join(b));
        } else if has(Damage::SplitHeadings) && !label.is_empty() && rng.gen_bool(0.7) {
            let fragments = split_label(&label, rng);
            let at = rng.gen_range(0..=fragments.len());
            for (i, f) in fragments.iter().enumerate() {
                if i == at {
                    out.push(numbers.clone());
                }
                out.push(f.clone());
            }
            if at == fragments.len() {
                out.push(numbers);
            }
        } else if label.is_empty() {
            out.push(numbers);
        } else {
            out.push(format!("{label}{sep}{numbers}"));
        }
        if has(Damage::Footers) && rng.gen_bool(0.25) {
            out.push(footer(rng));
        }
    }
    out.extend(lines.iter().skip(end).map(|l| l.to_string()));
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// What became of one damaged report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Tables 2 and 3 read exactly.
    Exact,
    /// Not read exactly, and said so: P1, or unreadable (exit 2).
    CouldNotRead,
    /// An R-rule error on a report that adds up: a false accusation.
    FalseError,
    /// A figure differs from the truth and nothing says so.
    Silent,
}

/// Tallies of a corpus run.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub reports: usize,
    pub exact: usize,
    pub could_not_read: usize,
    pub false_errors: usize,
    pub silent: usize,
    /// Some examples of false errors and silent misreads, for the assertion message.
    pub examples: Vec<String>,
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome, label: &str) {
        self.reports += 1;
        match outcome {
            Outcome::Exact => self.exact += 1,
            Outcome::CouldNotRead => self.could_not_read += 1,
            Outcome::FalseError => self.false_errors += 1,
            Outcome::Silent => self.silent += 1,
        }
        if matches!(outcome, Outcome::FalseError | Outcome::Silent) && self.examples.len() < 8 {
            self.examples.push(format!("{outcome:?}: {label}"));
        }
    }
    pub fn share(&self, n: usize) -> f64 {
        if self.reports == 0 {
            0.0
        } else {
            100.0 * n as f64 / self.reports as f64
        }
    }
    pub fn line(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {} ({:.1} %) | {} ({:.1} %) | {} | {} ({:.1} %) |",
            self.reports,
            self.exact,
            self.share(self.exact),
            self.could_not_read,
            self.share(self.could_not_read),
            self.false_errors,
            self.silent,
            self.share(self.silent),
        )
    }
}

fn tables(v: &Value) -> (Value, Value) {
    (v["requests"].clone(), v["review"].clone())
}

/// Audits a damaged text (as a file called `name`, so Markdown pipes are decoded as such) and
/// compares tables 2 and 3 with the truth.
pub fn judge(text: &str, name: &str, truth: &Report) -> Outcome {
    let Ok(x) = extract_bytes(text.as_bytes(), Some(name)) else {
        return Outcome::CouldNotRead;
    };
    let audited = x.audit(None);
    let findings = audited.findings.clone().unwrap_or_default();
    if findings
        .iter()
        .any(|f| f.severity == Severity::Error && f.rule.starts_with('R'))
    {
        // `GONGKAI_STRESS_DUMP=1`: show what was misread.
        if std::env::var_os("GONGKAI_STRESS_DUMP").is_some() {
            eprintln!("{text}\n{findings:#?}\n{:?}", x.notes);
        }
        return Outcome::FalseError;
    }
    if tables(&x.report.figures_json()) == tables(&truth.figures_json()) {
        return Outcome::Exact;
    }
    if !x.unreadable_tables().is_empty() || findings.iter().any(|f| f.rule == "P1") {
        return Outcome::CouldNotRead;
    }
    Outcome::Silent
}

/// A random choice of one to three kinds of damage.
pub fn kinds(rng: &mut StdRng) -> Vec<Damage> {
    let n = rng.gen_range(1..=3);
    let mut all = DAMAGES.to_vec();
    all.shuffle(rng);
    all.truncate(n);
    all
}
