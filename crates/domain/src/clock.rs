//! 今天 — the date "today" and the moment "now", passed in wherever a rule depends on them so
//! the domain stays deterministic: the store and the web layer hold a [`Clock`], tests a
//! [`FixedClock`] (one day) or a [`ManualClock`] (a moment they move on, for session timeouts).

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};

/// Today's date and the current moment, injectable for tests.
pub trait Clock: Send + Sync + 'static {
    fn today(&self) -> NaiveDate;
    /// The current moment (session timeouts, lockouts). A clock that knows only a day gives
    /// 09:00 China time of that day.
    fn now(&self) -> DateTime<Utc> {
        at_nine(self.today())
    }
}

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

fn at_nine(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
        .and_local_timezone(china())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The date in China Standard Time (UTC+8), where every agency works.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChinaClock;

impl Clock for ChinaClock {
    fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&china()).date_naive()
    }
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped on one day.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub NaiveDate);

impl Clock for FixedClock {
    fn today(&self) -> NaiveDate {
        self.0
    }
}

/// A clock a test moves on by hand; today is the China date of its moment.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// Starts at 09:00 China time of `day`.
    pub fn starting(day: NaiveDate) -> Self {
        ManualClock(Mutex::new(at_nine(day)))
    }
    /// Moves the clock on by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&china()).date_naive()
    }
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
