//! Transcripts: "NAME: ..." paragraphs as turns of their speakers.

use super::assembly::Found;
use crate::text::{Tokens, is_double_mark};

/// Transcripts: paragraphs that open with a name in capitals and a colon
/// ("WALLACE: Let's start ...", also inside one long quotation) are turns,
/// each its speaker's own quote, whatever the tagger read over them. Two
/// speakers at least make a transcript (a lone "WASHINGTON:" is a dateline).
pub(super) fn transcript_turns(t: &Tokens<'_>, found: &mut Vec<Found>) {
    let caps = |i: usize| {
        let w = t.str(i);
        w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase)
    };
    // (name first, name last, colon, paragraph's last token)
    let mut turns: Vec<(usize, usize, usize, usize)> = Vec::new();
    for p in (0..t.len()).filter(|&i| t.starts_paragraph(i)) {
        let start = if is_double_mark(t.str(p)) { p + 1 } else { p };
        let mut k = start;
        while k < t.len() && k - start < 3 && caps(k) {
            k += 1;
        }
        if k == start || k >= t.len() || t.str(k) != ":" {
            continue;
        }
        let mut end = k;
        while end + 1 < t.len() && !t.starts_paragraph(end + 1) {
            end += 1;
        }
        if end > k {
            turns.push((start, k - 1, k, end));
        }
    }
    let speakers: std::collections::HashSet<&str> = turns.iter().map(|x| t.str(x.0)).collect();
    if turns.len() < 2 || speakers.len() < 2 {
        return;
    }
    // What the tagger read over the turns keeps only what comes before
    // the first of them.
    let opens = |x: &(usize, usize, usize, usize)| {
        if x.0 > 0 && is_double_mark(t.str(x.0 - 1)) {
            x.0 - 1
        } else {
            x.0
        }
    };
    found.retain_mut(
        |f| match turns.iter().find(|x| opens(x) <= f.last && f.first <= x.3) {
            None => true,
            Some(x) if opens(x) > f.first => {
                f.last = opens(x) - 1;
                (f.first..=f.last).any(|i| t.str(i).chars().any(char::is_alphanumeric))
            }
            Some(_) => false,
        },
    );
    for (first, last, colon, end) in turns {
        found.push(Found {
            first: colon + 1,
            last: end,
            cue: Some((colon, colon)),
            source: Some((first, last)),
        });
    }
    found.sort_unstable_by_key(|f| f.first);
}
