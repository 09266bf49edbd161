//! Page metadata: `<meta>` tags, JSON-LD, `<time>`, `<title>`, and what
//! the page shows: the headline, the byline, the shown date.

use serde_json::Value;

use crate::date::normalize_date;
use crate::html::meta_text::{
    byline_name, is_by_line, is_date_line, overlap, shown_date, strip_site, url_date,
};
use crate::html::stream::{Page, Tag, clean_text};

/// The metadata rules that read what a page shows, each with a name and a
/// switch (`cargo xtask eval-html --without-meta NAME`); docs/record.md
/// gives what each is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaRule {
    /// The title is the page's `<h1>` when its words are those of the
    /// `<title>` or `og:title` (which often add the site's name or differ
    /// from the shown headline).
    HeadlineTitle,
    /// The site's name is cut from a title read from `<title>`/`og:title`.
    SiteSuffix,
    /// The author from the byline the page shows (`class="byline"`,
    /// `rel="author"`, a "By ..." line), before the metadata's.
    Byline,
    /// The date from a shown date (`<time>`, `class="date"`) or the byline
    /// when the metadata gives none.
    ShownDate,
    /// The first short line anywhere on the page that is a date, when
    /// nothing else gives one.
    PageDate,
    /// The date from the URL's path (`/2025/09/04/`) when nothing else
    /// gives one.
    UrlDate,
}

impl MetaRule {
    /// Every rule.
    pub const ALL: [MetaRule; 6] = [
        MetaRule::HeadlineTitle,
        MetaRule::SiteSuffix,
        MetaRule::Byline,
        MetaRule::ShownDate,
        MetaRule::UrlDate,
        MetaRule::PageDate,
    ];

    /// The rule's name, as `--without-meta` takes it.
    pub fn name(self) -> &'static str {
        match self {
            MetaRule::HeadlineTitle => "headline-title",
            MetaRule::SiteSuffix => "site-suffix",
            MetaRule::Byline => "byline",
            MetaRule::ShownDate => "shown-date",
            MetaRule::UrlDate => "url-date",
            MetaRule::PageDate => "page-date",
        }
    }

    /// The rule of this name.
    pub fn from_name(name: &str) -> Option<MetaRule> {
        MetaRule::ALL.into_iter().find(|r| r.name() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Which [`MetaRule`]s are on (all by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MetaRules(u8);

impl Default for MetaRules {
    fn default() -> Self {
        MetaRules(u8::MAX)
    }
}

impl MetaRules {
    pub(crate) fn without(self, rule: MetaRule) -> MetaRules {
        MetaRules(self.0 & !rule.bit())
    }

    fn on(self, rule: MetaRule) -> bool {
        self.0 & rule.bit() != 0
    }

    /// `read()` when `rule` is on, else nothing.
    fn when<T>(self, rule: MetaRule, read: impl FnOnce() -> Option<T>) -> Option<T> {
        if self.on(rule) { read() } else { None }
    }
}

/// Metadata read from a page.
#[derive(Debug, Default, Clone)]
pub(crate) struct Metadata {
    pub(crate) url: Option<String>,
    pub(crate) title: Option<String>,
    /// The title as the metadata writes it (`og:title`, JSON-LD
    /// `headline`, `<title>`), before the [`MetaRule`]s: what the block
    /// model's features compare blocks with, so that a change of the
    /// title rules does not move the main text.
    pub(crate) page_title: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) site: Option<String>,
    pub(crate) lang: Option<String>,
}

fn is_article_type(v: &Value) -> bool {
    let check = |s: &str| {
        s.ends_with("Article") || s == "BlogPosting" || s == "Report" || s == "LiveBlogPosting"
    };
    match v.get("@type") {
        Some(Value::String(s)) => check(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(check),
        _ => false,
    }
}

/// Finds article objects in JSON-LD (top level, arrays, `@graph`), bounded.
fn collect_articles<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 8 || out.len() > 16 {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items.iter().take(64) {
                collect_articles(item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            if is_article_type(v) {
                out.push(v);
            }
            if let Some(graph) = map.get("@graph") {
                collect_articles(graph, out, depth + 1);
            }
            if let Some(main) = map.get("mainEntity") {
                collect_articles(main, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The first `datePublished` of any object in a JSON-LD value, bounded.
fn any_date_published(v: &Value, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match v {
        Value::Array(items) => items
            .iter()
            .take(64)
            .find_map(|i| any_date_published(i, depth + 1)),
        Value::Object(map) => map
            .get("datePublished")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                map.values()
                    .filter(|v| v.is_object() || v.is_array())
                    .take(64)
                    .find_map(|v| any_date_published(v, depth + 1))
            }),
        _ => None,
    }
}

fn names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().take(16).flat_map(names).collect(),
        Value::Object(m) => m.get("name").map(names).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn nonempty(s: String) -> Option<String> {
    let s = clean_text(&s);
    (!s.is_empty()).then_some(s)
}

impl Metadata {
    /// The metadata of a scanned page.
    pub(crate) fn read(page: &Page, rules: MetaRules) -> Metadata {
        let meta = &page.meta;
        let get = |keys: &[&str]| -> Option<String> {
            keys.iter().find_map(|k| {
                meta.metas
                    .iter()
                    .find(|(key, v)| key == k && !v.trim().is_empty())
                    .and_then(|(_, v)| nonempty(v.clone()))
            })
        };
        let mut ld_title = None;
        let mut ld_date = None;
        // `datePublished` of any JSON-LD object (a `WebPage`, say), when no
        // article object gives one.
        let mut ld_any_date = None;
        let mut ld_author = None;
        let mut ld_site = None;
        let mut ld_url = None;
        for script in &meta.ld_json {
            // Pages sometimes wrap JSON-LD in CDATA or leave trailing commas;
            // a script that does not parse is skipped.
            let Ok(value) = serde_json::from_str::<Value>(script.trim()) else {
                continue;
            };
            let mut articles = Vec::new();
            collect_articles(&value, &mut articles, 0);
            if ld_any_date.is_none() {
                ld_any_date = any_date_published(&value, 0);
            }
            if let Some(article) = articles.first() {
                let text = |k: &str| article.get(k).and_then(Value::as_str).map(str::to_owned);
                ld_title = ld_title.or_else(|| text("headline").and_then(nonempty));
                ld_date = ld_date.or_else(|| text("datePublished").or_else(|| text("dateCreated")));
                ld_url = ld_url.or_else(|| text("url"));
                if ld_author.is_none() {
                    let authors = article.get("author").map(names).unwrap_or_default();
                    if !authors.is_empty() {
                        ld_author = Some(authors.join(", "));
                    }
                }
                if ld_site.is_none() {
                    ld_site = article
                        .get("publisher")
                        .map(names)
                        .and_then(|n| n.into_iter().next());
                }
            }
        }
        let meta_title = get(&["og:title", "twitter:title", "headline"]);
        let tag_title = nonempty(meta.title_tag.clone());
        let page_title = meta_title
            .clone()
            .or(ld_title.clone())
            .or(tag_title.clone());
        let headline = rules.when(MetaRule::HeadlineTitle, || {
            headline(page, [&meta_title, &ld_title, &tag_title])
        });
        let date = get(&[
            "article:published_time",
            "og:article:published_time",
            "datepublished",
            "parsely-pub-date",
            "sailthru.date",
            "pubdate",
            "publishdate",
            "publish-date",
            "published-date",
            "published_date",
            "publication_date",
            "date_published",
            "article.published",
            "citation_publication_date",
            "dc.date.issued",
            "dc.date",
            "date",
        ])
        .or(ld_date)
        .or(ld_any_date)
        .or_else(|| meta.time_datetime.clone())
        .and_then(|d| normalize_date(&d));
        // A profile URL in `author` (Facebook's convention) is no name:
        // the next key is tried.
        let author = [
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
        ]
        .iter()
        .find_map(|k| get(&[k]).filter(|a| !a.starts_with("http")))
        .or(ld_author.and_then(nonempty));
        let site = get(&["og:site_name", "application-name"]).or(ld_site.and_then(nonempty));
        // Each candidate must be an absolute URL on its own: a canonical
        // link holding a headline must not hide a good `og:url`.
        let absolute = |u: &String| {
            let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
            (lower.starts_with("http://") || lower.starts_with("https://"))
                && !u.contains(char::is_whitespace)
        };
        let url = meta
            .canonical
            .clone()
            .filter(absolute)
            .or_else(|| get(&["og:url"]).filter(absolute))
            .or(ld_url.filter(absolute));
        let title = headline.or_else(|| {
            let title = page_title.clone()?;
            if !rules.on(MetaRule::SiteSuffix) {
                return Some(title);
            }
            let host = url.as_deref().and_then(host_of);
            nonempty(strip_site(&title, site.as_deref(), host))
        });
        let top = top_blocks(page);
        // The first top block that `is` such a line, read by `read`.
        let top_line = |is: fn(&str) -> bool, read: fn(&str) -> Option<String>| {
            top.iter()
                .map(|b| b.text.as_str())
                .filter(|t| is(t))
                .find_map(read)
        };
        let byline = rules.when(MetaRule::Byline, || {
            meta.bylines
                .iter()
                .find_map(|b| byline_name(b))
                .or_else(|| top_line(is_by_line, byline_name))
        });
        // The byline the reader sees wins over the metadata's author, which
        // is often a handle or the publisher (measured: docs/record.md).
        let author = byline.or(author);
        let shown = rules.when(MetaRule::ShownDate, || {
            meta.date_texts
                .iter()
                .chain(&meta.bylines)
                .find_map(|t| shown_date(t))
                .or_else(|| top_line(is_date_line, shown_date))
        });
        let date = date.or(shown);
        // The day in the URL's path is the day the story was filed: it wins
        // over a metadata timestamp of another day (a republication, or
        // the next day in UTC).
        let from_url = rules.when(MetaRule::UrlDate, || url.as_deref().and_then(url_date));
        let date = match (date, from_url) {
            (Some(d), Some(u)) if !d.starts_with(&u) => Some(u),
            (d, u) => d.or(u),
        }
        .or_else(|| {
            rules.when(MetaRule::PageDate, || {
                page.blocks
                    .iter()
                    .map(|b| b.text.as_str())
                    .filter(|t| is_date_line(t))
                    .find_map(shown_date)
            })
        });
        let lang = meta
            .lang
            .as_deref()
            .and_then(|l| l.split(['-', '_']).next())
            .map(|l| l.trim().to_ascii_lowercase())
            .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()));
        Metadata {
            url,
            title,
            page_title,
            author,
            date,
            site,
            lang,
        }
    }
}

/// The host of an `http(s)` URL.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    rest.split(['/', '?', '#', ':'])
        .next()
        .filter(|h| !h.is_empty())
}

/// Headings of level 1 looked at for the title, and their longest.
const MAX_HEADLINES: usize = 4;
const MAX_HEADLINE_WORDS: usize = 40;

/// The page's `<h1>` whose words are mostly those of one of the titles
/// the metadata gives, and hold a good part of it; `None` when no `<h1>` agrees (a logo, a section
/// name) or the metadata gives no title.
fn headline(page: &Page, titles: [&Option<String>; 3]) -> Option<String> {
    let titles: Vec<&str> = titles.into_iter().flatten().map(String::as_str).collect();
    if titles.is_empty() {
        return None;
    }
    page.blocks
        .iter()
        .filter(|b| b.tag == Tag::Heading(1))
        .take(MAX_HEADLINES)
        .filter(|b| (1..=MAX_HEADLINE_WORDS).contains(&b.text.split_whitespace().count()))
        .find(|b| {
            titles.iter().any(|t| {
                overlap(&b.text, t) >= HEADLINE_OVERLAP && overlap(t, &b.text) >= HEADLINE_COVER
            })
        })
        .map(|b| b.text.clone())
}

/// Blocks looked at for a byline or a shown date: from a few before the
/// first `<h1>` to some after it, or the page's first blocks.
fn top_blocks(page: &Page) -> &[crate::html::stream::Block] {
    let h1 = page.blocks.iter().position(|b| b.tag == Tag::Heading(1));
    let (from, to) = match h1 {
        Some(i) => (i.saturating_sub(TOP_BEFORE), i + TOP_AFTER),
        None => (0, TOP_AFTER),
    };
    let to = to.min(page.blocks.len());
    page.blocks.get(from.min(to)..to).unwrap_or(&[])
}

const TOP_BEFORE: usize = 8;
const TOP_AFTER: usize = 16;

/// Share of a headline's words that must occur in a metadata title.
const HEADLINE_OVERLAP: f64 = 0.6;
/// Share of the metadata title's words the headline must hold (a section
/// name "Gardening" is no headline for "Gardening in a Warming World");
/// chosen on the tune half among 0.25, 0.4 and 0.55.
const HEADLINE_COVER: f64 = 0.4;
