//! 信息处理费 — the information processing fee of 国办函〔2020〕109号 (in force 2021-01-01).
//!
//! Two bases, each 超额累进 (only the part in a band is charged at that band's rate); per request the
//! agency picks one (109号 Art. 3). Amounts are whole yuan.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The day 109号 came into force: no fee may be charged on a request received before it.
pub const FEE_MEASURES_IN_FORCE: NaiveDate = match NaiveDate::from_ymd_opt(2021, 1, 1) {
    Some(d) => d,
    None => panic!("constant date"),
};

/// Working days the applicant has to pay, counted from the day after receiving the notice.
pub const PAYMENT_DAYS: u32 = 20;

/// The most pages one request can be charged for. 109号 sets no ceiling; 100,000 pages (some
/// 200 reams of paper, 3,994,700 元 by the 按量计收 tiers) is far beyond any request an agency has
/// answered, and keeps every amount well inside the figures a report can state.
pub const MAX_PAGES: u32 = 100_000;

/// The highest ordinal of one applicant's request in one calendar month that 按件计收 counts.
/// 109号 sets no ceiling; 10,000 requests a month (over 300 a day, 99,800 元 for the last one)
/// is beyond any applicant on record.
pub const MAX_ORDINAL: u32 = 10_000;

/// The highest fee one notice can state: the 按量计收 fee of [`MAX_PAGES`] (the 按件计收 fee of
/// [`MAX_ORDINAL`] is lower).
pub const MAX_FEE_YUAN: u64 = 3_994_700;

/// 计收方式 — the basis of a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum FeeBasis {
    /// 按件计收: this request is the `ordinal`-th of the same applicant in the calendar month.
    ByCount { ordinal: u32 },
    /// 按量计收: pages provided for this request.
    ByPages { pages: u32 },
}

impl FeeBasis {
    pub fn amount_yuan(self) -> Result<u64, DomainError> {
        match self {
            FeeBasis::ByCount { ordinal: 0 } => Err(DomainError::invalid(
                "basis.ordinal",
                "requests in a month are counted from 1",
            )),
            FeeBasis::ByCount { ordinal } if ordinal > MAX_ORDINAL => Err(DomainError::invalid(
                "basis.ordinal",
                format!(
                    "at most {MAX_ORDINAL} requests of one applicant in a month are counted (109号)"
                ),
            )),
            FeeBasis::ByCount { ordinal } => Ok(fee_by_count(ordinal)),
            FeeBasis::ByPages { pages } if pages > MAX_PAGES => Err(DomainError::invalid(
                "basis.pages",
                format!("at most {MAX_PAGES} pages are charged for one request (109号)"),
            )),
            FeeBasis::ByPages { pages } => Ok(fee_by_pages(pages)),
        }
    }
}

/// 按件计收: requests of one applicant in one calendar month that are free (1–10).
pub const FREE_REQUESTS_PER_MONTH: u32 = 10;

/// 按量计收: pages of one request that are free (1–30).
pub const FREE_PAGES: u32 = 30;

/// 按量计收 bands: (first page, last page, 元 per page), 超额累进.
pub const PAGE_BANDS: [(u32, u32, u64); 4] = [
    (1, FREE_PAGES, 0),
    (31, 100, 10),
    (101, 200, 20),
    (201, u32::MAX, 40),
];

/// 按件计收: the fee for the `n`-th request of one applicant in one calendar month.
/// 1–10 free; 11–30 100 元; 31–40 200 元; then +100 元 for every further block of ten.
pub fn fee_by_count(n: u32) -> u64 {
    match n {
        0..=FREE_REQUESTS_PER_MONTH => 0,
        11..=30 => 100,
        _ => 100 * (2 + u64::from((n - 31) / 10)),
    }
}

/// The 按件计收 fees of the first `n` requests of a month added up.
pub fn fees_by_count_total(n: u32) -> u64 {
    (1..=n).map(fee_by_count).sum()
}

/// 按量计收: the fee for `pages` pages of one request, bands 1–30 free, 31–100 at 10 元, 101–200 at
/// 20 元, 201 and above at 40 元 per page.
pub fn fee_by_pages(pages: u32) -> u64 {
    PAGE_BANDS
        .iter()
        .map(|&(lo, hi, rate)| {
            if pages < lo {
                0
            } else {
                u64::from(pages.min(hi) - lo + 1) * rate
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_pages_example_from_the_spec() {
        assert_eq!(fee_by_pages(2219), 83_460);
        assert_eq!(fee_by_pages(30), 0);
        assert_eq!(fee_by_pages(31), 10);
        assert_eq!(fee_by_pages(100), 700);
        assert_eq!(fee_by_pages(101), 720);
        assert_eq!(fee_by_pages(200), 2_700);
        assert_eq!(fee_by_pages(201), 2_740);
        assert_eq!(fee_by_pages(0), 0);
    }

    #[test]
    fn by_count_bands() {
        assert_eq!(fee_by_count(10), 0);
        for n in 11..=30 {
            assert_eq!(fee_by_count(n), 100, "request {n} of the month");
        }
        assert_eq!(fee_by_count(31), 200);
        assert_eq!(fee_by_count(40), 200);
        assert_eq!(fee_by_count(41), 300);
        assert_eq!(fee_by_count(51), 400);
        assert_eq!(fees_by_count_total(30), 2_000);
        assert!(FeeBasis::ByCount { ordinal: 0 }.amount_yuan().is_err());
    }

    #[test]
    fn bases_are_bounded() {
        assert_eq!(fee_by_pages(MAX_PAGES), MAX_FEE_YUAN);
        assert!(fee_by_count(MAX_ORDINAL) < MAX_FEE_YUAN);
        let huge = FeeBasis::ByPages { pages: u32::MAX }
            .amount_yuan()
            .unwrap_err();
        assert_eq!(huge.field(), "basis.pages");
        assert!(FeeBasis::ByPages { pages: MAX_PAGES }.amount_yuan().is_ok());
        let e = FeeBasis::ByCount {
            ordinal: MAX_ORDINAL + 1,
        }
        .amount_yuan()
        .unwrap_err();
        assert_eq!(e.field(), "basis.ordinal");
    }
}
