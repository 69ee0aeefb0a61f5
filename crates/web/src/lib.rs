//! gongkai-web — the HTTP layer: routes, extractors, the JSON API and its OpenAPI document.
//! Handlers validate input into domain types and call the [`Store`]; they hold no SQL.

pub mod api;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod headers;
pub mod limits;
pub mod openapi;
pub mod pages;
pub mod server;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post};
use gongkai_app::App;
use gongkai_store::{Actor, Role, Store};

pub use error::{ApiError, FieldError};
pub use extract::{JsonBody, Path, Query};
pub use limits::{RateLimit, ServerLimits};
pub use server::{serve, serve_until};

/// Today's date: the domain's clock, re-exported for the app state and tests.
pub use gongkai_domain::clock::{ChinaClock, Clock, FixedClock};

/// What every handler can reach: the application layer, and (until every handler calls a use
/// case) the store and clock behind it.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_clock(store, Arc::new(ChinaClock))
    }

    pub fn with_clock(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        AppState {
            app: App::new(store.clone(), clock.clone()),
            store,
            clock,
        }
    }
}

/// The whole application, with the request-level parts of `limits` (body size and time, request
/// timeout, rate limits); [`serve`] adds the connection-level ones.
pub fn router(state: AppState, limits: &ServerLimits) -> Router {
    use api::{admin, public, reports, staff};
    let filing = Arc::new(limits::RateLimiter::new(limits.filing));
    let tracking = Arc::new(limits::RateLimiter::new(limits.tracking));
    let per_address = |limiter: &Arc<limits::RateLimiter>| {
        axum::middleware::from_fn_with_state(limiter.clone(), limits::rate_limited)
    };
    let policy = Arc::new(headers::RequestPolicy {
        request_timeout: limits.request_timeout,
        body_read_timeout: limits.body_read_timeout,
    });
    Router::new()
        .route("/health", get(public::health))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/deadline", get(public::deadline))
        .route("/api/v1/agencies", get(public::list_agencies))
        .route("/api/v1/agencies/{agency}", get(public::get_agency))
        .route(
            "/api/v1/agencies/{agency}/requests",
            post(public::file_request).route_layer(per_address(&filing)),
        )
        .route(
            "/api/v1/requests/{number}",
            get(public::track_request).route_layer(per_address(&tracking)),
        )
        .route(
            "/api/v1/agencies/{agency}/reports/{year}/{format}",
            get(reports::published_file),
        )
        .route(
            "/api/v1/staff/agencies/{agency}/requests",
            post(staff::register_request).get(staff::list_requests),
        )
        .route("/api/v1/staff/requests/{number}", get(staff::get_request))
        .route(
            "/api/v1/staff/requests/{number}/events",
            post(staff::append_event),
        )
        .route(
            "/api/v1/staff/requests/{number}/personal-data",
            get(staff::personal_data),
        )
        .route(
            "/api/v1/staff/agencies/{agency}/reports/{year}",
            get(reports::current_report),
        )
        .route(
            "/api/v1/staff/agencies/{agency}/reports/{year}/cells/{cell}",
            get(reports::drill_down),
        )
        .route(
            "/api/v1/staff/agencies/{agency}/reports/{year}/sections",
            axum::routing::put(reports::save_sections),
        )
        .route(
            "/api/v1/staff/agencies/{agency}/reports/{year}/statistics",
            post(reports::set_statistic),
        )
        .route(
            "/api/v1/staff/agencies/{agency}/reports/{year}/versions",
            post(reports::create_version).get(reports::list_versions),
        )
        .route(
            "/api/v1/staff/agencies/{agency}/publications",
            post(reports::add_publication),
        )
        .route(
            "/api/v1/staff/agencies/{agency}/review-cases",
            post(reports::add_review_case),
        )
        .route(
            "/api/v1/staff/review-cases/{id}/decision",
            post(reports::decide_review_case),
        )
        .route(
            "/api/v1/staff/report-versions/{id}/approve",
            post(reports::approve),
        )
        .route(
            "/api/v1/staff/report-versions/{id}/publish",
            post(reports::publish),
        )
        .route("/api/v1/admin/agencies", post(admin::create_agency))
        .route(
            "/api/v1/admin/agencies/{agency}/departments",
            post(admin::add_department),
        )
        .route(
            "/api/v1/admin/tokens",
            post(admin::create_token).get(admin::list_tokens),
        )
        .route(
            "/api/v1/admin/tokens/{id}",
            axum::routing::delete(admin::delete_token),
        )
        .route(
            "/api/v1/admin/tokens/{id}/revoke",
            post(admin::revoke_token),
        )
        .route(
            "/api/v1/admin/agencies/{agency}/settings",
            get(api::settings::get_settings).put(api::settings::put_settings),
        )
        .route("/api/v1/admin/calendar", post(admin::import_calendar))
        .route("/api/v1/admin/audit-log", get(admin::audit_log))
        .route(
            "/api/v1/admin/audit-log/verify",
            get(admin::verify_audit_log),
        )
        .merge(pages::routes())
        .fallback(headers::not_found)
        .method_not_allowed_fallback(headers::method_not_allowed)
        .layer(axum::Extension(limits::Budgets {
            filing: filing.clone(),
            tracking: tracking.clone(),
        }))
        .layer(axum::middleware::from_fn(csrf::same_origin))
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            policy,
            headers::policy,
        ))
        .with_state(state)
}

/// A staff member or administrator, from `Authorization: Bearer <token>`.
pub struct StaffActor(pub Actor);

impl FromRequestParts<AppState> for StaffActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized)?;
        match state.store.actor_for_token(token.trim()).await? {
            Some(actor) if actor.role != Role::Public => Ok(StaffActor(actor)),
            _ => Err(ApiError::Unauthorized),
        }
    }
}

/// An administrator of the deployment.
pub struct AdminActor(pub Actor);

impl FromRequestParts<AppState> for AdminActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let StaffActor(actor) = StaffActor::from_request_parts(parts, state).await?;
        if actor.role == Role::Admin {
            Ok(AdminActor(actor))
        } else {
            Err(ApiError::NotFound("resource".into()))
        }
    }
}
