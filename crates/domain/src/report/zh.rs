//! 审核意见 — the findings of [`check`](super::check) said in Chinese for the staff who write the
//! report: each cell a finding names (`requests.disclosed[0]`, `review.reconsideration.total`,
//! `proactive.licensing.decisions`, `sections.problems`) by its table, row and column as the
//! national format heads them, and each rule by what it asks.

use serde_json::Value;

use super::rules::{Finding, SECTION_HEADINGS, Severity};
use super::{COLUMNS, ReportFormat, Requests};

/// The Chinese name of a place in a report: a cell (`表三（三）… · 自然人`), a table, a section,
/// or the path itself when it is none of these.
pub fn cell_name_zh(location: &str, format: ReportFormat) -> String {
    if let Some(name) = table2_cell(location, format) {
        return name;
    }
    if let Some(name) = table3_cell(location) {
        return name;
    }
    if let Some(name) = table1_cell(location, format) {
        return name;
    }
    match location {
        "proactive" => "表一 主动公开政府信息情况".to_string(),
        "requests" => "表二 收到和处理政府信息公开申请情况".to_string(),
        "review" => "表三 政府信息公开行政复议、行政诉讼情况".to_string(),
        "requests.other" => "表二 （六）其他处理".to_string(),
        "sections.overview" => SECTION_HEADINGS[0].to_string(),
        "sections.problems" => SECTION_HEADINGS[4].to_string(),
        "sections.other" => SECTION_HEADINGS[5].to_string(),
        "format" => "报告格式".to_string(),
        "year" => "报告年度".to_string(),
        "published_on" => "发布日期".to_string(),
        other => other
            .strip_prefix("sections[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| SECTION_HEADINGS.get(n.wrapping_sub(1)))
            .map(|h| h.to_string())
            .unwrap_or_else(|| other.to_string()),
    }
}

/// `requests.<row>[c]` → `表二 <row heading> · <column>`.
fn table2_cell(location: &str, format: ReportFormat) -> Option<String> {
    let (row, rest) = location.split_once('[')?;
    let column: usize = rest.strip_suffix(']')?.parse().ok()?;
    let column = COLUMNS.get(column)?;
    let requests = Requests::zeros(format);
    let heading = requests
        .all_rows()
        .into_iter()
        .find(|r| r.path == row)?
        .heading;
    Some(format!("表二 {heading} · {column}"))
}

/// `review.<block>.<cell>` → `表三 行政复议 · 结果纠正`.
fn table3_cell(location: &str) -> Option<String> {
    let rest = location.strip_prefix("review.")?;
    let (block, cell) = rest.rsplit_once('.')?;
    let block = match block {
        "reconsideration" => "行政复议",
        "litigation_direct" => "行政诉讼 未经复议直接起诉",
        "litigation_after_reconsideration" => "行政诉讼 复议后起诉",
        _ => return None,
    };
    let cell = match cell {
        "upheld" => "结果维持",
        "corrected" => "结果纠正",
        "other" => "其他结果",
        "pending" => "尚未审结",
        "total" => "总计",
        _ => return None,
    };
    Some(format!("表三 {block} · {cell}"))
}

/// `proactive.<item>.<figure>` → `表一 行政许可 · 处理决定数量`.
fn table1_cell(location: &str, format: ReportFormat) -> Option<String> {
    let rest = location.strip_prefix("proactive.")?;
    let (item, figure) = rest.split_once('.')?;
    let item = match item {
        "rules" => "规章",
        "normative_documents" if format == ReportFormat::F2021 => "行政规范性文件",
        "normative_documents" => "规范性文件",
        "licensing" => "行政许可",
        "other_services" => "其他对外管理服务事项",
        "penalty" => "行政处罚",
        "coercion" => "行政强制",
        "fees" => "行政事业性收费",
        "procurement" => "政府集中采购",
        _ => return None,
    };
    let figure = match figure {
        "new_made" => "本年新制作数量",
        "new_published" => "本年新公开数量",
        "total_published" => "对外公开总数量",
        "issued" => "本年制发件数",
        "repealed" => "本年废止件数",
        "in_force" => "现行有效件数",
        "items_last_year" => "上一年项目数量",
        "change" => "本年增/减",
        "decisions" if format == ReportFormat::F2021 => "本年处理决定数量",
        "decisions" => "处理决定数量",
        "projects" => "采购项目数量",
        "amount_wan_yuan" if item == "政府集中采购" => "采购总金额（万元）",
        "amount_wan_yuan" => "本年收费金额（万元）",
        _ => return None,
    };
    Some(format!("表一 {item} · {figure}"))
}

fn shown(v: &Option<Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

impl Finding {
    /// 错误 (blocks publishing) or 提示.
    pub fn severity_zh(&self) -> &'static str {
        match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "提示",
        }
    }

    /// What the rule asks and what the report has, in Chinese (the cell is named apart, by
    /// [`cell_name_zh`]).
    pub fn explain_zh(&self) -> String {
        let rule = match self.rule.as_str() {
            "R1" => {
                "表二各列应满足：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理"
            }
            "R2" => "表二（七）总计应等于各项办理结果之和",
            "R3" => "表二每行的总计应等于六类申请人之和",
            "R4" => "表三每栏的总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
            "R5" => "数量和金额不能为负数（本年增/减除外）",
            "B1" => "表中有空白单元格：没有发生的事项应填 0",
            "X1" => "本年“上年结转”应等于上一年度报告的“结转下年度继续办理”",
            "X2" => "表一数字应与上一年度报告衔接",
            "F1" => "报告未按该年度适用的全国统一格式编制",
            "S1" => "该部分不能为空",
            "S2" => "该部分仍有待填写的占位文字，须写完后才能发布",
            "T1" => "正文所述数字与表中数字不一致",
            "D1" => "发布日期晚于《条例》第四十九条规定的期限",
            _ => "不符合年度报告的审核规则",
        };
        let mut text = rule.to_string();
        if self.rule == "S2" {
            if let Some(found) = shown(&self.found) {
                text.push_str(&format!("（“{found}”）"));
            }
        } else if self.rule == "B1" {
            if let Some(n) = shown(&self.found) {
                text.push_str(&format!("（共 {n} 处）"));
            }
        } else if let (Some(expected), Some(found)) = (shown(&self.expected), shown(&self.found)) {
            text.push_str(&format!("；按表内勾稽关系应为 {expected}，现为 {found}"));
        }
        text.push('。');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CheckContext, Report, Sections, check};

    #[test]
    fn cells_are_named_as_the_format_heads_them() {
        let f = ReportFormat::F2021;
        assert_eq!(
            cell_name_zh("requests.disclosed[0]", f),
            "表二 （一）予以公开 · 自然人"
        );
        assert_eq!(
            cell_name_zh("requests.new[6]", f),
            "表二 一、本年新收政府信息公开申请数量 · 总计"
        );
        assert_eq!(
            cell_name_zh("review.reconsideration.corrected", f),
            "表三 行政复议 · 结果纠正"
        );
        assert_eq!(
            cell_name_zh("proactive.licensing.decisions", f),
            "表一 行政许可 · 本年处理决定数量"
        );
        assert_eq!(cell_name_zh("sections.problems", f), SECTION_HEADINGS[4]);
        assert_eq!(cell_name_zh("sections[2]", f), SECTION_HEADINGS[1]);
        assert_eq!(
            cell_name_zh("requests.nonsense[0]", f),
            "requests.nonsense[0]"
        );
        assert_eq!(cell_name_zh("requests.new[99]", f), "requests.new[99]");
    }

    #[test]
    fn findings_read_in_chinese() {
        let mut report = Report::zeros("某局", 2024).unwrap();
        report.requests.new[0] = Some(1);
        report.sections = Some(Sections {
            overview: "概述。".into(),
            problems: "（待填写）".into(),
            other: "无。".into(),
        });
        let findings = check(&report, &CheckContext::default());
        let r3 = findings.iter().find(|f| f.rule == "R3").expect("R3");
        assert_eq!(r3.severity_zh(), "错误");
        assert!(
            r3.explain_zh().contains("六类申请人之和"),
            "{}",
            r3.explain_zh()
        );
        let s2 = findings.iter().find(|f| f.rule == "S2").expect("S2");
        assert_eq!(s2.severity_zh(), "提示");
        assert!(s2.explain_zh().contains("待填写"), "{}", s2.explain_zh());
        assert_eq!(
            cell_name_zh(&s2.location, report.format),
            "五、存在的主要问题及改进情况"
        );
    }
}
