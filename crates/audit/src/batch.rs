//! The batch audit behind `gongkai audit [--json] [--csv] [--previous FILE] FILE|DIR|- ...` (the
//! command's arguments and its progress bar are the binary's, `crates/cli/src/audit.rs`).
//!
//! One input: the audited report as canonical JSON (`--json`), a CSV row (`--csv`) or a readable
//! summary. Several inputs or a directory: a batch, one JSON line per report plus a summary line
//! (`--json`), one CSV row per report (`--csv`), or one summary per report; a progress bar on a
//! terminal. Exit 0 when no error-level rule fails, 1 when one does, 2 when an input is unreadable
//! or not an annual report (with the reason on stderr).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use gongkai_domain::report::{Finding, Report, Severity};
use serde_json::{Value, json};

use crate::input::{MAX_INPUT_BYTES, read_input, walk};
use crate::{AuditError, Extracted, Reading, decode, extract};

/// What to audit and how to print it (the arguments of `gongkai audit`).
#[derive(Debug, Clone, Default)]
pub struct AuditArgs {
    /// Report files (text, HTML, DOCX, PDF), directories of them, or `-` for stdin.
    pub files: Vec<PathBuf>,
    /// Print the canonical JSON (one line per report in a batch, then a summary line).
    pub json: bool,
    /// Print a spreadsheet: one CSV row per report.
    pub csv: bool,
    /// The same agency's report of the previous year (for X1, X2).
    pub previous: Option<PathBuf>,
}

/// Exit codes.
pub const OK: i32 = 0;
pub const RULE_FAILED: i32 = 1;
pub const UNREADABLE: i32 = 2;

/// One input and what became of it.
struct Audited {
    name: String,
    result: Result<Extracted, AuditError>,
    report: Option<Report>,
}

impl Audited {
    /// The tables of a read report that could not be read at all.
    fn unreadable_tables(&self) -> Vec<&'static str> {
        self.result
            .as_ref()
            .map(Extracted::unreadable_tables)
            .unwrap_or_default()
    }

    fn exit(&self) -> i32 {
        match &self.report {
            None => UNREADABLE,
            Some(_) if !self.unreadable_tables().is_empty() => UNREADABLE,
            Some(r) if errors(r) > 0 => RULE_FAILED,
            Some(_) => OK,
        }
    }
}

/// Runs the audit, writing to `out` and `err`; `progress(done, of)` is told after each input of a
/// batch (the binary draws a progress bar with it). Returns the exit code.
pub fn run_with(
    args: AuditArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: &mut dyn FnMut(u64, u64),
) -> i32 {
    let (inputs, batch) = match expand(&args.files) {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(err, "gongkai audit: {e}");
            return UNREADABLE;
        }
    };
    if inputs.is_empty() {
        let _ = writeln!(err, "gongkai audit: no report files found");
        return UNREADABLE;
    }
    let previous = match &args.previous {
        Some(p) => match audit_file(p) {
            Ok(x) => Some(x.report),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "gongkai audit: --previous: {}",
                    named(&e, &p.display())
                );
                return UNREADABLE;
            }
        },
        None => None,
    };
    let of = inputs.len() as u64;
    let mut audited: Vec<Audited> = inputs
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let result = audit_file(path);
            if batch {
                progress(i as u64 + 1, of);
            }
            Audited {
                name: path.display().to_string(),
                result,
                report: None,
            }
        })
        .collect();
    check_all(&mut audited, previous.as_ref());
    let written = if args.csv {
        write_csv(&audited, out)
    } else if args.json {
        write_json(&audited, batch, out)
    } else {
        write_text(&audited, batch, out)
    };
    // The reasons go to stderr, once; the readable summary on stdout does not repeat them.
    for a in &audited {
        if let Err(e) = &a.result {
            let _ = writeln!(err, "gongkai audit: {}", named(e, &a.name));
        }
        let tables = a.unreadable_tables();
        if !tables.is_empty() {
            let _ = writeln!(
                err,
                "gongkai audit: {}: {} could not be read at all (P1)",
                a.name,
                tables.join(", ")
            );
        }
    }
    match written {
        // `gongkai audit … | head`: the reader has gone, which is not an error of the audit.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            let _ = writeln!(err, "gongkai audit: cannot write the output: {e}");
            return UNREADABLE;
        }
        Ok(()) => {}
    }
    audited.iter().map(Audited::exit).max().unwrap_or(OK)
}

/// Reads, decodes and extracts one input; the file's bytes are freed before the extraction.
fn audit_file(path: &std::path::Path) -> Result<Extracted, AuditError> {
    let bytes = read_input(path, MAX_INPUT_BYTES)?;
    let text = decode::decode(&bytes, path.to_str())?;
    drop(bytes);
    extract(&text)
}

/// The error with the file's name in front, unless the message names it already.
fn named(e: &AuditError, name: &dyn std::fmt::Display) -> String {
    if e.names_the_file() {
        e.to_string()
    } else {
        format!("{name}: {e}")
    }
}

/// Runs the rules on every readable report; in a batch, each report's previous year is the same
/// agency's report of the year before, when the batch holds it, else `--previous`.
fn check_all(audited: &mut [Audited], previous: Option<&Report>) {
    let reports: Vec<Option<Report>> = audited
        .iter()
        .map(|a| a.result.as_ref().ok().map(|x| x.report.clone()))
        .collect();
    for a in audited.iter_mut() {
        let Ok(x) = &a.result else { continue };
        let same_agency = reports.iter().flatten().find(|r| {
            !r.agency.is_empty() && r.agency == x.report.agency && r.year + 1 == x.report.year
        });
        a.report = Some(x.audit(same_agency.or(previous)));
    }
}

/// Files to read, and whether this is a batch (several inputs or a directory).
fn expand(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, bool), AuditError> {
    let mut out = Vec::new();
    let mut batch = paths.len() > 1;
    for p in paths {
        if p.as_os_str() != "-" && p.is_dir() {
            batch = true;
            walk(p, &mut out).map_err(|source| AuditError::Io {
                path: p.display().to_string(),
                source,
            })?;
        } else {
            out.push(p.clone());
        }
    }
    Ok((out, batch))
}

fn errors(r: &Report) -> usize {
    count(r, Severity::Error)
}

fn count(r: &Report, s: Severity) -> usize {
    r.findings
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .filter(|f| f.severity == s)
        .count()
}

/// The canonical JSON of an audited report, with `reading`: how each cell of tables 2 and 3
/// was read (`label`, `position`, `arithmetic`, `unread`) — a part of its own, beside the
/// canonical keys, so a consumer of the canonical JSON is not affected.
fn report_json(a: &Audited, r: &Report) -> serde_json::Result<Value> {
    let mut v = serde_json::to_value(r)?;
    if let (Value::Object(m), Ok(x)) = (&mut v, &a.result) {
        m.insert("reading".into(), serde_json::to_value(&x.readings)?);
    }
    Ok(v)
}

fn write_json(audited: &[Audited], batch: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if !batch {
        if let Some((a, r)) = audited
            .first()
            .and_then(|a| a.report.as_ref().map(|r| (a, r)))
        {
            serde_json::to_writer_pretty(&mut *out, &report_json(a, r)?)?;
            writeln!(out)?;
        }
        return Ok(());
    }
    for a in audited {
        let line = match &a.report {
            Some(r) => {
                let mut v = report_json(a, r)?;
                if let Value::Object(m) = &mut v {
                    m.insert("file".into(), Value::from(a.name.clone()));
                }
                v
            }
            None => json!({
                "file": a.name,
                "error": a.result.as_ref().err().map(ToString::to_string),
            }),
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    serde_json::to_writer(&mut *out, &json!({ "summary": summary(audited) }))?;
    writeln!(out)
}

/// Counts over a batch: reports, consistent ones, failing ones, unreadable inputs, rules hit.
fn summary(audited: &[Audited]) -> Value {
    let mut rules: BTreeMap<String, usize> = BTreeMap::new();
    for f in audited
        .iter()
        .filter_map(|a| a.report.as_ref())
        .flat_map(|r| r.findings.iter().flatten())
    {
        *rules.entry(f.rule.clone()).or_default() += 1;
    }
    json!({
        "inputs": audited.len(),
        "reports": audited.iter().filter(|a| a.report.is_some()).count(),
        "consistent": audited.iter().filter(|a| a.exit() == OK).count(),
        "failing": audited.iter().filter(|a| a.exit() == RULE_FAILED).count(),
        "unreadable": audited.iter().filter(|a| a.exit() == UNREADABLE).count(),
        "findings_by_rule": rules,
    })
}

const CSV_HEADER: [&str; 19] = [
    "file",
    "status",
    "agency",
    "year",
    "format",
    "errors",
    "warnings",
    "rules",
    "new",
    "carried_over",
    "concluded",
    "carried_forward",
    "disclosed",
    "reconsideration",
    "litigation_direct",
    "litigation_after_reconsideration",
    "recovered_cells",
    "unread_cells",
    "reason",
];

fn write_csv(audited: &[Audited], out: &mut dyn Write) -> std::io::Result<()> {
    write_csv_row(out, CSV_HEADER.iter().map(|s| s.to_string()))?;
    for a in audited {
        write_csv_row(out, csv_fields(a).into_iter())?;
    }
    Ok(())
}

fn csv_fields(a: &Audited) -> Vec<String> {
    let cell = |c: Option<i64>| c.map(|v| v.to_string()).unwrap_or_default();
    let Some(r) = &a.report else {
        let reason = a
            .result
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        let mut v = vec![a.name.clone(), "unreadable".into()];
        v.resize(CSV_HEADER.len() - 1, String::new());
        v.push(reason);
        return v;
    };
    let readings = a.result.as_ref().ok().map(|x| &x.readings);
    let findings = r.findings.as_deref().unwrap_or(&[]);
    let mut rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    rules.dedup();
    let t = &r.requests;
    vec![
        a.name.clone(),
        if !a.unreadable_tables().is_empty() {
            "unreadable"
        } else if errors(r) > 0 {
            "error"
        } else {
            "ok"
        }
        .into(),
        r.agency.clone(),
        r.year.to_string(),
        r.format.code().into(),
        errors(r).to_string(),
        count(r, Severity::Warning).to_string(),
        rules.join(" "),
        cell(t.new[6]),
        cell(t.carried_over[6]),
        cell(t.total[6]),
        cell(t.carried_forward[6]),
        cell(t.disclosed[6]),
        cell(r.review.reconsideration.total),
        cell(r.review.litigation_direct.total),
        cell(r.review.litigation_after_reconsideration.total),
        readings
            .map_or(0, |x| x.count(Reading::Arithmetic))
            .to_string(),
        readings.map_or(0, |x| x.count(Reading::Unread)).to_string(),
        String::new(),
    ]
}

fn write_csv_row(out: &mut dyn Write, fields: impl Iterator<Item = String>) -> std::io::Result<()> {
    let escaped: Vec<String> = fields.map(|f| csv_escape(&f)).collect();
    writeln!(out, "{}", escaped.join(","))
}

/// RFC 4180 quoting.
fn csv_escape(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        let mut s = String::with_capacity(field.len() + 2);
        s.push('"');
        s.push_str(&field.replace('"', "\"\""));
        s.push('"');
        s
    } else {
        field.to_string()
    }
}

fn write_text(audited: &[Audited], batch: bool, out: &mut dyn Write) -> std::io::Result<()> {
    for a in audited {
        // An unreadable input's reason is told on stderr only (see `run_with`).
        if let (Some(r), Ok(x)) = (&a.report, &a.result) {
            describe(r, x, &a.name, out)?;
        }
    }
    if batch {
        let s = summary(audited);
        writeln!(
            out,
            "{} inputs · 报告 reports {} · 无错误 consistent {} · 有错误 failing {} · 无法读取 unreadable {}",
            s["inputs"], s["reports"], s["consistent"], s["failing"], s["unreadable"]
        )?;
    }
    Ok(())
}

fn num(c: Option<i64>) -> String {
    c.map_or_else(|| "—".to_string(), |v| v.to_string())
}

/// A readable Chinese/English summary of one audited report.
fn describe(r: &Report, x: &Extracted, name: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let agency = if r.agency.is_empty() {
        "(机关未知 agency unknown)"
    } else {
        &r.agency
    };
    writeln!(
        out,
        "{agency} · {} 年度 · 格式 format {} ({}) · {name}",
        r.year,
        r.format.code(),
        r.format.document()
    )?;
    let t = &r.requests;
    writeln!(
        out,
        "  表二 requests: 本年新收 new {} · 上年结转 carried over {} · 办理结果总计 concluded {} · 结转下年度 carried forward {}",
        num(t.new[6]),
        num(t.carried_over[6]),
        num(t.total[6]),
        num(t.carried_forward[6])
    )?;
    let v = &r.review;
    writeln!(
        out,
        "  表三 review: 行政复议 reconsideration {} · 行政诉讼 litigation {} + {} (after reconsideration)",
        num(v.reconsideration.total),
        num(v.litigation_direct.total),
        num(v.litigation_after_reconsideration.total)
    )?;
    let findings = r.findings.as_deref().unwrap_or(&[]);
    let (e, w) = (errors(r), count(r, Severity::Warning));
    if e == 0 {
        writeln!(
            out,
            "  ✓ 勾稽关系无误 no error-level rule fails ({w} warning(s))"
        )?;
    } else {
        writeln!(out, "  ✗ {e} error(s), {w} warning(s)")?;
    }
    for f in findings {
        writeln!(out, "  {}", finding_line(f))?;
    }
    for n in &x.notes {
        writeln!(out, "  note: {n}")?;
    }
    writeln!(out)
}

fn finding_line(f: &Finding) -> String {
    let mark = match f.severity {
        Severity::Error => "错误 error",
        Severity::Warning => "提示 warning",
    };
    let values = match (&f.expected, &f.found) {
        (Some(e), Some(fd)) if !e.is_null() => format!(" (expected {e}, found {fd})"),
        _ => String::new(),
    };
    format!("{} {mark} at {}{values}: {}", f.rule, f.location, f.message)
}
