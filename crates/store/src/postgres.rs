//! The PostgreSQL backend: the scale-out store. Write transactions lock the request row
//! (`FOR UPDATE`) and the audit-chain head, so concurrent writers serialise where they must.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;

type Db = sqlx::Postgres;
const BACKEND: &str = "postgres";
const LOCK_REQUEST: &str = "SELECT id, agency_id FROM requests WHERE number = $1 FOR UPDATE";
const LOCK_AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";
/// Sealing transactions share the key row; a rotation takes it exclusively, so a row sealed under
/// the old key never commits after (or is missed by) the rotation.
const LOCK_KEY_SHARE: &str = "SELECT fingerprint FROM key_check WHERE id = 1 FOR SHARE";
const LOCK_KEY_ROTATE: &str = "SELECT fingerprint FROM key_check WHERE id = 1 FOR UPDATE";
/// The calendar version, share-locked first in every deadline-computing write: an import (which
/// updates the row) waits for them, and they for it.
const LOCK_CALENDAR_VERSION: &str = "SELECT version FROM calendar_version WHERE id = 1 FOR SHARE";

async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<Tx> {
    Ok(pool.begin().await?)
}

include!("sql_impl.rs");
include!("key_impl.rs");
include!("ledger_impl.rs");

/// The PostgreSQL store.
pub type PgStore = SqlStore;

impl SqlStore {
    /// Connects to `url` and migrates the schema, with `cipher` as its key (checked against the
    /// recorded fingerprint; recorded for a new database).
    pub async fn open(url: &str, cipher: PiiCipher) -> Result<Self> {
        let pool = Self::connect(url).await?;
        Self::adopt_key(&pool, &cipher, "the given key", "on PostgreSQL").await?;
        let store = SqlStore::from_pool(pool, cipher);
        store.load_calendar().await?;
        store.index_names().await?;
        store.seal_clear_secrets().await?;
        Ok(store)
    }

    /// Connects with the key from `source` (see `keys.rs`): a key file is created only for a new
    /// database (no fingerprint and no requests).
    /// The 查询码 key is found as `query_key` says.
    pub(crate) async fn open_url_with(
        url: &str,
        source: &crate::keys::KeySource,
        query_key: crate::keys::QueryKeyAt,
    ) -> Result<Self> {
        let pool = Self::connect(url).await?;
        let blank = Self::key_record(&pool).await?.is_blank();
        let database = format!("on PostgreSQL ({})", crate::backup::redact_url(url));
        // Names are indexed only under the real 查询码 key (not by `key rotate`, which has none).
        let index_names = !matches!(query_key, crate::keys::QueryKeyAt::NotNeeded);
        let store = Self::open_keyed(
            pool,
            source,
            blank,
            None,
            &database,
            match query_key {
                crate::keys::QueryKeyAt::Default => source.query_key_path(),
                crate::keys::QueryKeyAt::File(path) => Some(path),
                crate::keys::QueryKeyAt::NotNeeded => None,
            },
        )
        .await?;
        if index_names {
            store.index_names().await?;
        }
        Ok(store)
    }

    /// A migrated pool.
    pub(crate) async fn connect(url: &str) -> Result<sqlx::Pool<Db>> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(pool)
    }
}
