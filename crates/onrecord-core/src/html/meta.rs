//! Page metadata: `<meta>` tags, JSON-LD, `<time>`, `<title>`.

use serde_json::Value;

use crate::date::normalize_date;
use crate::html::stream::{PageMeta, clean_text};

/// Metadata read from a page.
#[derive(Debug, Default, Clone)]
pub(crate) struct Metadata {
    pub(crate) url: Option<String>,
    pub(crate) title: Option<String>,
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
    pub(crate) fn read(meta: &PageMeta) -> Metadata {
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
        let title = get(&["og:title", "twitter:title", "headline"])
            .or(ld_title)
            .or_else(|| nonempty(meta.title_tag.clone()));
        let date = get(&[
            "article:published_time",
            "og:article:published_time",
            "datepublished",
            "parsely-pub-date",
            "sailthru.date",
            "pubdate",
            "publishdate",
            "publish-date",
            "dc.date.issued",
            "dc.date",
            "date",
        ])
        .or(ld_date)
        .or_else(|| meta.time_datetime.clone())
        .and_then(|d| normalize_date(&d));
        let author = get(&[
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
        ])
        .filter(|a| !a.starts_with("http"))
        .or(ld_author.and_then(nonempty));
        let site = get(&["og:site_name", "application-name"]).or(ld_site.and_then(nonempty));
        let url = meta
            .canonical
            .clone()
            .or_else(|| get(&["og:url"]))
            .or(ld_url)
            .filter(|u| u.starts_with("http"));
        let lang = meta
            .lang
            .as_deref()
            .and_then(|l| l.split(['-', '_']).next())
            .map(|l| l.trim().to_ascii_lowercase())
            .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()));
        Metadata {
            url,
            title,
            author,
            date,
            site,
            lang,
        }
    }
}
