//! Recovering cells that a web crawler ran together (`21710000218` = 217·1·0·0·0·0·218).
//!
//! A bounded search over the ways to cut digit strings into numbers: every cut number has no
//! leading zero (except `0` itself) and at most [`MAX_DIGITS`] digits, the boundaries between
//! the printed tokens are kept, and only cuttings that satisfy the table's own arithmetic are
//! returned. Each search visits at most [`BUDGET`] nodes, so a hostile input costs little.

/// The longest number a cell may hold.
pub const MAX_DIGITS: usize = 9;
/// Search nodes per reading of a row (all the searches it takes together).
pub const BUDGET: usize = 20_000;
/// Cuttings returned per call at most.
pub const LIMIT: usize = 16;

/// The digits of each token, concatenated, with the offsets where a token ends.
struct Digits {
    bytes: Vec<u8>,
    /// `true` at an offset where a printed token ends: a cut is required there.
    boundary: Vec<bool>,
}

impl Digits {
    fn new(tokens: &[&str]) -> Option<Self> {
        let mut bytes = Vec::new();
        let mut boundary = vec![false];
        for t in tokens {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            bytes.extend_from_slice(t.as_bytes());
            boundary.resize(bytes.len(), false);
            boundary.push(true);
        }
        Some(Digits { bytes, boundary })
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
    /// Cuts required at or after `from` (token ends), not counting the very end.
    fn required_after(&self, from: usize) -> usize {
        self.boundary
            .get(from + 1..self.len())
            .map_or(0, |b| b.iter().filter(|x| **x).count())
    }
    fn value(&self, from: usize, to: usize) -> Option<i64> {
        let s = self.bytes.get(from..to)?;
        if s.is_empty() || s.len() > MAX_DIGITS || (s.len() > 1 && s[0] == b'0') {
            return None;
        }
        s.iter()
            .try_fold(0i64, |acc, b| Some(acc * 10 + i64::from(b - b'0')))
    }
}

struct Search<'a, P, A> {
    digits: &'a Digits,
    parts: usize,
    prune: P,
    accept: A,
    budget: usize,
    found: Vec<Vec<i64>>,
}

impl<P: Fn(&[i64]) -> bool, A: Fn(&[i64]) -> bool> Search<'_, P, A> {
    fn run(&mut self, pos: usize, cut: &mut Vec<i64>) {
        if self.budget == 0 || self.found.len() >= LIMIT {
            return;
        }
        self.budget -= 1;
        let n = self.digits.len();
        if cut.len() == self.parts {
            if pos == n && (self.accept)(cut) {
                self.found.push(cut.clone());
            }
            return;
        }
        let left_after = self.parts - cut.len() - 1;
        for end in pos + 1..=n.min(pos + MAX_DIGITS) {
            // A cut may not cross a token boundary.
            if end > pos + 1 && self.digits.boundary[end - 1] {
                break;
            }
            let Some(v) = self.digits.value(pos, end) else {
                break;
            };
            let digits_left = n - end;
            if left_after > digits_left
                || (end < n && self.digits.required_after(end) + 1 > left_after)
                || (left_after == 0 && end != n)
            {
                continue;
            }
            cut.push(v);
            if (self.prune)(cut) {
                self.run(end, cut);
            }
            cut.pop();
        }
    }
}

/// Every way (up to [`LIMIT`]) to cut `tokens` into `parts` numbers that `accept` takes;
/// `prune` rejects a partial cutting early.
pub fn cut(
    tokens: &[&str],
    parts: usize,
    prune: impl Fn(&[i64]) -> bool,
    accept: impl Fn(&[i64]) -> bool,
) -> Vec<Vec<i64>> {
    cut_within(tokens, parts, prune, accept, &mut BUDGET.clone())
}

/// [`cut`] spending at most `budget` search nodes (what is left stays in `budget`).
fn cut_within(
    tokens: &[&str],
    parts: usize,
    prune: impl Fn(&[i64]) -> bool,
    accept: impl Fn(&[i64]) -> bool,
    budget: &mut usize,
) -> Vec<Vec<i64>> {
    let Some(digits) = Digits::new(tokens) else {
        return Vec::new();
    };
    if parts == 0 || digits.len() < parts || tokens.len() > parts {
        return Vec::new();
    }
    let mut search = Search {
        digits: &digits,
        parts,
        prune,
        accept,
        budget: *budget,
        found: Vec::new(),
    };
    search.run(0, &mut Vec::with_capacity(parts));
    *budget = search.budget;
    search.found
}

/// A row of table 2: six applicant columns that add up to the seventh (总计).
pub fn row_of_seven(tokens: &[&str]) -> Vec<[i64; 7]> {
    let Some(last) = tokens.last() else {
        return Vec::new();
    };
    if !tokens
        .iter()
        .all(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut budget = BUDGET;
    // The total is at least as long as any part, so fix it first and cut the rest below it.
    for total_len in 1..=last.len().min(MAX_DIGITS) {
        let split_at = last.len() - total_len;
        let (head, tail) = (&last[..split_at], &last[split_at..]);
        if tail.len() > 1 && tail.starts_with('0') {
            continue;
        }
        let Ok(total) = tail.parse::<i64>() else {
            continue;
        };
        let mut rest: Vec<&str> = tokens[..tokens.len() - 1].to_vec();
        if !head.is_empty() {
            rest.push(head);
        }
        if rest.is_empty() {
            continue;
        }
        let cuts = cut_within(
            &rest,
            6,
            |p| p.iter().sum::<i64>() <= total,
            |p| p.iter().sum::<i64>() == total,
            &mut budget,
        );
        for c in cuts {
            out.push([c[0], c[1], c[2], c[3], c[4], c[5], total]);
        }
        if out.len() >= LIMIT || budget == 0 {
            break;
        }
    }
    out
}

/// Table 3: three blocks of five (维持, 纠正, 其他, 尚未审结, 总计), each adding up.
pub fn review_row(tokens: &[&str]) -> Vec<Vec<i64>> {
    let block_ok = |p: &[i64]| {
        if p.len().is_multiple_of(5) {
            let b = &p[p.len() - 5..];
            b[0] + b[1] + b[2] + b[3] == b[4]
        } else {
            true
        }
    };
    cut(tokens, 15, block_ok, |_| true)
}

/// `parts` numbers with no arithmetic to check them (a row of table 1): the cutting whose
/// numbers have the most even lengths, or `None` when nothing fits.
pub fn balanced(tokens: &[&str], parts: usize) -> Option<(Vec<i64>, bool)> {
    let all = cut(tokens, parts, |_| true, |_| true);
    let spread = |c: &Vec<i64>| {
        let lens: Vec<usize> = c.iter().map(|v| v.to_string().len()).collect();
        let max = lens.iter().copied().max().unwrap_or(0);
        let min = lens.iter().copied().min().unwrap_or(0);
        max - min
    };
    let best = all.iter().map(spread).min()?;
    let mut winners = all.iter().filter(|c| spread(c) == best);
    let first = winners.next()?.clone();
    let unique = winners.next().is_none();
    Some((first, unique))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pingtan_rows() {
        assert_eq!(
            row_of_seven(&["21710000218"]),
            vec![[217, 1, 0, 0, 0, 0, 218]]
        );
        assert_eq!(row_of_seven(&["640020470"]), vec![[64, 0, 0, 2, 0, 4, 70]]);
        assert_eq!(row_of_seven(&["500000", "5"]), vec![[5, 0, 0, 0, 0, 0, 5]]);
        assert_eq!(row_of_seven(&["0000000"]), vec![[0; 7]]);
        assert!(row_of_seven(&["18", "18"]).is_empty());
    }

    #[test]
    fn review_blocks() {
        let r = review_row(&["10203120001200000"]);
        assert_eq!(r[0], vec![1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn balanced_cut_and_bounds() {
        assert_eq!(balanced(&["693665"], 3), Some((vec![69, 36, 65], true)));
        assert_eq!(balanced(&["000"], 3), Some((vec![0, 0, 0], true)));
        // A long hostile run stays within the budget.
        let long = "1".repeat(300);
        assert!(row_of_seven(&[long.as_str()]).len() <= LIMIT);
    }
}
