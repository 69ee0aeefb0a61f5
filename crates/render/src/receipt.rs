//! 回执 — the dated receipt of a disclosure request: the agency, the request's number, the
//! receipt date (Art. 31), the answer deadline (Art. 33), the SHA-256 digest of the request's
//! canonical content and its description. Applicants keep it as dated proof (for most
//! disclosure disputes reconsideration comes before litigation). Typeset with typst like the
//! report, every text a typst string literal.

use std::fmt::Write;

use crate::RenderError;
use crate::pdf::{FONT_FAMILY, MONO_FAMILY, compile, lit};

/// What the receipt states; dates as `YYYY-MM-DD`.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub agency: String,
    pub number: String,
    /// The Art. 31 receipt date.
    pub received_on: String,
    /// The day the receipt is issued.
    pub issued_on: String,
    /// The answer deadline, or why it is not fixed yet.
    pub due: String,
    /// SHA-256 (hex) of the request's canonical content.
    pub digest: String,
    /// 申请人 as recorded (name and kind; no identifier).
    pub applicant: String,
    pub description: String,
    /// Further facts of the request as (label, value): 文号, 索引号, title, medium, delivery.
    pub details: Vec<(String, String)>,
}

/// The receipt as typst markup.
pub(crate) fn typst_source(r: &Receipt) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "#set document(title: {}, author: {})",
        lit("政府信息公开申请回执"),
        lit(&r.agency)
    );
    s.push_str("#set page(paper: \"a4\", margin: (x: 2.5cm, y: 2.5cm))\n");
    let _ = writeln!(
        s,
        "#set text(font: {}, size: 12pt, lang: \"zh\", region: \"cn\", cjk-latin-spacing: none)",
        lit(FONT_FAMILY)
    );
    s.push_str("#set par(leading: 0.9em, spacing: 1.1em)\n");
    let _ = writeln!(
        s,
        "#align(center, block(below: 1.5em, text(size: 20pt, stroke: 0.4pt, {})))",
        lit("政府信息公开申请回执")
    );
    let _ = writeln!(
        s,
        "#par({})",
        lit(&format!(
            "{}已收到您提交的政府信息公开申请，现予登记。",
            r.agency
        ))
    );
    s.push_str("#table(columns: (7em, 1fr), stroke: 0.5pt, inset: 6pt,\n");
    for (label, value) in [
        ("受理机关", r.agency.as_str()),
        ("申请编号", r.number.as_str()),
        ("申请人", r.applicant.as_str()),
        ("收到申请日期", r.received_on.as_str()),
        ("答复期限", r.due.as_str()),
        ("回执出具日期", r.issued_on.as_str()),
    ] {
        let _ = writeln!(s, "  {}, {},", lit(label), lit(value));
    }
    let _ = writeln!(s, "  {}, {},", lit("所需信息"), lit(&r.description));
    for (label, value) in &r.details {
        let _ = writeln!(s, "  {}, {},", lit(label), lit(value));
    }
    s.push_str(")\n");
    let _ = writeln!(
        s,
        "#par({})",
        lit("申请内容摘要（SHA-256，依申请编号、收到日期、申请人、所需信息及获取方式计算）：")
    );
    let _ = writeln!(
        s,
        "#text(font: {}, size: 9pt, {})",
        lit(MONO_FAMILY),
        lit(&r.digest)
    );
    let _ = writeln!(
        s,
        "#par({})",
        lit(
            "收到申请之日依《中华人民共和国政府信息公开条例》第三十一条确定；行政机关应当在收到申请之日起20个工作日内予以答复，需要延长答复期限的，延长的期限最长不超过20个工作日（第三十三条）。征求第三方和其他机关意见所需时间不计算在内。请妥善保存本回执和查询码。"
        )
    );
    s
}

/// Renders the receipt as PDF.
pub fn receipt(r: &Receipt) -> Result<Vec<u8>, RenderError> {
    compile(typst_source(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_stays_text() {
        let r = Receipt {
            agency: "某局\"#panic()".into(),
            number: "abc-2025-00001".into(),
            received_on: "2025-06-09".into(),
            issued_on: "2025-06-09".into(),
            due: "2025-07-07".into(),
            digest: "0".repeat(64),
            applicant: "李四（自然人）".into(),
            description: "#import \"/etc/passwd\" ]) $x$".into(),
            details: vec![("文号".into(), "\\ ) #x".into())],
        };
        assert!(receipt(&r).is_ok());
    }
}
