//! The last stage: speakers resolved to names, quotes written out.

use super::assembly::Found;
use super::words::{quoted_share, span};
use crate::entities::people::Names;
use crate::record::{Quote, QuoteKind};
use crate::text::Tokens;

/// The quotes written out: each speaker resolved to a name (a pronoun
/// to the person named before it), and the kind read from the share of
/// the content inside quotation marks.
pub(super) fn write(t: &Tokens<'_>, found: Vec<Found>, names: &Names) -> Vec<Quote> {
    let mut resolved: Vec<(usize, String)> = Vec::new();
    let mut quotes = Vec::with_capacity(found.len());
    for f in found {
        let speaker_name = f
            .source
            .and_then(|s| names.resolve(t, s.0, s.1 + 1, &resolved));
        // Only people are antecedents of a later "he" or "she".
        if let (Some(s), Some(name)) = (f.source, &speaker_name)
            && names.knows(name)
        {
            resolved.push((s.0, name.clone()));
        }
        let share = quoted_share(t, f.first, f.last);
        let kind = if share >= 0.8 {
            QuoteKind::Direct
        } else if share > 0.0 {
            QuoteKind::Mixed
        } else {
            QuoteKind::Indirect
        };
        quotes.push(Quote {
            kind,
            content: span(t, f.first, f.last),
            cue: f.cue.map(|c| span(t, c.0, c.1)),
            speaker: f.source.map(|s| span(t, s.0, s.1)),
            speaker_name,
        });
    }
    quotes
}
