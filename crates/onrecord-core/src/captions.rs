//! Photo credits inside caption text.

use std::sync::LazyLock;

use regex::Regex;

/// "... (Photo: AP)", "... ( Getty Images )", "... Photograph: Jane Doe/Reuters".
static TRAILING_PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?s)(.*?)\s*\(\s*([^()]{1,160}?)\s*\)\s*\.?$")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?s)(.*?)[\s|–—-]*\b(?:photo(?:graph)?s?|image|picture|pic|credit|illustration|video|source)\s*(?:by|:)\s*(.{1,160})$")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// Words that mark a parenthesised trailer as a credit rather than part of
/// the caption ("(left)", "(file)").
static CREDIT_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)photo|image|getty|reuters|\bap\b|\bafp\b|\bepa\b|\bpa\b|shutterstock|alamy|credit|courtesy|handout|via|/|press|agency|bloomberg|\bnyt\b|times|news|wire|supplied|x\.com|twitter|instagram|facebook|youtube")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:photo(?:graph)?s?|image|picture|pic|credit|illustration|video|source)\s*(?:by|:)\s*")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// A credit without its label: "Photo: Jean Martin/AFP" -> "Jean Martin/AFP".
pub(crate) fn clean_credit(credit: &str) -> Option<String> {
    let credit = credit.trim();
    let credit = LABEL.find(credit).map_or(credit, |m| &credit[m.end()..]);
    let credit = credit.trim().trim_end_matches(['.', ')']).trim();
    (!credit.is_empty()).then(|| credit.to_owned())
}

/// Splits a caption into its text and its credit, when the credit is
/// written inside it. `spaced` marks the scraped-gallery convention
/// `caption ( credit )`, where the trailing group is always the credit.
pub(crate) fn split_credit_with(caption: &str, spaced: bool) -> (String, Option<String>) {
    let caption = caption.trim();
    if let Some(c) = TRAILING_PAREN.captures(caption) {
        let inner = c[2].trim();
        // In the scraped-gallery convention the trailing group is always
        // the credit; elsewhere only when it reads like one.
        if spaced || CREDIT_WORD.is_match(inner) {
            return (c[1].trim().to_owned(), clean_credit(inner));
        }
    }
    if let Some(c) = LABELLED.captures(caption)
        && let Some(credit) = clean_credit(&c[2])
    {
        return (c[1].trim().to_owned(), Some(credit));
    }
    (caption.to_owned(), None)
}

/// [`split_credit_with`] for HTML captions.
pub(crate) fn split_credit(caption: &str) -> (String, Option<String>) {
    split_credit_with(caption, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_are_split_off() {
        let cases = [
            (
                "Trump in Alaska ( AP )",
                true,
                "Trump in Alaska",
                Some("AP"),
            ),
            (
                "Putin (left) and Trump ( Getty Images )",
                true,
                "Putin (left) and Trump",
                Some("Getty Images"),
            ),
            (
                "Smoke over Kyiv (Photo: Reuters)",
                false,
                "Smoke over Kyiv",
                Some("Reuters"),
            ),
            (
                "Smoke over Kyiv. Photograph: Jane Doe/AP",
                false,
                "Smoke over Kyiv.",
                Some("Jane Doe/AP"),
            ),
            (
                "Putin (left) and Trump",
                false,
                "Putin (left) and Trump",
                None,
            ),
            ("No credit here", false, "No credit here", None),
        ];
        for (raw, spaced, text, credit) in cases {
            let (t, c) = split_credit_with(raw, spaced);
            assert_eq!((t.as_str(), c.as_deref()), (text, credit), "{raw}");
        }
    }
}
