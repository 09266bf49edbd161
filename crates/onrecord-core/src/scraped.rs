//! Already-scraped article text: a leading `date YYYY-MM-DD` field, inline
//! gallery captions, donation and newsletter appeals.

use std::sync::LazyLock;

use regex::Regex;

use crate::captions::split_credit_with;
use crate::date::normalize_date;
use crate::record::Caption;

/// The `date 2025-08-16` field that opens a scraped file, on the same line
/// as the body.
static DATE_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)\s*")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

const GALLERY: &str = "open image in gallery";

/// Lines that are appeals, prompts and widgets, never the story. Matched
/// against a whole line (a paragraph).
static APPEAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(
        support\s+now|donate(\s+now)?|read\s+more|read\s+next|more\s+about|
        your\s+support\s+(helps|makes|means).*|
        (please\s+)?(consider\s+)?(supporting|support)\s+(us|our\s+journalism|independent\s+journalism).*|
        (why\s+)?(we|you)\s+need\s+your\s+(support|help).*|
        help\s+us\s+(keep|continue|fund).*|
        (become|be)\s+a\s+(member|supporter|subscriber).*|
        (sign\s+up|subscribe|register)\s+(now|today|for|to|here).*|
        (get|receive)\s+(our|the)\s+(free\s+)?\w+(\s+\w+)?\s+(newsletter|email|briefing|bulletin).*|
        .*newsletter.*(sign\s+up|subscribe|inbox).*|
        .*(sign\s+up|subscribe).*newsletter.*|
        (share|share\s+this\s+(article|story|page))(\s+on\s+\w+)?|
        (follow|like)\s+us\s+on\s+.*|
        (join|follow)\s+(our|the)\s+.*(whatsapp|telegram|channel|community).*|
        click\s+here\s+to\s+.*|
        (tap|click)\s+to\s+(share|enlarge|expand|play).*|
        (advertisement|sponsored(\s+content)?|ad)|
        already\s+a\s+(subscriber|member)\??.*|
        (log\s+in|sign\s+in)(\s+to\s+.*)?|
        (this\s+article|this\s+story)\s+(is|was)\s+(brought\s+to\s+you|supported|funded).*|
        (from\s+reproductive\s+rights|independent\s+journalism\s+is).*|
        (we|the\s+independent)\s+(rely|relies|depend|depends)\s+on\s+(readers|reader|you).*|
        (thank\s+you|thanks)\s+for\s+(reading|your\s+support).*|
        (comments?|view\s+comments|\d+\s+comments?)|
        (bookmark|save)(\s+(this\s+)?(article|story))?|
        (listen|watch)\s+(to\s+)?(this\s+)?(article|story|now)(\s*[-–:]\s*\d+.*)?|
        \d+\s+min(ute)?s?\s+read|
        (image|photo|video)\s*:.*|
        (related|recommended|trending|most\s+(read|popular))(\s*(articles?|stories|reads?|:).*)?
    )\s*$",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// What scraped text yields.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ScrapedExtract {
    pub(crate) date: Option<String>,
    pub(crate) paragraphs: Vec<String>,
    pub(crate) captions: Vec<Caption>,
}

/// Finds the end of an inline gallery caption that starts at `start` in
/// `line`: the closing parenthesis of its `( credit )` group.
fn caption_end(line: &str, start: usize) -> Option<usize> {
    let rest = &line[start..];
    // The credit group is written with inner spaces: "( AP )".
    if let Some(open) = rest.find("( ")
        && let Some(close) = rest[open..].find(" )")
    {
        return Some(start + open + close + 2);
    }
    // Otherwise the last parenthesised group before the next caption.
    let next = rest
        .to_ascii_lowercase()
        .find(GALLERY)
        .unwrap_or(rest.len());
    let close = rest[..next].rfind(')')?;
    Some(start + close + 1)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Moves the inline gallery captions of one line into `captions` and
/// returns the rest, white space collapsed. Repeats until no marker is
/// left, since removing a caption can join two halves of another marker.
fn pull_captions(line: &str, captions: &mut Vec<Caption>) -> String {
    let mut current = collapse(line);
    while current.to_ascii_lowercase().contains(GALLERY) {
        let mut kept = String::with_capacity(current.len());
        let mut rest = current.as_str();
        loop {
            let Some(at) = rest.to_ascii_lowercase().find(GALLERY) else {
                kept.push_str(rest);
                break;
            };
            kept.push_str(&rest[..at]);
            kept.push(' ');
            let caption_start = at + GALLERY.len();
            let end = caption_end(rest, caption_start).unwrap_or(rest.len());
            let (text, credit) = split_credit_with(&collapse(&rest[caption_start..end]), true);
            if !text.is_empty() || credit.is_some() {
                captions.push(Caption { text, credit });
            }
            rest = &rest[end..];
        }
        current = collapse(&kept);
    }
    current
}

/// Cleans one scraped article.
pub(crate) fn extract(text: &str) -> ScrapedExtract {
    let mut out = ScrapedExtract::default();
    let mut body = text.trim_start_matches('\u{feff}');
    if let Some(c) = DATE_FIELD.captures(body) {
        out.date = normalize_date(&c[1]);
        if out.date.is_some() {
            body = &body[c.get(0).map_or(0, |m| m.end())..];
        }
    }
    let mut appeal_run = 0usize;
    for line in body.lines() {
        let paragraph = pull_captions(line, &mut out.captions);
        if paragraph.is_empty() {
            continue;
        }
        if APPEAL_LINE.is_match(&paragraph) {
            appeal_run += 1;
            continue;
        }
        // A short line right after an appeal ("Support Now", a one-line
        // slogan) belongs to the appeal box.
        if appeal_run > 0 && paragraph.len() < 40 && !paragraph.ends_with(['.', '"', '”', '?', '!'])
        {
            continue;
        }
        appeal_run = 0;
        out.paragraphs.push(paragraph);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `scraped_text` fuzz target: a marker with two spaces
    /// inside was left in the body once white space was collapsed.
    #[test]
    fn gallery_marker_with_extra_spaces() {
        let got = extract("Body text here. open  image in gallery A caption ( AP ) More text.");
        assert_eq!(got.paragraphs, ["Body text here. More text."]);
        assert_eq!(got.captions.len(), 1);
        let joined = extract("open image in open image in gallery X ( A ) gallery Y ( B ) Text.");
        assert_eq!(joined.paragraphs, ["Text."]);
    }

    #[test]
    fn date_field_and_gallery_captions() {
        let got = extract(
            "date 2025-08-16 Putin met Trump in Alaska on Friday.\n\
             open image in gallery Putin (left) and Trump on the tarmac ( AP )\n\
             The talks lasted three hours. open image in gallery A protester ( Getty Images ) Officials said little.\n\
             Support Now\n\
             Read more",
        );
        assert_eq!(got.date.as_deref(), Some("2025-08-16"));
        assert_eq!(
            got.paragraphs,
            [
                "Putin met Trump in Alaska on Friday.",
                "The talks lasted three hours. Officials said little."
            ]
        );
        assert_eq!(
            got.captions,
            [
                Caption {
                    text: "Putin (left) and Trump on the tarmac".into(),
                    credit: Some("AP".into())
                },
                Caption {
                    text: "A protester".into(),
                    credit: Some("Getty Images".into())
                },
            ]
        );
    }
}
