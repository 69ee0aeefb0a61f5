//! Table 2 — 收到和处理政府信息公开申请情况 (the report's 表三): 23 or 25 rows of seven columns.
//!
//! The printed rows are read in document order and placed on the official rows ([`RowId`], in
//! the order of the format) in a few ways: by the row headings found in the text, and by order
//! alone — all of them, without the numbers that belong to no row, without the subtotal rows
//! some agencies print for （三）（四）（五）（六） (each checked against its sub-rows). The
//! table's own arithmetic decides: R3 per row, R1 and R2 per column. Placements that add up are
//! kept; a cell they disagree on is not guessed but [`Reading::Unread`]. When no placement adds
//! up, the headings' placement stands only if the order agrees with it row for row and every
//! cell was printed (then the report's own numbers are inconsistent, and the rules say so);
//! otherwise the cells of the sums that fail are [`Reading::Unread`].

use gongkai_domain::report::{CellRef, ReportFormat, Requests, Row, RowGroup, RowId};

use crate::label_stream::{Group, Stream, assign};
use crate::lexer::{Num, lex};
use crate::reading::{Note, Reading, Readings, Table};
use crate::run_together;

/// True when a label holds the heading of some row of table 2.
pub fn is_row_label(label: &str) -> bool {
    RowId::all(ReportFormat::F2021)
        .flat_map(|r| r.keywords().iter())
        .any(|k| label.contains(k))
}

/// What table 2 yielded.
#[derive(Debug)]
pub struct Table2 {
    pub requests: Requests,
    /// How each cell was read.
    pub readings: Readings,
    /// How many row headings were recognised.
    pub rows_found: usize,
    /// How many rows got numbers.
    pub rows_filled: usize,
    /// The （六） rows are split in three (format 2021).
    pub split_other: bool,
}

/// One reading of a printed row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cand {
    cells: Row,
    how: [Reading; 7],
}

impl Cand {
    fn printed(cells: Row, how: Reading) -> Self {
        let mut c = Cand {
            cells,
            how: [how; 7],
        };
        for (v, h) in c.cells.iter().zip(c.how.iter_mut()) {
            if v.is_none() && how != Reading::Position {
                *h = Reading::Unread;
            }
        }
        c
    }
    fn unread() -> Self {
        Cand {
            cells: [None; 7],
            how: [Reading::Unread; 7],
        }
    }
    fn has(&self, how: Reading) -> bool {
        self.how.contains(&how)
    }
}

/// A printed row (or what may be one), in document order.
#[derive(Debug, Clone)]
struct Unit {
    /// Offset in the label stream where its numbers stand.
    at: usize,
    cands: Vec<Cand>,
    /// One or two numbers that make no row: a page number, a stray figure.
    stray: bool,
    /// Its bounds are those printed (a line, a table row), not cut from a longer run.
    bounded: bool,
}

/// A placement of units on the official rows: for each slot, a unit.
type Placement = Vec<Option<usize>>;

/// Where a placement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Basis {
    Headings,
    Order,
}

/// A placement evaluated: the chosen reading of every slot.
#[derive(Debug, Clone)]
struct Evaluated {
    format: ReportFormat,
    basis: Basis,
    placement: Placement,
    rows: Vec<Cand>,
    failed: usize,
    filled: usize,
    /// Every unit placed was printed with its own bounds.
    bounded: bool,
}

pub fn extract(region: &str, notes: &mut Vec<Note>) -> Table2 {
    let mut local = Vec::new();
    let table = read(region, &mut local);
    for n in local {
        if !notes.contains(&n) {
            notes.push(n);
        }
    }
    table
}

fn read(region: &str, notes: &mut Vec<Note>) -> Table2 {
    let stream = Stream::build(lex(region), |n, label| n == 7 && is_row_label(label));
    let units = units(&stream.groups, notes);
    let split_labels = stream
        .find(0, RowId::Outcome(no_correction()).keywords())
        .is_some()
        || stream
            .find(0, RowId::Outcome(fee_unpaid()).keywords())
            .is_some();
    let primary = if split_labels {
        ReportFormat::F2021
    } else {
        ReportFormat::F2019
    };
    let other = match primary {
        ReportFormat::F2019 => ReportFormat::F2021,
        ReportFormat::F2021 => ReportFormat::F2019,
    };
    let anchors = find_anchors(&stream, primary);

    let mut tried: Vec<Evaluated> = Vec::new();
    let slots = |f: ReportFormat| RowId::all(f).collect::<Vec<_>>();
    // By the headings.
    let primary_slots = slots(primary);
    let starts: Vec<usize> = anchors.iter().map(|a| a.1).collect();
    let ats: Vec<usize> = units.iter().map(|u| u.at).collect();
    let mut by_headings: Placement = vec![None; primary_slots.len()];
    for ((row, _), owner) in anchors.iter().zip(assign(&starts, &ats)) {
        if let Some(slot) = primary_slots.iter().position(|r| r == row) {
            by_headings[slot] = owner;
        }
    }
    tried.push(evaluate(&units, primary, Basis::Headings, by_headings));
    // By order.
    for format in [primary, other] {
        for placement in order_placements(&units, format, notes) {
            // The order often places the rows just as the headings do: evaluated once.
            let same = tried
                .iter()
                .find(|e| e.format == format && e.placement == placement)
                .cloned();
            tried.push(match same {
                Some(e) => Evaluated {
                    basis: Basis::Order,
                    ..e
                },
                None => evaluate(&units, format, Basis::Order, placement),
            });
        }
    }

    let (format, rows) = decide(&tried, notes);
    let split_other = format == ReportFormat::F2021;
    let mut requests = blank_requests(split_other);
    let mut readings = Readings::default();
    let mut unread = 0;
    for (row, cand) in RowId::all(format).zip(&rows) {
        *requests.row_mut(row) = cand.cells;
        for (column, how) in cand.how.iter().enumerate() {
            readings.set(CellRef::Requests { row, column }, *how);
            if *how == Reading::Unread {
                unread += 1;
            }
        }
        if cand.cells.iter().all(Option::is_none) && cand.has(Reading::Unread) {
            notes.push(Note::RowNotFound(row));
        }
        let printed = cand.has(Reading::Position) || cand.has(Reading::Label);
        for (column, how) in cand.how.iter().enumerate() {
            if *how == Reading::Arithmetic && printed {
                notes.push(Note::CellRecovered(CellRef::Requests { row, column }));
            }
        }
    }
    if unread > 0 {
        notes.push(Note::Unread {
            table: Table::Requests,
            cells: unread,
        });
    }
    Table2 {
        requests,
        readings,
        rows_found: anchors.len(),
        rows_filled: rows
            .iter()
            .filter(|c| c.cells.iter().any(Option::is_some))
            .count(),
        split_other,
    }
}

fn no_correction() -> gongkai_domain::outcome::Outcome {
    gongkai_domain::outcome::Outcome::Other(gongkai_domain::outcome::OtherReason::NoCorrection)
}
fn fee_unpaid() -> gongkai_domain::outcome::Outcome {
    gongkai_domain::outcome::Outcome::Other(gongkai_domain::outcome::OtherReason::FeeUnpaid)
}

/// Each row heading found, in table order, with where it starts in the label stream.
fn find_anchors(stream: &Stream, format: ReportFormat) -> Vec<(RowId, usize)> {
    let mut cursor = 0;
    let mut out: Vec<(RowId, usize)> = Vec::new();
    for row in RowId::all(format) {
        let keywords: &[&str] =
            if row == RowId::Outcome(other_other()) && format == ReportFormat::F2021 {
                &["其他处理", "其他"]
            } else {
                row.keywords()
            };
        if let Some((start, end)) = stream.find(cursor, keywords) {
            out.push((row, start));
            cursor = end;
        }
    }
    out
}

fn other_other() -> gongkai_domain::outcome::Outcome {
    gongkai_domain::outcome::Outcome::Other(gongkai_domain::outcome::OtherReason::Other)
}

fn r3_holds(v: &[Option<i64>]) -> bool {
    match v.iter().copied().collect::<Option<Vec<i64>>>() {
        Some(v) if v.len() == 7 => v[..6].iter().sum::<i64>() == v[6],
        _ => false,
    }
}

fn row_of(v: &[Option<i64>]) -> Row {
    std::array::from_fn(|i| v.get(i).copied().flatten())
}

/// The printed rows of the table's groups of numbers.
fn units(groups: &[Group], notes: &mut Vec<Note>) -> Vec<Unit> {
    let mut out = Vec::new();
    for g in groups {
        let mut cells = g.cells.clone();
        if g.tabbed {
            if cells.len() > 7 {
                trim_blanks(&mut cells, 7);
            }
            if cells.len() == 7 {
                let counts: Vec<Option<i64>> = cells.iter().map(count_of).collect();
                let mut cand = Cand::printed(row_of(&counts), Reading::Position);
                for (c, n) in cells.iter().enumerate() {
                    if n.is_some() && counts[c].is_none() {
                        cand.how[c] = Reading::Unread;
                    }
                }
                let mut cands = vec![cand];
                // One blank among six numbers may be a layout cell before a row that lost a
                // cell: its readings as six numbers compete with it as printed.
                if cells.iter().filter(|c| c.is_none()).count() == 1 {
                    let six: Vec<Option<i64>> = counts
                        .iter()
                        .zip(&cells)
                        .filter(|(_, n)| n.is_some())
                        .map(|(c, _)| *c)
                        .collect();
                    cands.extend(
                        dropped_cell(&six)
                            .into_iter()
                            .filter(|d| d.cells != cand.cells),
                    );
                }
                out.push(Unit {
                    at: g.at,
                    cands,
                    stray: false,
                    bounded: true,
                });
                continue;
            }
            if cells.iter().any(Option::is_none) {
                // A short row with blank cells: where the printed ones belong is unknown.
                out.push(Unit {
                    at: g.at,
                    cands: vec![Cand::unread()],
                    stray: false,
                    bounded: true,
                });
                continue;
            }
        }
        let nums: Vec<Num> = cells.into_iter().flatten().collect();
        segment(g.at, &nums, &mut out, notes);
    }
    out
}

/// Cuts a run of numbers into rows.
fn segment(at: usize, nums: &[Num], out: &mut Vec<Unit>, notes: &mut Vec<Note>) {
    let vals: Vec<Option<i64>> = nums.iter().map(Num::count).collect();
    let n = nums.len();
    let unit = |cands: Vec<Cand>, bounded: bool| Unit {
        at,
        cands,
        stray: false,
        bounded,
    };
    match n {
        0 => {}
        7 => out.push(unit(vec![printed_cand(&vals)], true)),
        _ if n > 7 => {
            if n.is_multiple_of(7) && vals.chunks(7).all(r3_holds) {
                for chunk in vals.chunks(7) {
                    out.push(unit(vec![printed_cand(chunk)], false));
                }
                return;
            }
            // The rows' bounds from their own sums; what fits no row is left out.
            let mut i = 0;
            let mut stray = 0;
            let mut found = 0;
            while i < n {
                if i + 7 <= n && r3_holds(&vals[i..i + 7]) {
                    let mut c = printed_cand(&vals[i..i + 7]);
                    c.how = [Reading::Arithmetic; 7];
                    out.push(unit(vec![c], false));
                    found += 1;
                    i += 7;
                } else {
                    stray += 1;
                    i += 1;
                }
            }
            if found == 0 {
                out.push(unit(vec![Cand::unread()], false));
            }
            if stray > 0 {
                notes.push(Note::StrayNumbers {
                    table: Table::Requests,
                    count: stray,
                });
            }
        }
        _ => {
            let plain = nums.iter().all(Num::is_plain);
            let sum_fits = n >= 2
                && vals.iter().all(Option::is_some)
                && vals[..n - 1].iter().flatten().sum::<i64>() == vals[n - 1].unwrap_or(-1);
            if plain && !sum_fits {
                let tokens: Vec<&str> = nums.iter().map(|x| x.digits.as_str()).collect();
                let mut cuts = run_together::row_of_seven(&tokens);
                // Most cells of real tables are 0: among readings that fit, try the sparser first.
                cuts.sort_by_key(|c| std::cmp::Reverse(c.iter().filter(|v| **v == 0).count()));
                if !cuts.is_empty() {
                    notes.push(Note::RunTogether {
                        table: Table::Requests,
                        readings: cuts.len(),
                    });
                    let cands = cuts
                        .into_iter()
                        .map(|c| Cand {
                            cells: c.map(Some),
                            how: [Reading::Arithmetic; 7],
                        })
                        .collect();
                    out.push(unit(cands, true));
                    return;
                }
            }
            if n == 6 {
                let cands = dropped_cell(&vals);
                if !cands.is_empty() {
                    out.push(unit(cands, true));
                    return;
                }
            }
            out.push(Unit {
                at,
                cands: vec![Cand::unread()],
                stray: n <= 2,
                bounded: true,
            });
        }
    }
}

fn printed_cand(vals: &[Option<i64>]) -> Cand {
    let mut c = Cand::printed(row_of(vals), Reading::Position);
    for (h, v) in c.how.iter_mut().zip(vals) {
        if v.is_none() {
            *h = Reading::Unread;
        }
    }
    c
}

/// Six numbers of a row of seven: each place the dropped cell may have stood in, its value
/// given by the row's sum (R3).
fn dropped_cell(vals: &[Option<i64>]) -> Vec<Cand> {
    let Some(v) = vals.iter().copied().collect::<Option<Vec<i64>>>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for gap in 0..7 {
        let mut cells = [0i64; 7];
        let mut it = v.iter();
        for (i, cell) in cells.iter_mut().enumerate() {
            if i != gap {
                *cell = *it.next().unwrap_or(&0);
            }
        }
        let missing = if gap == 6 {
            cells[..6].iter().sum::<i64>()
        } else {
            cells[6] - cells[..6].iter().sum::<i64>()
        };
        if missing < 0 {
            continue;
        }
        cells[gap] = missing;
        let mut how = [Reading::Position; 7];
        how[gap] = Reading::Arithmetic;
        let cand = Cand {
            cells: cells.map(Some),
            how,
        };
        if !out.iter().any(|c: &Cand| c.cells == cand.cells) {
            out.push(cand);
        }
    }
    out
}

/// Placements by order: every unit, then without the strays, then without the printed
/// subtotals — each where the count matches the format's rows.
fn order_placements(units: &[Unit], format: ReportFormat, notes: &mut Vec<Note>) -> Vec<Placement> {
    let n = RowId::all(format).count();
    let mut out: Vec<Placement> = Vec::new();
    let all: Vec<usize> = (0..units.len()).collect();
    let kept: Vec<usize> = all.iter().copied().filter(|&i| !units[i].stray).collect();
    for list in [all, kept] {
        let list = if list.len() > n {
            without_subtotals(units, &list, format, n, notes)
        } else {
            list
        };
        if list.len() == n {
            let p: Placement = list.into_iter().map(Some).collect();
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// Drops the units standing where a group's subtotal would, when they are the column sums of
/// the group's sub-rows that follow them.
fn without_subtotals(
    units: &[Unit],
    list: &[usize],
    format: ReportFormat,
    n: usize,
    notes: &mut Vec<Note>,
) -> Vec<usize> {
    let rows: Vec<RowId> = RowId::all(format).collect();
    let mut out: Vec<usize> = list.to_vec();
    let mut removed = Vec::new();
    for group in RowGroup::ALL {
        if out.len() <= n {
            break;
        }
        let subs: Vec<RowId> = group.rows(format).collect();
        if subs.len() < 2 {
            continue;
        }
        let Some(first) = rows.iter().position(|r| *r == subs[0]) else {
            continue;
        };
        // The subtotal stands just before the first sub-row.
        let Some(&candidate) = out.get(first) else {
            continue;
        };
        let single = |i: usize| -> Option<Row> {
            let u = units.get(i)?;
            (u.cands.len() == 1 && u.cands[0].cells.iter().all(Option::is_some))
                .then_some(u.cands[0].cells)
        };
        let Some(total) = single(candidate) else {
            continue;
        };
        let parts: Option<Vec<Row>> = (1..=subs.len())
            .map(|k| out.get(first + k).and_then(|&i| single(i)))
            .collect();
        let Some(parts) = parts else { continue };
        let adds_up = (0..7).all(|c| {
            parts.iter().map(|r| r[c].unwrap_or(0)).sum::<i64>() == total[c].unwrap_or(-1)
        });
        if adds_up {
            out.remove(first);
            removed.push(group);
        }
    }
    if out.len() == n {
        notes.extend(removed.into_iter().map(Note::Subtotal));
    }
    out
}

/// Picks each unit's reading so that the most sums hold, and makes a cell unread where two
/// readings that hold as many sums disagree.
fn evaluate(units: &[Unit], format: ReportFormat, basis: Basis, placement: Placement) -> Evaluated {
    let slots: Vec<RowId> = RowId::all(format).collect();
    let cands = |slot: usize| candidates(units, &placement, slot);
    let ambiguous: Vec<usize> = (0..slots.len()).filter(|&s| cands(s).len() > 1).collect();
    let unread = Cand::unread();
    let build = |choice: &[usize]| -> Vec<Cand> {
        (0..slots.len())
            .map(|s| cands(s).get(choice[s]).copied().unwrap_or(unread))
            .collect()
    };
    let mut choice = vec![0usize; slots.len()];
    let mut ties: Vec<Vec<usize>> = Vec::new();
    if !ambiguous.is_empty() {
        let combos = ambiguous
            .iter()
            .map(|&s| cands(s).len())
            .try_fold(1usize, |a, n| a.checked_mul(n))
            .unwrap_or(usize::MAX);
        if combos <= 4096 {
            let mut best = None;
            let mut current = choice.clone();
            for mut k in 0..combos {
                for &s in &ambiguous {
                    let n = cands(s).len();
                    current[s] = k % n;
                    k /= n;
                }
                let (ok, _) = sums(&slots, &build(&current));
                match best {
                    Some(b) if ok < b => {}
                    Some(b) if ok == b => {
                        if ties.len() < 64 {
                            ties.push(current.clone());
                        }
                    }
                    _ => {
                        best = Some(ok);
                        ties = vec![current.clone()];
                    }
                }
            }
            if let Some(first) = ties.first() {
                choice = first.clone();
            }
        } else {
            for _ in 0..3 {
                for &s in &ambiguous {
                    let mut best = (sums(&slots, &build(&choice)).0, choice[s]);
                    for c in 0..cands(s).len() {
                        choice[s] = c;
                        let ok = sums(&slots, &build(&choice)).0;
                        if ok > best.0 {
                            best = (ok, c);
                        }
                    }
                    choice[s] = best.1;
                }
            }
            // Too many combinations to try them all: any one change that holds as many sums
            // is a tie, and so is any reading of a slot that still breaks a sum.
            ties = vec![choice.clone()];
            let (best, failed) = sums(&slots, &build(&choice));
            for &s in &ambiguous {
                for c in 0..cands(s).len() {
                    let mut other = choice.clone();
                    other[s] = c;
                    if c != choice[s] && (failed > 0 || sums(&slots, &build(&other)).0 == best) {
                        ties.push(other);
                    }
                }
            }
        }
    }
    let mut rows = build(&choice);
    // Cells on which equally good readings disagree are not guessed.
    for tie in ties.iter().skip(1) {
        let other = build(tie);
        for (r, o) in rows.iter_mut().zip(&other) {
            for c in 0..7 {
                if r.cells[c] != o.cells[c] {
                    r.cells[c] = None;
                    r.how[c] = Reading::Unread;
                }
            }
        }
    }
    let (_, failed) = sums(&slots, &rows);
    let filled = placement.iter().flatten().count();
    let bounded = placement
        .iter()
        .flatten()
        .all(|&u| units.get(u).is_some_and(|u| u.bounded));
    Evaluated {
        format,
        basis,
        placement,
        rows,
        failed,
        filled,
        bounded,
    }
}

/// The readings of the unit a placement puts on a slot (none for an empty slot).
fn candidates<'a>(units: &'a [Unit], placement: &Placement, slot: usize) -> &'a [Cand] {
    placement
        .get(slot)
        .copied()
        .flatten()
        .and_then(|u| units.get(u))
        .map_or(&[][..], |u| u.cands.as_slice())
}

/// The sums of the table that can be checked: (how many hold, how many fail). R3 per row, R1
/// and R2 per column; a blank cell takes part in none.
fn sums(slots: &[RowId], rows: &[Cand]) -> (usize, usize) {
    let (mut ok, mut failed) = (0, 0);
    let mut tally = |holds: Option<bool>| match holds {
        Some(true) => ok += 1,
        Some(false) => failed += 1,
        None => {}
    };
    for r in rows {
        if r.cells.iter().all(Option::is_some) {
            tally(Some(r3_holds(&r.cells)));
        }
    }
    let Some([new, over, total, forward]) = r1_slots(slots) else {
        return (ok, failed);
    };
    let [new, over, total, forward] = [new, over, total, forward].map(|s| &rows[s].cells);
    for c in 0..7 {
        tally(match (new[c], over[c], total[c], forward[c]) {
            (Some(a), Some(b), Some(t), Some(f)) => Some(a + b == t + f),
            _ => None,
        });
        let parts: Option<i64> = slots
            .iter()
            .zip(rows)
            .filter(|(s, _)| s.is_outcome())
            .map(|(_, r)| r.cells[c])
            .sum();
        tally(match (parts, total[c]) {
            (Some(p), Some(t)) => Some(p == t),
            _ => None,
        });
    }
    (ok, failed)
}

/// The slots of the four rows of R1: 一 新收, 二 上年结转, （七）总计, 四 结转下年度.
fn r1_slots(slots: &[RowId]) -> Option<[usize; 4]> {
    let pos = |id: RowId| slots.iter().position(|s| *s == id);
    Some([
        pos(RowId::New)?,
        pos(RowId::CarriedOver)?,
        pos(RowId::Total)?,
        pos(RowId::CarriedForward)?,
    ])
}

/// The cells of the sums that fail.
fn failing_cells(slots: &[RowId], rows: &[Cand]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (s, r) in rows.iter().enumerate() {
        if r.cells.iter().all(Option::is_some) && !r3_holds(&r.cells) {
            out.extend((0..7).map(|c| (s, c)));
        }
    }
    let Some([new, over, total, forward]) = r1_slots(slots) else {
        return out;
    };
    for c in 0..7 {
        let v = |s: usize| rows[s].cells[c];
        if let (Some(a), Some(b), Some(t), Some(f)) = (v(new), v(over), v(total), v(forward))
            && a + b != t + f
        {
            out.extend([new, over, total, forward].map(|s| (s, c)));
        }
        let outcome: Vec<usize> = (0..slots.len())
            .filter(|&s| slots[s].is_outcome())
            .collect();
        let parts: Option<i64> = outcome.iter().map(|&s| v(s)).sum();
        if let (Some(p), Some(t)) = (parts, v(total))
            && p != t
        {
            out.extend(outcome.iter().map(|&s| (s, c)));
            out.push((total, c));
        }
    }
    out
}

/// Chooses the reading of the table among the placements tried.
fn decide(tried: &[Evaluated], notes: &mut Vec<Note>) -> (ReportFormat, Vec<Cand>) {
    let headings = &tried[0];
    let consistent: Vec<&Evaluated> = tried
        .iter()
        .filter(|e| e.failed == 0 && e.filled > 0)
        .collect();
    if let Some(first) = consistent.iter().max_by_key(|e| {
        (
            e.filled,
            e.format == headings.format,
            e.basis == Basis::Headings,
        )
    }) {
        let format = first.format;
        let best: Vec<&&Evaluated> = consistent
            .iter()
            .filter(|e| e.format == format && e.filled == first.filled)
            .collect();
        let mut rows = best[0].rows.clone();
        for e in &best[1..] {
            for (r, o) in rows.iter_mut().zip(&e.rows) {
                for c in 0..7 {
                    if r.cells[c] != o.cells[c] {
                        r.cells[c] = None;
                        r.how[c] = Reading::Unread;
                    }
                }
            }
        }
        let by_headings = best
            .iter()
            .find(|e| e.basis == Basis::Headings)
            .map(|e| &e.placement);
        let agrees = |s: usize| {
            by_headings.is_some_and(|h| best.iter().all(|e| e.placement.get(s) == h.get(s)))
        };
        for (s, r) in rows.iter_mut().enumerate() {
            for how in r.how.iter_mut() {
                if *how == Reading::Position && agrees(s) {
                    *how = Reading::Label;
                }
            }
        }
        if by_headings.is_none() {
            notes.push(Note::PlacedByOrder);
        }
        return (format, rows);
    }
    // Nothing adds up. The headings' reading stands where the order confirms it row for row
    // and every cell was printed: then the inconsistency is the report's own.
    let slots: Vec<RowId> = RowId::all(headings.format).collect();
    let failing = failing_cells(&slots, &headings.rows);
    let certain = headings.bounded
        && headings.placement.iter().all(Option::is_some)
        // A blank cell in a row whose sums fail may be a layout cell the numbers shifted past.
        && failing
            .iter()
            .all(|&(s, _)| headings.rows[s].cells.iter().all(Option::is_some))
        && tried.iter().any(|e| {
            e.basis == Basis::Order
                && e.format == headings.format
                && e.placement == headings.placement
        })
        && headings.rows.iter().all(|r| {
            r.how
                .iter()
                .all(|h| *h == Reading::Position || *h == Reading::Label)
        });
    let mut rows = headings.rows.clone();
    if certain {
        for r in &mut rows {
            r.how = [Reading::Label; 7];
        }
        return (headings.format, rows);
    }
    for (s, c) in failing {
        rows[s].cells[c] = None;
        rows[s].how[c] = Reading::Unread;
    }
    (headings.format, rows)
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

fn blank_requests(split_other: bool) -> Requests {
    let format = if split_other {
        ReportFormat::F2021
    } else {
        ReportFormat::F2019
    };
    let mut r = Requests::zeros(format);
    for row in RowId::all(format) {
        *r.row_mut(row) = [None; 7];
    }
    r
}
