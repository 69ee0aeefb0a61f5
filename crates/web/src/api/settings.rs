//! Agency settings (机关设置, admin token): the facts the agency's 公开指南 states (Art. 12) and
//! the site's footer. The keys and their rules are the domain's ([`gongkai_domain::agency`]).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{AdminActor, ApiError, AppState, JsonBody, Path};

/// The changes: setting key → value; an empty value clears the key, keys not given stay as
/// they are. Keys: office_name, office_address, postal_address, postcode (6 digits),
/// office_hours, phone and fax (a landline with area code or a mobile number), email, website
/// (http/https), channels (comma-separated: in_person, post_signed, letter, online, fax, email),
/// review_body (行政复议机关), court, sponsor (主办), organiser (承办), site_code (网站标识码, 10
/// characters), icp, police (公安备案号), system_text (政府信息公开制度, at most 2000 characters),
/// system_link. An unknown key is refused with the list of the known ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct SettingsBody(pub BTreeMap<String, String>);

/// An agency's settings: only the keys that are set.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsResponse {
    /// The agency's slug.
    pub agency: String,
    pub settings: BTreeMap<String, String>,
}

/// An agency's settings.
#[utoipa::path(
    get, path = "/api/v1/admin/agencies/{agency}/settings", tag = "admin",
    params(("agency" = String, Path, description = "agency slug")), security(("token" = [])),
    responses((status = 200, body = SettingsResponse))
)]
pub async fn get_settings(
    State(state): State<AppState>,
    AdminActor(_actor): AdminActor,
    Path(agency): Path<String>,
) -> Result<Json<SettingsResponse>, ApiError> {
    let agency = state.app.agency(&agency).await?;
    let settings = state.app.agency_settings(&agency).await?;
    Ok(Json(SettingsResponse {
        agency: agency.slug,
        settings: settings.to_map(),
    }))
}

/// Set (or clear) some of an agency's settings; every key is validated first and every bad one
/// named. Audited.
#[utoipa::path(
    put, path = "/api/v1/admin/agencies/{agency}/settings", tag = "admin",
    params(("agency" = String, Path, description = "agency slug")), request_body = SettingsBody, security(("token" = [])),
    responses((status = 200, description = "the settings after the change", body = SettingsResponse))
)]
pub async fn put_settings(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(agency): Path<String>,
    JsonBody(body): JsonBody<SettingsBody>,
) -> Result<Json<SettingsResponse>, ApiError> {
    let (agency, settings) = state
        .app
        .set_agency_settings(
            &agency,
            body.0.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &actor,
        )
        .await?;
    Ok(Json(SettingsResponse {
        agency: agency.slug,
        settings: settings.to_map(),
    }))
}
