//! Runs `gongkai audit` without the `gongkai` binary: `cargo run -p gongkai-audit --example audit -- --json FILE`.

use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: gongkai_audit::cli::AuditArgs,
}

fn main() {
    std::process::exit(gongkai_audit::cli::run(Cli::parse().args));
}
