//! Reading metadata out of the text a page shows: the headline against
//! the `<title>`, the site's name cut from a title, a name out of a byline,
//! a date out of a URL.

use std::sync::LazyLock;

use regex::Regex;

use crate::date::normalize_date;

/// Lower-cased runs of letters and digits.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Share of the words of `headline` that occur in `other`.
pub(crate) fn overlap(headline: &str, other: &str) -> f64 {
    let h = words(headline);
    if h.is_empty() {
        return 0.0;
    }
    let o: std::collections::HashSet<String> = words(other).into_iter().collect();
    h.iter().filter(|w| o.contains(*w)).count() as f64 / h.len() as f64
}

/// Separators between a headline and the site's name in a `<title>`.
const SEPARATORS: [&str; 8] = [" | ", " - ", " – ", " — ", " • ", " :: ", " · ", " » "];

/// `title` without the site's name before or after a separator
/// ("Machine learning, explained | MIT Sloan"). A part is the site's name
/// when it is `site`, when it names the `host`, or, failing both, when it
/// is the last part, of at most four words, and the rest is longer.
pub(crate) fn strip_site(title: &str, site: Option<&str>, host: Option<&str>) -> String {
    let Some(sep) = SEPARATORS.iter().find(|s| title.contains(**s)) else {
        return title.to_owned();
    };
    let parts: Vec<&str> = title.split(sep).map(str::trim).collect();
    let site_words = site.map(words).unwrap_or_default();
    let host_key: String = host
        .map(|h| {
            let h = h.trim_start_matches("www.");
            h.split('.').next().unwrap_or(h).to_lowercase()
        })
        .unwrap_or_default();
    let is_site = |part: &str| {
        let w = words(part);
        if w.is_empty() {
            return true;
        }
        (!site_words.is_empty() && w == site_words)
            || (host_key.len() >= 3 && w.concat() == host_key)
            || (host_key.len() >= 4 && w.len() <= 3 && w.concat().contains(&host_key))
    };
    let kept: Vec<&str> = parts.iter().copied().filter(|p| !is_site(p)).collect();
    if kept.len() < parts.len() && !kept.is_empty() {
        return kept.join(sep);
    }
    if parts.len() >= 2 {
        let last = parts[parts.len() - 1];
        let rest = &parts[..parts.len() - 1];
        let rest_words: usize = rest.iter().map(|p| words(p).len()).sum();
        let last_words = words(last).len();
        if last_words <= 4 && rest_words > last_words {
            return rest.join(sep);
        }
    }
    title.to_owned()
}

static BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:written\s+by|posted\s+by|words\s+by|story\s+by|by|author|authors)\s*[:\-–]?\s+",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// Words that end the name part of a byline ("By Ana Cruz | Updated ...").
static NAME_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\s*(?:\||•|·|—|–|\s-\s|\bon\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d)|\bupdated\b|\bpublished\b|\bposted\b|\bposted on\b|\d{1,2}/\d{1,2}/\d{2,4}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?(?:\s+\d{4})?|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?(?:\s+\d{4})?|\b\d{4}-\d{2}-\d{2}|\bmin(?:ute)?s?\s+read\b|\bfollow\b)",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// Bylines that name a reviewer or an editor, not the author.
static NOT_AUTHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:medically\s+)?(?:reviewed|fact[- ]checked|edited|updated|illustrat|photo)",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// The author's name out of a byline's text, or `None` when the text
/// does not read as one. The text is cut at separators, dates and words
/// such as "Updated"; the first piece that reads as a name wins: at most
/// eight words, no digits, starting with a capital or one word (a handle).
pub(crate) fn byline_name(text: &str) -> Option<String> {
    if NOT_AUTHOR.is_match(text) {
        return None;
    }
    let text = BY.replace(text, "");
    let mut start = 0;
    let mut pieces = Vec::new();
    for m in NAME_END.find_iter(&text) {
        pieces.push(&text[start..m.start()]);
        start = m.end();
    }
    pieces.push(&text[start..]);
    pieces.into_iter().take(4).find_map(name_piece)
}

fn name_piece(piece: &str) -> Option<String> {
    let piece = BY.replace(piece, "");
    let name = piece
        .trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() && c != '.')
        .trim();
    let n_words = name.split_whitespace().count();
    if name.is_empty() || n_words > 8 || name.len() > 100 {
        return None;
    }
    if name.chars().any(|c| c.is_ascii_digit()) || !name.chars().any(char::is_alphabetic) {
        return None;
    }
    let first = name.chars().next()?;
    if !(first.is_uppercase() || n_words == 1) {
        return None;
    }
    let lower = name.to_lowercase();
    let generic = [
        "share",
        "about the author",
        "author",
        "authors",
        "by",
        "admin",
        "staff",
        "posted",
        "and",
    ];
    if generic.contains(&lower.as_str()) || lower.starts_with("by ") {
        return None;
    }
    Some(name.to_owned())
}

/// Whether a block reads as a byline line ("By Ana Cruz", "Written by").
pub(crate) fn is_by_line(text: &str) -> bool {
    text.split_whitespace().nth(12).is_none() && BY.is_match(text)
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$|\.html?)")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static URL_NAMED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)/((?:19|20)\d{2})/((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)/(\d{1,2})(?:/|-|$)",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// The day a URL's path gives (`/2025/09/04/slug`, `/2023/october/03/`).
pub(crate) fn url_date(url: &str) -> Option<String> {
    if let Some(c) = URL_DATE.captures(url) {
        return normalize_date(&format!("{}-{:0>2}-{:0>2}", &c[1], &c[2], &c[3]));
    }
    let c = URL_NAMED_DATE.captures(url)?;
    normalize_date(&format!("{} {} {}", &c[3], &c[2], &c[1]))
}

/// The first date written in `text`, as a day: see
/// [`crate::date::normalize_shown_day`].
pub(crate) fn shown_date(text: &str) -> Option<String> {
    crate::date::normalize_shown_day(text)
}

/// Words of a line that can be a date line ("By Matthew Richardson ⋅
/// Review Editor ⋅ Updated November 18, 2025").
const MAX_DATE_LINE_WORDS: usize = 10;

/// Whether a short block is mostly a date ("Dec 17, 2025", "Posted on
/// 23.07.2025 | 5 min read").
pub(crate) fn is_date_line(text: &str) -> bool {
    // Every date format read has ASCII digits; most blocks are let go
    // here, before the regexes.
    text.bytes().any(|b| b.is_ascii_digit())
        && text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .nth(MAX_DATE_LINE_WORDS)
            .is_none()
        && shown_date(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_names_are_cut_from_titles() {
        let cases = [
            (
                "Machine learning, explained | MIT Sloan",
                None,
                None,
                "Machine learning, explained",
            ),
            (
                "Tastify | Top 7 Corporate Catering Trends for 2024",
                Some("Tastify"),
                None,
                "Top 7 Corporate Catering Trends for 2024",
            ),
            (
                "Best Residential Movers in NYC 2025 | Top 19 Companies | Supermove",
                None,
                Some("www.supermove.io"),
                "Best Residential Movers in NYC 2025 | Top 19 Companies",
            ),
            (
                "Tax Law Changes and Your Guide to Filing - Intuit TurboTax Blog",
                None,
                None,
                "Tax Law Changes and Your Guide to Filing",
            ),
            (
                "A headline without a site",
                None,
                None,
                "A headline without a site",
            ),
            (
                "Short - A much longer second part here",
                None,
                None,
                "Short - A much longer second part here",
            ),
        ];
        for (title, site, host, want) in cases {
            assert_eq!(strip_site(title, site, host), want, "{title}");
        }
    }

    #[test]
    fn names_come_out_of_bylines() {
        let cases = [
            ("By Ana Cruz", Some("Ana Cruz")),
            ("By Ana Cruz | Updated Dec. 4, 2025", Some("Ana Cruz")),
            (
                "Written by: John Smith on December 18, 2025",
                Some("John Smith"),
            ),
            ("Ana Cruz December 18, 2025", Some("Ana Cruz")),
            ("Medically reviewed by Dr. Lee", None),
            ("5 min read", None),
            ("BeauHD", Some("BeauHD")),
            (
                "posted in news and politics and many other things nobody reads",
                None,
            ),
            ("Dec 17, 2025 Julian K. Arni", Some("Julian K. Arni")),
            ("Andrew Gerrand 4 August 2010", Some("Andrew Gerrand")),
        ];
        for (text, want) in cases {
            assert_eq!(byline_name(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn dates_come_out_of_urls_and_text() {
        assert_eq!(
            url_date("https://x.com/2025/09/04/top-trends/").as_deref(),
            Some("2025-09-04")
        );
        assert_eq!(url_date("https://x.com/2025/top-trends/"), None);
        assert_eq!(
            url_date("https://x.com/blog/2023/october/03/how-to").as_deref(),
            Some("2023-10-03")
        );
        assert_eq!(
            shown_date("Published December 18, 2025").as_deref(),
            Some("2025-12-18")
        );
        assert!(is_date_line("Dec 17, 2025"));
        assert!(!is_date_line(
            "The council met on Dec 17, 2025 to discuss the budget for the year"
        ));
        assert!(is_by_line("Written by John Crenshaw"));
        assert_eq!(byline_name("By the end of the year"), None);
        assert_eq!(
            overlap("The Best Oral Care", "the best oral care | SELF"),
            1.0
        );
    }
}
