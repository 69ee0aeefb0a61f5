//! 登记申请 — `/admin/register`: a request received offline (当面, 邮寄, 平常信函, 传真, 电子邮件,
//! or another online system) registered by the agency's office or head through
//! [`App::register`](gongkai_app::App::register), which decides the receipt date by Art. 31
//! (the day it is handed in; for post the day of signature, for a letter, fax or online the day
//! both sides confirm). The request's fields are the portal form's (Art. 29:
//! [`ApplyFields`], `templates/apply_fields.html`), validated by the same rules with the same
//! Chinese messages next to each field and every value kept. The confirmation shows the
//! 申请编号 and the 查询码 once, offers the 回执 PDF (the portal's `POST /{agency}/receipt`) and
//! prints as a receipt (`@media print`: only the receipt on paper; no JavaScript).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use gongkai_app::AppError;
use gongkai_app::filing::RegistrationInput;
use gongkai_domain::agency::channel_label_zh;
use gongkai_domain::applicant::{ApplicantKind, masked_name};
use gongkai_domain::request::Channel;
use serde::Deserialize;

use super::nav::{Staff, StaffBar, signed_in};
use crate::AppState;
use crate::pages::apply::{
    ApplyFields, ApplyForm, Choice, ChoiceField, Field, FormErrors, SummaryLine, parse_form,
};
use crate::pages::{Chrome, Crumb, FormBody, PageError, Viewer, render, render_private};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/register", get(form).post(submit))
}

/// The fields a registration adds to the request form's, in the form's order (its error
/// summary's first lines).
const FIELDS: [(&str, &str); 4] = [
    ("channel", "申请渠道"),
    ("arrived_on", "申请到达日期"),
    ("confirmed_on", "签收或者确认日期"),
    ("department_id", "承办部门"),
];

/// What a registration posts beyond the request form ([`ApplyForm`], read from the same body).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RegisterExtra {
    channel: String,
    arrived_on: String,
    confirmed_on: String,
    department_id: String,
}

#[derive(Template)]
#[template(path = "admin_register.html")]
struct RegisterPage {
    chrome: Chrome,
    staff: StaffBar,
    agency: String,
    summary: Vec<SummaryLine>,
    channel: ChoiceField,
    arrived_on: Field,
    confirmed_on: Field,
    department: Option<ChoiceField>,
    fields: ApplyFields,
}

#[derive(Template)]
#[template(path = "admin_register_done.html")]
struct DonePage {
    chrome: Chrome,
    staff: StaffBar,
    slug: String,
    agency: String,
    number: String,
    query_code: String,
    channel: &'static str,
    applicant: String,
    description: String,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
    due_provisional: bool,
}

fn chrome(viewer: &Viewer, here: &str) -> Chrome {
    Chrome::site(viewer).crumbs(vec![Crumb::link("收件箱", "/admin/"), Crumb::here(here)])
}

/// How the registration names a channel: as the guide does, but an online request registered
/// here came through another online system (the portal files its own).
fn registered_channel_zh(c: Channel) -> &'static str {
    match c {
        Channel::Online => "互联网渠道（其他网上系统）",
        other => channel_label_zh(other),
    }
}

fn label_of(name: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, l)| l)
}

fn date_field(name: &'static str, value: &str, errors: &FormErrors, hint: &'static str) -> Field {
    Field {
        name,
        label: label_of(name),
        value: value.chars().take(40).collect(),
        error: errors.get(name),
        hint: Some(hint),
        required: false,
        input_type: "date",
        autocomplete: "off",
    }
}

fn select(
    name: &'static str,
    current: &str,
    errors: &FormErrors,
    hint: Option<&'static str>,
    options: impl Iterator<Item = (String, String)>,
) -> ChoiceField {
    ChoiceField {
        name,
        label: label_of(name),
        error: errors.get(name),
        hint,
        options: options
            .map(|(value, label)| Choice {
                selected: value == current,
                value,
                label,
            })
            .collect(),
    }
}

/// The agency the staff member registers for: its own, if it does the agency's work (the
/// office, the head); anyone else is refused as [`App::register`](gongkai_app::App::register)
/// would refuse it (a 404, as for every agency one does not act for).
async fn own_agency(
    state: &AppState,
    staff: &Staff,
) -> Result<(gongkai_store::Agency, Vec<gongkai_store::Department>), PageError> {
    let slug = staff.agency_slug.as_deref().ok_or(PageError::NotFound)?;
    let agency = state.app.own_agency(slug, &staff.actor).await?;
    let (_, departments) = state.app.agency_with_departments(&agency.slug).await?;
    Ok((agency, departments))
}

impl RegisterPage {
    fn new(
        viewer: &Viewer,
        staff: &Staff,
        agency: &str,
        departments: &[gongkai_store::Department],
        form: &ApplyForm,
        extra: &RegisterExtra,
        errors: &FormErrors,
    ) -> Self {
        let department = (!departments.is_empty()).then(|| {
            let mut field = select(
                "department_id",
                extra.department_id.trim(),
                errors,
                Some("可暂不分配，由公开办在办理时分配"),
                departments
                    .iter()
                    .map(|d| (d.id.to_string(), d.name.clone())),
            );
            field.options.insert(
                0,
                Choice {
                    value: String::new(),
                    label: "暂不分配".into(),
                    selected: extra.department_id.trim().is_empty(),
                },
            );
            field
        });
        RegisterPage {
            chrome: chrome(viewer, "登记申请"),
            staff: staff.bar_at("/admin/register"),
            agency: agency.to_string(),
            summary: errors.summary(),
            channel: select(
                "channel",
                extra.channel.trim(),
                errors,
                Some(
                    "当面提交的，以提交之日为收到申请之日；邮寄的，以签收之日为准；平常信函、传真、互联网渠道，以双方确认之日为准；电子邮件，以邮件系统收到之日为准（《条例》第三十一条）",
                ),
                Channel::ALL
                    .iter()
                    .filter(|c| **c != Channel::Online)
                    .chain(std::iter::once(&Channel::Online))
                    .map(|c| (c.code().to_string(), registered_channel_zh(*c).to_string())),
            ),
            arrived_on: date_field(
                "arrived_on",
                &extra.arrived_on,
                errors,
                "申请送达本机关的日期；不填即为今天",
            ),
            confirmed_on: date_field(
                "confirmed_on",
                &extra.confirmed_on,
                errors,
                "邮寄的填写签收日期；平常信函、传真、互联网渠道填写与申请人双方确认的日期",
            ),
            department,
            fields: ApplyFields::new(form, errors),
        }
    }
}

/// `GET /admin/register`: the empty form.
async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let staff = match signed_in(&state, &headers).await? {
        Ok(staff) => staff,
        Err(redirect) => return Ok(redirect),
    };
    let (agency, departments) = own_agency(&state, &staff).await?;
    Ok(render(&RegisterPage::new(
        &viewer,
        &staff,
        &agency.name,
        &departments,
        &ApplyForm::default(),
        &RegisterExtra::default(),
        &FormErrors::default(),
    )))
}

/// `POST /admin/register`: registers the request and shows its 申请编号, 查询码 and 回执, or the
/// form again with the errors next to their fields (422). The confirmation is the answer
/// itself (the 查询码 must not be in an address).
async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    let staff = match signed_in(&state, &headers).await? {
        Ok(staff) => staff,
        Err(redirect) => return Ok(redirect),
    };
    let (agency, departments) = own_agency(&state, &staff).await?;
    let form: ApplyForm = parse_form(&body);
    let extra: RegisterExtra = parse_form(&body);
    let mut filing = form.input();
    filing.channel = extra.channel.trim().to_string();
    let department_id = match extra.department_id.trim() {
        "" => Ok(None),
        text => text.parse::<i64>().map(Some),
    };
    let errors = match department_id {
        Err(_) => FormErrors::with_fields(
            &[
                gongkai_domain::DomainError::invalid("department_id", "is not a number")
                    .zh("请选择本机关的承办部门"),
            ],
            &FIELDS,
        ),
        Ok(department_id) => {
            let input = RegistrationInput {
                filing,
                arrived_on: Some(extra.arrived_on.clone()),
                confirmed_on: Some(extra.confirmed_on.clone()),
                department_id,
            };
            match state.app.register(&agency.slug, &input, &staff.actor).await {
                Ok(created) => {
                    let kind = ApplicantKind::from_code(&form.applicant_kind)
                        .unwrap_or(ApplicantKind::NaturalPerson);
                    let page = DonePage {
                        chrome: chrome(&viewer, "申请已登记"),
                        staff: staff.bar_at(""),
                        slug: agency.slug.clone(),
                        agency: agency.name.clone(),
                        number: created.number,
                        query_code: created.query_code,
                        channel: Channel::from_code(&input.filing.channel)
                            .map_or("", registered_channel_zh),
                        applicant: masked_name(kind, &form.applicant_name),
                        description: form.description.trim().to_string(),
                        received_on: created.received_on,
                        due_on: created.due_on,
                        due_provisional: created.due_provisional,
                    };
                    return Ok(render_private(&page));
                }
                Err(AppError::Invalid(errors)) => FormErrors::with_fields(&errors, &FIELDS),
                Err(AppError::Conflict(_)) => {
                    FormErrors::single("form", "系统繁忙，申请未能登记，请稍后重新提交")
                }
                Err(other) => return Err(other.into()),
            }
        }
    };
    let page = RegisterPage::new(
        &viewer,
        &staff,
        &agency.name,
        &departments,
        &form,
        &extra,
        &errors,
    );
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}
