//! Quotations no cue claimed, attributed to a speaker nearby.

use super::assembly::Found;
use super::reading::Reading;
use crate::text::Tokens;

/// Words in a quotation for it to stand as a quote without a cue: shorter
/// quoted phrases are scare quotes, titles and nicknames.
const ORPHAN_MIN_WORDS: usize = 5;

/// Quotations no cue claimed. A long one is still a quote: attributed by a
/// dash line after it ("..." ― Karen Bobadilla), to the speaker of the quote
/// before it in its paragraph, to a speaker named in the next sentence, to
/// the speaker of the next quote in its paragraph, or (when it opens a
/// paragraph) to the speaker of the quote that ends the paragraph before;
/// otherwise it is left out.
pub(super) fn orphan_quotes(
    t: &Tokens<'_>,
    runs: &[Option<u32>],
    readings: &[Reading],
    found: &mut Vec<Found>,
) {
    let mut i = 0;
    while i < t.len() {
        let Some(run) = runs[i] else {
            i += 1;
            continue;
        };
        let first = i;
        let mut last = i;
        while last + 1 < t.len() && runs[last + 1] == Some(run) {
            last += 1;
        }
        i = last + 1;
        let words = (first..=last)
            .filter(|&k| t.str(k).chars().any(char::is_alphanumeric))
            .count();
        if words < ORPHAN_MIN_WORDS || found.iter().any(|f| f.first <= last && first <= f.last) {
            continue;
        }
        let mut cue = None;
        let mut source = None;
        let dash = last + 1;
        if dash + 1 < t.len()
            && matches!(t.str(dash), "―" | "—" | "–" | "-" | "--")
            && t.tokens[dash + 1].paragraph == t.tokens[last].paragraph
            && t.str(dash + 1)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        {
            let mut end = dash + 1;
            while end + 1 < t.len()
                && end - dash < 6
                && t.tokens[end + 1].paragraph == t.tokens[dash].paragraph
                && t.str(end + 1)
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
            {
                end += 1;
            }
            cue = Some((dash, dash));
            source = Some((dash + 1, end));
        } else {
            let para = t.tokens[first].paragraph;
            let prev = found
                .iter()
                .filter(|f| f.last < first && f.source.is_some())
                .max_by_key(|f| f.last);
            let next_sentence = t.tokens[last].sentence + 1;
            let named_next = readings.iter().find(|r| {
                r.source.is_some()
                    && t.tokens[r.cue.0].sentence == next_sentence
                    && t.tokens[r.cue.0].paragraph == para
            });
            let next = found
                .iter()
                .filter(|f| f.first > last && f.source.is_some())
                .min_by_key(|f| f.first);
            let from = if let Some(p) = prev.filter(|f| t.tokens[f.last].paragraph == para) {
                // "“A,” said X. “B.”"
                Some((p.cue, p.source))
            } else if let Some(r) = named_next {
                // "“A.” X said so."
                Some((Some(r.cue), r.source))
            } else if let Some(n) = next.filter(|f| t.tokens[f.first].paragraph == para) {
                // "“A.” “B,” he said."
                Some((n.cue, n.source))
            } else {
                // A paragraph that goes on with the quote before it.
                prev.filter(|f| t.tokens[f.last].paragraph + 1 == para && t.starts_paragraph(first))
                    .map(|p| (p.cue, p.source))
            };
            if let Some((c, s)) = from {
                cue = c;
                source = s;
            }
        }
        // Who said it is the point: a quotation with no speaker in reach
        // is left out (in PolNeAR these are mostly unattributed slogans,
        // headlines and lyrics).
        if source.is_none() {
            continue;
        }
        found.push(Found {
            first,
            last,
            cue,
            source,
        });
    }
}
