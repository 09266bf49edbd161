//! Token features for the attribution tagger.

use std::collections::HashMap;
use std::ops::Range;

use crate::perceptron::{Features, Fx, hash};
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
/// lowercased word and a strength class (1 strongest).
#[derive(Debug, Default, Clone)]
pub(crate) struct Lexicon {
    cues: HashMap<String, u8>,
}

impl Lexicon {
    pub(crate) fn parse(text: &str) -> Lexicon {
        let cues = text
            .lines()
            .filter_map(|l| {
                let (w, c) = l.split_once('\t')?;
                Some((w.to_owned(), c.parse().ok()?))
            })
            .collect();
        Lexicon { cues }
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

    pub(crate) fn class(&self, lower: &str) -> u8 {
        self.cues.get(lower).copied().unwrap_or(0)
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
    pub(crate) cue: Vec<u8>,
    /// Nearest strong cue word to the left / right within the sentence.
    pub(crate) cue_left: Vec<Option<usize>>,
    pub(crate) cue_right: Vec<Option<usize>>,
    /// Whether the sentence before / after holds a strong cue word.
    prev_sent_cue: Vec<bool>,
    next_sent_cue: Vec<bool>,
    pub(crate) sent_pos: Vec<usize>,
    pub(crate) sent_len: Vec<usize>,
    sent_has_quote: Vec<bool>,
    pub(crate) after_colon: Vec<bool>,
    pub(crate) comma_to_right_cue: Vec<bool>,
    pub(crate) pos: Vec<&'static str>,
    /// A verb lies between the token and the next strong cue word.
    verb_to_right_cue: Vec<bool>,
}

pub(crate) fn prepare(t: &Tokens<'_>, lex: &Lexicon) -> Prepared {
    let n = t.len();
    let lower: Vec<String> = (0..n).map(|i| t.str(i).to_lowercase()).collect();
    let shapes: Vec<&'static str> = (0..n).map(|i| shape(t.str(i))).collect();
    let cue: Vec<u8> = lower.iter().map(|w| lex.class(w)).collect();
    let h_word: Vec<u64> = lower.iter().map(|w| hash(w)).collect();
    let pos = crate::pos::tag(t, &lower, &h_word);
    let h_tag = pos.iter().map(|t| hash(t)).collect();
    let h_stem = lower.iter().map(|w| hash(stem(w))).collect();
    let h_suffix = lower
        .iter()
        .map(|w| {
            let start = w.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
            hash(&w[start..])
        })
        .collect();
    let strong = |i: usize| cue[i] == 1 || cue[i] == 2;
    let h_shape = shapes.iter().map(|s: &&str| hash(s)).collect();
    let mut p = Prepared {
        h_word,
        h_tag,
        h_shape,
        h_stem,
        h_suffix,
        lower,
        shapes,
        cue: cue.clone(),
        cue_left: vec![None; n],
        cue_right: vec![None; n],
        prev_sent_cue: vec![false; n],
        next_sent_cue: vec![false; n],
        sent_pos: vec![0; n],
        sent_len: vec![0; n],
        sent_has_quote: vec![false; n],
        after_colon: vec![false; n],
        comma_to_right_cue: vec![false; n],
        pos,
        verb_to_right_cue: vec![false; n],
    };
    let sent_cue: Vec<bool> = t.sentences.iter().map(|r| r.clone().any(strong)).collect();
    for (s, r) in t.sentences.iter().enumerate() {
        let has_quote = r.clone().any(|i| crate::text::is_double_mark(t.str(i)));
        let mut last: Option<usize> = None;
        let mut colon = false;
        for i in r.clone() {
            p.cue_left[i] = last;
            if strong(i) {
                last = Some(i);
            }
            p.after_colon[i] = colon;
            if t.str(i) == ":" {
                colon = true;
            }
            p.sent_pos[i] = i - r.start;
            p.sent_len[i] = r.len();
            p.sent_has_quote[i] = has_quote;
            p.prev_sent_cue[i] = s > 0 && sent_cue[s - 1];
            p.next_sent_cue[i] = s + 1 < sent_cue.len() && sent_cue[s + 1];
        }
        let mut next: Option<usize> = None;
        let mut comma = false;
        let mut verb = false;
        for i in r.clone().rev() {
            if strong(i) {
                next = Some(i);
                comma = false;
                verb = false;
            }
            p.cue_right[i] = next.filter(|&j| j != i);
            p.comma_to_right_cue[i] = comma;
            p.verb_to_right_cue[i] = verb;
            if p.pos[i].starts_with("VB") || p.pos[i] == "MD" {
                verb = true;
            }
            if matches!(t.str(i), "," | "”" | "\"" | "''") {
                comma = true;
            }
        }
    }
    p
}

/// Templates the cue tagger uses (bit n = template n); the others cost
/// time without improving cue detection.
const TEMPLATES: u64 = 0x1725c0476bfe;

fn add(f: &mut Features, fx: Fx) {
    if TEMPLATES >> fx.template() & 1 == 1 {
        f.push(fx.id());
    }
}

/// Features of the tokens in `range` (one paragraph).
pub(crate) fn features(t: &Tokens<'_>, p: &Prepared, range: Range<usize>) -> Features {
    let mut f = Features::default();
    let (bos, eos, none) = (hash("<s>"), hash("</s>"), hash("_"));
    let inside = |i: isize| i >= range.start as isize && i < range.end as isize;
    let word = |i: isize| -> u64 {
        if i < range.start as isize {
            bos
        } else if i >= range.end as isize {
            eos
        } else {
            p.h_word[i as usize]
        }
    };
    let shp = |i: isize| -> u64 {
        if inside(i) {
            p.h_shape[i as usize]
        } else {
            none
        }
    };
    let inq = |i: isize| -> &str {
        if !inside(i) {
            "_"
        } else if t.tokens[i as usize].in_quote {
            "q"
        } else {
            "n"
        }
    };
    let tag = |i: isize| -> u64 { if inside(i) { p.h_tag[i as usize] } else { none } };
    for i in range.clone() {
        let ii = i as isize;
        let w0 = word(ii);
        let q0 = inq(ii);
        let t0 = tag(ii);
        add(&mut f, Fx::new(30).add_h(t0));
        add(&mut f, Fx::new(31).add_h(tag(ii - 1)).add_h(t0));
        add(&mut f, Fx::new(32).add_h(t0).add_h(tag(ii + 1)));
        add(
            &mut f,
            Fx::new(33).add_h(tag(ii - 1)).add_h(t0).add_h(tag(ii + 1)),
        );
        add(&mut f, Fx::new(34).add_h(t0).add(q0));
        add(&mut f, Fx::new(37).add_h(word(ii - 1)).add_h(t0));
        add(
            &mut f,
            Fx::new(38).add_h(tag(ii - 2)).add_h(tag(ii - 1)).add_h(t0),
        );
        let st = p.h_stem[i];
        add(&mut f, Fx::new(40).add_h(st));
        add(&mut f, Fx::new(41).add_h(st).add_h(t0));
        add(&mut f, Fx::new(42).add_h(st).add_h(word(ii + 1)));
        add(
            &mut f,
            Fx::new(43).add_h(t0).add_h(tag(ii + 1)).add_h(tag(ii + 2)),
        );
        add(&mut f, Fx::new(44).add_h(w0).add_h(tag(ii + 1)));
        add(
            &mut f,
            Fx::new(45).add_h(st).add_h(tag(ii + 1)).add_h(tag(ii + 2)),
        );
        add(&mut f, Fx::new(46).add_h(tag(ii - 1)).add_h(st));
        add(&mut f, Fx::new(1));
        add(&mut f, Fx::new(2).add_h(w0));
        add(&mut f, Fx::new(3).add_h(word(ii - 1)));
        add(&mut f, Fx::new(4).add_h(word(ii + 1)));
        add(&mut f, Fx::new(5).add_h(word(ii - 2)));
        add(&mut f, Fx::new(6).add_h(word(ii + 2)));
        add(&mut f, Fx::new(7).add_h(word(ii - 1)).add_h(w0));
        add(&mut f, Fx::new(8).add_h(w0).add_h(word(ii + 1)));
        add(&mut f, Fx::new(9).add_h(shp(ii)));
        add(
            &mut f,
            Fx::new(10)
                .add_h(shp(ii - 1))
                .add_h(shp(ii))
                .add_h(shp(ii + 1)),
        );
        add(&mut f, Fx::new(11).add_h(p.h_suffix[i]));
        add(
            &mut f,
            Fx::new(12).add(inq(ii - 1)).add(q0).add(inq(ii + 1)),
        );
        add(&mut f, Fx::new(13).add(q0).add_h(w0));
        let pos = p.sent_pos[i];
        let len = p.sent_len[i];
        let place = if pos == 0 {
            "first"
        } else if pos + 1 == len {
            "last"
        } else {
            "mid"
        };
        add(&mut f, Fx::new(14).add(place).add_u(bucket(pos)));
        add(&mut f, Fx::new(15).add(place).add(q0).add_h(shp(ii)));
        add(
            &mut f,
            Fx::new(16)
                .add_u(u32::from(p.cue[i]))
                .add_u(u32::from(if i > range.start { p.cue[i - 1] } else { 9 })),
        );
        add(
            &mut f,
            Fx::new(17).add_u(u32::from(p.cue[i])).add_h(word(ii + 1)),
        );
        match p.cue_left[i] {
            Some(j) => {
                let d = bucket(i - j);
                add(&mut f, Fx::new(18).add_h(p.h_word[j]));
                add(&mut f, Fx::new(19).add_h(p.h_word[j]).add_u(d));
                add(&mut f, Fx::new(20).add_u(d).add(q0));
                add(
                    &mut f,
                    Fx::new(21).add_h(word(j as isize + 1)).add_u(d.min(3)),
                );
                add(&mut f, Fx::new(35).add_h(tag(j as isize + 1)).add_u(d));
                add(&mut f, Fx::new(39).add_h(tag(j as isize)).add_h(t0));
            }
            None => add(&mut f, Fx::new(18).add("-")),
        }
        match p.cue_right[i] {
            Some(j) => {
                let d = bucket(j - i);
                add(&mut f, Fx::new(22).add_h(p.h_word[j]));
                add(&mut f, Fx::new(23).add_h(p.h_word[j]).add_u(d));
                add(&mut f, Fx::new(24).add_u(d).add(q0));
                add(
                    &mut f,
                    Fx::new(25)
                        .add_u(u32::from(p.comma_to_right_cue[i]))
                        .add(q0),
                );
                add(
                    &mut f,
                    Fx::new(36)
                        .add_u(u32::from(p.verb_to_right_cue[i]))
                        .add_u(u32::from(p.comma_to_right_cue[i]))
                        .add_h(t0),
                );
                add(
                    &mut f,
                    Fx::new(26)
                        .add_u(u32::from(p.comma_to_right_cue[i]))
                        .add_h(shp(ii))
                        .add_u(d.min(4)),
                );
            }
            None => add(&mut f, Fx::new(22).add("-")),
        }
        add(
            &mut f,
            Fx::new(27)
                .add_u(u32::from(p.prev_sent_cue[i]))
                .add_u(u32::from(p.next_sent_cue[i]))
                .add_u(u32::from(p.cue_left[i].is_some()))
                .add_u(u32::from(p.cue_right[i].is_some()))
                .add(q0),
        );
        add(
            &mut f,
            Fx::new(28)
                .add_u(u32::from(p.sent_has_quote[i]))
                .add_u(u32::from(p.after_colon[i]))
                .add(q0),
        );
        add(
            &mut f,
            Fx::new(29)
                .add_u(u32::from(t.starts_paragraph(t.sentences_start(i))))
                .add(place),
        );
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
