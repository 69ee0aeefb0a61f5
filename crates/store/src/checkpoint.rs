//! Signed checkpoints of the audit chain head. A checkpoint `{seq, hash, at, public_key,
//! signature}` is handed out (to a supervisor, a court, a second machine); later the log must
//! still extend it: entry `seq` exists with exactly that hash and the chain verifies from the
//! genesis through it to the head. Truncating the tail, or rewriting it even with recomputed
//! hashes and the head updated, is then detected against any checkpoint handed out earlier.
//!
//! The Ed25519 signing key lives outside the database (`DIR/checkpoint.key`, mode 0600, created
//! on first use): whoever can rewrite the database cannot forge a checkpoint.

use std::io::Write as _;
use std::path::Path;

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::ledger::Problem;
use crate::{Result, Store, StoreError};

/// A signed statement "the audit chain had entry `seq` with hash `hash` at time `at`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// RFC 3339 UTC time the checkpoint was made.
    pub at: String,
    /// Hex Ed25519 public key of the signer.
    pub public_key: String,
    /// Hex Ed25519 signature over [`Checkpoint::signed_bytes`].
    pub signature: String,
}

/// The checkpoint signing key.
pub struct CheckpointKey(SigningKey);

impl CheckpointKey {
    /// Reads the key at `path`, or creates it (32 random bytes, hex, mode 0600) when the file does
    /// not exist. A key file readable by group or others is refused.
    pub fn load_or_create(path: &Path) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                check_private(path)?;
                Self::from_hex(text.trim()).map_err(|e| {
                    StoreError::Config(format!("checkpoint key {}: {e}", path.display()))
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut secret = [0u8; 32];
                rand::Rng::fill(&mut rand::rngs::OsRng, &mut secret);
                write_private(path, hex::encode(secret).as_bytes())?;
                Ok(CheckpointKey(SigningKey::from_bytes(&secret)))
            }
            Err(e) => Err(StoreError::Config(format!(
                "cannot read checkpoint key {}: {e}",
                path.display()
            ))),
        }
    }

    /// Reads an existing key (never creates one).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            StoreError::Config(format!(
                "cannot read checkpoint key {}: {e}",
                path.display()
            ))
        })?;
        check_private(path)?;
        Self::from_hex(text.trim())
            .map_err(|e| StoreError::Config(format!("checkpoint key {}: {e}", path.display())))
    }

    fn from_hex(text: &str) -> std::result::Result<Self, String> {
        let bytes = hex::decode(text).map_err(|_| "is not hex".to_string())?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "must be 32 bytes (64 hex digits)".to_string())?;
        Ok(CheckpointKey(SigningKey::from_bytes(&secret)))
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.0.verifying_key()
    }

    /// Signs the head `(seq, hash)` at time `at`.
    pub fn sign(&self, seq: i64, hash: &str, at: &str) -> Checkpoint {
        let signature = self.0.sign(&Checkpoint::signed_bytes(seq, hash, at));
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at: at.to_string(),
            public_key: hex::encode(self.public_key().as_bytes()),
            signature: hex::encode(signature.to_bytes()),
        }
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)
        .map_err(|e| StoreError::Config(format!("{}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(StoreError::Config(format!(
            "checkpoint key {} is readable by others (mode {:o}); chmod 600 it",
            path.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<()> {
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        StoreError::Config(format!(
            "cannot create checkpoint key {}: {e}",
            path.display()
        ))
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| StoreError::Config(format!("cannot write {}: {e}", path.display())))
}

/// Parses a hex Ed25519 public key.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| StoreError::Config("public key: must be 64 hex digits".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| StoreError::Config("public key: not an Ed25519 key".into()))
}

impl Checkpoint {
    /// The canonical bytes signed: a domain tag, then seq, hash and time, each length-prefixed.
    pub fn signed_bytes(seq: i64, hash: &str, at: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for part in ["gongkai.audit-checkpoint.v1", &seq.to_string(), hash, at] {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
        out
    }

    /// Checks the signature against `trusted` (the key the verifier trusts; never the key the
    /// checkpoint itself names, which a forger would choose).
    pub fn check_signature(&self, trusted: &VerifyingKey) -> std::result::Result<(), String> {
        if !self
            .public_key
            .eq_ignore_ascii_case(&hex::encode(trusted.as_bytes()))
        {
            return Err("public_key: the checkpoint was not signed by the trusted key".into());
        }
        let sig: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("signature: must be 128 hex digits")?;
        trusted
            .verify(
                &Self::signed_bytes(self.seq, &self.hash, &self.at),
                &Signature::from_bytes(&sig),
            )
            .map_err(|_| "signature: does not match seq, hash and at".to_string())
    }
}

/// Makes a checkpoint of the store's current chain head.
pub async fn create(store: &dyn Store, key: &CheckpointKey) -> Result<Checkpoint> {
    let (seq, hash) = store.audit_head().await?;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(key.sign(seq, &hash, &at))
}

/// Whether the store's log still extends `cp`: its signature holds under `trusted`, entry
/// `cp.seq` exists with exactly `cp.hash`. (That the chain verifies from the genesis through it to
/// the head is [`Store::verify_audit_log`]'s part; [`verify_with`] runs both.)
pub async fn check_extends(
    store: &dyn Store,
    cp: &Checkpoint,
    trusted: &VerifyingKey,
) -> Result<Vec<Problem>> {
    if let Err(why) = cp.check_signature(trusted) {
        return Ok(vec![Problem::entry(
            cp.seq,
            format!("checkpoint refused: {why}"),
        )]);
    }
    if cp.seq < 1 {
        return Ok(vec![]);
    }
    let found = store.audit_entries(cp.seq - 1, 1).await?;
    Ok(match found.first() {
        Some(e) if e.seq == cp.seq && e.hash == cp.hash => vec![],
        Some(e) if e.seq == cp.seq => vec![Problem::entry(
            cp.seq,
            format!(
                "the checkpoint of {} says hash {}, the log has {}: the log was rewritten",
                cp.at, cp.hash, e.hash
            ),
        )],
        _ => vec![Problem::entry(
            cp.seq,
            format!(
                "the checkpoint of {} names this entry, the log no longer has it: the log was truncated",
                cp.at
            ),
        )],
    })
}

/// Verifies the store and that it extends `cp` (signature under `trusted`).
pub async fn verify_with(
    store: &dyn Store,
    cp: &Checkpoint,
    trusted: &VerifyingKey,
) -> Result<crate::VerifyReport> {
    let mut report = store.verify_audit_log().await?;
    for p in check_extends(store, cp, trusted).await? {
        report.push(p);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_checkpoint_verifies_and_any_change_is_refused() {
        let key = CheckpointKey(SigningKey::from_bytes(&[9u8; 32]));
        let cp = key.sign(12, "ab", "2026-01-01T00:00:00Z");
        assert_eq!(cp.check_signature(&key.public_key()), Ok(()));
        let mut moved = cp.clone();
        moved.seq = 11;
        assert!(moved.check_signature(&key.public_key()).is_err());
        let other = CheckpointKey(SigningKey::from_bytes(&[8u8; 32]));
        let forged = other.sign(12, "ab", "2026-01-01T00:00:00Z");
        assert!(forged.check_signature(&key.public_key()).is_err());
    }

    #[test]
    fn a_key_is_created_private_and_loaded_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.key");
        let a = CheckpointKey::load_or_create(&path).unwrap();
        let b = CheckpointKey::load_or_create(&path).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(
                CheckpointKey::load(&path).is_err(),
                "a readable key is refused"
            );
        }
    }
}
