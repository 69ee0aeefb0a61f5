//! 申请查询 — `/{agency}/track`: the applicant gives the 申请编号 and the 查询码 (POSTed, so the
//! code is never in a URL) and sees the status, the public timeline, the due date with how it
//! is counted, the receipt, the answer and the letters addressed to the applicant (告知书,
//! `POST /{agency}/letter`). A wrong code and an unknown number give the same page, byte for
//! byte, with the same status.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gongkai_app::AppError;
use gongkai_app::tracking::{PublicEvent, PublicRequestView};
use gongkai_store::Agency;

use super::apply::{CodeForm, parse_form};
use super::{Chrome, Crumb, FormBody, PageError, Viewer, render};
use crate::limits::PageBudgets;
use crate::{AppState, Path};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{agency}/track", get(form).post(lookup))
        .route("/{agency}/letter", post(letter))
}

/// The message of a lookup that found nothing (an unknown number or a wrong code alike).
pub const NOT_FOUND_ZH: &str = "未查询到该申请。请核对申请编号和查询码后重新输入。";

#[derive(Template)]
#[template(path = "track.html")]
struct TrackForm {
    chrome: Chrome,
    slug: String,
    number: String,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "track_result.html")]
struct TrackResult {
    chrome: Chrome,
    slug: String,
    agency: String,
    view: PublicRequestView,
    /// The query code, for the receipt form (the page is `no-store`).
    query_code: String,
    timeline: Vec<PublicEvent>,
    medium: Option<&'static str>,
}

fn chrome_for(viewer: &Viewer, agency: &Agency, here: &str) -> Chrome {
    Chrome::agency(viewer, &agency.slug, &agency.name).crumbs(vec![Crumb::here(here)])
}

async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let agency = state.app.agency(&slug).await?;
    Ok(render(&TrackForm {
        chrome: chrome_for(&viewer, &agency, "申请查询"),
        slug: agency.slug,
        number: String::new(),
        error: None,
    }))
}

/// The answer to a lookup that found nothing: the form again with [`NOT_FOUND_ZH`], 404. It
/// echoes nothing typed, so that it is the same page for any number and any code.
pub fn not_found_page(viewer: &Viewer, agency: &Agency) -> Response {
    let mut viewer = viewer.clone();
    // The same layout whichever route asked (tracking or receipt), so that the answers match.
    viewer.path = format!("/{}/track", agency.slug);
    let page = TrackForm {
        chrome: chrome_for(&viewer, agency, "申请查询"),
        slug: agency.slug.clone(),
        number: String::new(),
        error: Some(NOT_FOUND_ZH),
    };
    (StatusCode::NOT_FOUND, render(&page)).into_response()
}

async fn lookup(
    State(state): State<AppState>,
    viewer: Viewer,
    budgets: PageBudgets,
    Path(slug): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    let form = code_lookup(&budgets, &body)?;
    let (number, code) = (form.number.as_str(), form.query_code.as_str());
    match state.app.track_at(&slug, number, code).await {
        Ok((agency, view)) => {
            let timeline = view
                .events
                .iter()
                .filter(|e| e.voided_by.is_none() && e.kind != "voided")
                .cloned()
                .collect();
            let medium = view.details.medium.map(|m| m.label_zh());
            Ok(render(&TrackResult {
                chrome: chrome_for(&viewer, &agency, "申请查询"),
                slug: agency.slug,
                agency: agency.name,
                view,
                query_code: code.to_string(),
                timeline,
                medium,
            }))
        }
        Err(AppError::NotFound(_)) => unknown_request(&state, &viewer, &slug).await,
        Err(other) => Err(other.into()),
    }
}

/// A letter download form's fields: the request, its code, the event that sent the letter and
/// the format.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
struct LetterForm {
    number: String,
    query_code: String,
    seq: String,
    format: String,
}

/// `POST /{agency}/letter`: a letter addressed to the applicant as a download; a wrong number,
/// code or letter is the page of an unknown request.
async fn letter(
    State(state): State<AppState>,
    viewer: Viewer,
    budgets: PageBudgets,
    Path(slug): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    let codes = code_lookup(&budgets, &body)?;
    let form: LetterForm = parse_form(&body);
    let seq = form.seq.trim().parse::<i64>().unwrap_or(0);
    let format = form.format.trim();
    let found = state
        .app
        .applicant_letter_file(&slug, &codes.number, &codes.query_code, seq, format)
        .await;
    match found {
        Ok((info, bytes)) => Ok(crate::api::letters::download(
            &codes.number,
            &info,
            format,
            bytes,
        )),
        Err(AppError::NotFound(_) | AppError::Invalid(_)) => {
            unknown_request(&state, &viewer, &slug).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The number and 查询码 a tracking or receipt form posts, trimmed, once the address's tracking
/// budget allows one more look-up (the JSON tracking endpoint spends the same budget).
pub(super) fn code_lookup(budgets: &PageBudgets, body: &[u8]) -> Result<CodeForm, PageError> {
    budgets
        .tracking()
        .map_err(|retry_after_secs| PageError::TooManyRequests { retry_after_secs })?;
    let form: CodeForm = parse_form(body);
    Ok(CodeForm {
        number: form.number.trim().to_string(),
        query_code: form.query_code.trim().to_string(),
    })
}

/// The answer to a number and code that match no request of `slug`: one page for an unknown
/// number and a wrong code alike.
pub(super) async fn unknown_request(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
) -> Result<Response, PageError> {
    let agency = state.app.agency(slug).await?;
    Ok(not_found_page(viewer, &agency))
}
