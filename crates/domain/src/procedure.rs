//! 依申请公开办理流程 — the steps of a request as the 公开指南's flow chart shows them: receipt
//! (Art. 31) → 补正 (Art. 30) → consultation (Art. 32, 34) → extension (Art. 33) → answer
//! (Art. 33, 36). Every day limit comes from the constants the deadline engine counts with
//! ([`crate::deadline::Regime`], [`crate::request::CORRECTION_NOTICE_DAYS`],
//! [`crate::request::CONSULTATION_REPLY_DAYS`]), so the chart cannot disagree with the clock.

use serde::Serialize;

use crate::deadline::Regime;
use crate::request::{CONSULTATION_REPLY_DAYS, CORRECTION_NOTICE_DAYS};

/// 行政复议 — days from learning of the act within which a reconsideration may be applied for
/// (《中华人民共和国行政复议法》; the remedy clause of every answer letter).
pub const RECONSIDERATION_DAYS: u32 = 60;

/// 行政诉讼 — months from learning of the act within which a suit may be brought directly
/// (《中华人民共和国行政诉讼法》第四十六条).
pub const LITIGATION_MONTHS: u32 = 6;

/// Which step of the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// 收到申请 — the receipt date (Art. 31).
    Receipt,
    /// 补正 — request for correction (Art. 30).
    Correction,
    /// 征求意见 — consulting a third party or a co-maker agency (Art. 32, 34).
    Consultation,
    /// 延期答复 — the one extension (Art. 33).
    Extension,
    /// 答复 — the answer (Art. 33, 36).
    Answer,
}

/// How a step's day limit relates to the answer period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// Within so many working days of receipt.
    Within,
    /// The time is not counted in the answer period.
    NotCounted,
    /// Adds at most so many working days.
    AtMost,
}

/// 办理步骤 — one step of the flow chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub kind: StepKind,
    /// Only some requests pass this step (补正, consultation, extension).
    pub optional: bool,
    pub title: &'static str,
    /// The article(s), as the guide cites them.
    pub article: &'static str,
    /// Working days, if the step has a limit.
    pub days: Option<u32>,
    pub limit_kind: Option<LimitKind>,
    /// What happens, in one or two sentences.
    pub text: String,
}

impl Step {
    /// The limit as the chart labels it, e.g. `7个工作日内`.
    pub fn limit_label(&self) -> Option<String> {
        let days = self.days?;
        Some(match self.limit_kind? {
            LimitKind::Within => format!("{days}个工作日内"),
            LimitKind::NotCounted => format!("{days}个工作日（不计入答复期限）"),
            LimitKind::AtMost => format!("最长延长{days}个工作日"),
        })
    }
}

/// The procedure of a request received under `regime` (the 2019 regulation for every request
/// received since 2019-05-15).
pub fn request_procedure(regime: Regime) -> Vec<Step> {
    let answer = regime.answer_days();
    let extension = regime.max_extension_days();
    vec![
        Step {
            kind: StepKind::Receipt,
            optional: false,
            title: "收到申请",
            article: "第三十一条",
            days: None,
            limit_kind: None,
            text: "当面提交的，以提交之日为收到申请之日；邮寄需签收的，以签收之日为准；通过互联网渠道或者传真提交的，以双方确认之日为准。".to_string(),
        },
        Step {
            kind: StepKind::Correction,
            optional: true,
            title: "补正",
            article: "第三十条",
            days: Some(CORRECTION_NOTICE_DAYS),
            limit_kind: Some(LimitKind::Within),
            text: format!(
                "申请内容不明确的，自收到申请之日起{CORRECTION_NOTICE_DAYS}个工作日内一次性告知申请人补正；答复期限自收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请。"
            ),
        },
        Step {
            kind: StepKind::Consultation,
            optional: true,
            title: "征求意见",
            article: "第三十二条、第三十四条",
            days: Some(CONSULTATION_REPLY_DAYS),
            limit_kind: Some(LimitKind::NotCounted),
            text: format!(
                "公开可能损害第三方合法权益的，书面征求第三方意见，第三方自收到征求意见书之日起{CONSULTATION_REPLY_DAYS}个工作日内提出意见；征求第三方和其他机关意见所需时间不计算在答复期限内。"
            ),
        },
        Step {
            kind: StepKind::Extension,
            optional: true,
            title: "延期答复",
            article: "第三十三条",
            days: Some(extension),
            limit_kind: Some(LimitKind::AtMost),
            text: format!(
                "需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过{extension}个工作日。"
            ),
        },
        Step {
            kind: StepKind::Answer,
            optional: false,
            title: "作出答复",
            article: "第三十三条、第三十六条",
            days: Some(answer),
            limit_kind: Some(LimitKind::Within),
            text: format!(
                "能够当场答复的当场答复；不能当场答复的，自收到申请之日起{answer}个工作日内予以答复，并按第三十六条告知公开、不予公开、信息不存在等结果及理由。"
            ),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_are_in_order_with_the_clocks_limits() {
        let steps = request_procedure(Regime::Regulation2019);
        let kinds: Vec<_> = steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                StepKind::Receipt,
                StepKind::Correction,
                StepKind::Consultation,
                StepKind::Extension,
                StepKind::Answer
            ]
        );
        assert_eq!(steps[1].days, Some(CORRECTION_NOTICE_DAYS));
        assert_eq!(steps[2].days, Some(CONSULTATION_REPLY_DAYS));
        assert_eq!(
            steps[3].days,
            Some(Regime::Regulation2019.max_extension_days())
        );
        assert_eq!(steps[4].days, Some(Regime::Regulation2019.answer_days()));
        assert_eq!(steps[4].limit_label().as_deref(), Some("20个工作日内"));
        assert_eq!(steps[1].limit_label().as_deref(), Some("7个工作日内"));
        assert!(steps[2].limit_label().unwrap().contains("不计入"));
        assert_eq!(steps[0].limit_label(), None);
        assert!(steps[4].text.contains("20个工作日"));
        // The 2007 regime's chart follows its own constants.
        let old = request_procedure(Regime::Regulation2007);
        assert_eq!(old[4].days, Some(15));
    }
}
