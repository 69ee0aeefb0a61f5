//! 依申请公开 — the request form (`/{agency}/apply`) with the fields of Art. 29 and no more, the
//! confirmation that shows the 申请编号 and the 查询码 once, and the dated receipt (回执,
//! `POST /{agency}/receipt`).
//!
//! The form's field names are the JSON API's keys flattened (`applicant.id_number` →
//! `applicant_id_number`), so the one validation of the application layer names the same field
//! for both; its Chinese rule is shown next to the field, in the summary at the top, and every
//! entered value is kept. Both the natural-person and the organisation parts are shown (no
//! script needed), each with a legend saying when it applies.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use gongkai_app::{AppError, FilingInput};
use gongkai_domain::DomainError;
use gongkai_domain::applicant::{ApplicantInput, ApplicantKind, IdType};
use gongkai_domain::request::{Delivery, Medium};
use serde::Deserialize;

use super::{Chrome, Crumb, FormBody, PageError, Viewer, render, render_private};
use crate::limits::PageBudgets;
use crate::{AppState, Path};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{agency}/apply", get(form).post(submit))
        .route("/{agency}/receipt", post(receipt))
}

/// The form as posted: every field a string, absent ones empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplyForm {
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id_type: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub applicant_email: String,
    pub applicant_address: String,
    pub applicant_org_code: String,
    pub applicant_legal_representative: String,
    pub applicant_contact_person: String,
    pub description: String,
    pub document_number: String,
    pub index_number: String,
    pub document_title: String,
    pub medium: String,
    pub delivery: String,
}

fn opt(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_string())
}

impl ApplyForm {
    /// The filing the application layer validates. The medium is always stated (an empty
    /// answer is refused), the other optional fields are absent when blank.
    pub fn input(&self) -> FilingInput {
        FilingInput {
            applicant: ApplicantInput {
                kind: self.applicant_kind.clone(),
                name: self.applicant_name.clone(),
                id_type: opt(&self.applicant_id_type),
                id_number: opt(&self.applicant_id_number),
                org_code: opt(&self.applicant_org_code),
                phone: self.applicant_phone.clone(),
                email: opt(&self.applicant_email),
                address: opt(&self.applicant_address),
                legal_representative: opt(&self.applicant_legal_representative),
                contact_person: opt(&self.applicant_contact_person),
            },
            description: self.description.clone(),
            channel: "online".into(),
            delivery: self.delivery.clone(),
            document_number: opt(&self.document_number),
            index_number: opt(&self.index_number),
            document_title: opt(&self.document_title),
            medium: Some(self.medium.clone()),
        }
    }
}

/// A form field's name for a domain error's field (`applicant.id_number` → `applicant_id_number`).
pub fn form_field(domain_field: &str) -> String {
    domain_field.replace('.', "_")
}

/// The labels of the form's fields, in the form's order (the error summary's order too).
const LABELS: [(&str, &str); 16] = [
    ("applicant_kind", "申请人类型"),
    ("applicant_name", "姓名或者名称"),
    ("applicant_phone", "联系电话"),
    ("applicant_email", "电子邮箱"),
    ("applicant_address", "通信地址"),
    ("applicant_id_type", "身份证件类型"),
    ("applicant_id_number", "身份证件号码"),
    ("applicant_org_code", "统一社会信用代码"),
    ("applicant_legal_representative", "法定代表人"),
    ("applicant_contact_person", "联系人"),
    ("description", "所需政府信息的内容描述"),
    ("document_number", "文号"),
    ("index_number", "索引号"),
    ("document_title", "标题"),
    ("medium", "载体形式"),
    ("delivery", "获取方式"),
];

fn label_of(name: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("申请", |(_, l)| l)
}

/// The Chinese errors of a submission, by form field (the first error of each field).
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    by_field: HashMap<String, String>,
    /// Fields of a form beyond the request form's (staff registration: channel, dates,
    /// department), in its order, summarised first.
    extra: &'static [(&'static str, &'static str)],
}

/// One line of the error summary: a link to the field.
#[derive(Debug, Clone)]
pub struct SummaryLine {
    pub name: String,
    /// The id the line links to: the field's input (the first choice of a radio group).
    pub target: String,
    pub label: &'static str,
    pub message: String,
}

impl FormErrors {
    pub fn of(errors: &[DomainError]) -> Self {
        Self::with_fields(errors, &[])
    }

    /// [`FormErrors::of`] for a form with the request form's fields and `extra` ones (name,
    /// label), which come first in its summary.
    pub fn with_fields(
        errors: &[DomainError],
        extra: &'static [(&'static str, &'static str)],
    ) -> Self {
        let mut by_field = HashMap::new();
        for e in errors {
            let name = form_field(e.field());
            let name = if LABELS.iter().chain(extra).any(|(n, _)| *n == name) {
                name
            } else {
                // A rule on something the form does not show (e.g. the channel): in the summary.
                "form".to_string()
            };
            by_field.entry(name).or_insert_with(|| e.reason_zh());
        }
        FormErrors { by_field, extra }
    }

    pub fn single(name: &str, message: impl Into<String>) -> Self {
        let mut by_field = HashMap::new();
        by_field.insert(name.to_string(), message.into());
        FormErrors {
            by_field,
            extra: &[],
        }
    }

    pub fn get(&self, name: &str) -> Option<String> {
        self.by_field.get(name).cloned()
    }

    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty()
    }

    /// The summary, in the form's order; errors not tied to a field come first.
    pub fn summary(&self) -> Vec<SummaryLine> {
        let mut lines = Vec::new();
        if let Some(m) = self.by_field.get("form") {
            lines.push(SummaryLine {
                target: "form".into(),
                name: "form".into(),
                label: "申请",
                message: m.clone(),
            });
        }
        for &(name, label) in self.extra.iter().chain(LABELS.iter()) {
            if let Some(m) = self.by_field.get(name) {
                let target = match name {
                    "medium" => format!("medium-{}", Medium::ALL[0].code()),
                    "delivery" => format!("delivery-{}", Delivery::ALL[0].code()),
                    _ => name.to_string(),
                };
                lines.push(SummaryLine {
                    target,
                    name: name.into(),
                    label,
                    message: m.clone(),
                });
            }
        }
        lines
    }
}

/// A text input with its label, hint and error.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub error: Option<String>,
    pub hint: Option<&'static str>,
    pub required: bool,
    pub input_type: &'static str,
    pub autocomplete: &'static str,
}

/// One option of a select or a radio group.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A select or radio group with its label, hint and error.
#[derive(Debug, Clone)]
pub struct ChoiceField {
    pub name: &'static str,
    pub label: &'static str,
    pub error: Option<String>,
    pub hint: Option<&'static str>,
    pub options: Vec<Choice>,
}

struct Builder<'a> {
    form: &'a ApplyForm,
    errors: &'a FormErrors,
}

impl Builder<'_> {
    fn text(
        &self,
        name: &'static str,
        value: &str,
        required: bool,
        input_type: &'static str,
        autocomplete: &'static str,
        hint: Option<&'static str>,
    ) -> Field {
        Field {
            name,
            label: label_of(name),
            value: value.to_string(),
            error: self.errors.get(name),
            hint,
            required,
            input_type,
            autocomplete,
        }
    }

    fn choice(
        &self,
        name: &'static str,
        current: &str,
        options: Vec<(&'static str, &'static str)>,
        hint: Option<&'static str>,
    ) -> ChoiceField {
        ChoiceField {
            name,
            label: label_of(name),
            error: self.errors.get(name),
            hint,
            options: options
                .into_iter()
                .map(|(value, label)| Choice {
                    value: value.into(),
                    label: label.into(),
                    selected: value == current,
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    chrome: Chrome,
    slug: String,
    agency: String,
    summary: Vec<SummaryLine>,
    fields: ApplyFields,
}

impl ApplyPage {
    fn new(
        chrome: Chrome,
        slug: &str,
        agency: &str,
        form: &ApplyForm,
        errors: &FormErrors,
    ) -> Self {
        ApplyPage {
            chrome,
            slug: slug.to_string(),
            agency: agency.to_string(),
            summary: errors.summary(),
            fields: ApplyFields::new(form, errors),
        }
    }
}

/// The Art. 29 fields of a request, with their values and errors: the portal's form and the
/// staff registration show them alike (`templates/apply_fields.html`).
#[derive(Debug, Clone)]
pub struct ApplyFields {
    pub kind: ChoiceField,
    pub common: Vec<Field>,
    pub id_type: ChoiceField,
    pub person: Vec<Field>,
    pub organisation: Vec<Field>,
    pub description: Field,
    pub sought: Vec<Field>,
    pub medium: ChoiceField,
    pub delivery: ChoiceField,
}

impl ApplyFields {
    pub fn new(form: &ApplyForm, errors: &FormErrors) -> Self {
        let b = Builder { form, errors };
        let f = b.form;
        let id_type_current = if f.applicant_id_type.is_empty() {
            IdType::ResidentId.code()
        } else {
            f.applicant_id_type.as_str()
        };
        ApplyFields {
            kind: b.choice(
                "applicant_kind",
                &f.applicant_kind,
                ApplicantKind::ALL
                    .iter()
                    .map(|k| (k.code(), k.label_zh()))
                    .collect(),
                Some("“其他”指商业企业、科研机构、社会公益组织、法律服务机构以外的法人或者其他组织"),
            ),
            common: vec![
                b.text(
                    "applicant_name",
                    &f.applicant_name,
                    true,
                    "text",
                    "name",
                    Some("自然人填写姓名；法人或者其他组织填写单位全称"),
                ),
                b.text("applicant_phone", &f.applicant_phone, true, "tel", "tel", Some("手机号码，或带区号的固定电话，如 0411-82345678")),
                b.text("applicant_email", &f.applicant_email, false, "email", "email", Some("选择以电子邮件获取的必填")),
                b.text(
                    "applicant_address",
                    &f.applicant_address,
                    false,
                    "text",
                    "street-address",
                    Some("选择邮寄的必填"),
                ),
            ],
            id_type: b.choice(
                "applicant_id_type",
                id_type_current,
                IdType::ALL.iter().map(|t| (t.code(), t.label_zh())).collect(),
                None,
            ),
            person: vec![b.text(
                "applicant_id_number",
                &f.applicant_id_number,
                false,
                "text",
                "off",
                Some("自然人必填。居民身份证为18位，最后一位可能是X"),
            )],
            organisation: vec![
                b.text(
                    "applicant_org_code",
                    &f.applicant_org_code,
                    false,
                    "text",
                    "off",
                    Some("法人或者其他组织必填。18位，见营业执照或登记证书"),
                ),
                b.text(
                    "applicant_legal_representative",
                    &f.applicant_legal_representative,
                    false,
                    "text",
                    "off",
                    None,
                ),
                b.text(
                    "applicant_contact_person",
                    &f.applicant_contact_person,
                    false,
                    "text",
                    "name",
                    None,
                ),
            ],
            description: b.text(
                "description",
                &f.description,
                true,
                "textarea",
                "off",
                Some("请写明所需政府信息的名称、文号或者便于查询的其他特征性描述（《条例》第二十九条）"),
            ),
            sought: vec![
                b.text("document_number", &f.document_number, false, "text", "off", Some("知道的请填写，如 阜政发〔2024〕3号")),
                b.text("index_number", &f.index_number, false, "text", "off", Some("知道的请填写（政府信息公开目录中的索引号）")),
                b.text("document_title", &f.document_title, false, "text", "off", Some("知道的请填写")),
            ],
            medium: b.choice(
                "medium",
                &f.medium,
                Medium::ALL.iter().map(|m| (m.code(), m.label_zh())).collect(),
                Some("指定提供政府信息的形式要求（《条例》第二十九条第三项）"),
            ),
            delivery: b.choice(
                "delivery",
                &f.delivery,
                Delivery::ALL
                    .iter()
                    .map(|d| (d.code(), d.label_zh()))
                    .collect(),
                None,
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "apply_done.html")]
struct DonePage {
    chrome: Chrome,
    slug: String,
    agency: String,
    number: String,
    query_code: String,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
    due_provisional: bool,
}

fn chrome_for(viewer: &Viewer, slug: &str, name: &str, here: &str) -> Chrome {
    Chrome::agency(viewer, slug, name).crumbs(vec![Crumb::here(here)])
}

/// `GET /{agency}/apply`: the empty form.
async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let agency = state.app.agency(&slug).await?;
    let chrome = chrome_for(&viewer, &agency.slug, &agency.name, "依申请公开");
    Ok(render(&ApplyPage::new(
        chrome,
        &agency.slug,
        &agency.name,
        &ApplyForm::default(),
        &FormErrors::default(),
    )))
}

/// A form body as posted; an unreadable one is an empty form (every required field missing).
pub fn parse_form<T: Default + serde::de::DeserializeOwned>(body: &[u8]) -> T {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// `POST /{agency}/apply`: files the request, or shows the form again with the errors (422).
/// The confirmation is the answer itself (no redirect: the code must not be in a URL).
async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    budgets: PageBudgets,
    Path(slug): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    budgets
        .filing()
        .map_err(|retry_after_secs| PageError::TooManyRequests { retry_after_secs })?;
    let agency = state.app.agency(&slug).await?;
    let form: ApplyForm = parse_form(&body);
    let errors = match state.app.file_online(&agency.slug, &form.input()).await {
        Ok(created) => {
            let chrome = chrome_for(&viewer, &agency.slug, &agency.name, "申请已提交");
            let page = DonePage {
                chrome,
                slug: agency.slug.clone(),
                agency: agency.name.clone(),
                number: created.number,
                query_code: created.query_code,
                received_on: created.received_on,
                due_on: created.due_on,
                due_provisional: created.due_provisional,
            };
            return Ok(render_private(&page));
        }
        Err(AppError::Invalid(errors)) => FormErrors::of(&errors),
        Err(AppError::Conflict(_)) => {
            FormErrors::single("form", "系统繁忙，申请未能提交，请稍后重新提交")
        }
        Err(other) => return Err(other.into()),
    };
    let chrome = chrome_for(&viewer, &agency.slug, &agency.name, "依申请公开");
    let page = ApplyPage::new(chrome, &agency.slug, &agency.name, &form, &errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// The receipt form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    pub number: String,
    pub query_code: String,
}

/// `POST /{agency}/receipt`: the dated receipt as a PDF download; a wrong number or code is the
/// page of an unknown request (the tracking page's answer).
async fn receipt(
    State(state): State<AppState>,
    viewer: Viewer,
    budgets: PageBudgets,
    Path(slug): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    let form = super::track::code_lookup(&budgets, &body)?;
    let (number, code) = (form.number.as_str(), form.query_code.as_str());
    match state.app.receipt_pdf(&slug, number, code).await {
        Ok(pdf) => Ok(crate::headers::attachment(
            pdf,
            "application/pdf",
            "receipt",
            number,
            "pdf",
        )),
        Err(AppError::NotFound(_)) => super::track::unknown_request(&state, &viewer, &slug).await,
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_fields_are_the_form_fields() {
        assert_eq!(form_field("applicant.id_number"), "applicant_id_number");
        assert_eq!(form_field("delivery"), "delivery");
        for (name, _) in LABELS {
            assert!(!name.contains('.'));
        }
    }

    #[test]
    fn a_field_keeps_its_first_error_and_others_go_to_the_summary() {
        let errors = FormErrors::of(&[
            DomainError::invalid("applicant.phone", "x").zh("请填写联系电话"),
            DomainError::invalid("applicant.phone", "y").zh("第二条"),
            DomainError::invalid("channel", "z").zh("渠道"),
        ]);
        assert_eq!(
            errors.get("applicant_phone").as_deref(),
            Some("请填写联系电话")
        );
        let summary = errors.summary();
        assert_eq!(summary[0].name, "form");
        assert_eq!(summary[1].name, "applicant_phone");
    }
}
