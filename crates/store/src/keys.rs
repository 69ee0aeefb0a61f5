//! The PII key — the key that seals personal data ([`crate::crypto`]) — and its check against the
//! database.
//!
//! The database records a fingerprint of its key (table `key_check`, migration 0005): SHA-256
//! over a domain-separation string and the key, never the key itself. On open:
//! - a recorded fingerprint must match the key at hand;
//! - a database from before the fingerprint (sealed rows, none recorded) must open its oldest
//!   sealed row with the key; the fingerprint is then recorded;
//! - a database without sealed rows and without a fingerprint records the key's.
//!
//! A key is created only for a new database (SQLite: the file does not exist yet; PostgreSQL: no
//! fingerprint and no requests); a missing key for an existing database is refused, never
//! replaced. Key files are created 0600 and refused when group or others may read them.
//!
//! The library never reads the environment: the binary says where the key is ([`KeySource`]).
//! Rotation ([`rotate`]) re-seals every sealed column under a new key in one transaction; the
//! sealed columns are `requests.pii_sealed` (a new sealed column must be added to
//! `SqlStore::reseal_all` in `key_impl.rs`).

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Actor, Location, PgStore, PiiCipher, QueryKey, Result, SqliteStore, StoreError};

/// The environment variable the binary reads the key from (64 hex digits), named in messages.
pub const KEY_ENV: &str = "GONGKAI_PII_KEY";
/// The key file's name in the data directory.
pub const KEY_FILE: &str = "pii.key";
/// The 查询码 key's file name, beside the PII key file (see [`crate::QueryKey`]).
pub const QUERY_KEY_FILE: &str = "query.key";
/// The SQLite database's name in the data directory.
pub const DB_FILE: &str = "gongkai.sqlite3";

const FINGERPRINT_DOMAIN: &[u8] = b"gongkai pii key fingerprint v1\0";
const QUERY_KEY_DOMAIN: &[u8] = b"gongkai query-code key v1\0";

/// Where the PII key comes from. The binary builds it (from `GONGKAI_PII_KEY` or `DIR/pii.key`).
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The key as 64 hex digits, taken from the environment variable [`KEY_ENV`].
    Env(String),
    /// A key file (64 hex digits), created 0600 for a new database only.
    File(PathBuf),
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Env(_) => write!(f, "KeySource::Env({KEY_ENV})"),
            KeySource::File(p) => write!(f, "KeySource::File({})", p.display()),
        }
    }
}

impl KeySource {
    /// How messages name it: the variable or the file.
    pub fn describe(&self) -> String {
        match self {
            KeySource::Env(_) => KEY_ENV.to_string(),
            KeySource::File(p) => p.display().to_string(),
        }
    }

    /// Whether a key is at hand (the variable is set or the file exists).
    pub fn is_present(&self) -> bool {
        match self {
            KeySource::Env(_) => true,
            KeySource::File(p) => p.exists(),
        }
    }

    /// `query.key` beside a key file, where the 查询码 key is kept; `None` for a key from the
    /// environment (the 查询码 key is then derived from it).
    pub fn query_key_path(&self) -> Option<PathBuf> {
        match self {
            KeySource::Env(_) => None,
            KeySource::File(p) => Some(p.with_file_name(QUERY_KEY_FILE)),
        }
    }

    /// `pii.key.new`, where a rotation writes the new key before it commits.
    pub fn pending_path(&self) -> Option<PathBuf> {
        match self {
            KeySource::Env(_) => None,
            KeySource::File(p) => {
                let mut name = p.file_name()?.to_os_string();
                name.push(".new");
                Some(p.with_file_name(name))
            }
        }
    }
}

/// SHA-256 over a domain-separation string and the key, hex: what the database records.
pub fn fingerprint(key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(FINGERPRINT_DOMAIN);
    h.update(key);
    hex::encode(h.finalize())
}

/// What a database says about its key.
#[derive(Debug, Clone)]
pub(crate) enum KeyRecord {
    /// The recorded fingerprint.
    Recorded(String),
    /// No fingerprint yet; the oldest sealed row (request number, sealed bytes), if any.
    Unrecorded(Option<(String, Vec<u8>)>),
}

impl KeyRecord {
    /// No fingerprint and no sealed row: any key may be adopted.
    pub(crate) fn is_blank(&self) -> bool {
        matches!(self, KeyRecord::Unrecorded(None))
    }

    /// Whether `cipher` is this database's key; `None` when nothing tells.
    fn matches(&self, cipher: &PiiCipher) -> Option<bool> {
        match self {
            KeyRecord::Recorded(fp) => Some(crate::digest_eq(fp, cipher.fingerprint())),
            KeyRecord::Unrecorded(Some((number, sealed))) => {
                Some(cipher.open(sealed, number).is_ok())
            }
            KeyRecord::Unrecorded(None) => None,
        }
    }
}

fn short(fp: &str) -> &str {
    fp.get(..12).unwrap_or(fp)
}

/// Checks `cipher` (from `source`) against the database's record.
pub(crate) fn verify(
    cipher: &PiiCipher,
    record: &KeyRecord,
    source: &str,
    database: &str,
) -> Result<()> {
    match (record.matches(cipher), record) {
        (Some(false), KeyRecord::Recorded(fp)) => Err(StoreError::Key(format!(
            "the PII key in {source} is not the key of the database {database} (fingerprint {}…, the database records {}…): \
             put back the key this database was sealed with (the pii.key you keep elsewhere, or {KEY_ENV}); a new key would leave its personal data unreadable",
            short(cipher.fingerprint()),
            short(fp)
        ))),
        (Some(false), KeyRecord::Unrecorded(Some((number, _)))) => Err(StoreError::Key(format!(
            "the PII key in {source} cannot open the personal data of request {number} in the database {database}: it is not the key this database was sealed with; \
             put back the right key (the pii.key you keep elsewhere, or {KEY_ENV})"
        ))),
        _ => Ok(()),
    }
}

/// Refuses to open while a rotation's `pii.key.new` is left over, saying which key matches.
pub(crate) fn check_pending(source: &KeySource, record: &KeyRecord, database: &str) -> Result<()> {
    let (KeySource::File(current), Some(pending)) = (source, source.pending_path()) else {
        return Ok(());
    };
    if !pending.exists() {
        return Ok(());
    }
    let (c, p) = (current.display(), pending.display());
    let pending_key = read_key_file(&pending)?;
    let current_key = read_key_file(current)?;
    let msg = if pending_key.and_then(|k| record.matches(&k)) == Some(true) {
        format!(
            "{p} is left from an interrupted `gongkai key rotate` that committed: the database {database} matches {p}, not {c}; \
             install it with `mv {p} {c}` and start again"
        )
    } else if current_key.and_then(|k| record.matches(&k)) == Some(true) {
        format!(
            "{p} is left from an interrupted `gongkai key rotate` that did not commit: the database {database} still matches {c}; \
             remove the unused key with `rm {p}` and start again"
        )
    } else {
        format!(
            "{p} is left from an interrupted `gongkai key rotate` and neither it nor {c} is the key of the database {database}: \
             put the database's key into {c} and remove {p}"
        )
    };
    Err(StoreError::Key(msg))
}

/// The key from `source`. A missing key file is created (0600, random key) only when
/// `may_create` (a new database); otherwise it is refused.
pub(crate) fn load(source: &KeySource, may_create: bool, database: &str) -> Result<PiiCipher> {
    let path = match source {
        KeySource::Env(hex_key) => {
            return PiiCipher::from_hex(hex_key).map_err(|_| {
                StoreError::Key(format!("{KEY_ENV} must be 64 hex digits (32 bytes)"))
            });
        }
        KeySource::File(path) => path,
    };
    if let Some(c) = read_key_file(path)? {
        return Ok(c);
    }
    if !may_create {
        return Err(StoreError::Key(format!(
            "the PII key file {} is missing but the database {database} already exists: put the pii.key you keep elsewhere back into {} \
             (or set {KEY_ENV}); gongkai creates a key only for a new database",
            path.display(),
            path.parent()
                .map_or_else(|| ".".into(), |d| d.display().to_string())
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let key = PiiCipher::random_key();
    match write_private(path, hex::encode(key).as_bytes()) {
        Ok(()) => Ok(PiiCipher::from_key(&key)),
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key_file(path)?.ok_or_else(|| {
                StoreError::Key(format!("{} vanished while it was created", path.display()))
            })
        }
        Err(e) => Err(StoreError::Key(format!(
            "cannot create the PII key file {}: {e}",
            path.display()
        ))),
    }
}

/// Reads a key file: `None` when it does not exist; refused when group or others may read it.
fn read_key_file(path: &Path) -> Result<Option<PiiCipher>> {
    Ok(read_secret(path, "PII key")?.map(|k| PiiCipher::from_key(&k)))
}

/// Reads a 32-byte secret kept as 64 hex digits in a file of its own (`what` names it in
/// messages): `None` when the file does not exist; refused when group or others may read it,
/// when it is not a regular file or does not hold 64 hex digits.
fn read_secret(path: &Path, what: &str) -> Result<Option<[u8; 32]>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Key(format!(
                "cannot read the {what} file {}: {e}",
                path.display()
            )));
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(StoreError::Key(format!(
                "the {what} file {} may be read by group or others (mode {mode:04o}): run `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    if !meta.is_file() {
        return Err(StoreError::Key(format!(
            "the {what} file {} is not a regular file",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        StoreError::Key(format!(
            "cannot read the {what} file {}: {e}",
            path.display()
        ))
    })?;
    hex::decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .map(Some)
        .ok_or_else(|| {
            StoreError::Key(format!(
                "the {what} file {} must hold 64 hex digits (32 bytes)",
                path.display()
            ))
        })
}

/// Where an opening store finds the 查询码 key.
#[derive(Debug, Clone)]
pub(crate) enum QueryKeyAt {
    /// Beside the key file; SQLite with the key from the environment: in the data directory;
    /// PostgreSQL with the key from the environment: derived from the key.
    Default,
    /// This file (the binary's setting).
    File(PathBuf),
    /// Not needed (`key rotate` re-seals personal data only; codes are not read or written).
    NotNeeded,
}

/// The 查询码 key derived from a PII key given in the environment (no `query.key` file):
/// SHA-256 over a domain-separation string and the key.
pub(crate) fn derive_query_key(pii_key: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(QUERY_KEY_DOMAIN);
    h.update(pii_key);
    h.finalize().into()
}

/// The 查询码 key from `path` (see [`crate::QueryKey`]). A missing file is created (0600,
/// random) when `may_create` — a new database, or one without a code stored as an HMAC yet —
/// and refused otherwise, since the codes already issued could no longer be checked.
pub(crate) fn load_query_key(path: &Path, may_create: bool, database: &str) -> Result<QueryKey> {
    if let Some(k) = read_secret(path, "query-code key")? {
        return Ok(QueryKey::from_key(&k));
    }
    if !may_create {
        return Err(StoreError::Key(format!(
            "the query-code key file {} is missing but requests of the database {database} were given 查询码 under it: \
             put the {QUERY_KEY_FILE} you keep elsewhere (with the pii.key) back into {}; without it no applicant can track a request",
            path.display(),
            path.parent()
                .map_or_else(|| ".".into(), |d| d.display().to_string())
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let key = PiiCipher::random_key();
    match write_private(path, hex::encode(key).as_bytes()) {
        Ok(()) => Ok(QueryKey::from_key(&key)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_secret(path, "query-code key")?
                .map(|k| QueryKey::from_key(&k))
                .ok_or_else(|| {
                    StoreError::Key(format!("{} vanished while it was created", path.display()))
                })
        }
        Err(e) => Err(StoreError::Key(format!(
            "cannot create the query-code key file {}: {e}",
            path.display()
        ))),
    }
}

/// Creates `dir` (and missing parents) with mode 0700; an existing directory is left as it is.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| {
        StoreError::Config(format!(
            "cannot create data directory {}: {e}",
            dir.display()
        ))
    })
}

/// Opens a new file, mode 0600, failing if it exists.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Writes a new file (0600), fsyncs it and its directory.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = create_private_file(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    sync_dir(path)
}

/// Fsyncs the directory holding `path` (so a create or rename in it is durable).
pub(crate) fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// What [`rotate`] did.
#[derive(Debug, Clone)]
pub struct Rotation {
    /// Sealed rows re-sealed under the new key.
    pub resealed: u64,
    /// The new key's fingerprint (now recorded in the database).
    pub fingerprint: String,
    /// The key file now holding the new key; `None` when the key comes from [`KEY_ENV`] (the
    /// new key went to `announce`).
    pub installed: Option<PathBuf>,
}

/// `gongkai key rotate`: re-seals every sealed row under a new random key in one transaction
/// (with an audit entry `key.rotate`) and records its fingerprint. The current key is needed
/// (the store is opened with it).
///
/// With a key file the new key is written to `pii.key.new` (0600, fsync) before the commit and
/// renamed over `pii.key` after it; a crash in between leaves both, and opening then says which
/// one the database matches. With [`KeySource::Env`] the new key (64 hex digits) is handed to
/// `announce` before the commit — the only place it ever appears; when `announce` fails
/// nothing is changed.
///
/// A process still running with the old key refuses new filings after the rotation (the
/// fingerprint is checked in every sealing transaction) and cannot open personal data: restart
/// it with the new key.
pub async fn rotate(
    location: &Location,
    source: &KeySource,
    actor: &Actor,
    announce: impl FnOnce(&str) -> std::io::Result<()>,
) -> Result<Rotation> {
    let key = PiiCipher::random_key();
    let new = PiiCipher::from_key(&key);
    let hex_key = hex::encode(key);
    match location {
        Location::Dir(dir) => {
            let store = SqliteStore::open_dir_with(dir, source, QueryKeyAt::NotNeeded).await?;
            install(
                source,
                &new,
                &hex_key,
                announce,
                store.reseal_all(&new, actor),
            )
            .await
        }
        Location::Postgres { url } => {
            let store = PgStore::open_url_with(url, source, QueryKeyAt::NotNeeded).await?;
            install(
                source,
                &new,
                &hex_key,
                announce,
                store.reseal_all(&new, actor),
            )
            .await
        }
    }
}

async fn install(
    source: &KeySource,
    new: &PiiCipher,
    hex_key: &str,
    announce: impl FnOnce(&str) -> std::io::Result<()>,
    reseal: impl std::future::Future<Output = Result<u64>>,
) -> Result<Rotation> {
    let fingerprint = new.fingerprint().to_string();
    match (source, source.pending_path()) {
        (KeySource::File(current), Some(pending)) => {
            write_private(&pending, hex_key.as_bytes()).map_err(|e| {
                StoreError::Key(format!(
                    "cannot write the new key to {}: {e}; nothing was changed",
                    pending.display()
                ))
            })?;
            let resealed = match reseal.await {
                Ok(n) => n,
                Err(e) => {
                    let _ = std::fs::remove_file(&pending);
                    return Err(e);
                }
            };
            std::fs::rename(&pending, current)
                .and_then(|_| sync_dir(current))
                .map_err(|e| {
                    StoreError::Key(format!(
                        "the rotation committed but {} could not be renamed over {}: {e}; run `mv {} {}`",
                        pending.display(),
                        current.display(),
                        pending.display(),
                        current.display()
                    ))
                })?;
            Ok(Rotation {
                resealed,
                fingerprint,
                installed: Some(current.clone()),
            })
        }
        _ => {
            announce(hex_key).map_err(|e| {
                StoreError::Key(format!(
                    "cannot hand out the new key ({e}); nothing was changed"
                ))
            })?;
            let resealed = reseal.await?;
            Ok(Rotation {
                resealed,
                fingerprint,
                installed: None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_not_the_key_and_depends_on_it() {
        let k = [7u8; 32];
        let fp = fingerprint(&k);
        assert_eq!(fp.len(), 64);
        assert_ne!(fp, hex::encode(k));
        assert_ne!(fp, hex::encode(Sha256::digest(k)), "domain-separated");
        assert_ne!(fp, fingerprint(&[8u8; 32]));
    }

    #[test]
    fn the_pending_key_sits_beside_the_key() {
        let s = KeySource::File(PathBuf::from("/data/pii.key"));
        assert_eq!(s.pending_path(), Some(PathBuf::from("/data/pii.key.new")));
        assert_eq!(KeySource::Env("00".into()).pending_path(), None);
        assert!(!format!("{:?}", KeySource::Env("secret".into())).contains("secret"));
    }
}
