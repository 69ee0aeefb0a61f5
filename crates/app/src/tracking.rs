//! Following a request with its 申请编号 and 查询码: what the applicant may see of it — one
//! [`PublicRequestView`] for the JSON API and the tracking page alike — and the dated receipt
//! (回执) of a filing.

use chrono::NaiveDate;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::request::{
    AbandonReason, CaseState, ConsultedParty, Delivery, Event, RequestDetails, Status,
};
use gongkai_store::RequestRecord;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{App, AppError, Result};

/// Said instead of a due date while the applicant is asked to correct the request: the answer
/// period starts again on the day the correction arrives (Art. 30).
pub const DUE_AFTER_CORRECTION: &str = "补正后重新计算";
/// Said instead of a due date while a consultation stops the clock (Art. 32–34).
pub const DUE_AFTER_CONSULTATION: &str = "征求意见期间暂停计算，征求意见结束后继续计算";
/// Said instead of a due date while a fee notice stops the clock (国办函〔2020〕109号).
pub const DUE_AFTER_FEE: &str = "缴费期间暂停计算，缴费后继续计算";

/// The applicant as the tracking view shows it: identifiers masked.
#[derive(Debug, Clone, Serialize)]
pub struct PublicApplicant {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: String,
}

/// One event of the public timeline: what happened and when, in Chinese, with nothing that is
/// not the applicant's to see (no consulted party's name, no approver, no reason for a void).
#[derive(Debug, Clone, Serialize)]
pub struct PublicEvent {
    /// 1-based position in the ledger.
    pub seq: i64,
    pub on: NaiveDate,
    /// The event's type code (`received`, `answered`, …).
    pub kind: &'static str,
    pub label: String,
    pub detail: Option<String>,
    /// The `voided` event that superseded this one.
    pub voided_by: Option<i64>,
    /// The event's public fields, `{"type", "on", …}` (the API's form).
    pub fields: serde_json::Value,
}

/// A request as its applicant sees it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicRequestView {
    pub number: String,
    pub status: Status,
    /// 状态, with 已超期 once the answer is late.
    pub status_label: String,
    /// The answer is past its due date and not given.
    pub overdue: bool,
    pub received_on: NaiveDate,
    /// `None` while a correction is awaited (the period restarts with it, see `due_note`).
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    /// Why there is no due date now: [`DUE_AFTER_CORRECTION`] while a correction is awaited,
    /// [`DUE_AFTER_CONSULTATION`] or [`DUE_AFTER_FEE`] while the clock stands still.
    pub due_note: Option<&'static str>,
    /// How the due date is counted (the text of `gongkai deadline`).
    pub due_explanation: Vec<String>,
    pub concluded_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    /// The outcome in Chinese, with the provision it rests on.
    pub outcome_label: Option<String>,
    /// 答复书文号, once answered.
    pub letter_no: Option<String>,
    pub applicant: PublicApplicant,
    pub description: String,
    pub details: RequestDetails,
    pub delivery: Delivery,
    pub events: Vec<PublicEvent>,
    /// SHA-256 of the request's canonical content, as printed on the receipt.
    pub digest: String,
    /// The letters addressed to the applicant (告知书; never a consultation letter).
    pub letters: Vec<PublicLetter>,
}

/// A letter addressed to the applicant, as the tracking page and API offer it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicLetter {
    /// The event that sent it (the download names it).
    pub event_seq: i64,
    pub kind: gongkai_domain::letter::LetterKind,
    pub title: &'static str,
    /// 文号.
    pub letter_no: String,
    pub issued_on: NaiveDate,
    pub pdf_sha256: String,
}

impl From<gongkai_store::letters::LetterInfo> for PublicLetter {
    fn from(l: gongkai_store::letters::LetterInfo) -> Self {
        PublicLetter {
            event_seq: l.event_seq,
            title: l.kind.title_zh(),
            kind: l.kind,
            letter_no: l.letter_no,
            issued_on: l.issued_on,
            pdf_sha256: l.pdf_sha256,
        }
    }
}

/// The canonical content of a filed request that its receipt's digest covers: what was asked,
/// by whom (as recorded in the clear), when and how.
#[derive(Serialize)]
struct CanonicalRequest<'a> {
    number: &'a str,
    received_on: NaiveDate,
    channel: &'static str,
    applicant_kind: &'static str,
    applicant_name: &'a str,
    description: &'a str,
    document_number: Option<&'a str>,
    index_number: Option<&'a str>,
    document_title: Option<&'a str>,
    medium: Option<&'static str>,
    delivery: &'static str,
}

/// SHA-256 (hex) of the canonical JSON of the request as filed.
pub fn request_digest(r: &RequestRecord) -> String {
    let canonical = CanonicalRequest {
        number: &r.number,
        received_on: r.received_on,
        channel: r.channel.code(),
        applicant_kind: r.applicant_kind.code(),
        applicant_name: &r.applicant_name,
        description: &r.description,
        document_number: r.details.document_number.as_deref(),
        index_number: r.details.index_number.as_deref(),
        document_title: r.details.document_title.as_deref(),
        medium: r.details.medium.map(|m| m.code()),
        delivery: r.delivery.code(),
    };
    let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// 办理结果 in Chinese: the row heading of report table 2 without its number, and the article.
pub fn outcome_label_zh(outcome: Outcome) -> String {
    let heading = outcome.label_zh();
    match outcome.article() {
        "—" => heading.to_string(),
        article => format!("{heading}（{article}）"),
    }
}

fn public_event(seq: i64, event: &Event, voided_by: Option<i64>) -> PublicEvent {
    let (label, detail): (String, Option<String>) = match event {
        Event::Received { .. } => ("收到申请".into(), None),
        Event::CorrectionRequested {
            items, correct_by, ..
        } => (
            "补正告知".into(),
            Some(format!("需补正的内容：{items}；请于{correct_by}前补正")),
        ),
        Event::Corrected { .. } => (
            "收到补正".into(),
            Some("答复期限自收到补正之日起重新计算".into()),
        ),
        Event::ConsultationStarted { party, .. } => (
            match party {
                ConsultedParty::ThirdParty => "征求第三方意见".into(),
                ConsultedParty::CoMakerAgency => "征求共同制作机关意见".into(),
            },
            Some("征求意见所需时间不计算在答复期限内".into()),
        ),
        Event::ConsultationAnswered { .. } => ("征求意见结束".into(), None),
        Event::Extended { days, reason, .. } => (
            format!("延长答复期限{days}个工作日"),
            Some(format!("延期理由：{reason}")),
        ),
        Event::FeeNoticed { amount_yuan, .. } => (
            "收费通知".into(),
            Some(format!("应缴信息处理费{amount_yuan}元")),
        ),
        Event::FeePaid { .. } => ("已缴费".into(), None),
        Event::Answered {
            outcome, letter_no, ..
        } => (
            "作出答复".into(),
            Some(match letter_no {
                Some(no) => format!("{}；答复书文号：{no}", outcome_label_zh(*outcome)),
                None => outcome_label_zh(*outcome),
            }),
        ),
        Event::Withdrawn { .. } => ("申请人撤回申请".into(), None),
        Event::DeemedAbandoned { reason, .. } => (
            "视为放弃申请".into(),
            Some(match reason {
                AbandonReason::NoCorrection => "无正当理由逾期不补正".into(),
                AbandonReason::FeeUnpaid => "逾期未缴纳信息处理费".into(),
            }),
        ),
        Event::Voided { seq, .. } => (
            "更正登记".into(),
            Some(format!("第{seq}项记录有误，已更正")),
        ),
    };
    let mut fields = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
    if let Some(o) = fields.as_object_mut() {
        // Not the applicant's to see: whom the agency consulted, who approved, why it voided.
        match event {
            Event::ConsultationStarted { .. } => {
                o.remove("with");
            }
            Event::Extended { .. } => {
                o.remove("approver");
            }
            Event::Voided { .. } => {
                o.remove("reason");
            }
            _ => {}
        }
        if let Some(by) = voided_by {
            o.insert("voided_by".into(), by.into());
        }
    }
    PublicEvent {
        seq,
        on: event.on(),
        kind: event.kind(),
        label,
        detail,
        voided_by,
        fields,
    }
}

impl PublicRequestView {
    /// The view of `r` on `today`, its deadline explained on `cal`, with the `letters`
    /// addressed to the applicant.
    pub fn of(
        r: &RequestRecord,
        cal: &Calendar,
        today: NaiveDate,
        letters: Vec<PublicLetter>,
    ) -> Self {
        let events: Vec<Event> = r.event_list();
        let deadline = CaseState::replay(cal, &events)
            .ok()
            .map(|state| state.answer_deadline(cal));
        let awaiting_correction = r.status == Status::AwaitingCorrection;
        let overdue = !r.status.is_concluded()
            && matches!(r.status, Status::Processing)
            && r.due_on.is_some_and(|due| due < today);
        let status_label = if overdue {
            format!("{}（已超期）", r.status.label_zh())
        } else {
            r.status.label_zh().to_string()
        };
        let letter_no = r.events.iter().rev().find_map(|e| match &e.event {
            Event::Answered { letter_no, .. } if e.voided_by.is_none() => letter_no.clone(),
            _ => None,
        });
        PublicRequestView {
            number: r.number.clone(),
            status: r.status,
            status_label,
            overdue,
            received_on: r.received_on,
            due_on: if awaiting_correction { None } else { r.due_on },
            due_provisional: !awaiting_correction && r.due_provisional,
            due_note: match r.status {
                Status::AwaitingCorrection => Some(DUE_AFTER_CORRECTION),
                Status::Consulting if r.due_on.is_none() => Some(DUE_AFTER_CONSULTATION),
                Status::AwaitingFee if r.due_on.is_none() => Some(DUE_AFTER_FEE),
                _ => None,
            },
            due_explanation: match (&deadline, awaiting_correction) {
                (Some(d), false) => d.explain_zh(),
                _ => Vec::new(),
            },
            concluded_on: r.concluded_on,
            outcome: r.outcome,
            outcome_label: r.outcome.map(outcome_label_zh),
            letter_no,
            applicant: PublicApplicant {
                kind: r.applicant_kind.code(),
                kind_label: r.applicant_kind.label_zh(),
                name: r.applicant_name.clone(),
                id_number: r.id_number_masked.clone(),
                phone: r.phone_masked.clone(),
            },
            description: r.description.clone(),
            details: r.details.clone(),
            delivery: r.delivery,
            events: r
                .events
                .iter()
                .map(|e| public_event(e.seq, &e.event, e.voided_by))
                .collect(),
            digest: request_digest(r),
            letters,
        }
    }
}

/// What a receipt (回执) shows: the filing's facts and its digest.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub agency: String,
    pub view: PublicRequestView,
    /// The day the receipt is issued (today).
    pub issued_on: NaiveDate,
}

impl App {
    /// The request if `query_code` is its code. An unknown number and a wrong code give the
    /// same [`AppError::NotFound`], so that neither can be told from the other.
    pub async fn track(&self, number: &str, query_code: &str) -> Result<RequestRecord> {
        self.store
            .request_for_applicant(number, query_code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("request {number}")))
    }

    /// The applicant's view of a request (see [`App::track`] for the lookup).
    pub async fn track_view(&self, number: &str, query_code: &str) -> Result<PublicRequestView> {
        let record = self.track(number, query_code).await?;
        self.public_view(&record).await
    }

    async fn public_view(&self, record: &RequestRecord) -> Result<PublicRequestView> {
        let cal = self.calendar().await?;
        let letters = crate::letters::applicant_letters(record);
        Ok(PublicRequestView::of(
            record,
            &cal,
            self.clock.today(),
            letters.into_iter().map(PublicLetter::from).collect(),
        ))
    }

    /// [`App::track_view`] of a request of the agency `agency` (another agency's request is
    /// not found, as an unknown one).
    pub async fn track_at(
        &self,
        agency: &str,
        number: &str,
        query_code: &str,
    ) -> Result<(gongkai_store::Agency, PublicRequestView)> {
        let agency = self.agency(agency).await?;
        let record = self.track(number, query_code).await?;
        if record.agency_id != agency.id {
            return Err(AppError::NotFound(format!("request {number}")));
        }
        Ok((agency, self.public_view(&record).await?))
    }

    /// The dated receipt (回执) of a request of `agency` as PDF, rendered off the async
    /// executor. A wrong code or an unknown number is [`AppError::NotFound`].
    pub async fn receipt_pdf(
        &self,
        agency: &str,
        number: &str,
        query_code: &str,
    ) -> Result<Vec<u8>> {
        let (agency, view) = self.track_at(agency, number, query_code).await?;
        let receipt = gongkai_render::Receipt {
            agency: agency.name,
            number: view.number.clone(),
            received_on: view.received_on.to_string(),
            issued_on: self.clock.today().to_string(),
            due: match (view.due_on, view.due_note) {
                (_, Some(note)) => note.to_string(),
                (Some(d), None) if view.due_provisional => format!("{d}（暂按周一至周五计算）"),
                (Some(d), None) => d.to_string(),
                (None, None) => "—".to_string(),
            },
            digest: view.digest.clone(),
            applicant: format!("{}（{}）", view.applicant.name, view.applicant.kind_label),
            description: view.description.clone(),
            details: [
                ("文号", view.details.document_number.clone()),
                ("索引号", view.details.index_number.clone()),
                ("标题", view.details.document_title.clone()),
                (
                    "载体形式",
                    view.details.medium.map(|m| m.label_zh().to_string()),
                ),
                ("获取方式", Some(view.delivery.label_zh().to_string())),
            ]
            .into_iter()
            .filter_map(|(label, v)| v.map(|v| (label.to_string(), v)))
            .collect(),
        };
        tokio::task::spawn_blocking(move || gongkai_render::receipt(&receipt))
            .await
            .map_err(|e| AppError::Render(format!("receipt task: {e}")))?
            .map_err(|e| AppError::Render(format!("receipt: {e}")))
    }
}
