//! The label stream of a table region and the groups of numbers found along it.
//!
//! Labels are matched by meaning: their text, whitespace removed, is concatenated into one
//! stream in which each official row heading is searched by its keywords, in table order. The
//! numbers keep their place along that stream, so a row's numbers are found even when its
//! label wraps around them or is printed after them.

use crate::lexer::{Num, Tok};

/// A run of numbers with no label text between them (or the value cells of a tabbed row).
#[derive(Debug, Clone)]
pub struct Group {
    /// Offset in the label stream (in chars) where the group stands.
    pub at: usize,
    pub cells: Vec<Option<Num>>,
    /// From a tab-separated row: blank cells are real.
    pub tabbed: bool,
}

impl Group {
    pub fn nums(&self) -> impl Iterator<Item = &Num> {
        self.cells.iter().flatten()
    }
}

#[derive(Debug, Default)]
pub struct Stream {
    pub label: Vec<char>,
    pub groups: Vec<Group>,
}

impl Stream {
    /// Builds the stream; a tabbed row of blank cells is kept only where `keep_blank_row` says
    /// so (given the row's cell count and label), since layout rows are blank too.
    pub fn build(toks: Vec<Tok>, keep_blank_row: impl Fn(usize, &str) -> bool) -> Self {
        let mut s = Stream::default();
        let mut open = false;
        for tok in toks {
            match tok {
                Tok::Text(t) => {
                    s.label.extend(t.chars());
                    open = false;
                }
                Tok::Num(n) => {
                    match s.groups.last_mut() {
                        Some(g) if open => g.cells.push(Some(n)),
                        _ => s.groups.push(Group {
                            at: s.label.len(),
                            cells: vec![Some(n)],
                            tabbed: false,
                        }),
                    }
                    open = true;
                }
                Tok::Row { cells, label } => {
                    open = false;
                    if cells.iter().any(Option::is_some) || keep_blank_row(cells.len(), &label) {
                        s.groups.push(Group {
                            at: s.label.len(),
                            cells,
                            tabbed: true,
                        });
                    }
                }
            }
        }
        s
    }

    /// The earliest match of any keyword at or after `from`: (start, end) in chars.
    pub fn find(&self, from: usize, keywords: &[&str]) -> Option<(usize, usize)> {
        keywords
            .iter()
            .filter_map(|k| find_chars(&self.label, from, k))
            .min_by_key(|m| m.0)
    }
}

/// Finds `needle` in `hay` at or after `from`; (start, end) in chars.
pub fn find_chars(hay: &[char], from: usize, needle: &str) -> Option<(usize, usize)> {
    let n: Vec<char> = needle.chars().collect();
    if n.is_empty() || from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(n.len())
        .position(|w| w == n.as_slice())
        .map(|p| (from + p, from + p + n.len()))
}

/// Which group goes to which anchor (row label). When there are as many groups as anchors,
/// they pair in table order, wherever the numbers were printed; otherwise each group goes to
/// the last label before it, or to the next one when that label already has its numbers.
pub fn assign(anchor_starts: &[usize], group_ats: &[usize]) -> Vec<Option<usize>> {
    let n = anchor_starts.len();
    if n == group_ats.len() {
        return (0..n).map(Some).collect();
    }
    let mut owner: Vec<Option<usize>> = vec![None; n];
    for (g, &at) in group_ats.iter().enumerate() {
        let before = anchor_starts.iter().rposition(|&a| a < at);
        let target = match before {
            Some(i) if owner[i].is_none() => Some(i),
            Some(i) => (i + 1 < n && owner[i + 1].is_none()).then_some(i + 1),
            None => owner.iter().position(Option::is_none),
        };
        if let Some(t) = target {
            owner[t] = Some(g);
        }
    }
    owner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_in_order_or_by_place() {
        assert_eq!(assign(&[0, 10], &[5, 15]), [Some(0), Some(1)]);
        // Numbers printed before their labels, one label missing its numbers.
        assert_eq!(assign(&[10, 20, 30], &[0, 12]), [Some(0), Some(1), None]);
        assert_eq!(assign(&[0, 10, 20], &[5, 25]), [Some(0), None, Some(1)]);
    }
}
