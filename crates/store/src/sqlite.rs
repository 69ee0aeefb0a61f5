//! The SQLite backend: the embedded default. WAL journal, `synchronous=FULL` (a commit is on disk
//! before a write returns), write transactions `BEGIN IMMEDIATE` so concurrent writers queue on
//! the busy timeout instead of failing on lock upgrade.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

type Db = sqlx::Sqlite;
const BACKEND: &str = "sqlite";
/// `BEGIN IMMEDIATE` already holds the write lock: no row lock needed.
const LOCK_REQUEST: &str = "SELECT id, agency_id FROM requests WHERE number = $1";
const LOCK_AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
/// The calendar version, read first in every deadline-computing write (the write lock is held).
const LOCK_CALENDAR_VERSION: &str = "SELECT version FROM calendar_version WHERE id = 1";

async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<Tx> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

include!("sql_impl.rs");

/// The SQLite store.
pub type SqliteStore = SqlStore;

impl SqlStore {
    /// Opens (creating if missing) and migrates the database file.
    pub async fn open(path: &Path, cipher: PiiCipher) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(StoreError::Database)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let store = SqlStore::from_pool(pool, cipher);
        store.load_calendar().await?;
        Ok(store)
    }
}
