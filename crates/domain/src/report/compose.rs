//! Assembling a report from what the records say: table 1 from the publications register and the
//! yearly statistics register, table 2 from grouped request counts, table 3 from review cases,
//! and starter texts for the narrative sections.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::placeholder::TO_BE_WRITTEN;
use super::{
    Decisions, Documents2019, Documents2021, Fees2019, Fees2021, Items2019, Proactive,
    Proactive2019, Proactive2021, Procurement, Report, ReportFormat, Requests, Review, Row,
    Sections, WanYuan,
};
use crate::DomainError;
use crate::applicant::ApplicantKind;
use crate::outcome::Outcome;

/// A figure of table 1 that lives in another government system (licensing, penalties, fees,
/// procurement), kept per agency and year in the statistics register with its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatisticKey {
    pub key: &'static str,
    pub label: &'static str,
    pub formats: &'static [ReportFormat],
    /// Whether the value is money (万元) rather than a count.
    pub money: bool,
}

const F19: &[ReportFormat] = &[ReportFormat::F2019];
const F21: &[ReportFormat] = &[ReportFormat::F2021];
const BOTH: &[ReportFormat] = &[ReportFormat::F2019, ReportFormat::F2021];

/// The largest count a table-1 statistic may hold: one billion a year (more than one decision
/// for every two residents of the country, far beyond any one agency).
pub const MAX_COUNT: f64 = 1e9;
/// The largest amount (万元) a table-1 statistic may hold: 10 万亿元, more than all government
/// procurement of the country in a year (about 3.6 万亿元).
pub const MAX_MONEY_WAN: f64 = 1e9;

/// Every statistic of table 1 that is not counted from gongkai's own registers.
pub const STATISTIC_KEYS: [StatisticKey; 17] = [
    StatisticKey {
        key: "licensing.items_last_year",
        label: "行政许可 上一年项目数量",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "licensing.change",
        label: "行政许可 本年增/减",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "licensing.decisions",
        label: "行政许可 处理决定数量",
        formats: BOTH,
        money: false,
    },
    StatisticKey {
        key: "other_services.items_last_year",
        label: "其他对外管理服务事项 上一年项目数量",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "other_services.change",
        label: "其他对外管理服务事项 本年增/减",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "other_services.decisions",
        label: "其他对外管理服务事项 处理决定数量",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "penalty.items_last_year",
        label: "行政处罚 上一年项目数量",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "penalty.change",
        label: "行政处罚 本年增/减",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "penalty.decisions",
        label: "行政处罚 处理决定数量",
        formats: BOTH,
        money: false,
    },
    StatisticKey {
        key: "coercion.items_last_year",
        label: "行政强制 上一年项目数量",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "coercion.change",
        label: "行政强制 本年增/减",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "coercion.decisions",
        label: "行政强制 处理决定数量",
        formats: BOTH,
        money: false,
    },
    StatisticKey {
        key: "fees.items_last_year",
        label: "行政事业性收费 上一年项目数量",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "fees.change",
        label: "行政事业性收费 本年增/减",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "procurement.projects",
        label: "政府集中采购 采购项目数量",
        formats: F19,
        money: false,
    },
    StatisticKey {
        key: "procurement.amount_wan_yuan",
        label: "政府集中采购 采购总金额（万元）",
        formats: F19,
        money: true,
    },
    StatisticKey {
        key: FEES_AMOUNT_KEY,
        label: "行政事业性收费 本年收费金额（万元）",
        formats: F21,
        money: true,
    },
];

/// 2021 reports the fee amount under this key.
pub const FEES_AMOUNT_KEY: &str = "fees.amount_wan_yuan";

impl StatisticKey {
    /// Validates a key and a value: counts are whole numbers, only 本年增/减 may be negative.
    pub fn check(key: &str, value: f64) -> Result<(), DomainError> {
        let Some(entry) = STATISTIC_KEYS.iter().find(|k| k.key == key) else {
            let keys: Vec<&str> = STATISTIC_KEYS.iter().map(|k| k.key).collect();
            return Err(DomainError::invalid(
                "key",
                format!(
                    "'{key}' is not a table-1 statistic; expected one of {}",
                    keys.join(", ")
                ),
            ));
        };
        let money = entry.money;
        if !value.is_finite() {
            return Err(DomainError::invalid("value", "must be a number"));
        }
        if !money && value.fract() != 0.0 {
            return Err(DomainError::invalid(
                "value",
                format!("{key} is a count: a whole number"),
            ));
        }
        let bound = if money { MAX_MONEY_WAN } else { MAX_COUNT };
        if value.abs() > bound {
            return Err(DomainError::invalid(
                "value",
                format!("{key} must be at most {bound} in magnitude"),
            ));
        }
        if value < 0.0 && !key.ends_with(".change") {
            return Err(DomainError::invalid(
                "value",
                format!("{key} cannot be negative"),
            ));
        }
        Ok(())
    }
}

/// Counts of 规章 and 规范性文件 from the publications register (第二十条第（一）项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DocumentCounts {
    /// Made (issued) in the year — 本年新制作 / 本年制发.
    pub issued: i64,
    /// Published in the year — 本年新公开.
    pub published: i64,
    /// Published by the year's end and not repealed — 对外公开总数量.
    pub total_published: i64,
    /// Repealed in the year — 本年废止.
    pub repealed: i64,
    /// Issued by the year's end and not repealed by then — 现行有效.
    pub in_force: i64,
}

/// Table 1 from the registers. A statistic nobody entered is left blank (`null`), so the report
/// shows it as missing rather than as a made-up zero.
pub fn proactive(
    format: ReportFormat,
    rules: DocumentCounts,
    normative: DocumentCounts,
    stats: &BTreeMap<String, f64>,
) -> Proactive {
    let count = |k: &str| stats.get(k).map(|v| *v as i64);
    let money = |k: &str| stats.get(k).map(|v| WanYuan(*v));
    let items = |p: &str| Items2019 {
        items_last_year: count(&format!("{p}.items_last_year")),
        change: count(&format!("{p}.change")),
        decisions: count(&format!("{p}.decisions")),
    };
    match format {
        ReportFormat::F2019 => {
            let docs = |d: DocumentCounts| Documents2019 {
                new_made: Some(d.issued),
                new_published: Some(d.published),
                total_published: Some(d.total_published),
            };
            Proactive::F2019(Proactive2019 {
                rules: docs(rules),
                normative_documents: docs(normative),
                licensing: items("licensing"),
                other_services: items("other_services"),
                penalty: items("penalty"),
                coercion: items("coercion"),
                fees: Fees2019 {
                    items_last_year: count("fees.items_last_year"),
                    change: count("fees.change"),
                },
                procurement: Procurement {
                    projects: count("procurement.projects"),
                    amount_wan_yuan: money("procurement.amount_wan_yuan"),
                },
            })
        }
        ReportFormat::F2021 => {
            let docs = |d: DocumentCounts| Documents2021 {
                issued: Some(d.issued),
                repealed: Some(d.repealed),
                in_force: Some(d.in_force),
            };
            Proactive::F2021(Proactive2021 {
                rules: docs(rules),
                normative_documents: docs(normative),
                licensing: Decisions {
                    decisions: count("licensing.decisions"),
                },
                penalty: Decisions {
                    decisions: count("penalty.decisions"),
                },
                coercion: Decisions {
                    decisions: count("coercion.decisions"),
                },
                fees: Fees2021 {
                    amount_wan_yuan: money(FEES_AMOUNT_KEY),
                },
            })
        }
    }
}

/// Requests of one applicant kind that fall in the same cells of table 2, with their number —
/// what the store's aggregate query returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestGroup {
    pub kind: ApplicantKind,
    /// Received in the year (一、本年新收); otherwise carried over (二、上年结转).
    pub received_in_year: bool,
    /// Concluded in the year with this outcome (三); `None` = carried forward (四).
    pub concluded_in_year: Option<Outcome>,
    pub count: i64,
}

/// Table 2 from grouped counts (the same placement as [`super::RequestFact::placement`]).
pub fn tally_groups(
    format: ReportFormat,
    groups: impl IntoIterator<Item = RequestGroup>,
) -> Requests {
    fn add(row: &mut Row, col: usize, n: i64) {
        for c in [col, 6] {
            row[c] = Some(row[c].unwrap_or(0) + n);
        }
    }
    let mut t = Requests::zeros(format);
    for g in groups {
        let col = g.kind.column();
        add(
            if g.received_in_year {
                &mut t.new
            } else {
                &mut t.carried_over
            },
            col,
            g.count,
        );
        match g.concluded_in_year {
            Some(outcome) => {
                add(t.outcome_row_mut(outcome, format), col, g.count);
                add(&mut t.total, col, g.count);
            }
            None => add(&mut t.carried_forward, col, g.count),
        }
    }
    t
}

/// A report assembled from its parts, in the format of its year.
pub fn compose(
    agency: &str,
    year: i32,
    proactive: Proactive,
    requests: Requests,
    review: Review,
    sections: Option<Sections>,
) -> Result<Report, DomainError> {
    let format = ReportFormat::for_year(year)?;
    if proactive.format() != format {
        return Err(DomainError::invalid(
            "proactive",
            format!("table 1 must be in format {}", format.code()),
        ));
    }
    Ok(Report {
        agency: agency.to_string(),
        year,
        format,
        proactive,
        requests,
        review,
        findings: None,
        sections,
    })
}

/// Starter texts for sections 一, 五 and 六, written from the figures; staff edit them.
pub fn starter_sections(report: &Report) -> Sections {
    let t = &report.requests;
    let n = |c: Option<i64>| c.unwrap_or(0);
    let received = n(t.new[6]);
    let carried = n(t.carried_over[6]);
    let done = n(t.total[6]);
    let forward = n(t.carried_forward[6]);
    let disclosed = n(t.disclosed[6]);
    let r = &report.review;
    let reconsideration = n(r.reconsideration.total);
    let litigation = n(r.litigation_direct.total) + n(r.litigation_after_reconsideration.total);
    let mut overview = format!(
        "{}年，{}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，扎实做好政府信息公开工作。\n\n",
        report.year, report.agency
    );
    overview.push_str("（一）主动公开\n\n按照条例第二十条、第二十一条的规定，及时主动公开政府信息，具体情况见本报告第二部分。\n\n");
    let applications = if received == 0 && carried == 0 {
        "全年未收到政府信息公开申请。".to_string()
    } else {
        let mut s = format!("全年共受理政府信息公开申请{received}件");
        if carried > 0 {
            s.push_str(&format!("，上年结转{carried}件"));
        }
        s.push_str(&format!("，办结{done}件，其中予以公开{disclosed}件"));
        if forward > 0 {
            s.push_str(&format!("，结转下年度继续办理{forward}件"));
        }
        s.push('。');
        s
    };
    overview.push_str(&format!("（二）依申请公开\n\n{applications}\n\n"));
    overview.push_str("（三）政府信息管理\n\n严格落实公开前审查机制，做好政府信息的动态调整。\n\n");
    overview.push_str(
        "（四）政府信息公开平台建设\n\n依托门户网站政府信息公开专栏集中发布政府信息。\n\n",
    );
    let review = if reconsideration + litigation == 0 {
        "全年未发生因政府信息公开引起的行政复议、行政诉讼。".to_string()
    } else {
        format!("全年因政府信息公开引起行政复议{reconsideration}件、行政诉讼{litigation}件。")
    };
    overview.push_str(&format!("（五）监督保障\n\n{review}"));
    Sections {
        overview,
        // Left for staff to write: the placeholder S2 warns about and publishing refuses.
        problems: format!("存在的主要问题：{TO_BE_WRITTEN}。改进情况：{TO_BE_WRITTEN}。"),
        other: "无。".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_are_validated() {
        assert!(StatisticKey::check("penalty.change", -4.0).is_ok());
        assert!(StatisticKey::check("penalty.decisions", -1.0).is_err());
        assert!(StatisticKey::check("penalty.decisions", 1.5).is_err());
        assert!(StatisticKey::check("procurement.amount_wan_yuan", 1858.5).is_ok());
        assert!(StatisticKey::check("fees.amount_wan_yuan", 12.3).is_ok());
        assert!(
            StatisticKey::check("weather", 1.0)
                .unwrap_err()
                .to_string()
                .contains("licensing.decisions")
        );
    }

    #[test]
    fn missing_statistics_stay_blank() {
        let p = proactive(
            ReportFormat::F2021,
            DocumentCounts::default(),
            DocumentCounts::default(),
            &BTreeMap::new(),
        );
        let Proactive::F2021(p) = p else {
            panic!("format 2021")
        };
        assert_eq!(p.licensing.decisions, None);
        assert_eq!(p.rules.in_force, Some(0));
    }

    #[test]
    fn starter_text_states_the_figures() {
        let mut r = Report::zeros("阜新市自然资源局", 2020).unwrap();
        r.requests.new[6] = Some(15);
        r.requests.total[6] = Some(15);
        r.requests.disclosed[6] = Some(15);
        let s = starter_sections(&r);
        assert!(
            s.overview.contains("全年共受理政府信息公开申请15件"),
            "{}",
            s.overview
        );
        assert!(!s.other.is_empty() && !s.problems.is_empty());
        let gaps = super::super::placeholder::section_placeholders(&s);
        assert_eq!(gaps.len(), 1, "only section 五 is left to write: {gaps:?}");
        assert_eq!(gaps[0].field, "sections.problems");
    }
}
