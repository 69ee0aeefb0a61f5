//! gongkai-render — the annual report (政府信息公开工作年度报告) as an agency publishes it.
//!
//! One layout (title, the six sections, the three tables with their official row
//! and column headings and merged heading cells) rendered as:
//! - JSON: the canonical JSON of `annual-report.md`;
//! - Markdown: GitHub tables, merged headings flattened;
//! - HTML: a standalone page for the portal (askama), `rowspan`/`colspan` as in the format;
//! - DOCX: docx-rs, `w:gridSpan`/`w:vMerge`, 宋体/黑体 as East Asian fonts;
//! - PDF: typst with an embedded CJK font (WenQuanYi Micro Hei).
//!
//! Figures are plain integers in their own cells, each row of a table carries its official
//! heading, and money is plain digits in a cell headed 万元 (format 2021) or `1858 万元`
//! (format 2019's 采购总金额), so that the auditor reads every rendering back to the same JSON.
//!
//! Besides the report: the 回执 of a filing ([`receipt`]) and the letters of the procedure
//! ([`Letter`], as PDF and DOCX).

mod docx;
mod html;
mod layout;
mod letter;
mod markdown;
mod pdf;
mod receipt;

use std::fmt;
use std::str::FromStr;

use gongkai_domain::report::Report;

pub use docx::docx;
pub use html::{html, html_fragment, html_fragment_linked, try_html};
pub use letter::{Letter, letter_docx, letter_pdf};
pub use markdown::markdown;
pub use pdf::pdf;
pub use receipt::{Receipt, receipt};

/// The crate's one error type.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("unknown output format '{0}': expected json, md, html, docx or pdf")]
    UnknownFormat(String),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("HTML template: {0}")]
    Html(String),
    #[error("DOCX: {0}")]
    Docx(String),
    #[error("PDF: {0}")]
    Pdf(String),
}

/// An output format of `gongkai report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Json,
    Markdown,
    Html,
    Docx,
    Pdf,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 5] = [
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Html,
        OutputFormat::Docx,
        OutputFormat::Pdf,
    ];

    /// The name used on the command line (`json`, `md`, `html`, `docx`, `pdf`).
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::Markdown => "md",
            OutputFormat::Html => "html",
            OutputFormat::Docx => "docx",
            OutputFormat::Pdf => "pdf",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// The media type, for HTTP responses.
    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Json => "application/json",
            OutputFormat::Markdown => "text/markdown; charset=utf-8",
            OutputFormat::Html => "text/html; charset=utf-8",
            OutputFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            OutputFormat::Pdf => "application/pdf",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OutputFormat {
    type Err = RenderError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(OutputFormat::Json),
            "md" | "markdown" => Ok(OutputFormat::Markdown),
            "html" | "htm" => Ok(OutputFormat::Html),
            "docx" => Ok(OutputFormat::Docx),
            "pdf" => Ok(OutputFormat::Pdf),
            _ => Err(RenderError::UnknownFormat(s.to_string())),
        }
    }
}

/// Renders a report in a format: the bytes of the file an agency would publish.
pub fn render(report: &Report, format: OutputFormat) -> Result<Vec<u8>, RenderError> {
    match format {
        OutputFormat::Json => {
            let mut bytes = serde_json::to_vec_pretty(report)?;
            bytes.push(b'\n');
            Ok(bytes)
        }
        OutputFormat::Markdown => Ok(markdown(report).into_bytes()),
        OutputFormat::Html => try_html(report).map(String::into_bytes),
        OutputFormat::Docx => docx(report),
        OutputFormat::Pdf => pdf(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name() {
        for f in OutputFormat::ALL {
            assert_eq!(f.name().parse::<OutputFormat>().unwrap(), f);
        }
        assert!("odt".parse::<OutputFormat>().is_err());
    }
}
