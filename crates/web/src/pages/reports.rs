//! `/{agency}/reports` and `/{agency}/reports/{year}`: the agency's published annual reports
//! (政府信息公开工作年度报告, Art. 49–50) as pages, with the frozen PDF and DOCX downloads. The
//! report's tables are the render crate's (`report_body.html`, the template of the standalone
//! HTML rendering), inside the portal's layout.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use super::portal::{agency_chrome, page_agency};
use super::{Chrome, Crumb, PageError, Viewer, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{agency}/reports", get(list))
        .route("/{agency}/reports/{year}", get(year_page))
}

/// A frozen file to download.
struct Download {
    href: String,
    label: &'static str,
}

fn downloads(slug: &str, year: i32, formats: &[String]) -> Vec<Download> {
    [("pdf", "下载PDF版"), ("docx", "下载Word版（DOCX）")]
        .into_iter()
        .filter(|(f, _)| formats.iter().any(|x| x == f))
        .map(|(f, label)| Download {
            href: format!("/api/v1/agencies/{slug}/reports/{year}/{f}"),
            label,
        })
        .collect()
}

struct YearLine {
    year: i32,
    href: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    chrome: Chrome,
    name: String,
    years: Vec<YearLine>,
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let agency = page_agency(&state, &slug).await?;
    let (chrome, _) = agency_chrome(&state, &viewer, &agency).await?;
    let years = state
        .app
        .published_report_years(&agency)
        .await?
        .into_iter()
        .map(|year| YearLine {
            year,
            href: format!("/{}/reports/{year}", agency.slug),
        })
        .collect();
    Ok(render(&ListPage {
        chrome: chrome.crumbs(vec![Crumb::here("政府信息公开年报")]),
        name: agency.name.clone(),
        years,
    }))
}

#[derive(Template)]
#[template(path = "report.html")]
struct YearPage {
    chrome: Chrome,
    year: i32,
    /// The report's content, rendered (and escaped) by the render crate's template.
    body: String,
    downloads: Vec<Download>,
    published_at: Option<String>,
}

async fn year_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, year)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let agency = page_agency(&state, &slug).await?;
    let year: i32 = year.parse().map_err(|_| PageError::NotFound)?;
    let published = state.app.published_report(&agency, year).await?;
    let (chrome, _) = agency_chrome(&state, &viewer, &agency).await?;
    let body = gongkai_render::html_fragment(&published.report)
        .map_err(|e| PageError::Internal(e.to_string()))?;
    let reports_href = format!("/{}/reports", agency.slug);
    Ok(render(&YearPage {
        chrome: chrome.crumbs(vec![
            Crumb::link("政府信息公开年报", reports_href),
            Crumb::here(format!("{year}年度报告")),
        ]),
        year,
        body,
        downloads: downloads(&agency.slug, year, &published.formats),
        published_at: published
            .published_at
            .as_deref()
            .map(|t| t.get(..10).unwrap_or(t).to_string()),
    }))
}
