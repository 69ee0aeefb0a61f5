//! 附件 in the store: the row (request, purpose, name, type, size, SHA-256, who, when) in the
//! database, frozen and committed to by its audit entry; the bytes in the attachment directory
//! ([`FileDir`]) — a setting the binary passes down (`DATA/attachments` by default), outside the
//! database's rows and any web root — content-addressed by their SHA-256
//! (`ab/abcdef….bin`) and written atomically (temporary file, fsync, rename, fsync of the
//! directory) before the row is inserted. A file is served only while its bytes hash to the
//! recorded digest. A transaction that fails after the write leaves an unreferenced file, which a
//! later upload of the same bytes reuses; nothing refers to it.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use gongkai_domain::attachment::{FileType, Purpose};
use serde::Serialize;

use crate::{Result, StoreError};

/// The attachment directory's name inside a SQLite data directory (the default).
pub const DIR: &str = "attachments";

/// An upload the application has checked (type by content, size, name cleaned).
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub purpose: Purpose,
    /// Cleaned by [`gongkai_domain::attachment::file_name`].
    pub name: String,
    pub file_type: FileType,
}

/// An attachment as recorded (without its bytes).
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentInfo {
    pub id: i64,
    #[serde(serialize_with = "purpose_code")]
    pub purpose: Purpose,
    pub name: String,
    #[serde(serialize_with = "mime")]
    pub file_type: FileType,
    pub size: i64,
    pub sha256: String,
    /// Who uploaded it (the actor's label).
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

fn purpose_code<S: serde::Serializer>(p: &Purpose, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.code())
}

fn mime<S: serde::Serializer>(t: &FileType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.mime())
}

/// The attachment directory: content-addressed files, created 0700, each file 0600.
#[derive(Debug, Clone)]
pub struct FileDir {
    root: PathBuf,
}

impl FileDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file of `sha256` (64 lowercase hex digits) is kept; `None` for anything else,
    /// so no stored value can name a path outside the directory.
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let ok = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| self.root.join(&sha256[..2]).join(format!("{sha256}.bin")))
    }

    /// Writes `bytes` as the file of their digest `sha256`, atomically: a temporary file in the
    /// same directory, written and fsynced, renamed over the final name, the directory fsynced.
    /// A file already there with the same bytes is kept.
    pub fn write(&self, sha256: &str, bytes: &[u8]) -> Result<PathBuf> {
        let io = |what: &str, e: std::io::Error| {
            StoreError::Config(format!(
                "attachment directory {}: {what}: {e}",
                self.root.display()
            ))
        };
        let path = self
            .path_of(sha256)
            .ok_or_else(|| StoreError::Corrupt(format!("not a SHA-256: {sha256}")))?;
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        crate::keys::create_private_dir(&self.root)?;
        crate::keys::create_private_dir(&dir)?;
        if let Ok(existing) = std::fs::read(&path)
            && crate::digest_eq(&sha256_hex(&existing), sha256)
        {
            return Ok(path);
        }
        let tmp = dir.join(format!(".{sha256}.{}.tmp", crate::random_code(8)));
        let result = (|| -> std::io::Result<()> {
            let mut f = crate::keys::create_private_file(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, &path)?;
            std::fs::File::open(&dir)?.sync_all()
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(io("cannot write the file", e));
        }
        Ok(path)
    }

    /// The bytes kept for `sha256` (`None` when there is no such file).
    pub fn read(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let Some(path) = self.path_of(sha256) else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::Config(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_content_addressed_and_rewritten_only_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let files = FileDir::new(dir.path().join("attachments"));
        let sha = sha256_hex(b"%PDF-1.4 one");
        let path = files.write(&sha, b"%PDF-1.4 one").unwrap();
        assert!(path.starts_with(dir.path().join("attachments").join(&sha[..2])));
        assert_eq!(
            files.read(&sha).unwrap().as_deref(),
            Some(&b"%PDF-1.4 one"[..])
        );
        // A changed file is replaced by the right bytes on the next upload of them.
        std::fs::write(&path, b"tampered").unwrap();
        files.write(&sha, b"%PDF-1.4 one").unwrap();
        assert_eq!(
            files.read(&sha).unwrap().as_deref(),
            Some(&b"%PDF-1.4 one"[..])
        );
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1);
        assert_eq!(files.read(&"0".repeat(64)).unwrap(), None);
        assert!(files.path_of("../../etc/passwd").is_none());
        assert!(files.path_of(&"A".repeat(64)).is_none());
    }
}
