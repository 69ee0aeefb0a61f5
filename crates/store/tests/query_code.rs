//! The 查询码 (issue 9, section 4): stored as an HMAC-SHA256 under a server key kept beside the
//! PII key (`query.key`, 0600, created with a new database, refused when unreadable or when it
//! is missing while codes depend on it), so a database dump alone does not let anyone test
//! guesses offline; a row written the old way (bare SHA-256 salted with the number) still
//! tracks; rotating the PII key leaves every code working. On both backends.

use std::os::unix::fs::PermissionsExt;

use anyhow::{Result, bail};
use gongkai_store::keys::QUERY_KEY_FILE;
use gongkai_store::testing::{Backend, Deployment, new_request};
use gongkai_store::{Actor, StoreError};
use sha2::{Digest, Sha256};

async fn stored_code(dep: &Deployment, number: &str) -> Result<String> {
    // Read through a second connection of the backend's own: the raw row as a dump shows it.
    let url_or_path = match &dep.location {
        gongkai_store::Location::Dir(dir) => format!(
            "sqlite://{}",
            dir.join(gongkai_store::keys::DB_FILE).display()
        ),
        gongkai_store::Location::Postgres { url } => url.clone(),
    };
    use sqlx::Row;
    let sql = "SELECT query_code_hash FROM requests WHERE number = $1";
    Ok(if url_or_path.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&url_or_path).await?;
        sqlx::query(sql)
            .bind(number)
            .fetch_one(&pool)
            .await?
            .try_get(0)?
    } else {
        let pool = sqlx::PgPool::connect(&url_or_path).await?;
        sqlx::query(sql)
            .bind(number)
            .fetch_one(&pool)
            .await?
            .try_get(0)?
    })
}

async fn set_stored_code(dep: &Deployment, number: &str, value: &str) -> Result<()> {
    set_column(dep, "query_code_hash", number, Some(value)).await
}

/// Sets `column` of request `number` behind the store (as a dump restored by hand would).
async fn set_column(
    dep: &Deployment,
    column: &str,
    number: &str,
    value: Option<&str>,
) -> Result<()> {
    let sql = format!("UPDATE requests SET {column} = $1 WHERE number = $2");
    match &dep.location {
        gongkai_store::Location::Dir(dir) => {
            let url = format!(
                "sqlite://{}",
                dir.join(gongkai_store::keys::DB_FILE).display()
            );
            let pool = sqlx::SqlitePool::connect(&url).await?;
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .bind(number)
                .execute(&pool)
                .await?;
        }
        gongkai_store::Location::Postgres { url } => {
            let pool = sqlx::PgPool::connect(url).await?;
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .bind(number)
                .execute(&pool)
                .await?;
        }
    }
    Ok(())
}

/// How codes were stored before the HMAC.
fn old_hash(number: &str, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(number.as_bytes());
    h.update([0]);
    h.update(code.as_bytes());
    hex::encode(h.finalize())
}

#[tokio::test]
async fn the_query_code_is_an_hmac_under_a_private_key_beside_the_pii_key() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let store = dep.open().await?;
        let query_key = dep.dir.join(QUERY_KEY_FILE);
        assert!(query_key.exists(), "{backend:?}: created with the database");
        assert_eq!(
            std::fs::metadata(&query_key)?.permissions().mode() & 0o777,
            0o600
        );
        let agency = gongkai_store::testing::agency(store.as_ref(), "qc", "某市某局").await?;
        let created = store
            .create_request(new_request(agency.id, "2025-06-09"), &Actor::system())
            .await?;
        let (n, code) = (&created.number, &created.query_code);
        let stored = stored_code(&dep, n).await?;
        assert!(stored.starts_with("h1:"), "{stored}");
        assert_ne!(
            stored[3..],
            old_hash(n, code),
            "a dump does not let anyone test guesses with SHA-256 and the public number"
        );
        assert!(store.request_for_applicant(n, code).await?.is_some());
        assert!(
            store
                .request_for_applicant(n, &code.to_lowercase())
                .await?
                .is_some(),
            "the code is read case-insensitively, as before"
        );
        assert!(
            store
                .request_for_applicant(n, "WRONGCODE2")
                .await?
                .is_none()
        );

        // A row written the old way still tracks.
        let old = store
            .create_request(new_request(agency.id, "2025-06-10"), &Actor::system())
            .await?;
        set_stored_code(&dep, &old.number, &old_hash(&old.number, &old.query_code)).await?;
        assert!(
            store
                .request_for_applicant(&old.number, &old.query_code)
                .await?
                .is_some()
        );
        assert!(
            store
                .request_for_applicant(&old.number, "WRONGCODE2")
                .await?
                .is_none()
        );
        drop(store);

        // Rotating the PII key leaves every code working.
        gongkai_store::keys::rotate(&dep.location, &dep.key_file(), &Actor::system(), |_| Ok(()))
            .await?;
        let store = dep.open().await?;
        assert!(store.request_for_applicant(n, code).await?.is_some());
        assert!(
            store
                .request_for_applicant(&old.number, &old.query_code)
                .await?
                .is_some()
        );
        drop(store);

        // Unreadable (group-readable) or missing while codes depend on it: refused.
        std::fs::set_permissions(&query_key, std::fs::Permissions::from_mode(0o644))?;
        match dep.open().await {
            Err(StoreError::Key(msg)) => assert!(msg.contains("chmod 600"), "{msg}"),
            Ok(_) => bail!("{backend:?}: opened with a group-readable query.key"),
            Err(e) => bail!("{backend:?}: {e}"),
        }
        std::fs::set_permissions(&query_key, std::fs::Permissions::from_mode(0o600))?;
        let kept = dep.scratch().join("query.key.kept");
        std::fs::rename(&query_key, &kept)?;
        match dep.open().await {
            Err(StoreError::Key(msg)) => {
                assert!(msg.contains("query.key") && msg.contains("back"), "{msg}")
            }
            Ok(_) => bail!("{backend:?}: a missing query.key was replaced"),
            Err(e) => bail!("{backend:?}: {e}"),
        }
        assert!(!query_key.exists(), "no key was made up");
        std::fs::rename(&kept, &query_key)?;
        let store = dep.open().await?;
        assert!(store.request_for_applicant(n, code).await?.is_some());
    }
    Ok(())
}

/// With the PII key from the environment, SQLite keeps `query.key` in the data directory, so
/// rotating the PII key still leaves every code working.
#[tokio::test]
async fn with_the_key_in_the_environment_sqlite_keeps_the_query_key_in_the_data_directory()
-> Result<()> {
    let dep = Deployment::new(Backend::Sqlite).await?;
    let hex_key: String = gongkai_store::PiiCipher::random_key()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let env = gongkai_store::KeySource::Env(hex_key);
    let store = dep.open_with(&env).await?;
    assert!(dep.dir.join(QUERY_KEY_FILE).exists());
    let agency = gongkai_store::testing::agency(store.as_ref(), "qc", "某市某局").await?;
    let created = store
        .create_request(new_request(agency.id, "2025-06-09"), &Actor::system())
        .await?;
    drop(store);
    let mut announced = String::new();
    gongkai_store::keys::rotate(&dep.location, &env, &Actor::system(), |k| {
        announced = k.to_string();
        Ok(())
    })
    .await?;
    let store = dep
        .open_with(&gongkai_store::KeySource::Env(announced))
        .await?;
    assert!(
        store
            .request_for_applicant(&created.number, &created.query_code)
            .await?
            .is_some(),
        "the code still tracks after the rotation"
    );
    Ok(())
}

/// PostgreSQL with the key from the environment keeps the 查询码 key in the file it is given
/// (the binary gives `DATA/query.key`): rotating the PII key leaves every code working.
#[tokio::test]
async fn with_the_key_in_the_environment_a_given_query_key_file_survives_rotation() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let hex_key: String = gongkai_store::PiiCipher::random_key()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let env = gongkai_store::KeySource::Env(hex_key);
        std::fs::create_dir_all(dep.scratch().join("keys"))?;
        let path = dep.scratch().join("keys").join(QUERY_KEY_FILE);
        let store = gongkai_store::open_with_query_key(&dep.location, &env, Some(&path)).await?;
        assert!(path.exists(), "{backend:?}: created where it was asked");
        let agency = gongkai_store::testing::agency(store.as_ref(), "qc", "某市某局").await?;
        let created = store
            .create_request(new_request(agency.id, "2025-06-09"), &Actor::system())
            .await?;
        drop(store);
        let mut announced = String::new();
        gongkai_store::keys::rotate(&dep.location, &env, &Actor::system(), |k| {
            announced = k.to_string();
            Ok(())
        })
        .await?;
        let env = gongkai_store::KeySource::Env(announced);
        let store = gongkai_store::open_with_query_key(&dep.location, &env, Some(&path)).await?;
        assert!(
            store
                .request_for_applicant(&created.number, &created.query_code)
                .await?
                .is_some(),
            "{backend:?}: the code still tracks after the rotation"
        );
        drop(store);
        std::fs::remove_file(&path)?;
        assert!(
            matches!(
                gongkai_store::open_with_query_key(&dep.location, &env, Some(&path)).await,
                Err(StoreError::Key(_))
            ),
            "{backend:?}: a missing query key is refused once codes depend on it"
        );
    }
    Ok(())
}

/// The applicant's name is searchable only through its blind index: an HMAC under a key derived
/// from the 查询码 key (the name is not in it), set at filing, given at open to a row from before
/// migration 0012, and still valid after the PII key is rotated.
#[tokio::test]
async fn the_name_search_uses_a_blind_index_backfilled_at_open() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let store = dep.open().await?;
        let agency = gongkai_store::testing::agency(store.as_ref(), "qc", "某市某局").await?;
        let created = store
            .create_request(new_request(agency.id, "2025-06-09"), &Actor::system())
            .await?;
        let by_name = |name: &str| gongkai_store::RequestFilter {
            search: Some(name.into()),
            limit: 10,
            ..Default::default()
        };
        let found = |list: Vec<gongkai_store::RequestSummary>| {
            list.into_iter().map(|r| r.number).collect::<Vec<_>>()
        };
        let list = store.list_requests(agency.id, &by_name("李四")).await?;
        assert_eq!(found(list), [created.number.as_str()]);
        assert!(
            store
                .list_requests(agency.id, &by_name("李"))
                .await?
                .is_empty()
        );
        assert_eq!(store.count_requests(agency.id, &by_name("李四")).await?, 1);

        // A row from before the index: not found by name until the store is opened again.
        set_column(&dep, "applicant_name_index", &created.number, None).await?;
        assert!(
            store
                .list_requests(agency.id, &by_name("李四"))
                .await?
                .is_empty()
        );
        drop(store);
        let store = dep.open().await?;
        let list = store.list_requests(agency.id, &by_name("李四")).await?;
        assert_eq!(found(list), [created.number.as_str()]);
        drop(store);

        gongkai_store::keys::rotate(&dep.location, &dep.key_file(), &Actor::system(), |_| Ok(()))
            .await?;
        let store = dep.open().await?;
        let list = store.list_requests(agency.id, &by_name(" 李 四 ")).await?;
        assert_eq!(found(list), [created.number]);
    }
    Ok(())
}
