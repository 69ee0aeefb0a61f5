//! 依申请公开 — the case ledger of a disclosure request.
//!
//! A request is an append-only list of typed [`Event`]s. Its status and every deadline are derived
//! by replaying the events through [`CaseState::apply`], which rejects illegal transitions with an
//! error that names the rule (and the article it comes from).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::calendar::{Calendar, check_date};
use crate::deadline::{
    ClockInput, Deadline, Pause, PauseReason, Regime, answer_deadline, due_after,
};
use crate::fee::{FEE_MEASURES_IN_FORCE, FeeBasis, PAYMENT_DAYS};
use crate::outcome::{OtherReason, Outcome};

/// Working days within which a 补正 notice must be sent (Art. 30).
pub const CORRECTION_NOTICE_DAYS: u32 = 7;
/// Working days a third party (Art. 32) or co-maker agency (Art. 34) has to reply.
pub const CONSULTATION_REPLY_DAYS: u32 = 15;

/// 申请渠道 — how a request arrived; decides its receipt date (Art. 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 当面提交: received on the day submitted.
    InPerson,
    /// 邮寄（需签收）: received on the day the agency signs for it.
    PostSigned,
    /// 平常信函: received on the day the office confirms with the applicant.
    Letter,
    /// 互联网渠道 (this portal or another online system): received on the day both sides confirm.
    Online,
    /// 工作机构的传真: received on the day both sides confirm.
    Fax,
    /// 电子邮件: received on the day the mail system receives it (国办公开办函〔2015〕207号).
    Email,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::InPerson,
        Channel::PostSigned,
        Channel::Letter,
        Channel::Online,
        Channel::Fax,
        Channel::Email,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::InPerson => "in_person",
            Channel::PostSigned => "post_signed",
            Channel::Letter => "letter",
            Channel::Online => "online",
            Channel::Fax => "fax",
            Channel::Email => "email",
        }
    }

    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "channel",
                    "must be one of in_person, post_signed, letter, online, fax, email",
                )
                .zh("请选择申请渠道")
            })
    }

    /// How the channel is named in the back office.
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交",
            Channel::PostSigned => "邮寄",
            Channel::Letter => "平常信函",
            Channel::Online => "互联网",
            Channel::Fax => "传真",
            Channel::Email => "电子邮件",
        }
    }

    /// Whether the receipt date is a later act (signature or confirmation) rather than arrival.
    pub fn needs_confirmation(self) -> bool {
        matches!(
            self,
            Channel::PostSigned | Channel::Letter | Channel::Online | Channel::Fax
        )
    }

    /// The receipt date by Art. 31: `arrived` is the day it reached the agency, `confirmed` the day
    /// of signature (post) or mutual confirmation (letter, online, fax). The portal confirms online
    /// requests at once, so for it both dates are the day of submission.
    pub fn receipt_date(
        self,
        arrived: NaiveDate,
        confirmed: Option<NaiveDate>,
    ) -> Result<NaiveDate, DomainError> {
        match (self.needs_confirmation(), confirmed) {
            (false, _) => Ok(arrived),
            (true, None) => Err(DomainError::invalid(
                "confirmed_on",
                format!(
                    "channel {} is received on the day of signature or confirmation (Art. 31)",
                    self.code()
                ),
            )
            .zh("此渠道以签收或者双方确认之日为收到申请之日（《条例》第三十一条），请填写该日期")),
            (true, Some(c)) if c < arrived => Err(DomainError::invalid(
                "confirmed_on",
                "is before the day the request arrived",
            )
            .zh("签收或者确认日期不能早于申请到达日期")),
            (true, Some(c)) => Ok(c),
        }
    }
}

/// 递送方式 — how the applicant wants the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// 自行领取/当场阅读、抄录
    Collect,
    /// 邮寄 (postal; 国办公开办函〔2016〕235号: by the postal service, not collect-on-delivery)
    Post,
    /// 电子邮件
    Email,
    /// 传真
    Fax,
    /// 网上获取 (download in the portal)
    Online,
}

impl Delivery {
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
            DomainError::invalid(
                "delivery",
                "must be one of collect, post, email, fax, online",
            )
            .zh("请选择获取信息的方式")
        })
    }

    pub const ALL: [Delivery; 5] = [
        Delivery::Collect,
        Delivery::Post,
        Delivery::Email,
        Delivery::Fax,
        Delivery::Online,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Delivery::Collect => "collect",
            Delivery::Post => "post",
            Delivery::Email => "email",
            Delivery::Fax => "fax",
            Delivery::Online => "online",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Delivery::Collect => "自行领取/当场阅读、抄录",
            Delivery::Post => "邮寄",
            Delivery::Email => "电子邮件",
            Delivery::Fax => "传真",
            Delivery::Online => "网上获取",
        }
    }

    /// The contact this delivery needs: an answer by e-mail goes to the applicant's e-mail
    /// address, one by post to their postal address (Art. 29(1): the request gives the
    /// applicant's contact; Art. 40: the information is provided in the form asked for).
    pub fn check_contact(
        self,
        email: Option<&str>,
        address: Option<&str>,
    ) -> Result<(), DomainError> {
        let given = |v: Option<&str>| v.is_some_and(|v| !v.trim().is_empty());
        match self {
            Delivery::Email if !given(email) => Err(DomainError::invalid(
                "applicant.email",
                "is required for delivery by e-mail",
            )
            .zh("选择以电子邮件获取的，请填写电子邮箱")),
            Delivery::Post if !given(address) => Err(DomainError::invalid(
                "applicant.address",
                "is required for delivery by post",
            )
            .zh("选择邮寄的，请填写通信地址")),
            _ => Ok(()),
        }
    }
}

/// Who is consulted while the clock stands still.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultedParty {
    /// 第三方 (Art. 32)
    ThirdParty,
    /// 共同制作机关 (Art. 34)
    CoMakerAgency,
}

/// Why a request was deemed abandoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbandonReason {
    /// 逾期不补正 (Art. 30)
    NoCorrection,
    /// 逾期未缴费 (109号)
    FeeUnpaid,
}

impl AbandonReason {
    /// The row of report table 2 a request deemed abandoned for this reason is counted in.
    pub fn row(self) -> OtherReason {
        match self {
            AbandonReason::NoCorrection => OtherReason::NoCorrection,
            AbandonReason::FeeUnpaid => OtherReason::FeeUnpaid,
        }
    }
}

/// One fact in the life of a request. `on` is the date the fact took effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// 收到申请: always the first event; `on` is the Art. 31 receipt date.
    Received { on: NaiveDate, channel: Channel },
    /// 补正告知: one-time notice of what to supplement, with the date to do it by (Art. 30).
    CorrectionRequested {
        on: NaiveDate,
        items: String,
        correct_by: NaiveDate,
    },
    /// 补正: the corrected request arrived; the clock restarts (Art. 30).
    Corrected { on: NaiveDate },
    /// 征求意见: written consultation of a third party or co-maker agency; the clock stops (Art. 32–34).
    ConsultationStarted {
        on: NaiveDate,
        party: ConsultedParty,
        with: String,
    },
    /// 征求意见答复 (or the reply period ran out); the clock runs again from the next day.
    ConsultationAnswered { on: NaiveDate },
    /// 延期答复: once, approved by the head of the disclosure office (Art. 33).
    Extended {
        on: NaiveDate,
        approver: String,
        days: u32,
        reason: String,
    },
    /// 收费通知 (109号).
    FeeNoticed {
        on: NaiveDate,
        basis: FeeBasis,
        amount_yuan: u64,
    },
    /// 缴费.
    FeePaid { on: NaiveDate },
    /// 答复: the request is concluded with an outcome (Art. 36).
    Answered {
        on: NaiveDate,
        outcome: Outcome,
        letter_no: Option<String>,
    },
    /// 申请人撤回申请.
    Withdrawn { on: NaiveDate },
    /// 视为放弃申请 (Art. 30; 109号).
    DeemedAbandoned {
        on: NaiveDate,
        reason: AbandonReason,
    },
    /// 作废 — supersedes the earlier event number `seq` (a typo: a wrong date, a wrong outcome),
    /// recorded by the head of the agency's disclosure office with the reason. The ledger stays
    /// append-only: [`CaseState::replay`] skips the superseded event (see [`crate::admission`]).
    Voided {
        on: NaiveDate,
        seq: u32,
        reason: String,
    },
}

impl Event {
    pub fn on(&self) -> NaiveDate {
        match self {
            Event::Received { on, .. }
            | Event::CorrectionRequested { on, .. }
            | Event::Corrected { on }
            | Event::ConsultationStarted { on, .. }
            | Event::ConsultationAnswered { on }
            | Event::Extended { on, .. }
            | Event::FeeNoticed { on, .. }
            | Event::FeePaid { on }
            | Event::Answered { on, .. }
            | Event::Withdrawn { on }
            | Event::DeemedAbandoned { on, .. }
            | Event::Voided { on, .. } => *on,
        }
    }

    /// The event's type as in its JSON `type` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Received { .. } => "received",
            Event::CorrectionRequested { .. } => "correction_requested",
            Event::Corrected { .. } => "corrected",
            Event::ConsultationStarted { .. } => "consultation_started",
            Event::ConsultationAnswered { .. } => "consultation_answered",
            Event::Extended { .. } => "extended",
            Event::FeeNoticed { .. } => "fee_noticed",
            Event::FeePaid { .. } => "fee_paid",
            Event::Answered { .. } => "answered",
            Event::Withdrawn { .. } => "withdrawn",
            Event::DeemedAbandoned { .. } => "deemed_abandoned",
            Event::Voided { .. } => "voided",
        }
    }
}

/// The kind of a step staff may record in a request's ledger: every [`Event`] but `received`
/// (the request itself) and `voided` (a correction of the ledger, [`CaseState::append`]). A
/// request is deemed abandoned for one reason or the other, so that kind carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    CorrectionRequested,
    Corrected,
    ConsultationStarted,
    ConsultationAnswered,
    Extended,
    FeeNoticed,
    FeePaid,
    Answered,
    Withdrawn,
    DeemedAbandoned(AbandonReason),
}

impl EventKind {
    /// Every step, in the order the procedure meets them.
    pub const ALL: [EventKind; 11] = [
        EventKind::CorrectionRequested,
        EventKind::Corrected,
        EventKind::ConsultationStarted,
        EventKind::ConsultationAnswered,
        EventKind::Extended,
        EventKind::FeeNoticed,
        EventKind::FeePaid,
        EventKind::Answered,
        EventKind::Withdrawn,
        EventKind::DeemedAbandoned(AbandonReason::NoCorrection),
        EventKind::DeemedAbandoned(AbandonReason::FeeUnpaid),
    ];

    /// The event's JSON `type` tag ([`Event::kind`]).
    pub fn code(self) -> &'static str {
        match self {
            EventKind::CorrectionRequested => "correction_requested",
            EventKind::Corrected => "corrected",
            EventKind::ConsultationStarted => "consultation_started",
            EventKind::ConsultationAnswered => "consultation_answered",
            EventKind::Extended => "extended",
            EventKind::FeeNoticed => "fee_noticed",
            EventKind::FeePaid => "fee_paid",
            EventKind::Answered => "answered",
            EventKind::Withdrawn => "withdrawn",
            EventKind::DeemedAbandoned(_) => "deemed_abandoned",
        }
    }

    /// What the step is called in the back office.
    pub fn label_zh(self) -> &'static str {
        match self {
            EventKind::CorrectionRequested => "补正告知",
            EventKind::Corrected => "申请人已补正",
            EventKind::ConsultationStarted => "征求意见",
            EventKind::ConsultationAnswered => "征求意见答复",
            EventKind::Extended => "延期答复",
            EventKind::FeeNoticed => "收费通知",
            EventKind::FeePaid => "已缴费",
            EventKind::Answered => "答复",
            EventKind::Withdrawn => "申请人撤回申请",
            EventKind::DeemedAbandoned(AbandonReason::NoCorrection) => "视为放弃（逾期未补正）",
            EventKind::DeemedAbandoned(AbandonReason::FeeUnpaid) => "视为放弃（逾期未缴费）",
        }
    }
}

impl Event {
    /// The step this event records; `None` for `received` and `voided`.
    pub fn step(&self) -> Option<EventKind> {
        Some(match self {
            Event::Received { .. } | Event::Voided { .. } => return None,
            Event::CorrectionRequested { .. } => EventKind::CorrectionRequested,
            Event::Corrected { .. } => EventKind::Corrected,
            Event::ConsultationStarted { .. } => EventKind::ConsultationStarted,
            Event::ConsultationAnswered { .. } => EventKind::ConsultationAnswered,
            Event::Extended { .. } => EventKind::Extended,
            Event::FeeNoticed { .. } => EventKind::FeeNoticed,
            Event::FeePaid { .. } => EventKind::FeePaid,
            Event::Answered { .. } => EventKind::Answered,
            Event::Withdrawn { .. } => EventKind::Withdrawn,
            Event::DeemedAbandoned { reason, .. } => EventKind::DeemedAbandoned(*reason),
        })
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 办理中
    Processing,
    /// 待补正
    AwaitingCorrection,
    /// 征求意见中 (clock stopped)
    Consulting,
    /// 待缴费 (clock stopped)
    AwaitingFee,
    /// 已答复
    Answered,
    /// 已撤回
    Withdrawn,
    /// 视为放弃
    Abandoned,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Processing => "processing",
            Status::AwaitingCorrection => "awaiting_correction",
            Status::Consulting => "consulting",
            Status::AwaitingFee => "awaiting_fee",
            Status::Answered => "answered",
            Status::Withdrawn => "withdrawn",
            Status::Abandoned => "abandoned",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Processing => "办理中",
            Status::AwaitingCorrection => "待补正",
            Status::Consulting => "征求意见中",
            Status::AwaitingFee => "待缴费",
            Status::Answered => "已答复",
            Status::Withdrawn => "已撤回",
            Status::Abandoned => "视为放弃",
        }
    }
    pub fn is_concluded(self) -> bool {
        matches!(
            self,
            Status::Answered | Status::Withdrawn | Status::Abandoned
        )
    }
}

/// The state of a request derived from its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseState {
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub status: Status,
    pub last_event_on: NaiveDate,
    pub correction_requested: Option<(NaiveDate, NaiveDate)>,
    pub corrected_on: Option<NaiveDate>,
    pub pauses: Vec<Pause>,
    pub extension: Option<(NaiveDate, u32, String)>,
    pub fee: Option<(NaiveDate, u64)>,
    pub fee_paid_on: Option<NaiveDate>,
    pub conclusion: Option<(NaiveDate, Outcome)>,
}

fn illegal(event: &Event, why: impl Into<String>) -> DomainError {
    DomainError::Transition {
        event: event.kind(),
        reason: why.into(),
    }
}

impl CaseState {
    /// Starts a ledger from its first event, which must be [`Event::Received`].
    pub fn start(first: &Event) -> Result<Self, DomainError> {
        match first {
            Event::Received { on, channel } => {
                check_date("received_on", *on)?;
                Ok(CaseState {
                    received_on: *on,
                    channel: *channel,
                    status: Status::Processing,
                    last_event_on: *on,
                    correction_requested: None,
                    corrected_on: None,
                    pauses: Vec::new(),
                    extension: None,
                    fee: None,
                    fee_paid_on: None,
                    conclusion: None,
                })
            }
            other => Err(illegal(other, "a request's first event must be 'received'")),
        }
    }

    /// Replays a whole ledger. A `voided` event and the event it supersedes are skipped.
    pub fn replay(cal: &Calendar, events: &[Event]) -> Result<Self, DomainError> {
        let (first, rest) = events.split_first().ok_or_else(|| {
            DomainError::invalid("events", "a request has at least its 'received' event")
        })?;
        let superseded = crate::admission::superseded(events)?;
        let mut state = Self::start(first)?;
        for (i, e) in rest.iter().enumerate() {
            if matches!(e, Event::Voided { .. }) || superseded.contains_key(&(i + 2)) {
                continue;
            }
            state.apply(cal, e)?;
        }
        Ok(state)
    }

    /// The facts the answer clock runs on.
    pub fn clock_input(&self) -> ClockInput {
        ClockInput {
            received: self.received_on,
            corrected: self.corrected_on,
            pauses: self.pauses.clone(),
            extension_days: self.extension.as_ref().map_or(0, |e| e.1),
        }
    }

    /// The answer deadline (Art. 33), with its explanation.
    pub fn answer_deadline(&self, cal: &Calendar) -> Deadline {
        answer_deadline(cal, &self.clock_input()).expect("a replayed ledger has valid clock facts")
    }

    /// The last day to send the one-time 补正 notice (Art. 30).
    pub fn correction_notice_due(&self, cal: &Calendar) -> NaiveDate {
        due_after(cal, self.received_on, CORRECTION_NOTICE_DAYS).0
    }

    /// The day a consultation's reply is due (15 working days, Art. 32 third party / Art. 34
    /// co-maker agency; the letter's day is not counted), while one is open.
    pub fn consultation_reply_due(&self, cal: &Calendar) -> Option<NaiveDate> {
        self.pauses
            .iter()
            .find(|p| p.to.is_none() && p.reason == PauseReason::Consultation)
            .map(|p| due_after(cal, p.from, CONSULTATION_REPLY_DAYS).0)
    }

    /// The last day to pay a fee notice (20 working days from the day after the notice, 109号).
    pub fn fee_payment_due(&self, cal: &Calendar) -> Option<NaiveDate> {
        self.fee.map(|(on, _)| due_after(cal, on, PAYMENT_DAYS).0)
    }

    /// The outcome row a concluded request is counted in.
    pub fn outcome(&self) -> Option<Outcome> {
        self.conclusion.map(|c| c.1)
    }

    pub fn concluded_on(&self) -> Option<NaiveDate> {
        self.conclusion.map(|c| c.0)
    }

    /// Whether a step of `kind` may be taken on day `on` in this state — the transition rules
    /// that do not depend on what the event says (its status, the once-only rules, the periods
    /// of Art. 30 and 33, 109号). [`CaseState::apply`] checks this first, and
    /// [`CaseState::next_steps`] offers exactly the kinds it allows, so that the two never
    /// disagree.
    pub fn check_step(
        &self,
        cal: &Calendar,
        kind: EventKind,
        on: NaiveDate,
    ) -> Result<(), DomainError> {
        let refuse = |why: String| DomainError::Transition {
            event: kind.code(),
            reason: why,
        };
        check_date("on", on)?;
        if self.status.is_concluded() {
            return Err(refuse(format!(
                "the request is already concluded ({})",
                self.status.code()
            )));
        }
        if on < self.last_event_on {
            return Err(refuse(format!(
                "its date {on} is before the previous event ({})",
                self.last_event_on
            )));
        }
        let expect = |allowed: &[Status]| self.expect_status(kind.code(), allowed);
        match kind {
            EventKind::CorrectionRequested => {
                expect(&[Status::Processing])?;
                if self.correction_requested.is_some() {
                    return Err(refuse(
                        "补正 may be requested only once (一次性告知, Art. 30)".into(),
                    ));
                }
                if !self.pauses.is_empty() || self.extension.is_some() {
                    return Err(refuse(
                        "补正 is requested at the start, before consultation or extension (Art. 30)"
                            .into(),
                    ));
                }
                let due = self.correction_notice_due(cal);
                if on > due {
                    return Err(refuse(format!(
                        "补正 must be requested within 7 working days of receipt, by {due} (Art. 30)"
                    )));
                }
            }
            EventKind::Corrected => expect(&[Status::AwaitingCorrection])?,
            EventKind::ConsultationStarted => expect(&[Status::Processing])?,
            EventKind::ConsultationAnswered => expect(&[Status::Consulting])?,
            EventKind::Extended => {
                expect(&[Status::Processing, Status::Consulting])?;
                if self.extension.is_some() {
                    return Err(refuse(
                        "a request may be extended only once (Art. 33)".into(),
                    ));
                }
                if let Some(due) = self.answer_deadline(cal).due_on
                    && on > due
                {
                    return Err(refuse(format!(
                        "an extension must be decided by the deadline {due} (Art. 33)"
                    )));
                }
            }
            EventKind::FeeNoticed => {
                expect(&[Status::Processing])?;
                if self.received_on < FEE_MEASURES_IN_FORCE {
                    return Err(refuse(
                        "no fee before 2021-01-01 (国办函〔2020〕109号)".into(),
                    ));
                }
                if self.fee.is_some() {
                    return Err(refuse("one fee notice per request (109号)".into()));
                }
            }
            EventKind::FeePaid => expect(&[Status::AwaitingFee])?,
            EventKind::Answered => expect(&[Status::Processing, Status::Consulting])?,
            EventKind::Withdrawn => {}
            EventKind::DeemedAbandoned(reason) => {
                let ran_out = match reason {
                    AbandonReason::NoCorrection => {
                        expect(&[Status::AwaitingCorrection])?;
                        self.correction_requested.is_some_and(|c| on > c.1)
                    }
                    AbandonReason::FeeUnpaid => {
                        expect(&[Status::AwaitingFee])?;
                        self.fee_payment_due(cal).is_some_and(|due| on > due)
                    }
                };
                if !ran_out {
                    return Err(refuse(
                        "the period set for the applicant has not run out yet".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The steps the ledger allows on `today`, in the order of [`EventKind::ALL`]: those
    /// [`CaseState::check_step`] accepts. Who may take them is the actor's question
    /// ([`crate::actor::Actor::may_record`]: an extension is the head's).
    pub fn next_steps(&self, cal: &Calendar, today: NaiveDate) -> Vec<EventKind> {
        EventKind::ALL
            .into_iter()
            .filter(|k| self.check_step(cal, *k, today).is_ok())
            .collect()
    }

    /// Whether `outcome` may be the answer now (Art. 30, 36): the two "deemed abandoned" rows
    /// come only from their events, and 补正后申请内容仍不明确 needs a correction first.
    pub fn check_outcome(&self, outcome: Outcome) -> Result<(), DomainError> {
        let refuse = |why: String| DomainError::Transition {
            event: "answered",
            reason: why,
        };
        if !outcome.is_answer() {
            return Err(refuse(format!(
                "{outcome} follows from 'deemed_abandoned', not from an answer"
            )));
        }
        if matches!(
            outcome,
            Outcome::UnableToProvide(crate::outcome::UnableReason::UnclearAfterCorrection)
        ) && self.corrected_on.is_none()
        {
            return Err(refuse(
                "'unclear after correction' needs a correction first (Art. 30)".into(),
            ));
        }
        Ok(())
    }

    /// Applies one event, or explains why it may not happen now: first the step itself
    /// ([`CaseState::check_step`]), then what the event says.
    pub fn apply(&mut self, cal: &Calendar, event: &Event) -> Result<(), DomainError> {
        let on = event.on();
        let not_a_step = |why: &str| {
            check_date("on", on)?;
            Err(illegal(event, why))
        };
        let Some(kind) = event.step() else {
            return match event {
                Event::Received { .. } => not_a_step("a request is received only once"),
                _ => not_a_step(
                    "a void supersedes an earlier event: the ledger is replayed without it (CaseState::append)",
                ),
            };
        };
        self.check_step(cal, kind, on)?;
        match event {
            Event::Received { .. } | Event::Voided { .. } => {
                return not_a_step("not a step of the procedure");
            }
            Event::CorrectionRequested {
                items, correct_by, ..
            } => {
                if items.trim().is_empty() {
                    return Err(DomainError::invalid(
                        "items",
                        "must say what to supplement (Art. 30)",
                    ));
                }
                if *correct_by <= on {
                    return Err(DomainError::invalid(
                        "correct_by",
                        "must be after the notice date",
                    ));
                }
                self.correction_requested = Some((on, *correct_by));
                self.status = Status::AwaitingCorrection;
            }
            Event::Corrected { .. } => {
                self.corrected_on = Some(on);
                self.status = Status::Processing;
            }
            Event::ConsultationStarted { with, .. } => {
                if with.trim().is_empty() {
                    return Err(DomainError::invalid(
                        "with",
                        "must name the third party or agency consulted",
                    ));
                }
                self.pauses.push(Pause {
                    from: on,
                    to: None,
                    reason: PauseReason::Consultation,
                });
                self.status = Status::Consulting;
            }
            Event::ConsultationAnswered { .. } => {
                self.close_pause(on);
                self.status = Status::Processing;
            }
            Event::Extended {
                approver,
                days,
                reason,
                ..
            } => {
                if approver.trim().is_empty() {
                    return Err(DomainError::invalid(
                        "approver",
                        "an extension needs the consent of the head of the disclosure office (Art. 33)",
                    ));
                }
                if reason.trim().is_empty() {
                    return Err(DomainError::invalid(
                        "reason",
                        "the applicant is told why (Art. 33)",
                    ));
                }
                let max = self.max_extension_days();
                if *days == 0 || *days > max {
                    return Err(DomainError::invalid(
                        "days",
                        format!("an extension adds 1 to {max} working days (Art. 33)"),
                    ));
                }
                self.extension = Some((on, *days, approver.clone()));
            }
            Event::FeeNoticed {
                basis, amount_yuan, ..
            } => {
                let expected = basis.amount_yuan()?;
                if expected != *amount_yuan {
                    return Err(DomainError::invalid(
                        "amount_yuan",
                        format!(
                            "the 109号 tiers give {expected} yuan for {basis:?}, not {amount_yuan}"
                        ),
                    ));
                }
                if expected == 0 {
                    return Err(DomainError::invalid(
                        "basis",
                        "the tiers give no fee for this request (109号)",
                    ));
                }
                self.fee = Some((on, *amount_yuan));
                self.pauses.push(Pause {
                    from: on,
                    to: None,
                    reason: PauseReason::FeeNotice,
                });
                self.status = Status::AwaitingFee;
            }
            Event::FeePaid { .. } => {
                self.fee_paid_on = Some(on);
                self.close_pause(on);
                self.status = Status::Processing;
            }
            Event::Answered { outcome, .. } => {
                self.check_outcome(*outcome)?;
                self.close_pause(on);
                self.conclusion = Some((on, *outcome));
                self.status = Status::Answered;
            }
            Event::Withdrawn { .. } => {
                self.close_pause(on);
                self.conclusion = Some((on, Outcome::Other(OtherReason::Other)));
                self.status = Status::Withdrawn;
            }
            Event::DeemedAbandoned { reason, .. } => {
                self.close_pause(on);
                self.conclusion = Some((on, Outcome::Other(reason.row())));
                self.status = Status::Abandoned;
            }
        }
        self.last_event_on = on;
        Ok(())
    }

    /// The most working days an extension may add (Art. 33; 15 under the 2007 rule).
    pub fn max_extension_days(&self) -> u32 {
        Regime::for_receipt(self.received_on).max_extension_days()
    }

    fn expect_status(&self, event: &'static str, allowed: &[Status]) -> Result<(), DomainError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            let names: Vec<&str> = allowed.iter().map(|s| s.code()).collect();
            Err(DomainError::Transition {
                event,
                reason: format!(
                    "not allowed while the request is {}; allowed when {}",
                    self.status.code(),
                    names.join(" or ")
                ),
            })
        }
    }

    fn close_pause(&mut self, on: NaiveDate) {
        if let Some(p) = self.pauses.iter_mut().find(|p| p.to.is_none()) {
            p.to = Some(on);
        }
    }
}

/// 载体形式 — the medium the information is to be provided on (Art. 29(3): 申请公开的政府信息的
/// 形式要求; Art. 40: provided in the form asked for where possible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// 纸质
    Paper,
    /// 电子数据
    Electronic,
}

impl Medium {
    pub const ALL: [Medium; 2] = [Medium::Paper, Medium::Electronic];

    pub fn code(self) -> &'static str {
        match self {
            Medium::Paper => "paper",
            Medium::Electronic => "electronic",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Medium::Paper => "纸质",
            Medium::Electronic => "电子数据",
        }
    }

    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .copied()
            .find(|m| m.code() == s)
            .ok_or_else(|| {
                DomainError::invalid("medium", "must be paper or electronic")
                    .zh("请选择信息的载体形式（纸质或电子数据）")
            })
    }

    /// Whether `delivery` can carry this medium: data sent by e-mail or fetched online is
    /// electronic; paper is collected, posted or faxed.
    pub fn check_delivery(self, delivery: Delivery) -> Result<(), DomainError> {
        match (self, delivery) {
            (Medium::Paper, Delivery::Email | Delivery::Online) => Err(DomainError::invalid(
                "medium",
                "paper cannot be delivered by e-mail or online",
            )
            .zh("纸质信息不能通过电子邮件或网上获取，请改选电子数据或其他获取方式")),
            (Medium::Electronic, Delivery::Fax) => Err(DomainError::invalid(
                "medium",
                "electronic data cannot be delivered by fax",
            )
            .zh("电子数据不能通过传真提供，请改选纸质或其他获取方式")),
            _ => Ok(()),
        }
    }
}

/// 所需信息 — what a request asks for beyond its description (Art. 29(2): 名称、文号或者便于
/// 行政机关查询的其他特征性描述) and the medium (Art. 29(3)), each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetails {
    /// 文号 of the document, if known.
    pub document_number: Option<String>,
    /// 索引号 in the agency's catalogue, if known.
    pub index_number: Option<String>,
    /// 标题 of the document, if known.
    pub document_title: Option<String>,
    pub medium: Option<Medium>,
}

impl RequestDetails {
    /// Validates the optional parts of a request. `medium`: `None` is not stated (older API
    /// clients), an empty string is a form left unanswered (refused), else a [`Medium`] code
    /// that `delivery` can carry.
    pub fn parse(
        document_number: Option<&str>,
        index_number: Option<&str>,
        document_title: Option<&str>,
        medium: Option<&str>,
        delivery: Option<Delivery>,
    ) -> Result<Self, Vec<DomainError>> {
        let mut errors = Vec::new();
        let mut opt = |field: &str, v: Option<&str>, limit| {
            crate::text::clean_optional(field, v, limit)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten()
        };
        let document_number = opt("document_number", document_number, crate::text::DOC_NUMBER);
        let index_number = opt("index_number", index_number, crate::text::DOC_NUMBER);
        let document_title = opt("document_title", document_title, crate::text::TITLE);
        let medium = match medium.map(str::trim) {
            None => None,
            Some(code) => Medium::from_code(code).map_err(|e| errors.push(e)).ok(),
        };
        if let (Some(m), Some(d)) = (medium, delivery)
            && let Err(e) = m.check_delivery(d)
        {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(RequestDetails {
                document_number,
                index_number,
                document_title,
                medium,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{UnableReason, WithholdGround};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn received(on: &str) -> Event {
        Event::Received {
            on: d(on),
            channel: Channel::Online,
        }
    }
    fn run(events: &[Event]) -> Result<CaseState, DomainError> {
        CaseState::replay(&Calendar::embedded(), events)
    }

    #[test]
    fn art31_receipt_dates_by_channel() {
        let arrived = d("2025-03-03");
        let signed = d("2025-03-05");
        assert_eq!(
            Channel::InPerson
                .receipt_date(arrived, Some(signed))
                .unwrap(),
            arrived
        );
        assert_eq!(
            Channel::PostSigned
                .receipt_date(arrived, Some(signed))
                .unwrap(),
            signed
        );
        assert_eq!(
            Channel::Letter.receipt_date(arrived, Some(signed)).unwrap(),
            signed
        );
        assert_eq!(
            Channel::Online
                .receipt_date(arrived, Some(arrived))
                .unwrap(),
            arrived
        );
        assert_eq!(Channel::Email.receipt_date(arrived, None).unwrap(), arrived);
        assert!(Channel::Fax.receipt_date(arrived, None).is_err());
        assert!(
            Channel::PostSigned
                .receipt_date(signed, Some(arrived))
                .is_err()
        );
    }

    #[test]
    fn art30_correction_once_within_seven_working_days_and_the_clock_restarts() {
        let cal = Calendar::embedded();
        let base = [
            received("2025-03-03"),
            Event::CorrectionRequested {
                on: d("2025-03-12"),
                items: "请明确文件名称".into(),
                correct_by: d("2025-03-26"),
            },
        ];
        let s = run(&base).unwrap();
        assert_eq!(s.status, Status::AwaitingCorrection);
        // The 8th working day after receipt is too late.
        let late = Event::CorrectionRequested {
            on: d("2025-03-13"),
            items: "x".into(),
            correct_by: d("2025-03-26"),
        };
        assert!(
            run(&[received("2025-03-03"), late])
                .unwrap_err()
                .to_string()
                .contains("Art. 30")
        );
        let mut events = base.to_vec();
        events.push(Event::Corrected {
            on: d("2025-03-20"),
        });
        let s = run(&events).unwrap();
        assert_eq!(
            s.answer_deadline(&cal).due_on,
            Some(cal.add_working_days(d("2025-03-20"), 20))
        );
        events.push(Event::CorrectionRequested {
            on: d("2025-03-21"),
            items: "y".into(),
            correct_by: d("2025-03-28"),
        });
        assert!(run(&events).unwrap_err().to_string().contains("only once"));
    }

    #[test]
    fn art30_no_correction_in_time_is_deemed_abandoned() {
        let mut events = vec![
            received("2025-03-03"),
            Event::CorrectionRequested {
                on: d("2025-03-05"),
                items: "x".into(),
                correct_by: d("2025-03-19"),
            },
        ];
        events.push(Event::DeemedAbandoned {
            on: d("2025-03-19"),
            reason: AbandonReason::NoCorrection,
        });
        assert!(
            run(&events).is_err(),
            "not before the period set has run out"
        );
        events.pop();
        events.push(Event::DeemedAbandoned {
            on: d("2025-03-20"),
            reason: AbandonReason::NoCorrection,
        });
        let s = run(&events).unwrap();
        assert_eq!(s.status, Status::Abandoned);
        assert_eq!(s.outcome(), Some(Outcome::Other(OtherReason::NoCorrection)));
    }

    #[test]
    fn art32_consultation_stops_the_clock_and_answer_can_come_after() {
        let cal = Calendar::embedded();
        let events = [
            received("2025-06-09"),
            Event::ConsultationStarted {
                on: d("2025-06-11"),
                party: ConsultedParty::ThirdParty,
                with: "某公司".into(),
            },
        ];
        let s = run(&events).unwrap();
        assert_eq!(s.status, Status::Consulting);
        assert_eq!(s.answer_deadline(&cal).due_on, None);
        let mut more = events.to_vec();
        more.push(Event::ConsultationAnswered {
            on: d("2025-06-18"),
        });
        let s = run(&more).unwrap();
        let plain = answer_deadline(&cal, &ClockInput::new(d("2025-06-09")))
            .unwrap()
            .due_on
            .unwrap();
        assert_eq!(
            s.answer_deadline(&cal).due_on,
            Some(cal.add_working_days(plain, 5))
        );
    }

    #[test]
    fn art33_extension_once_with_approver_before_the_deadline() {
        let ext = |on: &str, approver: &str, days| Event::Extended {
            on: d(on),
            approver: approver.into(),
            days,
            reason: "需调取档案".into(),
        };
        let s = run(&[received("2025-06-09"), ext("2025-07-01", "公开办主任", 20)]).unwrap();
        assert_eq!(s.answer_deadline(&Calendar::embedded()).counted(), 40);
        assert!(run(&[received("2025-06-09"), ext("2025-07-01", " ", 20)]).is_err());
        assert!(run(&[received("2025-06-09"), ext("2025-07-01", "主任", 21)]).is_err());
        assert!(
            run(&[received("2025-06-09"), ext("2025-07-10", "主任", 20)])
                .unwrap_err()
                .to_string()
                .contains("by the deadline")
        );
        let twice = [
            received("2025-06-09"),
            ext("2025-06-20", "主任", 5),
            ext("2025-06-23", "主任", 5),
        ];
        assert!(run(&twice).unwrap_err().to_string().contains("only once"));
    }

    #[test]
    fn fee_notice_payment_and_non_payment() {
        let notice = Event::FeeNoticed {
            on: d("2025-06-12"),
            basis: FeeBasis::ByPages { pages: 2219 },
            amount_yuan: 83_460,
        };
        let s = run(&[received("2025-06-09"), notice.clone()]).unwrap();
        assert_eq!(s.status, Status::AwaitingFee);
        let wrong = Event::FeeNoticed {
            on: d("2025-06-12"),
            basis: FeeBasis::ByPages { pages: 2219 },
            amount_yuan: 80_000,
        };
        assert!(run(&[received("2025-06-09"), wrong]).is_err());
        let before_109 = Event::FeeNoticed {
            on: d("2020-06-12"),
            basis: FeeBasis::ByCount { ordinal: 11 },
            amount_yuan: 100,
        };
        assert!(run(&[received("2020-06-09"), before_109]).is_err());
        let abandoned = [
            received("2025-06-09"),
            notice,
            Event::DeemedAbandoned {
                on: d("2025-07-11"),
                reason: AbandonReason::FeeUnpaid,
            },
        ];
        // 20 working days after 06-12 is 07-10; abandonment from 07-11 on.
        let s = run(&abandoned).unwrap();
        assert_eq!(s.outcome(), Some(Outcome::Other(OtherReason::FeeUnpaid)));
    }

    #[test]
    fn answers_and_withdrawals_conclude() {
        let s = run(&[
            received("2025-06-09"),
            Event::Answered {
                on: d("2025-06-20"),
                outcome: Outcome::Withheld(WithholdGround::AdministrativeQuery),
                letter_no: None,
            },
        ])
        .unwrap();
        assert_eq!(s.status, Status::Answered);
        assert_eq!(s.concluded_on(), Some(d("2025-06-20")));
        let after = Event::Withdrawn {
            on: d("2025-06-21"),
        };
        let mut events = vec![received("2025-06-09")];
        events.push(after.clone());
        assert_eq!(
            run(&events).unwrap().outcome(),
            Some(Outcome::Other(OtherReason::Other))
        );
        events.push(after);
        assert!(
            run(&events)
                .unwrap_err()
                .to_string()
                .contains("already concluded")
        );
    }

    #[test]
    fn illegal_transitions_are_rejected() {
        assert!(
            run(&[
                received("2025-06-09"),
                Event::Corrected {
                    on: d("2025-06-10")
                }
            ])
            .is_err()
        );
        assert!(
            run(&[
                received("2025-06-09"),
                Event::ConsultationAnswered {
                    on: d("2025-06-10")
                }
            ])
            .is_err()
        );
        assert!(
            run(&[
                received("2025-06-09"),
                Event::FeePaid {
                    on: d("2025-06-10")
                }
            ])
            .is_err()
        );
        assert!(
            run(&[Event::Withdrawn {
                on: d("2025-06-10")
            }])
            .is_err()
        );
        assert!(
            run(&[
                received("2025-06-09"),
                Event::Withdrawn {
                    on: d("2025-06-08")
                }
            ])
            .is_err(),
            "backdated"
        );
        let unclear = Event::Answered {
            on: d("2025-06-10"),
            outcome: Outcome::UnableToProvide(UnableReason::UnclearAfterCorrection),
            letter_no: None,
        };
        assert!(run(&[received("2025-06-09"), unclear]).is_err());
        let by_answer = Event::Answered {
            on: d("2025-06-10"),
            outcome: Outcome::Other(OtherReason::FeeUnpaid),
            letter_no: None,
        };
        assert!(run(&[received("2025-06-09"), by_answer]).is_err());
    }

    #[test]
    fn events_serialise_with_a_type_tag() {
        let e = Event::Answered {
            on: d("2025-06-10"),
            outcome: Outcome::Disclosed,
            letter_no: Some("阜自然资公复〔2025〕1号".into()),
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["type"], "answered");
        assert_eq!(json["outcome"], "disclosed");
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), e);
    }

    #[test]
    fn request_details_and_the_medium() {
        let d = RequestDetails::parse(
            Some(" 阜政发〔2024〕3号 "),
            Some(""),
            None,
            Some("electronic"),
            Some(Delivery::Email),
        )
        .unwrap();
        assert_eq!(d.document_number.as_deref(), Some("阜政发〔2024〕3号"));
        assert_eq!(d.index_number, None);
        assert_eq!(d.medium, Some(Medium::Electronic));
        assert_eq!(
            RequestDetails::parse(None, None, None, None, Some(Delivery::Post))
                .unwrap()
                .medium,
            None,
            "older clients state no medium"
        );
        let unanswered =
            RequestDetails::parse(None, None, None, Some(""), Some(Delivery::Post)).unwrap_err();
        assert_eq!(unanswered[0].field(), "medium");
        assert_eq!(
            unanswered[0].reason_zh(),
            "请选择信息的载体形式（纸质或电子数据）"
        );
        let paper_by_mail =
            RequestDetails::parse(None, None, None, Some("paper"), Some(Delivery::Email))
                .unwrap_err();
        assert_eq!(paper_by_mail[0].field(), "medium");
        assert!(paper_by_mail[0].reason_zh().contains("纸质"));
        let long = "文".repeat(301);
        let too_long = RequestDetails::parse(None, None, Some(&long), None, None).unwrap_err();
        assert_eq!(too_long[0].field(), "document_title");
        assert_eq!(too_long[0].reason_zh(), "不能超过300个字符");
    }

    /// A valid event of `kind` on `on` for a ledger in `state`: what a clerk would record.
    fn step_event(kind: EventKind, on: NaiveDate) -> Event {
        match kind {
            EventKind::CorrectionRequested => Event::CorrectionRequested {
                on,
                items: "请明确所需文件的名称".into(),
                correct_by: on + chrono::Days::new(10),
            },
            EventKind::Corrected => Event::Corrected { on },
            EventKind::ConsultationStarted => Event::ConsultationStarted {
                on,
                party: ConsultedParty::ThirdParty,
                with: "某公司".into(),
            },
            EventKind::ConsultationAnswered => Event::ConsultationAnswered { on },
            EventKind::Extended => Event::Extended {
                on,
                approver: "负责人".into(),
                days: 10,
                reason: "需调取档案".into(),
            },
            EventKind::FeeNoticed => {
                let basis = FeeBasis::ByPages { pages: 200 };
                Event::FeeNoticed {
                    on,
                    basis,
                    amount_yuan: basis.amount_yuan().unwrap(),
                }
            }
            EventKind::FeePaid => Event::FeePaid { on },
            EventKind::Answered => Event::Answered {
                on,
                outcome: Outcome::PartiallyDisclosed,
                letter_no: None,
            },
            EventKind::Withdrawn => Event::Withdrawn { on },
            EventKind::DeemedAbandoned(reason) => Event::DeemedAbandoned { on, reason },
        }
    }

    proptest::proptest! {
        /// Along random ledgers (received 2015–2026, steps some days apart), every step
        /// `next_steps` offers is accepted — by `apply` and by `append` as of that day — and
        /// every step it leaves out is refused: the list the request page shows is the rule.
        #[test]
        fn next_steps_offer_exactly_what_apply_accepts(
            start in 0u64..4200,
            walk in proptest::collection::vec((0u64..40, 0usize..11), 0..14),
        ) {
            let cal = Calendar::embedded();
            let received = d("2015-01-05") + chrono::Days::new(start);
            let mut events = vec![Event::Received { on: received, channel: Channel::Online }];
            let mut state = CaseState::replay(&cal, &events).unwrap();
            let mut today = received;
            for (gap, pick) in walk {
                today = today + chrono::Days::new(gap);
                let offered = state.next_steps(&cal, today);
                for kind in EventKind::ALL {
                    let event = step_event(kind, today);
                    let applied = state.clone().apply(&cal, &event);
                    let appended = state.append(&cal, &events, event, today);
                    proptest::prop_assert_eq!(
                        applied.is_ok(),
                        offered.contains(&kind),
                        "{:?} on {} after {:?}: {:?}", kind, today, events, applied
                    );
                    proptest::prop_assert_eq!(appended.is_ok(), applied.is_ok(), "{:?}", appended);
                }
                let Some(kind) = (!offered.is_empty()).then(|| offered[pick % offered.len()]) else {
                    break;
                };
                let event = step_event(kind, today);
                state.apply(&cal, &event).unwrap();
                events.push(event);
            }
        }
    }

    #[test]
    fn next_steps_of_a_new_request_and_after_a_correction_notice() {
        let cal = Calendar::embedded();
        let s = run(&[received("2025-06-09")]).unwrap();
        use EventKind as K;
        assert_eq!(
            s.next_steps(&cal, d("2025-06-10")),
            vec![
                K::CorrectionRequested,
                K::ConsultationStarted,
                K::Extended,
                K::FeeNoticed,
                K::Answered,
                K::Withdrawn
            ]
        );
        // After the 7th working day the 补正 notice is no longer offered (Art. 30).
        assert!(
            !s.next_steps(&cal, d("2025-06-19"))
                .contains(&K::CorrectionRequested)
        );
        let s = run(&[
            received("2025-06-09"),
            step_event(K::CorrectionRequested, d("2025-06-10")),
        ])
        .unwrap();
        assert_eq!(
            s.next_steps(&cal, d("2025-06-11")),
            vec![K::Corrected, K::Withdrawn]
        );
        assert_eq!(
            s.next_steps(&cal, d("2025-06-21")),
            vec![
                K::Corrected,
                K::Withdrawn,
                K::DeemedAbandoned(AbandonReason::NoCorrection)
            ]
        );
        assert!(
            s.check_outcome(Outcome::UnableToProvide(
                UnableReason::UnclearAfterCorrection
            ))
            .is_err()
        );
    }
}
