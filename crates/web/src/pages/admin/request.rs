//! `/admin/requests/{number}` — 申请详情: one request as its staff work on it. The applicant
//! (masked; the clear data for the disclosure office and head with a written reason, audited,
//! shown once in a `no-store` answer), what is sought, the timeline of every event with who
//! recorded it and when, the deadline and its day-by-day explanation, the internal notes
//! (内部备注, never shown to the applicant), the letters (告知书) with their downloads, and a form
//! for each step the ledger allows today ([`CaseState::next_steps`]) — an extension only for
//! the head, others see it disabled with the reason. Every step is posted to
//! [`App::append_event`](gongkai_app::App::append_event), which numbers and renders the letter;
//! a refusal comes back in Chinese next to the field, the values kept. A request the actor may
//! not see is the same 404 page as a missing number.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{FixedOffset, NaiveDate};
use gongkai_app::{AppError, StaffView};
use gongkai_domain::DomainError;
use gongkai_domain::fee::FeeBasis;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::request::{AbandonReason, ConsultedParty, Event, EventKind};
use gongkai_store::letters::LetterInfo;
use gongkai_store::{Actor, PersonalData, RecordedEvent, RequestNote, Role};

use super::cookie_of;
use crate::pages::apply::parse_form;
use crate::pages::{Chrome, Crumb, FormBody, PageError, Viewer, render};
use crate::{AppState, Path};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/requests/{number}", get(show))
        .route("/admin/requests/{number}/steps/{step}", post(record_step))
        .route("/admin/requests/{number}/notes", post(add_note))
        .route("/admin/requests/{number}/personal-data", post(unmask))
}

/// The actor of the session the request carries; without a live session the answer is the
/// way to the login page.
struct SessionActor(Actor);

impl FromRequestParts<AppState> for SessionActor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let actor = match cookie_of(&parts.headers) {
            Some(id) => state
                .app
                .actor_for_session(&id)
                .await
                .map_err(|e| PageError::from(e).into_response())?,
            None => None,
        };
        actor
            .map(SessionActor)
            .ok_or_else(|| Redirect::to("/admin/login").into_response())
    }
}

/// One line of the timeline.
struct TimelineRow {
    seq: i64,
    on: NaiveDate,
    label: &'static str,
    details: Vec<String>,
    by: String,
    at: String,
    voided_by: Option<i64>,
}

/// A letter with its download links.
struct LetterRow {
    title: &'static str,
    letter_no: String,
    issued_on: NaiveDate,
    to_applicant: bool,
    pdf: String,
    docx: String,
}

struct NoteRow {
    body: String,
    by: String,
    at: String,
}

/// A choice of a radio group or select.
struct Choice {
    value: String,
    label: String,
}

/// The outcomes of one group of report table 2 (（一）予以公开 … （六）其他处理).
struct OutcomeGroup {
    label: &'static str,
    choices: Vec<Choice>,
}

/// The form of one step the ledger allows now.
struct StepForm {
    code: &'static str,
    /// The step's URL segment (`deemed_abandoned.no_correction` for the two abandonments).
    slug: String,
    title: &'static str,
    hint: String,
    /// Why this actor cannot take the step (an extension is the head's).
    disabled: Option<&'static str>,
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
    /// An error about the step itself (its stage, its period), above its fields.
    general: Option<String>,
}

impl StepForm {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
    fn id(&self, field: &str) -> String {
        format!("{}-{field}", self.slug.replace('.', "-"))
    }
    fn is(&self, code: &str) -> bool {
        self.code == code
    }
    fn checked(&self, field: &str, value: &str) -> bool {
        self.value(field) == value
    }
    fn form_id(&self) -> String {
        format!("step-{}", self.slug.replace('.', "-"))
    }
}

impl RequestPage {
    /// The error summary: (the id of the field or form, the message).
    fn summary(&self) -> Vec<(String, String)> {
        let mut lines = Vec::new();
        if let Some(e) = &self.unmask_error {
            lines.push((
                "unmask-reason".to_string(),
                format!("查看完整个人信息：{e}"),
            ));
        }
        for step in &self.steps {
            if let Some(e) = &step.general {
                lines.push((step.form_id(), format!("{}：{e}", step.title)));
            }
            let mut fields: Vec<_> = step.errors.iter().collect();
            fields.sort();
            for (field, e) in fields {
                // A radio group is reached through its first choice.
                let target = match field.as_str() {
                    "party" => step.id("party-third_party"),
                    "basis" => step.id("basis-by_pages"),
                    other => step.id(other),
                };
                lines.push((target, format!("{}：{e}", step.title)));
            }
        }
        if let Some(e) = &self.note_error {
            lines.push(("note-body".to_string(), format!("内部备注：{e}")));
        }
        lines
    }
    fn has_errors(&self) -> bool {
        !self.summary().is_empty()
    }
}

#[derive(Template)]
#[template(path = "admin_request.html")]
struct RequestPage {
    chrome: Chrome,
    number: String,
    status: &'static str,
    applicant_kind: &'static str,
    applicant_name: String,
    org_code: Option<String>,
    id_number_masked: Option<String>,
    phone_masked: String,
    clear: Option<ClearData>,
    may_unmask: bool,
    unmask_reason: String,
    unmask_error: Option<String>,
    description: String,
    document_number: Option<String>,
    index_number: Option<String>,
    document_title: Option<String>,
    medium: Option<&'static str>,
    channel: &'static str,
    delivery: &'static str,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
    due_provisional: bool,
    concluded_on: Option<NaiveDate>,
    outcome: Option<&'static str>,
    explanation: Vec<String>,
    /// The other periods running now: (what, last day).
    periods: Vec<(&'static str, NaiveDate)>,
    timeline: Vec<TimelineRow>,
    notes: Vec<NoteRow>,
    /// 附件 — the request's attachments and the upload form (returning here).
    attachments: super::attachments::AttachmentsView,
    may_write: bool,
    note_value: String,
    note_error: Option<String>,
    letters: Vec<LetterRow>,
    steps: Vec<StepForm>,
    outcome_groups: Vec<OutcomeGroup>,
    notice: Option<String>,
}

/// The applicant's data in the clear, shown once.
struct ClearData {
    id_number: Option<String>,
    phone: String,
    email: Option<String>,
    address: Option<String>,
    legal_representative: Option<String>,
    contact_person: Option<String>,
}

impl From<PersonalData> for ClearData {
    fn from(p: PersonalData) -> Self {
        ClearData {
            id_number: p.id_number,
            phone: p.phone,
            email: p.email,
            address: p.address,
            legal_representative: p.legal_representative,
            contact_person: p.contact_person,
        }
    }
}

/// A step's form as posted and refused: its slug, the values typed, the errors by field and
/// the error about the step itself.
struct PostedStep {
    slug: String,
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
    general: Option<String>,
}

/// What a POST asks the page to show again: the step's posted values and errors, the note,
/// the unmasking.
#[derive(Default)]
struct Redisplay {
    step: Option<PostedStep>,
    note: Option<(String, String)>,
    unmask: Option<(String, String)>,
    clear: Option<PersonalData>,
    notice: Option<String>,
}

/// China Standard Time, in which the timeline shows when a step was recorded.
fn china_time(at: chrono::DateTime<chrono::Utc>) -> String {
    let cst =
        FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    at.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string()
}

/// `office:经办人` → `经办人（公开办）`.
fn who(label: &str) -> String {
    match label.split_once(':') {
        Some((role, name)) => match Role::from_code(role) {
            Some(Role::Public) => "申请人（网上提交）".to_string(),
            Some(r) => format!("{name}（{}）", r.name_zh()),
            None => label.to_string(),
        },
        None => label.to_string(),
    }
}

/// An outcome as a row names it, without the group's number: `部分公开`, `属于国家秘密`.
fn outcome_name(o: Outcome) -> &'static str {
    let label = o.label_zh();
    match label
        .strip_prefix('（')
        .and_then(|rest| rest.split_once('）'))
    {
        Some((_, name)) if !name.is_empty() => name,
        _ => label,
    }
}

fn party_zh(p: ConsultedParty) -> &'static str {
    match p {
        ConsultedParty::ThirdParty => "第三方",
        ConsultedParty::CoMakerAgency => "共同制作机关",
    }
}

fn event_label(e: &Event) -> &'static str {
    match e.step() {
        Some(k) => k.label_zh(),
        None => match e {
            Event::Received { .. } => "收到申请",
            _ => "作废",
        },
    }
}

fn event_details(e: &Event) -> Vec<String> {
    match e {
        Event::Received { channel, .. } => vec![format!("申请渠道：{}", channel.label_zh())],
        Event::CorrectionRequested {
            items, correct_by, ..
        } => vec![
            format!("补正内容：{items}"),
            format!("补正期限：{correct_by}"),
        ],
        Event::ConsultationStarted { party, with, .. } => {
            vec![format!("征求{}意见：{with}", party_zh(*party))]
        }
        Event::Extended {
            approver,
            days,
            reason,
            ..
        } => vec![
            format!("延长{days}个工作日，批准人：{approver}"),
            format!("理由：{reason}"),
        ],
        Event::FeeNoticed {
            basis, amount_yuan, ..
        } => {
            let basis = match basis {
                FeeBasis::ByCount { ordinal } => format!("按件计收，本月第{ordinal}件"),
                FeeBasis::ByPages { pages } => format!("按量计收，{pages}页"),
            };
            vec![format!("{basis}，金额{amount_yuan}元")]
        }
        Event::Answered {
            outcome, letter_no, ..
        } => {
            let mut v = vec![format!(
                "办理结果：{}（{}）",
                outcome_name(*outcome),
                outcome.article()
            )];
            if let Some(no) = letter_no {
                v.push(format!("文号：{no}"));
            }
            v
        }
        Event::DeemedAbandoned { reason, .. } => vec![match reason {
            AbandonReason::NoCorrection => "逾期未补正".to_string(),
            AbandonReason::FeeUnpaid => "逾期未缴纳信息处理费".to_string(),
        }],
        Event::Voided { seq, reason, .. } => vec![format!("作废第{seq}项，理由：{reason}")],
        Event::Corrected { .. }
        | Event::ConsultationAnswered { .. }
        | Event::FeePaid { .. }
        | Event::Withdrawn { .. } => Vec::new(),
    }
}

fn timeline(events: &[RecordedEvent]) -> Vec<TimelineRow> {
    events
        .iter()
        .map(|r| TimelineRow {
            seq: r.seq,
            on: r.event.on(),
            label: event_label(&r.event),
            details: event_details(&r.event),
            by: who(&r.actor),
            at: china_time(r.recorded_at),
            voided_by: r.voided_by,
        })
        .collect()
}

/// The groups of the answer's outcome select, as report table 2 groups its rows.
fn outcome_groups() -> Vec<OutcomeGroup> {
    let group_of = |o: Outcome| match o {
        Outcome::Disclosed => "（一）予以公开",
        Outcome::PartiallyDisclosed => "（二）部分公开",
        Outcome::Withheld(_) => "（三）不予公开",
        Outcome::UnableToProvide(_) => "（四）无法提供",
        Outcome::NotProcessed(_) => "（五）不予处理",
        Outcome::Other(_) => "（六）其他处理",
    };
    let mut groups: Vec<OutcomeGroup> = Vec::new();
    for o in Outcome::all().filter(|o| o.is_answer()) {
        let label = group_of(o);
        let choice = Choice {
            value: o.code().to_string(),
            label: format!("{}（{}）", outcome_name(o), o.article()),
        };
        match groups.last_mut() {
            Some(g) if g.label == label => g.choices.push(choice),
            _ => groups.push(OutcomeGroup {
                label,
                choices: vec![choice],
            }),
        }
    }
    groups
}

fn slug_of(kind: EventKind) -> String {
    match kind {
        EventKind::DeemedAbandoned(AbandonReason::NoCorrection) => {
            "deemed_abandoned.no_correction".into()
        }
        EventKind::DeemedAbandoned(AbandonReason::FeeUnpaid) => {
            "deemed_abandoned.fee_unpaid".into()
        }
        other => other.code().into(),
    }
}

fn kind_of(slug: &str) -> Option<EventKind> {
    EventKind::ALL.into_iter().find(|k| slug_of(*k) == slug)
}

fn step_hint(kind: EventKind, view: &StaffView) -> String {
    let case = &view.case;
    match kind {
        EventKind::CorrectionRequested => format!(
            "一次性告知申请人需要补正的事项和合理的补正期限（第三十条）；须在{}前作出，补正期限不超过告知后20个工作日。",
            view.correction_notice_due
        ),
        EventKind::Corrected => "申请人按补正告知书补正后，答复期限自收到补正之日起重新计算（第三十条）。".into(),
        EventKind::ConsultationStarted => "书面征求第三方（第三十二条）或共同制作机关（第三十四条）的意见，征求意见期间不计入答复期限。".into(),
        EventKind::ConsultationAnswered => "收到意见或者征求意见期限（15个工作日）届满后，答复期限自次日起继续计算。".into(),
        EventKind::Extended => format!(
            "延长答复期限须经信息公开工作机构负责人同意并告知申请人，延长期限最长不超过{}个工作日，只能延长一次（第三十三条）。",
            case.max_extension_days()
        ),
        EventKind::FeeNoticed => "按国办函〔2020〕109号计收信息处理费，金额按标准自动计算；申请人应在20个工作日内缴费，期间不计入答复期限。".into(),
        EventKind::FeePaid => "申请人缴费后，答复期限自次日起继续计算。".into(),
        EventKind::Answered => "选择办理结果（与年度报告表二的行次一致），系统生成答复书并编号；文号留空则按本机关文号规则自动编号。".into(),
        EventKind::Withdrawn => "申请人撤回申请的，办理终结。".into(),
        EventKind::DeemedAbandoned(AbandonReason::NoCorrection) => "申请人无正当理由逾期不补正的，视为放弃申请（第三十条）。".into(),
        EventKind::DeemedAbandoned(AbandonReason::FeeUnpaid) => "申请人逾期未缴纳信息处理费的，视为放弃申请（国办函〔2020〕109号）。".into(),
    }
}

/// The forms of the steps allowed now, with what a POST asks to show again.
fn step_forms(
    view: &StaffView,
    actor: &Actor,
    today: NaiveDate,
    again: &mut Redisplay,
) -> Vec<StepForm> {
    let may_write = actor.may_handle_request(view.record.agency_id, view.record.department_id);
    view.next_steps
        .iter()
        .map(|kind| {
            let slug = slug_of(*kind);
            let mut values = HashMap::from([("on".to_string(), today.to_string())]);
            if *kind == EventKind::Extended {
                values.insert("days".into(), view.case.max_extension_days().to_string());
            }
            if *kind == EventKind::ConsultationStarted {
                values.insert("party".into(), "third_party".into());
            }
            if *kind == EventKind::FeeNoticed {
                values.insert("basis".into(), "by_pages".into());
            }
            let (mut errors, mut general) = (HashMap::new(), None);
            if let Some(posted) = again.step.take_if(|p| p.slug == slug) {
                values = posted.values;
                errors = posted.errors;
                general = posted.general;
            }
            let disabled = if !may_write {
                Some("监督角色只能查阅，不能办理。")
            } else if *kind == EventKind::Extended && !actor.is_head_of(view.record.agency_id) {
                Some("延期答复须经信息公开工作机构负责人同意（第三十三条），请由负责人登录后办理。")
            } else {
                None
            };
            StepForm {
                code: kind.code(),
                slug,
                title: kind.label_zh(),
                hint: step_hint(*kind, view),
                disabled,
                values,
                errors,
                general,
            }
        })
        .collect()
}

fn letter_rows(number: &str, letters: Vec<LetterInfo>) -> Vec<LetterRow> {
    letters
        .into_iter()
        .map(|l| {
            let base = format!("/api/v1/staff/requests/{number}/letters/{}", l.event_seq);
            LetterRow {
                title: l.kind.title_zh(),
                letter_no: l.letter_no,
                issued_on: l.issued_on,
                to_applicant: l.to_applicant,
                pdf: format!("{base}/pdf"),
                docx: format!("{base}/docx"),
            }
        })
        .collect()
}

/// Renders the page for `actor`, with what a POST asks to show again; `status` is the answer's.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    number: &str,
    actor: &Actor,
    mut again: Redisplay,
    status: StatusCode,
) -> Result<Response, PageError> {
    let view = state.app.request_view(number, actor).await?;
    let notes = state.app.notes(number, actor).await?;
    let letters = state.app.request_letters(number, actor).await?;
    let attachments = super::attachments::AttachmentsView::of(
        number,
        state.app.attachments(number, actor).await?,
    )
    .returning_to_request();
    let today = state.app.today();
    let steps = step_forms(&view, actor, today, &mut again);
    let r = &view.record;
    let may_write = actor.may_handle_request(r.agency_id, r.department_id);
    let (unmask_reason, unmask_error) = again.unmask.take().unwrap_or_default();
    let (note_value, note_error) = again.note.take().unwrap_or_default();
    let chrome = Chrome::site(viewer).crumbs(vec![
        Crumb::link("工作台", "/admin/"),
        Crumb::here(format!("申请 {}", r.number)),
    ]);
    let template = RequestPage {
        chrome,
        attachments,
        number: r.number.clone(),
        status: r.status.label_zh(),
        applicant_kind: r.applicant_kind.label_zh(),
        applicant_name: r.applicant_name.clone(),
        org_code: r.org_code.clone(),
        id_number_masked: r.id_number_masked.clone(),
        phone_masked: r.phone_masked.clone(),
        clear: again.clear.take().map(ClearData::from),
        may_unmask: actor.may_unmask(r.agency_id),
        unmask_reason,
        unmask_error: Some(unmask_error).filter(|e| !e.is_empty()),
        description: r.description.clone(),
        document_number: r.details.document_number.clone(),
        index_number: r.details.index_number.clone(),
        document_title: r.details.document_title.clone(),
        medium: r.details.medium.map(|m| m.label_zh()),
        channel: r.channel.label_zh(),
        delivery: r.delivery.label_zh(),
        received_on: r.received_on,
        due_on: r.due_on,
        due_provisional: r.due_provisional,
        concluded_on: r.concluded_on,
        outcome: r.outcome.map(outcome_name),
        explanation: view.explanation.clone(),
        periods: periods(&view),
        timeline: timeline(&r.events),
        notes: notes.into_iter().map(note_row).collect(),
        may_write,
        note_value,
        note_error: Some(note_error).filter(|e| !e.is_empty()),
        letters: letter_rows(&r.number, letters),
        steps,
        outcome_groups: outcome_groups(),
        notice: again.notice.take(),
    };
    Ok((status, render(&template)).into_response())
}

/// The periods the steps allowed now run against: the 补正 notice's last day (Art. 30), the
/// applicant's 补正 period, a consultation's reply (Art. 32, 34), the fee's payment (109号).
fn periods(view: &StaffView) -> Vec<(&'static str, NaiveDate)> {
    let case = &view.case;
    let mut out = Vec::new();
    if view.next_steps.contains(&EventKind::CorrectionRequested) {
        out.push(("补正告知最迟于", view.correction_notice_due));
    }
    if case.status == gongkai_domain::request::Status::AwaitingCorrection
        && let Some((_, by)) = case.correction_requested
    {
        out.push(("申请人补正期限", by));
    }
    if let Some(due) = view.consultation_reply_due {
        out.push(("征求意见答复期限", due));
    }
    if case.status == gongkai_domain::request::Status::AwaitingFee
        && let Some(due) = view.fee_payment_due
    {
        out.push(("缴费期限", due));
    }
    out
}

/// The page again after a refused POST (422), with what it asks to show again.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    number: &str,
    actor: &Actor,
    again: Redisplay,
) -> Result<Response, PageError> {
    page(
        state,
        viewer,
        number,
        actor,
        again,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn note_row(n: RequestNote) -> NoteRow {
    NoteRow {
        body: n.body,
        by: who(&n.author),
        at: china_time(n.written_at),
    }
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    SessionActor(actor): SessionActor,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    page(
        &state,
        &viewer,
        &number,
        &actor,
        Redisplay::default(),
        StatusCode::OK,
    )
    .await
}

/// A step's form as posted: every field a step may have, as text.
#[derive(Debug, Default, serde::Deserialize)]
struct StepFields {
    #[serde(default)]
    on: String,
    #[serde(default)]
    items: String,
    #[serde(default)]
    correct_by: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    with: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    pages: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    letter_no: String,
}

impl StepFields {
    fn values(&self) -> HashMap<String, String> {
        let keep = |s: &str| s.chars().take(2_000).collect::<String>();
        [
            ("on", &self.on),
            ("items", &self.items),
            ("correct_by", &self.correct_by),
            ("party", &self.party),
            ("with", &self.with),
            ("days", &self.days),
            ("reason", &self.reason),
            ("basis", &self.basis),
            ("count", &self.count),
            ("pages", &self.pages),
            ("outcome", &self.outcome),
            ("letter_no", &self.letter_no),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), keep(v)))
        .collect()
    }
}

fn date_field(errors: &mut HashMap<String, String>, field: &str, text: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.insert(field.into(), "请填写日期（年-月-日）".into());
            None
        }
    }
}

fn number_field(errors: &mut HashMap<String, String>, field: &str, text: &str) -> Option<u32> {
    match text.trim().parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.insert(field.into(), "请填写正整数".into());
            None
        }
    }
}

/// The event a step's form describes, or the Chinese errors of its fields.
fn event_of(
    kind: EventKind,
    f: &StepFields,
    approver: &str,
) -> Result<Event, HashMap<String, String>> {
    let mut errors = HashMap::new();
    let on = date_field(&mut errors, "on", &f.on);
    let event = match kind {
        EventKind::CorrectionRequested => {
            let by = date_field(&mut errors, "correct_by", &f.correct_by);
            on.zip(by)
                .map(|(on, correct_by)| Event::CorrectionRequested {
                    on,
                    items: f.items.clone(),
                    correct_by,
                })
        }
        EventKind::Corrected => on.map(|on| Event::Corrected { on }),
        EventKind::ConsultationStarted => {
            let party = match f.party.as_str() {
                "third_party" => Some(ConsultedParty::ThirdParty),
                "co_maker_agency" => Some(ConsultedParty::CoMakerAgency),
                _ => {
                    errors.insert("party".into(), "请选择征求意见的对象".into());
                    None
                }
            };
            on.zip(party).map(|(on, party)| Event::ConsultationStarted {
                on,
                party,
                with: f.with.clone(),
            })
        }
        EventKind::ConsultationAnswered => on.map(|on| Event::ConsultationAnswered { on }),
        EventKind::Extended => {
            let days = number_field(&mut errors, "days", &f.days);
            on.zip(days).map(|(on, days)| Event::Extended {
                on,
                approver: approver.to_string(),
                days,
                reason: f.reason.clone(),
            })
        }
        EventKind::FeeNoticed => {
            let basis = match f.basis.as_str() {
                "by_count" => number_field(&mut errors, "count", &f.count)
                    .map(|ordinal| FeeBasis::ByCount { ordinal }),
                "by_pages" => number_field(&mut errors, "pages", &f.pages)
                    .map(|pages| FeeBasis::ByPages { pages }),
                _ => {
                    errors.insert("basis".into(), "请选择计收方式".into());
                    None
                }
            };
            let amount = basis.and_then(|b| match b.amount_yuan() {
                Ok(a) => Some(a),
                Err(e) => {
                    let field = if matches!(b, FeeBasis::ByCount { .. }) {
                        "count"
                    } else {
                        "pages"
                    };
                    errors.insert(field.into(), fee_zh(&e));
                    None
                }
            });
            match (on, basis, amount) {
                (Some(on), Some(basis), Some(amount_yuan)) => Some(Event::FeeNoticed {
                    on,
                    basis,
                    amount_yuan,
                }),
                _ => None,
            }
        }
        EventKind::FeePaid => on.map(|on| Event::FeePaid { on }),
        EventKind::Answered => {
            let outcome = match f.outcome.parse::<Outcome>() {
                Ok(o) => Some(o),
                Err(_) => {
                    errors.insert("outcome".into(), "请选择办理结果".into());
                    None
                }
            };
            let letter_no = Some(f.letter_no.clone()).filter(|s| !s.trim().is_empty());
            on.zip(outcome).map(|(on, outcome)| Event::Answered {
                on,
                outcome,
                letter_no,
            })
        }
        EventKind::Withdrawn => on.map(|on| Event::Withdrawn { on }),
        EventKind::DeemedAbandoned(reason) => on.map(|on| Event::DeemedAbandoned { on, reason }),
    };
    match event {
        Some(e) if errors.is_empty() => Ok(e),
        _ => Err(errors),
    }
}

fn fee_zh(e: &DomainError) -> String {
    match e.field() {
        "basis.ordinal" => "按件计收的件数从1开始，每月最多计算到规定的件数".into(),
        "basis.pages" => "页数超过一件申请可计收的上限".into(),
        _ => e.reason_zh(),
    }
}

/// A refusal of the domain in Chinese, by the step's field it is about (`None`: the step).
fn refusal_zh(e: &DomainError) -> (Option<&'static str>, String) {
    let reason = e.reason();
    let field = match e.field() {
        "on" => Some("on"),
        "items" => Some("items"),
        "correct_by" => Some("correct_by"),
        "with" => Some("with"),
        "days" => Some("days"),
        "reason" => Some("reason"),
        "amount_yuan" | "basis" => Some("basis"),
        "letter_no" => Some("letter_no"),
        _ => None,
    };
    let zh = match (e, field) {
        (DomainError::Invalid { zh: Some(zh), .. }, _) => zh.clone(),
        (_, Some("on")) if reason.contains("after today") => "日期不能晚于今天".into(),
        (_, Some("on")) => "请填写正确的日期（2008年以后，不晚于今天）".into(),
        (_, Some("items")) => "请写明需要补正的事项（第三十条）".into(),
        (_, Some("correct_by")) if reason.contains("after the notice") => {
            "补正期限须晚于告知日期".into()
        }
        (_, Some("correct_by")) => {
            "补正期限须晚于告知日期，且不超过告知后20个工作日（第三十条）".into()
        }
        (_, Some("with")) => "请填写被征求意见的第三方或机关名称".into(),
        (_, Some("days")) => format!("延长的工作日数须在允许范围内（第三十三条）：{reason}"),
        (_, Some("reason")) => "请写明理由".into(),
        (_, Some("basis")) => "该申请按标准不收费，或金额与标准不符（国办函〔2020〕109号）".into(),
        (_, Some("letter_no")) => "文号过长或含有不允许的字符".into(),
        (DomainError::Transition { .. }, _) if reason.contains("before the previous event") => {
            "日期不能早于上一办理事项的日期".into()
        }
        (DomainError::Transition { .. }, _) if reason.contains("7 working days") => {
            "补正告知须在收到申请之日起7个工作日内作出（第三十条）".into()
        }
        (DomainError::Transition { .. }, _) if reason.contains("by the deadline") => {
            "延期答复须在答复期限届满前决定（第三十三条）".into()
        }
        (DomainError::Transition { .. }, _) if reason.contains("not run out") => {
            "给申请人的期限尚未届满，不能视为放弃".into()
        }
        (DomainError::Transition { .. }, _) if reason.contains("correction first") => {
            "“补正后申请内容仍不明确”须在申请人补正之后才能选择（第三十条）".into()
        }
        (DomainError::Forbidden(_), _) => {
            "此操作须由信息公开工作机构负责人进行（第三十三条）".into()
        }
        _ => e.reason_zh(),
    };
    let field = match (e, reason.contains("correction first")) {
        (DomainError::Transition { .. }, true) => Some("outcome"),
        _ => field,
    };
    (field, zh)
}

async fn record_step(
    State(state): State<AppState>,
    viewer: Viewer,
    SessionActor(actor): SessionActor,
    Path((number, step)): Path<(String, String)>,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    // Isolation first: another department's or agency's request is the 404 of a missing one.
    state.app.visible_request(&number, &actor).await?;
    let Some(kind) = kind_of(&step) else {
        return Err(PageError::NotFound);
    };
    let fields: StepFields = parse_form(&body);
    let (errors, general) = match event_of(kind, &fields, &actor.name) {
        Err(errors) => (errors, None),
        Ok(event) => match state.app.append_event(&number, event, &actor).await {
            Ok(_) => {
                let to = format!("/admin/requests/{number}#timeline");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(AppError::Invalid(errors)) => split_refusals(&errors),
            Err(AppError::Forbidden(_)) => (
                HashMap::new(),
                Some("此操作须由信息公开工作机构负责人进行（第三十三条）".to_string()),
            ),
            Err(AppError::Transition { reason, .. }) => {
                let (field, zh) = refusal_zh(&DomainError::Transition {
                    event: kind.code(),
                    reason,
                });
                match field {
                    Some(f) => (HashMap::from([(f.to_string(), zh)]), None),
                    None => (HashMap::new(), Some(zh)),
                }
            }
            Err(other) => return Err(other.into()),
        },
    };
    let again = Redisplay {
        step: Some(PostedStep {
            slug: slug_of(kind),
            values: fields.values(),
            errors,
            general,
        }),
        ..Default::default()
    };
    refused(&state, &viewer, &number, &actor, again).await
}

fn split_refusals(errors: &[DomainError]) -> (HashMap<String, String>, Option<String>) {
    let mut by_field = HashMap::new();
    let mut general = None;
    for e in errors {
        match refusal_zh(e) {
            (Some(field), zh) => {
                by_field.entry(field.to_string()).or_insert(zh);
            }
            (None, zh) => {
                general.get_or_insert(zh);
            }
        }
    }
    (by_field, general)
}

#[derive(Debug, Default, serde::Deserialize)]
struct TextForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    reason: String,
}

fn first_zh(e: &AppError) -> String {
    match e {
        AppError::Invalid(errors) => errors.first().map_or_else(String::new, |e| e.reason_zh()),
        _ => String::new(),
    }
}

async fn add_note(
    State(state): State<AppState>,
    viewer: Viewer,
    SessionActor(actor): SessionActor,
    Path(number): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    let form: TextForm = parse_form(&body);
    match state.app.add_note(&number, &form.body, &actor).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/requests/{number}#notes")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let again = Redisplay {
                note: Some((form.body.chars().take(2_000).collect(), first_zh(&e))),
                ..Default::default()
            };
            refused(&state, &viewer, &number, &actor, again).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST …/personal-data`: the clear data with a reason, shown in this answer only (no-store,
/// like every page; never in a URL).
async fn unmask(
    State(state): State<AppState>,
    viewer: Viewer,
    SessionActor(actor): SessionActor,
    Path(number): Path<String>,
    FormBody(body): FormBody,
) -> Result<Response, PageError> {
    let form: TextForm = parse_form(&body);
    let kept: String = form.reason.chars().take(2_000).collect();
    let (again, status) = match state.app.personal_data(&number, &actor, &form.reason).await {
        Ok(data) => (
            Redisplay {
                clear: Some(data),
                notice: Some("已记录查看理由，完整个人信息仅在本页显示一次。".into()),
                ..Default::default()
            },
            StatusCode::OK,
        ),
        Err(e @ AppError::Invalid(_)) => (
            Redisplay {
                unmask: Some((kept, first_zh(&e))),
                ..Default::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(AppError::Forbidden(_)) => (
            Redisplay {
                unmask: Some((
                    kept,
                    "仅信息公开工作机构（公开办）及其负责人可以查看完整个人信息".into(),
                )),
                ..Default::default()
            },
            StatusCode::FORBIDDEN,
        ),
        Err(other) => return Err(other.into()),
    };
    page(&state, &viewer, &number, &actor, again, status).await
}
