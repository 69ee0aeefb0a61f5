//! The OpenAPI document, served at `/api/openapi.json`.
//!
//! The operations come from the handlers' `#[utoipa::path]` annotations; [`document_json`] then
//! adds the error answers every operation can give whatever its handler (the JSON error body
//! of [`crate::error::ErrorBody`]): 400 for an unparsable path or query parameter or body, 408
//! for a request or body too slow, 500; 404 where a path names something (or an admin route,
//! which answers 404 to other tokens); 401 where a token is required; 413, 415 and 422 where a
//! body is taken (415 on every POST and PUT that is sent a non-JSON body); 429 (with `Retry-After`) on the rate-limited public routes.

use std::sync::LazyLock;

use axum::Json;
use serde_json::{Value, json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{admin, public, reports, schemas, settings, staff};
use crate::error::{ErrorBody, FieldError};

struct TokenAuth;

impl Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "gongkai", description = "政府信息公开 — government information disclosure: requests, deadlines, annual reports."),
    paths(
        public::file_request, public::track_request, public::deadline, public::list_agencies, public::get_agency,
        staff::register_request, staff::list_requests, staff::get_request, staff::append_event, staff::personal_data,
        admin::create_agency, admin::add_department, admin::create_token, admin::list_tokens, admin::revoke_token,
        admin::delete_token, admin::import_calendar, admin::audit_log,
        admin::verify_audit_log, settings::get_settings, settings::put_settings,
        reports::current_report, reports::drill_down, reports::save_sections, reports::set_statistic, reports::add_publication,
        reports::create_version, reports::list_versions, reports::approve, reports::publish,
        reports::add_review_case, reports::decide_review_case, reports::published_file,
    ),
    components(schemas(ErrorBody, FieldError, schemas::EventBody, schemas::FeeBasis)),
    modifiers(&TokenAuth),
    tags((name = "public"), (name = "staff"), (name = "reports"), (name = "admin"))
)]
pub struct ApiDoc;

/// Routes limited per client address (429).
const RATE_LIMITED: [(&str, &str); 2] = [
    ("/api/v1/agencies/{agency}/requests", "post"),
    ("/api/v1/requests/{number}", "get"),
];

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// The document with every operation's error answers.
pub fn document_json() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let has_body = op.contains_key("requestBody");
            let secured = op.contains_key("security");
            let mut add = vec![
                (
                    "400",
                    "malformed: a path or query parameter or the body does not parse",
                ),
                ("408", "the request or its body took too long"),
                ("500", "internal error"),
            ];
            if path.contains('{') || path.starts_with("/api/v1/admin") {
                add.push(("404", "not found (or not visible to this token)"));
            }
            if secured {
                add.push(("401", "a valid token is required"));
            }
            if has_body {
                add.push(("413", "the body is too large"));
                add.push(("422", "invalid fields, each named with its rule"));
            }
            if has_body || matches!(method.as_str(), "post" | "put" | "patch") {
                add.push(("415", "a body that is not application/json"));
            }
            let limited = RATE_LIMITED.contains(&(path.as_str(), method.as_str()));
            let responses = op
                .entry("responses")
                .or_insert_with(|| json!({}))
                .as_object_mut();
            let Some(responses) = responses else {
                continue;
            };
            for (status, description) in add {
                responses
                    .entry(status)
                    .or_insert_with(|| error_response(description));
            }
            if limited {
                let mut r = error_response("too many requests from this address");
                r["headers"] = json!({"Retry-After": {
                    "description": "seconds until the next request is allowed",
                    "required": true,
                    "schema": {"type": "integer", "minimum": 1}
                }});
                responses.insert("429".into(), r);
            }
        }
    }
    doc
}

static DOCUMENT: LazyLock<Value> = LazyLock::new(document_json);

pub async fn document() -> Json<Value> {
    Json(DOCUMENT.clone())
}
