//! 告知书 in the store: the letter an event sends is made while the event is recorded, in the
//! same transaction ([`crate::Store::append_event_with_letter`]). The store allocates its number
//! (per agency and year, from the agency's [`NumberPattern`]; a failed attempt rolls the serial
//! back), asks the application's [`LetterMaker`] for the files, freezes them with their SHA-256
//! in `letters` and lets the event's audit entry commit to them (see [`crate::ledger`]).

use async_trait::async_trait;
use chrono::NaiveDate;
use gongkai_domain::letter::{LetterKind, NumberPattern};
use serde::Serialize;

use crate::{RequestRecord, Result};

/// What the maker is asked to write: the letter of event `seq` of `record` (the request as it
/// stands with the event), numbered `letter_no`, issued `issued_on`.
#[derive(Debug, Clone, Copy)]
pub struct LetterDraft<'a> {
    pub kind: LetterKind,
    pub letter_no: &'a str,
    pub issued_on: NaiveDate,
    pub record: &'a RequestRecord,
    pub seq: i64,
}

/// The rendered files of one letter.
#[derive(Debug, Clone)]
pub struct LetterFiles {
    pub pdf: Vec<u8>,
    pub docx: Vec<u8>,
}

/// Writes the files of a letter (the application fills the agency's template and renders it off
/// the async executor). An error aborts the event's transaction.
#[async_trait]
pub trait LetterMaker: Send + Sync {
    /// The agency's pattern of letter numbers.
    fn pattern(&self) -> &NumberPattern;
    async fn make(&self, draft: LetterDraft<'_>) -> Result<LetterFiles>;
}

/// A letter as recorded (without its bytes).
#[derive(Debug, Clone, Serialize)]
pub struct LetterInfo {
    /// The event that sent it.
    pub event_seq: i64,
    pub kind: LetterKind,
    /// 文号.
    pub letter_no: String,
    /// Addressed to the applicant (a consultation letter is not).
    pub to_applicant: bool,
    pub issued_on: NaiveDate,
    pub pdf_sha256: String,
    pub docx_sha256: String,
}

/// A letter file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterFormat {
    Pdf,
    Docx,
}

impl LetterFormat {
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "pdf" => Some(LetterFormat::Pdf),
            "docx" => Some(LetterFormat::Docx),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            LetterFormat::Pdf => "pdf",
            LetterFormat::Docx => "docx",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            LetterFormat::Pdf => "application/pdf",
            LetterFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}
