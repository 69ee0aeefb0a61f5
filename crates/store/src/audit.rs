//! The append-only, hash-chained audit log. Each entry's hash covers the previous entry's hash
//! and the entry's own fields, so any edit, deletion or reordering breaks the chain from that
//! entry on. The log never holds an ID-card number: objects are request numbers and slugs.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339 UTC time, stored as text so the hashed bytes are exactly the stored ones.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
    /// The content hash of the rows the entry records (see [`crate::ledger`]); `None` for an
    /// entry that records no rows, and for every entry written before the ledger was chained.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload_hash: Option<String>,
}

/// The hash of an entry given its predecessor's hash.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    object: &str,
    outcome: &str,
) -> String {
    entry_hash_with(prev_hash, seq, at, actor, action, object, outcome, None)
}

/// The hash of an entry that may commit to a payload: the length-prefixed fields as before, the
/// payload hash appended as one more field only when present (so entries written before payloads
/// existed verify unchanged).
#[allow(clippy::too_many_arguments)]
pub fn entry_hash_with(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    object: &str,
    outcome: &str,
    payload_hash: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    let fields = [prev_hash, &seq, at, actor, action, object, outcome];
    for part in fields.into_iter().chain(payload_hash) {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainCheck {
    Ok { entries: u64 },
    Broken { seq: i64, reason: String },
}

/// Recomputes the chain over entries in `seq` order, starting at the genesis.
pub fn verify_chain<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>) -> ChainCheck {
    verify_chain_after(None, entries)
}

/// Recomputes the chain over entries that follow `prev` (an already verified entry), or the
/// genesis when `prev` is `None`. Lets a long log be verified page by page.
pub fn verify_chain_after<'a>(
    prev: Option<&AuditEntry>,
    entries: impl IntoIterator<Item = &'a AuditEntry>,
) -> ChainCheck {
    let (mut prev_seq, mut prev_hash) =
        prev.map_or((0, GENESIS.to_string()), |p| (p.seq, p.hash.clone()));
    let mut n = 0;
    for e in entries {
        if e.seq != prev_seq + 1 {
            return ChainCheck::Broken {
                seq: e.seq,
                reason: format!("expected entry {}, found {}", prev_seq + 1, e.seq),
            };
        }
        if e.prev_hash != prev_hash {
            return ChainCheck::Broken {
                seq: e.seq,
                reason: "prev_hash does not match the previous entry".into(),
            };
        }
        if entry_hash_with(
            &e.prev_hash,
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            &e.object,
            &e.outcome,
            e.payload_hash.as_deref(),
        ) != e.hash
        {
            return ChainCheck::Broken {
                seq: e.seq,
                reason: "hash does not match the entry's contents".into(),
            };
        }
        prev_seq = e.seq;
        prev_hash = e.hash.clone();
        n += 1;
    }
    ChainCheck::Ok { entries: n }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let at = format!("2025-01-0{seq}T00:00:00Z");
                let hash = entry_hash(
                    &prev,
                    seq,
                    &at,
                    "staff",
                    "request.answered",
                    "a-2025-00001",
                    "ok",
                );
                let e = AuditEntry {
                    seq,
                    at,
                    actor: "staff".into(),
                    action: "request.answered".into(),
                    object: "a-2025-00001".into(),
                    outcome: "ok".into(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                    payload_hash: None,
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_any_edit_breaks_it_at_that_row() {
        let c = chain(5);
        assert_eq!(verify_chain(&c), ChainCheck::Ok { entries: 5 });
        let mut edited = c.clone();
        edited[2].outcome = "rejected".into();
        assert!(matches!(
            verify_chain(&edited),
            ChainCheck::Broken { seq: 3, .. }
        ));
        let mut deleted = c.clone();
        deleted.remove(1);
        assert!(matches!(
            verify_chain(&deleted),
            ChainCheck::Broken { seq: 3, .. }
        ));
    }

    #[test]
    fn a_payload_is_part_of_the_hash_and_its_absence_keeps_the_old_hash() {
        let old = entry_hash(GENESIS, 1, "t", "a", "b", "o", "ok");
        assert_eq!(
            old,
            entry_hash_with(GENESIS, 1, "t", "a", "b", "o", "ok", None)
        );
        let with = entry_hash_with(GENESIS, 1, "t", "a", "b", "o", "ok", Some("ab"));
        assert_ne!(old, with);
        assert_ne!(
            with,
            entry_hash_with(GENESIS, 1, "t", "a", "b", "o", "ok", Some("ac"))
        );
    }

    #[test]
    fn field_boundaries_are_part_of_the_hash() {
        assert_ne!(
            entry_hash(GENESIS, 1, "t", "ab", "c", "o", "ok"),
            entry_hash(GENESIS, 1, "t", "a", "bc", "o", "ok")
        );
    }
}
