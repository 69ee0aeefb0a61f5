//! 答复期限 — the statutory answer deadline and its explanation.
//!
//! Conventions (regulation.md, "The clock"):
//! - the day of receipt (or of the triggering event) is not counted (期间开始之日不计算在内);
//! - Art. 33: answer within 20 working days of receipt, extension once by at most 20 more;
//! - Art. 30: after a 补正 the count restarts from the day the corrected request is received;
//! - Art. 32–34: working days spent consulting a third party or a co-maker agency are not
//!   counted; a pause FROM..TO excludes the working days after FROM up to and including TO;
//! - 2007 Art. 24: requests received before 2019-05-15 had 15 + 15 working days.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::DomainError;
use crate::calendar::{Calendar, DayKind, check_date};

/// The day the 2019 regulation came into force (Art. 56).
pub const REGULATION_2019_IN_FORCE: NaiveDate = match NaiveDate::from_ymd_opt(2019, 5, 15) {
    Some(d) => d,
    None => panic!("constant date"),
};

/// Which regulation's answer period applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// 2007 regulation, Art. 24: 15 working days, extension 15.
    Regulation2007,
    /// 2019 regulation, Art. 33: 20 working days, extension 20.
    Regulation2019,
}

impl Regime {
    pub fn for_receipt(received: NaiveDate) -> Self {
        if received < REGULATION_2019_IN_FORCE {
            Regime::Regulation2007
        } else {
            Regime::Regulation2019
        }
    }
    /// Working days to answer.
    pub fn answer_days(self) -> u32 {
        match self {
            Regime::Regulation2007 => 15,
            Regime::Regulation2019 => 20,
        }
    }
    /// Most working days one extension may add.
    pub fn max_extension_days(self) -> u32 {
        self.answer_days()
    }
    pub fn citation(self) -> &'static str {
        match self {
            Regime::Regulation2007 => "2007年条例第二十四条",
            Regime::Regulation2019 => "条例第三十三条",
        }
    }
}

/// Why the answer clock stands still.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// 征求意见: a third party (Art. 32) or co-maker agency (Art. 34) is consulted; not counted (Art. 33).
    Consultation,
    /// 收费通知: from the fee notice to payment. 109号 as restated here does not say; gongkai follows the
    /// common local practice (收费通知至缴费期间不计入答复期限) and records it as its own pause.
    FeeNotice,
}

/// A period in which the answer clock stands still. `to = None` means it is still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub reason: PauseReason,
}

impl Pause {
    /// Parses `FROM..TO` (consultation sent on FROM, answer received on TO).
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let (from, to) = text.split_once("..").ok_or_else(|| {
            DomainError::invalid(
                "paused",
                format!("'{text}' is not FROM..TO (YYYY-MM-DD..YYYY-MM-DD)"),
            )
        })?;
        let from = crate::calendar::parse_date("paused", from)?;
        let to = crate::calendar::parse_date("paused", to)?;
        if to < from {
            return Err(DomainError::invalid(
                "paused",
                format!("{text}: the pause ends before it starts"),
            ));
        }
        Ok(Pause::consultation(from, to))
    }

    /// A consultation pause FROM..TO (letter sent on FROM, answer received on TO).
    pub fn consultation(from: NaiveDate, to: NaiveDate) -> Self {
        Pause {
            from,
            to: Some(to),
            reason: PauseReason::Consultation,
        }
    }
}

impl Pause {
    fn covers(&self, d: NaiveDate) -> bool {
        d > self.from && self.to.is_none_or(|to| d <= to)
    }
}

/// The facts that determine a request's answer deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockInput {
    pub received: NaiveDate,
    pub corrected: Option<NaiveDate>,
    pub pauses: Vec<Pause>,
    /// Working days added by the one extension (0 = not extended).
    pub extension_days: u32,
}

impl ClockInput {
    pub fn new(received: NaiveDate) -> Self {
        ClockInput {
            received,
            corrected: None,
            pauses: Vec::new(),
            extension_days: 0,
        }
    }

    /// Checks dates and the extension bound; `extended` without a number means the full extension.
    pub fn validate(&self) -> Result<(), DomainError> {
        check_date("received", self.received)?;
        if let Some(c) = self.corrected {
            check_date("corrected", c)?;
            if c < self.received {
                return Err(DomainError::invalid(
                    "corrected",
                    "before the day of receipt",
                ));
            }
        }
        for p in &self.pauses {
            check_date("paused", p.from)?;
            if p.from < self.received {
                return Err(DomainError::invalid(
                    "paused",
                    format!("pause {} starts before receipt", p.from),
                ));
            }
            if let Some(to) = p.to {
                check_date("paused", to)?;
                if to < p.from {
                    return Err(DomainError::invalid(
                        "paused",
                        format!("pause {}..{to} ends before it starts", p.from),
                    ));
                }
            }
        }
        let max = Regime::for_receipt(self.received).max_extension_days();
        if self.extension_days > max {
            return Err(DomainError::invalid(
                "extended",
                format!("an extension adds at most {max} working days"),
            ));
        }
        Ok(())
    }
}

/// Why a day was or was not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DayStatus {
    /// A working day, counted as day `n`.
    Counted {
        n: u32,
        make_up_for: Option<String>,
    },
    Weekend,
    Holiday {
        holiday: String,
    },
    /// A working day inside a pause.
    Paused {
        since: NaiveDate,
        reason: PauseReason,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayEntry {
    pub date: NaiveDate,
    #[serde(flatten)]
    pub status: DayStatus,
    /// The day's status comes from no loaded notice (counted Monday–Friday).
    pub provisional: bool,
}

/// A computed deadline with every day that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The last day to answer; `None` while a consultation is still open.
    pub due_on: Option<NaiveDate>,
    pub regime: Regime,
    /// The day the count starts after (receipt, or the corrected request's receipt).
    pub counted_from: NaiveDate,
    pub answer_days: u32,
    pub extension_days: u32,
    /// Working days still to run when the clock is stopped by an open consultation.
    pub days_left_when_paused: Option<u32>,
    /// Some day on the way falls in a year whose holiday notice is not loaded.
    pub provisional: bool,
    pub days: Vec<DayEntry>,
}

impl Deadline {
    pub fn counted(&self) -> u32 {
        self.days
            .iter()
            .filter(|d| matches!(d.status, DayStatus::Counted { .. }))
            .count() as u32
    }
    pub fn skipped(&self) -> u32 {
        self.days.len() as u32 - self.counted()
    }

    /// A human explanation, one line per fact (English, for the CLI and logs).
    pub fn explain(&self) -> Vec<String> {
        self.explain_in(Language::English)
    }

    /// The same explanation in Chinese, for the applicant (the tracking page and API).
    pub fn explain_zh(&self) -> Vec<String> {
        self.explain_in(Language::Chinese)
    }

    fn explain_in(&self, lang: Language) -> Vec<String> {
        let zh = lang == Language::Chinese;
        let mut out = Vec::new();
        let extension = match (self.extension_days, zh) {
            (0, _) => String::new(),
            (n, false) => format!(" + {n} extension days (Art. 33)"),
            (n, true) => format!("，延期{n}个工作日（条例第三十三条）"),
        };
        out.push(if zh {
            format!(
                "答复期限：{}个工作日（{}）{extension}",
                self.answer_days,
                self.regime.citation()
            )
        } else {
            format!(
                "rule: {} working days ({}){extension}",
                self.answer_days,
                self.regime.citation()
            )
        });
        out.push(if zh {
            format!("自{}的次日起计算（当日不计入）", self.counted_from)
        } else {
            format!(
                "count starts after {} (that day is not counted)",
                self.counted_from
            )
        });
        for e in &self.days {
            let what = match (&e.status, zh) {
                (
                    DayStatus::Counted {
                        n,
                        make_up_for: None,
                    },
                    false,
                ) => format!("counted, day {n}"),
                (
                    DayStatus::Counted {
                        n,
                        make_up_for: None,
                    },
                    true,
                ) => format!("计入，第{n}个工作日"),
                (
                    DayStatus::Counted {
                        n,
                        make_up_for: Some(h),
                    },
                    false,
                ) => {
                    format!("counted, day {n} (调休 make-up working day for {h})")
                }
                (
                    DayStatus::Counted {
                        n,
                        make_up_for: Some(h),
                    },
                    true,
                ) => {
                    format!("计入，第{n}个工作日（{h}调休上班）")
                }
                (DayStatus::Weekend, false) => "skipped: weekend".to_string(),
                (DayStatus::Weekend, true) => "不计入：周末".to_string(),
                (DayStatus::Holiday { holiday }, false) => {
                    format!("skipped: public holiday {holiday}")
                }
                (DayStatus::Holiday { holiday }, true) => format!("不计入：{holiday}假期"),
                (
                    DayStatus::Paused {
                        since,
                        reason: PauseReason::Consultation,
                    },
                    false,
                ) => {
                    format!("skipped: consultation pause since {since} (Art. 32-34)")
                }
                (
                    DayStatus::Paused {
                        since,
                        reason: PauseReason::Consultation,
                    },
                    true,
                ) => {
                    format!("不计入：自{since}起征求意见（条例第三十二条至第三十四条）")
                }
                (
                    DayStatus::Paused {
                        since,
                        reason: PauseReason::FeeNotice,
                    },
                    false,
                ) => {
                    format!("skipped: awaiting fee payment since {since} (109号)")
                }
                (
                    DayStatus::Paused {
                        since,
                        reason: PauseReason::FeeNotice,
                    },
                    true,
                ) => {
                    format!("不计入：自{since}起等待缴纳信息处理费（国办函〔2020〕109号）")
                }
            };
            let prov = match (e.provisional, zh) {
                (false, _) => "",
                (true, false) => " [provisional: no holiday notice loaded for this year]",
                (true, true) => "（暂按常规工作日计算：该年度放假安排尚未公布）",
            };
            let wd = if zh {
                weekday_zh(e.date.weekday())
            } else {
                weekday_en(e.date.weekday())
            };
            out.push(format!("{} {wd} {what}{prov}", e.date));
        }
        out.push(if zh {
            format!("共计入{}天，不计入{}天", self.counted(), self.skipped())
        } else {
            format!(
                "{} days counted, {} days skipped",
                self.counted(),
                self.skipped()
            )
        });
        if let Some(left) = self.days_left_when_paused {
            out.push(if zh {
                format!("期限暂停计算（征求意见或等待缴费）：恢复计算时尚余{left}个工作日")
            } else {
                format!("clock stopped (open consultation or fee notice): {left} working days left when it ends")
            });
        }
        if self.provisional {
            out.push(if zh {
                "以上为暂定期限：该年度放假安排公布后重新计算".to_string()
            } else {
                "PROVISIONAL: recomputed when that year's holiday notice is imported".to_string()
            });
        }
        out
    }
}

/// The language of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Language {
    English,
    Chinese,
}

fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn weekday_en(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    }
}

/// Counts `days` working days after `start`, skipping non-working days and working days covered
/// by a pause. Returns the entries walked and the number of days still to count when an open
/// pause stops the clock.
pub fn count_working_days(
    cal: &Calendar,
    start: NaiveDate,
    days: u32,
    pauses: &[Pause],
) -> (Option<NaiveDate>, Vec<DayEntry>, Option<u32>) {
    let mut entries = Vec::new();
    let mut n = 0;
    let mut d = start;
    if days == 0 {
        return (Some(start), entries, None);
    }
    loop {
        // An open pause that has begun by now stops the clock for good.
        if pauses.iter().any(|p| p.to.is_none() && p.from <= d) {
            return (None, entries, Some(days - n));
        }
        d = match d.succ_opt() {
            Some(next) => next,
            None => return (None, entries, Some(days - n)),
        };
        let kind = cal.day_kind(d);
        let provisional = !cal.is_known(d);
        let status = match (&kind, pauses.iter().find(|p| p.covers(d))) {
            (DayKind::Weekend, _) => DayStatus::Weekend,
            (DayKind::Holiday(h), _) => DayStatus::Holiday { holiday: h.clone() },
            (_, Some(p)) => DayStatus::Paused {
                since: p.from,
                reason: p.reason,
            },
            (DayKind::Weekday, None) => {
                n += 1;
                DayStatus::Counted {
                    n,
                    make_up_for: None,
                }
            }
            (DayKind::MakeUpWorkday(h), None) => {
                n += 1;
                DayStatus::Counted {
                    n,
                    make_up_for: Some(h.clone()),
                }
            }
        };
        entries.push(DayEntry {
            date: d,
            status,
            provisional,
        });
        if n == days {
            return (Some(d), entries, None);
        }
    }
}

/// The answer deadline of a request (Art. 30, 32–34; 2007 Art. 24).
pub fn answer_deadline(cal: &Calendar, input: &ClockInput) -> Result<Deadline, DomainError> {
    input.validate()?;
    let regime = Regime::for_receipt(input.received);
    let start = input.corrected.unwrap_or(input.received);
    let total = regime.answer_days() + input.extension_days;
    let (due_on, days, left) = count_working_days(cal, start, total, &input.pauses);
    let provisional = days.iter().any(|e| e.provisional);
    Ok(Deadline {
        due_on,
        regime,
        counted_from: start,
        answer_days: regime.answer_days(),
        extension_days: input.extension_days,
        days_left_when_paused: left,
        provisional,
        days,
    })
}

/// Pauses a [`DeadlineQuestion`] may give at most (one per consultation, Art. 32–34, and fee
/// notice, with room to spare).
pub const MAX_QUESTION_PAUSES: usize = 10;
/// Days after receipt within which a [`DeadlineQuestion`]'s correction and pauses lie, and that
/// its pauses last at most in all: the day-by-day answer stays a few dozen KB.
pub const MAX_QUESTION_SPAN_DAYS: u64 = 180;

/// A deadline asked about from outside any request (the API's calculator, `gongkai deadline`):
/// the facts as given, bounded — at most [`MAX_QUESTION_PAUSES`] pauses, the correction and every
/// pause within [`MAX_QUESTION_SPAN_DAYS`] days after receipt — so the answer stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineQuestion {
    pub received: NaiveDate,
    /// The day the corrected request arrived (补正, Art. 30).
    pub corrected: Option<NaiveDate>,
    /// Consultation pauses (Art. 32–34).
    pub pauses: Vec<Pause>,
    /// The one extension (Art. 33), in full.
    pub extended: bool,
}

impl DeadlineQuestion {
    /// Pauses written `FROM..TO`, comma-separated; more than [`MAX_QUESTION_PAUSES`] are refused
    /// before any is read.
    pub fn parse_pauses(text: &str) -> Result<Vec<Pause>, DomainError> {
        let parts: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() > MAX_QUESTION_PAUSES {
            return Err(too_many_pauses());
        }
        parts.into_iter().map(Pause::parse).collect()
    }

    /// The facts of the deadline, once every bound holds (each refusal names its field).
    pub fn clock_input(&self) -> Result<ClockInput, DomainError> {
        let latest = self.received + chrono::Days::new(MAX_QUESTION_SPAN_DAYS);
        if self.corrected.is_some_and(|c| c > latest) {
            return Err(DomainError::invalid(
                "corrected",
                format!("must be within {MAX_QUESTION_SPAN_DAYS} days after received"),
            ));
        }
        if self.pauses.len() > MAX_QUESTION_PAUSES {
            return Err(too_many_pauses());
        }
        let mut paused_days = 0;
        for pause in &self.pauses {
            let to = pause.to.unwrap_or(pause.from);
            if pause.from < self.received || to > latest {
                return Err(DomainError::invalid(
                    "paused",
                    format!(
                        "{}..{to}: a pause lies within {MAX_QUESTION_SPAN_DAYS} days after received",
                        pause.from
                    ),
                ));
            }
            paused_days += (to - pause.from).num_days();
        }
        if paused_days > MAX_QUESTION_SPAN_DAYS as i64 {
            return Err(DomainError::invalid(
                "paused",
                format!("the pauses last at most {MAX_QUESTION_SPAN_DAYS} days in all"),
            ));
        }
        let mut input = ClockInput::new(self.received);
        input.corrected = self.corrected;
        input.pauses = self.pauses.clone();
        if self.extended {
            input.extension_days = Regime::for_receipt(self.received).max_extension_days();
        }
        Ok(input)
    }

    /// The answer deadline on `cal`, explained day by day.
    pub fn answer(&self, cal: &Calendar) -> Result<Deadline, DomainError> {
        answer_deadline(cal, &self.clock_input()?)
    }
}

fn too_many_pauses() -> DomainError {
    DomainError::invalid("paused", format!("at most {MAX_QUESTION_PAUSES} pauses"))
}

/// 主动公开 — working days within which information is published once formed or changed (Art. 26).
pub const PROACTIVE_PUBLICATION_DAYS: u32 = 20;

/// The last day to publish information formed or changed on `formed_on` (Art. 26).
pub fn proactive_publication_due(cal: &Calendar, formed_on: NaiveDate) -> (NaiveDate, bool) {
    due_after(cal, formed_on, PROACTIVE_PUBLICATION_DAYS)
}

/// The last day to publish the annual report on `year` (Art. 49): 31 January of the next year for
/// departments of governments at county level and above, 31 March for the governments themselves.
pub fn annual_report_due(year: i32, is_government: bool) -> Option<NaiveDate> {
    let (month, day) = if is_government { (3, 31) } else { (1, 31) };
    NaiveDate::from_ymd_opt(year + 1, month, day)
}

/// `n` working days after `start` (start not counted) with the provisional flag: used for the
/// 补正 notice (7, Art. 30), third-party and co-maker replies (15, Art. 32/34) and fee payment
/// (20, 109号).
pub fn due_after(cal: &Calendar, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
    let due = cal.add_working_days(start, n);
    let first = start.succ_opt().unwrap_or(start);
    let provisional = (first.year()..=due.year()).any(|y| !cal.is_year_known(y));
    (due, provisional)
}

/// Working days left at or under which an open request is 即将到期 (the inbox shows it amber).
pub const DUE_SOON_WORKING_DAYS: u32 = 3;

/// 紧迫程度 — how near an open request is to its answer deadline, as the inbox shows it (a
/// colour and always a text label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// 已超期: the due day has passed.
    Overdue,
    /// 即将到期: at most [`DUE_SOON_WORKING_DAYS`] working days left (the due day is today or
    /// within them).
    DueSoon,
    /// 正常: more working days left.
    OnTime,
    /// 计时中止: no due day now (the clock stands still, e.g. while awaiting a 补正).
    Paused,
}

impl Urgency {
    pub const ALL: [Urgency; 4] = [
        Urgency::Overdue,
        Urgency::DueSoon,
        Urgency::OnTime,
        Urgency::Paused,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::DueSoon => "due_soon",
            Urgency::OnTime => "on_time",
            Urgency::Paused => "paused",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Urgency::Overdue => "已超期",
            Urgency::DueSoon => "即将到期",
            Urgency::OnTime => "正常",
            Urgency::Paused => "计时中止",
        }
    }
}

/// How an open request due on `due` stands `today`: its [`Urgency`] and the working days left
/// (in `(today, due]`; 0 when due today), negative when overdue (minus the working days in
/// `(due, today]`, at least 1). `None` days when there is no due day.
pub fn urgency(cal: &Calendar, today: NaiveDate, due: Option<NaiveDate>) -> (Urgency, Option<i64>) {
    let Some(due) = due else {
        return (Urgency::Paused, None);
    };
    if due < today {
        let late = i64::from(cal.working_days_between(due, today)).max(1);
        return (Urgency::Overdue, Some(-late));
    }
    let left = cal.working_days_between(today, due);
    let urgency = if left <= DUE_SOON_WORKING_DAYS {
        Urgency::DueSoon
    } else {
        Urgency::OnTime
    };
    (urgency, Some(i64::from(left)))
}

/// The first due day that is no longer [`Urgency::DueSoon`] `today`: a request due on a day `d`
/// with `today <= d < due_soon_before(cal, today)` has at most [`DUE_SOON_WORKING_DAYS`] working
/// days left — the same line as [`urgency`], as a date a query can compare with.
pub fn due_soon_before(cal: &Calendar, today: NaiveDate) -> NaiveDate {
    cal.add_working_days(today, DUE_SOON_WORKING_DAYS + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn art33_twenty_working_days_across_national_day_2024() {
        let cal = Calendar::embedded();
        // Received Fri 2024-09-27. Sep 29 (Sun) is a make-up day, Oct 1–7 off, Oct 12 (Sat) worked.
        let dl = answer_deadline(&cal, &ClockInput::new(d("2024-09-27"))).unwrap();
        let counted: Vec<NaiveDate> = dl
            .days
            .iter()
            .filter(|e| matches!(e.status, DayStatus::Counted { .. }))
            .map(|e| e.date)
            .collect();
        assert_eq!(counted[0], d("2024-09-29"), "the 调休 Sunday counts");
        assert!(counted.contains(&d("2024-10-12")));
        assert!(
            !counted
                .iter()
                .any(|c| (d("2024-10-01")..=d("2024-10-07")).contains(c))
        );
        assert_eq!(dl.counted(), 20);
        assert_eq!(dl.due_on, Some(*counted.last().unwrap()));
        assert!(!dl.provisional);
    }

    #[test]
    fn before_2019_05_15_the_2007_rule_applies() {
        let cal = Calendar::embedded();
        let old = answer_deadline(&cal, &ClockInput::new(d("2019-05-14"))).unwrap();
        let new = answer_deadline(&cal, &ClockInput::new(d("2019-05-15"))).unwrap();
        assert_eq!(old.regime, Regime::Regulation2007);
        assert_eq!(old.counted(), 15);
        assert_eq!(new.regime, Regime::Regulation2019);
        assert_eq!(new.counted(), 20);
        let mut ext = ClockInput::new(d("2019-05-14"));
        ext.extension_days = 16;
        assert!(
            answer_deadline(&cal, &ext).is_err(),
            "2007 extension is at most 15"
        );
    }

    #[test]
    fn correction_restarts_the_count() {
        let cal = Calendar::embedded();
        let mut input = ClockInput::new(d("2025-03-03"));
        input.corrected = Some(d("2025-03-20"));
        let dl = answer_deadline(&cal, &input).unwrap();
        assert_eq!(dl.counted_from, d("2025-03-20"));
        assert_eq!(dl.due_on, Some(cal.add_working_days(d("2025-03-20"), 20)));
    }

    #[test]
    fn a_pause_excludes_the_days_after_from_up_to_and_including_to() {
        let cal = Calendar::embedded();
        let plain = answer_deadline(&cal, &ClockInput::new(d("2025-06-09"))).unwrap();
        let mut input = ClockInput::new(d("2025-06-09"));
        // Consultation sent Wed 06-11, answer received Wed 06-18: Thu, Fri, Mon, Tue, Wed paused.
        input
            .pauses
            .push(Pause::consultation(d("2025-06-11"), d("2025-06-18")));
        let dl = answer_deadline(&cal, &input).unwrap();
        let paused = dl
            .days
            .iter()
            .filter(|e| matches!(e.status, DayStatus::Paused { .. }))
            .count();
        assert_eq!(paused, 5);
        assert_eq!(
            dl.due_on,
            Some(cal.add_working_days(plain.due_on.unwrap(), 5))
        );
    }

    #[test]
    fn an_open_pause_stops_the_clock() {
        let cal = Calendar::embedded();
        let mut input = ClockInput::new(d("2025-06-09"));
        input.pauses.push(Pause {
            from: d("2025-06-11"),
            to: None,
            reason: PauseReason::Consultation,
        });
        let dl = answer_deadline(&cal, &input).unwrap();
        assert_eq!(dl.due_on, None);
        assert_eq!(dl.days_left_when_paused, Some(18));
    }

    #[test]
    fn extension_adds_the_days_once() {
        let cal = Calendar::embedded();
        let mut input = ClockInput::new(d("2025-06-09"));
        input.extension_days = 20;
        let dl = answer_deadline(&cal, &input).unwrap();
        assert_eq!(dl.counted(), 40);
        input.extension_days = 21;
        assert!(answer_deadline(&cal, &input).is_err());
    }

    #[test]
    fn the_chinese_explanation_states_the_same_days() {
        let cal = Calendar::embedded();
        // Received Fri 2024-09-27: Sun 09-29 is a 调休 working day, 10-01..07 国庆节.
        let dl = answer_deadline(&cal, &ClockInput::new(d("2024-09-27"))).unwrap();
        let (en, zh) = (dl.explain(), dl.explain_zh());
        assert_eq!(en.len(), zh.len(), "one line per fact in both");
        assert_eq!(zh[0], "答复期限：20个工作日（条例第三十三条）");
        assert!(zh.contains(&"2024-09-29 星期日 计入，第1个工作日（国庆节调休上班）".to_string()));
        assert!(zh.contains(&"2024-10-01 星期二 不计入：国庆节假期".to_string()));
        assert!(zh.contains(&"2024-09-28 星期六 不计入：周末".to_string()));
        // The day lines name the same days in the same order.
        let day = |l: &str| {
            l.get(..11)
                .filter(|p| p.as_bytes()[4] == b'-' && p.ends_with(' '))
                .map(str::to_string)
        };
        for (e, z) in en.iter().zip(&zh) {
            assert_eq!(day(e), day(z), "{e} / {z}");
            assert!(!z.contains("counted") && !z.contains("skipped"), "{z}");
        }
    }

    #[test]
    fn a_deadline_into_an_unloaded_year_is_provisional() {
        let cal = Calendar::embedded();
        let dl = answer_deadline(&cal, &ClockInput::new(d("2026-12-20"))).unwrap();
        assert!(dl.provisional);
        assert!(dl.due_on.unwrap().year() == 2027);
        assert!(dl.explain().iter().any(|l| l.contains("PROVISIONAL")));
    }

    #[test]
    fn a_provisional_year_skips_its_statutory_holidays() {
        let cal = Calendar::embedded();
        // Received Fri 2026-12-25 (2026 known, 2027 not): Dec 28–31 are days 1–4, Fri 2027-01-01
        // (元旦) is skipped, Jan 4–8 are 5–9, Jan 11–15 10–14, Jan 18–22 15–19, Mon Jan 25 day 20.
        let dl = answer_deadline(&cal, &ClockInput::new(d("2026-12-25"))).unwrap();
        assert_eq!(dl.due_on, Some(d("2027-01-25")));
        assert!(dl.provisional);
        let new_year = dl.days.iter().find(|e| e.date == d("2027-01-01")).unwrap();
        assert_eq!(
            new_year.status,
            DayStatus::Holiday {
                holiday: "元旦".into()
            }
        );
        assert!(new_year.provisional);
        // Received Wed 2027-01-20: Jan 21–22 are days 1–2, Jan 25–29 3–7, Feb 1–4 8–11; 春节 is
        // Fri Feb 5 (除夕) to Mon Feb 8; Feb 9–12 are 12–15, Feb 15–19 16–20.
        let dl = answer_deadline(&cal, &ClockInput::new(d("2027-01-20"))).unwrap();
        assert_eq!(dl.due_on, Some(d("2027-02-19")));
        assert!(dl.provisional);
        let skipped: Vec<NaiveDate> = dl
            .days
            .iter()
            .filter(|e| matches!(&e.status, DayStatus::Holiday { holiday } if holiday == "春节"))
            .map(|e| e.date)
            .collect();
        assert_eq!(
            skipped,
            [
                d("2027-02-05"),
                d("2027-02-06"),
                d("2027-02-07"),
                d("2027-02-08")
            ]
        );
        // The short periods count the same way (Art. 30 补正 notice: 7 working days).
        assert_eq!(due_after(&cal, d("2026-12-30"), 7), (d("2027-01-11"), true));
    }

    #[test]
    fn pauses_parse_from_text() {
        assert_eq!(
            Pause::parse("2025-06-11..2025-06-18").unwrap(),
            Pause::consultation(d("2025-06-11"), d("2025-06-18"))
        );
        assert!(Pause::parse("2025-06-18..2025-06-11").is_err());
        assert!(Pause::parse("2025-06-11").is_err());
        assert!(Pause::parse("2025-02-30..2025-03-01").is_err());
    }

    #[test]
    fn dates_before_2008_are_errors() {
        let cal = Calendar::embedded();
        assert!(answer_deadline(&cal, &ClockInput::new(d("2007-06-01"))).is_err());
    }

    #[test]
    fn a_deadline_question_is_bounded_and_names_what_it_refuses() {
        let cal = Calendar::embedded();
        let ask = |corrected: Option<&str>, pauses: &str, extended: bool| DeadlineQuestion {
            received: d("2024-09-27"),
            corrected: corrected.map(d),
            pauses: DeadlineQuestion::parse_pauses(pauses).unwrap(),
            extended,
        };
        let q = ask(None, "2024-10-08..2024-10-10", true);
        assert_eq!(q.answer(&cal).unwrap().due_on, Some(d("2024-11-29")));
        assert_eq!(
            q.clock_input().unwrap().extension_days,
            20,
            "the full extension (Art. 33)"
        );
        let old = DeadlineQuestion {
            received: d("2019-05-14"),
            ..ask(None, "", true)
        };
        assert_eq!(
            old.clock_input().unwrap().extension_days,
            15,
            "2007 Art. 24"
        );

        let eleven = ["2024-10-08..2024-10-09"; 11].join(",");
        assert_eq!(
            DeadlineQuestion::parse_pauses(&eleven).unwrap_err().field(),
            "paused"
        );
        let err = ask(None, "2024-10-08..2025-10-10", false)
            .clock_input()
            .unwrap_err();
        assert_eq!(err.field(), "paused", "{err}");
        assert!(err.reason().contains("2024-10-08..2025-10-10"), "{err}");
        let err = ask(None, "2024-09-01..2024-09-30", false)
            .clock_input()
            .unwrap_err();
        assert_eq!(err.field(), "paused", "before receipt: {err}");
        let all = "2024-09-28..2025-01-01,2024-09-28..2025-01-01";
        let err = ask(None, all, false).clock_input().unwrap_err();
        assert!(err.reason().contains("in all"), "{err}");
        let err = ask(Some("2025-06-01"), "", false)
            .clock_input()
            .unwrap_err();
        assert_eq!(err.field(), "corrected", "{err}");
    }

    #[test]
    fn urgency_counts_working_days_across_a_weekend() {
        let cal = Calendar::embedded();
        // Friday 2025-06-06: due Tuesday 06-10 is two working days away (Mon, Tue).
        let fri = d("2025-06-06");
        assert_eq!(
            urgency(&cal, fri, Some(d("2025-06-10"))),
            (Urgency::DueSoon, Some(2))
        );
        assert_eq!(urgency(&cal, fri, Some(fri)), (Urgency::DueSoon, Some(0)));
        // Thursday 06-12 is 4 working days away: on time.
        assert_eq!(
            urgency(&cal, fri, Some(d("2025-06-12"))),
            (Urgency::OnTime, Some(4))
        );
        // Due Thursday 06-05, today Monday 06-09: overdue by Fri and Mon.
        assert_eq!(
            urgency(&cal, d("2025-06-09"), Some(d("2025-06-05"))),
            (Urgency::Overdue, Some(-2))
        );
        // Due on a Saturday that has passed by Sunday: still overdue, by at least one day.
        assert_eq!(
            urgency(&cal, d("2025-06-08"), Some(d("2025-06-07"))),
            (Urgency::Overdue, Some(-1))
        );
        assert_eq!(urgency(&cal, fri, None), (Urgency::Paused, None));
    }

    #[test]
    fn the_due_soon_line_is_the_urgency_line() {
        let cal = Calendar::embedded();
        let mut today = d("2025-09-26");
        // Across National Day 2025 and its make-up working days.
        for _ in 0..30 {
            let line = due_soon_before(&cal, today);
            let mut due = today;
            for _ in 0..40 {
                let soon = urgency(&cal, today, Some(due)).0 == Urgency::DueSoon;
                assert_eq!(soon, due < line, "today {today}, due {due}");
                due = due.succ_opt().unwrap();
            }
            today = today.succ_opt().unwrap();
        }
    }
}
