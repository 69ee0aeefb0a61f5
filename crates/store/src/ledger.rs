//! The case ledger inside the audit chain: the content hashes that audit entries commit to, and
//! the result of verifying the whole store ([`VerifyReport`]).
//!
//! An audit entry that records rows (`request.received`, `request.<event>`,
//! `requests.bulk_seed`, `report.publish`) carries a `payload_hash` that is part of its entry
//! hash; every row it records names the entry in its `audit_seq` column. The payload is a
//! SHA-256 over three parts, each the count and the content hashes of its rows in a fixed order:
//! the requests registered (by id), the ledger events (by request id and seq) and the published
//! report files (by version id and format), and — only when there are any — a fourth, the
//! letters (告知书, by request and event) with the SHA-256 of their files, and — likewise only
//! when there are any — a fifth, the internal notes (内部备注), and a sixth, the attachments (附件,
//! by id) with the SHA-256 of theirs. Verification regroups rows by `audit_seq` and
//! recomputes, so a row UPDATEd, DELETEd or INSERTed behind the store's back is found even when an
//! attacker with database access has dropped the append-only triggers.

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A length-prefixed SHA-256 over typed fields: no two field sequences hash alike.
pub(crate) struct Canon(Sha256);

impl Canon {
    pub(crate) fn new(tag: &str) -> Self {
        let mut c = Canon(Sha256::new());
        c.bytes(tag.as_bytes());
        c
    }
    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update((b.len() as u64).to_be_bytes());
        self.0.update(b);
        self
    }
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }
    pub(crate) fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            // A length no real field has marks the absent value.
            None => {
                self.0.update(u64::MAX.to_be_bytes());
                self
            }
            Some(s) => self.text(s),
        }
    }
    pub(crate) fn int(&mut self, n: i64) -> &mut Self {
        self.text(&n.to_string())
    }
    pub(crate) fn opt_int(&mut self, n: Option<i64>) -> &mut Self {
        self.opt_text(n.map(|n| n.to_string()).as_deref())
    }
    pub(crate) fn date(&mut self, d: NaiveDate) -> &mut Self {
        self.text(&d.format("%Y-%m-%d").to_string())
    }
    pub(crate) fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// The registered (never changing) fields of a request, as committed to by the entry that
/// registered it. The projection columns (status, deadlines, outcome) are not among them: they are
/// recomputed from the events instead. Nor is the sealed personal data: `gongkai key rotate`
/// re-seals it, and the AEAD binds it to the request number already (a blob moved from another
/// request, or altered, does not open).
pub(crate) struct Registration<'a> {
    pub number: &'a str,
    pub agency_id: i64,
    pub department_id: Option<i64>,
    pub applicant_kind: &'a str,
    pub applicant_name: &'a str,
    pub org_code: Option<&'a str>,
    pub id_masked: Option<&'a str>,
    pub phone_masked: &'a str,
    pub description: &'a str,
    pub channel: &'a str,
    pub delivery: &'a str,
    pub received_on: NaiveDate,
    /// 文号, 索引号, title and medium (migration 0009); all absent in older rows.
    pub document_number: Option<&'a str>,
    pub index_number: Option<&'a str>,
    pub document_title: Option<&'a str>,
    pub medium: Option<&'a str>,
}

impl Registration<'_> {
    pub(crate) fn hash(&self) -> [u8; 32] {
        let mut c = Canon::new("request");
        c.text(self.number)
            .int(self.agency_id)
            .opt_int(self.department_id)
            .text(self.applicant_kind)
            .text(self.applicant_name)
            .opt_text(self.org_code)
            .opt_text(self.id_masked)
            .text(self.phone_masked)
            .text(self.description)
            .text(self.channel)
            .text(self.delivery)
            .date(self.received_on);
        // The request details of migration 0009, only when there are any, so that the hash of
        // a row registered before them (or without them) is what it always was.
        let details = [
            self.document_number,
            self.index_number,
            self.document_title,
            self.medium,
        ];
        if details.iter().any(Option::is_some) {
            c.text("details");
            for d in details {
                c.opt_text(d);
            }
        }
        c.finish()
    }
}

/// One ledger event row's content hash: request number, seq, kind, date, body, actor, time.
#[allow(clippy::too_many_arguments)]
pub(crate) fn event_hash(
    number: &str,
    seq: i64,
    kind: &str,
    on_date: NaiveDate,
    body: &str,
    actor: &str,
    recorded_at: &str,
) -> [u8; 32] {
    let mut c = Canon::new("event");
    c.text(number)
        .int(seq)
        .text(kind)
        .date(on_date)
        .text(body)
        .text(actor)
        .text(recorded_at);
    c.finish()
}

/// A published report file's content hash: version, format and the stored SHA-256 of its bytes
/// (that digest is checked against the bytes on every download and by verify).
pub(crate) fn file_hash(version_id: i64, format: &str, sha256: &str) -> [u8; 32] {
    let mut c = Canon::new("report_file");
    c.int(version_id).text(format).text(sha256);
    c.finish()
}

/// A letter's content hash (migration 0011): request, event, kind, number and the SHA-256 of its
/// two files (checked against the bytes on every download).
pub(crate) fn letter_hash(
    number: &str,
    event_seq: i64,
    kind: &str,
    letter_no: &str,
    pdf_sha256: &str,
    docx_sha256: &str,
) -> [u8; 32] {
    let mut c = Canon::new("letter");
    c.text(number)
        .int(event_seq)
        .text(kind)
        .text(letter_no)
        .text(pdf_sha256)
        .text(docx_sha256);
    c.finish()
}

/// An internal note (内部备注, migration 0013) as its entry commits to it.
pub(crate) fn note_hash(
    number: &str,
    id: i64,
    author: &str,
    written_at: &str,
    body: &str,
) -> [u8; 32] {
    let mut c = Canon::new("note");
    c.text(number)
        .int(id)
        .text(author)
        .text(written_at)
        .text(body);
    c.finish()
}

/// An attachment's content hash (migration 0014): request, id, purpose, name, type, size, the
/// SHA-256 of its file (checked against the bytes on every download and by verify), who, when.
#[allow(clippy::too_many_arguments)]
pub(crate) fn attachment_hash(
    number: &str,
    id: i64,
    purpose: &str,
    name: &str,
    mime: &str,
    size: i64,
    sha256: &str,
    uploaded_by: &str,
    uploaded_at: &str,
) -> [u8; 32] {
    let mut c = Canon::new("attachment");
    c.text(number)
        .int(id)
        .text(purpose)
        .text(name)
        .text(mime)
        .int(size)
        .text(sha256)
        .text(uploaded_by)
        .text(uploaded_at);
    c.finish()
}

/// The rows one audit entry records, accumulated in their fixed order.
#[derive(Default)]
pub(crate) struct Payload {
    parts: [(u64, Option<Sha256>); 6],
}

/// Which part of a payload a row belongs to.
#[derive(Clone, Copy)]
pub(crate) enum Part {
    Requests = 0,
    Events = 1,
    Files = 2,
    /// Letters (告知书), migration 0011.
    Letters = 3,
    /// Internal notes (内部备注), migration 0013.
    Notes = 4,
    /// Attachments (附件), migration 0014.
    Attachments = 5,
}

impl Payload {
    pub(crate) fn add(&mut self, part: Part, row_hash: [u8; 32]) {
        let (n, h) = &mut self.parts[part as usize];
        *n += 1;
        h.get_or_insert_with(Sha256::new).update(row_hash);
    }
    /// The hex digest the audit entry stores as `payload_hash`.
    pub(crate) fn finish(self) -> String {
        let mut c = Canon::new("gongkai.payload.v1");
        for (name, (n, h)) in [
            "requests",
            "events",
            "files",
            "letters",
            "notes",
            "attachments",
        ]
        .into_iter()
        .zip(self.parts)
        {
            // The letters, notes and attachments parts only when there are such rows, so that
            // every entry written before them hashes as it always did.
            if matches!(name, "letters" | "notes" | "attachments") && n == 0 {
                continue;
            }
            let digest: [u8; 32] = h.unwrap_or_default().finalize().into();
            c.text(name).int(n as i64).bytes(&digest);
        }
        hex::encode(c.finish())
    }
    /// Rows per part: requests, events, files.
    pub(crate) fn counts(&self) -> [u64; 3] {
        [self.parts[0].0, self.parts[1].0, self.parts[2].0]
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.parts.iter().all(|(n, _)| *n == 0)
    }
}

/// What is wrong, found by [`crate::Store::verify_audit_log`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The audit entry concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    /// The request concerned (its number), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// The field (of the `requests` row or the event) that disagrees, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn entry(seq: i64, message: impl Into<String>) -> Self {
        Problem {
            seq: Some(seq),
            request: None,
            field: None,
            message: message.into(),
        }
    }
    pub fn request(number: &str, field: Option<&str>, message: impl Into<String>) -> Self {
        Problem {
            seq: None,
            request: Some(number.to_string()),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(seq) = self.seq {
            write!(f, "entry {seq}: ")?;
        }
        if let Some(number) = &self.request {
            write!(f, "request {number}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// At most this many problems are listed; the rest are only counted.
pub const MAX_PROBLEMS: usize = 1000;

/// The result of verifying the audit chain, the ledger it covers and the projections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Audit entries in the chain.
    pub entries: u64,
    /// `requests` rows whose projection was recomputed from their events.
    pub requests: u64,
    /// Ledger event rows checked against the entries that cover them.
    pub events: u64,
    /// Event rows recorded before the ledger was chained (migration 0004): their projection is
    /// checked, their content is not covered by an entry.
    pub legacy_events: u64,
    /// The chain head (seq and hash) the verification reached.
    pub head_seq: i64,
    pub head_hash: String,
    pub problems: Vec<Problem>,
    /// Problems beyond [`MAX_PROBLEMS`], counted only.
    pub more_problems: u64,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && self.more_problems == 0
    }
    pub(crate) fn push(&mut self, p: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }
}

impl std::fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_ok() {
            return write!(
                f,
                "OK {} entries, {} requests, {} events",
                self.entries, self.requests, self.events
            );
        }
        for p in &self.problems {
            writeln!(f, "PROBLEM {p}")?;
        }
        if self.more_problems > 0 {
            writeln!(f, "… and {} more problems", self.more_problems)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_and_empty_fields_hash_apart() {
        let mut a = Canon::new("t");
        a.opt_text(None).text("x");
        let mut b = Canon::new("t");
        b.opt_text(Some("")).text("x");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn a_payload_depends_on_its_rows_and_their_parts() {
        let row = [7u8; 32];
        let mut events = Payload::default();
        events.add(Part::Events, row);
        let mut files = Payload::default();
        files.add(Part::Files, row);
        let mut two = Payload::default();
        two.add(Part::Events, row);
        two.add(Part::Events, row);
        let all = [
            events.finish(),
            files.finish(),
            two.finish(),
            Payload::default().finish(),
        ];
        for i in 0..all.len() {
            for j in i + 1..all.len() {
                assert_ne!(all[i], all[j]);
            }
        }
    }
}
