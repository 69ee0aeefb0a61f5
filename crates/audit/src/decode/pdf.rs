//! PDF → text through `pdftotext -layout` (poppler-utils); see the crate doc for why.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::AuditError;

pub fn to_text(bytes: &[u8]) -> Result<String, AuditError> {
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8", "-q", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            AuditError::unreadable(format!(
                "PDF input needs pdftotext (Debian package poppler-utils): {e}"
            ))
        })?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| AuditError::unreadable("pdftotext: no stdin"))?;
    let input = bytes.to_vec();
    // Feed the PDF from another thread so that a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || {
        // pdftotext may stop reading early on a broken file; that is not our error.
        let _ = stdin.write_all(&input);
    });
    let output = child
        .wait_with_output()
        .map_err(|e| AuditError::unreadable(format!("pdftotext: {e}")))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(AuditError::unreadable(
            "pdftotext could not read this PDF (damaged or encrypted?)",
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if text.trim().is_empty() {
        return Err(AuditError::unreadable(
            "the PDF has no text layer (a scan?); OCR it first",
        ));
    }
    Ok(text)
}
