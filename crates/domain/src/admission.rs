//! 登记 — what a new event of a request's ledger must satisfy before it is appended, and the
//! `voided` event that corrects a typo without rewriting the ledger.
//!
//! [`CaseState::append`] is the one entry point for a new event, whichever caller (API, CLI):
//! its free text is cleaned ([`crate::text`]), its numbers bounded, its dates checked against
//! today ([`check_past`], [`check_limit`]), then the transition rules of [`CaseState::apply`]
//! decide. A `voided` event supersedes one earlier event: the ledger is replayed without it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::DomainError;
use crate::calendar::{Calendar, check_limit, check_past};
use crate::deadline::due_after;
use crate::fee::MAX_FEE_YUAN;
use crate::request::{CaseState, Event};
use crate::text::{self, DOC_NUMBER, PARTY, REASON};

/// The longest 补正 period gongkai lets a notice set, in working days after the notice.
/// Art. 30 asks only for 合理的补正期限 (a reasonable period); the longest period the national
/// rules give an applicant to act on a notice is the 20 working days to pay a fee notice
/// (国办函〔2020〕109号), the same as the answer period of Art. 33, and gongkai takes it as the bound.
pub const MAX_CORRECTION_DAYS: u32 = 20;

fn void_refused(reason: impl Into<String>) -> DomainError {
    DomainError::Transition {
        event: "voided",
        reason: reason.into(),
    }
}

/// The events superseded by a `voided` event: seq of the superseded event (1-based position in
/// the ledger) → seq of the void. A void may supersede only an earlier event that is neither
/// `received` nor another void, nor one already voided.
pub fn superseded(events: &[Event]) -> Result<BTreeMap<usize, usize>, DomainError> {
    let mut out = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        let Event::Voided { seq, .. } = e else {
            continue;
        };
        let own = i + 1;
        let target = *seq as usize;
        if target == 0 || target >= own {
            return Err(void_refused(format!(
                "event {target} is not an earlier event of this request (this is event {own})"
            )));
        }
        match &events[target - 1] {
            Event::Received { .. } => {
                return Err(void_refused(
                    "the 'received' event cannot be voided: it is the request itself (Art. 31)",
                ));
            }
            Event::Voided { .. } => {
                return Err(void_refused(format!(
                    "event {target} is itself a void; a void cannot be voided"
                )));
            }
            _ => {}
        }
        if let Some(by) = out.insert(target, own) {
            return Err(void_refused(format!(
                "event {target} is already voided by event {by}"
            )));
        }
    }
    Ok(out)
}

impl Event {
    /// The event as it may enter the ledger today: free text cleaned, numbers within their bounds,
    /// `on` not after `today` nor before 2008, a 补正 date after the notice and within
    /// [`MAX_CORRECTION_DAYS`] working days. Errors name the field and the rule.
    pub fn admitted(self, cal: &Calendar, today: NaiveDate) -> Result<Event, DomainError> {
        check_past("on", self.on(), today)?;
        Ok(match self {
            Event::CorrectionRequested {
                on,
                items,
                correct_by,
            } => {
                let latest = due_after(cal, on, MAX_CORRECTION_DAYS).0;
                check_limit(
                    "correct_by",
                    correct_by,
                    on,
                    latest,
                    "合理的补正期限, Art. 30: at most 20 working days after the notice",
                )?;
                Event::CorrectionRequested {
                    on,
                    items: text::clean_required(
                        "items",
                        &items,
                        REASON,
                        "must say what to supplement (Art. 30)",
                    )?,
                    correct_by,
                }
            }
            Event::ConsultationStarted { on, party, with } => Event::ConsultationStarted {
                on,
                party,
                with: text::clean_required(
                    "with",
                    &with,
                    PARTY,
                    "must name the third party or agency consulted",
                )?,
            },
            Event::Extended {
                on,
                approver,
                days,
                reason,
            } => Event::Extended {
                on,
                approver: text::clean_required(
                    "approver",
                    &approver,
                    PARTY,
                    "an extension needs the consent of the head of the disclosure office (Art. 33)",
                )?,
                days,
                reason: text::clean_required(
                    "reason",
                    &reason,
                    REASON,
                    "the applicant is told why (Art. 33)",
                )?,
            },
            Event::FeeNoticed {
                on,
                basis,
                amount_yuan,
            } => {
                if amount_yuan > MAX_FEE_YUAN {
                    return Err(DomainError::invalid(
                        "amount_yuan",
                        format!(
                            "at most {MAX_FEE_YUAN} yuan, the 109号 fee of the most pages one request is charged for"
                        ),
                    ));
                }
                basis.amount_yuan()?;
                Event::FeeNoticed {
                    on,
                    basis,
                    amount_yuan,
                }
            }
            Event::Answered {
                on,
                outcome,
                letter_no,
            } => Event::Answered {
                on,
                outcome,
                letter_no: text::clean_optional("letter_no", letter_no.as_deref(), DOC_NUMBER)?,
            },
            Event::Voided { on, seq, reason } => Event::Voided {
                on,
                seq,
                reason: text::clean_required(
                    "reason",
                    &reason,
                    REASON,
                    "say why the event is void",
                )?,
            },
            other => other,
        })
    }
}

impl CaseState {
    /// The state after appending `event` to `events` (whose replayed state is `self`), with the
    /// event as admitted ([`Event::admitted`]). A `voided` event is accepted only when the ledger
    /// without the event it supersedes still replays; the refusal says why not.
    pub fn append(
        &self,
        cal: &Calendar,
        events: &[Event],
        event: Event,
        today: NaiveDate,
    ) -> Result<(Event, CaseState), DomainError> {
        let event = event.admitted(cal, today)?;
        if let Event::Voided { on, seq, .. } = &event {
            let mut all = events.to_vec();
            all.push(event.clone());
            superseded(&all)?;
            let target = &events[*seq as usize - 1];
            if *on < target.on() {
                return Err(void_refused(format!(
                    "a void is dated on or after the event it supersedes ({})",
                    target.on()
                )));
            }
            let state = CaseState::replay(cal, &all).map_err(|e| {
                void_refused(format!(
                    "without event {seq} ({}) the rest of the ledger does not hold: {e}",
                    target.kind()
                ))
            })?;
            return Ok((event, state));
        }
        let mut state = self.clone();
        state.apply(cal, &event)?;
        Ok((event, state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Outcome;
    use crate::request::{Channel, Status};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ledger() -> Vec<Event> {
        vec![
            Event::Received {
                on: d("2025-06-09"),
                channel: Channel::Online,
            },
            Event::Answered {
                on: d("2025-12-02"),
                outcome: Outcome::Disclosed,
                letter_no: None,
            },
        ]
    }

    fn append(events: &[Event], e: Event, today: &str) -> Result<(Event, CaseState), DomainError> {
        let cal = Calendar::embedded();
        CaseState::replay(&cal, events)?.append(&cal, events, e, d(today))
    }

    #[test]
    fn future_dates_are_refused() {
        let events = &ledger()[..1];
        let e = append(
            events,
            Event::Withdrawn {
                on: d("2199-12-31"),
            },
            "2025-06-10",
        )
        .unwrap_err();
        assert_eq!(e.field(), "on");
        assert!(e.reason().contains("after today"));
        let ok = append(
            events,
            Event::Withdrawn {
                on: d("2025-06-10"),
            },
            "2025-06-10",
        );
        assert!(ok.is_ok(), "today itself is fine");
    }

    #[test]
    fn a_correction_period_is_after_the_notice_and_bounded() {
        let events = &ledger()[..1];
        let notice = |by: &str| Event::CorrectionRequested {
            on: d("2025-06-10"),
            items: " 请明确\r\n地块位置 ".into(),
            correct_by: d(by),
        };
        let (e, _) = append(events, notice("2025-06-24"), "2025-06-10").unwrap();
        let Event::CorrectionRequested { items, .. } = e else {
            panic!()
        };
        assert_eq!(items, "请明确\n地块位置");
        assert_eq!(
            append(events, notice("2025-06-10"), "2025-06-10")
                .unwrap_err()
                .field(),
            "correct_by"
        );
        // 20 working days after 2025-06-10 is 2025-07-08.
        assert!(append(events, notice("2025-07-08"), "2025-06-10").is_ok());
        let e = append(events, notice("2025-07-09"), "2025-06-10").unwrap_err();
        assert_eq!(e.field(), "correct_by");
        assert!(e.reason().contains("Art. 30"));
    }

    #[test]
    fn a_huge_fee_names_its_field() {
        use crate::fee::FeeBasis;
        let events = &ledger()[..1];
        let fee = Event::FeeNoticed {
            on: d("2025-06-10"),
            basis: FeeBasis::ByPages { pages: u32::MAX },
            amount_yuan: 171_798_682_660,
        };
        assert_eq!(
            append(events, fee, "2025-06-10").unwrap_err().field(),
            "amount_yuan"
        );
    }

    #[test]
    fn voiding_a_wrong_answer_reopens_the_request() {
        let events = ledger();
        let void = Event::Voided {
            on: d("2025-12-03"),
            seq: 2,
            reason: "答复日期录入错误".into(),
        };
        let (_, state) = append(&events, void.clone(), "2025-12-03").unwrap();
        assert_eq!(state.status, Status::Processing);
        assert_eq!(state.concluded_on(), None);
        let mut all = events.clone();
        all.push(void);
        assert_eq!(
            CaseState::replay(&Calendar::embedded(), &all).unwrap(),
            state
        );
        // The right answer can now be recorded.
        let (_, state) = append(
            &all,
            Event::Answered {
                on: d("2025-07-02"),
                outcome: Outcome::Disclosed,
                letter_no: None,
            },
            "2025-12-03",
        )
        .unwrap();
        assert_eq!(state.concluded_on(), Some(d("2025-07-02")));
    }

    #[test]
    fn what_cannot_be_voided() {
        let events = ledger();
        let void = |seq| Event::Voided {
            on: d("2025-12-03"),
            seq,
            reason: "录入错误".into(),
        };
        let received = append(&events, void(1), "2025-12-03").unwrap_err();
        assert!(received.reason().contains("'received'"), "{received}");
        assert!(
            append(&events, void(3), "2025-12-03").is_err(),
            "not an earlier event"
        );
        assert!(append(&events, void(0), "2025-12-03").is_err());
        let mut all = events.clone();
        all.push(void(2));
        let twice = append(&all, void(2), "2025-12-03").unwrap_err();
        assert!(twice.reason().contains("already voided"), "{twice}");
        let of_void = append(&all, void(3), "2025-12-03").unwrap_err();
        assert!(of_void.reason().contains("itself a void"), "{of_void}");
        let no_reason = Event::Voided {
            on: d("2025-12-03"),
            seq: 2,
            reason: " ".into(),
        };
        assert_eq!(
            append(&events, no_reason, "2025-12-03")
                .unwrap_err()
                .field(),
            "reason"
        );
    }

    #[test]
    fn a_void_that_would_break_the_rest_is_refused() {
        // received → consultation started → consultation answered: voiding the start leaves an
        // answer to a consultation that never began.
        let events = vec![
            ledger()[0].clone(),
            Event::ConsultationStarted {
                on: d("2025-06-10"),
                party: crate::request::ConsultedParty::ThirdParty,
                with: "某公司".into(),
            },
            Event::ConsultationAnswered {
                on: d("2025-06-20"),
            },
        ];
        let e = append(
            &events,
            Event::Voided {
                on: d("2025-06-23"),
                seq: 2,
                reason: "误录".into(),
            },
            "2025-06-23",
        )
        .unwrap_err();
        assert!(e.reason().contains("does not hold"), "{e}");
        assert!(e.reason().contains("consultation_answered"), "{e}");
    }
}
