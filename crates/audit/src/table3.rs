//! Table 3 — 政府信息公开行政复议、行政诉讼情况 (the report's 表四): one row of fifteen numbers.
//!
//! Fifteen numbers in a row are read by their place. More than fifteen: the windows whose three
//! blocks add up (R4). Fewer: the readings that add up — cells run together and cut apart, a
//! dropped cell recovered from its block's sum —, narrowed by the figures the narrative states.
//! A cell those readings disagree on is [`Reading::Unread`], never a guess.

use gongkai_domain::report::{BlockId, Cell, CellRef, NarrativeFigure, NarrativeKind, Review};

use crate::label_stream::Stream;
use crate::lexer::{Num, lex};
use crate::reading::{Note, Reading, Readings, Table};
use crate::run_together;

/// What table 3 yielded.
#[derive(Debug)]
pub struct Table3 {
    pub review: Review,
    pub readings: Readings,
}

/// Reads table 3; where several readings fit the arithmetic, the ones that agree with the
/// figures the narrative states (`hints`) are kept.
pub fn extract(region: &str, hints: &[NarrativeFigure], notes: &mut Vec<Note>) -> Table3 {
    let stream = Stream::build(lex(region), |n, _| n == 15);
    let (cells, mut how) = cells(&stream, hints, notes);
    // Fifteen numbers over several lines that do not add up may hold a stray (a page number)
    // in place of a dropped cell: the blocks that fail are not read.
    let lines = region
        .lines()
        .filter(|l| l.bytes().any(|b| b.is_ascii_digit()))
        .count();
    let mut cells = cells;
    if lines > 1 {
        for b in 0..3 {
            let block = &cells[b * 5..b * 5 + 5];
            if !blocks_add_up(block) && how[b * 5..b * 5 + 5].contains(&Reading::Position) {
                for (c, h) in cells[b * 5..b * 5 + 5]
                    .iter_mut()
                    .zip(&mut how[b * 5..b * 5 + 5])
                {
                    *c = None;
                    *h = Reading::Unread;
                }
            }
        }
    }
    let mut review = Review::default();
    let mut readings = Readings::default();
    for (b, block) in BlockId::ALL.into_iter().enumerate() {
        for column in 0..5 {
            let i = b * 5 + column;
            if let Some(c) = review.block_mut(block).cell_mut(column) {
                *c = cells[i];
            }
            readings.set(CellRef::Review { block, column }, how[i]);
        }
    }
    let unread = how.iter().filter(|h| **h == Reading::Unread).count();
    if unread > 0 {
        notes.push(Note::Unread {
            table: Table::Review,
            cells: unread,
        });
    }
    Table3 { review, readings }
}

/// The blocks add up (blank cells take part in no sum).
fn blocks_add_up(c: &[Cell]) -> bool {
    c.chunks(5).all(|b| match b {
        [Some(a), Some(b), Some(c), Some(d), Some(t)] => a + b + c + d == *t,
        _ => true,
    })
}

/// How many narrative figures a reading of table 3 agrees with.
fn agreement(reading: &[i64], hints: &[NarrativeFigure]) -> usize {
    hints
        .iter()
        .filter(|h| match h.kind {
            NarrativeKind::Reconsideration => reading[4] == h.value,
            NarrativeKind::Litigation => {
                reading[9] == h.value || reading[9] + reading[14] == h.value
            }
            _ => false,
        })
        .count()
}

type Cells = (Vec<Cell>, Vec<Reading>);

fn unread() -> Cells {
    (vec![None; 15], vec![Reading::Unread; 15])
}

fn cells(stream: &Stream, hints: &[NarrativeFigure], notes: &mut Vec<Note>) -> Cells {
    if let Some(g) = stream
        .groups
        .iter()
        .find(|g| g.tabbed && g.cells.len() == 15)
    {
        let cells: Vec<Cell> = g
            .cells
            .iter()
            .map(|c| c.as_ref().and_then(Num::count))
            .collect();
        let how = g
            .cells
            .iter()
            .zip(&cells)
            .map(|(n, c)| match (n, c) {
                (Some(_), None) => Reading::Unread,
                _ => Reading::Position,
            })
            .collect();
        return (cells, how);
    }
    let nums: Vec<&Num> = stream.groups.iter().flat_map(|g| g.nums()).collect();
    if nums.is_empty() {
        return unread();
    }
    let counts: Vec<Cell> = nums.iter().map(|n| n.count()).collect();
    if counts.len() == 15 {
        let how = counts
            .iter()
            .map(|c| {
                if c.is_some() {
                    Reading::Position
                } else {
                    Reading::Unread
                }
            })
            .collect();
        return (counts, how);
    }
    if counts.len() > 15 {
        notes.push(Note::ReviewNumbers {
            found: counts.len(),
        });
        let readings: Vec<Vec<i64>> = (0..=counts.len() - 15)
            .map(|s| &counts[s..s + 15])
            .filter(|w| w.iter().all(Option::is_some) && blocks_add_up(w))
            .map(|w| w.iter().flatten().copied().collect())
            .collect();
        return agreed(readings, hints);
    }
    // Fewer than fifteen: cells run together, or dropped.
    let mut readings: Vec<Vec<i64>> = Vec::new();
    if nums.iter().all(|n| n.is_plain()) {
        let tokens: Vec<&str> = nums.iter().map(|n| n.digits.as_str()).collect();
        let cuts = run_together::review_row(&tokens);
        if !cuts.is_empty() {
            notes.push(Note::RunTogether {
                table: Table::Review,
                readings: cuts.len(),
            });
        }
        readings.extend(cuts);
    }
    if counts.len() == 14
        && let Some(v) = counts.iter().copied().collect::<Option<Vec<i64>>>()
    {
        readings.extend(dropped_cell(&v));
    }
    agreed(readings, hints)
}

/// Fourteen numbers: each place the dropped cell may have stood in, its value given by its
/// block's sum, where every block then adds up.
fn dropped_cell(v: &[i64]) -> Vec<Vec<i64>> {
    let mut out: Vec<Vec<i64>> = Vec::new();
    for gap in 0..15 {
        let mut r: Vec<i64> = v.to_vec();
        r.insert(gap, 0);
        let b = gap / 5 * 5;
        let block = &r[b..b + 5];
        let missing = if gap % 5 == 4 {
            block[..4].iter().sum::<i64>()
        } else {
            block[4] - block[..4].iter().sum::<i64>()
        };
        if missing < 0 {
            continue;
        }
        r[gap] = missing;
        let cells: Vec<Cell> = r.iter().map(|x| Some(*x)).collect();
        if blocks_add_up(&cells) && !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// The readings that fit, narrowed to those the narrative agrees with most; a cell on which
/// they still disagree is unread.
fn agreed(readings: Vec<Vec<i64>>, hints: &[NarrativeFigure]) -> Cells {
    let best = readings
        .iter()
        .map(|r| agreement(r, hints))
        .max()
        .unwrap_or(0);
    let kept: Vec<&Vec<i64>> = readings
        .iter()
        .filter(|r| agreement(r, hints) == best)
        .collect();
    let Some(first) = kept.first() else {
        return unread();
    };
    let mut cells: Vec<Cell> = first.iter().map(|v| Some(*v)).collect();
    let mut how = vec![Reading::Arithmetic; 15];
    for r in &kept[1..] {
        for i in 0..15 {
            if cells[i] != Some(r[i]) {
                cells[i] = None;
                how[i] = Reading::Unread;
            }
        }
    }
    (cells, how)
}
