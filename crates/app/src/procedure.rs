//! 办理 — the statutory procedure as staff run it: listing and reading requests, appending the
//! events of the ledger (who may record which event: [`Actor::may_record`]), and the applicant's
//! personal data (audited). Another agency's request is "not found", the same as a missing one.

use chrono::NaiveDate;
use gongkai_domain::deadline::Deadline;
use gongkai_domain::request::{CaseState, Event};
use gongkai_store::{Actor, PersonalData, RequestFilter, RequestRecord, RequestSummary};

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

    /// The applicant's personal data in the clear (staff who handle the request; each view is
    /// audited by the store).
    pub async fn personal_data(&self, number: &str, actor: &Actor) -> Result<PersonalData> {
        let record = self.visible_request(number, actor).await?;
        if !actor.may_handle_request(record.agency_id, record.department_id) {
            return Err(AppError::Forbidden(
                "personal data is for the staff who handle the request".into(),
            ));
        }
        Ok(self.store.personal_data(number, actor).await?)
    }
}
