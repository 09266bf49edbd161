//! Quotes from the kept readings: each token of content claimed by one
//! cue, and a quotation read from its opening mark run to its closing
//! mark.

use super::reading::Reading;
use crate::text::{Tokens, is_double_mark};

/// A quote before it is written out: token ranges.
pub(super) struct Found {
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) cue: Option<(usize, usize)>,
    pub(super) source: Option<(usize, usize)>,
}

/// A quotation read from its opening mark runs to its closing mark in the
/// same paragraph when nothing else was read in between ("“What has
/// happened is this. The campaign has sent ...”" is one quote, not its
/// first sentence).
pub(super) fn close_quotations(t: &Tokens<'_>, runs: &[Option<u32>], found: &mut [Found]) {
    found.sort_unstable_by_key(|f| f.first);
    for k in 0..found.len() {
        let f = &found[k];
        let Some(run) = runs[f.first] else { continue };
        if !is_double_mark(t.str(f.first)) || runs.get(f.last + 1).copied().flatten() != Some(run) {
            continue;
        }
        let mut end = f.last;
        while end + 1 < t.len()
            && runs[end + 1] == Some(run)
            && t.tokens[end + 1].paragraph == t.tokens[f.first].paragraph
        {
            end += 1;
        }
        let next = found.get(k + 1).map_or(usize::MAX, |n| n.first);
        let cue_inside = found[k]
            .cue
            .is_some_and(|(c, _)| c > found[k].last && c <= end);
        if end < next && !cue_inside {
            found[k].last = end;
        }
    }
}

/// The quotes the readings claim. A token of content belongs to one
/// quote only: where two cues claim overlapping content, the cue nearer to
/// it keeps it.
pub(super) fn claim(t: &Tokens<'_>, readings: &[Reading]) -> Vec<Found> {
    // A cue inside another cue's content is part of what was said, not an
    // attribution of its own ("X called for Y, sources said").
    let inside = |r: &Reading, o: &Reading| o.holds_cue_of(r);
    let nested: Vec<bool> = readings
        .iter()
        .map(|r| {
            readings
                .iter()
                .any(|o| !std::ptr::eq(r, o) && inside(r, o) && !inside(o, r))
        })
        .collect();
    let mut claims: Vec<(usize, usize, (usize, usize))> = Vec::new();
    for (r, reading) in readings.iter().enumerate() {
        if nested[r] {
            continue;
        }
        let (cf, cl) = reading.cue;
        for &c in &reading.contents {
            if !(c.0..=c.1).any(|i| t.str(i).chars().any(char::is_alphanumeric)) {
                continue;
            }
            let gap = if c.1 < cf {
                cf - c.1
            } else {
                c.0.saturating_sub(cl)
            };
            claims.push((gap, r, c));
        }
    }
    claims.sort_unstable();
    let mut taken: Vec<(usize, usize, usize)> = Vec::new();
    for (_, r, c) in claims {
        if taken.iter().all(|&(_, a, b)| c.1 < a || b < c.0) {
            taken.push((r, c.0, c.1));
        }
    }
    taken
        .into_iter()
        .map(|(r, first, last)| Found {
            first,
            last,
            cue: Some(readings[r].cue),
            source: readings[r].source,
        })
        .collect()
}
