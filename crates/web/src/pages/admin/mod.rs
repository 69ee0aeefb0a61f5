//! 后台 — the staff back office under `/admin`: [`login`] (login, logout, the TOTP enrolment),
//! [`inbox`] (`/admin/`, the inbox), [`register`] (`/admin/register`, a request received
//! offline) and [`request`] (`/admin/requests/{number}`, the request page with a form for every
//! next step). Every page finds its session through [`nav::signed_in`]; one without a live
//! session is sent to the login page. [`nav`] is the frame every back-office page shows (who is
//! signed in, the navigation).

pub mod attachments;
pub mod inbox;
pub mod login;
pub mod nav;
pub mod register;
pub mod report;
pub mod request;

use axum::Router;
use axum::http::HeaderMap;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};

use crate::{AppState, SESSION_COOKIE};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(inbox::routes())
        .merge(register::routes())
        .merge(request::routes())
        .merge(attachments::routes())
        .merge(report::routes())
}

/// The session cookie: `HttpOnly`, `SameSite=Strict`, `Secure` behind TLS; `None` clears it.
pub fn session_cookie(id: Option<&str>, behind_tls: bool) -> HeaderValue {
    let secure = if behind_tls { "; Secure" } else { "" };
    let text = match id {
        Some(id) => format!("{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A 303 to `to`, setting the cookie given.
pub fn see_other_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

/// The session id a request carries, if any.
pub fn cookie_of(headers: &HeaderMap) -> Option<String> {
    crate::session_cookie_of(headers)
}
