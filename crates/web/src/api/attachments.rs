//! 附件 — a request's attachments for the staff who see it: upload (the raw file as the body,
//! its type as `Content-Type`, its name and purpose in the query: the one API body that is not
//! JSON, so a file is never inflated by base64), list, download. The rules are the domain's
//! ([`gongkai_domain::attachment`]) and the application's ([`gongkai_app::attachments`]).

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use gongkai_store::attachments::AttachmentInfo;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{BodyError, read_body};
use crate::{ApiError, AppState, FieldError, Path, Query, StaffActor};

/// The route of uploads, whose body is the file itself (see [`crate::headers`]).
pub const UPLOAD_ROUTE: &str = "/api/v1/staff/requests/{number}/attachments";

/// Whether `path` is an upload to [`UPLOAD_ROUTE`] (its body is not JSON).
pub fn is_upload(path: &str) -> bool {
    path.strip_prefix("/api/v1/staff/requests/")
        .and_then(|rest| rest.strip_suffix("/attachments"))
        .is_some_and(|number| !number.is_empty() && !number.contains('/'))
}

/// An attachment as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentBody {
    pub id: i64,
    /// `application` (申请材料), `enclosure` (答复附件) or `other` (其他材料).
    pub purpose: String,
    pub purpose_zh: String,
    /// The file name as kept (cleaned; its extension the type's).
    pub name: String,
    /// The MIME type recognised from the content.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the file (hex); it is served only while its bytes hash to this.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

impl From<AttachmentInfo> for AttachmentBody {
    fn from(a: AttachmentInfo) -> Self {
        AttachmentBody {
            id: a.id,
            purpose: a.purpose.code().to_string(),
            purpose_zh: a.purpose.name_zh().to_string(),
            name: a.name,
            content_type: a.file_type.mime().to_string(),
            size: a.size,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by,
            uploaded_at: a.uploaded_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name (UTF-8, percent-encoded); cleaned to one safe segment with the type's
    /// extension.
    #[serde(default)]
    pub name: String,
    /// `application` (the default), `enclosure` or `other`.
    pub purpose: Option<String>,
}

/// The 413 of a file above 20 MiB.
pub(crate) fn too_large() -> ApiError {
    let e = gongkai_domain::attachment::too_large();
    ApiError::TooLarge(FieldError::from(&e))
}

/// Upload an attachment: the file is the body (at most 20 MiB), `Content-Type` its type (PDF,
/// DOCX, XLSX, JPEG, PNG or OFD; it must be what the content is).
#[utoipa::path(
    post, path = "/api/v1/staff/requests/{number}/attachments", tag = "staff",
    params(("number" = String, Path, description = "申请编号"), UploadQuery),
    request_body(description = "the file itself", content(
        (Vec<u8> = "application/pdf"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<u8> = "image/jpeg"),
        (Vec<u8> = "image/png"),
        (Vec<u8> = "application/ofd"),
    )),
    security(("token" = [])),
    responses(
        (status = 201, body = AttachmentBody),
        (status = 403, description = "a supervisor only reads", body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 413, description = "larger than 20 MiB", body = crate::error::ErrorBody),
        (status = 422, description = "not an accepted type, or not the declared one", body = crate::error::ErrorBody),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(number): Path<String>,
    Query(q): Query<UploadQuery>,
    req: Request,
) -> Result<(StatusCode, Json<AttachmentBody>), ApiError> {
    let declared = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = read_body(req, &state).await.map_err(|e| match e {
        BodyError::TimedOut => ApiError::Timeout,
        BodyError::TooLarge => too_large(),
        BodyError::Unreadable(rule) => ApiError::Malformed(FieldError::new("body", rule)),
    })?;
    let input = gongkai_app::AttachmentInput {
        name: q.name,
        declared_type: declared,
        purpose: q.purpose,
        bytes: bytes.to_vec(),
    };
    let info = state.app.add_attachment(&number, input, &actor).await?;
    Ok((StatusCode::CREATED, Json(AttachmentBody::from(info))))
}

/// A request's attachments, oldest first.
#[utoipa::path(
    get, path = "/api/v1/staff/requests/{number}/attachments", tag = "staff",
    params(("number" = String, Path, description = "申请编号")),
    security(("token" = [])),
    responses((status = 200, body = Vec<AttachmentBody>), (status = 404, body = crate::error::ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(number): Path<String>,
) -> Result<Json<Vec<AttachmentBody>>, ApiError> {
    let all = state.app.attachments(&number, &actor).await?;
    Ok(Json(
        all.items.into_iter().map(AttachmentBody::from).collect(),
    ))
}

/// One attachment as a download (`Content-Disposition: attachment`), served only while its bytes
/// hash to the recorded SHA-256 (else 500, logged and audited).
#[utoipa::path(
    get, path = "/api/v1/staff/requests/{number}/attachments/{id}", tag = "staff",
    params(
        ("number" = String, Path, description = "申请编号"),
        ("id" = i64, Path, description = "the attachment's id"),
    ),
    security(("token" = [])),
    responses(
        (status = 200, description = "the file", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "application/ofd"),
        )),
        (status = 404, body = crate::error::ErrorBody),
    )
)]
pub async fn download(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((number, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (info, bytes) = state.app.attachment_file(&number, id, &actor).await?;
    Ok(file_response(info, bytes))
}

/// An attachment as a download under its own name.
pub(crate) fn file_response(info: AttachmentInfo, bytes: Vec<u8>) -> Response {
    crate::headers::named_download(bytes, info.file_type.mime(), &info.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_upload_route_is_an_upload() {
        assert!(is_upload(
            "/api/v1/staff/requests/fx-2025-00001/attachments"
        ));
        assert!(!is_upload("/api/v1/staff/requests/fx-2025-00001/events"));
        assert!(!is_upload("/api/v1/staff/requests//attachments"));
        assert!(!is_upload("/api/v1/staff/requests/a/b/attachments"));
        assert!(!is_upload("/api/v1/staff/requests/a/attachments/1"));
    }
}
