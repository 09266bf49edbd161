//! Named-entity tagger: a structured perceptron over BIO labels for
//! people, organisations, places and other names (CoreNLP's four classes),
//! trained on CoreNLP's silver labels for PolNeAR train
//! (`cargo xtask train-ner`), with the gazetteer's classes as features.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::OnceLock;

use super::gazetteer::{Gazetteer, Kind, Match};
use crate::analysis::Analysis;
use crate::perceptron::{Features, Fixed, Fx, IdHasher, Model, hash, tag_at, word_at};

const MODEL_BYTES: &[u8] = include_bytes!("../../models/ner.bin");

/// Entity classes the tagger knows, in label order (`B` = 1 + 2k, `I` =
/// 2 + 2k).
pub(crate) const CLASSES: [&str; 4] = ["PERSON", "ORGANIZATION", "LOCATION", "MISC"];
pub(crate) const LABELS: usize = 1 + 2 * CLASSES.len();

/// `I-X` only after `B-X` or `I-X`.
pub(crate) fn allowed(prev: Option<usize>, next: usize) -> bool {
    next == 0 || next % 2 == 1 || prev.is_some_and(|p| p != 0 && (p - 1) / 2 == (next - 1) / 2)
}

pub(crate) fn model() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let m = Model::from_bytes(MODEL_BYTES).ok()?.with_allowed(&allowed);
            (m.labels() == LABELS).then_some(m)
        })
        .as_ref()
}

/// Word shape, finer than the attribution tagger's: "Xx", "X.X.", "d,d".
fn shape(w: &str) -> u64 {
    let mut out = [0u8; 8];
    let mut n = 0;
    for c in w.chars() {
        let s = if c.is_uppercase() {
            b'X'
        } else if c.is_lowercase() {
            b'x'
        } else if c.is_numeric() {
            b'd'
        } else if c.is_ascii() {
            c as u8
        } else {
            b'~'
        };
        if n == 0 || out[n - 1] != s {
            if n == out.len() {
                break;
            }
            out[n] = s;
            n += 1;
        }
    }
    hash(std::str::from_utf8(&out[..n]).unwrap_or(""))
}

fn affix(w: &str, n: usize, suffix: bool) -> u64 {
    let cut = if suffix {
        w.char_indices().rev().nth(n - 1).map(|(i, _)| &w[i..])
    } else {
        w.char_indices().nth(n).map(|(i, _)| &w[..i])
    };
    hash(cut.unwrap_or(w))
}

/// Per-token facts for the features.
pub(crate) struct Prepared {
    h_raw: Vec<u64>,
    h_tag: Vec<u64>,
    h_shape: Vec<u64>,
    h_suffix: Vec<u64>,
    h_prefix: Vec<u64>,
    /// Gazetteer class and position (0 none; 1 + 2 * kind + inside).
    gaz: Vec<u32>,
    /// The capitalised word is also written in lower case in the article.
    seen_lower: Vec<bool>,
    /// Length of the run of capitalised tokens holding the token.
    cap_run: Vec<u32>,
    /// The token has a capital letter.
    capital: Vec<bool>,
    /// Elsewhere in the article the same word ends (bit 1) or opens (bit
    /// 2) a longer capitalised run ("Caddell" after "Pat Caddell"), or
    /// follows a personal title (bit 3).
    elsewhere: Vec<u32>,
}

/// Titles before a person's name, lowercased.
const PERSON_TITLES: &[&str] = &[
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "sen.",
    "rep.",
    "gov.",
    "president",
    "senator",
    "sir",
    "mr",
    "mrs",
    "ms",
    "dr",
];

pub(crate) fn prepare(a: &Analysis<'_>, gaz: &Gazetteer, found: &[Match]) -> Prepared {
    let t = &a.t;
    let n = t.len();
    let h_raw: Vec<u64> = (0..n)
        .map(|i| super::gazetteer::raw_hash(t.str(i)))
        .collect();
    let mut g = vec![0u32; n];
    for m in found {
        let kind = match gaz.entries[m.entry as usize].kind {
            Kind::Place => 0,
            Kind::Org => 1,
            Kind::Group => 2,
        };
        for (k, slot) in g[m.start..m.end].iter_mut().enumerate() {
            *slot = 1 + 2 * kind + u32::from(k > 0);
        }
    }
    let mut lower_words: HashSet<u64, BuildHasherDefault<IdHasher>> =
        HashSet::with_capacity_and_hasher(n, BuildHasherDefault::default());
    lower_words.extend(
        (0..n)
            .filter(|&i| t.str(i).chars().next().is_some_and(char::is_lowercase))
            .map(|i| a.h_word[i]),
    );
    let is_cap = |i: usize| t.str(i).chars().next().is_some_and(char::is_uppercase);
    let mut cap_run = vec![0u32; n];
    let mut i = 0;
    while i < n {
        if is_cap(i) {
            let mut j = i;
            while j < n && is_cap(j) && t.tokens[j].sentence == t.tokens[i].sentence {
                j += 1;
            }
            for slot in &mut cap_run[i..j] {
                *slot = (j - i).min(5) as u32;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    // Words by their role in capitalised runs anywhere in the article.
    let mut role: HashMap<u64, u32, BuildHasherDefault<IdHasher>> =
        HashMap::with_capacity_and_hasher(n / 4, BuildHasherDefault::default());
    let mut i = 0;
    while i < n {
        let len = cap_run[i] as usize;
        if len == 0 {
            if i + 1 < n && PERSON_TITLES.contains(&a.lower[i].as_str()) && is_cap(i + 1) {
                *role.entry(h_raw[i + 1]).or_default() |= 4;
            }
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && cap_run[j] as usize == len && j - i < len {
            j += 1;
        }
        if j - i >= 2 {
            *role.entry(h_raw[j - 1]).or_default() |= 1;
            *role.entry(h_raw[i]).or_default() |= 2;
        }
        i = j.max(i + 1);
    }
    let elsewhere = (0..n)
        .map(|i| {
            let r = role.get(&h_raw[i]).copied().unwrap_or(0);
            // Only what the article says elsewhere: a token's own run
            // does not count.
            if cap_run[i] >= 2 { r & 4 } else { r }
        })
        .collect();
    Prepared {
        capital: (0..n)
            .map(|i| t.str(i).chars().any(char::is_uppercase))
            .collect(),
        elsewhere,
        h_tag: a.pos.iter().map(|p| hash(p)).collect(),
        h_shape: (0..n).map(|i| shape(t.str(i))).collect(),
        h_suffix: a.lower.iter().map(|w| affix(w, 3, true)).collect(),
        h_prefix: a.lower.iter().map(|w| affix(w, 3, false)).collect(),
        seen_lower: (0..n)
            .map(|i| is_cap(i) && lower_words.contains(&a.h_word[i]))
            .collect(),
        gaz: g,
        cap_run,
        h_raw,
    }
}

/// Features of the tokens of one sentence.
/// Features of the tokens `seg` of the sentence `range` (context reads
/// the whole sentence).
pub(crate) fn features(
    a: &Analysis<'_>,
    p: &Prepared,
    range: Range<usize>,
    seg: Range<usize>,
) -> Features {
    let mut f = Features::with_capacity(seg.len(), 26);
    let word = |i: isize| word_at(&a.h_word, &range, i);
    let tag = |i: isize| tag_at(&p.h_tag, &range, i);
    let shp = |i: isize| tag_at(&p.h_shape, &range, i);
    let gz = |i: isize| {
        if i < range.start as isize || i >= range.end as isize {
            99
        } else {
            p.gaz[i as usize]
        }
    };
    for i in seg {
        let ii = i as isize;
        let first = u32::from(i == range.start);
        f.push(Fx::new(1).id());
        f.push(Fx::new(2).add_h(p.h_raw[i]).id());
        f.push(Fx::new(3).add_h(word(ii)).id());
        f.push(Fx::new(4).add_h(word(ii - 1)).id());
        f.push(Fx::new(5).add_h(word(ii + 1)).id());
        f.push(Fx::new(6).add_h(word(ii - 2)).id());
        f.push(Fx::new(7).add_h(word(ii + 2)).id());
        f.push(Fx::new(8).add_h(shp(ii)).add_u(first).id());
        f.push(Fx::new(9).add_h(shp(ii - 1)).add_h(shp(ii)).id());
        f.push(Fx::new(10).add_h(shp(ii)).add_h(shp(ii + 1)).id());
        f.push(Fx::new(11).add_h(p.h_suffix[i]).id());
        f.push(Fx::new(12).add_h(p.h_prefix[i]).id());
        f.push(Fx::new(13).add_h(tag(ii)).id());
        f.push(Fx::new(14).add_h(tag(ii - 1)).add_h(tag(ii)).id());
        f.push(Fx::new(15).add_h(tag(ii)).add_h(tag(ii + 1)).id());
        f.push(Fx::new(16).add_u(gz(ii)).id());
        f.push(Fx::new(17).add_u(gz(ii - 1)).add_u(gz(ii)).id());
        f.push(Fx::new(18).add_u(gz(ii)).add_u(gz(ii + 1)).id());
        f.push(
            Fx::new(19)
                .add_u(u32::from(p.seen_lower[i]))
                .add_u(first)
                .add_h(shp(ii))
                .id(),
        );
        f.push(Fx::new(20).add_u(p.cap_run[i]).add_h(shp(ii)).id());
        f.push(Fx::new(21).add_h(word(ii - 1)).add_h(shp(ii)).id());
        f.push(Fx::new(22).add_h(shp(ii)).add_h(word(ii + 1)).id());
        f.push(Fx::new(23).add_h(word(ii)).add_h(word(ii + 1)).id());
        f.push(Fx::new(24).add_h(word(ii - 1)).add_h(word(ii)).id());
        f.push(Fx::new(26).add_u(p.elsewhere[i]).add_h(shp(ii)).id());
        f.push(
            Fx::new(25)
                .add_u(u32::from(a.t.tokens[i].in_quote))
                .add_h(shp(ii))
                .id(),
        );
        f.next();
    }
    f
}

/// Whether token `i` cannot be part of a name: it has no capital letter
/// and neither has a word beside it. Such tokens are labelled O without
/// scoring (CoreNLP's names are capitalised; "of" in "Bank of America"
/// sits between capitals and is scored). Three tokens in four are.
fn outside(p: &Prepared, range: &Range<usize>, i: usize) -> bool {
    let capital = |k: usize| p.capital[k];
    !capital(i) && (i == range.start || !capital(i - 1)) && (i + 1 >= range.end || !capital(i + 1))
}

/// Runs of tokens of a sentence that may be part of a name: the tagger's
/// sequences.
pub(crate) fn segments(p: &Prepared, range: &Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for i in range.clone() {
        match (outside(p, range, i), start) {
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..range.end);
    }
    out
}

/// A name the tagger found: tokens `start..end` and its class index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Name {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) class: usize,
}

/// Reads the names out of a label sequence of tokens `offset..`.
pub(crate) fn names_of(labels: &[usize], offset: usize, out: &mut Vec<Name>) {
    let mut open: Option<Name> = None;
    for (k, &y) in labels.iter().enumerate() {
        let i = offset + k;
        let continues = y != 0 && y % 2 == 0 && open.is_some_and(|n| n.class == (y - 1) / 2);
        if continues {
            if let Some(n) = open.as_mut() {
                n.end = i + 1;
            }
            continue;
        }
        out.extend(open.take());
        if y != 0 {
            open = Some(Name {
                start: i,
                end: i + 1,
                class: (y - 1) / 2,
            });
        }
    }
    out.extend(open);
}

/// Every name the tagger finds, sentence by sentence.
pub(crate) fn tag(a: &Analysis<'_>, p: &Prepared) -> Vec<Name> {
    let Some(m) = model() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in &a.t.sentences {
        for seg in segments(p, r) {
            let f = features(a, p, r.clone(), seg.clone());
            let labels = m.decode_fixed(&f, &Fixed::default(), &[]);
            names_of(&labels, seg.start, &mut out);
        }
    }
    out
}

/// Code point span of a name, without a trailing possessive ("Trump's"
/// is one token; the name is "Trump").
pub(crate) fn char_span(a: &Analysis<'_>, n: &Name) -> (usize, usize) {
    let start = a.t.tokens[n.start].start;
    let mut end = a.t.tokens[n.end - 1].end;
    let last = a.t.str(n.end - 1);
    if (last.ends_with("'s") || last.ends_with("\u{2019}s")) && last.chars().count() > 2 {
        end -= 2;
    }
    (start, end)
}

/// Training and evaluation for `cargo xtask train-ner` / `eval-ner`.
pub mod training {

    use super::*;
    use crate::entities::gazetteer::gazetteer;
    use crate::perceptron::fit;

    /// An article with silver tokens: code point ranges and entity class
    /// (`O` or a CoreNLP class).
    #[derive(Debug, Clone)]
    pub struct Article {
        /// The text.
        pub text: String,
        /// `(start, end, class)` in code points.
        pub tokens: Vec<(usize, usize, String)>,
    }

    fn class_index(c: &str) -> Option<usize> {
        CLASSES.iter().position(|&k| k == c)
    }

    /// Silver names: runs of tokens of one class, `(class, start, end)`.
    pub fn silver_names(a: &Article) -> Vec<(usize, usize, usize)> {
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        let mut prev: Option<usize> = None;
        for (s, e, c) in &a.tokens {
            let c = class_index(c);
            match (c, out.last_mut()) {
                (Some(c), Some(last)) if prev == Some(c) => last.2 = *e,
                (Some(c), _) => out.push((c, *s, *e)),
                _ => {}
            }
            prev = c;
        }
        out
    }

    /// Gold label of each of our tokens: the class of the silver token that
    /// holds its first character, `B` where a silver name starts.
    fn labels(a: &Analysis<'_>, art: &Article) -> Vec<Option<usize>> {
        let names = silver_names(art);
        let mut out = Vec::with_capacity(a.t.len());
        let (mut k, mut j) = (0, 0);
        // The silver name the previous token was in.
        let mut prev: Option<usize> = None;
        for tok in &a.t.tokens {
            while k < art.tokens.len() && art.tokens[k].1 <= tok.start {
                k += 1;
            }
            let covered = art
                .tokens
                .get(k)
                .is_some_and(|s| s.0 <= tok.start && tok.start < s.1);
            while j < names.len() && names[j].2 <= tok.start {
                j += 1;
            }
            let inside = names.get(j).filter(|n| n.1 <= tok.start);
            let label = match inside {
                Some(&(c, _, _)) => 1 + 2 * c + usize::from(prev == Some(j)),
                None => 0,
            };
            prev = inside.map(|_| j);
            out.push(covered.then_some(label));
        }
        out
    }

    /// Which knowledge the tagger reads.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Source {
        /// The gazetteer alone: its names, no learned model.
        Gazetteer,
        /// The learned model without gazetteer features.
        Model,
        /// The learned model reading the gazetteer (what the pipeline runs).
        Both,
    }

    fn prepared(a: &Analysis<'_>, source: Source) -> Prepared {
        let g = gazetteer();
        let found = if source == Source::Model {
            Vec::new()
        } else {
            g.find(&a.t, &raw_hashes(a))
        };
        prepare(a, g, &found)
    }

    fn raw_hashes(a: &Analysis<'_>) -> Vec<u64> {
        (0..a.t.len())
            .map(|i| super::super::gazetteer::raw_hash(a.t.str(i)))
            .collect()
    }

    /// Trains the tagger; the same data always gives the same bytes.
    pub fn train(
        articles: &[Article],
        epochs: usize,
        source: Source,
        log: &mut dyn FnMut(usize, f64),
    ) -> Vec<u8> {
        let mut data = Vec::new();
        for art in articles {
            let a = Analysis::new(&art.text);
            let p = prepared(&a, source);
            let gold = labels(&a, art);
            for r in &a.t.sentences {
                for seg in segments(&p, r) {
                    let g: Option<Vec<usize>> = gold[seg.clone()].iter().copied().collect();
                    if let Some(mut g) = g {
                        // A name cut by the segment starts inside it.
                        if g[0] != 0 && g[0] % 2 == 0 {
                            g[0] -= 1;
                        }
                        data.push((features(&a, &p, r.clone(), seg.clone()), g));
                    }
                }
            }
        }
        let trainer = fit(data, LABELS, &allowed, 2, (epochs, 0x4e52), log);
        trainer.finish(CLASSES.join("\t"))
    }

    /// Names found in an article: `(class, start, end)` in code points.
    pub fn predict(text: &str, source: Source, model: Option<&[u8]>) -> Vec<(usize, usize, usize)> {
        let a = Analysis::new(text);
        let names = match source {
            Source::Gazetteer => {
                let g = gazetteer();
                g.find(&a.t, &raw_hashes(&a))
                    .into_iter()
                    .map(|m| Name {
                        start: m.start,
                        end: m.end,
                        class: match g.entries[m.entry as usize].kind {
                            Kind::Place => 2,
                            Kind::Org => 1,
                            Kind::Group => 3,
                        },
                    })
                    .collect()
            }
            _ => {
                let p = prepared(&a, source);
                match model.and_then(|b| Model::from_bytes(b).ok()) {
                    Some(m) => {
                        let m = m.with_allowed(&allowed);
                        let mut out = Vec::new();
                        for r in &a.t.sentences {
                            for seg in segments(&p, r) {
                                let f = features(&a, &p, r.clone(), seg.clone());
                                let labels = m.decode_fixed(&f, &Fixed::default(), &[]);
                                names_of(&labels, seg.start, &mut out);
                            }
                        }
                        out
                    }
                    None => tag(&a, &p),
                }
            }
        };
        names
            .iter()
            .map(|n| {
                let (s, e) = char_span(&a, n);
                (n.class, s, e)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_reading() {
        let mut out = Vec::new();
        // O B-PER I-PER B-PER I-ORG(stray) B-LOC
        names_of(&[0, 1, 2, 1, 4, 5], 10, &mut out);
        let spans: Vec<(usize, usize, usize)> =
            out.iter().map(|n| (n.start, n.end, n.class)).collect();
        assert_eq!(spans, [(11, 13, 0), (13, 14, 0), (14, 15, 1), (15, 16, 2)]);
        assert!(allowed(Some(1), 2));
        assert!(!allowed(Some(3), 2));
        assert!(!allowed(None, 2));
        assert!(allowed(Some(0), 7));
    }
}
