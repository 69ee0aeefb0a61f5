//! Character normalisation: full-width digits and punctuation, odd spaces, page markers.

/// Normalises a decoded text for extraction: line ends become `\n`, full-width digits and
/// letters become ASCII, every kind of space becomes a plain space, invisible characters go,
/// ASCII parentheses become full-width ones (so labels compare equal), and page markers such as
/// `- 3 -` or `第 3 页 共 6 页` are dropped.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => {}
            _ => out.push(map_char(c)),
        }
    }
    drop_page_markers(&out)
}

/// The normal form of one character.
pub fn map_char(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{3000}' | '\u{00a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' => ' ',
        '\u{000b}' | '\u{000c}' => '\n',
        '．' => '.',
        '(' => '（',
        ')' => '）',
        '－' | '−' => '-',
        '／' => '/',
        '：' => ':',
        '％' => '%',
        _ => c,
    }
}

/// True for the CJK ideographs that make up labels and headings.
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

fn drop_page_markers(text: &str) -> String {
    if !text
        .lines()
        .any(|l| is_page_marker(l) || trailing_marker(l).is_some())
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        if is_page_marker(line) {
            continue;
        }
        out.push_str(trailing_marker(line).unwrap_or(line));
        out.push('\n');
    }
    out
}

/// A line that ends in a page marker set apart by a wide gap (`…（待填写）。        —2—`, as
/// `pdftotext -layout` prints a footer beside the page's last line): the line without it.
fn trailing_marker(line: &str) -> Option<&str> {
    if !line.trim_end().ends_with(['-', '—', '–', '－', '页']) {
        return None;
    }
    let gap = line.rfind("   ")?;
    let (head, tail) = line.split_at(gap);
    (!head.trim().is_empty() && is_page_marker(tail)).then_some(head.trim_end())
}

/// `- 3 -`, `— 3 —`, `第3页`, `第 3 页 共 6 页`, `3/6`.
fn is_page_marker(line: &str) -> bool {
    // The length of the marker itself: `pdftotext -layout` centres it with many spaces.
    let line = line.trim();
    if line.len() > 48 || !line.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return false;
    }
    let dashes = |c: char| matches!(c, '-' | '—' | '–' | '－');
    if let Some(inner) = t.strip_prefix(dashes).and_then(|r| r.strip_suffix(dashes)) {
        let inner = inner.trim_matches(dashes);
        return !inner.is_empty() && inner.len() <= 4 && inner.bytes().all(|b| b.is_ascii_digit());
    }
    if let Some(rest) = t.strip_prefix('第') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let tail = &rest[digits.len()..];
            return tail == "页"
                || (tail.starts_with("页共") && tail.ends_with('页') && tail.len() <= 16);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_markers() {
        assert_eq!(
            normalize("１２３　(一)\r\n- 4 -\r\n第 2 页 共 6 页\nx"),
            "123 （一）\nx\n"
        );
        assert_eq!(normalize("a\u{200b}b"), "ab");
        assert!(!is_page_marker("------"));
        assert_eq!(
            normalize("改进情况。        —2—\n下一页"),
            "改进情况。\n下一页\n"
        );
        assert_eq!(
            normalize("合计   12\n"),
            "合计   12\n",
            "a number after a gap is a cell"
        );
        assert!(!is_page_marker("12"));
    }
}
