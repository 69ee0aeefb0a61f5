//! `gongkai backup` and `gongkai restore`.
//!
//! A backup is online and consistent while a server writes: SQLite through `VACUUM INTO` (a
//! transactionally consistent copy made by SQLite itself, never a file copy of a live database),
//! PostgreSQL through `pg_dump --format=custom` (one snapshot). The PII key is never in a
//! backup: it is kept (and restored) separately. Backup files are created 0600.
//!
//! A restore goes into a data directory without a database (SQLite; `force` keeps an existing
//! one aside as `gongkai.sqlite3.before-restore-<time>`) or into an empty PostgreSQL database
//! (`pg_restore`), and is verified: `PRAGMA integrity_check` (SQLite), the audit chain, and
//! whether the key at hand matches the restored database's fingerprint.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::Connection as _;
use sqlx::Row as _;

use crate::keys::{DB_FILE, KeySource, create_private_dir, create_private_file, sync_dir};
use crate::{Location, PgStore, Result, SqliteStore, Store, StoreError, VerifyReport};

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub file: PathBuf,
    pub bytes: u64,
    /// How it was made (`VACUUM INTO`, `pg_dump --format=custom`).
    pub method: &'static str,
    /// Requests and audit entries in the backup (SQLite; `None` for a PostgreSQL dump).
    pub requests: Option<i64>,
    pub audit_entries: Option<i64>,
}

impl std::fmt::Display for BackupSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "backup written to {} ({} bytes, {}",
            self.file.display(),
            self.bytes,
            self.method
        )?;
        if let (Some(r), Some(a)) = (self.requests, self.audit_entries) {
            write!(f, ", {r} requests, {a} audit entries")?;
        }
        write!(
            f,
            "); the PII key is not in it: keep the key (pii.key or GONGKAI_PII_KEY) elsewhere, with query.key (the 查询码 key) beside it"
        )
    }
}

/// Backs up the database at `location` into the new file `out` (refused if it exists).
pub async fn backup(location: &Location, out: &Path) -> Result<BackupSummary> {
    let file = create_private_file(out).map_err(|e| {
        StoreError::Backup(if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} exists: a backup never overwrites a file; choose a new name",
                out.display()
            )
        } else {
            format!("cannot create {}: {e}", out.display())
        })
    })?;
    let made = match location {
        Location::Dir(dir) => {
            drop(file);
            backup_sqlite(&dir.join(DB_FILE), out).await
        }
        Location::Postgres { url } => backup_postgres(url, file, out).await,
    };
    let summary = match made {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(out);
            return Err(e);
        }
    };
    sync_dir(out).map_err(|e| StoreError::Backup(format!("cannot sync {}: {e}", out.display())))?;
    Ok(summary)
}

async fn backup_sqlite(db: &Path, out: &Path) -> Result<BackupSummary> {
    if !db.is_file() {
        return Err(StoreError::Backup(format!(
            "no database at {}: nothing to back up",
            db.display()
        )));
    }
    let target = out
        .to_str()
        .ok_or_else(|| StoreError::Backup(format!("{}: not a UTF-8 path", out.display())))?;
    let mut conn = sqlx::SqliteConnection::connect_with(
        &SqliteStore::options(db)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(60)),
    )
    .await?;
    // One read transaction of SQLite's own: consistent while other connections write.
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    std::fs::File::open(out)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::Backup(format!("cannot sync {}: {e}", out.display())))?;
    let mut copy = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new()
            .filename(out)
            .read_only(true),
    )
    .await?;
    let requests: i64 = sqlx::query("SELECT COUNT(*) FROM requests")
        .fetch_one(&mut copy)
        .await?
        .try_get(0)?;
    let audit_entries: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut copy)
        .await?
        .try_get(0)?;
    copy.close().await?;
    Ok(BackupSummary {
        file: out.to_path_buf(),
        bytes: file_len(out),
        method: "SQLite VACUUM INTO",
        requests: Some(requests),
        audit_entries: Some(audit_entries),
    })
}

async fn backup_postgres(url: &str, file: std::fs::File, out: &Path) -> Result<BackupSummary> {
    let (url_np, password) = split_password(url);
    let mut cmd = tokio::process::Command::new("pg_dump");
    cmd.arg("--format=custom")
        .arg("--no-password")
        .arg(format!("--dbname={url_np}"))
        // Into the file created 0600 above (pg_dump truncates it and keeps its mode).
        .arg("--file")
        .arg(out)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    if let Some(pw) = password {
        cmd.env("PGPASSWORD", pw);
    }
    run_tool(cmd, "pg_dump").await?;
    file.sync_all()
        .map_err(|e| StoreError::Backup(format!("cannot sync {}: {e}", out.display())))?;
    Ok(BackupSummary {
        file: out.to_path_buf(),
        bytes: file_len(out),
        method: "pg_dump --format=custom",
        requests: None,
        audit_entries: None,
    })
}

/// Runs a PostgreSQL client tool; its absence and its failure are clear errors.
async fn run_tool(mut cmd: tokio::process::Command, tool: &str) -> Result<std::process::Output> {
    cmd.stderr(std::process::Stdio::piped());
    let output = cmd.output().await.map_err(|e| {
        StoreError::Backup(if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{tool} is not installed: install the PostgreSQL client tools of the server's version \
                 (Debian: apt-get install postgresql-client) and try again"
            )
        } else {
            format!("cannot run {tool}: {e}")
        })
    })?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let first = err
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        return Err(StoreError::Backup(format!(
            "{tool} failed ({}): {first}",
            output.status
        )));
    }
    Ok(output)
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Whether the PII key at hand opens a restored database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyVerdict {
    /// The key (named: file or variable) matches the recorded fingerprint.
    Matches(String),
    /// No key file and no variable: the key is not in the backup.
    Missing,
    /// A key is at hand but refused (the message says why).
    Refused(String),
}

/// What a restore did and found.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The restored database (file or PostgreSQL database).
    pub target: String,
    /// `PRAGMA integrity_check` (SQLite).
    pub integrity: Option<String>,
    pub chain: VerifyReport,
    pub requests: i64,
    pub key: KeyVerdict,
    /// Where `force` put the database that was there.
    pub set_aside: Option<PathBuf>,
}

/// What to say when the key is not at hand.
pub const KEY_NOT_IN_BACKUP: &str = "the PII key is not in the backup: put the pii.key you keep elsewhere into the data directory (or set GONGKAI_PII_KEY) before starting";

impl RestoreReport {
    /// Restored, verified and the key at hand opens it: ready to start.
    pub fn is_ready(&self) -> bool {
        self.chain.is_ok() && matches!(self.key, KeyVerdict::Matches(_))
    }

    /// The report, one statement a line.
    pub fn lines(&self, data_dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = &self.set_aside {
            out.push(format!(
                "the database that was there is kept as {}",
                p.display()
            ));
        }
        let mut first = format!("restored {} ({} requests)", self.target, self.requests);
        if let Some(i) = &self.integrity {
            first.push_str(&format!("; integrity_check: {i}"));
        }
        if self.chain.is_ok() {
            first.push_str(&format!(
                "; audit chain OK ({} entries)",
                self.chain.entries
            ));
        } else {
            first.push_str(&format!(
                "; audit log does NOT verify: {}",
                self.chain.to_string().lines().next().unwrap_or_default()
            ));
        }
        out.push(first);
        out.push(match &self.key {
            KeyVerdict::Matches(src) => format!("the PII key in {src} matches the restored database"),
            KeyVerdict::Missing => format!(
                "the PII key is not in the backup: put the pii.key you keep elsewhere into {} (or set GONGKAI_PII_KEY) before starting",
                data_dir.display()
            ),
            KeyVerdict::Refused(msg) => msg.clone(),
        });
        let query_key = data_dir.join(crate::keys::QUERY_KEY_FILE);
        if !query_key.exists() {
            out.push(format!(
                "the 查询码 key is not in the backup either: put the {} you keep with the pii.key into {} before starting",
                crate::keys::QUERY_KEY_FILE,
                data_dir.display()
            ));
        }
        out
    }
}

/// Restores `file` (made by [`backup`]) to `location` and verifies it. `force` (SQLite only)
/// keeps an existing database aside instead of refusing.
pub async fn restore(
    location: &Location,
    key: &KeySource,
    file: &Path,
    force: bool,
) -> Result<RestoreReport> {
    if !file.is_file() {
        return Err(StoreError::Backup(format!(
            "{} is not a readable backup file",
            file.display()
        )));
    }
    match location {
        Location::Dir(dir) => restore_sqlite(dir, key, file, force).await,
        Location::Postgres { url } => {
            if force {
                return Err(StoreError::Backup(
                    "--force applies to SQLite only: restore into an empty PostgreSQL database (drop and create it first)".into(),
                ));
            }
            restore_postgres(url, key, file).await
        }
    }
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    dir.join(format!("{DB_FILE}{suffix}"))
}

fn remove_db_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

async fn restore_sqlite(
    dir: &Path,
    key: &KeySource,
    file: &Path,
    force: bool,
) -> Result<RestoreReport> {
    create_private_dir(dir)?;
    let target = dir.join(DB_FILE);
    let exists = target.exists();
    if exists && !force {
        return Err(StoreError::Backup(format!(
            "{} exists: restore only into a data directory without a database, or pass --force \
             (the current database is then kept as {DB_FILE}.before-restore-<time>)",
            target.display()
        )));
    }
    for stale in [sibling(dir, "-wal"), sibling(dir, "-shm")] {
        if !exists && stale.exists() {
            return Err(StoreError::Backup(format!(
                "{} exists without its database: remove it first",
                stale.display()
            )));
        }
    }
    // Copy into a private temporary file beside the target, verify it, then rename it in.
    let tmp = sibling(dir, ".restoring");
    remove_db_files(&tmp);
    let copied = (|| -> std::io::Result<()> {
        let mut out = create_private_file(&tmp)?;
        std::io::copy(&mut std::fs::File::open(file)?, &mut out)?;
        out.sync_all()
    })();
    if let Err(e) = copied {
        remove_db_files(&tmp);
        return Err(StoreError::Backup(format!(
            "cannot copy {} into {}: {e}",
            file.display(),
            dir.display()
        )));
    }
    let checked = check_sqlite_copy(&tmp, key, &target.display().to_string()).await;
    let (integrity, chain, requests, verdict) = match checked {
        Ok(c) => c,
        Err(e) => {
            remove_db_files(&tmp);
            return Err(match e {
                StoreError::Backup(m) => StoreError::Backup(m),
                other => StoreError::Backup(format!(
                    "{} is not a readable gongkai backup ({other}); nothing was restored",
                    file.display()
                )),
            });
        }
    };
    let set_aside = if exists {
        match set_aside(&target).await {
            Ok(p) => Some(p),
            Err(e) => {
                remove_db_files(&tmp);
                return Err(e);
            }
        }
    } else {
        None
    };
    std::fs::rename(&tmp, &target)
        .and_then(|_| sync_dir(&target))
        .map_err(|e| StoreError::Backup(format!("cannot install {}: {e}", target.display())))?;
    Ok(RestoreReport {
        target: target.display().to_string(),
        integrity: Some(integrity),
        chain,
        requests,
        key: verdict,
        set_aside,
    })
}

/// Checks the copy: integrity, the audit chain, the key. Broken copies are refused.
async fn check_sqlite_copy(
    tmp: &Path,
    key: &KeySource,
    target: &str,
) -> Result<(String, VerifyReport, i64, KeyVerdict)> {
    let pool = SqliteStore::connect(tmp, 1).await?;
    let rows = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&pool)
        .await?;
    let lines: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<std::result::Result<_, _>>()?;
    let integrity = lines.join("; ");
    if integrity != "ok" {
        pool.close().await;
        return Err(StoreError::Backup(format!(
            "the backup fails PRAGMA integrity_check ({integrity}); nothing was restored"
        )));
    }
    let store = SqliteStore::unkeyed(pool.clone()).await?;
    let chain = store.verify_audit_log().await?;
    if !chain.is_ok() {
        pool.close().await;
        return Err(StoreError::Backup(format!(
            "the backup does not verify ({}); nothing was restored",
            chain.to_string().lines().next().unwrap_or_default()
        )));
    }
    let requests: i64 = sqlx::query("SELECT COUNT(*) FROM requests")
        .fetch_one(&pool)
        .await?
        .try_get(0)?;
    let verdict = store.key_verdict(key, target).await?;
    drop(store);
    // Fold the WAL back into the file, so that the one file renamed into place is everything.
    let mode: String = sqlx::query("PRAGMA journal_mode=DELETE")
        .fetch_one(&pool)
        .await?
        .try_get(0)?;
    pool.close().await;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::Backup(format!(
            "cannot finish the copy {} (journal mode {mode})",
            tmp.display()
        )));
    }
    Ok((integrity, chain, requests, verdict))
}

/// Moves an existing database aside (after folding its WAL in); refused while it is in use.
async fn set_aside(target: &Path) -> Result<PathBuf> {
    let in_use = || {
        StoreError::Backup(format!(
            "{} is in use (a server is running on it?): stop it before restoring over it",
            target.display()
        ))
    };
    let mut conn = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new()
            .filename(target)
            .busy_timeout(Duration::from_secs(2)),
    )
    .await?;
    let mode: String = match sqlx::query("PRAGMA journal_mode=DELETE")
        .fetch_one(&mut conn)
        .await
    {
        Ok(row) => row.try_get(0)?,
        Err(_) => return Err(in_use()),
    };
    conn.close().await?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(in_use());
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let aside = target.with_file_name(format!("{DB_FILE}.before-restore-{stamp}"));
    std::fs::rename(target, &aside)
        .and_then(|_| sync_dir(target))
        .map_err(|e| StoreError::Backup(format!("cannot move {} aside: {e}", target.display())))?;
    Ok(aside)
}

async fn restore_postgres(url: &str, key: &KeySource, file: &Path) -> Result<RestoreReport> {
    let shown = redact_url(url);
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let tables: i64 = sqlx::query(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&mut conn)
    .await?
    .try_get(0)?;
    conn.close().await?;
    if tables > 0 {
        return Err(StoreError::Backup(format!(
            "the database {shown} is not empty ({tables} tables): restore only into an empty database (create a new one, or drop and re-create this one)"
        )));
    }
    let (url_np, password) = split_password(url);
    let mut cmd = tokio::process::Command::new("pg_restore");
    cmd.args([
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
    ])
    .arg(format!("--dbname={url_np}"))
    .arg(file)
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::null());
    if let Some(pw) = password {
        cmd.env("PGPASSWORD", pw);
    }
    run_tool(cmd, "pg_restore").await?;
    let pool = PgStore::connect(url).await?;
    let store = PgStore::unkeyed(pool.clone()).await?;
    let chain = store.verify_audit_log().await?;
    let requests: i64 = sqlx::query("SELECT COUNT(*) FROM requests")
        .fetch_one(&pool)
        .await?
        .try_get(0)?;
    let verdict = store
        .key_verdict(key, &format!("on PostgreSQL ({shown})"))
        .await?;
    pool.close().await;
    Ok(RestoreReport {
        target: format!("PostgreSQL {shown}"),
        integrity: None,
        chain,
        requests,
        key: verdict,
        set_aside: None,
    })
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, `Some("secret")`), the password
/// percent-decoded, so that it goes to a client tool in `PGPASSWORD`, not on its command line.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_string(), None);
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_string(), None);
    };
    let userinfo = &rest[..at];
    let Some(colon) = userinfo.find(':') else {
        return (url.to_string(), None);
    };
    let password = percent_decode(&userinfo[colon + 1..]);
    let stripped = format!(
        "{}{}{}",
        &url[..scheme_end],
        &userinfo[..colon],
        &rest[at..]
    );
    (stripped, Some(password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let Some(b) = escaped {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URL without its password, for messages.
pub(crate) fn redact_url(url: &str) -> String {
    match split_password(url) {
        (stripped, Some(_)) => stripped,
        (same, None) => same,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url() {
        assert_eq!(
            split_password("postgres://u:p%40ss@h:5432/db?sslmode=disable"),
            (
                "postgres://u@h:5432/db?sslmode=disable".into(),
                Some("p@ss".into())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5432/x"),
            ("postgres://postgres@127.0.0.1:5432/x".into(), None)
        );
        assert_eq!(
            split_password("postgres://h/db"),
            ("postgres://h/db".into(), None)
        );
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u@h/db");
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
