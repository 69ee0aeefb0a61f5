//! A holiday schedule file (`gongkai calendar import`, the admin API): parsed, merged into the
//! embedded calendar, and a deadline counted across each year it names.
#![no_main]

use chrono::NaiveDate;
use gongkai_domain::calendar::{Calendar, ScheduleFile};
use gongkai_domain::deadline::{ClockInput, answer_deadline};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = ScheduleFile::parse(json) else {
        return;
    };
    let mut cal = Calendar::embedded();
    cal.merge(&file);
    for year in file.years.keys() {
        if let Some(day) = NaiveDate::from_ymd_opt(*year, 1, 1) {
            let _ = answer_deadline(&cal, &ClockInput::new(day));
        }
    }
});
