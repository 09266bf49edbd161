//! Part-of-speech tags (Penn Treebank set), from a structured perceptron
//! trained on the CoreNLP silver annotations of PolNeAR's train split
//! (`cargo xtask train-pos`). The attribution tagger reads them.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use crate::perceptron::{Features, Fixed, Fx, Model, fit, hash, word_at};
use crate::text::{Tokens, tokenize};

const MODEL_BYTES: &[u8] = include_bytes!("../models/pos.bin");

struct PosModel {
    model: Model,
    names: Vec<String>,
    /// Words (hash of the lowercased form) that nearly always take one tag:
    /// tagged from this list without feature lookups, half of running text.
    dict: HashMap<u64, usize, BuildHasherDefault<crate::perceptron::IdHasher>>,
}

impl PosModel {
    fn from_bytes(bytes: &[u8]) -> Option<PosModel> {
        let model = Model::from_bytes(bytes).ok()?;
        let mut lines = model.extra.lines();
        let names: Vec<String> = lines.next()?.split('\t').map(str::to_owned).collect();
        let dict = lines
            .filter_map(|l| {
                let (w, y) = l.split_once('\t')?;
                let y: usize = y.parse().ok()?;
                (y < names.len()).then(|| (hash(w), y))
            })
            .collect();
        (names.len() == model.labels()).then_some(PosModel { model, names, dict })
    }
}

fn model() -> Option<&'static PosModel> {
    static MODEL: OnceLock<Option<PosModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| PosModel::from_bytes(MODEL_BYTES))
        .as_ref()
}

fn shape(w: &str) -> String {
    let mut out = String::new();
    for c in w.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if !out.ends_with(s) {
            out.push(s);
        }
        if out.len() > 6 {
            break;
        }
    }
    out
}

fn suffix(w: &str, n: usize) -> &str {
    let start = w
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &w[start..]
}

fn features(
    t: &Tokens<'_>,
    lower: &[String],
    h_word: &[u64],
    range: std::ops::Range<usize>,
    skip: &dyn Fn(usize) -> bool,
) -> Features {
    let mut f = Features::with_capacity(range.len(), 11);
    let word = |i: isize| word_at(h_word, &range, i);
    for i in range.clone() {
        if skip(i) {
            f.next();
            continue;
        }
        let ii = i as isize;
        let raw = t.str(i);
        let lw = lower[i].as_str();
        let w = word(ii);
        let sh = hash(&shape(raw));
        f.push(Fx::new(1).id());
        f.push(Fx::new(2).add_h(w).id());
        f.push(Fx::new(3).add_h(word(ii - 1)).id());
        f.push(Fx::new(4).add_h(word(ii + 1)).id());
        f.push(Fx::new(7).add(suffix(lw, 1)).id());
        f.push(Fx::new(8).add(suffix(lw, 2)).id());
        f.push(Fx::new(9).add(suffix(lw, 3)).id());
        f.push(Fx::new(10).add_h(sh).id());
        f.push(
            Fx::new(11)
                .add_u(u32::from(i == range.start))
                .add_h(sh)
                .id(),
        );
        f.push(Fx::new(12).add_h(word(ii - 1)).add_h(w).id());
        f.push(Fx::new(13).add_h(w).add_h(word(ii + 1)).id());
        f.next();
    }
    f
}

fn lowered(t: &Tokens<'_>) -> Vec<String> {
    (0..t.len()).map(|i| t.str(i).to_lowercase()).collect()
}

/// Tags of every token (empty strings when no model is built in).
pub(crate) fn tag(t: &Tokens<'_>, lower: &[String], h_word: &[u64]) -> Vec<&'static str> {
    match model() {
        Some(m) => tag_with(m, t, lower, h_word),
        None => vec![""; t.len()],
    }
}

fn tag_with<'m>(m: &'m PosModel, t: &Tokens<'_>, lower: &[String], h_word: &[u64]) -> Vec<&'m str> {
    let fixed: Vec<Option<usize>> = h_word.iter().map(|h| m.dict.get(h).copied()).collect();
    let mut out = Vec::with_capacity(t.len());
    for r in &t.sentences {
        let f = features(t, lower, h_word, r.clone(), &|i| fixed[i].is_some());
        let start = r.start;
        let pin = Fixed {
            at: &fixed[start..r.end],
            reserved: None,
        };
        let tags = m.model.decode_fixed(&f, &pin, &[]);
        for y in tags {
            out.push(m.names[y].as_str());
        }
    }
    out
}

/// Training for `cargo xtask train-pos`.
pub mod training {
    use std::collections::{BTreeSet, HashMap};

    use super::*;

    /// An article with silver tokens: code point ranges and tags.
    #[derive(Debug, Clone)]
    pub struct Article {
        /// The text.
        pub text: String,
        /// `(start, end, tag)` in code points.
        pub tokens: Vec<(usize, usize, String)>,
        /// The tokens are the words to tag (a treebank's, "John" and
        /// "'s" apart), rather than tags of a tokenisation of the text.
        pub words: bool,
    }

    /// The tokens to tag: the article's own words, or the text's tokens.
    fn tokens_of(a: &Article) -> Tokens<'_> {
        if a.words {
            let spans: Vec<(usize, usize)> = a.tokens.iter().map(|t| (t.0, t.1)).collect();
            Tokens::from_spans(&a.text, &spans)
        } else {
            tokenize(&a.text)
        }
    }

    /// The tag set: Penn Treebank tags folded to 18 (the distinctions the
    /// attribution features read), which keeps every feature's weights in
    /// one cache line.
    pub(crate) fn coarse(tag: &str) -> &'static str {
        match tag {
            "NN" | "NNS" | "FW" | "SYM" | "UH" | "LS" => "NN",
            "NNP" | "NNPS" => "NNP",
            "PRP" => "PRP",
            "DT" | "PDT" | "PRP$" | "WP$" | "EX" => "DT",
            "JJ" | "JJR" | "JJS" => "JJ",
            "RB" | "RBR" | "RBS" | "RP" => "RB",
            "VB" => "VB",
            "VBZ" | "VBP" => "VBZ",
            "VBD" => "VBD",
            "VBG" => "VBG",
            "VBN" => "VBN",
            "MD" => "MD",
            "IN" | "TO" => "IN",
            "CD" => "CD",
            "CC" => "CC",
            "POS" => "POS",
            "WP" | "WDT" | "WRB" => "W",
            _ => "P",
        }
    }

    /// The silver tag of each of our tokens: the tag of the silver token
    /// that holds its first character.
    fn labels(t: &Tokens<'_>, a: &Article) -> Vec<Option<String>> {
        let mut out = Vec::with_capacity(t.len());
        let mut k = 0;
        for tok in &t.tokens {
            while k < a.tokens.len() && a.tokens[k].1 <= tok.start {
                k += 1;
            }
            let tag = a
                .tokens
                .get(k)
                .filter(|s| s.0 <= tok.start && tok.start < s.1)
                .map(|s| coarse(&s.2).to_owned());
            out.push(tag);
        }
        out
    }

    /// Trains the tagger; the same data always gives the same bytes.
    pub fn train(articles: &[Article], epochs: usize, log: &mut dyn FnMut(usize, f64)) -> Vec<u8> {
        let names: Vec<String> = articles
            .iter()
            .flat_map(|a| a.tokens.iter().map(|t| coarse(&t.2).to_owned()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let mut data = Vec::new();
        for a in articles {
            let t = tokens_of(a);
            let lower = lowered(&t);
            let h_word: Vec<u64> = lower.iter().map(|w| hash(w)).collect();
            let gold = labels(&t, a);
            for r in &t.sentences {
                // Sentences with a token the silver data does not cover are
                // left out rather than guessed.
                let g: Option<Vec<usize>> = gold[r.clone()]
                    .iter()
                    .map(|l| l.as_deref().and_then(|l| index.get(l).copied()))
                    .collect();
                if let Some(g) = g {
                    data.push((features(&t, &lower, &h_word, r.clone(), &|_| false), g));
                }
            }
        }
        let trainer = fit(data, names.len(), &|_, _| true, 3, (epochs, 0x9057), log);
        // The tag dictionary: frequent words with one tag 98% of the time.
        let mut seen: HashMap<String, HashMap<usize, u32>> = HashMap::new();
        for a in articles {
            let t = tokens_of(a);
            for (i, g) in labels(&t, a).into_iter().enumerate() {
                if let Some(y) = g.as_deref().and_then(|g| index.get(g)) {
                    *seen
                        .entry(t.str(i).to_lowercase())
                        .or_default()
                        .entry(*y)
                        .or_default() += 1;
                }
            }
        }
        let mut dict: Vec<(String, usize)> = seen
            .into_iter()
            .filter_map(|(w, tags)| {
                let total: u32 = tags.values().sum();
                let (&y, &n) = tags
                    .iter()
                    .max_by_key(|&(y, n)| (*n, std::cmp::Reverse(*y)))?;
                (total >= 20 && f64::from(n) >= 0.98 * f64::from(total)).then_some((w, y))
            })
            .collect();
        dict.sort();
        let mut extra = names.join("\t");
        for (w, y) in dict {
            extra.push_str(&format!("\n{w}\t{y}"));
        }
        trainer.finish(extra)
    }

    /// A tagger trained by [`train`], to tag with before it is built in
    /// (the parser's training tags each part of its treebank with a
    /// tagger that did not see it).
    pub struct Tagger(PosModel);

    impl Tagger {
        /// A tagger from [`train`]'s bytes.
        pub fn from_bytes(bytes: &[u8]) -> Option<Tagger> {
            PosModel::from_bytes(bytes).map(Tagger)
        }

        /// Tags of `t`'s tokens.
        pub(crate) fn tag<'m>(
            &'m self,
            t: &Tokens<'_>,
            lower: &[String],
            h_word: &[u64],
        ) -> Vec<&'m str> {
            tag_with(&self.0, t, lower, h_word)
        }
    }

    /// Token accuracy of the built-in model against silver articles.
    pub fn accuracy(articles: &[Article]) -> (usize, usize) {
        let (mut right, mut total) = (0, 0);
        for a in articles {
            let t = tokens_of(a);
            let lower = lowered(&t);
            let h_word: Vec<u64> = lower.iter().map(|w| hash(w)).collect();
            let gold = labels(&t, a);
            let tags = tag(&t, &lower, &h_word);
            for (g, p) in gold.iter().zip(tags) {
                if let Some(g) = g {
                    total += 1;
                    right += usize::from(g == p);
                }
            }
        }
        (right, total)
    }
}
