//! The OpenAPI document, served at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{admin, public, reports, staff};

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
        admin::verify_audit_log,
        reports::current_report, reports::drill_down, reports::save_sections, reports::set_statistic, reports::add_publication,
        reports::create_version, reports::list_versions, reports::approve, reports::publish,
        reports::add_review_case, reports::decide_review_case, reports::published_file,
    ),
    modifiers(&TokenAuth),
    tags((name = "public"), (name = "staff"), (name = "reports"), (name = "admin"))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
