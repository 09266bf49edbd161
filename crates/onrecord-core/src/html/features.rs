//! What the block model sees of each block: layout (tag path, class/id
//! tokens of the ancestors, the text share and link density of the
//! containers around it), the block's own text shape (length, links,
//! punctuation, first words), its place in the page, and what the
//! readability-style choice ([`super::select`]) made of it and of its
//! neighbours. All features are hashed ids for [`crate::perceptron`].

use crate::html::meta_text::{is_by_line, is_date_line};
use crate::html::select::{Knobs, Sizes, chars, chrome_blocks, chrome_line, select_under};
use crate::html::stream::{Block, Page, Tag};
use crate::perceptron::{Features, Fx};

/// Ancestors of a block whose class/id tokens are features.
const TOKEN_DEPTH: usize = 8;
/// Ancestors of a block whose text share and link density are features.
const CONTAINER_DEPTH: usize = 4;

fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::P => "p",
        Tag::Heading(1) => "h1",
        Tag::Heading(2) => "h2",
        Tag::Heading(3) => "h3",
        Tag::Heading(_) => "h4+",
        Tag::Li => "li",
        Tag::Td => "td",
        Tag::Pre => "pre",
        Tag::Blockquote => "blockquote",
        Tag::Div => "div",
        Tag::Section => "section",
        Tag::Article => "article",
        Tag::Main => "main",
        Tag::Figure => "figure",
        Tag::Figcaption => "figcaption",
        Tag::A => "a",
        Tag::Title => "title",
        Tag::Script => "script",
        Tag::Other => "other",
        Tag::OtherBlock => "otherblock",
    }
}

/// log2 buckets of a count: 0, 1, 2-3, 4-7, ... capped at `max`.
fn log_bucket(n: usize, max: u32) -> u32 {
    (usize::BITS - n.leading_zeros()).min(max)
}

/// Buckets of a share in [0, 1].
fn share_bucket(x: f64) -> u32 {
    match x {
        x if x <= 0.0 => 0,
        x if x < 0.05 => 1,
        x if x < 0.15 => 2,
        x if x < 0.3 => 3,
        x if x < 0.5 => 4,
        x if x < 0.7 => 5,
        x if x < 0.9 => 6,
        _ => 7,
    }
}

/// The lower-cased words of a page's title.
fn title_words(s: &str) -> Vec<String> {
    words_of(s).map(lower).collect()
}

fn words_of(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Lower case a character at a time, as [`lower_eq`] compares.
fn lower(w: &str) -> String {
    w.chars().flat_map(char::to_lowercase).collect()
}

/// Whether `word` lower-cased is `lowered`, without allocating: this runs
/// on every word of every short block.
fn lower_eq(word: &str, lowered: &str) -> bool {
    word.chars()
        .flat_map(char::to_lowercase)
        .eq(lowered.chars())
}

/// Blocks of more words are never compared with the title.
const TITLE_MAX_WORDS: usize = 40;

/// How a block's text compares with the page's title, whose words `t`
/// are computed once per page: 0 unrelated, 1 the same words, 2 the
/// title's first words (the title less a site suffix), 3 most of the
/// title's words.
fn title_match(t: Option<&[String]>, text: &str) -> u32 {
    let Some(t) = t else { return 0 };
    let mut b = [""; TITLE_MAX_WORDS];
    let mut n = 0;
    for w in words_of(text) {
        if n == TITLE_MAX_WORDS {
            return 0;
        }
        b[n] = w;
        n += 1;
    }
    let b = &b[..n];
    if b.is_empty() {
        return 0;
    }
    let prefix = b.len() <= t.len() && b.iter().zip(t).all(|(w, x)| lower_eq(w, x));
    if prefix && b.len() == t.len() {
        1
    } else if prefix && b.len() * 2 >= t.len() {
        2
    } else {
        let common = b
            .iter()
            .filter(|w| t.iter().any(|x| lower_eq(w, x)))
            .count();
        if common * 5 >= t.len().max(1) * 4 && common * 5 >= b.len() * 4 {
            3
        } else {
            0
        }
    }
}

/// Counts over a block's characters and words.
struct Shape {
    words: usize,
    /// Words starting with an upper-case letter.
    capitalised: usize,
    letters: usize,
    upper: usize,
    digits: usize,
    /// Holds `http`, `www.` or `@`.
    url_like: bool,
}

impl Shape {
    fn of(text: &str) -> Shape {
        let mut s = Shape {
            words: 0,
            capitalised: 0,
            letters: 0,
            upper: 0,
            digits: 0,
            url_like: text.contains("http") || text.contains("www.") || text.contains('@'),
        };
        let mut start = true;
        for c in text.chars() {
            if c.is_alphanumeric() {
                if start {
                    s.words += 1;
                    if c.is_uppercase() {
                        s.capitalised += 1;
                    }
                }
                start = false;
                if c.is_alphabetic() {
                    s.letters += 1;
                    if c.is_uppercase() {
                        s.upper += 1;
                    }
                } else if c.is_numeric() {
                    s.digits += 1;
                }
            } else {
                start = true;
            }
        }
        s
    }
}

/// How many levels above `element` its ancestor holds the container
/// `lo..=hi` (0 when `element` is inside it), capped at 6.
fn meeting_level(page: &Page, element: u32, lo: u32, hi: u32) -> u32 {
    if lo <= element && element <= hi {
        return 0;
    }
    let mut current = element;
    for level in 1..=6u32 {
        let Some(info) = page.elements.get(current as usize) else {
            return 6;
        };
        if info.parent == current {
            return 6;
        }
        current = info.parent;
        let Some(parent) = page.elements.get(current as usize) else {
            return 6;
        };
        if current <= lo && hi <= parent.last_descendant {
            return level;
        }
    }
    6
}

/// Where a block sits against the span of the readability choice.
#[derive(Clone, Copy)]
enum Against {
    Before,
    Inside,
    After,
    NoChoice,
}

/// The features of every block of `page`, one position per block.
pub(crate) fn features(page: &Page, title: Option<&str>, knobs: &Knobs) -> Features {
    let title_ws = title.map(title_words);
    let blocks = &page.blocks;
    let chrome = chrome_blocks(page, knobs);
    let chosen = select_under(page, title, knobs, &chrome);
    let lens: Vec<usize> = blocks.iter().map(|b| chars(&b.text)).collect();
    let sizes = Sizes::weighted(blocks, &lens);
    let links = Sizes::new(blocks, |b| b.link_chars);
    let total = sizes.total().max(1);
    let first = chosen.iter().position(|&c| c);
    let last = chosen.iter().rposition(|&c| c);
    let chosen_parents: Vec<u32> = blocks
        .iter()
        .zip(&chosen)
        .filter(|&(_, &c)| c)
        .filter_map(|(b, _)| {
            page.elements
                .get(b.block_element as usize)
                .map(|e| e.parent)
        })
        .collect();
    // The smallest element holding every chosen block, reached from the
    // first chosen block upwards.
    let top = first.and_then(|f| {
        let last = last?;
        let mut current = blocks[f].block_element;
        for _ in 0..64 {
            let info = page.elements.get(current as usize)?;
            if current <= blocks[last].element && blocks[last].element <= info.last_descendant {
                return Some((current, info.last_descendant));
            }
            if info.parent == current {
                return None;
            }
            current = info.parent;
        }
        None
    });
    let in_top = |b: &Block| top.is_some_and(|(lo, hi)| lo <= b.element && b.element <= hi);
    let mut feats = Features::with_capacity(blocks.len(), 64);
    let mut before = 0usize;
    // Characters before the first chosen block and before the end of the
    // last one.
    let span_start: usize = first.map_or(0, |f| lens[..f].iter().sum());
    let span_end: usize = last.map_or(0, |l| lens[..=l].iter().sum());
    for (i, block) in blocks.iter().enumerate() {
        let len = lens[i];
        let mut push = |fx: Fx| feats.push(fx.id());
        let against = match (first, last) {
            (Some(f), _) if i < f => Against::Before,
            (_, Some(l)) if i > l => Against::After,
            (Some(_), Some(_)) => Against::Inside,
            _ => Against::NoChoice,
        };
        let picked = u32::from(chosen[i]);
        let tag = tag_name(block.tag);
        let density = block.link_chars as f64 / len.max(1) as f64;
        let len_b = log_bucket(len, 12);
        let dens_b = share_bucket(density);
        push(Fx::new(1));
        push(Fx::new(2).add(tag));
        push(Fx::new(3).add_u(picked));
        push(Fx::new(4).add_u(picked).add_u(against as u32));
        push(Fx::new(5).add_u(picked).add(tag));
        push(Fx::new(6).add_u(u32::from(chrome[i])).add_u(picked));
        push(
            Fx::new(7)
                .add_u(u32::from(block.negative))
                .add_u(u32::from(block.positive))
                .add_u(u32::from(block.quote_box)),
        );
        push(Fx::new(8).add_u(len_b));
        push(Fx::new(9).add_u(dens_b));
        push(Fx::new(10).add_u(len_b).add_u(dens_b));
        push(Fx::new(11).add(tag).add_u(len_b));
        push(Fx::new(12).add_u(picked).add_u(len_b));
        let end = block.text.chars().last().unwrap_or(' ');
        let sentence = matches!(end, '.' | '!' | '?' | '"' | '”' | '’' | ':' | ')' | '…');
        push(Fx::new(13).add_u(u32::from(sentence)).add_u(len_b.min(6)));
        let commas = block.text.matches(',').count();
        push(Fx::new(14).add_u(log_bucket(commas, 4)));
        let before_block = before;
        let position = (before * 10 / total).min(9) as u32;
        push(Fx::new(15).add_u(position));
        before += len;
        push(Fx::new(16).add_u(u32::from(chrome_line(&block.text, knobs))));
        // First words of short blocks: "advertisement", "read more", "by".
        let mut words = block
            .text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        let w1 = words.next().map(str::to_lowercase).unwrap_or_default();
        let w2 = words.next().map(str::to_lowercase).unwrap_or_default();
        push(Fx::new(17).add(&w1));
        if len < 200 {
            push(Fx::new(18).add(&w1).add(&w2));
        }
        push(
            Fx::new(19)
                .add_u(title_match(title_ws.as_deref(), &block.text))
                .add(tag),
        );
        // Bylines and datelines: the elements the page marks as such, and
        // lines that read as one.
        let role = u32::from(block.in_byline) | u32::from(block.in_date) << 1;
        push(Fx::new(43).add_u(role).add_u(len_b.min(4)));
        push(
            Fx::new(44)
                .add_u(u32::from(is_by_line(&block.text)))
                .add_u(u32::from(is_date_line(&block.text))),
        );
        let shape = Shape::of(&block.text);
        push(Fx::new(23).add_u(log_bucket(shape.words, 8)));
        push(
            Fx::new(24)
                .add_u(share_bucket(
                    shape.capitalised as f64 / shape.words.max(1) as f64,
                ))
                .add_u(log_bucket(shape.words, 4)),
        );
        push(Fx::new(25).add_u(share_bucket(
            shape.upper as f64 / shape.letters.max(1) as f64,
        )));
        push(Fx::new(26).add_u(share_bucket(shape.digits as f64 / len.max(1) as f64)));
        push(Fx::new(27).add_u(u32::from(shape.url_like)));
        push(Fx::new(28).add_u(u32::from(in_top(block))).add_u(picked));
        // How far up the tree the block meets the readability container:
        // 0 inside it, 1 a sibling's subtree, 2 a cousin's, ...
        if let Some((lo, hi)) = top {
            let meet = meeting_level(page, block.element, lo, hi);
            push(Fx::new(29).add_u(meet).add_u(picked));
            push(Fx::new(40).add_u(meet).add(tag).add_u(dens_b.min(4)));
            push(Fx::new(41).add_u(meet).add_u(len_b));
            // Text between the block and the chosen span, against the span.
            let gap = match against {
                Against::Before => span_start.saturating_sub(before_block),
                Against::After => before_block.saturating_sub(span_end),
                _ => 0,
            };
            let rel = share_bucket(gap as f64 / (span_end - span_start).max(1) as f64);
            push(Fx::new(42).add_u(against as u32).add_u(rel));
        }
        // Neighbours: their tag and what the readability choice made of them.
        for (k, j) in [(0u32, i.checked_sub(1)), (1, i.checked_add(1))] {
            let neighbour = j.and_then(|j| blocks.get(j).map(|b| (b, chosen[j])));
            match neighbour {
                Some((b, c)) => {
                    push(
                        Fx::new(20)
                            .add_u(k)
                            .add(tag_name(b.tag))
                            .add_u(u32::from(c)),
                    );
                    push(Fx::new(21).add_u(k).add_u(u32::from(c)).add_u(picked));
                }
                None => push(Fx::new(20).add_u(k).add("edge")),
            }
        }
        let sibling_of_chosen = page
            .elements
            .get(block.block_element as usize)
            .is_some_and(|e| chosen_parents.contains(&e.parent));
        push(
            Fx::new(22)
                .add_u(u32::from(sibling_of_chosen))
                .add_u(picked),
        );
        layout_features(page, block, &sizes, &links, total, &mut push);
        feats.next();
    }
    feats
}

/// Tag path, class/id tokens and container shares above `block`.
// `depth` is the level above the block, used for more than indexing.
#[allow(clippy::needless_range_loop)]
fn layout_features(
    page: &Page,
    block: &Block,
    sizes: &Sizes,
    links: &Sizes,
    total: usize,
    push: &mut dyn FnMut(Fx),
) {
    let mut current = block.element;
    let mut path: [u64; 3] = [0; 3];
    let mut block_depth: Option<usize> = None;
    for depth in 0..TOKEN_DEPTH.max(CONTAINER_DEPTH + 4) {
        let Some(info) = page.elements.get(current as usize) else {
            break;
        };
        if depth < 3 {
            path[depth] = info.name;
        }
        if depth < TOKEN_DEPTH {
            let level = depth.min(3) as u32;
            for &t in page.tokens_of(current) {
                push(Fx::new(30).add_h(t).add_u(level));
                push(Fx::new(31).add_h(t));
            }
            push(Fx::new(32).add_h(info.name).add_u(level));
        }
        if current == block.block_element {
            block_depth = Some(depth);
        }
        if let Some(bd) = block_depth
            && depth > bd
            && depth - bd <= CONTAINER_DEPTH
        {
            let level = (depth - bd) as u32;
            let size = sizes.of(info, current);
            let share = share_bucket(size as f64 / total as f64);
            let density = share_bucket(links.of(info, current) as f64 / size.max(1) as f64);
            push(Fx::new(33).add_u(level).add_u(share));
            push(Fx::new(34).add_u(level).add_u(density));
            push(Fx::new(35).add_u(level).add_u(share).add_u(density));
            if info.chrome {
                push(Fx::new(36).add_u(level).add_u(share));
            }
            push(
                Fx::new(37)
                    .add_u(level)
                    .add_u(share_bucket(f64::from(info.weight) / 50.0 + 0.5)),
            );
        }
        if info.parent == current {
            break;
        }
        current = info.parent;
    }
    push(Fx::new(38).add_h(path[0]).add_h(path[1]));
    push(Fx::new(39).add_h(path[0]).add_h(path[1]).add_h(path[2]));
}

/// The longest block of a choice, from the kept length of each block
/// (0 when left out): where [`core_of`] starts looking.
fn longest_kept(kept: &[usize], first: &[bool]) -> Option<usize> {
    kept.iter()
        .zip(first)
        .enumerate()
        .filter(|&(_, (_, &k))| k)
        .max_by_key(|&(_, (&n, _))| n)
        .map(|(i, _)| i)
}

/// The core of a choice: the smallest element holding most of the text
/// chosen, found among the ancestors of its longest block.
fn core_of(page: &Page, kept: &Sizes, longest: usize) -> Option<(u32, u32)> {
    const MOST: f64 = 0.6;
    let total = kept.total();
    let mut current = page.blocks.get(longest)?.element;
    for _ in 0..64 {
        let info = page.elements.get(current as usize)?;
        if kept.of(info, current) as f64 >= MOST * total as f64 {
            return Some((current, info.last_descendant));
        }
        if info.parent == current {
            return None;
        }
        current = info.parent;
    }
    None
}

/// The second stage's features: the first stage's, and what the first
/// stage chose around each block (the share of each container's text it
/// kept, its choice of the neighbours), so that a block follows the
/// verdict on the container it sits in.
pub(crate) fn stacked(page: &Page, base: &Features, first: &[bool]) -> Features {
    let blocks = &page.blocks;
    let lens: Vec<usize> = blocks.iter().map(|b| chars(&b.text)).collect();
    let sizes = Sizes::weighted(blocks, &lens);
    let kept: Vec<usize> = lens
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            if first.get(i).copied().unwrap_or(false) {
                n
            } else {
                0
            }
        })
        .collect();
    let longest = longest_kept(&kept, first);
    let kept = Sizes::weighted(blocks, &kept);
    let total = sizes.total().max(1);
    let kept_share = share_bucket(kept.total() as f64 / total as f64);
    // The core's first and last characters.
    let core = longest.and_then(|l| core_of(page, &kept, l));
    let core_span = core.map(|(lo, hi)| {
        let mut start = None;
        let mut end = 0;
        let mut at = 0;
        for (b, &n) in blocks.iter().zip(&lens) {
            if lo <= b.element && b.element <= hi {
                start.get_or_insert(at);
                end = at + n;
            }
            at += n;
        }
        (start.unwrap_or(0), end)
    });
    let mut before = 0usize;
    let mut out = Features::with_capacity(blocks.len(), 96);
    for (i, block) in blocks.iter().enumerate().take(base.len()) {
        for &id in base.at(i) {
            out.push(id);
        }
        let mine = u32::from(first.get(i).copied().unwrap_or(false));
        let mut push = |fx: Fx| out.push(fx.id());
        push(Fx::new(60).add_u(mine));
        push(Fx::new(61).add_u(mine).add_u(kept_share));
        for (k, d) in [(0u32, -2isize), (1, -1), (2, 1), (3, 2)] {
            let j = i as isize + d;
            let other = usize::try_from(j)
                .ok()
                .and_then(|j| first.get(j).copied())
                .map_or(2, u32::from);
            push(Fx::new(62).add_u(k).add_u(other).add_u(mine));
        }
        let mut current = block.block_element;
        for level in 1..=5u32 {
            let Some(info) = page.elements.get(current as usize) else {
                break;
            };
            if info.parent == current {
                break;
            }
            current = info.parent;
            let Some(parent) = page.elements.get(current as usize) else {
                break;
            };
            let size = sizes.of(parent, current).max(1);
            let share = share_bucket(kept.of(parent, current) as f64 / size as f64);
            let weight = share_bucket(size as f64 / total as f64);
            push(Fx::new(63).add_u(level).add_u(share).add_u(mine));
            push(Fx::new(64).add_u(level).add_u(share).add_u(weight));
        }
        // Against the core of the first stage's choice: how far up the
        // tree the block meets it, and how much text lies between.
        if let (Some((lo, hi)), Some((start, end))) = (core, core_span) {
            let meet = meeting_level(page, block.element, lo, hi);
            let tag = tag_name(block.tag);
            let len = lens[i];
            let dens_b = share_bucket(block.link_chars as f64 / len.max(1) as f64).min(4);
            push(Fx::new(65).add_u(meet).add_u(mine));
            push(Fx::new(66).add_u(meet).add(tag).add_u(dens_b));
            push(Fx::new(67).add_u(meet).add_u(log_bucket(len, 12)));
            let (side, gap) = if before + len <= start {
                (0u32, start - before - len)
            } else if before >= end {
                (2, before - end)
            } else {
                (1, 0)
            };
            let rel = share_bucket(gap as f64 / (end - start).max(1) as f64);
            push(Fx::new(68).add_u(side).add_u(rel).add_u(mine));
        }
        before += lens[i];
        out.next();
    }
    out
}
