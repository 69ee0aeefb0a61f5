//! 办理结果 — how a request was concluded, one variant per row of report table 2 (三、本年度办理结果).
//!
//! The enum is closed: every conclusion of a request is exactly one row, in both national formats.
//! Format 2019 has a single （六）其他处理 row into which the three 2021 sub-rows fold.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;
use crate::report::ReportFormat;

/// （三）不予公开 — legal grounds for withholding (Art. 14–16, 36(7)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WithholdGround {
    /// 1. 属于国家秘密 (Art. 14)
    StateSecret,
    /// 2. 其他法律行政法规禁止公开 (Art. 14)
    ProhibitedByLaw,
    /// 3. 危及"三安全一稳定" (Art. 14)
    ThreeSecuritiesOneStability,
    /// 4. 保护第三方合法权益 (Art. 15)
    ThirdPartyRights,
    /// 5. 属于三类内部事务信息 (Art. 16)
    InternalAffairs,
    /// 6. 属于四类过程性信息 (Art. 16)
    ProcessInformation,
    /// 7. 属于行政执法案卷 (Art. 16)
    EnforcementCaseFiles,
    /// 8. 属于行政查询事项 (Art. 36(7): registration files governed by special laws)
    AdministrativeQuery,
}

/// （四）无法提供.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnableReason {
    /// 1. 本机关不掌握相关政府信息 (Art. 36(4), 36(5))
    NotHeld,
    /// 2. 没有现成信息需要另行制作 (Art. 38)
    NeedsCreation,
    /// 3. 补正后申请内容仍不明确 (Art. 30)
    UnclearAfterCorrection,
}

/// （五）不予处理.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotProcessedReason {
    /// 1. 信访举报投诉类申请 (Art. 39)
    PetitionOrComplaint,
    /// 2. 重复申请 (Art. 36(6))
    Duplicate,
    /// 3. 要求提供公开出版物 (Art. 39)
    Publication,
    /// 4. 无正当理由大量反复申请 (Art. 35)
    Excessive,
    /// 5. 要求行政机关确认或重新出具已获取信息
    ConfirmOrReissue,
}

/// （六）其他处理 (format 2021 sub-rows; format 2019 folds them into one row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OtherReason {
    /// 1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 (Art. 30)
    NoCorrection,
    /// 2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 (109号)
    FeeUnpaid,
    /// 3. 其他 (e.g. withdrawn by the applicant)
    Other,
}

/// The conclusion of a request: one row of report table 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// （一）予以公开 (Art. 36(1)–(2))
    Disclosed,
    /// （二）部分公开 (Art. 37, 区分处理: counted here only)
    PartiallyDisclosed,
    Withheld(WithholdGround),
    UnableToProvide(UnableReason),
    NotProcessed(NotProcessedReason),
    Other(OtherReason),
}

use NotProcessedReason as N;
use OtherReason as O;
use UnableReason as U;
use WithholdGround as W;

/// Code, 2021 row heading, and the article it rests on, for every outcome in table order.
const TABLE: [(Outcome, &str, &str, &str); 21] = [
    (
        Outcome::Disclosed,
        "disclosed",
        "（一）予以公开",
        "第三十六条第（一）（二）项",
    ),
    (
        Outcome::PartiallyDisclosed,
        "partially_disclosed",
        "（二）部分公开",
        "第三十七条",
    ),
    (
        Outcome::Withheld(W::StateSecret),
        "withheld.state_secret",
        "1.属于国家秘密",
        "第十四条",
    ),
    (
        Outcome::Withheld(W::ProhibitedByLaw),
        "withheld.prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        "第十四条",
    ),
    (
        Outcome::Withheld(W::ThreeSecuritiesOneStability),
        "withheld.three_securities_one_stability",
        "3.危及“三安全一稳定”",
        "第十四条",
    ),
    (
        Outcome::Withheld(W::ThirdPartyRights),
        "withheld.third_party_rights",
        "4.保护第三方合法权益",
        "第十五条",
    ),
    (
        Outcome::Withheld(W::InternalAffairs),
        "withheld.internal_affairs",
        "5.属于三类内部事务信息",
        "第十六条",
    ),
    (
        Outcome::Withheld(W::ProcessInformation),
        "withheld.process_information",
        "6.属于四类过程性信息",
        "第十六条",
    ),
    (
        Outcome::Withheld(W::EnforcementCaseFiles),
        "withheld.enforcement_case_files",
        "7.属于行政执法案卷",
        "第十六条",
    ),
    (
        Outcome::Withheld(W::AdministrativeQuery),
        "withheld.administrative_query",
        "8.属于行政查询事项",
        "第三十六条第（七）项",
    ),
    (
        Outcome::UnableToProvide(U::NotHeld),
        "unable_to_provide.not_held",
        "1.本机关不掌握相关政府信息",
        "第三十六条第（四）（五）项",
    ),
    (
        Outcome::UnableToProvide(U::NeedsCreation),
        "unable_to_provide.needs_creation",
        "2.没有现成信息需要另行制作",
        "第三十八条",
    ),
    (
        Outcome::UnableToProvide(U::UnclearAfterCorrection),
        "unable_to_provide.unclear_after_correction",
        "3.补正后申请内容仍不明确",
        "第三十条",
    ),
    (
        Outcome::NotProcessed(N::PetitionOrComplaint),
        "not_processed.petition_or_complaint",
        "1.信访举报投诉类申请",
        "第三十九条",
    ),
    (
        Outcome::NotProcessed(N::Duplicate),
        "not_processed.duplicate",
        "2.重复申请",
        "第三十六条第（六）项",
    ),
    (
        Outcome::NotProcessed(N::Publication),
        "not_processed.publication",
        "3.要求提供公开出版物",
        "第三十九条",
    ),
    (
        Outcome::NotProcessed(N::Excessive),
        "not_processed.excessive",
        "4.无正当理由大量反复申请",
        "第三十五条",
    ),
    (
        Outcome::NotProcessed(N::ConfirmOrReissue),
        "not_processed.confirm_or_reissue",
        "5.要求行政机关确认或重新出具已获取信息",
        "第三十八条",
    ),
    (
        Outcome::Other(O::NoCorrection),
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "第三十条",
    ),
    (
        Outcome::Other(O::FeeUnpaid),
        "other.fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "国办函〔2020〕109号",
    ),
    (Outcome::Other(O::Other), "other.other", "3.其他", "—"),
];

impl Outcome {
    /// Every outcome, in the row order of table 2 (format 2021).
    pub fn all() -> impl Iterator<Item = Outcome> {
        TABLE.iter().map(|r| r.0)
    }

    fn entry(self) -> &'static (Outcome, &'static str, &'static str, &'static str) {
        TABLE
            .iter()
            .find(|r| r.0 == self)
            .expect("every outcome is in TABLE")
    }

    /// Stable code, `group.row` as in the canonical report JSON (`withheld.state_secret`).
    pub fn code(self) -> &'static str {
        self.entry().1
    }

    /// The row heading of report table 2 (format 2021 wording).
    pub fn heading_zh(self) -> &'static str {
        self.entry().2
    }

    /// The row heading without its number (`属于国家秘密`): how a letter or the tracking page
    /// names the outcome.
    pub fn label_zh(self) -> &'static str {
        let heading = self.heading_zh();
        heading
            .split_once('.')
            .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
            .map_or(heading, |(_, rest)| rest)
    }

    /// The provision the outcome rests on.
    pub fn article(self) -> &'static str {
        self.entry().3
    }

    /// The row of the canonical JSON this outcome is counted in for a report format:
    /// (group, key). Format 2019 folds the three （六） rows into `other.other`.
    pub fn report_row(self, format: ReportFormat) -> (&'static str, &'static str) {
        let code = match (self, format) {
            (Outcome::Other(_), ReportFormat::F2019) => "other.other",
            _ => self.code(),
        };
        match code.split_once('.') {
            Some((g, k)) => (g, k),
            None => (code, code),
        }
    }

    /// Whether staff may record this outcome as the answer to a request. The two "deemed
    /// abandoned" rows come only from the events that cause them.
    pub fn is_answer(self) -> bool {
        !matches!(
            self,
            Outcome::Other(O::NoCorrection) | Outcome::Other(O::FeeUnpaid)
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Outcome {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TABLE.iter().find(|r| r.1 == s).map(|r| r.0).ok_or_else(|| {
            DomainError::invalid(
                "outcome",
                format!("'{s}' is not an outcome; expected one of {}", codes()),
            )
        })
    }
}

fn codes() -> String {
    TABLE.iter().map(|r| r.1).collect::<Vec<_>>().join(", ")
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let all: Vec<Outcome> = Outcome::all().collect();
        assert_eq!(all.len(), 21);
        for o in &all {
            assert_eq!(o.code().parse::<Outcome>().unwrap(), *o);
        }
        let mut codes: Vec<&str> = all.iter().map(|o| o.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), 21);
    }

    #[test]
    fn format_2019_folds_the_other_rows() {
        assert_eq!(
            Outcome::Other(O::FeeUnpaid).report_row(ReportFormat::F2019),
            ("other", "other")
        );
        assert_eq!(
            Outcome::Other(O::FeeUnpaid).report_row(ReportFormat::F2021),
            ("other", "fee_unpaid")
        );
        assert_eq!(
            Outcome::Withheld(W::AdministrativeQuery).report_row(ReportFormat::F2019),
            ("withheld", "administrative_query")
        );
    }

    #[test]
    fn unknown_codes_are_rejected_with_the_list() {
        let e = "secret".parse::<Outcome>().unwrap_err().to_string();
        assert!(e.contains("withheld.state_secret"));
    }
}
