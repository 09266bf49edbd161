//! What an element's `class` and `id` say about its content.
//!
//! The word lists follow the long-standing practice of readability-style
//! extractors (content words up, chrome words down), plus news-specific
//! chrome (share bars, newsletter boxes, related stories) that is removed
//! outright.

use std::sync::LazyLock;

use regex::Regex;

/// The verdict on one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClassSignal {
    /// Page chrome: drop the whole subtree.
    Remove,
    /// An image caption.
    Caption,
    /// A photo credit (inside a caption or next to an image).
    Credit,
    /// A pull-quote or highlighted box repeating the body.
    QuoteBox,
    /// A readability-style weight.
    Weight(i8),
    /// Nothing to say.
    None,
}

static REMOVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (^|[-_\s])(
            comments?|comment-list|disqus|share|sharing|social|socials|sharebar|share-bar|
            related|relatedlinks|related-content|recommended|recommendations|more-stories|
            outbrain|taboola|newsletter|subscribe|subscription|signup|sign-up|paywall|
            cookie|cookies|consent|gdpr|banner|breadcrumbs?|sidebar|rail|
            ad|ads|advert|advertisement|adslot|ad-slot|dfp|sponsor|sponsored|promo|promotion|
            popup|modal|overlay|skip-link|screen-reader-text|sr-only|visually-hidden|
            nav|navbar|navigation|menu|masthead|site-header|site-footer|footer|
            tags|tag-list|topics|author-bio|bio|byline|dateline|timestamp|
            toolbar|tools|print|pagination|pager|most-popular|mostread|most-read|trending|
            read-more|readmore|newsletter-signup|inline-newsletter|video-player|player|
            jump-link|skip|toc|table-of-contents|widget|vjs
        )($|[-_\s])",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// Words that rescue an element from removal ("article-share" stays
/// removed, "article-body" does not).
static KEEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(article-?body|articlebody|story-?body|entry-content|post-content|article-content|
        article__body|article-text|story-text|main-content|body-text|content-body|post-body|
        rich-text|richtext|paywall-article|article__content|story__body|storybody)",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[-_\s])(caption|figcaption|wp-caption-text|image-caption|photo-caption|img-caption|media-caption|caption-text)($|[-_\s])")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[-_\s])(credit|credits|image-credit|photo-credit|copyright|photographer|source)($|[-_\s])")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static QUOTE_BOX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(^|[-_\s])(pull-?quote|pullquote|blockquote-pull|quote-box|highlight-quote)($|[-_\s])",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"hidden|banner|combx|comment|com-|contact|foot|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|header|login|author")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// Reads `class` and `id` of one element with tag `tag`.
/// What an element's attributes say it holds of the page's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MetaRole {
    /// The byline: the author's name, often with the date.
    Byline,
    /// The date of publication as shown to the reader.
    Date,
}

/// Class words of a shown date; a class is cut into words at `-`, `_`
/// and white space ("entry-date", "post_meta").
const DATE_WORDS: [&str; 8] = [
    "date",
    "dateline",
    "timestamp",
    "published",
    "pubdate",
    "posted",
    "time",
    "meta",
];

/// Substrings of a byline's class: class names such as
/// `styles_dateAndAuthorContainer__JAvHP` or `postAuthorName` count.
const BYLINE_PARTS: [&str; 5] = ["author", "byline", "by-line", "writer", "contributor"];

/// Substrings of a byline-looking class that mean something else: a
/// comment's author, an author's biography box or page.
const NOT_BYLINE_PARTS: [&str; 15] = [
    "comment",
    "reply",
    "review",
    "bio",
    "avatar",
    "image",
    "img",
    "photo",
    "social",
    "follow",
    "more-from",
    "authorit",
    "box",
    "card",
    "about",
];

/// The metadata role of an element from its `class`, `id`, `rel` and
/// `itemprop`, and of a link from its `href` (`/author/ana-cruz`): a
/// byline or a shown date, or neither. Plain substring tests: this runs
/// on every distinct class of a page. (The scan calls its two halves
/// apart, caching the class half.)
#[cfg(test)]
pub(crate) fn meta_role(
    class: &str,
    id: &str,
    rel: &str,
    itemprop: &str,
    href: &str,
) -> Option<MetaRole> {
    attribute_role(rel, itemprop, href).or_else(|| class_role(class, id))
}

/// The metadata role `rel`, `itemprop` or a link's `href` give.
pub(crate) fn attribute_role(rel: &str, itemprop: &str, href: &str) -> Option<MetaRole> {
    if rel.eq_ignore_ascii_case("author")
        || itemprop.eq_ignore_ascii_case("author")
        || href.contains("/author/")
        || href.contains("/authors/")
    {
        return Some(MetaRole::Byline);
    }
    itemprop
        .eq_ignore_ascii_case("datePublished")
        .then_some(MetaRole::Date)
}

/// The metadata role the `class` and `id` give.
pub(crate) fn class_role(class: &str, id: &str) -> Option<MetaRole> {
    if class.is_empty() && id.is_empty() {
        return None;
    }
    let mut both = String::with_capacity(class.len() + id.len() + 1);
    both.push_str(class);
    both.push(' ');
    both.push_str(id);
    both.make_ascii_lowercase();
    let has = |parts: &[&str]| parts.iter().any(|p| both.contains(p));
    if has(&BYLINE_PARTS) && !has(&NOT_BYLINE_PARTS) {
        return Some(MetaRole::Byline);
    }
    both.split(['-', '_', ' ', '\t', '\n'])
        .any(|w| DATE_WORDS.contains(&w))
        .then_some(MetaRole::Date)
}

#[cfg(test)]
mod meta_role_tests {
    use super::{MetaRole, meta_role};

    #[test]
    fn roles_come_from_attributes() {
        let role = |class: &str| meta_role(class, "", "", "", "");
        assert_eq!(
            role("styles_dateAndAuthorContainer__JAvHP"),
            Some(MetaRole::Byline)
        );
        assert_eq!(role("author-bio"), None);
        assert_eq!(role("comment-author"), None);
        assert_eq!(role("entry-date published"), Some(MetaRole::Date));
        assert_eq!(role("post_meta"), Some(MetaRole::Date));
        assert_eq!(role("update"), None);
        assert_eq!(role("metadata"), None);
        assert_eq!(meta_role("", "", "author", "", ""), Some(MetaRole::Byline));
        assert_eq!(
            meta_role("x", "", "", "", "/author/ana-cruz"),
            Some(MetaRole::Byline)
        );
        assert_eq!(
            meta_role("", "", "", "datePublished", ""),
            Some(MetaRole::Date)
        );
    }
}

/// Elements whose classes only ever raise their weight (never removed).
pub(crate) fn is_structural(tag: &str) -> bool {
    matches!(tag, "html" | "body" | "article" | "main")
}

pub(crate) fn class_signal(class: &str, id: &str, tag: &str) -> ClassSignal {
    let mut both = String::with_capacity(class.len() + id.len() + 1);
    both.push_str(class);
    both.push(' ');
    both.push_str(id);
    both.make_ascii_lowercase();
    let keep = KEEP.is_match(&both);
    if is_structural(tag) {
        return if keep {
            ClassSignal::Weight(50)
        } else {
            ClassSignal::None
        };
    }
    if CAPTION.is_match(&both) {
        return ClassSignal::Caption;
    }
    if CREDIT.is_match(&both) && !keep {
        return ClassSignal::Credit;
    }
    if QUOTE_BOX.is_match(&both) {
        return ClassSignal::QuoteBox;
    }
    if !keep && REMOVE.is_match(&both) {
        return ClassSignal::Remove;
    }
    let mut weight = 0i8;
    if NEGATIVE.is_match(&both) {
        weight -= 25;
    }
    if keep {
        weight += 50;
    } else if POSITIVE.is_match(&both) {
        weight += 25;
    }
    if weight == 0 {
        ClassSignal::None
    } else {
        ClassSignal::Weight(weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_is_removed_and_bodies_kept() {
        assert_eq!(class_signal("share-bar", "", "div"), ClassSignal::Remove);
        assert_eq!(
            class_signal("related stories", "", "div"),
            ClassSignal::Remove
        );
        assert_eq!(
            class_signal("article-body", "", "div"),
            ClassSignal::Weight(50)
        );
        assert_eq!(
            class_signal("wp-caption-text", "", "p"),
            ClassSignal::Caption
        );
        assert_eq!(class_signal("", "comments", "section"), ClassSignal::Remove);
        // "shadow" and "header-image" are not the words "ad" or "header".
        assert_ne!(class_signal("shadow", "", "div"), ClassSignal::Remove);
        assert_eq!(class_signal("x", "", "div"), ClassSignal::None);
    }
}
