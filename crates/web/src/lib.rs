//! gongkai-web — the HTTP layer: routes, extractors, the JSON API and its OpenAPI document.
//! Handlers validate input into domain types and call the [`Store`]; they hold no SQL.

pub mod api;
pub mod error;
pub mod openapi;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::routing::{get, post};
use gongkai_store::{Actor, Role, Store};
use serde::de::DeserializeOwned;
use tower_http::trace::TraceLayer;

pub use error::{ApiError, FieldError};

/// Today's date: the domain's clock, re-exported for the app state and tests.
pub use gongkai_domain::clock::{ChinaClock, Clock, FixedClock};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> Self {
        AppState {
            store,
            clock: Arc::new(ChinaClock),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    use api::{admin, public, reports, staff};
    Router::new()
        .route("/health", get(public::health))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/deadline", get(public::deadline))
        .route("/api/v1/agencies", get(public::list_agencies))
        .route("/api/v1/agencies/{agency}", get(public::get_agency))
        .route(
            "/api/v1/agencies/{agency}/requests",
            post(public::file_request),
        )
        .route("/api/v1/requests/{number}", get(public::track_request))
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
        .route("/api/v1/admin/calendar", post(admin::import_calendar))
        .route("/api/v1/admin/audit-log", get(admin::audit_log))
        .route(
            "/api/v1/admin/audit-log/verify",
            get(admin::verify_audit_log),
        )
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// JSON body extractor whose errors name the field (path) and the problem, as a 400 in the
/// API's error shape.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::Malformed(FieldError {
                field: "body".into(),
                rule: e.to_string(),
            })
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut de)
            .map(JsonBody)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." || path.is_empty() {
                    "body".to_string()
                } else {
                    path
                };
                ApiError::Malformed(FieldError {
                    field,
                    rule: e.into_inner().to_string(),
                })
            })
    }
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

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
