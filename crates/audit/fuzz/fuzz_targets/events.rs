//! A request's ledger as JSON (the staff API's event bodies): decoded into `Event`s, replayed by
//! `CaseState`, and every derived date computed. A refusal is fine, a panic is not.
#![no_main]

use std::sync::OnceLock;

use gongkai_domain::calendar::Calendar;
use gongkai_domain::request::{CaseState, Event};
use libfuzzer_sys::fuzz_target;

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(Calendar::embedded)
}

fuzz_target!(|data: &[u8]| {
    let Ok(events) = serde_json::from_slice::<Vec<Event>>(data) else {
        return;
    };
    let cal = calendar();
    let Ok(state) = CaseState::replay(cal, &events) else {
        return;
    };
    let _ = state.answer_deadline(cal);
    let _ = state.correction_notice_due(cal);
    let _ = state.consultation_reply_due(cal);
    let _ = state.fee_payment_due(cal);
    let _ = state.outcome();
    let _ = state.concluded_on();
});
