//! What tokens hold: their text as a record's span, their words, and
//! how much of them is inside quotation marks.

use crate::record::Span;
use crate::text::Tokens;

/// The text and code point range of tokens `first..=last`.
pub(super) fn span(t: &Tokens<'_>, first: usize, last: usize) -> Span {
    let a = &t.tokens[first];
    let b = &t.tokens[last];
    Span {
        text: t.text[a.byte_start..b.byte_end].to_owned(),
        start: a.start,
        end: b.end,
    }
}

/// Share of the letters and digits of tokens `first..=last` inside double
/// quotation marks.
pub(super) fn quoted_share(t: &Tokens<'_>, first: usize, last: usize) -> f32 {
    let (mut inside, mut all) = (0usize, 0usize);
    for i in first..=last {
        let n = t.str(i).chars().filter(|c| c.is_alphanumeric()).count();
        all += n;
        if t.tokens[i].in_quote {
            inside += n;
        }
    }
    if all == 0 {
        0.0
    } else {
        inside as f32 / all as f32
    }
}

/// Words (tokens with a letter or digit) of tokens `first..=last`, and how
/// many of them are inside quotation marks.
pub(super) fn word_counts(t: &Tokens<'_>, first: usize, last: usize) -> (usize, usize) {
    (first..=last)
        .filter(|&i| t.str(i).chars().any(char::is_alphanumeric))
        .fold((0, 0), |(w, q), i| {
            (w + 1, q + usize::from(t.tokens[i].in_quote))
        })
}

/// Appends the spans (first, last token) that a `begin`/`inside` label pair
/// marks in `labels`, whose first label is token `start`.
pub(super) fn spans_of(
    labels: &[usize],
    start: usize,
    (begin, inside): (usize, usize),
    out: &mut Vec<(usize, usize)>,
) {
    for (k, &l) in labels.iter().enumerate() {
        let i = start + k;
        if l == begin {
            out.push((i, i));
        } else if l == inside
            && let Some(c) = out.last_mut()
        {
            c.1 = i;
        }
    }
}
