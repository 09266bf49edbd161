//! `cargo xtask train-blocks`: trains the block model that chooses the
//! main text of HTML pages, on WCXB dev and the 181 pages of the
//! article-extraction-benchmark, and measures it by cross-validation with
//! folds grouped by domain (no domain on both sides of a fold).
//!
//! A block's gold label comes from the page's truth: a block is main text
//! when most of its word trigrams occur in the truth (a block of one or
//! two words: when that word sequence does).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use onrecord_core::block_training::{Learner, Sample, Settings, predict, sample, train};
use onrecord_core::{BlockModel, Body, Document, Pipeline};
use rayon::prelude::*;
use serde_json::Value;

use crate::html_eval::{domain_fold, read_page};
use crate::metric::{page_counts, summary};
use crate::snippets::{Tally, words};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Write the model trained on every page here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Cross-validate with this many folds (by domain) and print the
    /// out-of-fold scores beside those of the readability-style choice.
    #[arg(long, default_value_t = 0)]
    folds: u64,
    /// Train only on pages of this type; `all` for every page. Trained
    /// on articles alone the model scores better out of fold on every page
    /// type than trained on all (docs/record.md).
    #[arg(long = "train-type", default_value = "article")]
    train_type: String,
    /// Passes over the data.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Features seen on fewer blocks are dropped.
    #[arg(long, default_value_t = 3)]
    min_count: u32,
    /// Share of a block's trigrams that must be in the truth for it to be
    /// labelled main text.
    #[arg(long, default_value_t = 0.5)]
    label_share: f64,
    /// Added to the score of "main text" when predicting.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    bias: f32,
    /// Print the N pages where the learned choice loses most against the
    /// readability-style one.
    #[arg(long, default_value_t = 0)]
    compare: usize,
    /// Print the blocks of this page (key) with gold and chosen flags.
    #[arg(long)]
    show: Option<String>,
    /// Fit logistic regression instead of the averaged perceptron (out
    /// of fold the perceptron is better: docs/record.md).
    #[arg(long)]
    logistic: bool,
    /// Logistic regression: AdaGrad's base step.
    #[arg(long, default_value_t = 0.1)]
    rate: f64,
    /// Logistic regression: L2 strength.
    #[arg(long, default_value_t = 1e-4)]
    l2: f64,
    /// Count every block's mistakes alike, whatever its length.
    #[arg(long)]
    unweighted: bool,
    /// Print this many wrongly chosen blocks (out-of-fold) per set.
    #[arg(long, default_value_t = 0)]
    errors: usize,
    /// Write the out-of-fold extractions here as JSON, `{set: {key:
    /// {"articleBody": text}}}` (the layout `eval-html --predictions`
    /// reads, one level down), for looking at the errors.
    #[arg(long = "oof-out")]
    oof_out: Option<PathBuf>,
}

/// One page of a training set.
struct Page {
    set: &'static str,
    key: String,
    page_type: String,
    fold_key: Value,
    html: String,
    truth: String,
    with: Vec<String>,
    without: Vec<String>,
}

fn load_set(set: &'static str, dir: &Path) -> Result<Vec<Page>> {
    let truth: serde_json::Map<String, Value> = serde_json::from_slice(
        &std::fs::read(dir.join("ground-truth.json"))
            .with_context(|| format!("reading {}/ground-truth.json", dir.display()))?,
    )?;
    let snippets: serde_json::Map<String, Value> = match std::fs::read(dir.join("snippets.json")) {
        Ok(bytes) => serde_json::from_slice(&bytes)?,
        Err(_) => serde_json::Map::new(),
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    let mut keys: Vec<&String> = truth.keys().collect();
    keys.sort();
    let mut pages = Vec::new();
    for key in keys {
        let html = read_page(dir, key)?;
        let t = &truth[key.as_str()];
        let sn = snippets.get(key.as_str());
        pages.push(Page {
            set,
            key: key.clone(),
            page_type: t["page_type"].as_str().unwrap_or("article").to_owned(),
            fold_key: t.clone(),
            html,
            truth: t["articleBody"].as_str().unwrap_or("").to_owned(),
            with: sn.map(|s| strings(&s["with"])).unwrap_or_default(),
            without: sn.map(|s| strings(&s["without"])).unwrap_or_default(),
        });
    }
    Ok(pages)
}

fn gram(ws: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in ws {
        for b in w.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        h = (h ^ 0xff).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Blocks of this many words or fewer are labelled by whole truth lines
/// (or by the line of a neighbour), never by loose word matches: a menu
/// item "World" is not main text because the truth says "World Bank".
const SHORT_WORDS: usize = 4;

/// The gold flag of every block of `sample` against `truth`: a long block
/// is main text when at least `share` of its word trigrams occur in the
/// truth; a short one when it is a whole line of the truth, or a run of
/// words inside the truth line of a neighbouring main-text block.
fn labels(sample: &Sample, truth: &str, share: f64) -> Vec<bool> {
    let lines: Vec<Vec<String>> = truth.lines().map(words).filter(|l| !l.is_empty()).collect();
    let whole: HashSet<u64> = lines.iter().map(|l| gram(l)).collect();
    // Trigram -> the first line holding it.
    let mut trigrams: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for (n, line) in lines.iter().enumerate() {
        for w in line.windows(3) {
            trigrams.entry(gram(w)).or_insert(n);
        }
    }
    let blocks: Vec<Vec<String>> = sample.texts.iter().map(|t| words(t)).collect();
    let mut out = vec![false; blocks.len()];
    // The truth line of each long main-text block.
    let mut line_of: Vec<Option<usize>> = vec![None; blocks.len()];
    for (i, bw) in blocks.iter().enumerate() {
        if bw.is_empty() {
            continue;
        }
        if whole.contains(&gram(bw)) {
            out[i] = true;
            line_of[i] = lines.iter().position(|l| l == bw);
            continue;
        }
        if bw.len() <= SHORT_WORDS.max(2) {
            continue;
        }
        let mut votes: BTreeMap<usize, usize> = BTreeMap::new();
        for w in bw.windows(3) {
            if let Some(&n) = trigrams.get(&gram(w)) {
                *votes.entry(n).or_default() += 1;
            }
        }
        let hit: usize = votes.values().sum();
        if hit as f64 >= share * (bw.len() - 2) as f64 {
            out[i] = true;
            line_of[i] = votes
                .iter()
                .max_by_key(|&(n, c)| (*c, std::cmp::Reverse(*n)))
                .map(|(&n, _)| n);
        }
    }
    for i in 0..blocks.len() {
        if out[i] || blocks[i].is_empty() || blocks[i].len() > SHORT_WORDS.max(2) {
            continue;
        }
        let neighbours = [
            i.checked_sub(1),
            i.checked_add(1).filter(|&j| j < blocks.len()),
        ];
        out[i] = neighbours.into_iter().flatten().any(|j| {
            line_of[j].is_some_and(|n| {
                lines[n]
                    .windows(blocks[i].len())
                    .any(|w| w == blocks[i].as_slice())
            })
        });
    }
    out
}

fn settings(args: &Args) -> Settings {
    Settings {
        epochs: args.epochs,
        seed: 0x0b10_c5ee_d000_0001,
        min_count: args.min_count,
        inner_folds: 3,
        weighted: !args.unweighted,
        learner: if args.logistic {
            Learner::Logistic {
                rate: args.rate,
                l2: args.l2,
            }
        } else {
            Learner::Perceptron
        },
    }
}

/// Scores of one group of pages.
#[derive(Default)]
struct Scores {
    counts: Vec<(f64, f64, f64)>,
    snippets: Tally,
}

impl Scores {
    fn add(&mut self, page: &Page, pred: &str) {
        self.counts.push(page_counts(&page.truth, pred));
        if !page.with.is_empty() || !page.without.is_empty() {
            self.snippets.add(pred, &page.with, &page.without);
        }
    }

    fn line(&self, name: &str) -> String {
        let (p, r, f) = summary(&self.counts);
        let (w, wo, pass) = self.snippets.shares();
        format!(
            "{name:<22} {:>5}  {p:>6.3} {r:>6.3} {f:>6.3}  {w:>6.3} {wo:>7.3} {pass:>6.3}",
            self.counts.len()
        )
    }
}

fn group(page: &Page) -> String {
    if page.set == "wcxb" {
        format!("wcxb {}", page.page_type)
    } else {
        "aeb-181".to_owned()
    }
}

fn extract(pipeline: &Pipeline, html: &str) -> String {
    pipeline
        .process(&Document::new(Body::Html(html.to_owned())))
        .map(|r| r.text)
        .unwrap_or_default()
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let data = crate::shared_data();
    let mut pages = load_set("wcxb", &data.join("wcxb-dev"))?;
    pages.extend(load_set("aeb", &data.join("article-extraction-benchmark"))?);
    eprintln!("{} pages; features ...", pages.len());
    let samples: Vec<Option<Sample>> = pages.par_iter().map(|p| sample(&p.html)).collect();
    let gold: Vec<Vec<bool>> = pages
        .par_iter()
        .zip(&samples)
        .map(|(p, s)| {
            s.as_ref()
                .map(|s| labels(s, &p.truth, args.label_share))
                .unwrap_or_default()
        })
        .collect();
    // Inner folds of the second stage group pages by domain too; the
    // outer folds use the low digits of the same hash, the inner ones a
    // different divisor, so inner groups cut across outer folds.
    let groups: Vec<u64> = pages
        .iter()
        .map(|p| domain_fold(&p.fold_key, &p.key, 1_000_003) / 7)
        .collect();
    let trains = |page: &Page| args.train_type == "all" || page.page_type == args.train_type;
    if args.folds > 1 {
        let k = args.folds;
        let fold_of: Vec<u64> = pages
            .iter()
            .map(|p| domain_fold(&p.fold_key, &p.key, k))
            .collect();
        let mut learned = vec![String::new(); pages.len()];
        for fold in 0..k {
            let train_set: Vec<(&Sample, Vec<bool>, u64)> = pages
                .iter()
                .enumerate()
                .filter(|&(i, p)| fold_of[i] != fold && trains(p))
                .filter_map(|(i, _)| samples[i].as_ref().map(|s| (s, gold[i].clone(), groups[i])))
                .collect();
            eprintln!("fold {fold}: training on {} pages", train_set.len());
            let bytes = train(&train_set, settings(args), &mut |l| eprintln!("  {l}"));
            let model = Arc::new(BlockModel::from_bytes(&bytes).map_err(anyhow::Error::msg)?);
            let pipeline = Pipeline::builder()
                .quotes(false)
                .entities(false)
                .block_model(Some(model))
                .block_bias(args.bias)
                .build();
            let preds: Vec<(usize, String)> = (0..pages.len())
                .into_par_iter()
                .filter(|&i| fold_of[i] == fold)
                .map(|i| (i, extract(&pipeline, &pages[i].html)))
                .collect();
            for (i, text) in preds {
                learned[i] = text;
            }
            if let Some(show) = &args.show {
                let model = BlockModel::from_bytes(&bytes).map_err(anyhow::Error::msg)?;
                for (i, page) in pages.iter().enumerate() {
                    if fold_of[i] != fold || &page.key != show {
                        continue;
                    }
                    let Some(s) = &samples[i] else { continue };
                    let pred = predict(&model, s);
                    for (b, text) in s.texts.iter().enumerate() {
                        let t: String = text.chars().take(110).collect();
                        let mark = |x: bool| if x { '+' } else { '.' };
                        println!("{}{} {b:4} {t}", mark(gold[i][b]), mark(pred[b]));
                    }
                }
            }
            if args.errors > 0 {
                let model = BlockModel::from_bytes(&bytes).map_err(anyhow::Error::msg)?;
                for (i, page) in pages.iter().enumerate() {
                    let (Some(s), true) = (&samples[i], fold_of[i] == fold) else {
                        continue;
                    };
                    if i % 7 != 0 {
                        continue;
                    }
                    let pred = predict(&model, s);
                    let mut shown = 0;
                    for (b, text) in s.texts.iter().enumerate() {
                        if pred[b] != gold[i][b] && shown < args.errors {
                            shown += 1;
                            let t: String = text.chars().take(100).collect();
                            let what = if pred[b] { "FP" } else { "FN" };
                            println!("{} {} {what} {t}", group(page), page.key);
                        }
                    }
                }
            }
        }
        if let Some(path) = &args.oof_out {
            let mut sets: BTreeMap<&str, serde_json::Map<String, Value>> = BTreeMap::new();
            for (page, text) in pages.iter().zip(&learned) {
                sets.entry(page.set)
                    .or_default()
                    .insert(page.key.clone(), serde_json::json!({ "articleBody": text }));
            }
            std::fs::write(path, serde_json::to_vec(&sets)?)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        let readability = Pipeline::builder()
            .quotes(false)
            .entities(false)
            .block_model(None)
            .build();
        let baseline: Vec<String> = pages
            .par_iter()
            .map(|p| extract(&readability, &p.html))
            .collect();
        let oracle: Vec<String> = samples
            .iter()
            .zip(&gold)
            .map(|(s, g)| {
                s.as_ref().map_or(String::new(), |s| {
                    let kept: Vec<&str> = s
                        .texts
                        .iter()
                        .zip(g)
                        .filter(|&(_, &k)| k)
                        .map(|(t, _)| t.as_str())
                        .collect();
                    kept.join("\n\n")
                })
            })
            .collect();
        let mut by: BTreeMap<String, (Scores, Scores, Scores)> = BTreeMap::new();
        let mut folds: BTreeMap<(String, u64), Scores> = BTreeMap::new();
        for (i, page) in pages.iter().enumerate() {
            let entry = by.entry(group(page)).or_default();
            entry.0.add(page, &learned[i]);
            entry.1.add(page, &baseline[i]);
            entry.2.add(page, &oracle[i]);
            folds
                .entry((group(page), fold_of[i]))
                .or_default()
                .add(page, &learned[i]);
        }
        if args.compare > 0 {
            let mut diffs: Vec<(f64, usize)> = (0..pages.len())
                .map(|i| {
                    let f = |t: &str| crate::metric::page_f1(page_counts(&pages[i].truth, t));
                    (f(&learned[i]) - f(&baseline[i]), i)
                })
                .collect();
            diffs.sort_by(|a, b| a.0.total_cmp(&b.0));
            for &(d, i) in diffs.iter().take(args.compare) {
                let url = pages[i].fold_key["url"].as_str().unwrap_or("");
                println!("  {d:+.3} {} {} {url}", group(&pages[i]), pages[i].key);
            }
        }
        println!(
            "out-of-fold, {k} folds by domain{}",
            if args.train_type == "all" {
                String::new()
            } else {
                format!(", trained on {} pages", args.train_type)
            }
        );
        println!(
            "{:<22} {:>5}  {:>6} {:>6} {:>6}  {:>6} {:>7} {:>6}",
            "set / chooser", "pages", "P", "R", "F1", "with", "without", "pass"
        );
        for (name, (l, b, o)) in &by {
            println!("{}", l.line(&format!("{name} learned")));
            println!("{}", b.line(&format!("{name} readability")));
            println!("{}", o.line(&format!("{name} gold blocks")));
        }
        for name in ["wcxb article", "aeb-181"] {
            let f1s: Vec<f64> = (0..k)
                .filter_map(|f| folds.get(&(name.to_owned(), f)))
                .map(|s| summary(&s.counts).2)
                .collect();
            let mean = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
            let list: Vec<String> = f1s.iter().map(|f| format!("{f:.3}")).collect();
            println!("{name}: F1 per fold {}; mean {mean:.4}", list.join(" "));
        }
    }
    if let Some(out) = &args.out {
        let all: Vec<(&Sample, Vec<bool>, u64)> = pages
            .iter()
            .enumerate()
            .filter(|&(_, p)| trains(p))
            .filter_map(|(i, _)| samples[i].as_ref().map(|s| (s, gold[i].clone(), groups[i])))
            .collect();
        eprintln!("training on {} pages", all.len());
        let bytes = train(&all, settings(args), &mut |l| eprintln!("  {l}"));
        std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    }
    Ok(())
}
