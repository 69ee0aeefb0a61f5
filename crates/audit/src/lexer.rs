//! Splits a table region into label text and numbers.
//!
//! Two shapes of line: a tab-separated row (HTML or DOCX tables, crawled pages) keeps its blank
//! cells, because their position matters; any other line is read as free text in which numbers
//! stand between labels, as text extracted from a PDF does. Item numbers of labels (`1.`, `2、`,
//! `（三）`) are label text, not cells, even when a crawler glued them to the cell before
//! (`00000002.重复申请`).

use crate::normalize::is_cjk;

/// A number as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Num {
    /// The digits as printed, without sign or unit (`1858`, `96171.6`).
    pub digits: String,
    pub negative: bool,
    /// The value; amounts printed in 元 are converted to 万元.
    pub value: f64,
    /// Printed with a unit (万元, 元).
    pub money: bool,
}

impl Num {
    /// The value as a count, if it is a whole number.
    pub fn count(&self) -> Option<i64> {
        if self.value.fract() == 0.0 && self.value.abs() < 9.0e15 {
            Some(self.value as i64)
        } else {
            None
        }
    }
    /// Plain non-negative integer digits, the only kind a run-together cell can be.
    pub fn is_plain(&self) -> bool {
        !self.negative && !self.money && self.digits.bytes().all(|b| b.is_ascii_digit())
    }
}

/// One lexical unit of a table region.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Label text, whitespace removed.
    Text(String),
    Num(Num),
    /// The value cells of a tab-separated row (`None` = blank cell), with the row's label text.
    Row {
        cells: Vec<Option<Num>>,
        label: String,
    },
}

/// Lexes a region line by line.
pub fn lex(region: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    for line in region.split('\n') {
        let line = ocr_digits(line);
        if line.contains('\t') {
            lex_tabbed(&line, &mut out);
        } else {
            lex_inline(&line, &mut out);
        }
    }
    out
}

/// Letters an OCR engine reads for digits (`O`, `〇` for 0; `l`, `I` for 1), in a token that is
/// otherwise digits or stands alone between cells: the digits again.
fn ocr_digits(line: &str) -> std::borrow::Cow<'_, str> {
    let confusable = |c: char| matches!(c, 'O' | 'o' | '〇' | 'l' | 'I');
    if !line.chars().any(confusable) {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        let digitish = !token.is_empty()
            && token.chars().all(|c| c.is_ascii_digit() || confusable(c))
            && token.chars().any(confusable);
        if digitish {
            out.extend(token.chars().map(|c| match c {
                'O' | 'o' | '〇' => '0',
                'l' | 'I' => '1',
                d => d,
            }));
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in line.chars() {
        if c.is_whitespace() || c == '|' {
            flush(&mut token, &mut out);
            out.push(c);
        } else {
            token.push(c);
        }
    }
    flush(&mut token, &mut out);
    std::borrow::Cow::Owned(out)
}

/// A cell's numbers: one (`13`, `1858 万元`) or several set apart by spaces inside one cell
/// (`0 0 0`, a row whose tabs became spaces); `None` for label text.
fn cell_numbers(cell: &str) -> Option<Vec<Num>> {
    let parts: Vec<&str> = cell.split_whitespace().collect();
    if parts.len() > 1 {
        let nums: Option<Vec<Num>> = parts.iter().map(|p| parse_cell(p)).collect();
        if let Some(nums) = nums {
            return Some(nums);
        }
    }
    parse_cell(cell).map(|n| vec![n])
}

fn lex_tabbed(line: &str, out: &mut Vec<Tok>) {
    let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
    let last_text = cells
        .iter()
        .rposition(|c| !c.is_empty() && cell_numbers(c).is_none());
    let (labels, values) = match last_text {
        Some(i) => cells.split_at(i + 1),
        None => cells.split_at(0),
    };
    let mut label = String::new();
    for cell in labels {
        let before = out.len();
        lex_inline(cell, out);
        for tok in &out[before..] {
            if let Tok::Text(t) = tok {
                label.push_str(t);
            }
        }
    }
    let mut cells_out: Vec<Option<Num>> = Vec::with_capacity(values.len());
    for c in values {
        match cell_numbers(c) {
            Some(nums) => cells_out.extend(nums.into_iter().map(Some)),
            None => cells_out.push(None),
        }
    }
    let values = cells_out;
    if !values.is_empty() {
        out.push(Tok::Row {
            cells: values,
            label,
        });
    }
}

/// A whole cell that is a number: `13`, `-4`, `1858 万元`, `251000元`, `1,234`, `96171.6`.
pub fn parse_cell(cell: &str) -> Option<Num> {
    let compact: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    let (body, scale, money) = if let Some(b) = compact.strip_suffix("万元") {
        (b, 1.0, true)
    } else if let Some(b) = compact.strip_suffix("亿元") {
        (b, 10_000.0, true)
    } else if let Some(b) = compact.strip_suffix('元') {
        (b, 0.0001, true)
    } else {
        (compact.as_str(), 1.0, false)
    };
    let (negative, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let digits: String = body.chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || !valid_number(&digits) || (body.contains(',') && !thousands(body)) {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    Some(Num {
        value: if negative { -value } else { value } * scale,
        digits,
        negative,
        money,
    })
}

fn valid_number(s: &str) -> bool {
    let mut parts = s.split('.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    parts.next().is_none()
        && !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// `1,234,567` (with an optional decimal part).
fn thousands(s: &str) -> bool {
    let int = s.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups[1..].iter().all(|g| g.len() == 3)
}

/// Lexes free text: numbers between labels.
pub fn lex_inline(line: &str, out: &mut Vec<Tok>) {
    let chars: Vec<char> = line.chars().collect();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A Markdown pipe a converter left outside a table is a cell boundary, not a label.
        if c.is_whitespace() || c == '|' {
            i += 1;
            continue;
        }
        let starts_number = c.is_ascii_digit()
            || (c == '-'
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && (i == 0 || chars[i - 1].is_whitespace()));
        if !starts_number {
            text.push(c);
            i += 1;
            continue;
        }
        let end = scan_number(&chars, i);
        let lexed = classify(&chars, i, end);
        match lexed {
            Lexed::Text => text.extend(&chars[i..end]),
            Lexed::Number {
                num,
                item,
                unit_len,
            } => {
                flush(&mut text, out);
                out.push(Tok::Num(num));
                if let Some(item) = item {
                    text.push(item);
                }
                i = end + unit_len;
                continue;
            }
        }
        i = end;
    }
    flush(&mut text, out);
}

fn flush(text: &mut String, out: &mut Vec<Tok>) {
    if !text.is_empty() {
        out.push(Tok::Text(std::mem::take(text)));
    }
}

/// The end of a number starting at `start`: sign, digits, `,ddd` groups, a decimal part.
fn scan_number(chars: &[char], start: usize) -> usize {
    let mut i = start;
    if chars.get(i) == Some(&'-') {
        i += 1;
    }
    let mut run = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            i += 1;
            run += 1;
        } else if c == ',' && (1..=3).contains(&run) && thousands_group_at(chars, i + 1) {
            i += 4;
            run = 3;
        } else if c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
            i += 1;
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            break;
        } else {
            break;
        }
    }
    i
}

/// Exactly three digits at `at`, not followed by a fourth.
fn thousands_group_at(chars: &[char], at: usize) -> bool {
    chars
        .get(at..at + 3)
        .is_some_and(|g| g.iter().all(char::is_ascii_digit))
        && !chars.get(at + 3).is_some_and(char::is_ascii_digit)
}

enum Lexed {
    Text,
    Number {
        num: Num,
        /// The item number of the next label, split off a glued run (`…00002.重复申请`).
        item: Option<char>,
        unit_len: usize,
    },
}

fn next_non_space(chars: &[char], from: usize) -> (usize, Option<char>) {
    let mut j = from;
    while chars.get(j).is_some_and(|c| *c == ' ') {
        j += 1;
    }
    (j, chars.get(j).copied())
}

fn classify(chars: &[char], start: usize, end: usize) -> Lexed {
    let token: String = chars[start..end].iter().collect();
    let before = start.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(end).copied();
    let glued_letter = |c: Option<char>| {
        c.is_some_and(|c| c.is_ascii_alphabetic() || c == '%' || c == '_' || c == '/')
    };
    if glued_letter(before) || glued_letter(after) || matches!(after, Some(':' | '-')) {
        return Lexed::Text;
    }
    if before == Some('（') && after == Some('）') {
        return Lexed::Text;
    }
    // An item number: `1.属于…`, `2、重复申请`, `3. 其他`.
    let mut item = None;
    let mut body = token.clone();
    if matches!(after, Some('.' | '、')) {
        let (_, next) = next_non_space(chars, end + 1);
        // The label may go on on the next line (`（三）1.` / `属于国家秘密`).
        if next.is_none_or(|c| is_cjk(c) || c == '“' || c == '"') {
            let plain = token.bytes().all(|b| b.is_ascii_digit());
            if plain && token.len() <= 2 && !before.is_some_and(|c| c.is_ascii_digit()) {
                return Lexed::Text;
            }
            if plain && token.len() > 2 {
                let mut cs: Vec<char> = token.chars().collect();
                item = cs.pop();
                body = cs.into_iter().collect();
            }
        }
    }
    // A unit after the number.
    let (j, _) = next_non_space(chars, end);
    let rest: String = chars
        .get(j..j + 2)
        .map(|s| s.iter().collect())
        .unwrap_or_default();
    let (unit, unit_len) = if rest == "万元" || rest == "亿元" {
        (rest.clone(), j - end + 2)
    } else if chars.get(j) == Some(&'元') {
        ("元".to_string(), j - end + 1)
    } else {
        (String::new(), 0)
    };
    match parse_cell(&(body + &unit)) {
        Some(num) => Lexed::Number {
            num,
            item,
            unit_len,
        },
        None => Lexed::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(toks: &[Tok]) -> Vec<String> {
        toks.iter()
            .filter_map(|t| match t {
                Tok::Num(n) => Some(format!("{}{}", if n.negative { "-" } else { "" }, n.digits)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn glued_item_numbers_are_split_off() {
        let mut out = Vec::new();
        lex_inline(
            "1.本机关不掌握相关政府信息2200003252.没有现成信息需要另行制作0000000",
            &mut out,
        );
        assert_eq!(nums(&out), ["220000325", "0000000"]);
        let mut out = Vec::new();
        lex_inline("1. 属于国家秘密 0 0 1,234 -4 100% H5 （3）", &mut out);
        assert_eq!(nums(&out), ["0", "0", "1234", "-4"]);
    }

    #[test]
    fn money_cells() {
        let n = parse_cell("251000元").unwrap();
        assert!((n.value - 25.1).abs() < 1e-9 && n.money);
        assert_eq!(parse_cell("1858 万元").unwrap().value, 1858.0);
        assert!(parse_cell("1,23").is_none());
        assert!(parse_cell("abc").is_none());
        let mut out = Vec::new();
        lex_inline("政府集中采购 5 1858 万元", &mut out);
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn tabbed_rows_keep_blank_cells() {
        let toks = lex("一、本年新收\t821\t35\t\t\t2\t1\t859");
        match &toks[..] {
            [Tok::Text(t), Tok::Row { cells, label }] => {
                assert_eq!(t, "一、本年新收");
                assert_eq!(label, "一、本年新收");
                assert_eq!(cells.len(), 7);
                assert!(cells[2].is_none() && cells[6].is_some());
            }
            other => panic!("{other:?}"),
        }
    }
}
