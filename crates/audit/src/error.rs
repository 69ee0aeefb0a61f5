//! The one error type of the auditor.

/// Why an input could not be audited. Every variant reads as one line on the command line.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The file could not be read at all.
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A FIFO, a device, a socket or a directory: only regular files are audited.
    #[error("cannot read {path}: {kind}, not a regular file; only regular files are audited")]
    NotAFile { path: String, kind: &'static str },
    /// Over the input size limit ([`crate::input::MAX_INPUT_BYTES`]); refused before reading.
    #[error("cannot read {path}: {size} bytes, over the limit of {limit} bytes for one report")]
    TooLarge { path: String, size: u64, limit: u64 },
    /// Zero bytes, or only whitespace.
    #[error("the input is empty")]
    Empty,
    /// Binary data, a broken container or an encoding that does not decode.
    #[error("unreadable input: {0}")]
    Unreadable(String),
    /// Readable text, but not a 政府信息公开工作年度报告.
    #[error("not an annual report: {0}")]
    NotAReport(String),
}

impl AuditError {
    /// Whether the message already names the file (so a caller does not prefix it again).
    pub fn names_the_file(&self) -> bool {
        matches!(
            self,
            AuditError::Io { .. } | AuditError::NotAFile { .. } | AuditError::TooLarge { .. }
        )
    }
    pub(crate) fn unreadable(reason: impl Into<String>) -> Self {
        AuditError::Unreadable(reason.into())
    }
    pub(crate) fn not_a_report(reason: impl Into<String>) -> Self {
        AuditError::NotAReport(reason.into())
    }
}
