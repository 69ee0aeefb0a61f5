//! Where the data and its key are (from the settings `main` built; no library reads the
//! environment), and the operator's commands: `key rotate`, `backup`, `restore`.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use gongkai_store::keys::KEY_ENV;
use gongkai_store::{Actor, KeySource, Location, Store};

/// Where the data lives, by the [`Settings`](crate::settings::Settings) built in `main`.
pub fn location(data: &Path) -> Location {
    crate::settings::get().location(data)
}

/// Where the PII key is, by the settings built in `main`.
pub fn key_source(data: &Path) -> KeySource {
    crate::settings::get().key_source(data)
}

pub async fn open_store(data: &Path) -> Result<Arc<dyn Store>> {
    let settings = crate::settings::get();
    let query_key = settings.query_key_path(data);
    let attachments = settings.attachments_path(data);
    gongkai_store::open_with(
        &location(data),
        &key_source(data),
        query_key.as_deref(),
        Some(&attachments),
    )
    .await
    .with_context(|| format!("cannot open the data in {}", data.display()))
}

/// `gongkai key rotate`.
pub async fn key_rotate(data: &Path) -> Result<ExitCode> {
    let source = key_source(data);
    let rotation = gongkai_store::keys::rotate(&location(data), &source, &Actor::system(), |key| {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "new {KEY_ENV} (shown once; set it before the next start): {key}"
        )?;
        out.flush()
    })
    .await
    .with_context(|| format!("key rotate: the data in {}", data.display()))?;
    match &rotation.installed {
        Some(path) => println!(
            "rotated: {} sealed rows re-sealed under a new key, now in {} (fingerprint {}…); restart running servers",
            rotation.resealed,
            path.display(),
            &rotation.fingerprint[..12]
        ),
        None => println!(
            "rotated: {} sealed rows re-sealed under the new key above (fingerprint {}…); set {KEY_ENV} to it and restart running servers",
            rotation.resealed,
            &rotation.fingerprint[..12]
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// `gongkai backup`.
pub async fn backup(data: &Path, output: &Path) -> Result<ExitCode> {
    let summary = gongkai_store::backup::backup(&location(data), output)
        .await
        .context("backup")?;
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

/// `gongkai restore`: exit 0 when restored, verified and the key at hand matches; 2 when
/// restored and verified but the key is missing or does not match (the database is in place;
/// put the right key there before starting); 1 when nothing was restored.
pub async fn restore(data: &Path, file: &Path, force: bool) -> Result<ExitCode> {
    let report = gongkai_store::backup::restore(&location(data), &key_source(data), file, force)
        .await
        .context("restore")?;
    for line in report.lines(data) {
        println!("{line}");
    }
    Ok(if report.is_ready() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
