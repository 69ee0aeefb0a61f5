//! The SQLite backend: the embedded default. WAL journal, `synchronous=FULL` (a commit is on disk
//! before a write returns), write transactions `BEGIN IMMEDIATE` so concurrent writers queue on
//! the busy timeout instead of failing on lock upgrade.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

type Db = sqlx::Sqlite;
const BACKEND: &str = "sqlite";
/// `BEGIN IMMEDIATE` already holds the write lock: no row lock needed.
const LOCK_REQUEST: &str = "SELECT id, agency_id FROM requests WHERE number = $1";
const LOCK_AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
const LOCK_KEY_SHARE: &str = "SELECT fingerprint FROM key_check WHERE id = 1";
const LOCK_KEY_ROTATE: &str = "SELECT fingerprint FROM key_check WHERE id = 1";
/// The calendar version, read first in every deadline-computing write (the write lock is held).
const LOCK_CALENDAR_VERSION: &str = "SELECT version FROM calendar_version WHERE id = 1";

async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<Tx> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

include!("sql_impl.rs");
include!("key_impl.rs");
include!("ledger_impl.rs");

/// The SQLite store.
pub type SqliteStore = SqlStore;

impl SqlStore {
    /// Opens (creating if missing) and migrates the database file, with `cipher` as its key
    /// (checked against the recorded fingerprint; recorded for a new database).
    pub async fn open(path: &Path, cipher: PiiCipher) -> Result<Self> {
        let pool = Self::connect(path, 8).await?;
        Self::adopt_key(&pool, &cipher, "the given key", &path.display().to_string()).await?;
        let store = SqlStore::from_pool(pool, cipher);
        store.load_calendar().await?;
        store.index_names().await?;
        store.seal_clear_secrets().await?;
        Ok(store)
    }

    /// Opens `DIR/gongkai.sqlite3` with the key from `source` (see `keys.rs`). A new database
    /// (the file does not exist yet) gets the directory (0700), a key file if needed (0600)
    /// and the database file (0600; SQLite gives its -wal and -shm the same mode).
    /// The 查询码 key is found as `query_key` says.
    pub(crate) async fn open_dir_with(
        dir: &Path,
        source: &crate::keys::KeySource,
        query_key: crate::keys::QueryKeyAt,
    ) -> Result<Self> {
        crate::keys::create_private_dir(dir)?;
        let path = dir.join(crate::keys::DB_FILE);
        let database = path.display().to_string();
        let new_database = match std::fs::metadata(&path) {
            Ok(m) => m.len() == 0,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(StoreError::Config(format!("cannot read {database}: {e}"))),
        };
        let early = if new_database {
            // The key first: a crash after it leaves a new database, never a keyless one.
            let cipher = crate::keys::load(source, true, &database)?;
            match crate::keys::create_private_file(&path) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(StoreError::Config(format!("cannot create {database}: {e}"))),
            }
            Some(cipher)
        } else {
            None
        };
        let pool = Self::connect(&path, 8).await?;
        // The 查询码 key beside the key file, or in the data directory when the key comes from
        // the environment.
        // Names are indexed only under the real 查询码 key (not by `key rotate`, which has none).
        let index_names = !matches!(query_key, crate::keys::QueryKeyAt::NotNeeded);
        let query_key = match query_key {
            crate::keys::QueryKeyAt::Default => Some(
                source
                    .query_key_path()
                    .unwrap_or_else(|| dir.join(crate::keys::QUERY_KEY_FILE)),
            ),
            crate::keys::QueryKeyAt::File(path) => Some(path),
            crate::keys::QueryKeyAt::NotNeeded => None,
        };
        let store =
            Self::open_keyed(pool, source, new_database, early, &database, query_key).await?;
        if index_names {
            store.index_names().await?;
        }
        Ok(store)
    }

    /// A migrated pool on an existing or new file.
    pub(crate) async fn connect(path: &Path, max_connections: u32) -> Result<sqlx::Pool<Db>> {
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            // A connection to a file cannot go stale: no ping (a round trip to the connection's
            // worker thread, as costly as the query itself) before each use.
            .test_before_acquire(false)
            .connect_with(Self::options(path))
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(pool)
    }

    pub(crate) fn options(path: &Path) -> SqliteConnectOptions {
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // INSERT OR REPLACE then fires DELETE triggers (append-only tables refuse it).
            .pragma("recursive_triggers", "ON")
            .busy_timeout(Duration::from_secs(30))
    }
}
