//! `gongkai audit-log verify|checkpoint`: verify the chain, the ledger it covers and the
//! projections; export and check signed checkpoints of the chain head.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use gongkai_store::checkpoint::{self, Checkpoint, CheckpointKey};

use crate::{DataArg, open_store};

#[derive(Subcommand)]
pub enum AuditLogCommand {
    /// Verify the chain from the genesis to the head, every ledger row against the entry that
    /// records it, and every request's projection against its events. Prints `OK …` or each
    /// problem (exit 1). With --checkpoint, also proves the log still extends that checkpoint.
    Verify {
        #[command(flatten)]
        data: DataArg,
        /// A checkpoint exported earlier by `audit-log checkpoint`.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// The trusted signer's public key (hex); default: the public key of the local key.
        #[arg(long, value_name = "HEX")]
        public_key: Option<String>,
        /// The checkpoint signing key (default DIR/checkpoint.key).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
    /// Export a signed checkpoint of the chain head as JSON {seq, hash, at, public_key,
    /// signature}. The Ed25519 key is DIR/checkpoint.key (created 0600 on first use) or --key.
    Checkpoint {
        #[command(flatten)]
        data: DataArg,
        /// Write the checkpoint here instead of standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The checkpoint signing key (default DIR/checkpoint.key).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
}

fn key_path(data: &Path, key: Option<PathBuf>) -> PathBuf {
    key.unwrap_or_else(|| data.join("checkpoint.key"))
}

pub async fn run(command: AuditLogCommand) -> Result<ExitCode> {
    match command {
        AuditLogCommand::Verify {
            data,
            checkpoint,
            public_key,
            key,
        } => {
            let store = open_store(&data.path()).await?;
            let report = match checkpoint {
                None => store.verify_audit_log().await?,
                Some(file) => {
                    let text = std::fs::read_to_string(&file)
                        .with_context(|| format!("cannot read {}", file.display()))?;
                    let cp: Checkpoint = serde_json::from_str(&text)
                        .with_context(|| format!("{}: not a checkpoint", file.display()))?;
                    let trusted = match public_key {
                        Some(hex) => checkpoint::parse_public_key(&hex)?,
                        None => {
                            let path = key_path(&data.path(), key);
                            CheckpointKey::load(&path)
                                .with_context(|| "give the signer's key with --public-key HEX")?
                                .public_key()
                        }
                    };
                    checkpoint::verify_with(store.as_ref(), &cp, &trusted).await?
                }
            };
            if report.is_ok() {
                println!("{report}");
                Ok(ExitCode::SUCCESS)
            } else {
                print!("{report}");
                Ok(ExitCode::FAILURE)
            }
        }
        AuditLogCommand::Checkpoint { data, output, key } => {
            let store = open_store(&data.path()).await?;
            let key = CheckpointKey::load_or_create(&key_path(&data.path(), key))?;
            let report = store.verify_audit_log().await?;
            if !report.is_ok() {
                print!("{report}");
                bail!("the audit log does not verify: no checkpoint made");
            }
            let cp = checkpoint::create(store.as_ref(), &key).await?;
            let json = serde_json::to_string_pretty(&cp)? + "\n";
            match output {
                Some(path) => {
                    std::fs::write(&path, json)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "checkpoint of entry {} written to {}",
                        cp.seq,
                        path.display()
                    );
                }
                None => print!("{json}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
