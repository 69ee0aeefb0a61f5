//! gongkai-web — the HTTP layer: routes, extractors, the JSON API and its OpenAPI document.
//! Handlers parse their input, call the application layer ([`App`]) and render what comes
//! back; authorisation is the application's, from the one [`RequestActor`] extractor.

pub mod api;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod headers;
pub mod limits;
pub mod multipart;
pub mod openapi;
pub mod pages;
pub mod server;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::get;
use gongkai_app::App;
use gongkai_store::{Actor, Role, Store};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use error::{ApiError, FieldError};
pub use extract::{JsonBody, Path, Query};
pub use limits::{RateLimit, ServerLimits};
pub use server::{serve, serve_until};

/// Today's date: the domain's clock, re-exported for the app state and tests.
pub use gongkai_domain::clock::{ChinaClock, Clock, FixedClock};

/// What every handler can reach: the application layer (every use case; the store and the
/// clock stay behind it).
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Whether the deployment is reached over TLS (the session cookie is then `Secure`).
    pub behind_tls: bool,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_clock(store, Arc::new(ChinaClock))
    }

    pub fn with_clock(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        AppState {
            app: App::new(store, clock),
            behind_tls: false,
        }
    }

    /// The same state with the agency directory kept for `ttl` (see `App::with_directory_ttl`).
    pub fn with_directory_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.app = self.app.with_directory_ttl(ttl);
        self
    }

    /// The same state with the session cookie `Secure` (behind TLS) or not.
    pub fn behind_tls(mut self, behind_tls: bool) -> Self {
        self.behind_tls = behind_tls;
        self
    }
}

/// The whole application, with the request-level parts of `limits` (body size and time, request
/// timeout, rate limits); [`serve`] adds the connection-level ones.
pub fn router(state: AppState, limits: &ServerLimits) -> Router {
    use api::{admin, attachments, letters, public, reports, settings, staff};
    let filing = Arc::new(limits::RateLimiter::new(limits.filing));
    let tracking = Arc::new(limits::RateLimiter::new(limits.tracking));
    let login = Arc::new(limits::RateLimiter::new(limits.login));
    let per_address = |limiter: &Arc<limits::RateLimiter>| {
        axum::middleware::from_fn_with_state(limiter.clone(), limits::rate_limited)
    };
    let policy = Arc::new(headers::RequestPolicy {
        request_timeout: limits.request_timeout,
        body_read_timeout: limits.body_read_timeout,
    });
    use utoipa_axum::routes;
    let filing_routes = OpenApiRouter::new()
        .routes(routes!(public::file_request))
        .route_layer(per_address(&filing));
    let tracking_routes = OpenApiRouter::new()
        .routes(routes!(public::track_request))
        .routes(routes!(letters::applicant_letter))
        .route_layer(per_address(&tracking));
    // Uploads take a file of up to 20 MiB (the API's body, the page's multipart form with its
    // few fields); every other route keeps the server's body limit.
    let uploads = OpenApiRouter::new()
        .routes(routes!(attachments::upload, attachments::list))
        .route_layer(axum::extract::DefaultBodyLimit::max(
            gongkai_domain::attachment::MAX_BYTES,
        ));
    let (api, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(public::deadline))
        .routes(routes!(public::list_agencies))
        .routes(routes!(public::get_agency))
        .merge(filing_routes)
        .merge(tracking_routes)
        .routes(routes!(reports::published_file))
        .routes(routes!(staff::register_request, staff::list_requests))
        .routes(routes!(staff::get_request))
        .routes(routes!(staff::append_event))
        .routes(routes!(staff::personal_data))
        .merge(uploads)
        .routes(routes!(attachments::download))
        .routes(routes!(letters::list_letters))
        .routes(routes!(letters::letter_file))
        .routes(routes!(
            letters::get_template,
            letters::put_template,
            letters::reset_template
        ))
        .routes(routes!(letters::preview))
        .routes(routes!(reports::current_report))
        .routes(routes!(reports::drill_down))
        .routes(routes!(reports::save_sections))
        .routes(routes!(reports::set_statistic))
        .routes(routes!(reports::create_version, reports::list_versions))
        .routes(routes!(reports::add_publication))
        .routes(routes!(reports::add_review_case))
        .routes(routes!(reports::decide_review_case))
        .routes(routes!(reports::approve))
        .routes(routes!(reports::publish))
        .routes(routes!(admin::create_agency))
        .routes(routes!(admin::add_department))
        .routes(routes!(admin::create_token, admin::list_tokens))
        .routes(routes!(admin::delete_token))
        .routes(routes!(admin::revoke_token))
        .routes(routes!(admin::create_user, admin::list_users))
        .routes(routes!(admin::disable_user))
        .routes(routes!(admin::reset_password))
        .routes(routes!(admin::set_user_role))
        .routes(routes!(admin::import_calendar))
        .routes(routes!(admin::audit_log))
        .routes(routes!(admin::verify_audit_log))
        .routes(routes!(settings::get_settings, settings::put_settings))
        .split_for_parts();
    Router::new()
        .route("/health", get(public::health))
        .route(
            "/api/openapi.json",
            openapi::document_route(openapi::document_json(&doc)),
        )
        .merge(api)
        .merge(pages::routes())
        .fallback(headers::not_found)
        .method_not_allowed_fallback(headers::method_not_allowed)
        .layer(axum::Extension(limits::Budgets {
            filing: filing.clone(),
            tracking: tracking.clone(),
            login,
        }))
        .layer(axum::middleware::from_fn(csrf::same_origin))
        .layer(axum::middleware::from_fn(pages::error::for_the_reader))
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            policy,
            headers::policy,
        ))
        .with_state(state)
}

/// The name of the session cookie of the back office (`/admin/login`).
pub const SESSION_COOKIE: &str = "gongkai_session";

/// Who is acting, from the one place the web layer authenticates: `Authorization: Bearer
/// <token>` (the API) or the `gongkai_session` cookie (the pages; resolved by
/// [`App::actor_for_session`]: a live session that passed every factor). Without either — or
/// with a token that is unknown, expired or revoked — the actor is the public. Handlers that
/// need staff take [`StaffActor`] or [`AdminActor`], which refuse the public with a 401.
pub struct RequestActor(pub Actor);

impl FromRequestParts<AppState> for RequestActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer_token(parts) {
            let actor = state.app.actor_for_token(token).await?;
            return Ok(RequestActor(actor.unwrap_or_else(Actor::public)));
        }
        if let Some(cookie) = session_cookie(parts) {
            let actor = state.app.actor_for_session(&cookie).await?;
            return Ok(RequestActor(actor.unwrap_or_else(Actor::public)));
        }
        Ok(RequestActor(Actor::public()))
    }
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

fn session_cookie(parts: &Parts) -> Option<String> {
    session_cookie_of(&parts.headers)
}

/// The `gongkai_session` cookie among `headers`' cookies.
pub fn session_cookie_of(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// A staff member or administrator ([`RequestActor`] that is not the public; else 401).
pub struct StaffActor(pub Actor);

impl FromRequestParts<AppState> for StaffActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match RequestActor::from_request_parts(parts, state).await? {
            RequestActor(actor) if actor.role != Role::Public => Ok(StaffActor(actor)),
            _ => Err(ApiError::Unauthorized),
        }
    }
}

/// One of the three administrators (a staff member who is not one finds nothing: 404); which
/// administrator may do what is the application's ([`gongkai_domain::actor::Duty`]).
pub struct AdminActor(pub Actor);

impl FromRequestParts<AppState> for AdminActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let StaffActor(actor) = StaffActor::from_request_parts(parts, state).await?;
        use gongkai_domain::actor::Duty;
        if [Duty::System, Duty::Security, Duty::Audit]
            .into_iter()
            .any(|d| actor.has_duty(d))
        {
            Ok(AdminActor(actor))
        } else {
            Err(ApiError::NotFound("resource".into()))
        }
    }
}
