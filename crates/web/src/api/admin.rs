//! Administration (an administrator's token): agencies, departments, staff accounts, tokens,
//! the holiday calendar (the system administrator's), roles (the security administrator's), the
//! audit log (the auditor's).

use crate::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use gongkai_domain::calendar::ScheduleFile;
use gongkai_store::{
    Agency, AuditEntry, CalendarImport, Department, NewAgency, TokenInfo, TokenStatus, VerifyReport,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{AdminActor, ApiError, AppState, JsonBody};

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAgencyBody {
    /// URL name: a-z, 0-9 and '-'.
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub name: String,
    /// A people's government (annual report due 31 March) rather than a department.
    #[serde(default)]
    pub is_government: bool,
    #[serde(default)]
    pub departments: Vec<String>,
}

/// Create an agency (with departments).
#[utoipa::path(
    post, path = "/api/v1/admin/agencies", tag = "admin", request_body = NewAgencyBody, security(("token" = [])),
    responses((status = 201, body = super::schemas::Agency), (status = 409, description = "the slug is taken", body = crate::error::ErrorBody))
)]
pub async fn create_agency(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    JsonBody(body): JsonBody<NewAgencyBody>,
) -> Result<(StatusCode, Json<Agency>), ApiError> {
    let new = NewAgency {
        slug: body.slug,
        name: body.name,
        is_government: body.is_government,
    };
    let agency = state
        .app
        .create_agency(new, &body.departments, &actor)
        .await?;
    Ok((StatusCode::CREATED, Json(agency)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDepartmentBody {
    #[serde(default)]
    pub name: String,
}

/// Add a department (承办部门).
#[utoipa::path(
    post, path = "/api/v1/admin/agencies/{agency}/departments", tag = "admin",
    params(("agency" = String, Path, description = "agency slug")), request_body = NewDepartmentBody, security(("token" = [])),
    responses((status = 201, body = super::schemas::Department), (status = 409, description = "the name is taken", body = crate::error::ErrorBody))
)]
pub async fn add_department(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(agency): Path<String>,
    JsonBody(body): JsonBody<NewDepartmentBody>,
) -> Result<(StatusCode, Json<Department>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .app
                .add_department(&agency, &body.name, &actor)
                .await?,
        ),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTokenBody {
    #[serde(default)]
    pub name: String,
    /// office, handler, head or supervisor (administrator tokens are issued on the command
    /// line by the deployment's operator); `staff` is a deprecated alias of office.
    #[serde(default)]
    pub role: String,
    /// The agency a staff token acts for.
    pub agency: Option<String>,
    /// A handler token's department (id or name).
    pub department: Option<String>,
    /// The agencies (slugs) a supervisor token reads.
    #[serde(default)]
    pub supervises: Vec<String>,
    /// Days until the token expires: 1–366, default 90.
    #[schema(minimum = 1, maximum = 366, default = 90)]
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Shown once; stored only as a hash.
    pub token: String,
    pub id: i64,
    pub expires_at: DateTime<Utc>,
}

/// Where a token stands now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

/// A token as listed: never the token or its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// office, handler, head, supervisor, sysadmin, secadmin or auditor.
    pub role: String,
    /// The agency (slug) a staff or head token acts for.
    pub agency: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub status: TokenState,
}

impl TokenView {
    fn of(t: TokenInfo, now: DateTime<Utc>) -> Self {
        let status = match t.status_at(now) {
            TokenStatus::Active => TokenState::Active,
            TokenStatus::Expired => TokenState::Expired,
            TokenStatus::Revoked => TokenState::Revoked,
        };
        TokenView {
            id: t.id,
            name: t.name,
            role: t.role.code().to_string(),
            agency: t.agency,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            status,
        }
    }
}

/// Issue an API token (valid for `expires_in_days`, default 90).
#[utoipa::path(
    post, path = "/api/v1/admin/tokens", tag = "admin", request_body = NewTokenBody, security(("token" = [])),
    responses((status = 201, body = TokenResponse))
)]
pub async fn create_token(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    JsonBody(body): JsonBody<NewTokenBody>,
) -> Result<(StatusCode, Json<TokenResponse>), ApiError> {
    let input = gongkai_app::TokenInput {
        name: body.name,
        role: body.role,
        agency: body.agency,
        department: body.department,
        supervises: body.supervises,
        days: body.expires_in_days,
    };
    let issued = state
        .app
        .issue_token(&input, "expires_in_days", &actor)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse {
            token: issued.token,
            id: issued.info.id,
            expires_at: issued.info.expires_at,
        }),
    ))
}

/// List every API token with its lifetime and status (never the token or its hash).
#[utoipa::path(
    get, path = "/api/v1/admin/tokens", tag = "admin", security(("token" = [])),
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = crate::error::ErrorBody))
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let now = Utc::now();
    let tokens = state.app.tokens(&actor).await?;
    Ok(Json(
        tokens.into_iter().map(|t| TokenView::of(t, now)).collect(),
    ))
}

/// Revoke a token: it fails (401) from the next request on. Also `DELETE /api/v1/admin/tokens/{id}`.
#[utoipa::path(
    post, path = "/api/v1/admin/tokens/{id}/revoke", tag = "admin",
    params(("id" = i64, Path, description = "token id (from the listing)")), security(("token" = [])),
    responses(
        (status = 200, body = TokenView),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "already revoked", body = crate::error::ErrorBody),
    )
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(id): Path<i64>,
) -> Result<Json<TokenView>, ApiError> {
    let info = state.app.revoke_token(id, &actor).await?;
    Ok(Json(TokenView::of(info, Utc::now())))
}

/// Revoke a token (the same as `POST /api/v1/admin/tokens/{id}/revoke`).
#[utoipa::path(
    delete, path = "/api/v1/admin/tokens/{id}", tag = "admin",
    params(("id" = i64, Path, description = "token id (from the listing)")), security(("token" = [])),
    responses(
        (status = 200, body = TokenView),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "already revoked", body = crate::error::ErrorBody),
    )
)]
pub async fn delete_token(
    state: State<AppState>,
    actor: AdminActor,
    id: Path<i64>,
) -> Result<Json<TokenView>, ApiError> {
    revoke_token(state, actor, id).await
}

/// Import a newer year's holiday notice (the format of `holidays-cn.json`); every open
/// request's deadline is recomputed.
#[utoipa::path(
    post, path = "/api/v1/admin/calendar", tag = "admin", request_body = ScheduleFile, security(("token" = [])),
    responses((status = 200, body = super::schemas::CalendarImport))
)]
pub async fn import_calendar(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> Result<Json<CalendarImport>, ApiError> {
    let file = ScheduleFile::parse(&body.to_string())?;
    Ok(Json(state.app.import_calendar(file, &actor).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    #[serde(default)]
    pub after: i64,
    pub limit: Option<i64>,
}

/// Read the audit log.
#[utoipa::path(
    get, path = "/api/v1/admin/audit-log", tag = "admin", params(AuditQuery), security(("token" = [])),
    responses((status = 200, body = Vec<super::schemas::AuditEntry>))
)]
pub async fn audit_log(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        state
            .app
            .audit_entries(q.after, q.limit.unwrap_or(100), &actor)
            .await?,
    ))
}

/// Verify the audit chain, the ledger rows each entry records and every request's projection:
/// `problems` is empty when all holds; otherwise each names the entry, request and field.
#[utoipa::path(get, path = "/api/v1/admin/audit-log/verify", tag = "admin", security(("token" = [])), responses((status = 200, body = super::schemas::VerifyReport)))]
pub async fn verify_audit_log(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
) -> Result<Json<VerifyReport>, ApiError> {
    Ok(Json(state.app.verify_audit_log(&actor).await?))
}

/// An account to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserBody {
    /// 3-40 characters a-z, 0-9, '.', '_', '-'.
    #[serde(default)]
    pub login: String,
    /// Shown and recorded on events (default: the login).
    pub name: Option<String>,
    /// office, handler, head or supervisor (the administrator roles are given on the command
    /// line by the deployment's operator).
    #[serde(default)]
    pub role: String,
    /// The agency (slug) the account belongs to.
    pub agency: Option<String>,
    /// A handler's department (id or name).
    pub department: Option<String>,
    /// The agencies (slugs) a supervisor reads.
    #[serde(default)]
    pub supervises: Vec<String>,
    /// 12-128 characters; generated and returned once when absent.
    pub password: Option<String>,
}

/// An account as listed: never its password or TOTP secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: String,
    pub agency: Option<String>,
    pub department_id: Option<i64>,
    pub supervised: Vec<i64>,
    /// Whether a TOTP second factor is enrolled.
    pub totp: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<gongkai_store::UserInfo> for UserView {
    fn from(u: gongkai_store::UserInfo) -> Self {
        UserView {
            id: u.id,
            login: u.login,
            name: u.name,
            role: u.role.code().to_string(),
            agency: u.agency,
            department_id: u.department_id,
            supervised: u.supervised,
            totp: u.totp,
            locked_until: u.locked_until,
            disabled: u.disabled,
            created_at: u.created_at,
        }
    }
}

/// An account created or given a new password.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub user: UserView,
    /// The generated password, shown once (absent when one was given).
    pub password: Option<String>,
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordBody {
    /// 12-128 characters; generated and returned once when absent.
    pub password: Option<String>,
}

impl From<gongkai_app::CreatedUser> for UserResponse {
    fn from(done: gongkai_app::CreatedUser) -> Self {
        UserResponse {
            user: done.user.into(),
            password: done.generated_password,
        }
    }
}

/// Create a staff account (the system administrator's).
#[utoipa::path(
    post, path = "/api/v1/admin/users", tag = "admin", request_body = NewUserBody, security(("token" = [])),
    responses((status = 201, body = UserResponse), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn create_user(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    JsonBody(body): JsonBody<NewUserBody>,
) -> Result<(StatusCode, Json<UserResponse>), ApiError> {
    let input = gongkai_app::UserInput {
        login: body.login,
        name: body.name,
        role: body.role,
        agency: body.agency,
        department: body.department,
        supervises: body.supervises,
        password: body.password,
    };
    let done = state.app.create_user(&input, &actor).await?;
    Ok((StatusCode::CREATED, Json(done.into())))
}

/// List every account (the system and the security administrator's).
#[utoipa::path(
    get, path = "/api/v1/admin/users", tag = "admin", security(("token" = [])),
    responses((status = 200, body = Vec<UserView>))
)]
pub async fn list_users(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
) -> Result<Json<Vec<UserView>>, ApiError> {
    let users = state.app.users(&actor).await?;
    Ok(Json(users.into_iter().map(UserView::from).collect()))
}

/// Disable an account: its sessions end at once.
#[utoipa::path(
    post, path = "/api/v1/admin/users/{login}/disable", tag = "admin",
    params(("login" = String, Path, description = "the account's login")), security(("token" = [])),
    responses((status = 200, body = UserView), (status = 404, body = crate::error::ErrorBody))
)]
pub async fn disable_user(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(login): Path<String>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(state.app.disable_user(&login, &actor).await?.into()))
}

/// Give an account a new password (lifts a lock, ends its sessions).
#[utoipa::path(
    post, path = "/api/v1/admin/users/{login}/reset-password", tag = "admin", request_body = PasswordBody,
    params(("login" = String, Path, description = "the account's login")), security(("token" = [])),
    responses((status = 200, body = UserResponse), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn reset_password(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(login): Path<String>,
    JsonBody(body): JsonBody<PasswordBody>,
) -> Result<Json<UserResponse>, ApiError> {
    let done = state
        .app
        .reset_password(&login, body.password.as_deref(), &actor)
        .await?;
    Ok(Json(done.into()))
}

/// Give an account another role (the security administrator's).
#[utoipa::path(
    post, path = "/api/v1/admin/users/{login}/role", tag = "admin", request_body = NewUserBody,
    params(("login" = String, Path, description = "the account's login")), security(("token" = [])),
    responses((status = 200, body = UserView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn set_user_role(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(login): Path<String>,
    JsonBody(body): JsonBody<NewUserBody>,
) -> Result<Json<UserView>, ApiError> {
    let input = gongkai_app::UserInput {
        login,
        name: None,
        role: body.role,
        agency: body.agency,
        department: body.department,
        supervises: body.supervises,
        password: None,
    };
    Ok(Json(
        state.app.set_user_role(&input, &actor).await?.user.into(),
    ))
}
