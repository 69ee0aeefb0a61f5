//! Runs `gongkai audit` without the `gongkai` binary:
//! `cargo run -p gongkai-audit --example audit -- [--json|--csv] [--previous FILE] FILE…`.

use std::path::PathBuf;

use gongkai_audit::batch::{AuditArgs, UNREADABLE, run_with};

fn main() {
    let mut args = AuditArgs::default();
    let mut rest = std::env::args_os().skip(1);
    while let Some(a) = rest.next() {
        match a.to_str() {
            Some("--json") => args.json = true,
            Some("--csv") => args.csv = true,
            Some("--previous") => args.previous = rest.next().map(PathBuf::from),
            _ => args.files.push(PathBuf::from(a)),
        }
    }
    if args.files.is_empty() {
        eprintln!("usage: audit [--json|--csv] [--previous FILE] FILE…");
        std::process::exit(UNREADABLE);
    }
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    std::process::exit(run_with(
        args,
        &mut stdout.lock(),
        &mut stderr.lock(),
        &mut |_, _| {},
    ));
}
