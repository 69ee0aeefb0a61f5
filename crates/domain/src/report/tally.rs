//! Counting tables 2 and 3 from records (annual-report.md, "How gongkai derives table 2 and 3").
//!
//! This is the reference definition of every cell; the store's SQL aggregates must agree with it
//! (tested on random ledgers).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{CellRef, ReportFormat, Requests, Review, ReviewBlock, Row, RowId};
use crate::applicant::ApplicantKind;
use crate::outcome::Outcome;

/// What table 2 needs to know of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFact {
    pub kind: ApplicantKind,
    /// Art. 31 receipt date (a corrected request keeps its original receipt date).
    pub received_on: NaiveDate,
    /// Date and outcome of the conclusive event, if any.
    pub concluded: Option<(NaiveDate, Outcome)>,
}

/// Where a request falls in the report on `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub new: bool,
    pub carried_over: bool,
    pub concluded_in_year: Option<Outcome>,
    pub carried_forward: bool,
}

impl RequestFact {
    pub fn placement(&self, year: i32) -> Placement {
        let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
        let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
        let concluded_on = self.concluded.map(|c| c.0);
        let open_at = |day: NaiveDate| concluded_on.is_none_or(|c| c > day);
        Placement {
            new: self.received_on.year() == year,
            carried_over: self.received_on < start && concluded_on.is_none_or(|c| c >= start),
            concluded_in_year: self
                .concluded
                .filter(|(on, _)| on.year() == year && self.received_on <= end)
                .map(|c| c.1),
            carried_forward: self.received_on <= end && open_at(end),
        }
    }
}

impl RequestFact {
    /// Every cell of table 2 this request is counted in (JSON paths such as
    /// `requests.disclosed[0]`, each with its column and the 总计 column) — the drill-down.
    pub fn cells(&self, year: i32, format: ReportFormat) -> Vec<String> {
        let p = self.placement(year);
        let mut rows: Vec<RowId> = Vec::new();
        if p.new {
            rows.push(RowId::New);
        }
        if p.carried_over {
            rows.push(RowId::CarriedOver);
        }
        if let Some(outcome) = p.concluded_in_year {
            rows.push(RowId::of_outcome(outcome, format));
            rows.push(RowId::Total);
        }
        if p.carried_forward {
            rows.push(RowId::CarriedForward);
        }
        let col = self.kind.column();
        rows.iter()
            .flat_map(|&row| [col, 6].map(|column| CellRef::Requests { row, column }.to_string()))
            .collect()
    }
}

impl ReviewFact {
    /// The cells of table 3 this case is counted in (`review.reconsideration.corrected`, `….total`).
    pub fn cells(&self, year: i32) -> Vec<String> {
        let t = tally_review(year, [*self]);
        let block = match self.kind {
            ReviewKind::Reconsideration => &t.reconsideration,
            ReviewKind::LitigationDirect => &t.litigation_direct,
            ReviewKind::LitigationAfterReconsideration => &t.litigation_after_reconsideration,
        };
        block
            .cells()
            .iter()
            .filter(|(_, v)| *v == Some(1))
            .map(|(name, _)| format!("review.{}.{name}", self.kind.code()))
            .collect()
    }
}

fn bump(row: &mut Row, col: usize) {
    for c in [col, 6] {
        row[c] = Some(row[c].unwrap_or(0) + 1);
    }
}

/// Table 2 of `year` in `format`, counted from request facts.
pub fn tally_requests(
    year: i32,
    format: ReportFormat,
    facts: impl IntoIterator<Item = RequestFact>,
) -> Requests {
    let mut t = Requests::zeros(format);
    for f in facts {
        let col = f.kind.column();
        let p = f.placement(year);
        if p.new {
            bump(&mut t.new, col);
        }
        if p.carried_over {
            bump(&mut t.carried_over, col);
        }
        if let Some(outcome) = p.concluded_in_year {
            bump(t.outcome_row_mut(outcome, format), col);
            bump(&mut t.total, col);
        }
        if p.carried_forward {
            bump(&mut t.carried_forward, col);
        }
    }
    t
}

/// The three kinds of case counted in table 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReviewKind {
    /// 行政复议
    Reconsideration,
    /// 未经复议直接起诉
    LitigationDirect,
    /// 复议后起诉
    LitigationAfterReconsideration,
}

impl ReviewKind {
    pub const ALL: [ReviewKind; 3] = [
        ReviewKind::Reconsideration,
        ReviewKind::LitigationDirect,
        ReviewKind::LitigationAfterReconsideration,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ReviewKind::Reconsideration => "reconsideration",
            ReviewKind::LitigationDirect => "litigation_direct",
            ReviewKind::LitigationAfterReconsideration => "litigation_after_reconsideration",
        }
    }
    /// The kind whose [`code`](Self::code) this is.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    /// The kind as table 3 heads it.
    pub fn name_zh(self) -> &'static str {
        match self {
            ReviewKind::Reconsideration => "行政复议",
            ReviewKind::LitigationDirect => "行政诉讼（未经复议直接起诉）",
            ReviewKind::LitigationAfterReconsideration => "行政诉讼（复议后起诉）",
        }
    }
}

/// The result of a decided case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReviewResult {
    /// 结果维持
    Upheld,
    /// 结果纠正
    Corrected,
    /// 其他结果
    Other,
}

impl ReviewResult {
    pub const ALL: [ReviewResult; 3] = [
        ReviewResult::Upheld,
        ReviewResult::Corrected,
        ReviewResult::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ReviewResult::Upheld => "upheld",
            ReviewResult::Corrected => "corrected",
            ReviewResult::Other => "other",
        }
    }
    /// The result whose [`code`](Self::code) this is.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
    /// The result as table 3 heads it.
    pub fn name_zh(self) -> &'static str {
        match self {
            ReviewResult::Upheld => "结果维持",
            ReviewResult::Corrected => "结果纠正",
            ReviewResult::Other => "其他结果",
        }
    }
}

/// What table 3 needs to know of one reconsideration or lawsuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewFact {
    pub kind: ReviewKind,
    pub filed_on: NaiveDate,
    pub decided: Option<(NaiveDate, ReviewResult)>,
}

/// Table 3 of `year`: cases decided in the year by result, plus those filed by its end and still
/// pending then (尚未审结).
pub fn tally_review(year: i32, facts: impl IntoIterator<Item = ReviewFact>) -> Review {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let mut t = Review::zeros();
    for f in facts {
        let block: &mut ReviewBlock = match f.kind {
            ReviewKind::Reconsideration => &mut t.reconsideration,
            ReviewKind::LitigationDirect => &mut t.litigation_direct,
            ReviewKind::LitigationAfterReconsideration => &mut t.litigation_after_reconsideration,
        };
        let cell = match f.decided {
            _ if f.filed_on > end => continue,
            Some((on, result)) if on.year() == year => match result {
                ReviewResult::Upheld => &mut block.upheld,
                ReviewResult::Corrected => &mut block.corrected,
                ReviewResult::Other => &mut block.other,
            },
            Some((on, _)) if on < end => continue,
            _ => &mut block.pending,
        };
        *cell = Some(cell.unwrap_or(0) + 1);
        block.total = Some(block.total.unwrap_or(0) + 1);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{OtherReason, WithholdGround};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn carry_over_across_the_year_end() {
        let fact = RequestFact {
            kind: ApplicantKind::Commercial,
            received_on: d("2023-12-20"),
            concluded: Some((d("2024-01-10"), Outcome::Disclosed)),
        };
        let y23 = tally_requests(2023, ReportFormat::F2021, [fact]);
        assert_eq!(y23.new[1], Some(1));
        assert_eq!(y23.carried_forward[1], Some(1));
        assert_eq!(y23.total[6], Some(0));
        let y24 = tally_requests(2024, ReportFormat::F2021, [fact]);
        assert_eq!(y24.new[6], Some(0));
        assert_eq!(y24.carried_over[1], Some(1));
        assert_eq!(y24.disclosed[1], Some(1));
        assert_eq!(y24.carried_forward[6], Some(0));
    }

    #[test]
    fn concluded_on_new_years_day_is_carried_over_and_counted_in_the_new_year() {
        let fact = RequestFact {
            kind: ApplicantKind::NaturalPerson,
            received_on: d("2023-12-28"),
            concluded: Some((
                d("2024-01-01"),
                Outcome::Withheld(WithholdGround::StateSecret),
            )),
        };
        let y24 = tally_requests(2024, ReportFormat::F2021, [fact]);
        assert_eq!(y24.carried_over[0], Some(1));
        assert_eq!(y24.withheld.state_secret[0], Some(1));
    }

    #[test]
    fn format_2019_folds_other_rows() {
        let fact = RequestFact {
            kind: ApplicantKind::NaturalPerson,
            received_on: d("2020-03-02"),
            concluded: Some((d("2020-03-20"), Outcome::Other(OtherReason::NoCorrection))),
        };
        let t = tally_requests(2020, ReportFormat::F2019, [fact]);
        assert_eq!(t.other.other[0], Some(1));
        assert_eq!(t.other.no_correction, None);
    }

    #[test]
    fn cells_name_where_a_request_is_counted() {
        let fact = RequestFact {
            kind: ApplicantKind::Commercial,
            received_on: d("2023-12-20"),
            concluded: Some((d("2024-01-10"), Outcome::Disclosed)),
        };
        assert_eq!(
            fact.cells(2023, ReportFormat::F2021),
            [
                "requests.new[1]",
                "requests.new[6]",
                "requests.carried_forward[1]",
                "requests.carried_forward[6]"
            ]
        );
        assert!(
            fact.cells(2024, ReportFormat::F2021)
                .contains(&"requests.disclosed[1]".to_string())
        );
        let other = RequestFact {
            concluded: Some((d("2024-01-10"), Outcome::Other(OtherReason::FeeUnpaid))),
            ..fact
        };
        assert!(
            other
                .cells(2024, ReportFormat::F2021)
                .contains(&"requests.other.fee_unpaid[1]".to_string())
        );
        assert!(
            other
                .cells(2024, ReportFormat::F2019)
                .contains(&"requests.other.other[1]".to_string())
        );
    }

    #[test]
    fn review_counts_decided_and_pending() {
        let facts = [
            ReviewFact {
                kind: ReviewKind::Reconsideration,
                filed_on: d("2020-03-01"),
                decided: Some((d("2020-05-01"), ReviewResult::Corrected)),
            },
            ReviewFact {
                kind: ReviewKind::LitigationDirect,
                filed_on: d("2020-06-01"),
                decided: Some((d("2021-02-01"), ReviewResult::Upheld)),
            },
            ReviewFact {
                kind: ReviewKind::LitigationDirect,
                filed_on: d("2019-06-01"),
                decided: Some((d("2019-12-01"), ReviewResult::Upheld)),
            },
        ];
        let t = tally_review(2020, facts);
        assert_eq!(t.reconsideration.corrected, Some(1));
        assert_eq!(t.reconsideration.total, Some(1));
        assert_eq!(t.litigation_direct.pending, Some(1));
        assert_eq!(t.litigation_direct.total, Some(1));
        let t21 = tally_review(2021, facts);
        assert_eq!(t21.litigation_direct.upheld, Some(1));
        assert_eq!(t21.reconsideration.total, Some(0));
    }
}
