//! The PostgreSQL backend: the scale-out store. Write transactions lock the request row
//! (`FOR UPDATE`) and the audit-chain head, so concurrent writers serialise where they must.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;

type Db = sqlx::Postgres;
const BACKEND: &str = "postgres";
const LOCK_REQUEST: &str = "SELECT id, agency_id FROM requests WHERE number = $1 FOR UPDATE";
const LOCK_AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";
/// The calendar version, share-locked first in every deadline-computing write: an import (which
/// updates the row) waits for them, and they for it.
const LOCK_CALENDAR_VERSION: &str = "SELECT version FROM calendar_version WHERE id = 1 FOR SHARE";

async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<Tx> {
    Ok(pool.begin().await?)
}

include!("sql_impl.rs");

/// The PostgreSQL store.
pub type PgStore = SqlStore;

impl SqlStore {
    /// Connects to `url` and migrates the schema.
    pub async fn open(url: &str, cipher: PiiCipher) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        let store = SqlStore::from_pool(pool, cipher);
        store.load_calendar().await?;
        Ok(store)
    }
}
