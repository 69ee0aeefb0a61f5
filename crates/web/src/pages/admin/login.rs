//! 登录 — `/admin/login` (login name, password and, once enrolled, the TOTP code), `POST
//! /admin/logout`, and `/admin/totp` (enrolling the second factor: the secret and its otpauth
//! URI, confirmed with a code). Forms are protected like every form ([`crate::csrf`]); a login
//! spends the address's login budget ([`crate::limits`]) and always starts a fresh session.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_app::{AppError, LoginInput};
use gongkai_store::SessionStage;
use serde::Deserialize;

use super::{cookie_of, see_other_with_cookie, session_cookie};
use crate::AppState;
use crate::limits::PageBudgets;
use crate::pages::apply::parse_form;
use crate::pages::{Chrome, Crumb, PageError, Viewer, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/login", get(form).post(submit))
        .route("/admin/logout", post(logout))
        .route("/admin/totp", get(enrol).post(confirm))
}

#[derive(Template)]
#[template(path = "admin_login.html")]
struct LoginPage {
    chrome: Chrome,
    login: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_totp.html")]
struct TotpPage {
    chrome: Chrome,
    secret: String,
    uri: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

#[derive(Debug, Default, Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

fn chrome(viewer: &Viewer, here: &str) -> Chrome {
    Chrome::site(viewer).crumbs(vec![Crumb::here(here)])
}

async fn form(viewer: Viewer) -> Response {
    render(&LoginPage {
        chrome: chrome(&viewer, "工作人员登录"),
        login: String::new(),
        error: None,
    })
}

fn first_reason_zh(e: &AppError) -> Option<String> {
    match e {
        AppError::Invalid(errors) => errors.first().map(|e| e.reason_zh()),
        _ => None,
    }
}

async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    budgets: PageBudgets,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    budgets
        .login()
        .map_err(|retry_after_secs| PageError::TooManyRequests { retry_after_secs })?;
    let form: LoginForm = parse_form(&body);
    // A session carried in is ended: a login always starts a fresh session id.
    if let Some(old) = cookie_of(&headers) {
        state.app.logout(&old).await?;
    }
    let input = LoginInput {
        login: form.login.clone(),
        password: form.password,
        code: Some(form.code).filter(|c| !c.trim().is_empty()),
        address: budgets.addr().to_string(),
    };
    match state.app.login(&input).await {
        Ok(session) => {
            let to = match session.stage {
                SessionStage::Full => "/admin/",
                SessionStage::Enrol => "/admin/totp",
            };
            Ok(see_other_with_cookie(
                to,
                session_cookie(Some(&session.id), state.behind_tls),
            ))
        }
        Err(e @ AppError::Invalid(_)) => {
            let page = LoginPage {
                chrome: chrome(&viewer, "工作人员登录"),
                login: form.login.chars().take(40).collect(),
                error: first_reason_zh(&e),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    if let Some(id) = cookie_of(&headers) {
        state.app.logout(&id).await?;
    }
    Ok(see_other_with_cookie(
        "/admin/login",
        session_cookie(None, state.behind_tls),
    ))
}

async fn enrol(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let Some(id) = cookie_of(&headers) else {
        return Ok(Redirect::to("/admin/login").into_response());
    };
    match state.app.begin_totp(&id).await {
        Ok(enrolment) => Ok(render(&TotpPage {
            chrome: chrome(&viewer, "绑定动态口令"),
            secret: enrolment.secret,
            uri: enrolment.uri,
            error: None,
        })),
        Err(AppError::NotFound(_)) => Ok(Redirect::to("/admin/login").into_response()),
        Err(other) => Err(other.into()),
    }
}

async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let Some(id) = cookie_of(&headers) else {
        return Ok(Redirect::to("/admin/login").into_response());
    };
    let form: CodeForm = parse_form(&body);
    match state.app.confirm_totp(&id, &form.code).await {
        Ok(()) => Ok(Redirect::to("/admin/").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            // The same secret again, so that the one in the authenticator stays right.
            let pending = state.app.pending_totp(&id).await?;
            let page = TotpPage {
                chrome: chrome(&viewer, "绑定动态口令"),
                secret: pending.secret,
                uri: pending.uri,
                error: first_reason_zh(&e),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(AppError::NotFound(_)) => Ok(Redirect::to("/admin/login").into_response()),
        Err(other) => Err(other.into()),
    }
}
