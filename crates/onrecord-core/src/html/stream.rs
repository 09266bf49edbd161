//! One streaming pass over an HTML page (lol_html, spec tokenizer, no tree):
//! turns the page into a flat list of text blocks with what is needed to
//! score them, and collects metadata on the way.
//!
//! lol_html runs end-tag handlers only for explicit end tags, so the pass
//! keeps its own stack of open elements and, on an end tag, pops everything
//! above the element it closes (the implicitly closed ones).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use lol_html::html_content::{Element, TextType};
use lol_html::{HtmlRewriter, MemorySettings, Settings, doc_text, element};

use crate::html::classes::{
    ClassSignal, MetaRole, attribute_role, class_role, class_signal, is_structural,
};

/// Element kinds that matter to extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    P,
    Heading(u8),
    Li,
    Td,
    Pre,
    Blockquote,
    Div,
    Section,
    Article,
    Main,
    Figure,
    Figcaption,
    A,
    Title,
    Script,
    Other,
    /// Any other element that breaks a line (`ul`, `table`, `tr`, `dd`, ...).
    OtherBlock,
}

impl Tag {
    fn of(name: &str) -> Tag {
        match name {
            "p" => Tag::P,
            "h1" => Tag::Heading(1),
            "h2" => Tag::Heading(2),
            "h3" => Tag::Heading(3),
            "h4" => Tag::Heading(4),
            "h5" => Tag::Heading(5),
            "h6" => Tag::Heading(6),
            "li" => Tag::Li,
            "td" | "th" => Tag::Td,
            "pre" => Tag::Pre,
            "blockquote" => Tag::Blockquote,
            "div" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "a" => Tag::A,
            "title" => Tag::Title,
            "script" => Tag::Script,
            "ul" | "ol" | "dl" | "dt" | "dd" | "table" | "tbody" | "thead" | "tfoot" | "tr"
            | "header" | "hr" | "address" | "center" | "details" | "summary" | "fieldset"
            | "caption" | "body" | "html" | "picture" => Tag::OtherBlock,
            _ => Tag::Other,
        }
    }

    fn is_block(self) -> bool {
        !matches!(self, Tag::A | Tag::Other | Tag::Title | Tag::Script)
    }
}

/// Elements whose whole subtree is never text of the article.
fn skipped_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "select"
            | "option"
            | "button"
            | "textarea"
            | "label"
            | "audio"
            | "video"
    )
}

/// Elements that usually hold page chrome. Like chrome classes, they are
/// dropped only when they are not a wrapper around most of the page.
fn chrome_tag(name: &str) -> bool {
    matches!(
        name,
        "nav" | "footer" | "aside" | "form" | "dialog" | "menu" | "header"
    )
}

const F_SKIP: u16 = 1;
const F_NEGATIVE: u16 = 1 << 1;
const F_CAPTION: u16 = 1 << 2;
const F_CREDIT: u16 = 1 << 3;
const F_POSITIVE: u16 = 1 << 4;
const F_LDJSON: u16 = 1 << 5;
const F_TITLE: u16 = 1 << 6;
const F_QUOTE_BOX: u16 = 1 << 7;
/// Inside a byline (see [`MetaRole`]).
const F_BYLINE: u16 = 1 << 8;
/// Inside a shown date.
const F_DATE: u16 = 1 << 9;
/// Bylines and shown dates kept per page, and the bytes of each.
const MAX_META_TEXTS: usize = 8;
const MAX_META_TEXT_BYTES: usize = 512;

/// Per element facts, indexed by element id (document order).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ElementInfo {
    pub(crate) parent: u32,
    /// Largest element id inside this element (itself when empty).
    pub(crate) last_descendant: u32,
    pub(crate) tag: Tag,
    /// Class/id weight, readability-style: + for content, - for chrome.
    pub(crate) weight: i8,
    /// Chrome by class or tag (share bar, related links, `<nav>`).
    pub(crate) chrome: bool,
    /// Where this element's class/id tokens start in [`Page::tokens`].
    pub(crate) tokens_start: u32,
    /// How many class/id tokens it has.
    pub(crate) tokens_len: u8,
    /// Hash of the tag name (`ul`, `aside`, `span`): finer than [`Tag`].
    pub(crate) name: u64,
}

/// A run of text between two block boundaries.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// Whitespace-collapsed, entity-decoded text.
    pub(crate) text: String,
    /// Characters of `text` inside links.
    pub(crate) link_chars: usize,
    /// Id of the innermost open element when the block was cut.
    pub(crate) element: u32,
    /// The nearest block-level element holding the text.
    pub(crate) block_element: u32,
    pub(crate) tag: Tag,
    /// Inside an element with a chrome class (share, related, ...).
    pub(crate) negative: bool,
    /// Inside an element with a content class or `itemprop=articleBody`.
    pub(crate) positive: bool,
    /// Inside a pull-quote or other box repeated from the body.
    pub(crate) quote_box: bool,
    /// Inside a byline element ([`MetaRole::Byline`]).
    pub(crate) in_byline: bool,
    /// Inside a shown-date element ([`MetaRole::Date`]).
    pub(crate) in_date: bool,
}

/// A caption and its credit as found in `<figcaption>` and friends.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawCaption {
    pub(crate) text: String,
    pub(crate) credit: String,
}

/// Metadata found while streaming.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageMeta {
    pub(crate) lang: Option<String>,
    pub(crate) title_tag: String,
    /// `(key, value)` of `<meta>` tags, key lowercased (`og:title`).
    pub(crate) metas: Vec<(String, String)>,
    pub(crate) canonical: Option<String>,
    pub(crate) ld_json: Vec<String>,
    pub(crate) time_datetime: Option<String>,
    /// Texts of elements marked as bylines (`class="byline"`,
    /// `rel="author"`, `itemprop="author"`), in page order, bounded.
    pub(crate) bylines: Vec<String>,
    /// Texts of elements marked as dates (`<time>`, `class="date"`,
    /// `itemprop="datePublished"`), in page order, bounded.
    pub(crate) date_texts: Vec<String>,
}

/// What the streaming pass found.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) blocks: Vec<Block>,
    pub(crate) elements: Vec<ElementInfo>,
    pub(crate) captions: Vec<RawCaption>,
    pub(crate) meta: PageMeta,
    /// Hashed class and id tokens of every element, element after element
    /// (see [`ElementInfo::tokens_start`]).
    pub(crate) tokens: Vec<u64>,
}

impl Page {
    /// The hashed class/id tokens of element `id`.
    pub(crate) fn tokens_of(&self, id: u32) -> &[u64] {
        self.elements.get(id as usize).map_or(&[], |e| {
            let start = e.tokens_start as usize;
            self.tokens
                .get(start..start + usize::from(e.tokens_len))
                .unwrap_or(&[])
        })
    }
}

/// Class/id tokens kept per element: enough for any real class list,
/// bounded for a hostile one.
const MAX_TOKENS: usize = 12;

/// Splits `class` and `id` into lowercase word tokens and pushes their
/// hashes. Tokens holding digits (`col-8`, CSS-module hashes like
/// `sc-1x2y3z`) and one-letter tokens say nothing that carries over to
/// another site, so they are left out.
fn push_tokens(out: &mut Vec<u64>, parts: [&str; 2]) -> u8 {
    let mut n = 0u8;
    for part in parts {
        for token in part.split(|c: char| !c.is_ascii_alphanumeric()) {
            if usize::from(n) >= MAX_TOKENS {
                return n;
            }
            if token.len() < 2 || token.len() > 24 || token.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            let mut lower = [0u8; 24];
            for (d, b) in lower.iter_mut().zip(token.bytes()) {
                *d = b.to_ascii_lowercase();
            }
            let word = std::str::from_utf8(&lower[..token.len()]).unwrap_or("");
            out.push(crate::perceptron::hash(word));
            n += 1;
        }
    }
    n
}

/// What an element's `class` and `id` say, worked out once per distinct
/// pair on a page.
#[derive(Debug, Clone)]
struct ClassInfo {
    signal: ClassSignal,
    role: Option<MetaRole>,
    /// Hashed class/id tokens ([`Layout::Full`] only).
    tokens: Vec<u64>,
}

/// Distinct `class`/`id` pairs remembered per page, and the longest pair
/// remembered (a hostile page's megabyte-long classes are worked out each
/// time instead of kept).
const MAX_CACHED_CLASSES: usize = 4096;
const MAX_CACHED_KEY_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct Frame {
    id: u32,
    flags: u16,
    tag: Tag,
}

/// Deeper nesting than this is not tracked (its text still is, attributed
/// to the deepest tracked element). Bounds memory and work on hostile pages.
const MAX_DEPTH: usize = 512;
/// Text kept per block; beyond it a block is cut.
const MAX_BLOCK_BYTES: usize = 1 << 20;
const MAX_LD_JSON_BYTES: usize = 1 << 20;

#[derive(Default)]
struct State {
    stack: Vec<Frame>,
    /// Elements below the tracked depth still open (their end tags pop these first).
    overflow: usize,
    raw: String,
    raw_link_bytes: usize,
    link_depth: u32,
    page: Page,
    in_caption_credit: bool,
    /// What each distinct `class`/`id` pair of the page says (pages repeat
    /// a few hundred pairs over thousands of elements), bounded.
    class_cache: HashMap<Box<str>, ClassInfo>,
    /// The cache key being built.
    class_key: String,
    /// Text of the byline element open now.
    byline_text: String,
    /// Text of the date element open now.
    date_text: String,
    /// Keep class/id tokens and tag-name hashes ([`Layout::Full`]).
    layout: bool,
}

/// How much of each element's layout the pass keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// What the readability-style choice reads.
    Basic,
    /// Also the class/id tokens and tag names the block model reads
    /// (work the readability-style choice does not pay for).
    Full,
}

impl State {
    fn top_flags(&self) -> u16 {
        self.stack.last().map_or(0, |f| f.flags)
    }

    fn nearest_block(&self) -> (u32, Tag) {
        self.stack
            .iter()
            .rev()
            .find(|f| f.tag.is_block())
            .map_or((0, Tag::OtherBlock), |f| (f.id, f.tag))
    }

    /// Ends the current run of text.
    fn flush(&mut self) {
        if self.raw.is_empty() {
            return;
        }
        let raw = std::mem::take(&mut self.raw);
        let link_bytes = std::mem::take(&mut self.raw_link_bytes);
        let flags = self.top_flags();
        let text = clean_text(&raw);
        if text.is_empty() {
            self.raw = raw;
            self.raw.clear();
            return;
        }
        if flags & F_CAPTION != 0 {
            let credit = flags & F_CREDIT != 0;
            if credit {
                match self.page.captions.last_mut() {
                    Some(c) if c.credit.is_empty() && self.in_caption_credit => c.credit = text,
                    Some(c) if !c.credit.is_empty() && self.in_caption_credit => {
                        c.credit.push(' ');
                        c.credit.push_str(&text);
                    }
                    _ => self.page.captions.push(RawCaption {
                        text: String::new(),
                        credit: text,
                    }),
                }
            } else {
                match self.page.captions.last_mut() {
                    Some(c) if c.credit.is_empty() && self.in_caption_credit => {
                        c.text.push(' ');
                        c.text.push_str(&text);
                    }
                    _ => self.page.captions.push(RawCaption {
                        text,
                        credit: String::new(),
                    }),
                }
            }
            self.in_caption_credit = true;
            self.raw = raw;
            self.raw.clear();
            return;
        }
        let link_chars = if link_bytes >= raw.len() {
            text.chars().count()
        } else {
            // Proportional: raw bytes in links over raw bytes, applied to the clean text.
            let total = text.chars().count();
            (total * link_bytes).div_ceil(raw.len().max(1))
        };
        let (block_element, tag) = self.nearest_block();
        let element = self.stack.last().map_or(0, |f| f.id);
        self.page.blocks.push(Block {
            text,
            link_chars,
            element,
            block_element,
            tag,
            negative: flags & F_NEGATIVE != 0,
            positive: flags & F_POSITIVE != 0,
            quote_box: flags & F_QUOTE_BOX != 0,
            in_byline: flags & F_BYLINE != 0,
            in_date: flags & F_DATE != 0,
        });
        self.raw = raw;
        self.raw.clear();
    }

    fn open(&mut self, el: &Element<'_, '_>) -> Option<u32> {
        let name = el.tag_name();
        let name = name.as_str();
        let tag = Tag::of(name);
        let parent_flags = self.top_flags();
        if tag.is_block() || name == "br" {
            self.flush();
            if parent_flags & F_CAPTION == 0 {
                self.in_caption_credit = false;
            }
        }
        match name {
            "html" => {
                if let Some(lang) = el.get_attribute("lang") {
                    self.page.meta.lang = Some(lang);
                }
            }
            "meta" => {
                let key = el
                    .get_attribute("property")
                    .or_else(|| el.get_attribute("name"))
                    .or_else(|| el.get_attribute("itemprop"));
                if let (Some(key), Some(value)) = (key, el.get_attribute("content"))
                    && self.page.meta.metas.len() < 512
                {
                    self.page.meta.metas.push((key.to_ascii_lowercase(), value));
                }
            }
            "link"
                if el
                    .get_attribute("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                self.page.meta.canonical = el.get_attribute("href");
            }
            "time" if self.page.meta.time_datetime.is_none() => {
                self.page.meta.time_datetime = el
                    .get_attribute("datetime")
                    .filter(|d| crate::date::normalize_date(d).is_some());
            }
            _ => {}
        }
        if !el.can_have_content() {
            return None;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.overflow += 1;
            return None;
        }
        let mut flags = parent_flags & !(F_LDJSON | F_TITLE);
        if flags & F_SKIP == 0 {
            if skipped_tag(name) {
                flags |= F_SKIP;
            }
            if el.get_attribute("hidden").is_some()
                || el
                    .get_attribute("aria-hidden")
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                || el.get_attribute("style").is_some_and(|s| hidden_style(&s))
            {
                flags |= F_SKIP;
            }
        }
        if name == "script" {
            if el
                .get_attribute("type")
                .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
            {
                flags |= F_LDJSON;
                self.page.meta.ld_json.push(String::new());
            }
        } else if name == "title" && self.page.meta.title_tag.is_empty() {
            flags |= F_TITLE;
        }
        let mut weight = 0i8;
        let mut chrome = chrome_tag(name);
        let class = el.get_attribute("class");
        let id = el.get_attribute("id");
        let itemprop = el.get_attribute("itemprop");
        if name != "meta"
            && itemprop
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case("datePublished"))
            && let Some(v) = el
                .get_attribute("content")
                .or_else(|| el.get_attribute("datetime"))
            && self.page.meta.metas.len() < 512
        {
            // `<span itemprop="datePublished" content="2025-08-16">`
            self.page.meta.metas.push(("datepublished".to_owned(), v));
        }
        if itemprop
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("articleBody"))
        {
            flags |= F_POSITIVE;
            weight = 50;
        }
        let tokens_start = u32::try_from(self.page.tokens.len()).unwrap_or(u32::MAX);
        let (signal, class_meta_role, tokens_len) = self.read_classes(
            class.as_deref().unwrap_or(""),
            id.as_deref().unwrap_or(""),
            name,
        );
        {
            match signal {
                ClassSignal::Remove => chrome = true,
                ClassSignal::Caption => flags |= F_CAPTION,
                ClassSignal::Credit => {
                    if flags & F_CAPTION != 0 {
                        flags |= F_CREDIT;
                    } else {
                        flags |= F_CAPTION | F_CREDIT;
                    }
                }
                ClassSignal::QuoteBox => flags |= F_QUOTE_BOX,
                ClassSignal::Weight(w) => {
                    weight = weight.saturating_add(w);
                    if w < 0 {
                        flags |= F_NEGATIVE;
                    } else if w >= 25 {
                        flags |= F_POSITIVE;
                    }
                }
                ClassSignal::None => {}
            }
        }
        if tag == Tag::Figcaption {
            flags |= F_CAPTION;
        }
        // A byline inside a date element ("Posted by X on ...") and a date
        // inside a byline are each read: the two roles nest freely.
        let role = if name == "time" {
            Some(MetaRole::Date)
        } else {
            let rel = if matches!(tag, Tag::A) || name == "link" {
                el.get_attribute("rel")
            } else {
                None
            };
            let href = if tag == Tag::A {
                el.get_attribute("href")
            } else {
                None
            };
            attribute_role(
                rel.as_deref().unwrap_or(""),
                itemprop.as_deref().unwrap_or(""),
                href.as_deref().unwrap_or(""),
            )
            .or(class_meta_role)
        };
        for (bit, want, buf) in [
            (F_BYLINE, MetaRole::Byline, &mut self.byline_text),
            (F_DATE, MetaRole::Date, &mut self.date_text),
        ] {
            if flags & bit != 0 {
                if buf.len() < MAX_META_TEXT_BYTES {
                    buf.push(' ');
                }
            } else if role == Some(want) {
                flags |= bit;
                buf.clear();
            }
        }
        if (flags ^ parent_flags) & (F_CAPTION | F_CREDIT) != 0 {
            // Caption text and its credit are cut apart even when inline.
            self.flush();
        }
        if flags & F_CAPTION != 0 && parent_flags & F_CAPTION == 0 {
            self.in_caption_credit = false;
        }
        let id = u32::try_from(self.page.elements.len()).unwrap_or(u32::MAX);
        let parent = self.stack.last().map_or(id, |f| f.id);
        self.page.elements.push(ElementInfo {
            parent,
            last_descendant: id,
            tag,
            weight,
            chrome,
            tokens_start,
            tokens_len,
            name: if self.layout {
                crate::perceptron::hash(name)
            } else {
                0
            },
        });
        if tag == Tag::A {
            self.link_depth += 1;
        }
        self.stack.push(Frame { id, flags, tag });
        Some(id)
    }

    fn close(&mut self, id: u32) {
        if self.overflow > 0 {
            // An end tag deeper than we track: it closes one untracked element.
            self.overflow -= 1;
            return;
        }
        let Some(pos) = self.stack.iter().rposition(|f| f.id == id) else {
            return;
        };
        let last = u32::try_from(self.page.elements.len().saturating_sub(1)).unwrap_or(u32::MAX);
        while self.stack.len() > pos {
            let frame = self.stack[self.stack.len() - 1];
            let below = self
                .stack
                .len()
                .checked_sub(2)
                .map_or(0, |i| self.stack[i].flags);
            if frame.tag.is_block() || (frame.flags ^ below) & (F_CAPTION | F_CREDIT) != 0 {
                self.flush();
            }
            if frame.flags & F_CAPTION != 0 && frame.flags & F_CREDIT == 0 {
                // leaving a caption: text after it opens a new caption.
                if self.stack.len() < 2 || self.stack[self.stack.len() - 2].flags & F_CAPTION == 0 {
                    self.in_caption_credit = false;
                }
            }
            for bit in [F_BYLINE, F_DATE] {
                if frame.flags & bit != 0 && below & bit == 0 {
                    self.end_role(bit);
                }
            }
            self.stack.pop();
            if frame.tag == Tag::A {
                self.link_depth = self.link_depth.saturating_sub(1);
            }
            if let Some(info) = self.page.elements.get_mut(frame.id as usize) {
                info.last_descendant = last;
            }
        }
    }

    /// What `class` and `id` say of an element `name`: its signal, its
    /// metadata role, and (with [`Layout::Full`]) its tokens pushed onto
    /// the page's, whose count is returned. Worked out once per distinct
    /// pair and page.
    fn read_classes(
        &mut self,
        class: &str,
        id: &str,
        name: &str,
    ) -> (ClassSignal, Option<MetaRole>, u8) {
        if class.is_empty() && id.is_empty() {
            return (ClassSignal::None, None, 0);
        }
        self.class_key.clear();
        self.class_key.push_str(class);
        self.class_key.push('\0');
        self.class_key.push_str(id);
        self.class_key
            .push(if is_structural(name) { '\u{1}' } else { '\0' });
        if let Some(info) = self.class_cache.get(self.class_key.as_str()) {
            self.page.tokens.extend_from_slice(&info.tokens);
            return (info.signal, info.role, info.tokens.len() as u8);
        }
        let mut tokens = Vec::new();
        if self.layout {
            push_tokens(&mut tokens, [class, id]);
        }
        let info = ClassInfo {
            signal: class_signal(class, id, name),
            role: class_role(class, id),
            tokens,
        };
        self.page.tokens.extend_from_slice(&info.tokens);
        let out = (info.signal, info.role, info.tokens.len() as u8);
        if self.class_cache.len() < MAX_CACHED_CLASSES
            && self.class_key.len() <= MAX_CACHED_KEY_BYTES
        {
            self.class_cache
                .insert(self.class_key.as_str().into(), info);
        }
        out
    }

    /// Leaving a byline or date element: keeps its text.
    fn end_role(&mut self, role: u16) {
        let (buf, list) = if role == F_BYLINE {
            (&mut self.byline_text, &mut self.page.meta.bylines)
        } else {
            (&mut self.date_text, &mut self.page.meta.date_texts)
        };
        let text = clean_text(&std::mem::take(buf));
        if !text.is_empty() && text.len() <= MAX_META_TEXT_BYTES && list.len() < MAX_META_TEXTS {
            list.push(text);
        }
    }

    fn text(&mut self, chunk: &str, kind: TextType) {
        let flags = self.top_flags();
        if flags & F_LDJSON != 0 {
            if let Some(buf) = self.page.meta.ld_json.last_mut()
                && buf.len() + chunk.len() <= MAX_LD_JSON_BYTES
            {
                buf.push_str(chunk);
            }
            return;
        }
        if flags & F_TITLE != 0 {
            if self.page.meta.title_tag.len() < 4096 {
                self.page.meta.title_tag.push_str(chunk);
            }
            return;
        }
        if flags & F_SKIP != 0 || !matches!(kind, TextType::Data) {
            return;
        }
        if flags & F_BYLINE != 0 && self.byline_text.len() < MAX_META_TEXT_BYTES {
            self.byline_text.push_str(chunk);
        }
        if flags & F_DATE != 0 && self.date_text.len() < MAX_META_TEXT_BYTES {
            self.date_text.push_str(chunk);
        }
        if self.raw.len() + chunk.len() > MAX_BLOCK_BYTES {
            self.flush();
        }
        self.raw.push_str(chunk);
        if self.link_depth > 0 {
            self.raw_link_bytes += chunk.len();
        }
    }
}

fn hidden_style(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    compact.contains("display:none") || compact.contains("visibility:hidden")
}

/// Decodes entities and collapses white space.
pub(crate) fn clean_text(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    let mut out = String::with_capacity(decoded.len());
    let mut pending_space = false;
    for c in decoded.chars() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Streams `html` once and returns its blocks and metadata.
pub(crate) fn scan(html: &str, max_memory_bytes: usize, layout: Layout) -> Result<Page, String> {
    let state = Rc::new(RefCell::new(State {
        layout: layout == Layout::Full,
        ..State::default()
    }));
    {
        let on_element = Rc::clone(&state);
        let on_text = Rc::clone(&state);
        let settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(
                MemorySettings::new().with_max_allowed_memory_usage(max_memory_bytes),
            )
            .append_element_content_handler(element!("*", move |el| {
                let id = on_element.borrow_mut().open(el);
                if let Some(id) = id {
                    let on_end = Rc::clone(&on_element);
                    if let Some(handlers) = el.end_tag_handlers() {
                        handlers.push(Box::new(move |_end| {
                            on_end.borrow_mut().close(id);
                            Ok(())
                        }));
                    }
                }
                Ok(())
            }))
            .append_document_content_handler(doc_text!(move |t| {
                on_text.borrow_mut().text(t.as_str(), t.text_type());
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter.write(html.as_bytes()).map_err(|e| e.to_string())?;
        rewriter.end().map_err(|e| e.to_string())?;
    }
    let mut state = state.take();
    state.flush();
    let last = u32::try_from(state.page.elements.len().saturating_sub(1)).unwrap_or(u32::MAX);
    for frame in &state.stack {
        if let Some(info) = state.page.elements.get_mut(frame.id as usize) {
            info.last_descendant = last;
        }
    }
    Ok(state.page)
}

#[cfg(test)]
mod tests {
    use super::{Layout, scan};

    /// What a class says is worked out once per page and reused: every
    /// element with the same class gets the same verdict and tokens as the
    /// first, and a class too long to remember is still read.
    #[test]
    fn repeated_classes_read_the_same_as_the_first() {
        let long = "share-bar ".repeat(200);
        let html = format!(
            "<body><div class='share-bar x'>a</div><p class='story-text'>b</p>\
             <div class='share-bar x'>c</div><div class='{long}'>d</div>\
             <div class='{long}'>e</div><span class='byline'>By Ana Cruz</span>\
             <span class='byline'>By Ana Cruz</span></body>"
        );
        let page = scan(&html, 1 << 20, Layout::Full).unwrap_or_default();
        let of = |text: &str| {
            let b = page.blocks.iter().find(|b| b.text == text);
            b.map(|b| {
                (
                    page.elements[b.element as usize].chrome,
                    page.tokens_of(b.element).to_vec(),
                )
            })
        };
        let (a, c) = (of("a"), of("c"));
        assert!(
            a.as_ref()
                .is_some_and(|(chrome, tokens)| *chrome && tokens.len() == 2)
        );
        assert_eq!(a, c);
        let (d, e) = (of("d"), of("e"));
        assert!(d.as_ref().is_some_and(|(chrome, _)| *chrome));
        assert_eq!(d, e);
        assert_eq!(of("b").map(|(chrome, _)| chrome), Some(false));
        assert_eq!(page.meta.bylines, ["By Ana Cruz", "By Ana Cruz"]);
    }
}
