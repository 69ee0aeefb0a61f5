//! Fresh stores for tests: a SQLite database in a temporary directory, and a throwaway database on
//! the PostgreSQL server named by `GONGKAI_TEST_PG_URL` (the test script starts one).

use std::sync::Arc;

use crate::{PiiCipher, Result, Store, StoreError};

/// Environment variable naming a PostgreSQL server for tests (an admin URL; each test creates
/// its own database on it).
pub const PG_ENV: &str = "GONGKAI_TEST_PG_URL";

/// A store and what keeps it alive.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub dir: tempfile::TempDir,
    /// The database URL (a file path for SQLite).
    pub url: String,
}

impl TestStore {
    /// Runs SQL on the database directly, outside the store, as someone with access to the
    /// database would (on SQLite: a plain connection, without the store's pragmas).
    pub async fn raw_exec(&self, sql: &str) -> Result<u64> {
        use sqlx::Connection;
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        if self.url.starts_with("postgres") {
            let mut conn = sqlx::PgConnection::connect(&self.url).await?;
            Ok(sqlx::raw_sql(sql).execute(&mut conn).await?.rows_affected())
        } else {
            let mut conn =
                sqlx::SqliteConnection::connect(&format!("sqlite://{}", self.url)).await?;
            Ok(sqlx::raw_sql(sql).execute(&mut conn).await?.rows_affected())
        }
    }
}

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backends to test on: SQLite always, PostgreSQL when `GONGKAI_TEST_PG_URL` is set.
    /// With `GONGKAI_REQUIRE_PG=1` a missing server is a failure, not a skip.
    pub fn all() -> Vec<Backend> {
        let mut v = vec![Backend::Sqlite];
        if std::env::var(PG_ENV).is_ok() {
            v.push(Backend::Postgres);
        } else if std::env::var("GONGKAI_REQUIRE_PG").is_ok_and(|v| v == "1") {
            panic!("GONGKAI_REQUIRE_PG=1 but {PG_ENV} is not set");
        } else {
            eprintln!(
                "note: {PG_ENV} not set; PostgreSQL tests skipped (the README's test command sets it)"
            );
        }
        v
    }
}

/// A fresh, migrated store on `backend` (today in China time).
pub async fn fresh(backend: Backend) -> Result<TestStore> {
    fresh_with_clock(backend, Arc::new(gongkai_domain::clock::ChinaClock)).await
}

/// A fresh, migrated store on `backend` whose date rules take today from `clock`.
pub async fn fresh_with_clock(
    backend: Backend,
    clock: Arc<dyn gongkai_domain::clock::Clock>,
) -> Result<TestStore> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Config(e.to_string()))?;
    let cipher = PiiCipher::from_key(&PiiCipher::random_key());
    match backend {
        Backend::Sqlite => {
            let path = dir.path().join("gongkai.sqlite3");
            let store = crate::SqliteStore::open(&path, cipher)
                .await?
                .with_clock(clock)
                .with_attachment_dir(dir.path().join(crate::attachments::DIR));
            Ok(TestStore {
                store: Arc::new(store),
                url: path.display().to_string(),
                dir,
            })
        }
        Backend::Postgres => {
            let url = fresh_pg_database().await?;
            let store = crate::PgStore::open(&url, cipher)
                .await?
                .with_clock(clock)
                .with_attachment_dir(dir.path().join(crate::attachments::DIR));
            Ok(TestStore {
                store: Arc::new(store),
                url,
                dir,
            })
        }
    }
}

/// Two stores over one fresh database with one key, as two processes see it (a server and a
/// CLI command, or two servers): the first is kept in the [`TestStore`].
pub async fn fresh_pair(backend: Backend) -> Result<(TestStore, Arc<dyn Store>)> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Config(e.to_string()))?;
    let key = PiiCipher::random_key();
    match backend {
        Backend::Sqlite => {
            let path = dir.path().join("gongkai.sqlite3");
            let files = dir.path().join(crate::attachments::DIR);
            let first = crate::SqliteStore::open(&path, PiiCipher::from_key(&key))
                .await?
                .with_attachment_dir(&files);
            let second = crate::SqliteStore::open(&path, PiiCipher::from_key(&key))
                .await?
                .with_attachment_dir(&files);
            let ts = TestStore {
                store: Arc::new(first),
                url: path.display().to_string(),
                dir,
            };
            Ok((ts, Arc::new(second)))
        }
        Backend::Postgres => {
            let url = fresh_pg_database().await?;
            let files = dir.path().join(crate::attachments::DIR);
            let first = crate::PgStore::open(&url, PiiCipher::from_key(&key))
                .await?
                .with_attachment_dir(&files);
            let second = crate::PgStore::open(&url, PiiCipher::from_key(&key))
                .await?
                .with_attachment_dir(&files);
            let ts = TestStore {
                store: Arc::new(first),
                url,
                dir,
            };
            Ok((ts, Arc::new(second)))
        }
    }
}

/// Creates an empty database on the test server and returns its URL.
pub async fn fresh_pg_database() -> Result<String> {
    use sqlx::Connection;
    let admin =
        std::env::var(PG_ENV).map_err(|_| StoreError::Config(format!("{PG_ENV} is not set")))?;
    let name = format!("gk_test_{}", crate::random_code(12).to_lowercase());
    let mut conn = sqlx::PgConnection::connect(&admin).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(replace_database(&admin, &name))
}

/// `postgres://host:port/db?x` with the database replaced.
fn replace_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A data directory (and, on PostgreSQL, a fresh database) laid out as a deployment has them, for
/// tests of opening, the PII key, backup and restore.
pub struct Deployment {
    _tmp: tempfile::TempDir,
    /// The data directory (not created: opening creates it, as `gongkai` does).
    pub dir: std::path::PathBuf,
    pub location: crate::Location,
    pub backend: Backend,
}

impl Deployment {
    pub async fn new(backend: Backend) -> Result<Self> {
        let tmp = tempfile::tempdir().map_err(|e| StoreError::Config(e.to_string()))?;
        let dir = tmp.path().join("data");
        let location = match backend {
            Backend::Sqlite => crate::Location::Dir(dir.clone()),
            Backend::Postgres => crate::Location::Postgres {
                url: fresh_pg_database().await?,
            },
        };
        Ok(Deployment {
            _tmp: tmp,
            dir,
            location,
            backend,
        })
    }
    /// A directory beside the data directory (for backups, keys kept elsewhere), removed with it.
    pub fn scratch(&self) -> &std::path::Path {
        self._tmp.path()
    }
    /// `DIR/pii.key`.
    pub fn key_path(&self) -> std::path::PathBuf {
        self.dir.join(crate::keys::KEY_FILE)
    }
    pub fn key_file(&self) -> crate::KeySource {
        crate::KeySource::File(self.key_path())
    }
    /// Opens with the key file of the data directory.
    pub async fn open(&self) -> Result<Arc<dyn Store>> {
        self.open_with(&self.key_file()).await
    }
    pub async fn open_with(&self, key: &crate::KeySource) -> Result<Arc<dyn Store>> {
        crate::open(&self.location, key).await
    }
}

/// A valid request of 李四 (a natural person, collecting the answer in person) to `agency_id`,
/// received on `received` (YYYY-MM-DD).
pub fn new_request(agency_id: i64, received: &str) -> crate::NewRequest {
    use gongkai_domain::request::{Channel, Delivery};
    let applicant = gongkai_domain::applicant::ApplicantInput {
        kind: "natural_person".into(),
        name: "李四".into(),
        id_number: Some("11010519491231002X".into()),
        phone: "13800138000".into(),
        ..Default::default()
    }
    .validate()
    .expect("a valid applicant");
    crate::NewRequest {
        agency_id,
        applicant,
        description: "2020年某地块征收补偿方案".into(),
        channel: Channel::Online,
        delivery: Delivery::Collect,
        received_on: chrono::NaiveDate::parse_from_str(received, "%Y-%m-%d").expect("YYYY-MM-DD"),
        department_id: None,
        details: Default::default(),
    }
}

/// A member of `agency_id`'s staff acting in `role` (the role tests' 经办人, 负责人, …).
pub fn member(name: &str, role: crate::Role, agency_id: i64) -> crate::Actor {
    crate::Actor::new(name, role, Some(agency_id))
}

/// 延期答复 — the extension the role tests ask for (Art. 33): 20 working days, on 2025-06-20,
/// approved by `approver`.
pub fn extension(approver: &str) -> gongkai_domain::request::Event {
    gongkai_domain::request::Event::Extended {
        on: chrono::NaiveDate::from_ymd_opt(2025, 6, 20).expect("a valid date"),
        approver: approver.into(),
        days: 20,
        reason: "需调取历史档案".into(),
    }
}

/// Creates an agency (not a people's government) as the deployment's administrator.
pub async fn agency(store: &dyn Store, slug: &str, name: &str) -> Result<crate::Agency> {
    store
        .create_agency(
            crate::NewAgency {
                slug: slug.into(),
                name: name.into(),
                is_government: false,
            },
            &crate::Actor::system(),
        )
        .await
}

/// Saves the agency's sections for `year` with every starter placeholder written out, as a
/// disclosure office does before it publishes (publishing refuses placeholder text).
pub async fn write_sections(
    store: &dyn Store,
    agency: &crate::Agency,
    year: i32,
    actor: &crate::Actor,
) -> Result<()> {
    let starter = crate::reporting::generate(store, agency, year)
        .await?
        .sections
        .unwrap_or_default();
    let written = gongkai_domain::report::Sections {
        problems: "公开形式还不够丰富。下步将完善制度建设。".into(),
        ..starter
    };
    store.save_sections(agency.id, year, &written, actor).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_replaced() {
        assert_eq!(
            super::replace_database("postgres://u@127.0.0.1:5432/postgres", "x"),
            "postgres://u@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::replace_database("postgres://127.0.0.1:5432", "x"),
            "postgres://127.0.0.1:5432/x"
        );
        assert_eq!(
            super::replace_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
