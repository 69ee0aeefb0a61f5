//! 政府信息公开工作年度报告 — the annual report model (canonical JSON of `annual-report.md`).
//!
//! One model serves the generator (from records) and the auditor (from published text). A cell
//! the report leaves blank is `None` (`null` in JSON). The two national formats (2019: 国办公开办函
//! 〔2019〕60号; 2021: 〔2021〕30号) differ in table 1 and in the （六）其他处理 rows.

mod cell;
mod compose;
pub mod placeholder;
mod rules;
mod tally;
mod zh;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

pub use cell::{BlockId, CellRef, REVIEW_COLUMNS, RowGroup, RowId};
pub use compose::{
    DocumentCounts, FEES_AMOUNT_KEY, RequestGroup, STATISTIC_KEYS, StatisticKey, compose,
    proactive, starter_sections, tally_groups,
};
pub use rules::{
    CheckContext, Finding, NarrativeFigure, NarrativeKind, SECTION_HEADINGS, Severity, check,
};
pub use tally::{RequestFact, ReviewFact, ReviewKind, ReviewResult, tally_requests, tally_review};
pub use zh::cell_name_zh;

/// A count cell; `None` = left blank in the report.
pub type Cell = Option<i64>;
/// A row of table 2: six applicant columns and the total (总计).
pub type Row = [Cell; 7];
/// The column headings of table 2, in order.
pub const COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// The national format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportFormat {
    /// 国办公开办函〔2019〕60号 — the 2019 and 2020 reports.
    F2019,
    /// 国办公开办函〔2021〕30号 — from the 2021 report on.
    F2021,
}

impl ReportFormat {
    /// The format a report on `year` must use (F1). Years before 2019 had older formats that
    /// gongkai renders in the 2019 layout; years before 2008 are errors.
    pub fn for_year(year: i32) -> Result<Self, DomainError> {
        match year {
            ..2008 => Err(DomainError::invalid(
                "year",
                format!("{year} is before 2008: no disclosure reports"),
            )),
            2008..=2020 => Ok(ReportFormat::F2019),
            2021..=2199 => Ok(ReportFormat::F2021),
            _ => Err(DomainError::invalid(
                "year",
                format!("{year} is out of range"),
            )),
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ReportFormat::F2019 => "2019",
            ReportFormat::F2021 => "2021",
        }
    }
    pub fn document(self) -> &'static str {
        match self {
            ReportFormat::F2019 => "国办公开办函〔2019〕60号",
            ReportFormat::F2021 => "国办公开办函〔2021〕30号",
        }
    }
}

impl Serialize for ReportFormat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ReportFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "2019" => Ok(ReportFormat::F2019),
            "2021" => Ok(ReportFormat::F2021),
            other => Err(serde::de::Error::custom(format!(
                "unknown report format '{other}'"
            ))),
        }
    }
}

/// An amount in 万元; whole amounts serialise as integers (`1858`, not `1858.0`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct WanYuan(pub f64);

impl Serialize for WanYuan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for WanYuan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        f64::deserialize(d).map(WanYuan)
    }
}

/// The OpenAPI schemas of the two types that serialise by hand. Every other type of the report
/// derives its own; their `Cell` and `Row` fields name their type with `value_type`, since utoipa
/// cannot see through a type alias.
#[cfg(feature = "openapi")]
mod schema {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
    use utoipa::openapi::{RefOr, schema::KnownFormat, schema::SchemaFormat};

    impl utoipa::PartialSchema for super::ReportFormat {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([
                    super::ReportFormat::F2019.code(),
                    super::ReportFormat::F2021.code(),
                ]))
                .description(Some(
                    "The national format: `2019` (国办公开办函〔2019〕60号) or `2021` (〔2021〕30号).",
                ))
                .into()
        }
    }
    impl utoipa::ToSchema for super::ReportFormat {}

    impl utoipa::PartialSchema for super::WanYuan {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::Number))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
                .description(Some("An amount in 万元 (whole amounts as integers)."))
                .into()
        }
    }
    impl utoipa::ToSchema for super::WanYuan {}
}

/// Table 1, block 第二十条第（一）项, format 2019.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Documents2019 {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub new_made: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub new_published: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub total_published: Cell,
}

/// Table 1, block 第二十条第（一）项, format 2021.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Documents2021 {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub issued: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub repealed: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub in_force: Cell,
}

/// Item counts (format 2019, blocks （五）（六）).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Items2019 {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub items_last_year: Cell,
    /// 本年增/减 — the one cell that may be negative.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub change: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub decisions: Cell,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fees2019 {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub items_last_year: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub change: Cell,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Procurement {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub projects: Cell,
    pub amount_wan_yuan: Option<WanYuan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decisions {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub decisions: Cell,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fees2021 {
    pub amount_wan_yuan: Option<WanYuan>,
}

/// Table 1 (主动公开政府信息情况), format 2019.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proactive2019 {
    pub rules: Documents2019,
    pub normative_documents: Documents2019,
    pub licensing: Items2019,
    pub other_services: Items2019,
    pub penalty: Items2019,
    pub coercion: Items2019,
    pub fees: Fees2019,
    pub procurement: Procurement,
}

/// Table 1 (主动公开政府信息情况), format 2021.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proactive2021 {
    pub rules: Documents2021,
    pub normative_documents: Documents2021,
    pub licensing: Decisions,
    pub penalty: Decisions,
    pub coercion: Decisions,
    pub fees: Fees2021,
}

/// Table 1 in the format of its report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Proactive {
    F2019(Proactive2019),
    F2021(Proactive2021),
}

impl Proactive {
    pub fn empty(format: ReportFormat) -> Self {
        match format {
            ReportFormat::F2019 => Proactive::F2019(Proactive2019::default()),
            ReportFormat::F2021 => Proactive::F2021(Proactive2021::default()),
        }
    }
    pub fn format(&self) -> ReportFormat {
        match self {
            Proactive::F2019(_) => ReportFormat::F2019,
            Proactive::F2021(_) => ReportFormat::F2021,
        }
    }
}

/// （三）不予公开 rows 1–8.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithheldRows {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub state_secret: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub prohibited_by_law: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub three_securities_one_stability: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub third_party_rights: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub internal_affairs: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub process_information: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub enforcement_case_files: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub administrative_query: Row,
}

/// （四）无法提供 rows 1–3.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnableRows {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub not_held: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub needs_creation: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub unclear_after_correction: Row,
}

/// （五）不予处理 rows 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotProcessedRows {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub petition_or_complaint: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub duplicate: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub publication: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub excessive: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub confirm_or_reissue: Row,
}

/// （六）其他处理: one row in format 2019, three in format 2021.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtherRows {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Option<i64>>>, min_items = 7, max_items = 7))]
    pub no_correction: Option<Row>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Option<i64>>>, min_items = 7, max_items = 7))]
    pub fee_unpaid: Option<Row>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub other: Row,
}

/// Table 2 (收到和处理政府信息公开申请情况).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Requests {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub new: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub carried_over: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub disclosed: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub partially_disclosed: Row,
    pub withheld: WithheldRows,
    pub unable_to_provide: UnableRows,
    pub not_processed: NotProcessedRows,
    pub other: OtherRows,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub total: Row,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Option<i64>>, min_items = 7, max_items = 7))]
    pub carried_forward: Row,
}

/// A row of table 2 as a (JSON path, heading) pair, in table order.
pub struct RowRef<'a> {
    pub id: RowId,
    /// Path in the canonical JSON, e.g. `requests.withheld.state_secret`.
    pub path: &'static str,
    pub heading: &'static str,
    pub row: &'a Row,
}

impl Requests {
    /// All-zero table 2 of a format (the format decides the （六） rows).
    pub fn zeros(format: ReportFormat) -> Self {
        const Z: Row = [Some(0); 7];
        let mut r = Requests {
            new: Z,
            carried_over: Z,
            disclosed: Z,
            partially_disclosed: Z,
            withheld: WithheldRows {
                state_secret: Z,
                prohibited_by_law: Z,
                three_securities_one_stability: Z,
                third_party_rights: Z,
                internal_affairs: Z,
                process_information: Z,
                enforcement_case_files: Z,
                administrative_query: Z,
            },
            unable_to_provide: UnableRows {
                not_held: Z,
                needs_creation: Z,
                unclear_after_correction: Z,
            },
            not_processed: NotProcessedRows {
                petition_or_complaint: Z,
                duplicate: Z,
                publication: Z,
                excessive: Z,
                confirm_or_reissue: Z,
            },
            other: OtherRows {
                no_correction: None,
                fee_unpaid: None,
                other: Z,
            },
            total: Z,
            carried_forward: Z,
        };
        if format == ReportFormat::F2021 {
            r.other.no_correction = Some(Z);
            r.other.fee_unpaid = Some(Z);
        }
        r
    }

    /// The outcome rows (三（一）–（六）) in table order, with their JSON paths and headings.
    pub fn outcome_rows(&self) -> Vec<RowRef<'_>> {
        self.all_rows()
            .into_iter()
            .filter(|r| r.id.is_outcome())
            .collect()
    }

    /// Every row of table 2 in table order (一, 二, 三…, （七）总计, 四).
    pub fn all_rows(&self) -> Vec<RowRef<'_>> {
        let format = self.row_format();
        RowId::all(format)
            .filter_map(|id| {
                self.row(id).map(|row| RowRef {
                    id,
                    path: id.path(),
                    heading: id.heading(format),
                    row,
                })
            })
            .collect()
    }

    /// The row of an outcome in a format, for counting.
    pub fn outcome_row_mut(
        &mut self,
        outcome: crate::outcome::Outcome,
        format: ReportFormat,
    ) -> &mut Row {
        self.row_mut(RowId::of_outcome(outcome, format))
    }
}

/// One block of table 3.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewBlock {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub upheld: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub corrected: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub other: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub pending: Cell,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub total: Cell,
}

impl ReviewBlock {
    pub fn zeros() -> Self {
        ReviewBlock {
            upheld: Some(0),
            corrected: Some(0),
            other: Some(0),
            pending: Some(0),
            total: Some(0),
        }
    }
    pub fn cells(&self) -> [(&'static str, Cell); 5] {
        [
            ("upheld", self.upheld),
            ("corrected", self.corrected),
            ("other", self.other),
            ("pending", self.pending),
            ("total", self.total),
        ]
    }
}

/// Table 3 (政府信息公开行政复议、行政诉讼情况).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub reconsideration: ReviewBlock,
    pub litigation_direct: ReviewBlock,
    pub litigation_after_reconsideration: ReviewBlock,
}

impl Review {
    pub fn zeros() -> Self {
        Review {
            reconsideration: ReviewBlock::zeros(),
            litigation_direct: ReviewBlock::zeros(),
            litigation_after_reconsideration: ReviewBlock::zeros(),
        }
    }
    pub fn blocks(&self) -> [(&'static str, &ReviewBlock); 3] {
        [
            ("review.reconsideration", &self.reconsideration),
            ("review.litigation_direct", &self.litigation_direct),
            (
                "review.litigation_after_reconsideration",
                &self.litigation_after_reconsideration,
            ),
        ]
    }
}

/// Narrative sections (一 总体情况, 五 存在的主要问题及改进情况, 六 其他需要报告的事项).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sections {
    /// 一、总体情况.
    #[serde(default)]
    pub overview: String,
    /// 五、存在的主要问题及改进情况.
    #[serde(default)]
    pub problems: String,
    /// 六、其他需要报告的事项.
    #[serde(default)]
    pub other: String,
}

/// The annual report in its canonical JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub agency: String,
    pub year: i32,
    pub format: ReportFormat,
    pub proactive: Proactive,
    pub requests: Requests,
    pub review: Review,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<Finding>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Sections>,
}

impl Report {
    /// An all-zero report for a year in the format of that year.
    pub fn zeros(agency: &str, year: i32) -> Result<Self, DomainError> {
        let format = ReportFormat::for_year(year)?;
        let mut proactive = Proactive::empty(format);
        match &mut proactive {
            Proactive::F2019(p) => {
                let d = Documents2019 {
                    new_made: Some(0),
                    new_published: Some(0),
                    total_published: Some(0),
                };
                let i = Items2019 {
                    items_last_year: Some(0),
                    change: Some(0),
                    decisions: Some(0),
                };
                *p = Proactive2019 {
                    rules: d,
                    normative_documents: d,
                    licensing: i,
                    other_services: i,
                    penalty: i,
                    coercion: i,
                    fees: Fees2019 {
                        items_last_year: Some(0),
                        change: Some(0),
                    },
                    procurement: Procurement {
                        projects: Some(0),
                        amount_wan_yuan: Some(WanYuan(0.0)),
                    },
                };
            }
            Proactive::F2021(p) => {
                let d = Documents2021 {
                    issued: Some(0),
                    repealed: Some(0),
                    in_force: Some(0),
                };
                let x = Decisions { decisions: Some(0) };
                *p = Proactive2021 {
                    rules: d,
                    normative_documents: d,
                    licensing: x,
                    penalty: x,
                    coercion: x,
                    fees: Fees2021 {
                        amount_wan_yuan: Some(WanYuan(0.0)),
                    },
                };
            }
        }
        Ok(Report {
            agency: agency.to_string(),
            year,
            format,
            proactive,
            requests: Requests::zeros(format),
            review: Review::zeros(),
            findings: None,
            sections: None,
        })
    }

    /// The report's JSON without findings and sections: what the figures say.
    pub fn figures_json(&self) -> serde_json::Value {
        let mut r = self.clone();
        r.findings = None;
        r.sections = None;
        serde_json::to_value(&r).expect("a report serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUXIN: &str = include_str!("../../../../fixtures/reports/fuxin-zrzyj-2020.expected.json");

    #[test]
    fn the_canonical_json_round_trips() {
        let report: Report = serde_json::from_str(FUXIN).expect("the spec's JSON parses");
        assert_eq!(report.format, ReportFormat::F2019);
        assert!(matches!(report.proactive, Proactive::F2019(_)));
        let expected: serde_json::Value = serde_json::from_str(FUXIN).unwrap();
        assert_eq!(serde_json::to_value(&report).unwrap(), expected);
    }

    #[test]
    fn format_by_year() {
        assert_eq!(ReportFormat::for_year(2020).unwrap(), ReportFormat::F2019);
        assert_eq!(ReportFormat::for_year(2021).unwrap(), ReportFormat::F2021);
        assert!(ReportFormat::for_year(2007).is_err());
    }

    #[test]
    fn a_2021_report_has_the_three_other_rows() {
        let r = Report::zeros("x", 2024).unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["requests"]["other"]["fee_unpaid"].is_array());
        assert!(json["proactive"]["rules"]["in_force"].is_number());
        assert_eq!(r.requests.outcome_rows().len(), 21);
        assert_eq!(
            Report::zeros("x", 2020)
                .unwrap()
                .requests
                .outcome_rows()
                .len(),
            19
        );
    }
}
