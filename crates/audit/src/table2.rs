//! Table 2 — 收到和处理政府信息公开申请情况: 26 or 28 rows of seven columns.

use gongkai_domain::report::{Requests, Row};

use crate::lexer::{Num, lex};
use crate::split;
use crate::stream::{Group, Stream, assign};

/// A row of table 2, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKey {
    New,
    CarriedOver,
    Disclosed,
    Partial,
    Withheld(usize),
    Unable(usize),
    NotProcessed(usize),
    NoCorrection,
    FeeUnpaid,
    Other,
    Total,
    CarriedForward,
}

/// Each row with the keywords that identify its heading (and its known variants).
const ROWS: &[(RowKey, &[&str])] = &[
    (RowKey::New, &["本年新收", "新收政府信息", "新收申请"]),
    (RowKey::CarriedOver, &["上年结转", "上年度结转"]),
    (RowKey::Disclosed, &["予以公开"]),
    (RowKey::Partial, &["部分公开"]),
    (RowKey::Withheld(0), &["国家秘密"]),
    (RowKey::Withheld(1), &["禁止公开", "法律行政法规"]),
    (RowKey::Withheld(2), &["三安全", "一稳定"]),
    (RowKey::Withheld(3), &["第三方"]),
    (RowKey::Withheld(4), &["内部事务"]),
    (RowKey::Withheld(5), &["过程性"]),
    (RowKey::Withheld(6), &["执法案卷"]),
    (RowKey::Withheld(7), &["行政查询", "查询事项"]),
    (RowKey::Unable(0), &["不掌握"]),
    (RowKey::Unable(1), &["另行制作", "现成信息"]),
    (RowKey::Unable(2), &["仍不明确", "补正后"]),
    (RowKey::NotProcessed(0), &["信访", "举报投诉"]),
    (RowKey::NotProcessed(1), &["重复申请"]),
    (RowKey::NotProcessed(2), &["出版物"]),
    (RowKey::NotProcessed(3), &["大量反复", "反复申请"]),
    (RowKey::NotProcessed(4), &["重新出具", "确认或"]),
    (RowKey::NoCorrection, &["逾期不补正", "不补正"]),
    (RowKey::FeeUnpaid, &["收费通知", "缴纳费用", "未按收费"]),
    (RowKey::Other, &["其他处理"]),
    (RowKey::Total, &["总计"]),
    (
        RowKey::CarriedForward,
        &["结转下年度", "下年度继续", "转下年"],
    ),
];

/// After the 2021 rows （六）1 and 2, row 3 reads just “其他”.
const OTHER_2021: &[&str] = &["其他处理", "其他"];

/// True when a label holds the heading of some row of table 2.
pub fn is_row_label(label: &str) -> bool {
    ROWS.iter()
        .flat_map(|(_, kws)| kws.iter())
        .any(|k| label.contains(k))
}

/// What table 2 yielded.
#[derive(Debug)]
pub struct Table2 {
    pub requests: Requests,
    /// How many row headings were recognised.
    pub rows_found: usize,
    /// How many rows got numbers.
    pub rows_filled: usize,
    /// The （六） rows are split in three (format 2021).
    pub split_other: bool,
}

/// One candidate reading of a row.
type Candidates = Vec<Row>;

pub fn extract(region: &str, notes: &mut Vec<String>) -> Table2 {
    let stream = Stream::build(lex(region), |n, label| n == 7 && is_row_label(label));
    let anchors = find_anchors(&stream);
    let groups = prepare_groups(stream.groups, notes);
    let starts: Vec<usize> = anchors.iter().map(|a| a.1).collect();
    let ats: Vec<usize> = groups.iter().map(|g| g.at).collect();
    let owners = assign(&starts, &ats);
    let mut rows: Vec<(RowKey, Candidates)> = Vec::new();
    for ((key, _), owner) in anchors.iter().zip(&owners) {
        match owner.and_then(|g| groups.get(g)) {
            Some(g) => rows.push((*key, read_row(g, *key, notes))),
            None => notes.push(format!("table 2: no numbers found for row {key:?}")),
        }
    }
    let chosen = disambiguate(&rows, notes);
    let split_other = anchors
        .iter()
        .any(|(k, _)| matches!(k, RowKey::NoCorrection | RowKey::FeeUnpaid));
    let mut requests = blank_requests(split_other);
    for ((key, _), row) in rows.iter().zip(chosen) {
        *row_mut(&mut requests, *key) = row;
    }
    Table2 {
        requests,
        rows_found: anchors.len(),
        rows_filled: rows.len(),
        split_other,
    }
}

fn find_anchors(stream: &Stream) -> Vec<(RowKey, usize)> {
    let mut cursor = 0;
    let mut out: Vec<(RowKey, usize)> = Vec::new();
    for (key, keywords) in ROWS {
        let split = out
            .iter()
            .any(|(k, _)| matches!(k, RowKey::NoCorrection | RowKey::FeeUnpaid));
        let keywords = if *key == RowKey::Other && split {
            OTHER_2021
        } else {
            keywords
        };
        if let Some((start, end)) = stream.find(cursor, keywords) {
            out.push((*key, start));
            cursor = end;
        }
    }
    out
}

/// Splits runs that hold several rows and trims the layout cells of tabbed rows.
fn prepare_groups(groups: Vec<Group>, notes: &mut Vec<String>) -> Vec<Group> {
    let mut out = Vec::new();
    for mut g in groups {
        if g.tabbed && g.cells.len() > 7 {
            trim_blanks(&mut g.cells, 7);
        }
        if g.cells.len() <= 7 {
            out.push(g);
            continue;
        }
        let nums: Vec<Num> = g.nums().cloned().collect();
        if nums.len().is_multiple_of(7) {
            for chunk in nums.chunks(7) {
                out.push(Group {
                    at: g.at,
                    cells: chunk.iter().cloned().map(Some).collect(),
                    tabbed: false,
                });
            }
        } else {
            notes.push(format!(
                "table 2: a run of {} numbers is not a whole number of rows; its last 7 are read",
                nums.len()
            ));
            let skip = nums.len().saturating_sub(7);
            g.cells = nums.into_iter().skip(skip).map(Some).collect();
            out.push(g);
        }
    }
    out
}

/// Drops blank layout cells at the ends of a row until it has `want` cells.
pub fn trim_blanks(cells: &mut Vec<Option<Num>>, want: usize) {
    while cells.len() > want && cells.last().is_some_and(Option::is_none) {
        cells.pop();
    }
    while cells.len() > want && cells.first().is_some_and(Option::is_none) {
        cells.remove(0);
    }
}

fn count_of(n: &Option<Num>) -> Option<i64> {
    n.as_ref().and_then(Num::count)
}

/// The candidate readings of one group as a row of seven.
fn read_row(g: &Group, key: RowKey, notes: &mut Vec<String>) -> Candidates {
    let cells = &g.cells;
    if cells
        .iter()
        .flatten()
        .any(|n| n.count().is_none() && !n.is_plain())
    {
        notes.push(format!(
            "table 2: row {key:?} holds a number that is not a count"
        ));
    }
    if cells.len() == 7 {
        return vec![std::array::from_fn(|i| count_of(&cells[i]))];
    }
    let nums: Vec<&Num> = cells.iter().flatten().collect();
    let values: Vec<Option<i64>> = nums.iter().map(|n| n.count()).collect();
    let sum_fits = values.len() >= 2
        && values.iter().all(Option::is_some)
        && values[..values.len() - 1].iter().flatten().sum::<i64>()
            == values.last().copied().flatten().unwrap_or(-1);
    if !sum_fits && !g.tabbed && !nums.is_empty() && nums.iter().all(|n| n.is_plain()) {
        let tokens: Vec<&str> = nums.iter().map(|n| n.digits.as_str()).collect();
        let mut cuts = split::row_of_seven(&tokens);
        // Most cells of real tables are 0: among readings that fit, try the sparser first.
        cuts.sort_by_key(|c| std::cmp::Reverse(c.iter().filter(|v| **v == 0).count()));
        if !cuts.is_empty() {
            return cuts.into_iter().map(|c| c.map(Some)).collect();
        }
    }
    notes.push(format!(
        "table 2: row {key:?} has {} of 7 cells; the rest are read as blank",
        values.len()
    ));
    vec![place_short(&values)]
}

/// Fewer than seven numbers, blanks not printed: the first go to the first applicant columns,
/// the last one is the 总计.
fn place_short(values: &[Option<i64>]) -> Row {
    let mut row: Row = [None; 7];
    if let Some((last, head)) = values.split_last() {
        row[6] = *last;
        for (i, v) in head.iter().take(6).enumerate() {
            row[i] = *v;
        }
    }
    row
}

/// Picks one reading per row: the combination that satisfies the most column equations
/// (R1, R2), by exhaustive search when small, else one row at a time.
fn disambiguate(rows: &[(RowKey, Candidates)], notes: &mut Vec<String>) -> Vec<Row> {
    let mut choice: Vec<usize> = vec![0; rows.len()];
    let ambiguous: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].1.len() > 1).collect();
    if ambiguous.is_empty() {
        return pick(rows, &choice);
    }
    let combos: usize = ambiguous
        .iter()
        .map(|&i| rows[i].1.len())
        .try_fold(1usize, |a, n| a.checked_mul(n))
        .unwrap_or(usize::MAX);
    if combos <= 4096 {
        let mut best = (score(rows, &choice), choice.clone());
        let mut current = choice.clone();
        for mut k in 0..combos {
            for &i in &ambiguous {
                let n = rows[i].1.len();
                current[i] = k % n;
                k /= n;
            }
            let s = score(rows, &current);
            if s > best.0 {
                best = (s, current.clone());
            }
        }
        choice = best.1;
    } else {
        for _ in 0..3 {
            for &i in &ambiguous {
                let mut best = (score(rows, &choice), choice[i]);
                for c in 0..rows[i].1.len() {
                    choice[i] = c;
                    let s = score(rows, &choice);
                    if s > best.0 {
                        best = (s, c);
                    }
                }
                choice[i] = best.1;
            }
        }
    }
    for &i in &ambiguous {
        notes.push(format!(
            "table 2: row {:?} was printed without separators; {} readings fit, the one that fits the columns is used",
            rows[i].0,
            rows[i].1.len()
        ));
    }
    pick(rows, &choice)
}

fn pick(rows: &[(RowKey, Candidates)], choice: &[usize]) -> Vec<Row> {
    rows.iter()
        .zip(choice)
        .map(|((_, c), &i)| c.get(i).copied().unwrap_or([None; 7]))
        .collect()
}

/// How many column equations (R1 and R2, seven columns each) a combination satisfies.
fn score(rows: &[(RowKey, Candidates)], choice: &[usize]) -> usize {
    let get = |key: RowKey| -> Option<&Row> {
        rows.iter()
            .zip(choice)
            .find(|((k, _), _)| *k == key)
            .and_then(|((_, c), &i)| c.get(i))
    };
    let outcome = |k: RowKey| {
        !matches!(
            k,
            RowKey::New | RowKey::CarriedOver | RowKey::Total | RowKey::CarriedForward
        )
    };
    let mut s = 0;
    for c in 0..7 {
        let cell = |k| get(k).and_then(|r| r[c]);
        if let (Some(a), Some(b), Some(t), Some(f)) = (
            cell(RowKey::New),
            cell(RowKey::CarriedOver),
            cell(RowKey::Total),
            cell(RowKey::CarriedForward),
        ) && a + b == t + f
        {
            s += 1;
        }
        let parts: Option<i64> = rows
            .iter()
            .zip(choice)
            .filter(|((k, _), _)| outcome(*k))
            .map(|((_, cands), &i)| cands.get(i).and_then(|r| r[c]))
            .sum();
        if let (Some(p), Some(t)) = (parts, cell(RowKey::Total))
            && p == t
        {
            s += 1;
        }
    }
    s
}

fn blank_requests(split_other: bool) -> Requests {
    let mut r = Requests::default();
    for_each_row(&mut r, |row| *row = [None; 7]);
    if split_other {
        r.other.no_correction = Some([None; 7]);
        r.other.fee_unpaid = Some([None; 7]);
    }
    r
}

fn for_each_row(r: &mut Requests, mut f: impl FnMut(&mut Row)) {
    for key in ROWS.iter().map(|(k, _)| *k) {
        if !matches!(key, RowKey::NoCorrection | RowKey::FeeUnpaid) {
            f(row_mut(r, key));
        }
    }
}

/// The row of `requests` a key names (the （六）1/2 rows are created when missing).
pub fn row_mut(r: &mut Requests, key: RowKey) -> &mut Row {
    match key {
        RowKey::New => &mut r.new,
        RowKey::CarriedOver => &mut r.carried_over,
        RowKey::Disclosed => &mut r.disclosed,
        RowKey::Partial => &mut r.partially_disclosed,
        RowKey::Withheld(i) => {
            let w = &mut r.withheld;
            match i {
                0 => &mut w.state_secret,
                1 => &mut w.prohibited_by_law,
                2 => &mut w.three_securities_one_stability,
                3 => &mut w.third_party_rights,
                4 => &mut w.internal_affairs,
                5 => &mut w.process_information,
                6 => &mut w.enforcement_case_files,
                _ => &mut w.administrative_query,
            }
        }
        RowKey::Unable(i) => {
            let u = &mut r.unable_to_provide;
            match i {
                0 => &mut u.not_held,
                1 => &mut u.needs_creation,
                _ => &mut u.unclear_after_correction,
            }
        }
        RowKey::NotProcessed(i) => {
            let n = &mut r.not_processed;
            match i {
                0 => &mut n.petition_or_complaint,
                1 => &mut n.duplicate,
                2 => &mut n.publication,
                3 => &mut n.excessive,
                _ => &mut n.confirm_or_reissue,
            }
        }
        RowKey::NoCorrection => r.other.no_correction.get_or_insert([None; 7]),
        RowKey::FeeUnpaid => r.other.fee_unpaid.get_or_insert([None; 7]),
        RowKey::Other => &mut r.other.other,
        RowKey::Total => &mut r.total,
        RowKey::CarriedForward => &mut r.carried_forward,
    }
}
