//! 附件 in the back office: `GET /admin/requests/{number}/attachments` (the list and the upload
//! form on a page of their own), `POST` to the same path (a `multipart/form-data` form with the
//! file and its purpose; CSRF-checked like every form; a body up to 20 MiB and a little), and
//! `GET /admin/requests/{number}/attachments/{id}` (the file as a download). The partial
//! `admin_attachments.html` renders an [`AttachmentsView`]; the request page includes it with a
//! field `attachments: AttachmentsView` (see [`AttachmentsView::of`]).

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use gongkai_app::AppError;
use gongkai_app::attachments::RequestAttachments;
use gongkai_domain::attachment::{MAX_BYTES, Purpose};
use gongkai_store::{Actor, Role};

use crate::pages::{Chrome, Crumb, FormBody, PageError, Viewer, render};
use crate::{AppState, RequestActor};

/// Room for the form's other fields and the multipart framing around a file of [`MAX_BYTES`].
const FORM_SLACK: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/requests/{number}/attachments",
            get(page)
                .post(upload)
                .route_layer(DefaultBodyLimit::max(MAX_BYTES + FORM_SLACK)),
        )
        .route("/admin/requests/{number}/attachments/{id}", get(download))
}

/// One line of the list.
#[derive(Debug, Clone)]
pub struct AttachmentRow {
    pub name: String,
    pub purpose: &'static str,
    pub file_type: &'static str,
    /// `1.2 MB`, `35 KB`.
    pub size: String,
    pub uploaded_by: String,
    /// China time, to the minute.
    pub uploaded_at: String,
    /// The download link.
    pub href: String,
}

/// An option of the purpose list.
#[derive(Debug, Clone)]
pub struct PurposeOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// What the partial `admin_attachments.html` shows: a request's attachments and, for those who
/// handle it, the upload form (with the errors of a failed upload next to their fields and the
/// purpose chosen kept).
#[derive(Debug, Clone)]
pub struct AttachmentsView {
    pub number: String,
    pub items: Vec<AttachmentRow>,
    pub may_add: bool,
    /// Where the form posts.
    pub action: String,
    pub purposes: Vec<PurposeOption>,
    pub file_error: Option<String>,
    pub purpose_error: Option<String>,
    /// Where a successful upload returns (a hidden field): the request page when the partial is
    /// shown there ([`AttachmentsView::returning_to_request`]); else this page.
    pub return_to: Option<String>,
}

impl AttachmentsView {
    /// The view of request `number`'s attachments as the application gave them.
    pub fn of(number: &str, attachments: RequestAttachments) -> Self {
        let base = format!("/admin/requests/{}/attachments", url_segment(number));
        AttachmentsView {
            number: number.to_string(),
            items: attachments
                .items
                .into_iter()
                .map(|a| AttachmentRow {
                    href: format!("{base}/{}", a.id),
                    name: a.name,
                    purpose: a.purpose.name_zh(),
                    file_type: a.file_type.name_zh(),
                    size: size_text(a.size),
                    uploaded_by: a.uploaded_by,
                    uploaded_at: china_time(a.uploaded_at),
                })
                .collect(),
            may_add: attachments.may_add,
            action: base,
            purposes: purpose_options(Purpose::Application.code()),
            file_error: None,
            purpose_error: None,
            return_to: None,
        }
    }

    /// The same view, its form returning to the request page (`/admin/requests/{number}`,
    /// at the attachments) after an upload: what the request page uses when it includes it.
    pub fn returning_to_request(mut self) -> Self {
        self.return_to = Some(request_page(&self.number));
        self
    }
}

/// The request page of `number`.
fn request_page(number: &str) -> String {
    format!("/admin/requests/{}", url_segment(number))
}

/// Where an upload returns: the request page if the form says so (only that page: no other
/// address is followed), else the attachments page.
fn after_upload(number: &str, return_to: Option<&str>) -> String {
    match return_to {
        Some(to) if to == request_page(number) => format!("{to}#attachments"),
        _ => format!("{}/attachments", request_page(number)),
    }
}

fn purpose_options(chosen: &str) -> Vec<PurposeOption> {
    Purpose::ALL
        .into_iter()
        .map(|p| PurposeOption {
            value: p.code(),
            label: p.name_zh(),
            selected: p.code() == chosen,
        })
        .collect()
}

/// A request number as a path segment (numbers are `a-z0-9-`; anything else is dropped).
fn url_segment(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

fn size_text(bytes: i64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / MB),
        b if b >= 1024 => format!("{} KB", (b + 1023) / 1024),
        b => format!("{b} 字节"),
    }
}

fn china_time(t: DateTime<Utc>) -> String {
    (t.naive_utc() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[derive(Template)]
#[template(path = "admin_attachments_page.html")]
struct AttachmentsPage {
    chrome: Chrome,
    attachments: AttachmentsView,
    /// (field id, message) of a failed upload, for the summary on top.
    errors: Vec<(&'static str, String)>,
}

fn chrome(viewer: &Viewer) -> Chrome {
    Chrome::site(viewer).crumbs(vec![Crumb::link("工作台", "/admin/"), Crumb::here("附件")])
}

/// The staff member of the session (`None`: the login page, [`to_login`]).
fn staff(actor: Actor) -> Option<Actor> {
    (actor.role != Role::Public).then_some(actor)
}

fn to_login() -> Response {
    Redirect::to("/admin/login").into_response()
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    RequestActor(actor): RequestActor,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let Some(actor) = staff(actor) else {
        return Ok(to_login());
    };
    let attachments = state.app.attachments(&number, &actor).await?;
    Ok(render(&AttachmentsPage {
        chrome: chrome(&viewer),
        attachments: AttachmentsView::of(&number, attachments),
        errors: Vec::new(),
    }))
}

async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    RequestActor(actor): RequestActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    let Some(actor) = staff(actor) else {
        return Ok(to_login());
    };
    let boundary = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::multipart::boundary)
        .ok_or_else(|| PageError::Unreadable("not multipart/form-data".into()))?;
    let parts = crate::multipart::parse(&body, &boundary)
        .map_err(|why| PageError::Unreadable(why.into()))?;
    let field = |name: &str| parts.iter().find(|p| p.name == name);
    let purpose = field("purpose").map(|p| p.text()).unwrap_or_default();
    let return_to = field("return_to").map(|p| p.text());
    let file = field("file").filter(|p| !p.body.is_empty());
    let result = match file {
        None => Err(AppError::Invalid(vec![
            gongkai_domain::DomainError::invalid("file", "no file chosen").zh("请选择要上传的文件"),
        ])),
        Some(file) => {
            let input = gongkai_app::AttachmentInput {
                name: file.filename.clone().unwrap_or_default(),
                declared_type: file.content_type.clone(),
                purpose: Some(purpose.clone()),
                bytes: file.body.to_vec(),
            };
            state.app.add_attachment(&number, input, &actor).await
        }
    };
    let errors = match result {
        Ok(_) => {
            return Ok(Redirect::to(&after_upload(&number, return_to.as_deref())).into_response());
        }
        Err(AppError::Invalid(errors)) => errors,
        Err(other) => return Err(other.into()),
    };
    let too_large = file.is_some_and(|f| f.body.len() > MAX_BYTES);
    let mut view = AttachmentsView::of(&number, state.app.attachments(&number, &actor).await?);
    view.purposes = purpose_options(&purpose);
    if return_to.as_deref() == Some(request_page(&number).as_str()) {
        view = view.returning_to_request();
    }
    let mut summary = Vec::new();
    for e in &errors {
        let (id, slot) = match e.field() {
            "purpose" => ("purpose", &mut view.purpose_error),
            _ => ("file", &mut view.file_error),
        };
        slot.get_or_insert_with(|| e.reason_zh());
        summary.push((id, e.reason_zh()));
    }
    let status = if too_large {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(&AttachmentsPage {
        chrome: chrome(&viewer),
        attachments: view,
        errors: summary,
    });
    Ok((status, page).into_response())
}

async fn download(
    State(state): State<AppState>,
    RequestActor(actor): RequestActor,
    Path((number, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let Some(actor) = staff(actor) else {
        return Ok(to_login());
    };
    let (info, bytes) = state.app.attachment_file(&number, id, &actor).await?;
    Ok(crate::api::attachments::file_response(info, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(12), "12 字节");
        assert_eq!(size_text(35 * 1024 - 10), "35 KB");
        assert_eq!(size_text(MAX_BYTES as i64), "20.0 MB");
        assert_eq!(url_segment("fx-2025-00001/../x"), "fx-2025-00001x");
        let n = "fx-2025-00001";
        assert_eq!(
            after_upload(n, None),
            "/admin/requests/fx-2025-00001/attachments"
        );
        assert_eq!(
            after_upload(n, Some("/admin/requests/fx-2025-00001")),
            "/admin/requests/fx-2025-00001#attachments"
        );
        for elsewhere in [
            "https://evil.example/",
            "//evil.example",
            "/admin/requests/fx-2025-00002",
        ] {
            assert_eq!(
                after_upload(n, Some(elsewhere)),
                "/admin/requests/fx-2025-00001/attachments"
            );
        }
    }
}
