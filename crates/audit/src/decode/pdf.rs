//! PDF → text through `pdftotext -layout` (poppler-utils); see the crate doc for why. The child
//! is bounded: killed after [`PDF_TIMEOUT`], and its output read up to [`MAX_PDF_TEXT`] bytes.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::AuditError;

/// How long `pdftotext` may take on one file before it is killed.
pub const PDF_TIMEOUT: Duration = Duration::from_secs(30);

/// The most text `pdftotext` may write for one file (the text layer of a report is well under a
/// megabyte; a hostile PDF can make it endless).
pub const MAX_PDF_TEXT: u64 = 64 * 1024 * 1024;

pub fn to_text(bytes: &[u8]) -> Result<String, AuditError> {
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-layout", "-enc", "UTF-8", "-q", "-", "-"]);
    let stdout = run_bounded(cmd, bytes, PDF_TIMEOUT, MAX_PDF_TEXT)?;
    let text = String::from_utf8_lossy(&stdout).into_owned();
    if text.trim().is_empty() {
        return Err(AuditError::unreadable(
            "the PDF has no text layer (a scan?); OCR it first",
        ));
    }
    Ok(text)
}

/// Runs `cmd` with `input` on its stdin; its stdout, if it exits successfully within `timeout`
/// and writes at most `max_output` bytes. Otherwise it is killed and the input is unreadable.
pub(crate) fn run_bounded(
    mut cmd: Command,
    input: &[u8],
    timeout: Duration,
    max_output: u64,
) -> Result<Vec<u8>, AuditError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            AuditError::unreadable(format!(
                "PDF input needs {program} (Debian package poppler-utils): {e}"
            ))
        })?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(AuditError::unreadable(format!("{program}: no pipes")));
    };
    let input = input.to_vec();
    // Feed the PDF from one thread and read the text in another, so that neither a full pipe
    // nor a child that never ends can hold us: we wait on the reader with a timeout.
    let writer = std::thread::spawn(move || {
        // The child may stop reading early on a broken file; that is not our error.
        let _ = stdin.write_all(&input);
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let read = stdout
            .take(max_output.saturating_add(1))
            .read_to_end(&mut buf);
        let _ = tx.send(read.map(|_| buf));
    });
    let outcome = rx.recv_timeout(timeout);
    let finished = matches!(&outcome, Ok(Ok(buf)) if buf.len() as u64 <= max_output);
    if !finished {
        // Timed out, too much output or a read error: the child goes, which also closes the
        // pipes the two threads wait on.
        let _ = child.kill();
    }
    let status = child.wait();
    let _ = writer.join();
    match outcome {
        Err(_) => Err(AuditError::unreadable(format!(
            "{program} did not finish within {} s (a hostile or broken PDF?)",
            timeout.as_secs()
        ))),
        Ok(Err(e)) => Err(AuditError::unreadable(format!("{program}: {e}"))),
        Ok(Ok(buf)) if buf.len() as u64 > max_output => Err(AuditError::unreadable(format!(
            "{program} wrote more than {max_output} bytes of text, more than any report has"
        ))),
        Ok(Ok(buf)) => match status {
            Ok(s) if s.success() => Ok(buf),
            _ => Err(AuditError::unreadable(format!(
                "{program} could not read this PDF (damaged or encrypted?)"
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    #[test]
    fn a_child_that_never_ends_is_killed_at_the_timeout() {
        let started = Instant::now();
        let e = run_bounded(
            sh("exec sleep 60"),
            b"%PDF",
            Duration::from_millis(300),
            1024,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("did not finish"), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "returned promptly"
        );
    }

    #[test]
    fn endless_output_is_cut_at_the_limit() {
        let started = Instant::now();
        let e = run_bounded(sh("exec yes"), b"", Duration::from_secs(20), 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than 1048576 bytes"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn a_well_behaved_child_gives_its_output() {
        let out = run_bounded(sh("cat"), b"text", Duration::from_secs(20), 1024).unwrap();
        assert_eq!(out, b"text");
        assert!(run_bounded(sh("cat; exit 3"), b"x", Duration::from_secs(20), 1024).is_err());
    }
}
