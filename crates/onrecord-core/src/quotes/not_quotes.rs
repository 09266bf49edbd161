//! Quotation marks that hold no statement: scare quotes, titles, names
//! given ("dubbed"), and asking for anonymity.

use super::assembly::Found;
use super::words::word_counts;
use crate::text::Tokens;

/// Drops what is quoted but not said: scare quotes and nicknames, titles,
/// namings ("a chapter titled ...") and requests for anonymity.
pub(super) fn drop_not_quotes(t: &Tokens<'_>, found: &mut Vec<Found>) {
    // A short quoted phrase stands when a cue right before it claims it
    // ("call them “lone wolves”", "has used the phrase “Islamic
    // terrorism”"): it is the naming, not a scare quote.
    let claimed = |f: &Found| {
        f.cue
            .is_some_and(|(_, cl)| cl < f.first && f.first - cl <= 3)
            && (f.first..=f.last)
                .filter(|&i| t.str(i).chars().any(char::is_alphanumeric))
                .all(|i| t.tokens[i].in_quote)
    };
    // Titles and nicknames are named, not said ("a chapter titled
    // “Arrogant,”").
    let naming = |f: &Found| {
        f.cue.is_some_and(|(c, cl)| {
            c == cl
                && matches!(
                    t.str(c).to_lowercase().as_str(),
                    "titled" | "entitled" | "dubbed" | "nicknamed" | "headlined" | "headline"
                )
        })
    };
    // Asking for anonymity is not a statement ("who asked not to be
    // named", "spoke on condition of anonymity").
    let anonymity = |f: &Found| {
        f.cue.is_some_and(|(_, cl)| {
            let after: Vec<String> = (cl + 1..(cl + 6).min(t.len()))
                .map(|i| t.str(i).to_lowercase())
                .collect();
            let after: Vec<&str> = after.iter().map(String::as_str).collect();
            after.starts_with(&["not", "to", "be"])
                || after.contains(&"anonymity")
                || after.starts_with(&["anonymously"])
        })
    };
    found.retain(|f| {
        !naming(f)
            && !anonymity(f)
            && !title_case_quote(t, f.first, f.last)
            && (claimed(f) || !scare_quote(t, f.first, f.last))
    });
}

/// A short phrase around a quoted word or two ("the “ceasefire”"): a
/// scare quote or nickname, not a quote.
fn scare_quote(t: &Tokens<'_>, first: usize, last: usize) -> bool {
    let (words, quoted) = word_counts(t, first, last);
    let sentence_inside = (first..=last)
        .any(|i| t.tokens[i].in_quote && matches!(t.str(i), "." | "?" | "!" | "," | "..."));
    quoted > 0 && quoted <= SCARE_QUOTE_WORDS && words <= 6 && !sentence_inside
}

/// A title in title case ("“The Steve Harvey Morning Show,”", "State of
/// the Union.", the film “War and Peace”): every quoted word capitalised
/// but short function words; a title even where a cue claims it ("spoke
/// on “Face the Nation”").
fn title_case_quote(t: &Tokens<'_>, first: usize, last: usize) -> bool {
    let is_word = |i: usize| t.str(i).chars().any(char::is_alphanumeric);
    let (words, quoted) = word_counts(t, first, last);
    let quoted_words: Vec<&str> = (first..=last)
        .filter(|&i| is_word(i) && t.tokens[i].in_quote)
        .map(|i| t.str(i))
        .collect();
    let small = |w: &str| {
        matches!(
            w,
            "of" | "the" | "and" | "a" | "an" | "in" | "on" | "for" | "to" | "at" | "with"
        )
    };
    let capitalised = quoted_words
        .iter()
        .filter(|w| w.starts_with(char::is_uppercase))
        .count();
    // A rating or a sentence ("“Mostly True.”") is said, not a title;
    // but not after a possessive, which names a show or a book whatever
    // its punctuation ("on CNN's “State of the Union.”").
    let possessed = first > 0 && {
        let w = t.str(first - 1);
        w.ends_with("'s") || w.ends_with("’s")
    };
    let ends_sentence = !possessed
        && (first..=last).any(|i| t.tokens[i].in_quote && matches!(t.str(i), "." | "?" | "!"));
    quoted == words
        && (2..=6).contains(&quoted)
        && capitalised >= 2
        && quoted_words
            .iter()
            .all(|w| w.starts_with(char::is_uppercase) || small(w))
        && !ends_sentence
}

/// Quoted words up to which a short quoted phrase counts as a scare quote.
const SCARE_QUOTE_WORDS: usize = 3;
