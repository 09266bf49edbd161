//! Token features for the attribution tagger.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use crate::parse::Syntax;
use crate::perceptron::{Features, Fx, IdHasher, hash, tag_at, word_at};
use crate::text::Tokens;

/// Labels of the cue tagger.
pub(crate) const O: usize = 0;
pub(crate) const B_CUE: usize = 1;
pub(crate) const I_CUE: usize = 2;
pub(crate) const LABELS: usize = 3;

/// `I-CUE` only after `B-CUE` or `I-CUE`.
pub(crate) fn allowed(prev: Option<usize>, next: usize) -> bool {
    next != I_CUE || matches!(prev, Some(B_CUE | I_CUE))
}

/// Words that act as reporting cues, learned from the training data: the
/// lowercased word (or, written `~stem`, its stem) and a strength class (1
/// strongest). Keyed by [`hash`] so that lookups reuse the token hashes.
#[derive(Debug, Default, Clone)]
pub(crate) struct Lexicon {
    cues: HashMap<u64, u8, BuildHasherDefault<IdHasher>>,
}

/// Keeps stem keys apart from word keys.
const STEM_SALT: u64 = 0x5eed_57e3;

impl Lexicon {
    pub(crate) fn parse(text: &str) -> Lexicon {
        let cues = text
            .lines()
            .filter_map(|l| {
                let (w, c) = l.split_once('\t')?;
                let key = match w.strip_prefix('~') {
                    Some(stem) => hash(stem) ^ STEM_SALT,
                    None => hash(w),
                };
                Some((key, c.parse().ok()?))
            })
            .collect();
        Lexicon { cues }
    }

    /// The class of a word given by the hash of its lowercased form.
    pub(crate) fn class_of_word(&self, h: u64) -> u8 {
        self.cues.get(&h).copied().unwrap_or(0)
    }

    /// The class of a stem given by its hash.
    pub(crate) fn class_of_stem(&self, h: u64) -> u8 {
        self.cues.get(&(h ^ STEM_SALT)).copied().unwrap_or(0)
    }

    pub(crate) fn serialize(entries: &[(String, u8)]) -> String {
        let mut out = String::new();
        for (w, c) in entries {
            out.push_str(w);
            out.push('\t');
            out.push_str(&c.to_string());
            out.push('\n');
        }
        out
    }
}

pub(crate) fn shape(w: &str) -> &'static str {
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return "e";
    };
    if !first.is_alphanumeric() {
        return "p";
    }
    let (mut upper, mut lower, mut digit) = (0, 0, 0);
    for c in w.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        } else if c.is_numeric() {
            digit += 1;
        }
    }
    match (first.is_uppercase(), upper, lower, digit) {
        (_, _, _, d) if d > 0 && upper + lower == 0 => "d",
        (_, _, _, d) if d > 0 => "xd",
        (true, u, 0, _) if u > 1 => "XX",
        (true, _, _, _) => "Xx",
        _ => "x",
    }
}

/// A crude stem: common inflection endings off ("says", "saying",
/// "claimed" -> "say", "say", "claim").
pub(crate) fn stem(w: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(s) = w.strip_suffix(suffix)
            && s.len() >= 3
        {
            return s;
        }
    }
    w
}

pub(crate) fn bucket(d: usize) -> u32 {
    match d {
        0..=1 => 1,
        2 => 2,
        3 => 3,
        4..=6 => 4,
        7..=10 => 5,
        11..=20 => 6,
        _ => 7,
    }
}

/// Per-token facts the features read, computed once per article.
pub(crate) struct Prepared {
    pub(crate) lower: Vec<String>,
    /// Hashes of each token's lowercased word, tag, shape, stem and last
    /// three letters, for [`Fx::add_h`].
    pub(crate) h_word: Vec<u64>,
    pub(crate) h_tag: Vec<u64>,
    pub(crate) h_shape: Vec<u64>,
    pub(crate) h_stem: Vec<u64>,
    pub(crate) h_suffix: Vec<u64>,
    pub(crate) shapes: Vec<&'static str>,
    /// Cue class of the lowercased word (0 = none, 1 strongest).
    pub(crate) cue: Vec<u8>,
    /// The cue class of the token's stem.
    pub(crate) stem_cue: Vec<u8>,
    /// Nearest strong cue word to the left / right within the sentence.
    pub(crate) cue_left: Vec<Option<usize>>,
    pub(crate) cue_right: Vec<Option<usize>>,
    /// Position in the sentence and the sentence's length.
    pub(crate) sent_pos: Vec<usize>,
    pub(crate) sent_len: Vec<usize>,
    /// A colon comes earlier in the sentence.
    pub(crate) after_colon: Vec<bool>,
    pub(crate) pos: Vec<&'static str>,
    /// Dependency trees of the sentences that hold a candidate cue
    /// ([`Prepared::parse_cues`]); the others are left unparsed.
    pub(crate) syntax: Syntax,
}

impl Prepared {
    /// Parses the sentences that hold the tokens `cues` (the first of
    /// each cue): a cue's tree features and subject read its own
    /// sentence only, so the rest of the article is never parsed.
    pub(crate) fn parse_cues(&mut self, t: &Tokens<'_>, cues: impl Iterator<Item = usize>) {
        let mut wanted = vec![false; t.sentences.len()];
        for c in cues {
            if let Some(w) = t
                .tokens
                .get(c)
                .and_then(|tok| wanted.get_mut(tok.sentence as usize))
            {
                *w = true;
            }
        }
        self.syntax = Syntax::of(t, &|r| {
            t.tokens
                .get(r.start)
                .is_some_and(|tok| wanted.get(tok.sentence as usize) == Some(&true))
        });
    }
}

/// The relation of token `i` as features read it (`unparsed` where its
/// sentence was not parsed).
pub(crate) fn relation_name(p: &Prepared, i: usize) -> &'static str {
    p.syntax.relation(i).map_or("unparsed", |r| r.as_str())
}

/// Prepares an analysed article (its tokens `t`), taking over its
/// lowercased words, their hashes and tags.
pub(crate) fn prepare(
    t: &Tokens<'_>,
    (lower, h_word, pos): (Vec<String>, Vec<u64>, Vec<&'static str>),
    lex: &Lexicon,
) -> Prepared {
    let n = t.len();
    let shapes: Vec<&'static str> = (0..n).map(|i| shape(t.str(i))).collect();
    let h_stem: Vec<u64> = lower.iter().map(|w| hash(stem(w))).collect();
    let cue: Vec<u8> = h_word.iter().map(|&h| lex.class_of_word(h)).collect();
    let stem_cue: Vec<u8> = h_stem.iter().map(|&h| lex.class_of_stem(h)).collect();
    let h_tag = pos.iter().map(|t| hash(t)).collect();
    let h_suffix = lower
        .iter()
        .map(|w| {
            let start = w.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
            hash(&w[start..])
        })
        .collect();
    let h_shape = shapes.iter().map(|s: &&str| hash(s)).collect();
    let mut p = Prepared {
        h_word,
        h_tag,
        h_shape,
        h_stem,
        h_suffix,
        lower,
        shapes,
        cue,
        stem_cue,
        cue_left: vec![None; n],
        cue_right: vec![None; n],
        sent_pos: vec![0; n],
        sent_len: vec![0; n],
        after_colon: vec![false; n],
        pos,
        syntax: Syntax::default(),
    };
    let strong = |c: u8| c == 1 || c == 2;
    for r in &t.sentences {
        let mut last: Option<usize> = None;
        let mut colon = false;
        for i in r.clone() {
            p.cue_left[i] = last;
            if strong(p.cue[i]) {
                last = Some(i);
            }
            p.after_colon[i] = colon;
            if t.str(i) == ":" {
                colon = true;
            }
            p.sent_pos[i] = i - r.start;
            p.sent_len[i] = r.len();
        }
        let mut next: Option<usize> = None;
        for i in r.clone().rev() {
            if strong(p.cue[i]) {
                next = Some(i);
            }
            p.cue_right[i] = next.filter(|&j| j != i);
        }
    }
    p
}

/// Features of the tokens in `range` (one paragraph) for the cue tagger.
/// Template numbers are part of the feature ids: changing one retrains.
pub(crate) fn features(t: &Tokens<'_>, p: &Prepared, range: Range<usize>) -> Features {
    let mut f = Features::with_capacity(range.len(), 26);
    let word = |i: isize| word_at(&p.h_word, &range, i);
    let tag = |i: isize| tag_at(&p.h_tag, &range, i);
    for i in range.clone() {
        let ii = i as isize;
        let w0 = word(ii);
        let t0 = tag(ii);
        let q0 = if t.tokens[i].in_quote { "q" } else { "n" };
        let st = p.h_stem[i];
        // Words, their neighbours and shapes.
        f.push(Fx::new(1).id());
        f.push(Fx::new(2).add_h(w0).id());
        f.push(Fx::new(3).add_h(word(ii - 1)).id());
        f.push(Fx::new(4).add_h(word(ii + 1)).id());
        f.push(Fx::new(5).add_h(word(ii - 2)).id());
        f.push(Fx::new(6).add_h(word(ii + 2)).id());
        f.push(Fx::new(7).add_h(word(ii - 1)).add_h(w0).id());
        f.push(Fx::new(8).add_h(w0).add_h(word(ii + 1)).id());
        f.push(Fx::new(9).add_h(p.h_shape[i]).id());
        f.push(Fx::new(11).add_h(p.h_suffix[i]).id());
        f.push(Fx::new(13).add(q0).add_h(w0).id());
        // Place in the sentence.
        let pos = p.sent_pos[i];
        let place = if pos == 0 {
            "first"
        } else if pos + 1 == p.sent_len[i] {
            "last"
        } else {
            "mid"
        };
        f.push(Fx::new(14).add(place).add_u(bucket(pos)).id());
        // Cue words (learned lexicon) here and nearby.
        let prev_cue = if i > range.start { p.cue[i - 1] } else { 9 };
        f.push(
            Fx::new(16)
                .add_u(u32::from(p.cue[i]))
                .add_u(u32::from(prev_cue))
                .id(),
        );
        f.push(
            Fx::new(17)
                .add_u(u32::from(p.cue[i]))
                .add_h(word(ii + 1))
                .id(),
        );
        f.push(match p.cue_left[i] {
            Some(j) => Fx::new(18).add_h(p.h_word[j]).id(),
            None => Fx::new(18).add("-").id(),
        });
        f.push(match p.cue_right[i] {
            Some(j) => Fx::new(22).add_h(p.h_word[j]).id(),
            None => Fx::new(22).add("-").id(),
        });
        f.push(
            Fx::new(47)
                .add_u(u32::from(p.stem_cue[i]))
                .add_h(t0)
                .add_u(u32::from(p.cue[i]))
                .id(),
        );
        // Parts of speech and stems.
        f.push(Fx::new(30).add_h(t0).id());
        f.push(Fx::new(31).add_h(tag(ii - 1)).add_h(t0).id());
        f.push(Fx::new(32).add_h(t0).add_h(tag(ii + 1)).id());
        f.push(Fx::new(34).add_h(t0).add(q0).id());
        f.push(Fx::new(37).add_h(word(ii - 1)).add_h(t0).id());
        f.push(Fx::new(40).add_h(st).id());
        f.push(Fx::new(41).add_h(st).add_h(t0).id());
        f.push(Fx::new(42).add_h(st).add_h(word(ii + 1)).id());
        f.push(Fx::new(44).add_h(w0).add_h(tag(ii + 1)).id());
        f.next();
    }
    f
}

impl Tokens<'_> {
    /// First token of the sentence holding token `i`.
    pub(crate) fn sentences_start(&self, i: usize) -> usize {
        let s = self.tokens[i].sentence as usize;
        self.sentences.get(s).map_or(i, |r| r.start)
    }
}
