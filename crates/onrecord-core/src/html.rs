//! Main-content extraction from HTML: one streaming pass, then selection.

mod classes;
mod features;
pub(crate) mod learned;
mod meta;
mod meta_text;
mod select;
mod stream;

pub use meta::MetaRule;
pub(crate) use meta::{MetaRules, Metadata};
pub(crate) use select::Knobs;

use crate::captions::{clean_credit, split_credit};
use crate::record::Caption;

/// What one HTML page yields.
#[derive(Debug, Default)]
pub(crate) struct HtmlExtract {
    pub(crate) paragraphs: Vec<String>,
    pub(crate) captions: Vec<Caption>,
    pub(crate) meta: Metadata,
}

/// Extracts the main text, captions and metadata of `html`.
pub(crate) fn extract(
    html: &str,
    max_memory_bytes: usize,
    knobs: &Knobs,
    model: Option<&learned::BlockModel>,
) -> Result<HtmlExtract, String> {
    let layout = if model.is_some() {
        stream::Layout::Full
    } else {
        stream::Layout::Basic
    };
    let page = stream::scan(html, max_memory_bytes, layout)?;
    let meta = Metadata::read(&page, knobs.meta_rules);
    let title = meta.page_title.as_deref();
    let blocks = match model {
        Some(model) => select::dedup(&page, &model.choose(&page, title, knobs)),
        None => select::select(&page, title, knobs),
    };
    let paragraphs = blocks.into_iter().map(|b| b.text.clone()).collect();
    let mut captions: Vec<Caption> = Vec::new();
    for raw in &page.captions {
        let (text, credit) = if raw.credit.is_empty() {
            split_credit(&raw.text)
        } else {
            (raw.text.trim().to_owned(), clean_credit(&raw.credit))
        };
        if text.is_empty() && credit.is_none() {
            continue;
        }
        let caption = Caption { text, credit };
        if !captions.contains(&caption) {
            captions.push(caption);
        }
    }
    Ok(HtmlExtract {
        paragraphs,
        captions,
        meta,
    })
}

/// A dump of the blocks of a page with their element chain, for tuning.
pub(crate) fn debug_blocks(html: &str) -> String {
    use std::fmt::Write;
    let Ok(page) = stream::scan(html, 64 << 20, stream::Layout::Basic) else {
        return String::from("parse error");
    };
    let mut out = String::new();
    for b in &page.blocks {
        let mut chain = Vec::new();
        let mut cur = b.element;
        for _ in 0..40 {
            let Some(info) = page.elements.get(cur as usize) else {
                break;
            };
            chain.push(format!(
                "{cur}{:?}{}{}",
                info.tag,
                if info.chrome { "!" } else { "" },
                info.weight
            ));
            if info.parent == cur {
                break;
            }
            cur = info.parent;
        }
        chain.reverse();
        let text: String = b.text.chars().take(80).collect();
        let _ = writeln!(
            out,
            "{} | {:?} neg={} link={} | {}",
            chain.join(">"),
            b.tag,
            b.negative,
            b.link_chars,
            text
        );
    }
    out
}
