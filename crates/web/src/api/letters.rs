//! Letters (告知书): for the agency's staff, a request's letters and their files, and the
//! agency's templates (get, put, reset, preview with a request); for the applicant, a letter
//! addressed to them by number and 查询码 (POSTed, so the code is in no URL). The rules are
//! the domain's ([`gongkai_domain::letter`]) and the application's ([`gongkai_app::letters`]).

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use gongkai_store::letters::LetterInfo;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{ApiError, AppState, JsonBody, Path, StaffActor};

/// A letter as recorded with the event that sent it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterBody {
    /// The event that sent it (1-based seq in the ledger).
    pub event_seq: i64,
    /// `receipt` (受理回执, numbered by the request), `correction`, `extension`, `consultation.third_party`, `consultation.co_maker`,
    /// `fee_notice`, `answer.disclosed`, `answer.partially_disclosed`, `answer.withheld`,
    /// `answer.unable_to_provide`, `answer.not_processed`, `answer.other`.
    pub kind: String,
    pub title: String,
    /// 文号.
    pub letter_no: String,
    /// Addressed to the applicant (a consultation letter is not, and is never shown to them).
    pub to_applicant: bool,
    pub issued_on: chrono::NaiveDate,
    pub pdf_sha256: String,
    pub docx_sha256: String,
}

impl From<LetterInfo> for LetterBody {
    fn from(l: LetterInfo) -> Self {
        LetterBody {
            event_seq: l.event_seq,
            kind: l.kind.code().to_string(),
            title: l.kind.title_zh().to_string(),
            letter_no: l.letter_no,
            to_applicant: l.to_applicant,
            issued_on: l.issued_on,
            pdf_sha256: l.pdf_sha256,
            docx_sha256: l.docx_sha256,
        }
    }
}

/// A letter's file as a download named by its request and event.
pub(crate) fn download(number: &str, info: &LetterInfo, format: &str, bytes: Vec<u8>) -> Response {
    let format = gongkai_store::letters::LetterFormat::from_code(format)
        .unwrap_or(gongkai_store::letters::LetterFormat::Pdf);
    let stem = format!("letter-{}", info.event_seq);
    crate::headers::attachment(bytes, format.mime(), &stem, number, format.code())
}

/// A request's letters, in event order.
#[utoipa::path(
    get, path = "/api/v1/staff/requests/{number}/letters", tag = "staff",
    params(("number" = String, Path, description = "申请编号")),
    security(("token" = [])),
    responses((status = 200, body = Vec<LetterBody>), (status = 404, body = crate::error::ErrorBody))
)]
pub async fn list_letters(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path(number): Path<String>,
) -> Result<Json<Vec<LetterBody>>, ApiError> {
    let letters = state.app.request_letters(&number, &actor).await?;
    Ok(Json(letters.into_iter().map(LetterBody::from).collect()))
}

/// One letter's file (its bytes are checked against the recorded SHA-256 first).
#[utoipa::path(
    get, path = "/api/v1/staff/requests/{number}/letters/{seq}/{format}", tag = "staff",
    params(
        ("number" = String, Path, description = "申请编号"),
        ("seq" = i64, Path, description = "the event that sent the letter"),
        ("format" = String, Path, description = "pdf or docx"),
    ),
    security(("token" = [])),
    responses(
        (status = 200, description = "the letter", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        (status = 404, body = crate::error::ErrorBody),
        (status = 422, description = "not a format", body = crate::error::ErrorBody),
    )
)]
pub async fn letter_file(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((number, seq, format)): Path<(String, i64, String)>,
) -> Result<Response, ApiError> {
    let (info, bytes) = state.app.letter_file(&number, seq, &format, &actor).await?;
    Ok(download(&number, &info, &format, bytes))
}

/// An agency's template of one kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateBody {
    pub kind: String,
    pub title: String,
    /// The text, with `{占位符}` placeholders (`{{` and `}}` write a brace).
    pub body: String,
    /// The agency has not edited it: the default in the binary.
    pub is_default: bool,
    /// The placeholders this kind knows.
    pub placeholders: Vec<String>,
    /// Those it must contain.
    pub required: Vec<String>,
    pub to_applicant: bool,
}

impl From<gongkai_app::letters::TemplateView> for TemplateBody {
    fn from(t: gongkai_app::letters::TemplateView) -> Self {
        TemplateBody {
            kind: t.kind.code().to_string(),
            title: t.title.to_string(),
            body: t.body,
            is_default: t.is_default,
            placeholders: t.placeholders,
            required: t.required,
            to_applicant: t.to_applicant,
        }
    }
}

/// A new template text.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PutTemplateBody {
    /// At most 5000 characters; every placeholder must be one of the kind's.
    #[schema(max_length = 5000)]
    pub body: String,
}

/// The agency's template of `kind` (its own or the default).
#[utoipa::path(
    get, path = "/api/v1/staff/agencies/{agency}/letter-templates/{kind}", tag = "staff",
    params(("agency" = String, Path, description = "agency slug"), ("kind" = String, Path, description = "letter kind")),
    security(("token" = [])),
    responses((status = 200, body = TemplateBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn get_template(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, kind)): Path<(String, String)>,
) -> Result<Json<TemplateBody>, ApiError> {
    Ok(Json(
        state
            .app
            .letter_template(&agency, &kind, &actor)
            .await?
            .into(),
    ))
}

/// Replace the agency's template of `kind`; an unknown placeholder is a 422 naming it.
#[utoipa::path(
    put, path = "/api/v1/staff/agencies/{agency}/letter-templates/{kind}", tag = "staff",
    params(("agency" = String, Path, description = "agency slug"), ("kind" = String, Path, description = "letter kind")),
    request_body = PutTemplateBody,
    security(("token" = [])),
    responses((status = 200, body = TemplateBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn put_template(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, kind)): Path<(String, String)>,
    JsonBody(body): JsonBody<PutTemplateBody>,
) -> Result<Json<TemplateBody>, ApiError> {
    Ok(Json(
        state
            .app
            .set_letter_template(&agency, &kind, &body.body, &actor)
            .await?
            .into(),
    ))
}

/// Drop the agency's template of `kind`: the default applies again.
#[utoipa::path(
    delete, path = "/api/v1/staff/agencies/{agency}/letter-templates/{kind}", tag = "staff",
    params(("agency" = String, Path, description = "agency slug"), ("kind" = String, Path, description = "letter kind")),
    security(("token" = [])),
    responses((status = 200, body = TemplateBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn reset_template(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, kind)): Path<(String, String)>,
) -> Result<Json<TemplateBody>, ApiError> {
    Ok(Json(
        state
            .app
            .reset_letter_template(&agency, &kind, &actor)
            .await?
            .into(),
    ))
}

/// What to preview.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PreviewBody {
    /// 申请编号 of a request of the agency whose facts fill the letter.
    #[schema(max_length = 64)]
    pub number: String,
    /// A template text to try (not stored); the agency's template when absent.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub body: Option<String>,
}

/// A letter's text as it would read.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewResponse {
    pub kind: String,
    pub title: String,
    /// The number as it will look (the serial is allocated when the letter is sent).
    pub number: String,
    pub paragraphs: Vec<String>,
    pub agency: String,
    pub date: String,
}

/// Preview the letter of `kind` for a request of the agency.
#[utoipa::path(
    post, path = "/api/v1/staff/agencies/{agency}/letter-templates/{kind}/preview", tag = "staff",
    params(("agency" = String, Path, description = "agency slug"), ("kind" = String, Path, description = "letter kind")),
    request_body = PreviewBody,
    security(("token" = [])),
    responses((status = 200, body = PreviewResponse), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody))
)]
pub async fn preview(
    State(state): State<AppState>,
    StaffActor(actor): StaffActor,
    Path((agency, kind)): Path<(String, String)>,
    JsonBody(body): JsonBody<PreviewBody>,
) -> Result<Json<PreviewResponse>, ApiError> {
    let p = state
        .app
        .preview_letter(&agency, &kind, &body.number, body.body.as_deref(), &actor)
        .await?;
    Ok(Json(PreviewResponse {
        kind: p.kind.code().to_string(),
        title: p.title,
        number: p.number,
        paragraphs: p.paragraphs,
        agency: p.agency,
        date: p.date,
    }))
}

/// Which letter the applicant asks for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicantLetterBody {
    #[schema(max_length = 64)]
    pub query_code: String,
    /// The event that sent the letter (`letters[].event_seq` of the tracking answer).
    pub event_seq: i64,
    /// `pdf` or `docx`.
    pub format: String,
}

/// A letter addressed to the applicant, by 申请编号 and 查询码. A wrong code, an unknown
/// number and a letter not addressed to the applicant are the same 404.
#[utoipa::path(
    post, path = "/api/v1/agencies/{agency}/requests/{number}/letter", tag = "public",
    params(("agency" = String, Path, description = "agency slug"), ("number" = String, Path, description = "申请编号")),
    request_body = ApplicantLetterBody,
    responses(
        (status = 200, description = "the letter", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        (status = 404, description = "unknown number, wrong query code or no such letter", body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody),
    )
)]
pub async fn applicant_letter(
    State(state): State<AppState>,
    Path((agency, number)): Path<(String, String)>,
    JsonBody(body): JsonBody<ApplicantLetterBody>,
) -> Result<Response, ApiError> {
    let (info, bytes) = state
        .app
        .applicant_letter_file(
            &agency,
            &number,
            &body.query_code,
            body.event_seq,
            &body.format,
        )
        .await?;
    Ok(download(&number, &info, &body.format, bytes))
}
