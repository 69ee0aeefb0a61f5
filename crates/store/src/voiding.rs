//! 作废 — who may record a `voided` event, and how the ledger shows what it superseded.

use gongkai_domain::DomainError;
use gongkai_domain::request::Event;

use crate::{Actor, RecordedEvent, Role};

/// A `voided` event corrects the record of a case that is legal evidence: only the head of the
/// request's agency's disclosure office (政府信息公开工作机构负责人, the officer Art. 33 makes
/// answerable for the handling of requests) records it. Agency isolation is checked before.
pub(crate) fn may_record(event: &Event, actor: &Actor) -> Result<(), DomainError> {
    if matches!(event, Event::Voided { .. }) && actor.role != Role::Head {
        return Err(DomainError::Transition {
            event: "voided",
            reason: "only the head of the agency's disclosure office may void an event".into(),
        });
    }
    Ok(())
}

/// Marks each superseded event with the seq of the `voided` event that supersedes it.
pub(crate) fn mark_voided(mut events: Vec<RecordedEvent>) -> Vec<RecordedEvent> {
    let voids: Vec<(i64, i64)> = events
        .iter()
        .filter_map(|r| match r.event {
            Event::Voided { seq, .. } => Some((i64::from(seq), r.seq)),
            _ => None,
        })
        .collect();
    for (target, by) in voids {
        if let Some(r) = events.iter_mut().find(|r| r.seq == target) {
            r.voided_by = Some(by);
        }
    }
    events
}
