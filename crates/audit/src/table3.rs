//! Table 3 — 政府信息公开行政复议、行政诉讼情况: one row of fifteen numbers.

use gongkai_domain::report::{Cell, NarrativeFigure, NarrativeKind, Review, ReviewBlock};

use crate::lexer::{Num, lex};
use crate::split;
use crate::stream::Stream;

/// Reads table 3; where run-together cells fit the arithmetic several ways, the reading that
/// agrees with the figures the narrative states (`hints`) is taken.
pub fn extract(region: &str, hints: &[NarrativeFigure], notes: &mut Vec<String>) -> Option<Review> {
    let stream = Stream::build(lex(region), |n, _| n == 15);
    let cells = cells(&stream, hints, notes)?;
    let block = |i: usize| ReviewBlock {
        upheld: cells[i],
        corrected: cells[i + 1],
        other: cells[i + 2],
        pending: cells[i + 3],
        total: cells[i + 4],
    };
    Some(Review {
        reconsideration: block(0),
        litigation_direct: block(5),
        litigation_after_reconsideration: block(10),
    })
}

fn blocks_add_up(c: &[Cell]) -> bool {
    c.chunks(5).all(|b| match b {
        [Some(a), Some(b), Some(c), Some(d), Some(t)] => a + b + c + d == *t,
        _ => true,
    })
}

/// Most cells of real tables are 0: of two readings that fit, the sparser is likelier.
fn zeros(reading: &[i64]) -> usize {
    reading.iter().filter(|v| **v == 0).count()
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

fn cells(stream: &Stream, hints: &[NarrativeFigure], notes: &mut Vec<String>) -> Option<Vec<Cell>> {
    if let Some(g) = stream
        .groups
        .iter()
        .find(|g| g.tabbed && g.cells.len() == 15)
    {
        return Some(
            g.cells
                .iter()
                .map(|c| c.as_ref().and_then(Num::count))
                .collect(),
        );
    }
    let nums: Vec<&Num> = stream.groups.iter().flat_map(|g| g.nums()).collect();
    if nums.is_empty() {
        notes.push("table 3: no numbers found".into());
        return None;
    }
    let counts: Vec<Cell> = nums.iter().map(|n| n.count()).collect();
    if counts.len() >= 15 {
        let window = (0..=counts.len() - 15)
            .find(|&s| blocks_add_up(&counts[s..s + 15]))
            .unwrap_or(0);
        if counts.len() > 15 {
            notes.push(format!(
                "table 3: {} numbers found; 15 are read",
                counts.len()
            ));
        }
        return Some(counts[window..window + 15].to_vec());
    }
    if nums.iter().all(|n| n.is_plain()) {
        let tokens: Vec<&str> = nums.iter().map(|n| n.digits.as_str()).collect();
        let cuts = split::review_row(&tokens);
        let best = cuts
            .iter()
            .enumerate()
            .max_by_key(|(i, c)| (agreement(c, hints), zeros(c), std::cmp::Reverse(*i)))
            .map(|(_, c)| c);
        if let Some(best) = best {
            if cuts.len() > 1 {
                notes.push(format!(
                    "table 3: printed without separators; {} readings fit, the one the narrative agrees with (or the first) is used",
                    cuts.len()
                ));
            }
            return Some(best.iter().map(|v| Some(*v)).collect());
        }
    }
    notes.push(format!(
        "table 3: only {} of 15 cells printed; their places are unknown, the rest read as blank",
        counts.len()
    ));
    let mut out = counts;
    out.resize(15, None);
    Some(out)
}
