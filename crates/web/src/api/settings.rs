//! Agency settings (机关设置, admin token): the facts the agency's 公开指南 states (Art. 12) and
//! the site's footer. The keys and their rules are the domain's ([`gongkai_domain::agency`]).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use gongkai_domain::agency::SettingKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};

use crate::{AdminActor, ApiError, AppState, JsonBody, Path};

/// The changes: setting key → value (an empty value clears the key). An unknown key is
/// refused with the list of the known ones.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct SettingsBody(pub BTreeMap<String, String>);

/// The body's schema from the domain's keys: one string property per [`SettingKey`] with its
/// bound, no other property.
impl utoipa::PartialSchema for SettingsBody {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Setting key → value; an empty value clears the key, keys not given stay as they are. \
                 Phone and fax: a landline with area code or a mobile number; postcode: 6 digits; \
                 website and system_link: http(s) addresses; channels: comma-separated in_person, \
                 post_signed, letter, online, fax, email; site_code: 10 characters.",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for key in SettingKey::ALL {
            object = object.property(
                key.code(),
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(key.max_chars()))
                    .description(Some(key.label_zh())),
            );
        }
        object.into()
    }
}

impl ToSchema for SettingsBody {}

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
