//! Part-of-speech tags (Penn Treebank set), from a structured perceptron
//! trained on the CoreNLP silver annotations of PolNeAR's train split
//! (`cargo xtask train-pos`). The attribution tagger reads them.

use std::sync::OnceLock;

use crate::perceptron::{Features, Fx, Model, SplitMix, Trainer};
use crate::text::{Tokens, tokenize};

const MODEL_BYTES: &[u8] = include_bytes!("../models/pos.bin");

struct PosModel {
    model: Model,
    names: Vec<String>,
}

fn model() -> Option<&'static PosModel> {
    static MODEL: OnceLock<Option<PosModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let model = Model::from_bytes(MODEL_BYTES).ok()?;
            let names: Vec<String> = model.extra.lines().map(str::to_owned).collect();
            (names.len() == model.labels()).then_some(PosModel { model, names })
        })
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

fn features(t: &Tokens<'_>, lower: &[String], range: std::ops::Range<usize>) -> Features {
    let mut f = Features::default();
    let word = |i: isize| -> &str {
        if i < range.start as isize {
            "<s>"
        } else if i >= range.end as isize {
            "</s>"
        } else {
            &lower[i as usize]
        }
    };
    for i in range.clone() {
        let ii = i as isize;
        let raw = t.str(i);
        let w = word(ii);
        let sh = shape(raw);
        f.push(Fx::new(1).id());
        f.push(Fx::new(2).add(w).id());
        f.push(Fx::new(3).add(word(ii - 1)).id());
        f.push(Fx::new(4).add(word(ii + 1)).id());
        f.push(Fx::new(5).add(word(ii - 2)).id());
        f.push(Fx::new(6).add(word(ii + 2)).id());
        f.push(Fx::new(7).add(suffix(w, 1)).id());
        f.push(Fx::new(8).add(suffix(w, 2)).id());
        f.push(Fx::new(9).add(suffix(w, 3)).id());
        f.push(Fx::new(10).add(&sh).id());
        f.push(Fx::new(11).add_u(u32::from(i == range.start)).add(&sh).id());
        f.push(Fx::new(12).add(word(ii - 1)).add(w).id());
        f.push(Fx::new(13).add(w).add(word(ii + 1)).id());
        f.push(Fx::new(14).add(suffix(w, 4)).id());
        f.next();
    }
    f
}

fn lowered(t: &Tokens<'_>) -> Vec<String> {
    (0..t.len()).map(|i| t.str(i).to_lowercase()).collect()
}

/// Tags of every token (empty strings when no model is built in).
pub(crate) fn tag(t: &Tokens<'_>, lower: &[String]) -> Vec<&'static str> {
    let Some(m) = model() else {
        return vec![""; t.len()];
    };
    let mut out = Vec::with_capacity(t.len());
    for r in &t.sentences {
        let f = features(t, lower, r.clone());
        for y in m.model.decode(&f, &|_, _| true) {
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
                .map(|s| s.2.clone());
            out.push(tag);
        }
        out
    }

    /// Trains the tagger; the same data always gives the same bytes.
    pub fn train(articles: &[Article], epochs: usize, log: &mut dyn FnMut(usize, f64)) -> Vec<u8> {
        let names: Vec<String> = articles
            .iter()
            .flat_map(|a| a.tokens.iter().map(|t| t.2.clone()))
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
            let t = tokenize(&a.text);
            let lower = lowered(&t);
            let gold = labels(&t, a);
            for r in &t.sentences {
                // Sentences with a token the silver data does not cover are
                // left out rather than guessed.
                let g: Option<Vec<usize>> = gold[r.clone()]
                    .iter()
                    .map(|l| l.as_deref().and_then(|l| index.get(l).copied()))
                    .collect();
                if let Some(g) = g {
                    data.push((features(&t, &lower, r.clone()), g));
                }
            }
        }
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for (f, _) in &data {
            for &id in f.ids() {
                *counts.entry(id).or_default() += 1;
            }
        }
        let keep = |id: u32| counts.get(&id).is_some_and(|&c| c >= 3);
        let data: Vec<_> = data
            .into_iter()
            .map(|(f, g)| (f.filtered(&keep), g))
            .collect();
        let mut trainer = Trainer::new(names.len());
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = SplitMix(0x9057);
        let all = |_: Option<usize>, _: usize| true;
        for epoch in 0..epochs {
            rng.shuffle(&mut order);
            let (mut wrong, mut total) = (0usize, 0usize);
            for &k in &order {
                let (f, g) = &data[k];
                wrong += trainer.learn(f, g, &all);
                total += g.len();
            }
            log(epoch, 1.0 - wrong as f64 / total.max(1) as f64);
        }
        trainer.finish(names.join("\n"))
    }

    /// Token accuracy of the built-in model against silver articles.
    pub fn accuracy(articles: &[Article]) -> (usize, usize) {
        let (mut right, mut total) = (0, 0);
        for a in articles {
            let t = tokenize(&a.text);
            let lower = lowered(&t);
            let gold = labels(&t, a);
            let tags = tag(&t, &lower);
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
