//! `/admin/` — the back office's start page: who is logged in (name, role, agency) and the
//! logout button. The inbox of issue 10 belongs here.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use gongkai_store::SessionStage;

use super::cookie_of;
use crate::AppState;
use crate::pages::{Chrome, Crumb, PageError, Viewer, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/", get(home))
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    chrome: Chrome,
    name: String,
    login: String,
    role: &'static str,
    agency: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let session = match cookie_of(&headers) {
        Some(id) => state.app.session(&id).await?,
        None => None,
    };
    let Some(session) = session else {
        return Ok(Redirect::to("/admin/login").into_response());
    };
    if session.stage == SessionStage::Enrol {
        return Ok(Redirect::to("/admin/totp").into_response());
    }
    let user = session.user;
    let agency = match &user.agency {
        Some(slug) => Some(state.app.agency(slug).await?.name),
        None => None,
    };
    Ok(render(&HomePage {
        chrome: Chrome::site(&viewer).crumbs(vec![Crumb::here("工作台")]),
        name: user.name,
        login: user.login,
        role: user.role.name_zh(),
        agency,
    }))
}
