//! The stress corpus (issue 11): the real fixtures and generated reports of both formats —
//! rendered by `gongkai_render` as Markdown, HTML and PDF, and in the text layouts of PDF
//! extractors — damaged the way converters and OCR damage them. A damaged report that adds up
//! must never be declared inconsistent: it is read exactly, or the auditor says it could not
//! read it (P1, exit 2).
//!
//! The suite runs a seeded subset; the full measurement of BENCHMARKS.md is
//! `cargo test --workspace --test stress -- --ignored --nocapture`.

mod common;

use common::damage::{DAMAGES, Damage, Outcome, Tally, damage, judge, kinds};
use common::{FIXTURES, LAYOUTS, fixture, random_report, render};
use gongkai_audit::{decode, extract};
use gongkai_domain::report::Report;
use gongkai_render::OutputFormat;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A source of damaged reports: its text, the name it is audited under, and the truth.
struct Source {
    name: String,
    file: &'static str,
    text: String,
    truth: Report,
}

fn fixtures() -> Vec<Source> {
    let mut out = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(FIXTURES)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    for name in names {
        let text = fixture(&name);
        let truth = extract(&text).expect("a fixture reads").report;
        out.push(Source {
            name: format!("fixture {name}"),
            file: "report.txt",
            text,
            truth,
        });
    }
    out
}

/// Generated reports: rendered Markdown and HTML (as text), PDF (through pdftotext, a few),
/// and the test layouts.
fn generated(rng: &mut StdRng, reports: usize, pdfs: usize) -> Vec<Source> {
    let mut out = Vec::new();
    let has_pdftotext = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    for i in 0..reports {
        let year = [2019, 2020, 2021, 2022, 2023, 2024][i % 6];
        let report = random_report(rng, year);
        let md = gongkai_render::render(&report, OutputFormat::Markdown).expect("md");
        out.push(Source {
            name: format!("generated #{i} ({year}) md"),
            file: "report.md",
            text: String::from_utf8(md).expect("utf-8"),
            truth: report.clone(),
        });
        let html = gongkai_render::render(&report, OutputFormat::Html).expect("html");
        out.push(Source {
            name: format!("generated #{i} ({year}) html"),
            file: "report.txt",
            text: decode::decode(&html, Some("report.html")).expect("html text"),
            truth: report.clone(),
        });
        if i < pdfs && has_pdftotext {
            let pdf = gongkai_render::render(&report, OutputFormat::Pdf).expect("pdf");
            if let Ok(text) = decode::decode(&pdf, Some("report.pdf")) {
                out.push(Source {
                    name: format!("generated #{i} ({year}) pdf"),
                    file: "report.txt",
                    text,
                    truth: report.clone(),
                });
            }
        }
        let layout = LAYOUTS[i % LAYOUTS.len()];
        out.push(Source {
            name: format!("generated #{i} ({year}) {layout:?}"),
            file: "report.txt",
            text: render(&report, layout),
            truth: report,
        });
    }
    out
}

/// Damages every source `per_source` times; tallies fixtures and generated reports apart.
fn run(seed: u64, reports: usize, pdfs: usize, per_source: usize) -> (Tally, Tally) {
    let (real, made, _) = run_by_kind(seed, reports, pdfs, per_source);
    (real, made)
}

/// [`run`], with a tally per kind of damage (a report damaged two ways counts under both).
fn run_by_kind(
    seed: u64,
    reports: usize,
    pdfs: usize,
    per_source: usize,
) -> (Tally, Tally, Vec<(Damage, Tally)>) {
    let mut by_kind: Vec<(Damage, Tally)> =
        DAMAGES.iter().map(|d| (*d, Tally::default())).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut real = Tally::default();
    let mut made = Tally::default();
    let sources: Vec<(bool, Source)> = fixtures()
        .into_iter()
        .map(|s| (true, s))
        .chain(
            generated(&mut rng, reports, pdfs)
                .into_iter()
                .map(|s| (false, s)),
        )
        .collect();
    for (is_fixture, source) in &sources {
        // Fixtures are few: damage them more often.
        let times = if *is_fixture {
            per_source * 8
        } else {
            per_source
        };
        for k in 0..times {
            let which = kinds(&mut rng);
            let rate = [0.2, 0.5, 1.0][rng.gen_range(0..3)];
            let text = damage(&source.text, &which, rate, &mut rng);
            let outcome = judge(&text, source.file, &source.truth);
            let label = format!("{} #{k} {which:?} rate {rate}", source.name);
            for (d, t) in &mut by_kind {
                if which.contains(d) {
                    t.add(outcome, &label);
                }
            }
            if *is_fixture {
                real.add(outcome, &label);
            } else {
                made.add(outcome, &label);
            }
        }
    }
    (real, made, by_kind)
}

fn report_line(real: &Tally, made: &Tally) -> String {
    format!(
        "| source | damaged reports | read exactly | P1 / exit 2 | false R-rule errors | silent misreads |\n|---|---|---|---|---|---|\n{}\n{}",
        real.line("real fixtures"),
        made.line("generated (md, html, pdf, text layouts)")
    )
}

#[test]
fn damaged_reports_are_never_declared_inconsistent() {
    let (real, made) = run(20_261_204, 24, 2, 3);
    let all = [&real, &made];
    let false_errors: usize = all.iter().map(|t| t.false_errors).sum();
    assert_eq!(
        false_errors,
        0,
        "{}\n{:#?}",
        report_line(&real, &made),
        [&real.examples, &made.examples]
    );
    assert!(real.reports > 0 && made.reports > 0);
    // Most damage is read through: the order and the sums place the rows.
    assert!(
        made.share(made.exact) >= 50.0,
        "{}",
        report_line(&real, &made)
    );
}

#[test]
fn undamaged_sources_read_exactly() {
    let mut rng = StdRng::seed_from_u64(11);
    for source in fixtures().into_iter().chain(generated(&mut rng, 6, 1)) {
        assert_eq!(
            judge(&source.text, source.file, &source.truth),
            Outcome::Exact,
            "{}",
            source.name
        );
    }
}

/// The figures of BENCHMARKS.md: a few thousand damaged reports.
#[test]
#[ignore = "the full measurement; run by hand"]
fn stress_corpus_figures() {
    let (real, made, by_kind) = run_by_kind(20_261_204, 120, 8, 12);
    println!("{}", report_line(&real, &made));
    println!();
    for (d, t) in &by_kind {
        println!("{}", t.line(&format!("{d:?}")));
    }
    for e in real.examples.iter().chain(&made.examples) {
        println!("  {e}");
    }
}
