//! 今天 — the date "today", passed in wherever a rule depends on it so the domain stays
//! deterministic: the store and the web layer hold a [`Clock`], tests a [`FixedClock`].

use chrono::{FixedOffset, NaiveDate, Utc};

/// Today's date, injectable for tests.
pub trait Clock: Send + Sync + 'static {
    fn today(&self) -> NaiveDate;
}

/// The date in China Standard Time (UTC+8), where every agency works.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChinaClock;

impl Clock for ChinaClock {
    fn today(&self) -> NaiveDate {
        let cst = FixedOffset::east_opt(8 * 3600).expect("valid offset");
        Utc::now().with_timezone(&cst).date_naive()
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
