//! Standard output of the command line: a reader that goes away (`gongkai deadline … | head`)
//! ends the command quietly, and binary output (PDF, DOCX) is never written to a terminal.

use anyhow::{Result, bail};
use gongkai_render::OutputFormat;

/// Restores the default action of `SIGPIPE`: writing to a pipe nobody reads ends the process
/// silently, the Unix way (as `cat` or `grep` end; the shell sees status 141). Rust ignores
/// `SIGPIPE`, so without this `println!` into a closed pipe panics ("Broken pipe", exit 101).
/// Not for `serve` (a long-running server must not die of a signal) nor `audit` (it feeds
/// `pdftotext` through a pipe and handles a closed standard output itself).
pub fn default_sigpipe() {
    // SAFETY: `signal` with `SIG_DFL` only changes this process's disposition of SIGPIPE; it is
    // called at start-up, before any thread that writes is running.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Whether the format is binary (not for a terminal).
pub fn is_binary(format: OutputFormat) -> bool {
    matches!(format, OutputFormat::Pdf | OutputFormat::Docx)
}

/// Refuses to write a binary report to a terminal (it would fill the screen with garbage and
/// can change the terminal's state); a pipe or a file is fine.
pub fn check_destination(format: OutputFormat, stdout_is_terminal: bool) -> Result<()> {
    if is_binary(format) && stdout_is_terminal {
        bail!(
            "--format {} is binary and standard output is a terminal: write it to a file with -o FILE (or redirect it)",
            format.name()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_reports_go_to_files_and_pipes_not_terminals() {
        for f in OutputFormat::ALL {
            assert!(check_destination(f, false).is_ok(), "{f:?} into a pipe");
            assert_eq!(check_destination(f, true).is_ok(), !is_binary(f), "{f:?}");
        }
        let e = check_destination(OutputFormat::Pdf, true).unwrap_err();
        assert!(e.to_string().contains("-o FILE"), "{e}");
    }
}
