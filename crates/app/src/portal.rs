//! The public portal's use cases: an agency's settings (机关设置, shown by its 公开指南 and the
//! footer; changed by an administrator) and its published annual reports.

use gongkai_domain::agency::{AgencySettings, SettingChange};
use gongkai_domain::report::Report;
use gongkai_store::{Actor, Agency, ReportStatus};

use crate::{App, AppError, Result};

/// A published annual report: the frozen canonical report and the formats it can be downloaded in.
#[derive(Debug, Clone)]
pub struct PublishedReport {
    pub year: i32,
    pub version: i64,
    pub published_at: Option<String>,
    pub report: Report,
    /// The frozen files' formats (`pdf`, `docx`, …), as stored.
    pub formats: Vec<String>,
}

impl App {
    /// The agency's settings (empty when none is set).
    pub async fn agency_settings(&self, agency: &Agency) -> Result<AgencySettings> {
        let settings = self
            .directory
            .get(&self.directory.settings, agency.id, || async {
                Ok(std::sync::Arc::new(
                    self.store.agency_settings(agency.id).await?,
                ))
            })
            .await?;
        Ok(settings.as_ref().clone())
    }

    /// Applies `key=value` changes (an empty value clears) to the agency's settings: every pair
    /// is validated first, every bad one named; only a deployment administrator may change them.
    pub async fn set_agency_settings<'a>(
        &self,
        slug: &str,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        actor: &Actor,
    ) -> Result<(Agency, AgencySettings)> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden(
                "agency settings are changed by an administrator".into(),
            ));
        }
        let agency = self.agency(slug).await?;
        let changes = SettingChange::parse_all(pairs)?;
        if changes.is_empty() {
            return Err(AppError::Invalid(vec![
                gongkai_domain::DomainError::invalid("settings", "give at least one key=value"),
            ]));
        }
        let settings = self
            .changing_directory(async {
                Ok(self
                    .store
                    .set_agency_settings(agency.id, &changes, actor)
                    .await?)
            })
            .await?;
        Ok((agency, settings))
    }

    /// The years of the agency's published annual reports, newest first.
    pub async fn published_report_years(&self, agency: &Agency) -> Result<Vec<i32>> {
        let years = self
            .directory
            .get(&self.directory.report_years, agency.id, || async {
                Ok(std::sync::Arc::new(
                    self.store.published_report_years(agency.id).await?,
                ))
            })
            .await?;
        Ok(years.as_ref().clone())
    }

    /// The latest published version of the agency's report on `year`, or [`AppError::NotFound`].
    pub async fn published_report(&self, agency: &Agency, year: i32) -> Result<PublishedReport> {
        let not_found = || AppError::NotFound(format!("published report {} {year}", agency.slug));
        let version = self
            .store
            .report_versions(agency.id, year)
            .await?
            .into_iter()
            .filter(|v| v.status == ReportStatus::Published)
            .max_by_key(|v| v.version)
            .ok_or_else(not_found)?;
        let report: Report = serde_json::from_str(&version.report_json).map_err(|e| {
            AppError::Store(gongkai_store::StoreError::Corrupt(format!(
                "report version {}: {e}",
                version.id
            )))
        })?;
        Ok(PublishedReport {
            year,
            version: version.version,
            published_at: version.published_at,
            report,
            formats: version.files.into_iter().map(|(f, _)| f).collect(),
        })
    }
}
