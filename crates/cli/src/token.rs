//! `gongkai token create|list|revoke` — API tokens and their lifetime.

use anyhow::Result;
use chrono::{SecondsFormat, Utc};
use clap::Subcommand;
use gongkai_store::tokens::{DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS};
use gongkai_store::{Actor, Role};

use crate::{DataArg, open_app};

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
    /// Issue a token (printed once; stored only as a hash).
    Create {
        #[arg(long)]
        name: String,
        /// office, handler, head (公开办负责人), supervisor, sysadmin, secadmin or auditor
        /// ('staff' and 'admin' are deprecated aliases of office and sysadmin).
        #[arg(long, default_value = "office")]
        role: String,
        /// The agency a staff token acts for.
        #[arg(long)]
        agency: Option<String>,
        /// A handler token's department (its id or name).
        #[arg(long)]
        department: Option<String>,
        /// An agency (slug) a supervisor token reads; repeat for several.
        #[arg(long)]
        supervises: Vec<String>,
        /// Days until the token expires (1-366).
        #[arg(long, default_value_t = DEFAULT_TOKEN_DAYS)]
        days: u32,
        #[command(flatten)]
        data: DataArg,
    },
    /// List tokens: id, name, role, agency, created, expires, status (never the token itself).
    List {
        #[command(flatten)]
        data: DataArg,
    },
    /// Revoke a token (by the id `token list` shows): it fails from the next request on.
    Revoke {
        id: i64,
        #[command(flatten)]
        data: DataArg,
    },
}

pub(crate) async fn run(command: TokenCommand) -> Result<()> {
    let admin = Actor::system();
    match command {
        TokenCommand::Create {
            name,
            role,
            agency,
            department,
            supervises,
            days,
            data,
        } => {
            let (role, deprecated) = Role::parse_assignable(&role)
                .map_err(|e| anyhow::anyhow!("--role: {}", e.reason()))?;
            if let Some(note) = deprecated {
                eprintln!("warning: {note}");
            }
            if !(1..=MAX_TOKEN_DAYS).contains(&days) {
                anyhow::bail!("--days: a token lives 1-{MAX_TOKEN_DAYS} days");
            }
            let app = open_app(&data.path()).await?;
            if let Some(slug) = &agency {
                crate::agency_arg(&app, slug).await?;
            }
            let input = gongkai_app::TokenInput {
                name,
                role: role.code().to_string(),
                agency,
                department,
                supervises,
                days: Some(days),
            };
            let issued = app.issue_token(&input, "--days", &admin).await?;
            println!("{}", issued.token);
            eprintln!(
                "token {} expires {}",
                issued.info.id,
                time(issued.info.expires_at)
            );
        }
        TokenCommand::List { data } => {
            let app = open_app(&data.path()).await?;
            let now = Utc::now();
            println!("id\tname\trole\tagency\tcreated\texpires\tstatus");
            for t in app.tokens(&admin).await? {
                let status = match t.revoked_at {
                    Some(at) => format!("revoked {}", time(at)),
                    None => t.status_at(now).code().to_string(),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{status}",
                    t.id,
                    t.name,
                    t.role.code(),
                    t.agency.as_deref().unwrap_or("-"),
                    time(t.created_at),
                    time(t.expires_at),
                );
            }
        }
        TokenCommand::Revoke { id, data } => {
            let t = open_app(&data.path())
                .await?
                .revoke_token(id, &admin)
                .await?;
            println!("revoked token {} ({} {})", t.id, t.role.code(), t.name);
        }
    }
    Ok(())
}

fn time(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
