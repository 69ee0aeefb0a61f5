//! The text around the tables: title, agency, year, publication date, section headings,
//! narrative sections and the figures the narrative states (T1).

use chrono::NaiveDate;
use gongkai_domain::report::{NarrativeFigure, NarrativeKind};

use crate::normalize::is_cjk;

/// The text without whitespace, each char with its byte offset in the text, so that headings
/// split mid-word ("中华人民共\n\n和国") are found and can be mapped back.
pub struct Compact {
    pub chars: Vec<char>,
    /// Byte offsets as `u32` (8 bytes a character in all, not 12): [`crate::extract`] refuses
    /// text over 4 GiB.
    offsets: Vec<u32>,
    len: usize,
}

impl Compact {
    pub fn new(text: &str) -> Self {
        let mut chars = Vec::with_capacity(text.len() / 2);
        let mut offsets = Vec::with_capacity(text.len() / 2);
        for (i, c) in text.char_indices() {
            if !c.is_whitespace() {
                chars.push(c);
                offsets.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        Compact {
            chars,
            offsets,
            len: text.len(),
        }
    }
    /// The byte offset in the text of compact index `i` (the end of the text past the last).
    pub fn byte(&self, i: usize) -> usize {
        self.offsets.get(i).map_or(self.len, |&o| o as usize)
    }
    pub fn find(&self, from: usize, needle: &str) -> Option<usize> {
        crate::label_stream::find_chars(&self.chars, from, needle).map(|m| m.0)
    }
    fn string(&self, from: usize, to: usize) -> String {
        self.chars
            .get(from..to.min(self.chars.len()))
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }
}

const NUMERALS: [char; 6] = ['一', '二', '三', '四', '五', '六'];

/// Keywords of the six section headings, each searched right after its numeral (`三、`).
const HEADING_KEYWORDS: [&[&str]; 6] = [
    &["总体情况", "概述", "总体"],
    &["主动公开"],
    &["收到和处理", "依申请公开", "申请情况"],
    &["行政复议", "行政诉讼"],
    &["问题", "改进"],
    &["其他需要报告", "其他事项", "需要报告"],
];

/// Where each heading starts and its title ends, in compact indices.
#[derive(Debug, Clone, Copy, Default)]
pub struct Headings {
    pub at: [Option<(usize, usize)>; 6],
}

impl Headings {
    pub fn present(&self) -> [bool; 6] {
        self.at.map(|h| h.is_some())
    }
    pub fn start(&self, i: usize) -> Option<usize> {
        self.at.get(i).copied().flatten().map(|h| h.0)
    }
    pub fn end(&self, i: usize) -> Option<usize> {
        self.at.get(i).copied().flatten().map(|h| h.1)
    }
}

pub fn find_headings(c: &Compact) -> Headings {
    let mut h = Headings::default();
    let mut cursor = 0;
    for k in 0..6 {
        if let Some((start, end)) = find_heading(c, k, cursor) {
            h.at[k] = Some((start, end));
            cursor = end;
        }
    }
    h
}

fn find_heading(c: &Compact, k: usize, from: usize) -> Option<(usize, usize)> {
    let chars = &c.chars;
    let mut i = from;
    while i + 1 < chars.len() {
        if chars[i] == NUMERALS[k]
            && matches!(chars[i + 1], '、' | '.' | ',' | '，')
            && !i.checked_sub(1).is_some_and(|p| {
                matches!(chars[p], '十' | '（' | '第' | '〇') || NUMERALS.contains(&chars[p])
            })
            && let Some(end) = heading_title(chars, i + 2, HEADING_KEYWORDS[k])
        {
            return Some((i, end));
        }
        i += 1;
    }
    None
}

/// The end of a heading's title if one of `keywords` stands in its first 20 chars (before any
/// digit or full stop); the title runs on to 情况 or 事项 when they follow closely.
fn heading_title(chars: &[char], from: usize, keywords: &[&str]) -> Option<usize> {
    let mut limit = from;
    while limit < chars.len()
        && limit < from + 22
        && !chars[limit].is_ascii_digit()
        && !matches!(chars[limit], '。' | '；' | '\t')
        && !(limit > from
            && "一二三四五六七八九十".contains(chars[limit])
            && chars.get(limit + 1) == Some(&'、'))
    {
        limit += 1;
    }
    let window = &chars[from..limit];
    let found = keywords
        .iter()
        .filter_map(|k| crate::label_stream::find_chars(window, 0, k))
        .min_by_key(|m| m.0)?;
    let mut end = from + found.1;
    for tail in ["情况", "事项"] {
        if let Some((_, e)) = crate::label_stream::find_chars(window, found.1, tail)
            && e <= found.1 + 8
        {
            end = end.max(from + e);
        }
    }
    Some(end)
}

/// The title's year, the agency and whether it is a people's government.
pub struct Title {
    pub agency: String,
    pub year: Option<i32>,
}

/// Reads the title: the first line naming a 政府信息公开 report within the first lines.
pub fn title(text: &str) -> Title {
    let lines: Vec<String> = text
        .lines()
        .filter(|l| l.len() < 600)
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|l| !l.is_empty())
        .take(15)
        .collect();
    let Some(i) = lines
        .iter()
        .position(|l| l.contains("政府信息公开") && l.contains("报告") && l.chars().count() <= 80)
    else {
        return Title {
            agency: String::new(),
            year: year_in_text(text),
        };
    };
    let line = strip_label(&lines[i]);
    let (mut agency, year) = split_title(line);
    if agency.is_empty() && i > 0 {
        let prev = &lines[i - 1];
        if prev.chars().count() <= 30
            && !prev.contains('。')
            && !prev.chars().any(|c| c.is_ascii_digit())
        {
            agency = prev.clone();
        }
    }
    Title {
        agency,
        year: year.or_else(|| year_in_text(text)),
    }
}

/// `标题: …`, `题名：…`.
fn strip_label(line: &str) -> &str {
    for label in ["标题:", "题名:", "标题", "名称:"] {
        if let Some(rest) = line.strip_prefix(label) {
            return rest;
        }
    }
    line
}

/// Splits `阜新市自然资源局2020年度政府信息公开工作报告` into agency and year.
fn split_title(line: &str) -> (String, Option<i32>) {
    let chars: Vec<char> = line.chars().collect();
    let year_at = (0..chars.len().saturating_sub(3)).find(|&i| {
        chars[i..i + 4].iter().all(char::is_ascii_digit)
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
            && !i.checked_sub(1).is_some_and(|p| chars[p].is_ascii_digit())
    });
    let tail_start = |from: usize| {
        let mut j = from;
        for suffix in ["年度", "年"] {
            let s: Vec<char> = suffix.chars().collect();
            if chars.get(j..j + s.len()) == Some(s.as_slice()) {
                j += s.len();
                break;
            }
        }
        j
    };
    let (before, after, year) = match year_at {
        Some(y) => {
            let year: String = chars[y..y + 4].iter().collect();
            (
                chars[..y].iter().collect::<String>(),
                chars[tail_start(y + 4)..].iter().collect::<String>(),
                year.parse().ok(),
            )
        }
        None => (String::new(), line.to_string(), None),
    };
    let after_agency = after
        .rfind("政府信息公开")
        .map(|p| after[..p].to_string())
        .unwrap_or_default();
    let agency = format!("{before}{after_agency}");
    let agency = agency
        .trim_matches(|c: char| !is_cjk(c) && !c.is_alphanumeric())
        .trim_end_matches("关于")
        .to_string();
    (agency, year.filter(|y| (2000..=2199).contains(y)))
}

/// A year stated as `统计期限…2021年1月1日` or `2021年度`.
fn year_in_text(text: &str) -> Option<i32> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(4000)
        .collect();
    for marker in ["年度报告", "年度政府信息公开", "年政府信息公开", "年1月1日"]
    {
        if let Some(p) = compact.find(marker) {
            let head: Vec<char> = compact[..p].chars().collect();
            if head.len() >= 4 {
                let y: String = head[head.len() - 4..].iter().collect();
                if let Ok(year) = y.parse::<i32>()
                    && (2000..=2199).contains(&year)
                {
                    return Some(year);
                }
            }
        }
    }
    None
}

/// `发布日期：2020-01-31`, `发布时间: 2022-02-08 16:34`, `发布日期：2021年1月28日`.
pub fn published_on(text: &str) -> Option<NaiveDate> {
    let head: String = text.chars().take(3000).collect();
    for label in ["发布日期", "发布时间", "公开日期", "发文日期"] {
        if let Some(p) = head.find(label) {
            let rest = &head[p + label.len()..];
            if let Some(d) = parse_date(rest) {
                return Some(d);
            }
        }
    }
    None
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
    let mut nums = Vec::new();
    let mut cur = String::new();
    for c in s.chars().take(16) {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if !cur.is_empty() {
            nums.push(std::mem::take(&mut cur));
            if nums.len() == 3 || !matches!(c, '-' | '/' | '.' | '年' | '月' | '日') {
                break;
            }
        } else if !nums.is_empty() && !matches!(c, '-' | '/' | '.' | '年' | '月') {
            break;
        }
    }
    if !cur.is_empty() && nums.len() < 3 {
        nums.push(cur);
    }
    match nums.as_slice() {
        [y, m, d, ..] if y.len() == 4 => {
            NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        _ => None,
    }
}

/// A people's government (本级政府) publishes by 31 March; its departments by 31 January.
pub fn is_government(agency: &str) -> bool {
    if agency.ends_with("人民政府") {
        return true;
    }
    let department = [
        "局", "委", "办", "厅", "部", "中心", "院", "所", "会", "处", "站", "队", "司", "署",
    ];
    let area = ["省", "市", "县", "区", "旗", "州", "盟", "镇", "乡", "街道"];
    !department.iter().any(|d| agency.contains(d)) && area.iter().any(|a| agency.ends_with(a))
}

/// Kinds of narrative figure with the words that introduce them.
const RECEIVED: &[&str] = &["受理", "收到", "新收"];
const NOT_RECEIVED: &[&str] = &[
    "复议", "诉讼", "咨询", "来电", "来信", "留言", "答复", "办结", "结转",
];

/// The figures the narrative states (first statement of each kind).
pub fn figures(c: &Compact, from: usize, to: usize) -> Vec<NarrativeFigure> {
    let to = to.min(c.chars.len());
    let mut out: Vec<NarrativeFigure> = Vec::new();
    let mut push = |f: NarrativeFigure| {
        if !out.iter().any(|o| o.kind == f.kind) {
            out.push(f);
        }
    };
    for i in from..to {
        if !matches!(c.chars[i], '受' | '收' | '新' | '予' | '行' | '诉') {
            continue;
        }
        for kw in RECEIVED {
            if starts_with(c, i, kw)
                && let Some(f) = received(c, i, kw, to)
            {
                push(f);
            }
        }
        if starts_with(c, i, "予以公开")
            && let Some(f) = disclosed(c, i, to)
        {
            push(f);
        }
        if starts_with(c, i, "行政复议")
            && let Some(f) = counted(c, i, 4, to, NarrativeKind::Reconsideration, &["诉讼"])
        {
            push(f);
        }
        if starts_with(c, i, "诉讼")
            && let Some(f) = counted(c, i, 2, to, NarrativeKind::Litigation, &["复议"])
        {
            push(f);
        }
    }
    out
}

fn starts_with(c: &Compact, i: usize, kw: &str) -> bool {
    kw.chars()
        .enumerate()
        .all(|(k, ch)| c.chars.get(i + k) == Some(&ch))
}

/// The first number after `from` within `max_gap` chars, followed by 件: (gap end, value, end).
fn number_after(
    c: &Compact,
    from: usize,
    max_gap: usize,
    to: usize,
) -> Option<(usize, i64, usize)> {
    let mut j = from;
    while j < to && j <= from + max_gap {
        let ch = c.chars[j];
        if ch.is_ascii_digit() {
            let mut k = j;
            while k < to && c.chars[k].is_ascii_digit() && k < j + 9 {
                k += 1;
            }
            let value: i64 = c.string(j, k).parse().ok()?;
            return matches!(c.chars.get(k), Some('件' | '宗' | '起')).then_some((j, value, k + 1));
        }
        if matches!(ch, '。' | '；' | '，' | ',' | '、' | '%' | '（' | '）') {
            return None;
        }
        j += 1;
    }
    None
}

fn received(c: &Compact, i: usize, kw: &str, to: usize) -> Option<NarrativeFigure> {
    let from = i + kw.chars().count();
    let (gap_end, value, end) = number_after(c, from, 20, to)?;
    let gap = c.string(from, gap_end);
    if NOT_RECEIVED.iter().any(|w| gap.contains(w)) {
        return None;
    }
    let after = c.string(end, end + 12);
    if !gap.contains("申请") && !after.starts_with("申请") && !after.starts_with("政府信息公开申请")
    {
        return None;
    }
    Some(NarrativeFigure {
        kind: NarrativeKind::RequestsReceived,
        value,
        quote: c.string(i, end),
    })
}

fn disclosed(c: &Compact, i: usize, to: usize) -> Option<NarrativeFigure> {
    let mut from = i + 4;
    let mut kind = NarrativeKind::Disclosed;
    for joined in ["及部分公开", "和部分公开", "、部分公开", "与部分公开"] {
        if starts_with(c, from, joined) {
            from += joined.chars().count();
            kind = NarrativeKind::DisclosedOrPartially;
        }
    }
    let (gap_end, value, end) = number_after(c, from, 4, to)?;
    let gap = c.string(from, gap_end);
    if gap.chars().any(is_cjk)
        && !["的", "了", "共", "申请", "类", "有"]
            .iter()
            .any(|w| gap.contains(w))
    {
        return None;
    }
    Some(NarrativeFigure {
        kind,
        value,
        quote: c.string(i, end),
    })
}

fn counted(
    c: &Compact,
    i: usize,
    kw_len: usize,
    to: usize,
    kind: NarrativeKind,
    not: &[&str],
) -> Option<NarrativeFigure> {
    let from = i + kw_len;
    let (gap_end, value, end) = number_after(c, from, 6, to)?;
    let gap = c.string(from, gap_end);
    if not.iter().any(|w| gap.contains(w)) {
        return None;
    }
    Some(NarrativeFigure {
        kind,
        value,
        quote: c.string(i, end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        let t = title("\n阜新市自然资源局 2020 年度 政府信息公开工作报告\n");
        assert_eq!(
            (t.agency.as_str(), t.year),
            ("阜新市自然资源局", Some(2020))
        );
        let t = title("淮安市人民政府\n2024 年政府信息公开工作年度报告\n");
        assert_eq!((t.agency.as_str(), t.year), ("淮安市人民政府", Some(2024)));
        let t = title("2019年上海市人民政府办公厅政府信息公开工作年度报告\n");
        assert_eq!(t.agency, "上海市人民政府办公厅");
    }

    #[test]
    fn dates_and_governments() {
        assert_eq!(
            published_on("发布时间: 2022-02-08 16:34"),
            NaiveDate::from_ymd_opt(2022, 2, 8)
        );
        assert_eq!(
            published_on("发布日期：2021年1月28日"),
            NaiveDate::from_ymd_opt(2021, 1, 28)
        );
        assert!(is_government("平潭综合实验区"));
        assert!(is_government("淮安市人民政府"));
        assert!(!is_government("上海市人民政府办公厅"));
        assert!(!is_government("阜新市自然资源局"));
    }

    #[test]
    fn narrative_figures() {
        let c = Compact::new(
            "本年度全区共收到70件申请，予以公开及部分公开258件，信息公开类行政复议7件，诉讼9件。",
        );
        let f = figures(&c, 0, c.chars.len());
        let kinds: Vec<(NarrativeKind, i64)> = f.iter().map(|f| (f.kind, f.value)).collect();
        assert_eq!(
            kinds,
            [
                (NarrativeKind::RequestsReceived, 70),
                (NarrativeKind::DisclosedOrPartially, 258),
                (NarrativeKind::Reconsideration, 7),
                (NarrativeKind::Litigation, 9)
            ]
        );
    }
}
