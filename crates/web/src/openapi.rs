//! The OpenAPI document, served at `/api/openapi.json`.
//!
//! The operations come from the handlers' `#[utoipa::path]` annotations, each route declared once
//! with its documentation (`utoipa_axum::routes!` in [`crate::router`]); [`document_json`] then
//! adds the error answers every operation can give whatever its handler (the JSON error body
//! of [`crate::error::ErrorBody`]): 400 for an unparsable path or query parameter or body, 408
//! for a request or body too slow, 500; 404 where a path names something (or an admin route,
//! which answers 404 to other tokens); 401 where a token is required; 413, 415 and 422 where a
//! body is taken (415 on every POST and PUT that is sent a non-JSON body); 429 (with `Retry-After`) on the rate-limited public routes.

use axum::Json;
use serde_json::{Value, json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::schemas;
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

/// The document of the routes (collected by [`crate::router`] from each handler's
/// `#[utoipa::path]`, declared once with its route) with every operation's error answers.
pub fn document_json(api: &utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(api).unwrap_or_default();
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

/// The route serving `document` (built once, when the router is).
pub fn document_route<S: Clone + Send + Sync + 'static>(
    document: Value,
) -> axum::routing::MethodRouter<S> {
    let document = std::sync::Arc::new(document);
    axum::routing::get(move || {
        let document = document.clone();
        async move { Json((*document).clone()) }
    })
}
