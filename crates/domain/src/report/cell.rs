//! 行 / 单元格 — the one identity of a row and a cell of tables 2 and 3.
//!
//! [`RowId`] is a row of table 2 (收到和处理政府信息公开申请情况) with everything the code needs to
//! know of it: its path in the canonical JSON, its heading in each format, its group, the article
//! behind it and its place in the official order. [`BlockId`] is a block of table 3. A
//! [`CellRef`] names one cell (`requests.withheld.state_secret[0]`,
//! `review.reconsideration.upheld`) and parses back from that text; an unknown row is an error.

use std::fmt;
use std::str::FromStr;

use super::{ReportFormat, Requests, Review, ReviewBlock, Row};
use crate::DomainError;
use crate::outcome::{NotProcessedReason, OtherReason, Outcome, UnableReason, WithholdGround};

/// A row of table 2, in the official order of format 2021 (format 2019 lacks the first two
/// （六） sub-rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowId {
    /// 一、本年新收政府信息公开申请数量
    New,
    /// 二、上年结转政府信息公开申请数量
    CarriedOver,
    /// An outcome row of 三、本年度办理结果 （一）–（六）.
    Outcome(Outcome),
    /// （七）总计
    Total,
    /// 四、结转下年度继续办理
    CarriedForward,
}

/// The groups of 三、本年度办理结果 that have sub-rows (and may print a subtotal row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowGroup {
    /// （三）不予公开
    Withheld,
    /// （四）无法提供
    Unable,
    /// （五）不予处理
    NotProcessed,
    /// （六）其他处理 (sub-rows in format 2021 only)
    Other,
}

impl RowGroup {
    /// The sub-rows of the group in a format, in order.
    pub fn rows(self, format: ReportFormat) -> impl Iterator<Item = RowId> {
        RowId::all(format).filter(move |r| r.group() == Some(self))
    }
    pub const ALL: [RowGroup; 4] = [
        RowGroup::Withheld,
        RowGroup::Unable,
        RowGroup::NotProcessed,
        RowGroup::Other,
    ];
    /// The group's heading as printed on its own row.
    pub fn heading(self) -> &'static str {
        match self {
            RowGroup::Withheld => "（三）不予公开",
            RowGroup::Unable => "（四）无法提供",
            RowGroup::NotProcessed => "（五）不予处理",
            RowGroup::Other => "（六）其他处理",
        }
    }
    /// The group's key in the canonical JSON (`requests.withheld`).
    pub fn key(self) -> &'static str {
        match self {
            RowGroup::Withheld => "withheld",
            RowGroup::Unable => "unable_to_provide",
            RowGroup::NotProcessed => "not_processed",
            RowGroup::Other => "other",
        }
    }
}

use NotProcessedReason as N;
use OtherReason as O;
use UnableReason as U;
use WithholdGround as W;

/// Every row of table 2 in the official order (format 2021).
const ORDER: [RowId; 25] = [
    RowId::New,
    RowId::CarriedOver,
    RowId::Outcome(Outcome::Disclosed),
    RowId::Outcome(Outcome::PartiallyDisclosed),
    RowId::Outcome(Outcome::Withheld(W::StateSecret)),
    RowId::Outcome(Outcome::Withheld(W::ProhibitedByLaw)),
    RowId::Outcome(Outcome::Withheld(W::ThreeSecuritiesOneStability)),
    RowId::Outcome(Outcome::Withheld(W::ThirdPartyRights)),
    RowId::Outcome(Outcome::Withheld(W::InternalAffairs)),
    RowId::Outcome(Outcome::Withheld(W::ProcessInformation)),
    RowId::Outcome(Outcome::Withheld(W::EnforcementCaseFiles)),
    RowId::Outcome(Outcome::Withheld(W::AdministrativeQuery)),
    RowId::Outcome(Outcome::UnableToProvide(U::NotHeld)),
    RowId::Outcome(Outcome::UnableToProvide(U::NeedsCreation)),
    RowId::Outcome(Outcome::UnableToProvide(U::UnclearAfterCorrection)),
    RowId::Outcome(Outcome::NotProcessed(N::PetitionOrComplaint)),
    RowId::Outcome(Outcome::NotProcessed(N::Duplicate)),
    RowId::Outcome(Outcome::NotProcessed(N::Publication)),
    RowId::Outcome(Outcome::NotProcessed(N::Excessive)),
    RowId::Outcome(Outcome::NotProcessed(N::ConfirmOrReissue)),
    RowId::Outcome(Outcome::Other(O::NoCorrection)),
    RowId::Outcome(Outcome::Other(O::FeeUnpaid)),
    RowId::Outcome(Outcome::Other(O::Other)),
    RowId::Total,
    RowId::CarriedForward,
];

impl RowId {
    /// The rows of table 2 in a format, in the official order.
    pub fn all(format: ReportFormat) -> impl Iterator<Item = RowId> {
        ORDER.into_iter().filter(move |r| r.in_format(format))
    }

    /// The outcome rows (三（一）–（六）) of a format, in the official order.
    pub fn outcomes(format: ReportFormat) -> impl Iterator<Item = RowId> {
        Self::all(format).filter(|r| r.is_outcome())
    }

    /// Whether the format has this row (format 2019 has one （六）其他处理 row).
    pub fn in_format(self, format: ReportFormat) -> bool {
        !matches!(
            (self, format),
            (
                RowId::Outcome(Outcome::Other(O::NoCorrection | O::FeeUnpaid)),
                ReportFormat::F2019
            )
        )
    }

    pub fn is_outcome(self) -> bool {
        matches!(self, RowId::Outcome(_))
    }

    /// Place in the official order (0 = 一、本年新收).
    pub fn order(self) -> usize {
        ORDER.iter().position(|r| *r == self).unwrap_or(ORDER.len())
    }

    /// The group of sub-rows this row belongs to, if any.
    pub fn group(self) -> Option<RowGroup> {
        match self {
            RowId::Outcome(Outcome::Withheld(_)) => Some(RowGroup::Withheld),
            RowId::Outcome(Outcome::UnableToProvide(_)) => Some(RowGroup::Unable),
            RowId::Outcome(Outcome::NotProcessed(_)) => Some(RowGroup::NotProcessed),
            RowId::Outcome(Outcome::Other(_)) => Some(RowGroup::Other),
            _ => None,
        }
    }

    /// The row in the canonical JSON: `requests.withheld.state_secret`.
    pub fn path(self) -> &'static str {
        match self {
            RowId::New => "requests.new",
            RowId::CarriedOver => "requests.carried_over",
            RowId::Total => "requests.total",
            RowId::CarriedForward => "requests.carried_forward",
            RowId::Outcome(o) => match o {
                Outcome::Disclosed => "requests.disclosed",
                Outcome::PartiallyDisclosed => "requests.partially_disclosed",
                Outcome::Withheld(w) => match w {
                    W::StateSecret => "requests.withheld.state_secret",
                    W::ProhibitedByLaw => "requests.withheld.prohibited_by_law",
                    W::ThreeSecuritiesOneStability => {
                        "requests.withheld.three_securities_one_stability"
                    }
                    W::ThirdPartyRights => "requests.withheld.third_party_rights",
                    W::InternalAffairs => "requests.withheld.internal_affairs",
                    W::ProcessInformation => "requests.withheld.process_information",
                    W::EnforcementCaseFiles => "requests.withheld.enforcement_case_files",
                    W::AdministrativeQuery => "requests.withheld.administrative_query",
                },
                Outcome::UnableToProvide(u) => match u {
                    U::NotHeld => "requests.unable_to_provide.not_held",
                    U::NeedsCreation => "requests.unable_to_provide.needs_creation",
                    U::UnclearAfterCorrection => {
                        "requests.unable_to_provide.unclear_after_correction"
                    }
                },
                Outcome::NotProcessed(n) => match n {
                    N::PetitionOrComplaint => "requests.not_processed.petition_or_complaint",
                    N::Duplicate => "requests.not_processed.duplicate",
                    N::Publication => "requests.not_processed.publication",
                    N::Excessive => "requests.not_processed.excessive",
                    N::ConfirmOrReissue => "requests.not_processed.confirm_or_reissue",
                },
                Outcome::Other(r) => match r {
                    O::NoCorrection => "requests.other.no_correction",
                    O::FeeUnpaid => "requests.other.fee_unpaid",
                    O::Other => "requests.other.other",
                },
            },
        }
    }

    /// The row whose [`path`](Self::path) this is.
    pub fn from_path(path: &str) -> Option<RowId> {
        ORDER.into_iter().find(|r| r.path() == path)
    }

    /// The row heading as the format prints it (group prefix included for sub-rows).
    pub fn heading(self, format: ReportFormat) -> &'static str {
        match self {
            RowId::New => "一、本年新收政府信息公开申请数量",
            RowId::CarriedOver => "二、上年结转政府信息公开申请数量",
            RowId::Total => "（七）总计",
            RowId::CarriedForward => "四、结转下年度继续办理",
            RowId::Outcome(o) => match (o, format) {
                (Outcome::Other(O::Other), ReportFormat::F2019) => "（六）其他处理",
                (Outcome::Other(O::Other), ReportFormat::F2021) => "（六）3.其他",
                _ => sub_row_heading(o),
            },
        }
    }

    /// Fragments that identify the row's heading in published text, its known variants
    /// included (`本年新收`, `新收申请`), as the auditor searches them in the table's text.
    pub fn keywords(self) -> &'static [&'static str] {
        match self {
            RowId::New => &["本年新收", "新收政府信息", "新收申请"],
            RowId::CarriedOver => &["上年结转", "上年度结转"],
            RowId::Total => &["总计"],
            RowId::CarriedForward => &["结转下年度", "下年度继续", "转下年"],
            RowId::Outcome(o) => match o {
                Outcome::Disclosed => &["予以公开"],
                Outcome::PartiallyDisclosed => &["部分公开"],
                Outcome::Withheld(w) => match w {
                    W::StateSecret => &["国家秘密"],
                    W::ProhibitedByLaw => &["禁止公开", "法律行政法规"],
                    W::ThreeSecuritiesOneStability => &["三安全", "一稳定"],
                    W::ThirdPartyRights => &["第三方"],
                    W::InternalAffairs => &["内部事务"],
                    W::ProcessInformation => &["过程性"],
                    W::EnforcementCaseFiles => &["执法案卷"],
                    W::AdministrativeQuery => &["行政查询", "查询事项"],
                },
                Outcome::UnableToProvide(u) => match u {
                    U::NotHeld => &["不掌握"],
                    U::NeedsCreation => &["另行制作", "现成信息"],
                    U::UnclearAfterCorrection => &["仍不明确", "补正后"],
                },
                Outcome::NotProcessed(n) => match n {
                    N::PetitionOrComplaint => &["信访", "举报投诉"],
                    N::Duplicate => &["重复申请"],
                    N::Publication => &["出版物"],
                    N::Excessive => &["大量反复", "反复申请"],
                    N::ConfirmOrReissue => &["重新出具", "确认或"],
                },
                Outcome::Other(r) => match r {
                    O::NoCorrection => &["逾期不补正", "不补正"],
                    O::FeeUnpaid => &["收费通知", "缴纳费用", "未按收费"],
                    // After the 2021 rows （六）1 and 2, row 3 reads just “其他”.
                    O::Other => &["其他处理"],
                },
            },
        }
    }

    /// The provision the row counts by (`—` for the rows that are not an outcome).
    pub fn article(self) -> &'static str {
        match self {
            RowId::Outcome(o) => o.article(),
            _ => "—",
        }
    }

    /// The row an outcome is counted in, in a format (format 2019 folds the （六） sub-rows).
    pub fn of_outcome(outcome: Outcome, format: ReportFormat) -> RowId {
        match (outcome, format) {
            (Outcome::Other(_), ReportFormat::F2019) => RowId::Outcome(Outcome::Other(O::Other)),
            _ => RowId::Outcome(outcome),
        }
    }
}

/// The heading of an outcome row with its group's number: `（三）1.属于国家秘密`.
fn sub_row_heading(o: Outcome) -> &'static str {
    match o {
        Outcome::Withheld(W::StateSecret) => "（三）1.属于国家秘密",
        Outcome::Withheld(W::ProhibitedByLaw) => "（三）2.其他法律行政法规禁止公开",
        Outcome::Withheld(W::ThreeSecuritiesOneStability) => "（三）3.危及“三安全一稳定”",
        Outcome::Withheld(W::ThirdPartyRights) => "（三）4.保护第三方合法权益",
        Outcome::Withheld(W::InternalAffairs) => "（三）5.属于三类内部事务信息",
        Outcome::Withheld(W::ProcessInformation) => "（三）6.属于四类过程性信息",
        Outcome::Withheld(W::EnforcementCaseFiles) => "（三）7.属于行政执法案卷",
        Outcome::Withheld(W::AdministrativeQuery) => "（三）8.属于行政查询事项",
        Outcome::UnableToProvide(U::NotHeld) => "（四）1.本机关不掌握相关政府信息",
        Outcome::UnableToProvide(U::NeedsCreation) => "（四）2.没有现成信息需要另行制作",
        Outcome::UnableToProvide(U::UnclearAfterCorrection) => "（四）3.补正后申请内容仍不明确",
        Outcome::NotProcessed(N::PetitionOrComplaint) => "（五）1.信访举报投诉类申请",
        Outcome::NotProcessed(N::Duplicate) => "（五）2.重复申请",
        Outcome::NotProcessed(N::Publication) => "（五）3.要求提供公开出版物",
        Outcome::NotProcessed(N::Excessive) => "（五）4.无正当理由大量反复申请",
        Outcome::NotProcessed(N::ConfirmOrReissue) => {
            "（五）5.要求行政机关确认或重新出具已获取信息"
        }
        Outcome::Other(O::NoCorrection) => {
            "（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
        }
        Outcome::Other(O::FeeUnpaid) => {
            "（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        }
        Outcome::Other(O::Other) => "（六）3.其他",
        Outcome::Disclosed => "（一）予以公开",
        Outcome::PartiallyDisclosed => "（二）部分公开",
    }
}

impl fmt::Display for RowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

impl FromStr for RowId {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RowId::from_path(s).ok_or_else(|| {
            DomainError::invalid("row", format!("'{s}' is not a row of table 2"))
                .zh("不是表三（收到和处理政府信息公开申请情况）的行")
        })
    }
}

impl Requests {
    /// The row `id` names, or `None` for a （六） sub-row the report's format does not have.
    pub fn row(&self, id: RowId) -> Option<&Row> {
        Some(match id {
            RowId::New => &self.new,
            RowId::CarriedOver => &self.carried_over,
            RowId::Total => &self.total,
            RowId::CarriedForward => &self.carried_forward,
            RowId::Outcome(o) => match o {
                Outcome::Disclosed => &self.disclosed,
                Outcome::PartiallyDisclosed => &self.partially_disclosed,
                Outcome::Withheld(w) => {
                    let r = &self.withheld;
                    match w {
                        W::StateSecret => &r.state_secret,
                        W::ProhibitedByLaw => &r.prohibited_by_law,
                        W::ThreeSecuritiesOneStability => &r.three_securities_one_stability,
                        W::ThirdPartyRights => &r.third_party_rights,
                        W::InternalAffairs => &r.internal_affairs,
                        W::ProcessInformation => &r.process_information,
                        W::EnforcementCaseFiles => &r.enforcement_case_files,
                        W::AdministrativeQuery => &r.administrative_query,
                    }
                }
                Outcome::UnableToProvide(u) => {
                    let r = &self.unable_to_provide;
                    match u {
                        U::NotHeld => &r.not_held,
                        U::NeedsCreation => &r.needs_creation,
                        U::UnclearAfterCorrection => &r.unclear_after_correction,
                    }
                }
                Outcome::NotProcessed(n) => {
                    let r = &self.not_processed;
                    match n {
                        N::PetitionOrComplaint => &r.petition_or_complaint,
                        N::Duplicate => &r.duplicate,
                        N::Publication => &r.publication,
                        N::Excessive => &r.excessive,
                        N::ConfirmOrReissue => &r.confirm_or_reissue,
                    }
                }
                Outcome::Other(O::NoCorrection) => return self.other.no_correction.as_ref(),
                Outcome::Other(O::FeeUnpaid) => return self.other.fee_unpaid.as_ref(),
                Outcome::Other(O::Other) => &self.other.other,
            },
        })
    }

    /// The row `id` names; a （六）1/2 row is created (all zero) when the table lacks it.
    pub fn row_mut(&mut self, id: RowId) -> &mut Row {
        const ZERO: Row = [Some(0); 7];
        match id {
            RowId::New => &mut self.new,
            RowId::CarriedOver => &mut self.carried_over,
            RowId::Total => &mut self.total,
            RowId::CarriedForward => &mut self.carried_forward,
            RowId::Outcome(o) => match o {
                Outcome::Disclosed => &mut self.disclosed,
                Outcome::PartiallyDisclosed => &mut self.partially_disclosed,
                Outcome::Withheld(w) => {
                    let r = &mut self.withheld;
                    match w {
                        W::StateSecret => &mut r.state_secret,
                        W::ProhibitedByLaw => &mut r.prohibited_by_law,
                        W::ThreeSecuritiesOneStability => &mut r.three_securities_one_stability,
                        W::ThirdPartyRights => &mut r.third_party_rights,
                        W::InternalAffairs => &mut r.internal_affairs,
                        W::ProcessInformation => &mut r.process_information,
                        W::EnforcementCaseFiles => &mut r.enforcement_case_files,
                        W::AdministrativeQuery => &mut r.administrative_query,
                    }
                }
                Outcome::UnableToProvide(u) => {
                    let r = &mut self.unable_to_provide;
                    match u {
                        U::NotHeld => &mut r.not_held,
                        U::NeedsCreation => &mut r.needs_creation,
                        U::UnclearAfterCorrection => &mut r.unclear_after_correction,
                    }
                }
                Outcome::NotProcessed(n) => {
                    let r = &mut self.not_processed;
                    match n {
                        N::PetitionOrComplaint => &mut r.petition_or_complaint,
                        N::Duplicate => &mut r.duplicate,
                        N::Publication => &mut r.publication,
                        N::Excessive => &mut r.excessive,
                        N::ConfirmOrReissue => &mut r.confirm_or_reissue,
                    }
                }
                Outcome::Other(O::NoCorrection) => self.other.no_correction.get_or_insert(ZERO),
                Outcome::Other(O::FeeUnpaid) => self.other.fee_unpaid.get_or_insert(ZERO),
                Outcome::Other(O::Other) => &mut self.other.other,
            },
        }
    }

    /// The format this table's rows are in (the （六） sub-rows exist only in format 2021).
    pub fn row_format(&self) -> ReportFormat {
        if self.other.no_correction.is_some() || self.other.fee_unpaid.is_some() {
            ReportFormat::F2021
        } else {
            ReportFormat::F2019
        }
    }
}

/// A block of table 3 (政府信息公开行政复议、行政诉讼情况).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockId {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼 · 未经复议直接起诉
    LitigationDirect,
    /// 行政诉讼 · 复议后起诉
    LitigationAfterReconsideration,
}

impl BlockId {
    pub const ALL: [BlockId; 3] = [
        BlockId::Reconsideration,
        BlockId::LitigationDirect,
        BlockId::LitigationAfterReconsideration,
    ];
    /// The block's key in the canonical JSON (`reconsideration`).
    pub fn key(self) -> &'static str {
        match self {
            BlockId::Reconsideration => "reconsideration",
            BlockId::LitigationDirect => "litigation_direct",
            BlockId::LitigationAfterReconsideration => "litigation_after_reconsideration",
        }
    }
    pub fn heading(self) -> &'static str {
        match self {
            BlockId::Reconsideration => "行政复议",
            BlockId::LitigationDirect => "行政诉讼（未经复议直接起诉）",
            BlockId::LitigationAfterReconsideration => "行政诉讼（复议后起诉）",
        }
    }
}

/// The five columns of a block of table 3, in order.
pub const REVIEW_COLUMNS: [(&str, &str); 5] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
];

impl Review {
    pub fn block(&self, id: BlockId) -> &ReviewBlock {
        match id {
            BlockId::Reconsideration => &self.reconsideration,
            BlockId::LitigationDirect => &self.litigation_direct,
            BlockId::LitigationAfterReconsideration => &self.litigation_after_reconsideration,
        }
    }
    pub fn block_mut(&mut self, id: BlockId) -> &mut ReviewBlock {
        match id {
            BlockId::Reconsideration => &mut self.reconsideration,
            BlockId::LitigationDirect => &mut self.litigation_direct,
            BlockId::LitigationAfterReconsideration => &mut self.litigation_after_reconsideration,
        }
    }
}

impl ReviewBlock {
    /// Column `c` (0 = 结果维持 … 4 = 总计); `None` past the end.
    pub fn cell_mut(&mut self, c: usize) -> Option<&mut Option<i64>> {
        Some(match c {
            0 => &mut self.upheld,
            1 => &mut self.corrected,
            2 => &mut self.other,
            3 => &mut self.pending,
            4 => &mut self.total,
            _ => return None,
        })
    }
}

/// One cell of table 2 or table 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CellRef {
    /// Table 2: a row and one of its seven columns (0–5 applicants, 6 总计).
    Requests { row: RowId, column: usize },
    /// Table 3: a block and one of its five columns ([`REVIEW_COLUMNS`]).
    Review { block: BlockId, column: usize },
}

impl CellRef {
    /// The cell's value in a report (`None`: blank, or a row the format lacks).
    pub fn get(self, requests: &Requests, review: &Review) -> Option<i64> {
        match self {
            CellRef::Requests { row, column } => requests
                .row(row)
                .and_then(|r| r.get(column).copied().flatten()),
            CellRef::Review { block, column } => {
                let mut b = *review.block(block);
                b.cell_mut(column).and_then(|c| *c)
            }
        }
    }

    /// Sets the cell (a row the format lacks is created).
    pub fn set(self, requests: &mut Requests, review: &mut Review, value: Option<i64>) {
        match self {
            CellRef::Requests { row, column } => {
                if let Some(c) = requests.row_mut(row).get_mut(column) {
                    *c = value;
                }
            }
            CellRef::Review { block, column } => {
                if let Some(c) = review.block_mut(block).cell_mut(column) {
                    *c = value;
                }
            }
        }
    }

    /// Every cell of the two tables in a format, in table order.
    pub fn all(format: ReportFormat) -> impl Iterator<Item = CellRef> {
        RowId::all(format)
            .flat_map(|row| (0..7).map(move |column| CellRef::Requests { row, column }))
            .chain(
                BlockId::ALL
                    .into_iter()
                    .flat_map(|block| (0..5).map(move |column| CellRef::Review { block, column })),
            )
    }

    /// The cell in Chinese, as an evaluator names it (`（三）1.属于国家秘密 · 自然人`).
    pub fn name_zh(self, format: ReportFormat) -> String {
        match self {
            CellRef::Requests { row, column } => {
                format!(
                    "{} · {}",
                    row.heading(format),
                    super::COLUMNS[column.min(6)]
                )
            }
            CellRef::Review { block, column } => {
                format!("{} · {}", block.heading(), REVIEW_COLUMNS[column.min(4)].1)
            }
        }
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellRef::Requests { row, column } => write!(f, "{}[{column}]", row.path()),
            CellRef::Review { block, column } => write!(
                f,
                "review.{}.{}",
                block.key(),
                REVIEW_COLUMNS.get(*column).map_or("?", |c| c.0)
            ),
        }
    }
}

impl FromStr for CellRef {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            DomainError::invalid(
                "cell",
                format!(
                    "'{s}' is not a cell of table 2 (requests.disclosed[0]) or table 3 (review.reconsideration.upheld)"
                ),
            )
            .zh("不是表三或表四的单元格")
        };
        if let Some(rest) = s.strip_prefix("review.") {
            let (block, column) = rest.split_once('.').ok_or_else(bad)?;
            let block = BlockId::ALL
                .into_iter()
                .find(|b| b.key() == block)
                .ok_or_else(bad)?;
            let column = REVIEW_COLUMNS
                .iter()
                .position(|c| c.0 == column)
                .ok_or_else(bad)?;
            return Ok(CellRef::Review { block, column });
        }
        let (row, index) = s
            .strip_suffix(']')
            .and_then(|x| x.split_once('['))
            .ok_or_else(bad)?;
        let row = RowId::from_path(row).ok_or_else(bad)?;
        let column = match index.as_bytes() {
            [d @ b'0'..=b'6'] => usize::from(d - b'0'),
            _ => return Err(bad()),
        };
        Ok(CellRef::Requests { row, column })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_names_itself_and_parses_back() {
        for format in [ReportFormat::F2019, ReportFormat::F2021] {
            for cell in CellRef::all(format) {
                let text = cell.to_string();
                assert_eq!(text.parse::<CellRef>().unwrap(), cell, "{text}");
            }
        }
        assert_eq!(CellRef::all(ReportFormat::F2019).count(), 23 * 7 + 15);
        assert_eq!(CellRef::all(ReportFormat::F2021).count(), 25 * 7 + 15);
        for bad in [
            "requests.disclosed[7]",
            "requests.nothing[0]",
            "requests.disclosed",
            "review.reconsideration.x",
            "review.x.total",
            "requests.disclosed[01]",
            "",
        ] {
            assert!(bad.parse::<CellRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rows_follow_the_official_order_and_every_outcome_has_its_row() {
        let f19: Vec<RowId> = RowId::all(ReportFormat::F2019).collect();
        assert_eq!(f19.len(), 23);
        assert!(f19.windows(2).all(|w| w[0].order() < w[1].order()));
        for o in Outcome::all() {
            for format in [ReportFormat::F2019, ReportFormat::F2021] {
                let row = RowId::of_outcome(o, format);
                assert!(row.in_format(format));
                assert!(Requests::zeros(format).row(row).is_some(), "{row}");
            }
        }
        assert_eq!(
            RowId::Outcome(Outcome::Withheld(W::StateSecret)).heading(ReportFormat::F2021),
            "（三）1.属于国家秘密"
        );
        assert_eq!(
            RowId::Outcome(Outcome::Withheld(W::StateSecret)).group(),
            Some(RowGroup::Withheld)
        );
    }
}
