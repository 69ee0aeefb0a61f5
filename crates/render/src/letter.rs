//! 告知书 — a letter of the procedure (补正告知书, 延期答复告知书, 征求意见书, 收费通知书, the
//! answer) as PDF (typst, the embedded CJK font, every text a string literal) and DOCX
//! (docx-rs, 宋体). What it says is filled in by the application from the agency's template;
//! this module only typesets it: title, number, the paragraphs, the agency and the date.

use std::fmt::Write;

use docx_rs::{AlignmentType, LineSpacing, Paragraph};

use crate::RenderError;
use crate::docx::{BODY_SIZE, SONG, TITLE_SIZE, body_paragraph, pack, page, run};
use crate::pdf::{FONT_FAMILY, compile, lit};

/// A letter as typeset; dates as the letter states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The agency that sends it (the signature).
    pub agency: String,
    pub title: String,
    /// 文号 (`阜自然资依复〔2025〕7号`).
    pub number: String,
    /// The body, one paragraph per entry; the first is the salutation (`张三：`).
    pub paragraphs: Vec<String>,
    /// The day it is issued (`2025年6月9日`).
    pub date: String,
}

fn typst_source(l: &Letter) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "#set document(title: {}, author: {})",
        lit(&l.title),
        lit(&l.agency)
    );
    s.push_str("#set page(paper: \"a4\", margin: (x: 2.6cm, y: 2.5cm))\n");
    let _ = writeln!(
        s,
        "#set text(font: {}, size: 14pt, lang: \"zh\", region: \"cn\", cjk-latin-spacing: none)",
        lit(FONT_FAMILY)
    );
    s.push_str("#set par(justify: true, leading: 1em, spacing: 1em)\n");
    let _ = writeln!(
        s,
        "#align(center, block(below: 0.8em, text(size: 20pt, stroke: 0.4pt, {})))",
        lit(&l.title)
    );
    let _ = writeln!(s, "#align(center, block(below: 1.5em, {}))", lit(&l.number));
    for (i, p) in l.paragraphs.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(s, "#par({})", lit(p));
        } else {
            let _ = writeln!(
                s,
                "#par(first-line-indent: (amount: 2em, all: true), {})",
                lit(p)
            );
        }
    }
    let _ = writeln!(
        s,
        "#v(2em)\n#align(right, [#{} \\ #{}])",
        lit(&l.agency),
        lit(&l.date)
    );
    s
}

/// The letter as PDF.
pub fn letter_pdf(l: &Letter) -> Result<Vec<u8>, RenderError> {
    compile(typst_source(l))
}

/// The letter as DOCX.
pub fn letter_docx(l: &Letter) -> Result<Vec<u8>, RenderError> {
    let centred = |text: &str, size: usize| {
        Paragraph::new()
            .add_run(run(text, SONG, size))
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(240))
    };
    let mut d = page()
        .add_paragraph(centred(&l.title, TITLE_SIZE))
        .add_paragraph(centred(&l.number, BODY_SIZE));
    for (i, p) in l.paragraphs.iter().enumerate() {
        d = d.add_paragraph(if i == 0 {
            Paragraph::new().add_run(run(p, SONG, BODY_SIZE))
        } else {
            body_paragraph(p)
        });
    }
    for line in [&l.agency, &l.date] {
        d = d.add_paragraph(
            Paragraph::new()
                .add_run(run(line, SONG, BODY_SIZE))
                .align(AlignmentType::Right),
        );
    }
    pack(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Letter {
        Letter {
            agency: "某局\"#panic()".into(),
            title: "政府信息公开申请补正告知书".into(),
            number: "阜〔2025〕1号".into(),
            paragraphs: vec!["张三：".into(), "#import \"/etc/passwd\" ]) $x$".into()],
            date: "2025年6月9日".into(),
        }
    }

    #[test]
    fn user_text_stays_text_in_both_formats() {
        let pdf = letter_pdf(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let docx = letter_docx(&sample()).unwrap();
        assert!(docx.starts_with(b"PK"));
    }
}
