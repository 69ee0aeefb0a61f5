//! The operator's side of the `gongkai` binary (issue 8, items 1 and 5): a missing PII key stops
//! every command with one line, `key rotate`, and `backup` / `restore`.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};

const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

fn gongkai(args: &[&str], env: &[(&str, &str)]) -> Result<Output> {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("GONGKAI_DATABASE_URL")
        .env_remove("GONGKAI_PII_KEY")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    Ok(cmd.output()?)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn every_command_refuses_to_start_without_the_key(env: &[(&str, &str)]) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let data = data.to_str().context("utf-8")?;
    let o = gongkai(&["demo", "--data", data], env)?;
    assert!(o.status.success(), "{}", stderr(&o));
    let key = format!("{data}/pii.key");
    std::fs::remove_file(&key)?;

    for args in [
        vec!["agency", "list", "--data", data],
        vec!["audit-log", "verify", "--data", data],
        vec!["demo", "--data", data],
    ] {
        let o = gongkai(&args, env)?;
        assert!(!o.status.success(), "{args:?} ran without its key");
        let err = stderr(&o);
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(
            err.contains(&format!("the PII key file {key} is missing")),
            "{err}"
        );
        assert!(
            err.contains("put the pii.key you keep elsewhere back"),
            "{err}"
        );
    }
    // The server too, before it listens.
    let child = tokio::process::Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0", "--data", data])
        .env_remove("GONGKAI_DATABASE_URL")
        .env_remove("GONGKAI_PII_KEY")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let o = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output()).await??;
    assert!(!o.status.success());
    assert!(stdout(&o).is_empty(), "it never listened: {}", stdout(&o));
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("is missing"), "{err}");
    assert!(!std::path::Path::new(&key).exists(), "no new key was made");
    Ok(())
}

#[tokio::test]
async fn every_command_refuses_to_start_without_the_key_on_sqlite() -> Result<()> {
    every_command_refuses_to_start_without_the_key(&[]).await
}

#[tokio::test]
async fn every_command_refuses_to_start_without_the_key_on_postgres() -> Result<()> {
    if std::env::var(gongkai_store::testing::PG_ENV).is_err() {
        eprintln!("note: PostgreSQL not configured; skipped");
        return Ok(());
    }
    let url = gongkai_store::testing::fresh_pg_database().await?;
    every_command_refuses_to_start_without_the_key(&[("GONGKAI_DATABASE_URL", &url)]).await
}

#[test]
fn key_rotate_installs_a_new_key_or_prints_it_once() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8")?;
    assert!(gongkai(&["demo", "--data", data], &[])?.status.success());
    let key_path = dir.path().join("pii.key");
    let old = std::fs::read_to_string(&key_path)?;
    let o = gongkai(&["key", "rotate", "--data", data], &[])?;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("rotated: 15 sealed rows re-sealed"),
        "{}",
        stdout(&o)
    );
    let new = std::fs::read_to_string(&key_path)?;
    assert_ne!(old, new);
    assert!(
        !stdout(&o).contains(new.trim()),
        "a key file is not printed"
    );
    assert!(
        gongkai(&["audit-log", "verify", "--data", data], &[])?
            .status
            .success()
    );

    let o = gongkai(
        &["key", "rotate", "--data", data],
        &[("GONGKAI_PII_KEY", new.trim())],
    )?;
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let printed = out
        .lines()
        .find_map(|l| {
            l.strip_prefix("new GONGKAI_PII_KEY (shown once; set it before the next start): ")
        })
        .context("the new key is printed")?;
    assert_eq!(printed.len(), 64);
    assert_eq!(
        std::fs::read_to_string(&key_path)?,
        new,
        "the file is untouched"
    );
    let o = gongkai(
        &["agency", "list", "--data", data],
        &[("GONGKAI_PII_KEY", printed)],
    )?;
    assert!(o.status.success(), "{}", stderr(&o));
    let o = gongkai(&["agency", "list", "--data", data], &[])?;
    assert!(!o.status.success(), "the file's key is retired");
    assert!(
        stderr(&o).contains("is not the key of the database"),
        "{}",
        stderr(&o)
    );
    Ok(())
}

#[test]
fn backup_and_restore_through_the_command_line() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let src = dir.path().join("src");
    let src_s = src.to_str().context("utf-8")?;
    assert!(gongkai(&["demo", "--data", src_s], &[])?.status.success());
    let file = dir.path().join("gongkai.backup");
    let file_s = file.to_str().context("utf-8")?;
    let o = gongkai(&["backup", "--data", src_s, "-o", file_s], &[])?;
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("15 requests"), "{}", stdout(&o));
    assert_eq!(
        std::fs::metadata(&file)?.permissions().mode() & 0o777,
        0o600
    );

    let dst = dir.path().join("dst");
    let dst_s = dst.to_str().context("utf-8")?;
    let o = gongkai(&["restore", "--data", dst_s, file_s], &[])?;
    assert_eq!(
        o.status.code(),
        Some(2),
        "restored, but no key: {}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("integrity_check: ok; audit chain OK"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains(&format!(
            "the PII key is not in the backup: put the pii.key you keep elsewhere into {dst_s} (or set GONGKAI_PII_KEY) before starting"
        )),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("put the query.key you keep with the pii.key into"),
        "{}",
        stdout(&o)
    );
    std::fs::copy(src.join("pii.key"), dst.join("pii.key"))?;
    std::fs::copy(src.join("query.key"), dst.join("query.key"))?;
    let report = |data: &str| -> Result<Vec<u8>> {
        let o = gongkai(
            &[
                "report",
                "--data",
                data,
                "--agency",
                "fuxin-zrzyj",
                "--year",
                "2020",
                "--format",
                "json",
            ],
            &[],
        )?;
        assert!(o.status.success(), "{}", stderr(&o));
        Ok(o.stdout)
    };
    assert_eq!(report(dst_s)?, report(src_s)?);
    let o = gongkai(&["restore", "--data", dst_s, file_s], &[])?;
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pass --force"), "{}", stderr(&o));
    let o = gongkai(&["restore", "--force", "--data", dst_s, file_s], &[])?;
    assert_eq!(o.status.code(), Some(0), "{} {}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("the PII key in"), "{}", stdout(&o));
    assert!(stdout(&o).contains("before-restore-"), "{}", stdout(&o));
    Ok(())
}
