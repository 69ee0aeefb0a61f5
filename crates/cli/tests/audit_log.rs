//! `gongkai audit-log verify|checkpoint` as an operator runs them (issue 8, items 2 and 4): a
//! changed projection is named with exit 1; a checkpoint is exported with a 0600 key, and a log
//! truncated behind the store fails `verify --checkpoint` while plain verify passes.

use std::process::{Command, Output};

use anyhow::{Context, Result};

const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

fn gongkai(args: &[&str]) -> Result<Output> {
    Ok(Command::new(BIN)
        .args(args)
        .env_remove("GONGKAI_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()?)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn raw(data: &str, sql: &str) -> Result<()> {
    use sqlx::Connection;
    let mut conn =
        sqlx::SqliteConnection::connect(&format!("sqlite://{data}/gongkai.sqlite3")).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut conn)
        .await?;
    Ok(())
}

#[tokio::test]
async fn verify_names_a_changed_projection_and_a_checkpoint_catches_truncation() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    assert!(gongkai(&["demo", "--data", data])?.status.success());
    let cp_file = dir.path().join("cp.json");
    let cp_path = cp_file.to_str().context("utf-8")?;
    let made = gongkai(&["audit-log", "checkpoint", "--data", data, "-o", cp_path])?;
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let cp: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cp_file)?)?;
    assert_eq!(
        cp["seq"], 63,
        "the demo: 56 entries of records and settings, 7 of its logins"
    );
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("checkpoint.key"))?
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let ok = gongkai(&[
        "audit-log",
        "verify",
        "--data",
        data,
        "--checkpoint",
        cp_path,
    ])?;
    assert!(ok.status.success(), "{}", stdout(&ok));
    let with_key = gongkai(&[
        "audit-log",
        "verify",
        "--data",
        data,
        "--checkpoint",
        cp_path,
        "--public-key",
        cp["public_key"].as_str().context("public_key")?,
    ])?;
    assert!(with_key.status.success(), "{}", stdout(&with_key));

    // The last entries (statistics and the demo logins: no ledger rows) removed and the head
    // moved back.
    let keep = 52;
    raw(data, "DROP TRIGGER audit_log_no_delete").await?;
    raw(
        data,
        &format!(
            "DELETE FROM audit_log WHERE seq > {keep}; \
             UPDATE audit_head SET seq = {keep}, hash = (SELECT hash FROM audit_log WHERE seq = {keep}) WHERE id = 1"
        ),
    )
    .await?;
    let plain = gongkai(&["audit-log", "verify", "--data", data])?;
    assert!(
        plain.status.success(),
        "plain verify cannot tell: {}",
        stdout(&plain)
    );
    let caught = gongkai(&[
        "audit-log",
        "verify",
        "--data",
        data,
        "--checkpoint",
        cp_path,
    ])?;
    assert_eq!(caught.status.code(), Some(1));
    assert!(
        stdout(&caught).contains("entry 63:") && stdout(&caught).contains("truncated"),
        "{}",
        stdout(&caught)
    );

    // A projection changed behind the store is named: request, field, both values.
    raw(data, "UPDATE requests SET outcome = 'withheld.state_secret' WHERE number = 'fuxin-zrzyj-2020-00001'").await?;
    let named = gongkai(&["audit-log", "verify", "--data", data])?;
    assert_eq!(named.status.code(), Some(1));
    assert!(
        stdout(&named).contains(
            "PROBLEM request fuxin-zrzyj-2020-00001: outcome: the row says withheld.state_secret"
        ),
        "{}",
        stdout(&named)
    );
    Ok(())
}
