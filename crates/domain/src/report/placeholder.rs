//! 待填写 — placeholder text left in a report's narrative sections.
//!
//! The one definition of a placeholder, used by the warning rule S2 (`rules::check`, so the
//! auditor and `gongkai report` show it) and by the publish gate of the store: a report is the
//! agency's public statement under Art. 50 of the regulation, and a section that still says
//! "（待填写）" states nothing. Forms recognised: the gap the starter texts of `compose.rs` leave
//! ([`TO_BE_WRITTEN`]), 待填写 / 待补充 / 请填写 / 此处填写, runs of XX / ＸＸ / ×× / xxx, TODO /
//! TBD / FIXME, and 【…】 prompts (empty, or asking for something to be filled in). Whitespace is
//! ignored, so a placeholder broken over two lines of a PDF is still found.

use super::{SECTION_HEADINGS, Sections};

/// What the starter sections of `compose.rs` leave for staff to write.
pub const TO_BE_WRITTEN: &str = "（待填写）";

/// Words that are placeholders wherever they stand.
const LITERALS: [&str; 6] = [
    "待填写",
    "待填报",
    "请填写",
    "此处填写",
    "在此填写",
    "待补充",
];
/// Marks of an editor's note (ASCII, as whole words).
const NOTES: [&str; 3] = ["TODO", "TBD", "FIXME"];
/// Inside 【…】, these make the brackets a prompt rather than a title.
const PROMPT_WORDS: [&str; 8] = ["填", "请", "补充", "输入", "待", "名称", "XX", "××"];

/// One placeholder: what it is and the words around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The placeholder as written (whitespace removed).
    pub text: String,
    /// The placeholder with a few characters either side.
    pub quote: String,
}

/// The placeholders of one narrative section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionPlaceholders {
    /// JSON path of the section (`sections.problems`).
    pub field: &'static str,
    /// Its heading (`五、存在的主要问题及改进情况`).
    pub heading: &'static str,
    pub found: Vec<Placeholder>,
}

impl SectionPlaceholders {
    /// The quotes, for a message: `“…”, “…”`.
    pub fn quotes(&self) -> String {
        self.found
            .iter()
            .take(3)
            .map(|p| format!("“{}”", p.quote))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every section holding placeholder text, in the order of the report.
pub fn section_placeholders(sections: &Sections) -> Vec<SectionPlaceholders> {
    [
        ("sections.overview", SECTION_HEADINGS[0], &sections.overview),
        ("sections.problems", SECTION_HEADINGS[4], &sections.problems),
        ("sections.other", SECTION_HEADINGS[5], &sections.other),
    ]
    .into_iter()
    .filter_map(|(field, heading, text)| {
        let found = find_placeholders(text);
        (!found.is_empty()).then_some(SectionPlaceholders {
            field,
            heading,
            found,
        })
    })
    .collect()
}

/// The placeholders in `text`, in order, none overlapping.
pub fn find_placeholders(text: &str) -> Vec<Placeholder> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match placeholder_at(&chars, i) {
            Some((start, end)) => {
                let from = start.saturating_sub(8);
                let to = (end + 8).min(chars.len());
                out.push(Placeholder {
                    text: chars[start..end].iter().collect(),
                    quote: chars[from..to].iter().collect(),
                });
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

fn starts_with(chars: &[char], i: usize, word: &str) -> bool {
    (i..)
        .zip(word.chars())
        .all(|(k, w)| chars.get(k) == Some(&w))
}

fn is_ascii_word(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// The placeholder starting at `i`, as `(start, end)` (a bracket around a literal included).
fn placeholder_at(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let c = chars[i];
    // 【…】: empty or a prompt.
    if c == '【' {
        let close = chars[i + 1..]
            .iter()
            .take(40)
            .position(|&c| c == '】')
            .map(|p| i + 1 + p)?;
        let inner: String = chars[i + 1..close].iter().collect();
        if inner.is_empty() || PROMPT_WORDS.iter().any(|w| inner.contains(w)) {
            return Some((i, close + 1));
        }
        return None;
    }
    // （待填写） and the other literals, with their brackets when bracketed.
    for word in LITERALS {
        if starts_with(chars, i, word) {
            // 有待补充 is ordinary prose ("something remains to be added").
            if word == "待补充" && i > 0 && chars[i - 1] == '有' {
                continue;
            }
            let end = i + word.chars().count();
            let bracketed = i > 0
                && matches!(chars[i - 1], '（' | '(' | '[' | '［')
                && matches!(chars.get(end), Some('）' | ')' | ']' | '］'));
            return Some(if bracketed {
                (i - 1, end + 1)
            } else {
                (i, end)
            });
        }
    }
    for note in NOTES {
        let end = i + note.len();
        if starts_with(chars, i, note)
            && !is_ascii_word(i.checked_sub(1).and_then(|p| chars.get(p)))
            && !is_ascii_word(chars.get(end))
        {
            return Some((i, end));
        }
    }
    // XX, ＸＸ, ×× (two or more), xxx (three or more), not part of a longer ASCII word.
    let min = match c {
        'X' | 'Ｘ' | '×' => 2,
        'x' => 3,
        _ => return None,
    };
    if c.is_ascii() && is_ascii_word(i.checked_sub(1).and_then(|p| chars.get(p))) {
        return None;
    }
    let run = chars[i..].iter().take_while(|&&x| x == c).count();
    let end = i + run;
    if run >= min && !(c.is_ascii() && is_ascii_word(chars.get(end))) {
        return Some((i, end));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        find_placeholders(s).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn the_starter_gap_and_common_forms_are_found() {
        assert_eq!(
            texts("存在的主要问题：（待填写）。改进情况：（待填写）。"),
            [TO_BE_WRITTEN, TO_BE_WRITTEN]
        );
        assert_eq!(
            texts("（待\n填写）"),
            [TO_BE_WRITTEN],
            "broken over two lines"
        );
        assert_eq!(texts("全年办理XX件"), ["XX"]);
        assert_eq!(texts("×××局"), ["×××"]);
        assert_eq!(texts("ＸＸ市"), ["ＸＸ"]);
        assert_eq!(texts("网址www.xxx.gov.cn"), ["xxx"]);
        assert_eq!(texts("TODO: 补写"), ["TODO"]);
        assert_eq!(texts("【请填写改进措施】"), ["【请填写改进措施】"]);
        assert_eq!(texts("【】"), ["【】"]);
        assert_eq!(texts("内容待补充"), ["待补充"]);
        let p = &find_placeholders("存在的主要问题：（待填写）。改进情况")[0];
        assert_eq!(p.quote, "存在的主要问题：（待填写）。改进情况");
    }

    #[test]
    fn ordinary_prose_is_not_a_placeholder() {
        for s in [
            "公开专栏规范化建设有待加强，制度有待完善，内容有待补充。",
            "二〇〇八年五月一日起施行，依据XXL标准",
            "《关于做好政策解读工作的通知》（岚综管办便函〔2021〕39号）",
            "【政策解读】栏目发布解读材料12篇",
            "TODOS, Mexico; 2×3 matrix; a TBDX code",
            "无。",
        ] {
            assert!(find_placeholders(s).is_empty(), "{s}: {:?}", texts(s));
        }
    }

    #[test]
    fn sections_are_named_with_their_headings() {
        let s = Sections {
            overview: "2025年，本机关……".into(),
            problems: "存在的主要问题：（待填写）。".into(),
            other: "无。".into(),
        };
        let found = section_placeholders(&s);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, "sections.problems");
        assert_eq!(found[0].heading, "五、存在的主要问题及改进情况");
        assert!(found[0].quotes().contains("（待填写）"));
    }
}
