//! 作废 — how the ledger shows what a `voided` event superseded (who may void: `Actor::may_record`).

use gongkai_domain::request::Event;

use crate::RecordedEvent;

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
