//! `gongkai audit`: the command's arguments and progress bar around
//! [`gongkai_audit::batch`] (the parser library pulls neither clap nor indicatif).

use std::io::IsTerminal;
use std::path::PathBuf;

use gongkai_audit::batch::{AuditArgs, run_with};

/// Arguments of `gongkai audit`.
#[derive(Debug, Clone, clap::Args)]
pub struct AuditCommand {
    /// Report files (text, HTML, DOCX, PDF), directories of them, or `-` for stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the canonical JSON (one line per report in a batch, then a summary line), with
    /// `reading`: how each cell of tables 2 and 3 was read.
    #[arg(long)]
    pub json: bool,
    /// Print a spreadsheet: one CSV row per report.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// The same agency's report of the previous year (for X1, X2).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
}

/// Runs the command on the process's stdout and stderr, with a progress bar on a terminal;
/// returns the exit code (0 consistent, 1 a rule fails, 2 unreadable).
pub fn run(command: AuditCommand) -> i32 {
    let args = AuditArgs {
        files: command.files,
        json: command.json,
        csv: command.csv,
        previous: command.previous,
    };
    let terminal = std::io::stderr().is_terminal();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut progress = |done: u64, of: u64| {
        if !terminal {
            return;
        }
        let b = bar.get_or_insert_with(|| progress_bar(of));
        b.set_position(done);
        if done == of {
            b.finish_and_clear();
        }
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_with(args, &mut stdout.lock(), &mut stderr.lock(), &mut progress)
}

fn progress_bar(n: u64) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(n), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} reports {per_sec} {eta}")
    {
        bar.set_style(style);
    }
    bar
}
