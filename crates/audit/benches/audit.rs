//! Reports per second on one core: decode + extract + every rule, over the four text fixtures.
//!
//! `cargo bench -p gongkai-audit --bench audit` (add `-- N` for N rounds; default 2000).

use std::time::Instant;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reports");
    let names = [
        "fuxin-zrzyj-2020.txt",
        "huaian-city-2024.txt",
        "pingtan-2021.txt",
        "shanghai-office-2019.txt",
    ];
    let inputs: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(format!("{dir}/{n}")).expect("fixture"))
        .collect();
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2000);
    // Warm up, and make sure every fixture audits.
    for (n, b) in names.iter().zip(&inputs) {
        gongkai_audit::extract_bytes(b, Some(n)).expect("a report");
    }
    let start = Instant::now();
    let mut findings = 0usize;
    for _ in 0..rounds {
        for (n, b) in names.iter().zip(&inputs) {
            let x = gongkai_audit::extract_bytes(b, Some(n)).expect("a report");
            findings += x.audit(None).findings.map_or(0, |f| f.len());
        }
    }
    let elapsed = start.elapsed();
    let reports = rounds * inputs.len();
    let bytes: usize = inputs.iter().map(Vec::len).sum::<usize>() * rounds;
    println!(
        "audit: {reports} reports in {:.3} s = {:.0} reports/s, {:.1} MB/s, one core ({findings} findings)",
        elapsed.as_secs_f64(),
        reports as f64 / elapsed.as_secs_f64(),
        bytes as f64 / elapsed.as_secs_f64() / 1e6
    );
}
