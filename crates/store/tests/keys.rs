//! The PII key (issue 8, item 1): a missing or wrong key for an existing database is refused, a
//! key is created only for a new database, key and database files are private, and rotation
//! re-seals every row. On both backends where a database is involved.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use gongkai_domain::applicant::ApplicantInput;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::request::{Channel, Delivery, Event};
use gongkai_store::keys::{self, KEY_FILE};
use gongkai_store::testing::{Backend, Deployment};
use gongkai_store::{Actor, KeySource, Location, NewRequest, PiiCipher, Store, StoreError};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The message of the key error opening `dep` with `key` gives.
async fn refused(dep: &Deployment, key: &KeySource) -> Result<String> {
    match dep.open_with(key).await {
        Ok(_) => bail!("{:?}: opened with {key:?}", dep.backend),
        Err(StoreError::Key(msg)) => Ok(msg),
        Err(other) => bail!("{:?}: not a key error: {other}", dep.backend),
    }
}

fn write_key(path: &Path, key: &str, mode: u32) -> Result<()> {
    let _ = std::fs::remove_file(path);
    std::fs::write(path, key)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

fn random_hex_key() -> String {
    let key = PiiCipher::random_key();
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// An agency with `n` requests (personal data sealed), one answered; returns their numbers.
async fn file_requests(store: &Arc<dyn Store>, slug: &str, n: usize) -> Result<Vec<String>> {
    let agency = match store.agency(slug).await? {
        Some(a) => a,
        None => gongkai_store::testing::agency(store.as_ref(), slug, "某市某局").await?,
    };
    let mut numbers = Vec::new();
    for i in 0..n {
        let applicant = ApplicantInput {
            kind: "natural_person".into(),
            name: format!("申请人{i}"),
            id_number: Some("11010519491231002X".into()),
            phone: format!("138001380{:02}", i % 100),
            ..Default::default()
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let created = store
            .create_request(
                NewRequest {
                    agency_id: agency.id,
                    applicant,
                    description: format!("第{i}件"),
                    channel: Channel::Online,
                    delivery: Delivery::Email,
                    received_on: d("2025-03-03"),
                    department_id: None,
                    details: Default::default(),
                },
                &Actor::system(),
            )
            .await?;
        numbers.push(created.number);
    }
    if let Some(first) = numbers.first() {
        store
            .append_event(
                first,
                Event::Answered {
                    on: d("2025-03-10"),
                    outcome: Outcome::Disclosed,
                    letter_no: None,
                },
                &Actor::system(),
            )
            .await?;
    }
    Ok(numbers)
}

async fn all_open(store: &Arc<dyn Store>, numbers: &[String]) -> Result<()> {
    for (i, n) in numbers.iter().enumerate() {
        let data = store
            .personal_data(n, &Actor::system(), "核对申请人身份")
            .await?;
        assert_eq!(data.phone, format!("138001380{:02}", i % 100), "{n}");
    }
    Ok(())
}

#[tokio::test]
async fn a_deleted_key_is_refused_and_never_replaced() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let store = dep.open().await?;
        let numbers = file_requests(&store, "key-a", 3).await?;
        drop(store);
        let key = std::fs::read_to_string(dep.key_path())?;
        std::fs::remove_file(dep.key_path())?;

        let msg = refused(&dep, &dep.key_file()).await?;
        assert!(!msg.contains('\n'), "one line: {msg}");
        assert!(
            msg.contains(&format!("{} is missing", dep.key_path().display())),
            "{msg}"
        );
        assert!(
            msg.contains("put the pii.key you keep elsewhere back"),
            "{msg}"
        );
        assert!(
            !dep.key_path().exists(),
            "{backend:?}: no new key was written"
        );

        write_key(&dep.key_path(), &key, 0o600)?;
        let store = dep.open().await?;
        all_open(&store, &numbers).await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_wrong_key_is_refused_from_a_file_and_from_the_variable() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let store = dep.open().await?;
        let numbers = file_requests(&store, "key-b", 2).await?;
        drop(store);
        let key = std::fs::read_to_string(dep.key_path())?;

        write_key(&dep.key_path(), &random_hex_key(), 0o600)?;
        let msg = refused(&dep, &dep.key_file()).await?;
        assert!(msg.contains("is not the key of the database"), "{msg}");
        assert!(msg.contains(&dep.key_path().display().to_string()), "{msg}");
        let msg = refused(&dep, &KeySource::Env(random_hex_key())).await?;
        assert!(
            msg.starts_with("the PII key in GONGKAI_PII_KEY is not the key"),
            "{msg}"
        );
        let msg = refused(&dep, &KeySource::Env("not hex".into())).await?;
        assert!(
            msg.contains("GONGKAI_PII_KEY must be 64 hex digits"),
            "{msg}"
        );

        // The right key through the variable, the file still wrong.
        let store = dep.open_with(&KeySource::Env(key.clone())).await?;
        all_open(&store, &numbers).await?;
        drop(store);
        write_key(&dep.key_path(), &key, 0o600)?;
        all_open(&dep.open().await?, &numbers).await?;
    }
    Ok(())
}

/// A database from before the fingerprint: its oldest sealed row decides, then the fingerprint
/// is recorded.
#[tokio::test]
async fn a_database_without_a_fingerprint_is_checked_on_a_sealed_row() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let store = dep.open().await?;
        let numbers = file_requests(&store, "key-c", 2).await?;
        drop(store);
        forget_fingerprint(&dep).await?;
        let key = std::fs::read_to_string(dep.key_path())?;

        write_key(&dep.key_path(), &random_hex_key(), 0o600)?;
        let msg = refused(&dep, &dep.key_file()).await?;
        assert!(
            msg.contains(&format!(
                "cannot open the personal data of request {}",
                numbers[0]
            )),
            "{msg}"
        );
        write_key(&dep.key_path(), &key, 0o600)?;
        all_open(&dep.open().await?, &numbers).await?;
        // Recorded now: a wrong key is refused by the fingerprint.
        write_key(&dep.key_path(), &random_hex_key(), 0o600)?;
        assert!(
            refused(&dep, &dep.key_file())
                .await?
                .contains("fingerprint")
        );
    }
    Ok(())
}

async fn forget_fingerprint(dep: &Deployment) -> Result<()> {
    match &dep.location {
        Location::Dir(dir) => {
            let pool = sqlx::SqlitePool::connect_with(
                sqlx::sqlite::SqliteConnectOptions::new().filename(dir.join("gongkai.sqlite3")),
            )
            .await?;
            sqlx::query("DELETE FROM key_check").execute(&pool).await?;
            pool.close().await;
        }
        Location::Postgres { url } => {
            let pool = sqlx::PgPool::connect(url).await?;
            sqlx::query("DELETE FROM key_check").execute(&pool).await?;
            pool.close().await;
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_new_data_directory_gets_private_files() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("new").join("data");
    let location = Location::Dir(dir.clone());
    let store = gongkai_store::open(&location, &KeySource::File(dir.join(KEY_FILE))).await?;
    file_requests(&store, "key-d", 1).await?;
    assert_eq!(mode(&dir), 0o700, "data directory");
    assert_eq!(mode(&tmp.path().join("new")), 0o700, "its new parent");
    assert_eq!(mode(&dir.join(KEY_FILE)), 0o600, "key");
    for f in [
        "gongkai.sqlite3",
        "gongkai.sqlite3-wal",
        "gongkai.sqlite3-shm",
    ] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    drop(store);
    // With the key in the variable no key file is written.
    let dir2 = tmp.path().join("env");
    gongkai_store::open(
        &Location::Dir(dir2.clone()),
        &KeySource::Env(random_hex_key()),
    )
    .await?;
    assert!(!dir2.join(KEY_FILE).exists());
    assert_eq!(mode(&dir2.join("gongkai.sqlite3")), 0o600);

    // PostgreSQL: a key file is created for a new (empty) database only.
    if Backend::all().contains(&Backend::Postgres) {
        let dep = Deployment::new(Backend::Postgres).await?;
        let store = dep.open().await?;
        assert_eq!(mode(&dep.key_path()), 0o600);
        assert_eq!(mode(&dep.dir), 0o700);
        drop(store);
        std::fs::remove_file(dep.key_path())?;
        // No requests yet, but the fingerprint is recorded: refused all the same.
        assert!(refused(&dep, &dep.key_file()).await?.contains("is missing"));
    }
    Ok(())
}

#[tokio::test]
async fn a_key_readable_by_others_is_refused() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        drop(dep.open().await?);
        for m in [0o640, 0o604, 0o644] {
            std::fs::set_permissions(dep.key_path(), std::fs::Permissions::from_mode(m))?;
            let msg = refused(&dep, &dep.key_file()).await?;
            assert!(
                msg.contains(&format!("run `chmod 600 {}`", dep.key_path().display())),
                "{msg}"
            );
        }
        std::fs::set_permissions(dep.key_path(), std::fs::Permissions::from_mode(0o400))?;
        drop(dep.open().await?);
    }
    Ok(())
}

#[tokio::test]
async fn rotation_reseals_every_row_and_retires_the_old_key() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let store = dep.open().await?;
        let numbers = file_requests(&store, "key-e", 25).await?;
        drop(store);
        let old = std::fs::read_to_string(dep.key_path())?;

        let rotation = keys::rotate(&dep.location, &dep.key_file(), &Actor::system(), |_| {
            panic!("a key file is installed, not announced")
        })
        .await?;
        assert_eq!(rotation.resealed, 25);
        assert_eq!(
            rotation.installed.as_deref(),
            Some(dep.key_path().as_path())
        );
        let new = std::fs::read_to_string(dep.key_path())?;
        assert_ne!(new, old);
        assert_eq!(mode(&dep.key_path()), 0o600);
        assert!(!dep.dir.join("pii.key.new").exists());

        let store = dep.open().await?;
        all_open(&store, &numbers).await?;
        let entries = store.audit_entries(0, 10_000).await?;
        let rotate = entries
            .iter()
            .find(|e| e.action == "key.rotate")
            .context("audit entry key.rotate")?;
        for e in &entries {
            for text in [&e.object, &e.outcome, &e.actor] {
                assert!(
                    !text.contains(old.trim()) && !text.contains(new.trim()),
                    "no key material"
                );
            }
        }
        assert_eq!(rotate.object, "25 sealed rows");
        let verified = store.verify_audit_log().await?;
        assert!(
            verified.is_ok(),
            "a rotation keeps the ledger verifiable: {verified}"
        );
        drop(store);
        let msg = refused(&dep, &KeySource::Env(old.clone())).await?;
        assert!(msg.contains("is not the key of the database"), "{msg}");

        // With the key in the variable the new key is handed out once, not written.
        let env = KeySource::Env(new.clone());
        let mut announced = None;
        let rotation = keys::rotate(&dep.location, &env, &Actor::system(), |k| {
            announced = Some(k.to_string());
            Ok(())
        })
        .await?;
        assert!(rotation.installed.is_none());
        let third = announced.context("announced")?;
        assert_eq!(
            std::fs::read_to_string(dep.key_path())?,
            new,
            "the file is untouched"
        );
        all_open(&dep.open_with(&KeySource::Env(third)).await?, &numbers).await?;
        refused(&dep, &env).await?;
    }
    Ok(())
}

/// A crash between the commit and the rename leaves pii.key.new: opening says which key matches.
#[tokio::test]
async fn a_leftover_new_key_is_explained() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let store = dep.open().await?;
        file_requests(&store, "key-f", 1).await?;
        drop(store);
        let pending = dep.dir.join("pii.key.new");
        let old = std::fs::read_to_string(dep.key_path())?;

        // Before the commit: the database still matches pii.key.
        write_key(&pending, &random_hex_key(), 0o600)?;
        let msg = refused(&dep, &dep.key_file()).await?;
        assert!(msg.contains("did not commit"), "{msg}");
        assert!(msg.contains(&format!("rm {}", pending.display())), "{msg}");
        std::fs::remove_file(&pending)?;

        // After the commit: the database matches pii.key.new.
        keys::rotate(&dep.location, &dep.key_file(), &Actor::system(), |_| Ok(())).await?;
        std::fs::rename(dep.key_path(), &pending)?;
        write_key(&dep.key_path(), &old, 0o600)?;
        let msg = refused(&dep, &dep.key_file()).await?;
        assert!(msg.contains("that committed"), "{msg}");
        assert!(
            msg.contains(&format!(
                "mv {} {}",
                pending.display(),
                dep.key_path().display()
            )),
            "{msg}"
        );
        std::fs::rename(&pending, dep.key_path())?;
        drop(dep.open().await?);
    }
    Ok(())
}

/// A process still holding the old key cannot seal under it once the key was rotated.
#[tokio::test]
async fn a_process_with_the_old_key_stops_sealing_after_a_rotation() -> Result<()> {
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let running = dep.open().await?;
        file_requests(&running, "key-g", 1).await?;
        keys::rotate(&dep.location, &dep.key_file(), &Actor::system(), |_| Ok(())).await?;
        match file_requests(&running, "key-g", 1).await {
            Err(e) => {
                let e = e.downcast::<StoreError>()?;
                assert!(
                    matches!(&e, StoreError::Key(m) if m.contains("restart it with the new key")),
                    "{e}"
                );
            }
            Ok(_) => bail!("{backend:?}: sealed under a retired key"),
        }
        let store = dep.open().await?;
        file_requests(&store, "key-g", 1).await?;
    }
    Ok(())
}

/// Runs `$body` with `$conn` a plain connection to `dep`'s database (outside the store), on
/// either backend.
macro_rules! on_database {
    ($dep:expr, |$conn:ident| $body:expr) => {{
        use sqlx::Connection;
        match &$dep.location {
            Location::Dir(dir) => {
                let url = format!("sqlite://{}", dir.join(keys::DB_FILE).display());
                let mut $conn = sqlx::SqliteConnection::connect(&url).await?;
                $body
            }
            Location::Postgres { url } => {
                let mut $conn = sqlx::PgConnection::connect(url).await?;
                $body
            }
        }
    }};
}

/// The TOTP columns of every account as stored (`secret|pending`).
async fn stored_secrets(dep: &Deployment) -> Result<Vec<String>> {
    use sqlx::Row;
    let sql = "SELECT COALESCE(totp_secret, '') || '|' || COALESCE(totp_pending, '') FROM users ORDER BY id";
    on_database!(dep, |conn| sqlx::query(sql)
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| Ok(r.try_get::<String, _>(0)?))
        .collect::<Result<Vec<_>>>())
}

/// The TOTP secret a login of `login` is checked against.
async fn secret_of(store: &Arc<dyn Store>, login: &str) -> Result<Option<String>> {
    Ok(store
        .user_auth(login)
        .await?
        .context("the account")?
        .totp_secret)
}

/// Whether the SQLite files of `dep` contain `text` (always false on PostgreSQL).
fn files_contain(dep: &Deployment, text: &str) -> Result<bool> {
    let Location::Dir(dir) = &dep.location else {
        return Ok(false);
    };
    for entry in std::fs::read_dir(dir)? {
        let bytes = std::fs::read(entry?.path())?;
        if bytes.windows(text.len()).any(|w| w == text.as_bytes()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// TOTP secrets (issue 10) are sealed like personal data, bound to their account: the database
/// never holds one in the clear, one written in the clear before is sealed at the next open
/// (audited), and a key rotation re-seals them so that they still open — the secret a login
/// checks its code against is the one enrolled.
#[tokio::test]
async fn totp_secrets_are_sealed_and_survive_a_rotation() -> Result<()> {
    use gongkai_store::{NewUser, Role, SessionStage};
    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const BEFORE: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    for backend in Backend::all() {
        let dep = Deployment::new(backend).await?;
        let store = dep.open().await?;
        let agency = gongkai_store::testing::agency(store.as_ref(), "key-t", "某市某局").await?;
        let user = |login: &str| NewUser {
            login: login.into(),
            name: login.into(),
            role: Role::Head,
            agency_id: Some(agency.id),
            department_id: None,
            supervised: Vec::new(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        };
        let head = store.create_user(&user("head"), &Actor::system()).await?;
        let old = store
            .create_user(&user("old.head"), &Actor::system())
            .await?;
        store.set_totp_pending(head.id, Some(SECRET)).await?;
        let now = chrono::Utc::now();
        store
            .start_session(
                head.id,
                "enrol-session",
                SessionStage::Enrol,
                "127.0.0.1",
                now,
            )
            .await?;
        store.confirm_totp(head.id, "enrol-session").await?;
        let auth = store.user_auth("head").await?.context("head")?;
        assert_eq!(auth.totp_secret.as_deref(), Some(SECRET));
        assert!(auth.info.totp);
        drop(store);
        // A secret kept in the clear by a version before this one.
        let clear = format!(
            "UPDATE users SET totp_secret = '{BEFORE}' WHERE id = {}",
            old.id
        );
        on_database!(dep, |conn| {
            sqlx::raw_sql(sqlx::AssertSqlSafe(clear))
                .execute(&mut conn)
                .await?;
        });
        let store = dep.open().await?;
        let stored = stored_secrets(&dep).await?;
        assert_eq!(stored.len(), 2);
        for s in &stored {
            assert!(s.starts_with("s1:"), "{backend:?}: sealed: {s}");
            assert!(
                !s.contains(SECRET) && !s.contains(BEFORE),
                "{backend:?}: {s}"
            );
        }
        let actions: Vec<String> = store
            .audit_entries(0, 1000)
            .await?
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(actions.contains(&"totp.seal".to_string()), "{actions:?}");
        assert_eq!(
            secret_of(&store, "old.head").await?.as_deref(),
            Some(BEFORE)
        );
        drop(store);
        // Checkpoint the WAL into the file, then look at every byte SQLite keeps.
        drop(dep.open().await?);
        assert!(
            !files_contain(&dep, SECRET)?,
            "{backend:?}: the secret is in the database files"
        );

        let rotation =
            keys::rotate(&dep.location, &dep.key_file(), &Actor::system(), |_| Ok(())).await?;
        assert_eq!(rotation.resealed, 2, "both accounts' secrets re-sealed");
        let after = stored_secrets(&dep).await?;
        assert_ne!(after, stored, "{backend:?}: sealed anew under the new key");
        let store = dep.open().await?;
        assert_eq!(secret_of(&store, "head").await?.as_deref(), Some(SECRET));
        assert_eq!(
            secret_of(&store, "old.head").await?.as_deref(),
            Some(BEFORE)
        );
        assert!(store.verify_audit_log().await?.is_ok());
    }
    Ok(())
}
