//! Chooses the main text among the page's blocks.
//!
//! Readability's idea, on the flat block list: paragraphs vote for their
//! parent and grandparent elements; the best-scoring element, discounted
//! by its link density, is the article container; its qualifying siblings
//! join it. Blocks inside are then filtered one by one (links lists, chrome
//! lines, pull-quotes, repeated lines).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::html::stream::{Block, ElementInfo, Page, Tag};

pub(crate) fn chars(s: &str) -> usize {
    s.chars().count()
}

fn commas(s: &str) -> usize {
    s.chars()
        .filter(|&c| c == ',' || c == '，' || c == '、')
        .count()
}

fn inside(elements: &[ElementInfo], container: u32, element: u32) -> bool {
    elements
        .get(container as usize)
        .is_some_and(|c| container <= element && element <= c.last_descendant)
}

/// Whether any element between `element` (inclusive) and `container`
/// (exclusive) has a negative class weight.
fn negative_between(elements: &[ElementInfo], container: u32, element: u32) -> bool {
    let mut current = element;
    for _ in 0..1024 {
        if current == container {
            return false;
        }
        let Some(info) = elements.get(current as usize) else {
            return false;
        };
        if info.weight < 0 {
            return true;
        }
        if info.parent == current {
            return false;
        }
        current = info.parent;
    }
    false
}

static CHROME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(
        advertisement|advertising|sponsored(\s+content)?|ad|
        read\s+more.*|continue\s+reading.*|see\s+also.*|related(\s+\w+)?:?.*|recommended.*|
        share(\s+this)?(\s+(story|article|on\s+\w+))?|share\s+on\s+.*|tweet|email|print|
        sign\s+up.*|subscribe.*|follow\s+us.*|click\s+here.*|
        (©|\(c\)|copyright)\s.*|all\s+rights\s+reserved.*|
        image\s*:.*|photo\s*:.*|getty\s+images|
        (the\s+)?comments?.*|loading.*|skip\s+(to\s+)?(main\s+)?(content|ad).*|
        this\s+(article|story)\s+(was|is|has\s+been)\s+.*|
        updated\s*:?.*|published\s*:?.*|last\s+(updated|modified).*|
        \d+\s+(min(ute)?s?|hours?)\s+(read|ago)|
        more\s+(from|on|about)\s+.*
    )$",
    )
    .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// Tunable knobs of the selection, kept together so they can be chosen on
/// one half of an evaluation set and checked on the other.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Knobs {
    pub(crate) min_paragraph_chars: usize,
    pub(crate) sibling_ratio: f64,
    pub(crate) max_link_density: f64,
    pub(crate) chrome_line_max_chars: usize,
    /// Chrome elements holding more than this share of the page's text are
    /// wrappers, not chrome.
    pub(crate) wrapper_share: f64,
    /// Added to the learned model's score of "main text" for every block.
    pub(crate) block_bias: f32,
    /// The metadata rules that are on.
    pub(crate) meta_rules: crate::html::MetaRules,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            min_paragraph_chars: 25,
            sibling_ratio: 0.2,
            max_link_density: 0.5,
            chrome_line_max_chars: 100,
            wrapper_share: 0.4,
            block_bias: 0.0,
            meta_rules: crate::html::MetaRules::default(),
        }
    }
}

fn initial_score(tag: Tag) -> f64 {
    match tag {
        Tag::Div | Tag::Article | Tag::Main | Tag::Section => 5.0,
        Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
        Tag::Li | Tag::OtherBlock => -3.0,
        Tag::Heading(_) => -5.0,
        _ => 0.0,
    }
}

/// Text size of every element: characters of the blocks inside it, from
/// prefix sums over blocks sorted by element id.
pub(crate) struct Sizes {
    ids: Vec<u32>,
    prefix: Vec<usize>,
}

impl Sizes {
    pub(crate) fn new(blocks: &[Block], weigh: impl Fn(&Block) -> usize) -> Sizes {
        let weights: Vec<usize> = blocks.iter().map(weigh).collect();
        Sizes::weighted(blocks, &weights)
    }

    /// Sizes where block `i` weighs `weights[i]`.
    pub(crate) fn weighted(blocks: &[Block], weights: &[usize]) -> Sizes {
        let mut pairs: Vec<(u32, usize)> = blocks
            .iter()
            .zip(weights)
            .map(|(b, &w)| (b.element, w))
            .collect();
        pairs.sort_unstable();
        let mut prefix = Vec::with_capacity(pairs.len() + 1);
        prefix.push(0);
        let mut sum = 0;
        for &(_, n) in &pairs {
            sum += n;
            prefix.push(sum);
        }
        Sizes {
            ids: pairs.into_iter().map(|(id, _)| id).collect(),
            prefix,
        }
    }

    /// The whole page's size.
    pub(crate) fn total(&self) -> usize {
        self.prefix.last().copied().unwrap_or(0)
    }

    pub(crate) fn of(&self, info: &ElementInfo, id: u32) -> usize {
        let lo = self.ids.partition_point(|&x| x < id);
        let hi = self.ids.partition_point(|&x| x <= info.last_descendant);
        self.prefix[hi] - self.prefix[lo.min(hi)]
    }
}

/// For every element, whether it or an ancestor is chrome that is not a
/// wrapper around most of the page's text.
fn chrome_ancestry(page: &Page, share: f64) -> Vec<bool> {
    let sizes = Sizes::new(&page.blocks, |b| chars(&b.text));
    // Prose: paragraph-like blocks with few links. A "sidebar" class on the
    // element that holds most of the prose marks a layout, not chrome.
    let prose = Sizes::new(&page.blocks, |b| {
        let n = chars(&b.text);
        if n >= 60 && b.link_chars * 4 < n && !matches!(b.tag, Tag::Li | Tag::Heading(_)) {
            n
        } else {
            0
        }
    });
    let total = *sizes.prefix.last().unwrap_or(&0);
    let total_prose = *prose.prefix.last().unwrap_or(&0);
    let mut out: Vec<bool> = Vec::with_capacity(page.elements.len());
    for (i, info) in page.elements.iter().enumerate() {
        let id = u32::try_from(i).unwrap_or(u32::MAX);
        let own = info.chrome
            && (sizes.of(info, id) as f64) < share * total as f64
            && (prose.of(info, id) as f64) <= 0.5 * total_prose as f64;
        let inherited = (info.parent as usize) < i && out[info.parent as usize];
        out.push(own || inherited);
    }
    out
}

/// Picks the paragraphs of the main text, in document order.
pub(crate) fn select<'a>(page: &'a Page, title: Option<&str>, knobs: &Knobs) -> Vec<&'a Block> {
    let mask = select_mask(page, title, knobs);
    dedup(page, &mask)
}

/// The blocks marked in `mask`, in document order, each text of 20
/// characters or more kept once (a repeated standfirst or pull-quote).
pub(crate) fn dedup<'a>(page: &'a Page, mask: &[bool]) -> Vec<&'a Block> {
    let mut seen: HashSet<&str> = HashSet::new();
    page.blocks
        .iter()
        .zip(mask)
        .filter(|&(_, &keep)| keep)
        .map(|(b, _)| b)
        .filter(|b| chars(&b.text) < 20 || seen.insert(b.text.as_str()))
        .collect()
}

/// The readability-style choice, one flag per block of the page.
pub(crate) fn select_mask(page: &Page, title: Option<&str>, knobs: &Knobs) -> Vec<bool> {
    select_under(page, title, knobs, &chrome_blocks(page, knobs))
}

/// [`select_mask`] where `chrome[i]` says whether block `i` is under
/// chrome ([`chrome_blocks`], computed once by a caller that needs it
/// too).
pub(crate) fn select_under(
    page: &Page,
    title: Option<&str>,
    knobs: &Knobs,
    chrome: &[bool],
) -> Vec<bool> {
    let mut mask = vec![false; page.blocks.len()];
    let elements = &page.elements;
    if page.blocks.is_empty() || elements.is_empty() {
        return mask;
    }
    let blocks: Vec<(usize, &Block)> = page
        .blocks
        .iter()
        .enumerate()
        .filter(|&(i, _)| !chrome.get(i).copied().unwrap_or(false))
        .collect();
    let blocks = &blocks;
    let mut scores: HashMap<u32, f64> = HashMap::new();
    for &(_, block) in blocks {
        if block.quote_box || matches!(block.tag, Tag::Heading(_) | Tag::Li | Tag::OtherBlock) {
            continue;
        }
        let len = chars(&block.text);
        if len < knobs.min_paragraph_chars {
            continue;
        }
        let score = 1.0 + commas(&block.text) as f64 + (len as f64 / 100.0).min(3.0);
        // Text written straight into a container (`<div>text<br>text</div>`)
        // makes the container itself the first candidate, as readability
        // does when it turns such a div into a paragraph.
        let direct = matches!(
            block.tag,
            Tag::Div | Tag::Section | Tag::Article | Tag::Main
        );
        let mut current = block.block_element;
        for level in 0..3u32 {
            let Some(info) = elements.get(current as usize) else {
                break;
            };
            if !(direct && level == 0) {
                if info.parent == current {
                    break;
                }
                current = info.parent;
            }
            let share = match level {
                0 => 1.0,
                1 => 0.5,
                _ => 1.0 / (f64::from(level) * 3.0),
            };
            let entry = scores.entry(current).or_insert_with(|| {
                let parent_info = &elements[current as usize];
                initial_score(parent_info.tag) + f64::from(parent_info.weight)
            });
            *entry += score * share;
        }
    }
    if scores.is_empty() {
        for &(i, b) in blocks {
            mask[i] = keep_block(b, page, None, title, knobs);
        }
        return mask;
    }
    // Link density of each candidate, from the blocks inside it.
    let link_density = |container: u32| -> f64 {
        let (mut total, mut linked) = (0usize, 0usize);
        for (_, b) in blocks.iter() {
            if inside(elements, container, b.element) {
                total += chars(&b.text);
                linked += b.link_chars;
            }
        }
        if total == 0 {
            1.0
        } else {
            linked as f64 / total as f64
        }
    };
    let mut ranked: Vec<(u32, f64)> = scores
        .iter()
        .map(|(&id, &score)| (id, score * (1.0 - link_density(id))))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let (top, top_score) = ranked[0];
    let parent = elements[top as usize].parent;
    let threshold = (top_score * knobs.sibling_ratio).max(10.0);
    let mut containers: Vec<u32> = vec![top];
    if parent != top {
        for &(id, score) in &ranked[1..] {
            if elements[id as usize].parent == parent && id != top && score >= threshold {
                containers.push(id);
            }
        }
        // Paragraph siblings: text blocks directly under the parent.
        for (_, b) in blocks.iter() {
            if elements
                .get(b.block_element as usize)
                .is_some_and(|e| e.parent == parent)
                && b.tag == Tag::P
                && chars(&b.text) > 80
                && (b.link_chars as f64) < 0.25 * chars(&b.text) as f64
                && !containers.iter().any(|&c| inside(elements, c, b.element))
            {
                containers.push(b.block_element);
            }
        }
    }
    for &(i, b) in blocks {
        mask[i] = containers
            .iter()
            .find(|&&c| inside(elements, c, b.element))
            .is_some_and(|&c| keep_block(b, page, Some(c), title, knobs));
    }
    mask
}

/// For every block, whether it sits under chrome that is not a wrapper
/// (see [`chrome_ancestry`]).
pub(crate) fn chrome_blocks(page: &Page, knobs: &Knobs) -> Vec<bool> {
    let chrome = chrome_ancestry(page, knobs.wrapper_share);
    page.blocks
        .iter()
        .map(|b| chrome.get(b.element as usize).copied().unwrap_or(false))
        .collect()
}

/// Whether `text` is a short line of page chrome ("Advertisement",
/// "Read more", "Share").
pub(crate) fn chrome_line(text: &str, knobs: &Knobs) -> bool {
    // A char is at most 4 bytes: most blocks are measured without
    // counting.
    let max = knobs.chrome_line_max_chars;
    let short = text.len() <= max || (text.len() <= 4 * max && chars(text) <= max);
    short && CHROME_LINE.is_match(text)
}

fn keep_block(
    block: &Block,
    page: &Page,
    container: Option<u32>,
    title: Option<&str>,
    knobs: &Knobs,
) -> bool {
    if block.quote_box {
        return false;
    }
    let len = chars(&block.text);
    if let Some(c) = container {
        if !block.positive && negative_between(&page.elements, c, block.element) {
            return false;
        }
    } else if block.negative {
        return false;
    }
    if matches!(block.tag, Tag::Heading(1)) {
        return false;
    }
    if let Some(title) = title
        && block.text == title
    {
        return false;
    }
    let density = block.link_chars as f64 / len.max(1) as f64;
    if density > knobs.max_link_density {
        return false;
    }
    if len <= knobs.chrome_line_max_chars && CHROME_LINE.is_match(&block.text) {
        return false;
    }
    if container.is_none() && len < knobs.min_paragraph_chars {
        return false;
    }
    true
}
