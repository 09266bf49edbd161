//! Tokens, sentences and quotation-mark state for English news text.
//!
//! Written here rather than taken from `unicode-segmentation`: the taggers
//! need news-specific rules that UAX #29 does not give (abbreviations such as
//! "Mr." and "U.S." stay one token and do not end a sentence, a closing
//! quotation mark after a full stop belongs to the sentence before it, and
//! every token carries both byte and code point offsets so that spans can be
//! reported in code points without a second pass).

/// One token: a word, a number or a punctuation mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte range in the text.
    pub(crate) byte_start: usize,
    pub(crate) byte_end: usize,
    /// Code point range in the text.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Index of the sentence that holds the token.
    pub(crate) sentence: u32,
    /// Index of the paragraph (text between blank or line breaks).
    pub(crate) paragraph: u32,
    /// Inside double quotation marks (the marks themselves count as inside).
    pub(crate) in_quote: bool,
}

/// A tokenised text.
#[derive(Debug, Clone)]
pub(crate) struct Tokens<'a> {
    pub(crate) text: &'a str,
    pub(crate) tokens: Vec<Token>,
    /// Token ranges of sentences, in order.
    pub(crate) sentences: Vec<std::ops::Range<usize>>,
}

impl<'a> Tokens<'a> {
    /// Tokens given as code point ranges of `text` (in order, within it),
    /// one sentence: for words a treebank has already cut.
    pub(crate) fn from_spans(text: &'a str, spans: &[(usize, usize)]) -> Tokens<'a> {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        let byte = |c: usize| bytes.get(c).copied().unwrap_or(text.len());
        let tokens = spans
            .iter()
            .map(|&(start, end)| Token {
                byte_start: byte(start),
                byte_end: byte(end),
                start,
                end,
                sentence: 0,
                paragraph: 0,
                in_quote: false,
            })
            .collect();
        Tokens {
            text,
            tokens,
            sentences: std::iter::once(0..spans.len()).collect(),
        }
    }

    pub(crate) fn str(&self, i: usize) -> &'a str {
        let t = &self.tokens[i];
        &self.text[t.byte_start..t.byte_end]
    }

    pub(crate) fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether a line break separates token `i` from the one before it.
    pub(crate) fn starts_paragraph(&self, i: usize) -> bool {
        i == 0 || self.tokens[i - 1].paragraph != self.tokens[i].paragraph
    }
}

/// Abbreviations that keep their full stop and do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm",
    "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "no", "sept", "jan", "feb", "mar", "apr",
    "aug", "oct", "nov", "dec", "rev", "prof", "pres", "ft", "mt", "atty", "supt", "det", "insp",
    "messrs", "gens", "reps", "sens", "govs", "ave", "blvd", "dept", "est", "fig", "approx", "etc",
    "al", "ph", "jul", "jun",
];

fn is_abbreviation(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    if w.is_empty() {
        return false;
    }
    // Initials and dotted forms: "J", "U.S", "a.m".
    if w.chars().count() == 1 && w.chars().all(char::is_alphabetic) {
        return true;
    }
    if w.contains('.') && w.split('.').all(|p| p.chars().count() <= 2) {
        return true;
    }
    let lower = w.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Abbreviations after which a capitalised word still need not start a new
/// sentence: titles and initials. "U.S." may end a sentence.
fn is_title_abbreviation(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    if w.chars().count() == 1 {
        return w.chars().all(char::is_uppercase);
    }
    let lower = w.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "sen"
            | "rep"
            | "gov"
            | "gen"
            | "lt"
            | "col"
            | "sgt"
            | "capt"
            | "adm"
            | "st"
            | "rev"
            | "prof"
            | "pres"
            | "atty"
            | "messrs"
            | "no"
            | "sept"
            | "jan"
            | "feb"
            | "aug"
            | "oct"
            | "nov"
            | "dec"
            | "det"
            | "mt"
            | "ft"
    )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_dash_in_word(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

/// Quotation marks: returns `Some(true)` for a mark that opens, `Some(false)`
/// for one that closes, `None` for straight marks whose role depends on the
/// context.
fn double_mark(s: &str) -> Option<Option<bool>> {
    match s {
        "“" | "«" | "„" | "``" => Some(Some(true)),
        "”" | "»" => Some(Some(false)),
        // Two apostrophes stand for a straight double mark in some archives.
        "\"" | "''" => Some(None),
        _ => None,
    }
}

/// Whether a token string is a double quotation mark.
pub(crate) fn is_double_mark(s: &str) -> bool {
    double_mark(s).is_some()
}

/// Splits `text` into tokens and sentences.
pub(crate) fn tokenize(text: &str) -> Tokens<'_> {
    let mut raw: Vec<(usize, usize, usize, usize)> = Vec::new();
    // Line breaks seen since the last token: paragraph boundaries.
    let mut breaks: Vec<bool> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |ci: usize| if ci < n { chars[ci].0 } else { text.len() };
    let ch = |ci: usize| if ci < n { chars[ci].1 } else { ' ' };
    let mut i = 0;
    let mut newline_pending = false;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            if c == '\n' || c == '\u{2029}' {
                newline_pending = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < n {
                let c = ch(j);
                if c.is_alphanumeric() {
                    j += 1;
                    continue;
                }
                let prev = ch(j - 1);
                let next = ch(j + 1);
                let joins = (is_apostrophe(c) || is_dash_in_word(c) || c == '&')
                    && prev.is_alphanumeric()
                    && next.is_alphanumeric()
                    || (c == '.' && prev.is_alphanumeric() && next.is_alphanumeric())
                    || ((c == ',' || c == ':') && prev.is_ascii_digit() && next.is_ascii_digit());
                if joins {
                    j += 2;
                    continue;
                }
                break;
            }
            // A trailing full stop joins an abbreviation.
            if ch(j) == '.' && ch(j + 1) != '.' {
                let word = &text[byte_at(start)..byte_at(j)];
                if is_abbreviation(word) {
                    j += 1;
                }
            }
            i = j;
        } else if c == '.' || c == '-' || c == '—' || c == '–' || c == '?' || c == '!' {
            // Runs of the same mark are one token: "...", "--", "?!".
            let mut j = i + 1;
            while j < n && (ch(j) == c || (c != '.' && matches!(ch(j), '?' | '!'))) {
                j += 1;
            }
            i = j;
        } else if c == '\'' && ch(i + 1) == '\'' || c == '`' && ch(i + 1) == '`' {
            i += 2;
        } else {
            i += 1;
        }
        raw.push((byte_at(start), byte_at(i), start, i));
        breaks.push(newline_pending);
        newline_pending = false;
    }

    let mut tokens = Vec::with_capacity(raw.len());
    let mut sentences = Vec::new();
    let mut sentence = 0u32;
    let mut paragraph = 0u32;
    let mut sentence_start = 0usize;
    let mut in_quote = false;
    let mut pending_end = false;
    for (k, &(bs, be, s, e)) in raw.iter().enumerate() {
        let word = &text[bs..be];
        let new_paragraph = k > 0 && breaks[k];
        let starts_upper = word
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        let mark = double_mark(word);
        let opens = match mark {
            Some(Some(open)) => Some(open),
            Some(None) => {
                let before = if s == 0 { ' ' } else { chars[s - 1].1 };
                let after = ch(e);
                if before.is_whitespace() || "([{—–-".contains(before) || s == 0 {
                    Some(true)
                } else if after.is_whitespace() || after.is_ascii_punctuation() || e >= n {
                    Some(false)
                } else {
                    Some(!in_quote)
                }
            }
            None => None,
        };
        let boundary = new_paragraph
            || (pending_end && (starts_upper || opens == Some(true) || word == "(" || word == "["));
        if boundary && k > sentence_start {
            sentences.push(sentence_start..k);
            sentence_start = k;
            sentence += 1;
        }
        if new_paragraph {
            paragraph += 1;
            in_quote = false;
        }
        // Sentence end: a terminal mark, possibly followed by closing marks.
        let terminal = matches!(word, "." | "?" | "!" | "..." | "…")
            || word.chars().all(|c| matches!(c, '?' | '!'))
            || (word.ends_with('.')
                && word.len() > 1
                && !is_title_abbreviation(word)
                && word.chars().filter(|&c| c == '.').count() >= 2);
        let closing = opens == Some(false) || matches!(word, ")" | "’" | "'" | "]");
        pending_end = terminal || (pending_end && closing);
        let inside = match opens {
            Some(true) => {
                in_quote = true;
                true
            }
            Some(false) => {
                let was = in_quote;
                in_quote = false;
                was
            }
            None => in_quote,
        };
        tokens.push(Token {
            byte_start: bs,
            byte_end: be,
            start: s,
            end: e,
            sentence,
            paragraph,
            in_quote: inside,
        });
    }
    if sentence_start < tokens.len() {
        sentences.push(sentence_start..tokens.len());
    }
    Tokens {
        text,
        tokens,
        sentences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let t = tokenize(text);
        (0..t.len()).map(|i| t.str(i)).collect()
    }

    #[test]
    fn words_and_marks() {
        assert_eq!(
            words("Mr. Trump’s aide said: “We won’t go,” in the U.S. on 3.5 days..."),
            [
                "Mr.",
                "Trump’s",
                "aide",
                "said",
                ":",
                "“",
                "We",
                "won’t",
                "go",
                ",",
                "”",
                "in",
                "the",
                "U.S.",
                "on",
                "3.5",
                "days",
                "..."
            ]
        );
        assert_eq!(
            words("a well-known $1,000,000 fee"),
            ["a", "well-known", "$", "1,000,000", "fee"]
        );
    }

    #[test]
    fn sentences_respect_abbreviations_and_quotes() {
        let text = "Sen. John Smith said it. “No,” he said. “It is over.” Then Dr. Who left.\nNew paragraph";
        let t = tokenize(text);
        let sents: Vec<String> = t
            .sentences
            .iter()
            .map(|r| {
                let a = t.tokens[r.start].byte_start;
                let b = t.tokens[r.end - 1].byte_end;
                text[a..b].to_owned()
            })
            .collect();
        assert_eq!(
            sents,
            [
                "Sen. John Smith said it.",
                "“No,” he said.",
                "“It is over.”",
                "Then Dr. Who left.",
                "New paragraph"
            ]
        );
    }

    #[test]
    fn quote_state() {
        let text = "He said \"we go\" and \"they stay.\"\n\"Next";
        let t = tokenize(text);
        let inside: Vec<&str> = (0..t.len())
            .filter(|&i| t.tokens[i].in_quote)
            .map(|i| t.str(i))
            .collect();
        assert_eq!(
            inside,
            [
                "\"", "we", "go", "\"", "\"", "they", "stay", ".", "\"", "\"", "Next"
            ]
        );
    }

    #[test]
    fn offsets_are_code_points() {
        let text = "é “ü” x";
        let t = tokenize(text);
        let chars: Vec<char> = text.chars().collect();
        for tok in &t.tokens {
            let s: String = chars[tok.start..tok.end].iter().collect();
            assert_eq!(s, &text[tok.byte_start..tok.byte_end]);
        }
    }
}
