//! Decoding an event body so that every error names its field.
//!
//! The domain's [`Event`] is a `type`-tagged union, and serde's decoder of such a union buffers
//! the body and loses the path of an error (every error said `field: "type"`). Here the body is
//! first decoded per type into [`EventShape`] — the same fields with the same types, but
//! externally tagged, which keeps the path — and then converted field by field into the
//! domain's `Event`, which stays the one definition of what an event is. What a body may leave
//! out is an `Option` here with its default stated in [`EventShape::into_event`] (the fee of the
//! 109号 tiers, the authenticated head as approver), never a value written into the JSON.

use chrono::NaiveDate;
use gongkai_domain::DomainError;
use gongkai_domain::fee::FeeBasis;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::request::{AbandonReason, ConsultedParty, Event};
use serde::Deserialize;
use serde_json::Value;

use crate::{ApiError, FieldError};

/// The event types staff record (`received` is the store's own, on registration).
pub const EVENT_TYPES: [&str; 11] = [
    "correction_requested",
    "corrected",
    "consultation_started",
    "consultation_answered",
    "extended",
    "fee_noticed",
    "fee_paid",
    "answered",
    "withdrawn",
    "deemed_abandoned",
    "voided",
];

/// The fields of each event type, as in [`Event`] (kept in step by the test below and by
/// [`EventShape::into_event`]); `None` where the body may leave a field to its default.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum EventShape {
    CorrectionRequested {
        on: NaiveDate,
        items: String,
        correct_by: NaiveDate,
    },
    Corrected {
        on: NaiveDate,
    },
    ConsultationStarted {
        on: NaiveDate,
        party: ConsultedParty,
        with: String,
    },
    ConsultationAnswered {
        on: NaiveDate,
    },
    Extended {
        on: NaiveDate,
        /// Default: the authenticated actor (only the head may record an extension).
        approver: Option<String>,
        days: u32,
        reason: String,
    },
    FeeNoticed {
        on: NaiveDate,
        basis: FeeBasis,
        /// Default: the amount of the 109号 tiers for `basis`.
        amount_yuan: Option<u64>,
    },
    FeePaid {
        on: NaiveDate,
    },
    Answered {
        on: NaiveDate,
        outcome: Outcome,
        letter_no: Option<String>,
    },
    Withdrawn {
        on: NaiveDate,
    },
    DeemedAbandoned {
        on: NaiveDate,
        reason: AbandonReason,
    },
    Voided {
        on: NaiveDate,
        seq: u32,
        reason: String,
    },
}

impl EventShape {
    /// The domain event, with the defaults of the fields the body left out.
    fn into_event(self, actor_name: &str) -> Result<Event, DomainError> {
        Ok(match self {
            EventShape::CorrectionRequested {
                on,
                items,
                correct_by,
            } => Event::CorrectionRequested {
                on,
                items,
                correct_by,
            },
            EventShape::Corrected { on } => Event::Corrected { on },
            EventShape::ConsultationStarted { on, party, with } => {
                Event::ConsultationStarted { on, party, with }
            }
            EventShape::ConsultationAnswered { on } => Event::ConsultationAnswered { on },
            EventShape::Extended {
                on,
                approver,
                days,
                reason,
            } => Event::Extended {
                on,
                approver: approver.unwrap_or_else(|| actor_name.to_string()),
                days,
                reason,
            },
            EventShape::FeeNoticed {
                on,
                basis,
                amount_yuan,
            } => Event::FeeNoticed {
                on,
                amount_yuan: match amount_yuan {
                    Some(a) => a,
                    None => basis.amount_yuan()?,
                },
                basis,
            },
            EventShape::FeePaid { on } => Event::FeePaid { on },
            EventShape::Answered {
                on,
                outcome,
                letter_no,
            } => Event::Answered {
                on,
                outcome,
                letter_no,
            },
            EventShape::Withdrawn { on } => Event::Withdrawn { on },
            EventShape::DeemedAbandoned { on, reason } => Event::DeemedAbandoned { on, reason },
            EventShape::Voided { on, seq, reason } => Event::Voided { on, seq, reason },
        })
    }
}

fn malformed(field: impl Into<String>, rule: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, rule)])
}

/// Decodes a staff event body. `actor_name` is the default `approver` of an `extended` event
/// (the approver is the authenticated head; the application refuses any other name); a
/// `fee_noticed` without `amount_yuan` gets the amount of the 109号 tiers.
pub(crate) fn decode_event(body: Value, actor_name: &str) -> Result<Event, ApiError> {
    let Value::Object(mut fields) = body else {
        return Err(malformed(
            "body",
            "must be a JSON object: an event tagged by `type`",
        ));
    };
    let kind = match fields.get("type") {
        Some(Value::String(t)) if EVENT_TYPES.contains(&t.as_str()) => t.clone(),
        _ => {
            return Err(malformed(
                "type",
                format!("must be one of {}", EVENT_TYPES.join(", ")),
            ));
        }
    };
    let problems = check_common_fields(&fields);
    if !problems.is_empty() {
        return Err(problems.into());
    }
    fields.remove("type");
    let shaped = Value::Object(serde_json::Map::from_iter([(
        kind.clone(),
        Value::Object(fields),
    )]));
    match serde_path_to_error::deserialize::<_, EventShape>(shaped) {
        Ok(shape) => Ok(shape.into_event(actor_name)?),
        Err(e) => {
            let path = e.path().to_string();
            let rule = e.into_inner().to_string();
            let field = path
                .strip_prefix(&kind)
                .map(|p| p.trim_start_matches('.'))
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .or_else(|| named_in(&rule))
                .unwrap_or_else(|| "body".to_string());
            Err(malformed(field, rule))
        }
    }
}

/// The field a serde message names (`missing field `outcome``, `unknown field `x``).
fn named_in(rule: &str) -> Option<String> {
    let start = rule.find('`')? + 1;
    let len = rule[start..].find('`')?;
    Some(rule[start..start + len].to_string())
}

/// Dates and the outcome, checked with the domain's own parsers for their messages.
fn check_common_fields(body: &serde_json::Map<String, Value>) -> Vec<DomainError> {
    let mut errors = Vec::new();
    for field in ["on", "correct_by"] {
        match body.get(field) {
            None if field == "on" => {
                errors.push(DomainError::invalid("on", "is required (YYYY-MM-DD)"))
            }
            None => {}
            Some(v) => {
                if let Err(e) =
                    gongkai_domain::calendar::parse_date(field, v.as_str().unwrap_or_default())
                {
                    errors.push(e);
                }
            }
        }
    }
    if let Some(o) = body.get("outcome")
        && let Err(e) = o.as_str().unwrap_or_default().parse::<Outcome>()
    {
        errors.push(e);
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(body: Value) -> String {
        match decode_event(body, "主任") {
            Err(ApiError::Validation(e)) => e[0].field.clone(),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn every_error_names_its_field() {
        let on = "2025-06-11";
        let cases = [
            (
                json!({"type": "correction_requested", "on": on, "items": 5, "correct_by": "2025-06-25"}),
                "items",
            ),
            (
                json!({"type": "correction_requested", "on": on, "correct_by": "2025-06-25"}),
                "items",
            ),
            (
                json!({"type": "consultation_started", "on": on, "party": "neighbour", "with": "x"}),
                "party",
            ),
            (
                json!({"type": "consultation_started", "on": on, "party": "third_party", "with": []}),
                "with",
            ),
            (
                json!({"type": "extended", "on": on, "days": "fifteen", "reason": "x"}),
                "days",
            ),
            (
                json!({"type": "extended", "on": on, "days": -1, "reason": "x"}),
                "days",
            ),
            (
                json!({"type": "extended", "on": on, "days": 15, "reason": 7}),
                "reason",
            ),
            (json!({"type": "extended", "on": on, "days": 15}), "reason"),
            (
                json!({"type": "fee_noticed", "on": on, "basis": {"basis": "by_pages", "pages": 2}, "amount_yuan": "much"}),
                "amount_yuan",
            ),
            (
                json!({"type": "fee_noticed", "on": on, "basis": {"basis": "by_weight"}}),
                "basis.basis",
            ),
            (
                json!({"type": "fee_noticed", "on": on, "basis": {"basis": "by_pages", "pages": 2}, "amount_yuan": -5}),
                "amount_yuan",
            ),
            (json!({"type": "answered", "on": on}), "outcome"),
            (
                json!({"type": "answered", "on": on, "outcome": "disclosed", "letter_no": 3}),
                "letter_no",
            ),
            (
                json!({"type": "answered", "on": on, "outcome": "disclosed", "colour": "red"}),
                "colour",
            ),
            (
                json!({"type": "deemed_abandoned", "on": on, "reason": "bored"}),
                "reason",
            ),
            (json!({"type": "deemed_abandoned", "on": on}), "reason"),
            (json!({"type": "withdrawn"}), "on"),
            (json!({"type": "withdrawn", "on": "yesterday"}), "on"),
            (json!({"type": "teleported", "on": on}), "type"),
            (json!({"on": on}), "type"),
            (json!([1, 2]), "body"),
        ];
        for (body, field) in cases {
            assert_eq!(field_of(body.clone()), field, "{body}");
        }
    }

    #[test]
    fn every_event_type_decodes_as_the_domain_event() {
        let on = "2025-06-11";
        let bodies = [
            json!({"type": "correction_requested", "on": on, "items": "地块位置", "correct_by": "2025-06-25"}),
            json!({"type": "corrected", "on": on}),
            json!({"type": "consultation_started", "on": on, "party": "co_maker_agency", "with": "市财政局"}),
            json!({"type": "consultation_answered", "on": on}),
            json!({"type": "extended", "on": on, "days": 20, "reason": "需调取档案"}),
            json!({"type": "fee_noticed", "on": on, "basis": {"basis": "by_pages", "pages": 2219}}),
            json!({"type": "fee_paid", "on": on}),
            json!({"type": "answered", "on": on, "outcome": "disclosed"}),
            json!({"type": "withdrawn", "on": on}),
            json!({"type": "deemed_abandoned", "on": on, "reason": "fee_unpaid"}),
            json!({"type": "voided", "on": on, "seq": 2, "reason": "日期录错"}),
        ];
        assert_eq!(bodies.len(), EVENT_TYPES.len());
        for body in bodies {
            let event = decode_event(body.clone(), "主任").unwrap();
            assert_eq!(event.kind(), body["type"], "{body}");
            if let Event::Extended { approver, .. } = &event {
                assert_eq!(approver, "主任", "the approver is the actor");
            }
            if let Event::FeeNoticed { amount_yuan, .. } = &event {
                assert_eq!(*amount_yuan, 83460, "109号 tiers");
            }
        }
    }
}
