//! Properties of the working-day clock over random dates, pauses and extensions.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use gongkai_domain::calendar::{Calendar, DayKind};
use gongkai_domain::deadline::{ClockInput, DayStatus, Pause, answer_deadline};
use proptest::prelude::*;

fn date_in(from: NaiveDate, days: i64) -> impl Strategy<Value = NaiveDate> {
    (0..days).prop_map(move |n| from + Duration::days(n))
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    date_in(NaiveDate::from_ymd_opt(2008, 1, 1).unwrap(), 365 * 19)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_deadline_lands_on_a_working_day_and_its_days_add_up(
        received in any_date(),
        correction_gap in proptest::option::of(0i64..40),
        pause in proptest::option::of((0i64..30, 0i64..25)),
        extension in 0u32..=15,
    ) {
        let cal = Calendar::embedded();
        let mut input = ClockInput::new(received);
        input.corrected = correction_gap.map(|g| received + Duration::days(g));
        if let Some((start, len)) = pause {
            let from = received + Duration::days(start);
            input.pauses.push(Pause::consultation(from, from + Duration::days(len)));
        }
        input.extension_days = extension;
        let dl = answer_deadline(&cal, &input).unwrap();
        let due = dl.due_on.expect("closed pauses never stop the clock");
        prop_assert!(cal.is_working_day(due), "{due} is not a working day");
        // The explanation covers every day from the day after the start to the due date, once.
        let start = input.corrected.unwrap_or(received);
        prop_assert_eq!(dl.days.len() as i64, (due - start).num_days());
        prop_assert_eq!(dl.counted() + dl.skipped(), dl.days.len() as u32);
        prop_assert_eq!(dl.counted(), dl.answer_days + extension);
        for (i, e) in dl.days.iter().enumerate() {
            prop_assert_eq!(e.date, start + Duration::days(i as i64 + 1));
            let working = cal.is_working_day(e.date);
            match &e.status {
                DayStatus::Counted { .. } => prop_assert!(working),
                DayStatus::Paused { .. } => prop_assert!(working),
                DayStatus::Weekend | DayStatus::Holiday { .. } => prop_assert!(!working),
            }
        }
        // Counted days are numbered 1..=n in order.
        let numbers: Vec<u32> = dl.days.iter().filter_map(|e| match e.status { DayStatus::Counted { n, .. } => Some(n), _ => None }).collect();
        prop_assert_eq!(numbers, (1..=dl.counted()).collect::<Vec<_>>());
    }

    #[test]
    fn adding_working_days_is_monotone(start in any_date(), a in 0u32..60, b in 0u32..60) {
        let cal = Calendar::embedded();
        let (lo, hi) = (a.min(b), a.max(b));
        let x = cal.add_working_days(start, lo);
        let y = cal.add_working_days(start, hi);
        prop_assert!(x <= y);
        if hi > lo {
            prop_assert!(x < y);
        }
        prop_assert_eq!(cal.working_days_between(start, y), hi);
        let later = start + Duration::days(1);
        prop_assert!(cal.add_working_days(later, hi) >= y, "a later start never gives an earlier deadline");
    }

    #[test]
    fn a_pause_never_makes_the_deadline_earlier(received in any_date(), start in 0i64..25, len in 0i64..25) {
        let cal = Calendar::embedded();
        let plain = answer_deadline(&cal, &ClockInput::new(received)).unwrap().due_on.unwrap();
        let mut input = ClockInput::new(received);
        let from = received + Duration::days(start);
        input.pauses.push(Pause::consultation(from, from + Duration::days(len)));
        let paused = answer_deadline(&cal, &input).unwrap().due_on.unwrap();
        prop_assert!(paused >= plain);
    }
}

#[test]
fn every_make_up_weekend_counts_and_every_holiday_is_skipped() {
    let cal = Calendar::embedded();
    let json: serde_json::Value =
        serde_json::from_str(gongkai_domain::calendar::EMBEDDED_SCHEDULE_JSON).unwrap();
    let mut make_up = 0;
    for (_, year) in json["years"].as_object().unwrap() {
        for w in year["workday"].as_array().unwrap() {
            let date = NaiveDate::parse_from_str(w["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            assert!(matches!(date.weekday(), Weekday::Sat | Weekday::Sun));
            assert!(matches!(cal.day_kind(date), DayKind::MakeUpWorkday(_)));
            // Counting from the day before, the make-up day is the first working day.
            let before = date - Duration::days(1);
            assert_eq!(cal.add_working_days(before, 1), date, "调休 {date} counts");
            make_up += 1;
        }
        for o in year["off"].as_array().unwrap() {
            let date = NaiveDate::parse_from_str(o["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            assert!(!cal.is_working_day(date), "{date} is a day off");
        }
    }
    assert!(make_up >= 45, "all years' make-up days checked ({make_up})");
}
