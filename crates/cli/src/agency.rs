//! `gongkai agency set|show` — an agency's settings (机关设置): the facts its 公开指南 states
//! (Art. 12) and the site's footer. The keys and their rules are the domain's.

use std::sync::Arc;

use anyhow::Result;
use clap::Subcommand;
use gongkai_app::{App, AppError};
use gongkai_domain::agency::{AgencySettings, SettingKey};
use gongkai_domain::clock::ChinaClock;
use gongkai_store::Actor;

use crate::{DataArg, open_store};

#[derive(Subcommand)]
pub(crate) enum SettingsCommand {
    /// Set an agency's settings: key=value… (an empty value clears a key). Keys: office_name,
    /// office_address, postal_address, postcode, office_hours, phone, fax, email, website,
    /// channels (e.g. in_person,post_signed,online), review_body, court, sponsor, organiser,
    /// site_code, icp, police, system_text, system_link.
    Set {
        #[command(flatten)]
        data: DataArg,
        /// The agency's slug.
        slug: String,
        /// key=value, repeatable.
        #[arg(value_name = "KEY=VALUE", required = true)]
        changes: Vec<String>,
    },
    /// Print an agency's settings, one key=value a line (only the keys that are set).
    Show {
        #[command(flatten)]
        data: DataArg,
        /// The agency's slug.
        slug: String,
    },
}

fn print(settings: &AgencySettings) {
    for (key, value) in settings.iter() {
        println!(
            "{}={}",
            key.code(),
            value.replace('\\', "\\\\").replace('\n', "\\n")
        );
    }
}

/// The errors of a refused change, one line each (field: rule).
fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(errors) => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
        AppError::NotFound(what) => anyhow::anyhow!("not found: {what}"),
        other => other.into(),
    }
}

pub(crate) async fn run(command: SettingsCommand) -> Result<()> {
    match command {
        SettingsCommand::Set {
            data,
            slug,
            changes,
        } => {
            let mut pairs = Vec::new();
            for c in &changes {
                match c.split_once('=') {
                    Some((k, v)) => pairs.push((k.trim(), v)),
                    None => anyhow::bail!(
                        "'{c}': expected key=value (known keys: {})",
                        SettingKey::known()
                    ),
                }
            }
            let app = App::new(open_store(&data.data).await?, Arc::new(ChinaClock));
            let (_, settings) = app
                .set_agency_settings(&slug, pairs, &Actor::system())
                .await
                .map_err(explain)?;
            print(&settings);
        }
        SettingsCommand::Show { data, slug } => {
            let app = App::new(open_store(&data.data).await?, Arc::new(ChinaClock));
            let agency = app.agency(&slug).await.map_err(explain)?;
            print(&app.agency_settings(&agency).await.map_err(explain)?);
        }
    }
    Ok(())
}
