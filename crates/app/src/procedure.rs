//! 办理 — the statutory procedure as staff run it: listing and reading requests, appending the
//! events of the ledger (who may record which event: [`Actor::may_record`]), and the applicant's
//! personal data (audited). Another agency's request is "not found", the same as a missing one.

use chrono::NaiveDate;
use gongkai_domain::applicant::IdCardNumber;
use gongkai_domain::deadline::Deadline;
use gongkai_domain::request::{CaseState, Event, EventKind};
use gongkai_domain::text::{self, REASON};
use gongkai_store::{
    Actor, PersonalData, RequestFilter, RequestNote, RequestRecord, RequestSummary,
};

use crate::{App, AppError, Result};

/// A request as staff see it: the ledger, the deadline and why.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub record: RequestRecord,
    pub deadline: Deadline,
    /// The deadline's day-by-day explanation (the text of `gongkai deadline`).
    pub explanation: Vec<String>,
    /// Last day for the one-time 补正 notice (Art. 30).
    pub correction_notice_due: NaiveDate,
    /// The day an open consultation's reply is due (Art. 32, 34), if one is open.
    pub consultation_reply_due: Option<NaiveDate>,
    /// The last day to pay the fee notice (109号), if there is one.
    pub fee_payment_due: Option<NaiveDate>,
    /// The state the ledger replays to.
    pub case: CaseState,
    /// The steps the ledger allows today ([`CaseState::next_steps`]); who may take them is
    /// [`Actor::may_record`]'s question.
    pub next_steps: Vec<EventKind>,
}

impl App {
    /// The request if the actor may see it ([`Actor::may_see_request`]: its agency, and for a
    /// handler its department); otherwise [`AppError::NotFound`], the same as for a missing
    /// number (agency and department isolation).
    pub async fn visible_request(&self, number: &str, actor: &Actor) -> Result<RequestRecord> {
        match self.store.request(number).await? {
            Some(r) if actor.may_see_request(r.agency_id, r.department_id) => Ok(r),
            _ => Err(AppError::NotFound(format!("request {number}"))),
        }
    }

    /// One request with its ledger, deadline and explanation.
    pub async fn request_view(&self, number: &str, actor: &Actor) -> Result<StaffView> {
        let record = self.visible_request(number, actor).await?;
        self.staff_view(record).await
    }

    async fn staff_view(&self, record: RequestRecord) -> Result<StaffView> {
        let cal = self.calendar().await?;
        let case = CaseState::replay(&cal, &record.event_list())?;
        let deadline = case.answer_deadline(&cal);
        Ok(StaffView {
            explanation: deadline.explain(),
            correction_notice_due: case.correction_notice_due(&cal),
            next_steps: case.next_steps(&cal, self.clock.today()),
            consultation_reply_due: case.consultation_reply_due(&cal),
            fee_payment_due: case.fee_payment_due(&cal),
            case,
            deadline,
            record,
        })
    }

    /// Appends an event of the procedure: the actor must act for the request's agency (else
    /// not found) and may record this event ([`Actor::may_record`]: an extension and a void
    /// are the head's; a refusal is audited); then the domain decides whether the event fits
    /// the ledger (in the store's transaction, with the clock's today); the letter the event
    /// sends (告知书, [`gongkai_domain::letter::LetterKind::for_event`]) is numbered, rendered and
    /// frozen in the same transaction.
    pub async fn append_event(
        &self,
        number: &str,
        event: Event,
        actor: &Actor,
    ) -> Result<StaffView> {
        let record = self.visible_request(number, actor).await?;
        let may = if actor.may_handle_request(record.agency_id, record.department_id) {
            actor.may_record(&event, record.agency_id)
        } else {
            Err(gongkai_domain::DomainError::Forbidden(
                "a supervisor reads requests, it does not record their steps".into(),
            ))
        };
        if let Err(refused) = may {
            let action = format!("request.{}", event.kind());
            self.store
                .audit_refusal(actor, &action, number, &refused.to_string())
                .await?;
            return Err(refused.into());
        }
        let record = self.record_with_letter(&record, event, actor).await?;
        self.staff_view(record).await
    }

    /// An agency's requests, newest first: all of them for its office, head and supervisors,
    /// a handler's department's only.
    pub async fn list_requests(
        &self,
        agency: &str,
        filter: &RequestFilter,
        actor: &Actor,
    ) -> Result<Vec<RequestSummary>> {
        let agency = self.readable_agency(agency, actor).await?;
        let mut filter = filter.clone();
        if let Some(own) = crate::inbox::department_scope(actor, agency.id) {
            filter.department_id = Some(own);
        }
        Ok(self.store.list_requests(agency.id, &filter).await?)
    }

    /// The applicant's personal data in the clear (解除脱敏): only for the request's agency's
    /// disclosure office and head ([`Actor::may_unmask`]; a handler or supervisor who may see the
    /// request is refused, audited), and only with a written reason, which the audit entry of the
    /// view records.
    pub async fn personal_data(
        &self,
        number: &str,
        actor: &Actor,
        reason: &str,
    ) -> Result<PersonalData> {
        let record = self.visible_request(number, actor).await?;
        if !actor.may_unmask(record.agency_id) {
            let refused =
                "personal data in the clear is for the agency's disclosure office and head";
            self.store
                .audit_refusal(actor, "request.personal_data_viewed", number, refused)
                .await?;
            return Err(AppError::Forbidden(refused.into()));
        }
        let reason = required_text(
            "reason",
            reason,
            "say why the personal data is needed in the clear",
            "请填写查看完整个人信息的理由",
        )?;
        Ok(self.store.personal_data(number, actor, &reason).await?)
    }

    /// 内部备注 — a request's internal notes, for whoever may see the request (never the
    /// applicant: the tracking view does not carry them).
    pub async fn notes(&self, number: &str, actor: &Actor) -> Result<Vec<RequestNote>> {
        let record = self.visible_request(number, actor).await?;
        Ok(self.store.notes(record.id).await?)
    }

    /// Adds an internal note (staff who handle the request; a supervisor only reads): the text
    /// is cleaned and bounded like every free text, and the note and its audit entry commit
    /// together. Notes are append-only: a wrong note is followed by a new one.
    pub async fn add_note(&self, number: &str, body: &str, actor: &Actor) -> Result<RequestNote> {
        let record = self.visible_request(number, actor).await?;
        if !actor.may_handle_request(record.agency_id, record.department_id) {
            return Err(AppError::Forbidden(
                "a supervisor reads requests, it does not write their notes".into(),
            ));
        }
        let body = required_text("body", body, "a note says something", "请填写备注内容")?;
        Ok(self.store.add_note(number, &body, actor).await?)
    }
}

/// A required free text of [`REASON`] length, cleaned ([`text::clean`]); an empty one is refused
/// with `zh`.
///
/// A full resident ID number is refused in it: what staff write here is read by others (the
/// audit log, the other staff), who must see an ID number only masked.
fn required_text(field: &str, value: &str, required: &str, zh: &str) -> Result<String> {
    match text::clean_required(field, value, REASON, required) {
        Ok(clean) if IdCardNumber::appears_in(&clean) => Err(AppError::Invalid(vec![
            gongkai_domain::DomainError::invalid(field, "must not hold a full ID number")
                .zh("请勿填写完整的身份证件号码"),
        ])),
        Ok(clean) => Ok(clean),
        Err(e) if e.reason() == required => Err(AppError::Invalid(vec![e.zh(zh)])),
        Err(e) => Err(AppError::Invalid(vec![e])),
    }
}
