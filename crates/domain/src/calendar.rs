//! 工作日 — the working-day calendar.
//!
//! A day is a working day when it is Monday–Friday and not a statutory holiday, or when it is a
//! 调休 make-up working day. The facts come from the State Council General Office's yearly notices
//! (国务院办公厅关于YYYY年部分节假日安排的通知), kept as data in `holidays-cn.json`. A year whose
//! notice is not loaded is counted Monday–Friday minus the statutory holidays of
//! 《全国年节及纪念日放假办法》 (embedded `statutory-holidays.json`), and every answer that depends
//! on it is marked provisional. A notice is accepted only when it gives every statutory holiday of
//! its year as a day off.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The schedule shipped with gongkai (a copy of `shared/spec/holidays-cn.json`).
pub const EMBEDDED_SCHEDULE_JSON: &str = include_str!("../data/holidays-cn.json");

/// 全体公民放假的节日 — the statutory holidays of 《全国年节及纪念日放假办法》 (Art. 2; as amended
/// by the State Council in November 2024, in force 2025-01-01: 元旦 1 day, 春节 4 days (除夕 to 正月初三),
/// 清明节 1, 劳动节 2, 端午节 1, 中秋节 1, 国庆节 3; before 2025 春节 3 days and 劳动节 1), dated
/// for 2019–2060 from the lunisolar calendar (a copy of `shared/spec/statutory-holidays.json`).
pub const STATUTORY_HOLIDAYS_JSON: &str = include_str!("../data/statutory-holidays.json");

#[derive(Deserialize)]
struct StatutoryFile {
    years: BTreeMap<i32, Vec<NoticeDay>>,
}

/// The embedded statutory holidays by year, parsed once.
static STATUTORY: LazyLock<BTreeMap<i32, Vec<NoticeDay>>> = LazyLock::new(|| {
    let file: StatutoryFile =
        serde_json::from_str(STATUTORY_HOLIDAYS_JSON).expect("embedded statutory holidays parse");
    file.years
});

/// The same days keyed by date.
static STATUTORY_BY_DATE: LazyLock<BTreeMap<NaiveDate, &'static str>> = LazyLock::new(|| {
    STATUTORY
        .values()
        .flatten()
        .map(|d| (d.date, d.holiday.as_str()))
        .collect()
});

/// The statutory holidays of `year` (法定节假日, 《全国年节及纪念日放假办法》 Art. 2), in date order;
/// empty for a year outside the embedded table (2019–2060).
pub fn statutory_holidays(year: i32) -> &'static [NoticeDay] {
    STATUTORY.get(&year).map(Vec::as_slice).unwrap_or(&[])
}

/// The statutory holiday a date is, if any (whatever the year's notice says).
pub fn statutory_holiday(date: NaiveDate) -> Option<&'static str> {
    STATUTORY_BY_DATE.get(&date).copied()
}

/// Earliest date gongkai accepts anywhere (the 2007 regulation came into force on 2008-05-01).
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2008, 1, 1) {
    Some(d) => d,
    None => panic!("constant date"),
};

/// One day of a notice: its date and the holiday it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeDay {
    pub date: NaiveDate,
    pub holiday: String,
}

/// One year's notice: the days off and the 调休 working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearSchedule {
    pub off: Vec<NoticeDay>,
    pub workday: Vec<NoticeDay>,
    #[serde(default)]
    pub notices: Vec<String>,
}

impl YearSchedule {
    /// Whether the notice makes `date` a day of rest: listed as a day off, or a weekend day it
    /// does not turn into a make-up working day.
    pub fn is_rest_day(&self, date: NaiveDate) -> bool {
        self.off.iter().any(|d| d.date == date)
            || (matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
                && !self.workday.iter().any(|d| d.date == date))
    }

    /// The statutory holidays of `year` that this notice does not give as days of rest. A notice
    /// arranges the holidays the law fixes (《全国年节及纪念日放假办法》 Art. 2, 6); one that leaves
    /// a statutory day a working day is not a complete notice for its year.
    pub fn missing_statutory(&self, year: i32) -> Vec<&'static NoticeDay> {
        statutory_holidays(year)
            .iter()
            .filter(|d| !self.is_rest_day(d.date))
            .collect()
    }
}

/// The file format of `holidays-cn.json`: notices keyed by the year they are for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleFile {
    #[serde(default)]
    pub about: String,
    /// The notices by the year they are for (`"2027"`).
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, YearSchedule>))]
    pub years: BTreeMap<i32, YearSchedule>,
}

impl ScheduleFile {
    /// Parses and validates a schedule file: every day belongs to the notice's year or the December
    /// before it, no day is both off and a working day, and an off day is not itself a make-up day.
    pub fn parse(json: &str) -> Result<Self, DomainError> {
        let file: ScheduleFile = serde_json::from_str(json).map_err(|e| {
            DomainError::invalid("schedule", format!("not a holiday schedule: {e}"))
        })?;
        for (year, sched) in &file.years {
            if *year < EARLIEST_DATE.year() || *year > 2200 {
                return Err(DomainError::invalid(
                    "schedule.years",
                    format!("year {year} out of range"),
                ));
            }
            let mut seen = BTreeSet::new();
            for d in sched.off.iter().chain(&sched.workday) {
                let ok =
                    d.date.year() == *year || (d.date.year() == year - 1 && d.date.month() == 12);
                if !ok {
                    return Err(DomainError::invalid(
                        "schedule.years",
                        format!("{} is listed in the notice for {year}", d.date),
                    ));
                }
                if !seen.insert(d.date) {
                    return Err(DomainError::invalid(
                        "schedule.years",
                        format!("{} is listed twice in the notice for {year}", d.date),
                    ));
                }
            }
            for d in &sched.workday {
                if !matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun) {
                    return Err(DomainError::invalid(
                        "schedule.years",
                        format!("make-up working day {} is not a weekend day", d.date),
                    ));
                }
            }
        }
        Ok(file)
    }

    /// Refuses a file any of whose years leaves a statutory holiday a working day (an import
    /// holding only 春节 must not make the whole year final); the error names every missing
    /// holiday and date.
    pub fn check_covers_statutory(&self) -> Result<(), DomainError> {
        for (year, sched) in &self.years {
            let missing = sched.missing_statutory(*year);
            if !missing.is_empty() {
                let list: Vec<String> = missing
                    .iter()
                    .map(|d| format!("{} {}", d.holiday, d.date))
                    .collect();
                return Err(DomainError::invalid(
                    format!("schedule.years.{year}"),
                    format!(
                        "the notice for {year} must give every statutory holiday of 《全国年节及纪念日放假办法》 as a day off; missing: {}",
                        list.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// What kind of day a date is, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "holiday", rename_all = "snake_case")]
pub enum DayKind {
    /// Monday–Friday, no holiday.
    Weekday,
    /// Saturday or Sunday with no make-up duty.
    Weekend,
    /// 法定节假日 — a statutory day off (holiday name).
    Holiday(String),
    /// 调休 — a weekend day worked in exchange for a holiday (holiday name).
    MakeUpWorkday(String),
}

impl DayKind {
    pub fn is_working_day(&self) -> bool {
        matches!(self, DayKind::Weekday | DayKind::MakeUpWorkday(_))
    }
}

/// The working-day calendar: all loaded notices merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    off: BTreeMap<NaiveDate, String>,
    workday: BTreeMap<NaiveDate, String>,
    /// Calendar years whose days are all known (a notice for that year is loaded).
    known_years: BTreeSet<i32>,
}

impl Calendar {
    /// The calendar of the schedule shipped with gongkai.
    pub fn embedded() -> Self {
        let file = ScheduleFile::parse(EMBEDDED_SCHEDULE_JSON).expect("embedded schedule is valid");
        Self::from_file(&file)
    }

    pub fn from_file(file: &ScheduleFile) -> Self {
        let mut cal = Calendar::default();
        cal.merge(file);
        cal
    }

    /// Adds (or replaces) the notices of `file`; a later notice for a year wins over an earlier one.
    /// A year becomes known (final) only when its notice gives every statutory holiday as a day of
    /// rest; an incomplete one (stored before that rule) adds its days but the year stays
    /// provisional.
    pub fn merge(&mut self, file: &ScheduleFile) {
        for (year, sched) in &file.years {
            // Replace what an earlier notice for the same year said.
            let range = |m: &mut BTreeMap<NaiveDate, String>| {
                let from = NaiveDate::from_ymd_opt(year - 1, 12, 1).expect("valid");
                let to = NaiveDate::from_ymd_opt(*year, 12, 31).expect("valid");
                let stale: Vec<NaiveDate> = m
                    .range(from..=to)
                    .filter(|(d, _)| d.year() == *year)
                    .map(|(d, _)| *d)
                    .collect();
                for d in stale {
                    m.remove(&d);
                }
            };
            range(&mut self.off);
            range(&mut self.workday);
            for d in &sched.off {
                self.workday.remove(&d.date);
                self.off.insert(d.date, d.holiday.clone());
            }
            for d in &sched.workday {
                self.off.remove(&d.date);
                self.workday.insert(d.date, d.holiday.clone());
            }
            if sched.missing_statutory(*year).is_empty() {
                self.known_years.insert(*year);
            } else {
                self.known_years.remove(year);
            }
        }
    }

    /// Years whose notice is loaded.
    pub fn known_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.known_years.iter().copied()
    }

    /// Whether the day's status comes from a loaded notice (otherwise it is provisional).
    pub fn is_known(&self, date: NaiveDate) -> bool {
        self.is_year_known(date.year())
    }

    pub fn is_year_known(&self, year: i32) -> bool {
        self.known_years.contains(&year)
    }

    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        if let Some(h) = self.off.get(&date) {
            return DayKind::Holiday(h.clone());
        }
        if let Some(h) = self.workday.get(&date) {
            return DayKind::MakeUpWorkday(h.clone());
        }
        // No notice for the year: the statutory holidays still are days off (provisional).
        if !self.is_year_known(date.year())
            && let Some(h) = statutory_holiday(date)
        {
            return DayKind::Holiday(h.to_string());
        }
        match date.weekday() {
            Weekday::Sat | Weekday::Sun => DayKind::Weekend,
            _ => DayKind::Weekday,
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.day_kind(date).is_working_day()
    }

    /// The date `n` working days after `start` (the start day itself is not counted). `n = 0`
    /// returns `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("date in range");
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `(from, to]`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.succ_opt().expect("date in range");
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }
}

/// Checks that a date is one gongkai can reason about (2008 or later, before 2200).
pub fn check_date(field: &str, date: NaiveDate) -> Result<NaiveDate, DomainError> {
    if date < EARLIEST_DATE {
        return Err(
            DomainError::invalid(field, format!("{date} is before 2008-01-01"))
                .zh("日期不能早于2008年1月1日"),
        );
    }
    if date.year() >= 2200 {
        return Err(
            DomainError::invalid(field, format!("{date} is too far in the future"))
                .zh("日期过远，请检查"),
        );
    }
    Ok(date)
}

/// 发生之日 — the one rule for the day a thing happened (a ledger event's `on`, the day a request
/// arrived or was confirmed (Art. 31), a publication's issue, publication and repeal dates, a
/// review case's filing and decision): never after `today` (China time, [`crate::clock`]) and
/// never before 2008-01-01 ([`EARLIEST_DATE`]). Nothing can be recorded as having happened
/// tomorrow: the ledger is append-only, and a future date would close a request for good or move
/// it into next year's report.
pub fn check_past(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, DomainError> {
    check_date(field, date)?;
    if date > today {
        return Err(DomainError::invalid(
            field,
            format!("{date} is after today ({today}, China time): a day that has not come yet"),
        )
        .zh(format!("日期不能晚于今天（{today}）")));
    }
    Ok(date)
}

/// 期限 — a date given to someone as a limit (the 补正 date of Art. 30, a payment date of
/// 109号): strictly after `from`, the day the limit is set, and no later than `latest`, the
/// longest the rule allows (`rule` says which).
pub fn check_limit(
    field: &str,
    limit: NaiveDate,
    from: NaiveDate,
    latest: NaiveDate,
    rule: &str,
) -> Result<NaiveDate, DomainError> {
    check_date(field, limit)?;
    if limit <= from {
        return Err(DomainError::invalid(
            field,
            format!("{limit} must be after the day it is set ({from})"),
        ));
    }
    if limit > latest {
        return Err(DomainError::invalid(
            field,
            format!("{limit} is later than {latest}, the longest period allowed ({rule})"),
        ));
    }
    Ok(limit)
}

/// A year something was counted in (a statistics year): from 2008 to the current year.
pub fn check_past_year(field: &str, year: i32, today: NaiveDate) -> Result<i32, DomainError> {
    if year < EARLIEST_DATE.year() || year > today.year() {
        return Err(DomainError::invalid(
            field,
            format!(
                "{year} must be between {} and this year ({})",
                EARLIEST_DATE.year(),
                today.year()
            ),
        ));
    }
    Ok(year)
}

/// Parses `YYYY-MM-DD`, rejecting impossible dates and dates before 2008.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, DomainError> {
    let d = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        DomainError::invalid(field, format!("'{text}' is not a valid date (YYYY-MM-DD)"))
            .zh("请按“年-月-日”填写有效日期，如 2025-06-09")
    })?;
    check_date(field, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn national_day_2024_and_its_make_up_saturday() {
        let cal = Calendar::embedded();
        assert_eq!(
            cal.day_kind(d("2024-10-01")),
            DayKind::Holiday("国庆节".into())
        );
        assert_eq!(
            cal.day_kind(d("2024-10-12")),
            DayKind::MakeUpWorkday("国庆节".into())
        );
        assert_eq!(cal.day_kind(d("2024-10-13")), DayKind::Weekend);
        assert_eq!(cal.day_kind(d("2024-10-14")), DayKind::Weekday);
    }

    #[test]
    fn notice_may_cover_the_previous_december() {
        let cal = Calendar::embedded();
        assert_eq!(
            cal.day_kind(d("2018-12-31")),
            DayKind::Holiday("元旦".into())
        );
        assert_eq!(
            cal.day_kind(d("2018-12-29")),
            DayKind::MakeUpWorkday("元旦".into())
        );
    }

    #[test]
    fn spring_festival_2020_extension_is_in_force() {
        let cal = Calendar::embedded();
        assert!(!cal.is_working_day(d("2020-01-31")));
        assert!(
            !cal.is_working_day(d("2020-02-01")),
            "the make-up day was cancelled"
        );
        assert!(cal.is_working_day(d("2020-02-03")));
    }

    #[test]
    fn unknown_years_are_monday_to_friday_minus_the_statutory_holidays() {
        let cal = Calendar::embedded();
        assert!(!cal.is_known(d("2027-01-01")));
        assert_eq!(
            cal.day_kind(d("2027-01-01")),
            DayKind::Holiday("元旦".into()),
            "a Friday, but 元旦 is a statutory holiday even with no notice loaded"
        );
        // 春节 2027: 除夕 Fri 02-05 to 初三 Mon 02-08 (four days since the 2024 amendment).
        for day in ["2027-02-05", "2027-02-08"] {
            assert_eq!(
                cal.day_kind(d(day)),
                DayKind::Holiday("春节".into()),
                "{day}"
            );
        }
        assert!(
            cal.is_working_day(d("2027-02-09")),
            "no bridge days are guessed"
        );
        assert!(cal.is_working_day(d("2027-01-04")), "nor 补假 days");
        assert!(cal.is_known(d("2026-10-01")));
    }

    /// A complete notice for 2027: every statutory day off, plus `extra` days off.
    fn notice_2027(extra: &[&str]) -> ScheduleFile {
        let mut off: Vec<NoticeDay> = statutory_holidays(2027).to_vec();
        off.extend(extra.iter().map(|e| NoticeDay {
            date: d(e),
            holiday: "元旦".into(),
        }));
        let mut years = BTreeMap::new();
        years.insert(
            2027,
            YearSchedule {
                off,
                workday: vec![],
                notices: vec![],
            },
        );
        ScheduleFile {
            about: String::new(),
            years,
        }
    }

    #[test]
    fn merge_replaces_a_years_notice() {
        let mut cal = Calendar::embedded();
        cal.merge(&notice_2027(&["2027-01-04"]));
        assert!(cal.is_known(d("2027-03-01")));
        assert_eq!(
            cal.day_kind(d("2027-01-04")),
            DayKind::Holiday("元旦".into())
        );
        cal.merge(&notice_2027(&[]));
        assert!(cal.is_working_day(d("2027-01-04")), "the later notice wins");
    }

    #[test]
    fn a_notice_must_cover_every_statutory_holiday_of_its_year() {
        let only_spring_festival = ScheduleFile::parse(
            r#"{"years": {"2027": {"off": [{"date": "2027-02-05", "holiday": "春节"}, {"date": "2027-02-06", "holiday": "春节"},
                {"date": "2027-02-07", "holiday": "春节"}, {"date": "2027-02-08", "holiday": "春节"}], "workday": []}}}"#,
        )
        .unwrap();
        let err = only_spring_festival.check_covers_statutory().unwrap_err();
        assert_eq!(err.field(), "schedule.years.2027");
        for missing in [
            "元旦 2027-01-01",
            "清明节 2027-04-05",
            "端午节 2027-06-09",
            "中秋节 2027-09-15",
            "国庆节 2027-10-01",
        ] {
            assert!(err.reason().contains(missing), "{missing}: {err}");
        }
        assert!(!err.reason().contains("春节"), "{err}");
        assert!(
            !err.reason().contains("劳动节"),
            "Sat 05-01 and Sun 05-02 are rest days anyway"
        );
        // Merged anyway (a row stored before the rule), the year stays provisional.
        let mut cal = Calendar::embedded();
        cal.merge(&only_spring_festival);
        assert!(!cal.is_year_known(2027));
        assert!(
            !cal.is_working_day(d("2027-01-01")),
            "statutory 元旦 still applies"
        );
        let complete = notice_2027(&[]);
        assert!(complete.check_covers_statutory().is_ok());
        cal.merge(&complete);
        assert!(cal.is_year_known(2027));
    }

    #[test]
    fn a_statutory_day_on_a_weekend_is_covered_by_the_weekend() {
        // 2027-05-01 is a Saturday, 05-02 a Sunday: a notice need not list them unless it makes
        // them working days.
        let mut file = notice_2027(&[]);
        let y = file.years.get_mut(&2027).unwrap();
        y.off
            .retain(|o| !o.date.to_string().starts_with("2027-05-0"));
        assert!(file.check_covers_statutory().is_ok());
        file.years.get_mut(&2027).unwrap().workday.push(NoticeDay {
            date: d("2027-05-01"),
            holiday: "劳动节".into(),
        });
        let err = file.check_covers_statutory().unwrap_err();
        assert!(err.reason().contains("劳动节 2027-05-01"), "{err}");
    }

    #[test]
    fn the_embedded_notices_cover_every_statutory_holiday() {
        let file = ScheduleFile::parse(EMBEDDED_SCHEDULE_JSON).unwrap();
        file.check_covers_statutory().unwrap();
        let cal = Calendar::embedded();
        for year in 2019..=2026 {
            assert!(cal.is_year_known(year), "{year}");
        }
    }

    #[test]
    fn the_statutory_table_has_every_holiday_of_every_year() {
        for year in 2019..=2060 {
            let days = statutory_holidays(year);
            let count = |h: &str| days.iter().filter(|d| d.holiday == h).count();
            let (spring, labour) = if year >= 2025 { (4, 2) } else { (3, 1) };
            assert_eq!(count("元旦"), 1, "{year}");
            assert_eq!(count("春节"), spring, "{year}");
            assert_eq!(count("清明节"), 1, "{year}");
            assert_eq!(count("劳动节"), labour, "{year}");
            assert_eq!(count("端午节"), 1, "{year}");
            assert_eq!(count("中秋节"), 1, "{year}");
            assert_eq!(count("国庆节"), 3, "{year}");
            assert!(days.iter().all(|d| d.date.year() == year), "{year}");
        }
        assert!(statutory_holidays(2061).is_empty());
        assert_eq!(statutory_holiday(d("2026-10-01")), Some("国庆节"));
    }

    #[test]
    fn bad_schedules_are_rejected() {
        assert!(ScheduleFile::parse("[]").is_err());
        let wrong_year = r#"{"years": {"2027": {"off": [{"date": "2025-01-01", "holiday": "元旦"}], "workday": []}}}"#;
        assert!(ScheduleFile::parse(wrong_year).is_err());
        let weekday_makeup = r#"{"years": {"2027": {"off": [], "workday": [{"date": "2027-01-04", "holiday": "元旦"}]}}}"#;
        assert!(ScheduleFile::parse(weekday_makeup).is_err());
    }

    #[test]
    fn dates_are_validated() {
        assert!(parse_date("received", "2024-02-30").is_err());
        assert!(parse_date("received", "2007-12-31").is_err());
        assert!(parse_date("received", "yesterday").is_err());
        assert_eq!(
            parse_date("received", "2024-02-29").unwrap(),
            d("2024-02-29")
        );
    }

    #[test]
    fn a_day_that_happened_is_not_after_today_nor_before_2008() {
        let today = d("2025-12-31");
        assert_eq!(check_past("on", today, today).unwrap(), today);
        for bad in ["2026-01-01", "2199-12-31", "2007-12-31"] {
            assert_eq!(check_past("on", d(bad), today).unwrap_err().field(), "on");
        }
        let far: NaiveDate = "+99999-12-31".parse().unwrap();
        let e = check_past("repealed_on", far, today).unwrap_err();
        assert_eq!(e.field(), "repealed_on");
        assert_eq!(check_past_year("year", 2025, today).unwrap(), 2025);
        assert!(check_past_year("year", 2026, today).is_err());
        assert!(check_past_year("year", 2007, today).is_err());
    }

    #[test]
    fn a_limit_is_after_the_day_it_is_set_and_within_its_bound() {
        let (from, latest) = (d("2025-06-10"), d("2025-07-08"));
        assert!(check_limit("correct_by", d("2025-06-11"), from, latest, "r").is_ok());
        assert!(check_limit("correct_by", latest, from, latest, "r").is_ok());
        assert!(check_limit("correct_by", from, from, latest, "r").is_err());
        let e = check_limit("correct_by", d("2025-07-09"), from, latest, "Art. 30").unwrap_err();
        assert!(e.reason().contains("Art. 30"), "{e}");
    }
}
