//! Renders a report JSON file: `cargo run -p gongkai-render --example render -- REPORT.json
//! FORMAT [OUT]` (FORMAT: json, md, html, docx, pdf; a year instead of a file renders an
//! all-zero report of that year).

use std::time::Instant;

use gongkai_domain::report::Report;
use gongkai_render::{OutputFormat, render};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, format, rest @ ..] = args.as_slice() else {
        return Err("usage: render REPORT.json|YEAR FORMAT [OUT]".into());
    };
    let report: Report = match input.parse::<i32>() {
        Ok(year) => Report::zeros("某机关", year)?,
        Err(_) => serde_json::from_str(&std::fs::read_to_string(input)?)?,
    };
    let format: OutputFormat = format.parse()?;
    let start = Instant::now();
    let bytes = render(&report, format)?;
    eprintln!("rendered {format} in {:?}", start.elapsed());
    match rest.first() {
        Some(out) => std::fs::write(out, bytes)?,
        None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
    }
    Ok(())
}
