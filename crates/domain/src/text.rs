//! 文本 — the one rule for free text that enters the records.
//!
//! Every name, address, description, reason and title a person types is kept as evidence and
//! shown to others (staff, the applicant, the public in a report). [`clean`] makes it safe to keep
//! and to show, the same way for every caller:
//!
//! - Unicode NFC, so the same text is always stored as the same code points;
//! - no NUL or other control character (C0, DEL, C1 — which includes ESC, so no ANSI escape
//!   sequence); newline and tab only in multi-line fields ([`Lines::Multi`]);
//! - no invisible formatting character: zero-width spaces and joiners, bidi embeddings, overrides
//!   and isolates, the BOM, soft hyphens, tag characters — every character of category Cf — nor
//!   Hangul fillers or noncharacters;
//! - whitespace normalised: `\r\n` and a lone `\r` become `\n` (as do U+2028 / U+2029), the text
//!   is trimmed, and in single-line fields every run of whitespace becomes one space (a run of
//!   only ideographic spaces U+3000, usual in Chinese typesetting, becomes one U+3000);
//! - at most [`Limit::max_chars`] characters (counted after normalisation), per field.
//!
//! Errors name the field and the rule. Valid Chinese text passes unchanged.

use unicode_normalization::UnicodeNormalization;

use crate::DomainError;

/// Whether a field may hold several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A name, a title, a number: one line, whitespace runs collapsed.
    Single,
    /// A description or a reason: newlines and tabs allowed.
    Multi,
}

/// The bound of one kind of field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max_chars: usize,
    pub lines: Lines,
}

const fn single(max_chars: usize) -> Limit {
    Limit {
        max_chars,
        lines: Lines::Single,
    }
}

const fn multi(max_chars: usize) -> Limit {
    Limit {
        max_chars,
        lines: Lines::Multi,
    }
}

/// 姓名或者名称 of an applicant (Art. 29 (一)); also agency, department and token names.
pub const NAME: Limit = single(100);
/// 联系地址 / 通信地址.
pub const ADDRESS: Limit = single(200);
/// An e-mail address (RFC 5321: at most 254 characters).
pub const EMAIL: Limit = single(254);
/// 所需信息的名称、文号或者便于查询的其他特征性描述 (Art. 29 (二)).
pub const DESCRIPTION: Limit = multi(5_000);
/// What a 补正 notice asks to supplement (Art. 30), why an extension (Art. 33) or a void is made.
pub const REASON: Limit = multi(2_000);
/// Who is consulted (Art. 32, 34), who approved (Art. 33).
pub const PARTY: Limit = single(200);
/// A document number: 文号 of a publication, the number of an answer letter (××公复〔年〕×号).
pub const DOC_NUMBER: Limit = single(100);
/// The title of a 规章 or 规范性文件.
pub const TITLE: Limit = single(300);
/// A narrative section of the annual report (Art. 50 (一), (四), (五)).
pub const SECTION: Limit = multi(50_000);
/// Where a statistic comes from (e.g. 行政审批系统).
pub const SOURCE: Limit = single(200);

/// Normalises `text` by the rule of this module, or says which rule it breaks. Empty input gives
/// an empty string (the caller decides whether the field is required).
pub fn clean(field: &str, text: &str, limit: Limit) -> Result<String, DomainError> {
    // Refuse a hopelessly long input before normalising it (normalisation never grows a text of
    // valid characters by more than NFC's small factor, and whitespace collapse only shrinks it).
    let too_long = || {
        DomainError::invalid(
            field,
            format!("must be at most {} characters", limit.max_chars),
        )
        .zh(format!("不能超过{}个字符", limit.max_chars))
    };
    if text.len() > limit.max_chars.saturating_mul(16).saturating_add(1024) {
        return Err(too_long());
    }
    let multi = limit.lines == Lines::Multi;
    let mut out = String::with_capacity(text.len());
    // Whitespace waiting to be written: in single-line fields a run collapses to one character.
    let mut pending: Option<char> = None;
    let mut chars = text.nfc().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let position = i + 1;
        let c = match c {
            '\r' => {
                if chars.peek().is_some_and(|(_, n)| *n == '\n') {
                    continue;
                }
                '\n'
            }
            '\u{2028}' | '\u{2029}' => '\n',
            other => other,
        };
        if c == '\n' || c == '\t' {
            if !multi {
                return Err(DomainError::invalid(
                    field,
                    format!(
                        "must be one line: {} at character {position}",
                        if c == '\n' { "a line break" } else { "a tab" }
                    ),
                )
                .zh("请填写在一行内，不能包含换行或制表符"));
            }
            out.push(c);
            continue;
        }
        if c.is_control() {
            return Err(DomainError::invalid(
                field,
                format!(
                    "must not contain control characters (U+{:04X} at character {position})",
                    u32::from(c)
                ),
            )
            .zh(format!("第{position}个字符是控制字符，请删除")));
        }
        if is_invisible(c) {
            return Err(DomainError::invalid(
                field,
                format!(
                    "must not contain invisible formatting characters (U+{:04X} at character {position})",
                    u32::from(c)
                ),
            )
            .zh(format!("第{position}个字符是不可见的格式字符，请删除")));
        }
        if !multi && c.is_whitespace() {
            pending = Some(match pending {
                None | Some('\u{3000}') if c == '\u{3000}' => '\u{3000}',
                _ => ' ',
            });
            continue;
        }
        if let Some(ws) = pending.take()
            && !out.is_empty()
        {
            out.push(ws);
        }
        out.push(c);
    }
    let trimmed = out.trim();
    let trimmed = if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    };
    if trimmed.chars().count() > limit.max_chars {
        return Err(too_long());
    }
    Ok(trimmed)
}

/// [`clean`], and the field must not be empty; `required` says why it is needed.
pub fn clean_required(
    field: &str,
    text: &str,
    limit: Limit,
    required: &str,
) -> Result<String, DomainError> {
    let s = clean(field, text, limit)?;
    if s.is_empty() {
        return Err(DomainError::invalid(field, required));
    }
    Ok(s)
}

/// [`clean`] for an optional field: `None` or blank stays `None`.
pub fn clean_optional(
    field: &str,
    text: Option<&str>,
    limit: Limit,
) -> Result<Option<String>, DomainError> {
    match text {
        None => Ok(None),
        Some(t) => {
            let s = clean(field, t, limit)?;
            Ok((!s.is_empty()).then_some(s))
        }
    }
}

/// 所需信息的描述 — the one rule for a request's description (Art. 29 (二)): required, cleaned,
/// at most [`DESCRIPTION`] characters. The web layer and the store both call it.
pub fn description(text: &str) -> Result<String, DomainError> {
    clean_required(
        "description",
        text,
        DESCRIPTION,
        "is required: describe the information sought (Art. 29)",
    )
    .map_err(|e| {
        if s_is_required(&e) {
            e.zh("请填写所需政府信息的名称、文号或者便于查询的其他特征性描述")
        } else {
            e
        }
    })
}

fn s_is_required(e: &DomainError) -> bool {
    e.reason().starts_with("is required")
}

impl crate::report::Sections {
    /// The narrative sections of a report cleaned by the rule of this module ([`SECTION`]).
    pub fn cleaned(&self) -> Result<Self, DomainError> {
        Ok(crate::report::Sections {
            overview: clean("overview", &self.overview, SECTION)?,
            problems: clean("problems", &self.problems, SECTION)?,
            other: clean("other", &self.other, SECTION)?,
        })
    }
}

/// Characters that change or hide how text looks without being seen: Unicode category Cf
/// (format characters: soft hyphen, zero-width space/joiners, bidi controls, BOM, tags, …),
/// the Hangul fillers and the combining grapheme joiner, and noncharacters.
pub fn is_invisible(c: char) -> bool {
    let cp = u32::from(c);
    matches!(
        cp,
        0x00AD
            | 0x034F
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0x3164
            | 0xFDD0..=0xFDEF
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    ) || cp & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn chinese_text_passes_unchanged() {
        for s in [
            "阜新市自然资源局",
            "2020年某地块征收补偿方案（第二批）",
            "辽宁省阜新市海州区　中华路1号",
        ] {
            assert_eq!(clean("f", s, ADDRESS).unwrap(), s);
        }
        let para = "一、总体情况\n\n本机关……\t附表见后。";
        assert_eq!(clean("f", para, SECTION).unwrap(), para);
    }

    #[test]
    fn whitespace_is_normalised() {
        assert_eq!(clean("f", "  张   三 \u{a0} ", NAME).unwrap(), "张 三");
        assert_eq!(
            clean("f", "张\u{3000}\u{3000}三", NAME).unwrap(),
            "张\u{3000}三"
        );
        assert_eq!(
            clean("f", " 第一行\r\n第二行\r第三行\u{2028} ", DESCRIPTION).unwrap(),
            "第一行\n第二行\n第三行"
        );
        assert_eq!(clean("f", "   ", NAME).unwrap(), "");
        assert_eq!(clean_optional("f", Some(" "), NAME).unwrap(), None);
    }

    #[test]
    fn control_and_invisible_characters_are_refused_naming_the_field() {
        for bad in [
            "李\0四",
            "\u{1b}[31m李四\u{1b}[0m",
            "李\u{7f}四",
            "李\u{85}四",
            "李\u{200b}四",
            "\u{202e}四李",
            "\u{feff}李四",
            "李\u{2066}四",
            "李\u{e0041}四",
            "李\u{ffff}四",
        ] {
            let e = clean("applicant.name", bad, NAME).unwrap_err();
            assert_eq!(e.field(), "applicant.name", "{bad:?}");
        }
        assert!(
            clean("f", "a\nb", NAME)
                .unwrap_err()
                .reason()
                .contains("one line")
        );
        assert!(clean("f", "a\tb", NAME).is_err());
        assert!(clean("f", "a\tb", DESCRIPTION).is_ok());
        assert!(
            clean("description", "\u{1b}[2J", DESCRIPTION)
                .unwrap_err()
                .reason()
                .contains("control")
        );
    }

    #[test]
    fn lengths_are_bounded_per_field() {
        assert!(clean("f", &"字".repeat(100), NAME).is_ok());
        let e = clean("applicant.name", &"字".repeat(101), NAME).unwrap_err();
        assert_eq!(e.reason(), "must be at most 100 characters");
        assert!(clean("description", &"x".repeat(1 << 20), DESCRIPTION).is_err());
        assert!(clean_required("f", "", NAME, "is required").is_err());
    }

    #[test]
    fn text_is_stored_in_nfc() {
        // e + combining acute → é
        assert_eq!(clean("f", "e\u{301}", NAME).unwrap(), "\u{e9}");
    }

    proptest! {
        #[test]
        fn any_output_is_bounded_and_visible(s in any::<String>(), multi in any::<bool>()) {
            let limit = if multi { REASON } else { NAME };
            if let Ok(out) = clean("f", &s, limit) {
                prop_assert!(out.chars().count() <= limit.max_chars);
                prop_assert!(out == out.trim());
                for c in out.chars() {
                    prop_assert!(!is_invisible(c));
                    if multi {
                        prop_assert!(!c.is_control() || c == '\n' || c == '\t');
                    } else {
                        prop_assert!(!c.is_control());
                        prop_assert!(!out.contains("  "));
                    }
                }
                // Cleaning is idempotent.
                prop_assert_eq!(clean("f", &out, limit).unwrap(), out.clone());
            }
        }

        #[test]
        fn valid_chinese_text_passes_unchanged(
            s in "[\u{4e00}-\u{9fa5}]{1,20}([ \u{3000}]?[\u{4e00}-\u{9fa5}（）〔〕0-9，。、]{1,20}){0,4}"
        ) {
            prop_assert_eq!(clean("f", &s, ADDRESS).unwrap(), s);
        }
    }
}
