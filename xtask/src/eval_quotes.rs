//! `cargo xtask eval-quotes`: attribution quality on a PolNeAR-style gold
//! file (default `../shared/data/polnear/dev.jsonl`).
//!
//! The scorer (issue 3):
//! - gold units are content fragments (a content split by "he said" counts
//!   fragment by fragment; fragments of one attribution separated only by
//!   marks and spaces are joined), predicted units are quote contents, and
//!   both are matched one to one;
//! - **exact**: equal after trimming white space, quotation marks and
//!   punctuation at both ends;
//! - **overlap**: sharing at least one letter or digit;
//! - **direct**: gold attributions with at least 80% of their letters and
//!   digits inside double quotation marks (the same rule for predictions);
//! - **speaker accuracy**: among overlap-matched pairs, the share whose
//!   speaker span overlaps the gold source span or has the same text; no
//!   speaker is right only where gold has none.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use onrecord_core::quote_training::{Article, Attribution, train};
use onrecord_core::{Body, Document, Pipeline, Quote, QuoteModel, QuoteRule};

/// A record, or just its id and quotes (what peers write).
#[derive(serde::Deserialize)]
struct Predicted {
    id: String,
    quotes: Vec<Quote>,
}

use crate::polnear::{self, GoldArticle};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Gold file (PolNeAR JSONL).
    #[arg(long)]
    gold: Option<PathBuf>,
    /// Score these records (JSONL with `id` and `quotes`) instead
    /// of running the pipeline.
    #[arg(long)]
    predictions: Option<PathBuf>,
    /// Write the predicted quotes here (JSONL: `id`, `quotes`).
    #[arg(long)]
    dump: Option<PathBuf>,
    /// Print gold and predicted attributions of this article.
    #[arg(long)]
    show: Option<String>,
    /// Examples to print per error kind.
    #[arg(long, default_value_t = 1)]
    examples: usize,
    /// Error kinds to print, most common first.
    #[arg(long, default_value_t = 10)]
    kinds: usize,
    /// Runs of the pipeline to time (the best is reported).
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Attribution models to run (`cue.bin`, `span.bin`, `filter.bin` in
    /// this directory) instead of the committed ones.
    #[arg(long, conflicts_with = "predictions")]
    models: Option<PathBuf>,
    /// Cross-validate instead: K folds by article over PolNeAR train and
    /// dev together, each scored by models trained on the other folds
    /// (as `train-quotes` trains them); prints each fold, the mean over
    /// folds and the pooled counts.
    #[arg(long, value_name = "K", conflicts_with_all = ["predictions", "models", "gold", "show"], value_parser = clap::value_parser!(u32).range(2..=20))]
    cv: Option<u32>,
    /// Passes over the data when training for --cv.
    #[arg(long, default_value_t = 12, requires = "cv")]
    epochs: usize,
    /// Turn this attribution rule off (repeatable; `--without list`
    /// names them), to measure what it is worth.
    #[arg(long, value_name = "NAME")]
    without: Vec<String>,
    /// Also score with each rule off in turn: on the gold set with the
    /// committed models, or with --cv on the folds (the fold models are
    /// trained once, with every rule on).
    #[arg(long)]
    ablate: bool,
}

/// The rules `--without` names.
fn rules_off(names: &[String]) -> Result<Vec<QuoteRule>> {
    names
        .iter()
        .map(|n| {
            QuoteRule::from_name(n).with_context(|| {
                let all: Vec<&str> = QuoteRule::ALL.iter().map(|r| r.name()).collect();
                format!(
                    "no attribution rule {n:?}; the rules are: {}",
                    all.join(", ")
                )
            })
        })
        .collect()
}

/// The pipeline as the eval runs it: the text as given (offsets into the
/// gold text), with `model` or the committed attribution models, and
/// the rules `off` turned off.
fn scoring_pipeline(model: Option<std::sync::Arc<QuoteModel>>, off: &[QuoteRule]) -> Pipeline {
    let mut b = Pipeline::builder().raw_text(true);
    if let Some(m) = model {
        b = b.quote_model(Some(m));
    }
    for &r in off {
        b = b.without_quote_rule(r);
    }
    b.build()
}

fn predict(pipeline: &Pipeline, articles: &[GoldArticle]) -> HashMap<String, Vec<Quote>> {
    articles
        .iter()
        .map(|a| {
            let mut d = Document::new(Body::Text(a.text.clone()));
            d.hints.id = Some(a.id.clone());
            (
                a.id.clone(),
                pipeline.process(&d).map(|r| r.quotes).unwrap_or_default(),
            )
        })
        .collect()
}

fn load_models(dir: &std::path::Path) -> Result<QuoteModel> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    };
    QuoteModel::from_bytes(&read("cue.bin")?, &read("span.bin")?, &read("filter.bin")?)
        .map_err(anyhow::Error::msg)
}

/// PolNeAR articles as the trainer reads them.
pub(crate) fn training_articles(gold: &[GoldArticle]) -> Vec<Article> {
    gold.iter()
        .map(|a| Article {
            text: a.text.clone(),
            attributions: a
                .attributions
                .iter()
                .map(|g| Attribution {
                    source: g.source.clone(),
                    cue: g.cue.clone(),
                    content: g.content.clone(),
                })
                .collect(),
        })
        .collect()
}

/// Scores of one fold: all, direct-quote overlap, speaker accuracy.
fn fold_line(label: &str, c: &Counts) -> [f64; 4] {
    let (_, _, ef) = prf(c.exact, c.pred, c.gold);
    let (_, _, of) = prf(c.overlap, c.pred, c.gold);
    let (_, _, df) = prf(c.d_overlap, c.d_pred, c.d_gold);
    let sa = c.speaker_right as f64 / c.speaker_pairs.max(1) as f64;
    println!(
        "{label:<26} articles' gold {:>5} | exact F1 {ef:.4} | overlap F1 {of:.4} | direct overlap F1 {df:.4} | speaker acc {sa:.4}",
        c.gold
    );
    [ef, of, df, sa]
}

/// The configurations a cross-validation scores: every rule on (and
/// those `--without` names off), then with --ablate each rule off.
fn configurations(args: &Args) -> Result<Vec<(String, Vec<QuoteRule>)>> {
    let base = rules_off(&args.without)?;
    let mut out = vec![("as given".to_owned(), base.clone())];
    if args.ablate {
        for &r in QuoteRule::ALL.iter().filter(|r| !base.contains(r)) {
            let mut off = base.clone();
            off.push(r);
            out.push((format!("without {}", r.name()), off));
        }
    }
    Ok(out)
}

/// Each configuration of [`configurations`] scored on `gold` with one
/// set of models, one line each.
fn ablate(
    gold: &[GoldArticle],
    model: Option<std::sync::Arc<QuoteModel>>,
    args: &Args,
) -> Result<()> {
    for (name, off) in configurations(args)? {
        let out = predict(&scoring_pipeline(model.clone(), &off), gold);
        let mut counts = Counts::default();
        for a in gold {
            counts.add(&score(a, out.get(&a.id).map_or(&[][..], |v| v)).counts);
        }
        fold_line(&name, &counts);
    }
    Ok(())
}

fn cross_validate(args: &Args, k: usize) -> Result<()> {
    use rayon::prelude::*;
    let dir = crate::shared_data().join("polnear");
    let mut gold = polnear::read(&dir.join("train.jsonl"))?;
    gold.extend(polnear::read(&dir.join("dev.jsonl"))?);
    gold.sort_by(|a, b| a.id.cmp(&b.id));
    let configs = configurations(args)?;
    let start = Instant::now();
    // Per fold, per configuration: the held-out articles' quotes.
    type Predictions = Vec<HashMap<String, Vec<Quote>>>;
    let folds: Vec<(usize, Predictions)> = (0..k)
        .into_par_iter()
        .map(|fold| -> Result<_> {
            let (held, rest): (Vec<_>, Vec<_>) =
                gold.iter().enumerate().partition(|(i, _)| i % k == fold);
            let rest: Vec<GoldArticle> = rest.into_iter().map(|(_, a)| a.clone()).collect();
            let held: Vec<GoldArticle> = held.into_iter().map(|(_, a)| a.clone()).collect();
            let m = train(&training_articles(&rest), args.epochs, &mut |_, _, _| {});
            let model = std::sync::Arc::new(
                QuoteModel::from_bytes(&m.cue, &m.span, &m.filter).map_err(anyhow::Error::msg)?,
            );
            let out = configs
                .iter()
                .map(|(_, off)| predict(&scoring_pipeline(Some(model.clone()), off), &held))
                .collect();
            eprintln!(
                "fold {} of {k} done ({:.0} s)",
                fold + 1,
                start.elapsed().as_secs_f64()
            );
            Ok((fold, out))
        })
        .collect::<Result<_>>()?;
    println!(
        "{k}-fold cross-validation by article over PolNeAR train + dev ({} articles; fold = index % {k} in id order)",
        gold.len()
    );
    for (c, (name, _)) in configs.iter().enumerate() {
        println!("{name}:");
        let mut sums = [0f64; 4];
        for (fold, out) in &folds {
            let mut counts = Counts::default();
            for a in gold.iter().skip(*fold).step_by(k) {
                counts.add(&score(a, out[c].get(&a.id).map_or(&[][..], |v| v)).counts);
            }
            let label = format!("fold {}", fold + 1);
            for (s, v) in sums.iter_mut().zip(fold_line(&label, &counts)) {
                *s += v;
            }
        }
        let m = sums.map(|s| s / k as f64);
        println!(
            "mean of {k} folds: exact F1 {:.4} | overlap F1 {:.4} | direct overlap F1 {:.4} | speaker acc {:.4}",
            m[0], m[1], m[2], m[3]
        );
    }
    let mut predicted = HashMap::new();
    for (_, mut out) in folds {
        predicted.extend(out.swap_remove(0));
    }
    println!("pooled over the folds, {}:", configs[0].0);
    report(args, &gold, &predicted);
    Ok(())
}

/// A predicted or gold unit in code points.
#[derive(Debug, Clone)]
struct Unit {
    start: usize,
    end: usize,
    direct: bool,
    /// Gold: the attribution's source spans; prediction: its speaker span.
    speaker: Vec<(usize, usize)>,
    speaker_text: String,
    cue: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    gold: usize,
    pred: usize,
    exact: usize,
    overlap: usize,
    d_gold: usize,
    d_pred: usize,
    d_exact: usize,
    d_overlap: usize,
    speaker_pairs: usize,
    speaker_right: usize,
    cue_gold: usize,
    cue_pred: usize,
    cue_match: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.pred += o.pred;
        self.exact += o.exact;
        self.overlap += o.overlap;
        self.d_gold += o.d_gold;
        self.d_pred += o.d_pred;
        self.d_exact += o.d_exact;
        self.d_overlap += o.d_overlap;
        self.speaker_pairs += o.speaker_pairs;
        self.speaker_right += o.speaker_right;
        self.cue_gold += o.cue_gold;
        self.cue_pred += o.cue_pred;
        self.cue_match += o.cue_match;
    }
}

fn prf(tp: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
    let p = if pred == 0 {
        0.0
    } else {
        tp as f64 / pred as f64
    };
    let r = if gold == 0 {
        0.0
    } else {
        tp as f64 / gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// Per code point: inside double quotation marks (marks included).
fn quoted_mask(chars: &[char]) -> Vec<bool> {
    let mut mask = vec![false; chars.len()];
    let mut open = false;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\n' => open = false,
            '“' | '«' | '„' => {
                open = true;
                mask[i] = true;
            }
            '”' | '»' => {
                mask[i] = true;
                open = false;
            }
            '"' => {
                let before = if i == 0 { ' ' } else { chars[i - 1] };
                if before.is_whitespace() || "([{—–-".contains(before) {
                    open = true;
                } else {
                    mask[i] = true;
                    open = false;
                    continue;
                }
                mask[i] = true;
            }
            _ => mask[i] = open,
        }
    }
    mask
}

fn quoted_share(chars: &[char], mask: &[bool], spans: &[(usize, usize)]) -> f64 {
    let (mut inside, mut all) = (0usize, 0usize);
    for &(s, e) in spans {
        for i in s..e.min(chars.len()) {
            if chars[i].is_alphanumeric() {
                all += 1;
                inside += usize::from(mask[i]);
            }
        }
    }
    if all == 0 {
        0.0
    } else {
        inside as f64 / all as f64
    }
}

fn alnum_overlap(chars: &[char], a: (usize, usize), b: (usize, usize)) -> usize {
    let s = a.0.max(b.0);
    let e = a.1.min(b.1).min(chars.len());
    (s..e.max(s))
        .filter(|&i| chars[i].is_alphanumeric())
        .count()
}

fn is_trimmed(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '“'
                | '”'
                | '‘'
                | '’'
                | '\''
                | '«'
                | '»'
                | '„'
                | '`'
                | '.'
                | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | '…'
                | '—'
                | '–'
                | '-'
        )
}

fn normalized(chars: &[char], (s, e): (usize, usize)) -> String {
    let text: String = chars[s.min(chars.len())..e.min(chars.len())]
        .iter()
        .collect();
    text.trim_matches(is_trimmed).to_owned()
}

fn gold_units(article: &GoldArticle, chars: &[char], mask: &[bool]) -> Vec<Unit> {
    let mut out = Vec::new();
    for a in &article.attributions {
        let direct = quoted_share(chars, mask, &a.content) >= 0.8;
        let mut frags: Vec<(usize, usize)> = a.content.clone();
        frags.sort_unstable();
        let mut joined: Vec<(usize, usize)> = Vec::new();
        for f in frags {
            match joined.last_mut() {
                Some(last)
                    if chars[last.1.min(chars.len())..f.0.min(chars.len())]
                        .iter()
                        .all(|c| !c.is_alphanumeric()) =>
                {
                    last.1 = last.1.max(f.1);
                }
                _ => joined.push(f),
            }
        }
        let source_text = a.source_text.clone();
        for (s, e) in joined {
            out.push(Unit {
                start: s,
                end: e,
                direct,
                speaker: a.source.clone(),
                speaker_text: source_text.clone(),
                cue: a.cue_text.to_lowercase(),
            });
        }
    }
    out
}

fn pred_units(quotes: &[Quote], chars: &[char], mask: &[bool]) -> Vec<Unit> {
    quotes
        .iter()
        .map(|q| {
            let span = (q.content.start, q.content.end);
            Unit {
                start: span.0,
                end: span.1,
                direct: quoted_share(chars, mask, &[span]) >= 0.8,
                speaker: q.speaker.iter().map(|s| (s.start, s.end)).collect(),
                speaker_text: q
                    .speaker
                    .as_ref()
                    .map(|s| s.text.clone())
                    .unwrap_or_default(),
                cue: q
                    .cue
                    .as_ref()
                    .map(|c| c.text.to_lowercase())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// One-to-one matching: pairs that qualify, largest overlap first.
fn matching(chars: &[char], gold: &[&Unit], pred: &[&Unit], exact: bool) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        for (pi, p) in pred.iter().enumerate() {
            let ov = alnum_overlap(chars, (g.start, g.end), (p.start, p.end));
            if ov == 0 {
                continue;
            }
            if exact && normalized(chars, (g.start, g.end)) != normalized(chars, (p.start, p.end)) {
                continue;
            }
            pairs.push((ov, gi, pi));
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut gu = vec![false; gold.len()];
    let mut pu = vec![false; pred.len()];
    let mut out = Vec::new();
    for (_, gi, pi) in pairs {
        if !gu[gi] && !pu[pi] {
            gu[gi] = true;
            pu[pi] = true;
            out.push((gi, pi));
        }
    }
    out
}

fn speaker_right(chars: &[char], g: &Unit, p: &Unit) -> bool {
    if g.speaker.is_empty() {
        return p.speaker.is_empty();
    }
    let Some(&ps) = p.speaker.first() else {
        return false;
    };
    g.speaker.iter().any(|&gs| alnum_overlap(chars, gs, ps) > 0)
        || g.speaker_text
            .trim()
            .eq_ignore_ascii_case(p.speaker_text.trim())
}

fn snippet(chars: &[char], (s, e): (usize, usize)) -> String {
    let text: String = chars[s.min(chars.len())..e.min(chars.len())]
        .iter()
        .collect();
    let text = text.replace('\n', " ");
    if text.chars().count() > 110 {
        let head: String = text.chars().take(70).collect();
        let tail: String = text
            .chars()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{head} … {tail}")
    } else {
        text
    }
}

const SAID_LIKE: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "wrote",
    "asked",
    "according to",
    "saying",
    "tweeted",
    "stated",
    "explained",
    "noted",
    "continued",
    "replied",
    "responded",
    "argued",
];

fn cue_class(cue: &str) -> &'static str {
    let c = cue.trim_end_matches(':').trim();
    if c.is_empty() {
        "no cue"
    } else if SAID_LIKE.iter().any(|s| c.ends_with(s) || c.starts_with(s)) {
        "speech cue"
    } else {
        "other cue"
    }
}

struct Scored {
    counts: Counts,
    errors: Vec<(String, String)>,
}

fn score(article: &GoldArticle, quotes: &[Quote]) -> Scored {
    let chars: Vec<char> = article.text.chars().collect();
    let mask = quoted_mask(&chars);
    let gold = gold_units(article, &chars, &mask);
    let pred = pred_units(quotes, &chars, &mask);
    let g_all: Vec<&Unit> = gold.iter().collect();
    let p_all: Vec<&Unit> = pred.iter().collect();
    let g_dir: Vec<&Unit> = gold.iter().filter(|u| u.direct).collect();
    let p_dir: Vec<&Unit> = pred.iter().filter(|u| u.direct).collect();
    let over = matching(&chars, &g_all, &p_all, false);
    let exact = matching(&chars, &g_all, &p_all, true);
    let mut c = Counts {
        gold: gold.len(),
        pred: pred.len(),
        exact: exact.len(),
        overlap: over.len(),
        d_gold: g_dir.len(),
        d_pred: p_dir.len(),
        d_exact: matching(&chars, &g_dir, &p_dir, true).len(),
        d_overlap: matching(&chars, &g_dir, &p_dir, false).len(),
        ..Default::default()
    };
    // Cues, matched one to one by overlap (each distinct predicted cue once).
    let cue_units = |spans: Vec<(usize, usize)>| -> Vec<Unit> {
        let mut spans = spans;
        spans.sort_unstable();
        spans.dedup();
        spans
            .into_iter()
            .map(|(s, e)| Unit {
                start: s,
                end: e,
                direct: false,
                speaker: Vec::new(),
                speaker_text: String::new(),
                cue: String::new(),
            })
            .collect()
    };
    let g_cues = cue_units(
        article
            .attributions
            .iter()
            .filter_map(|a| a.cue.first().copied())
            .collect(),
    );
    let p_cues = cue_units(
        quotes
            .iter()
            .filter_map(|q| q.cue.as_ref().map(|c| (c.start, c.end)))
            .collect(),
    );
    c.cue_gold = g_cues.len();
    c.cue_pred = p_cues.len();
    c.cue_match = matching(
        &chars,
        &g_cues.iter().collect::<Vec<_>>(),
        &p_cues.iter().collect::<Vec<_>>(),
        false,
    )
    .len();
    let mut errors = Vec::new();
    let exact_set: std::collections::HashSet<(usize, usize)> = exact.iter().copied().collect();
    let kind = |u: &Unit| if u.direct { "direct" } else { "indirect" };
    for &(gi, pi) in &over {
        let (g, p) = (g_all[gi], p_all[pi]);
        c.speaker_pairs += 1;
        if speaker_right(&chars, g, p) {
            c.speaker_right += 1;
        } else {
            let what = if g.speaker.is_empty() {
                "speaker given where gold has none"
            } else if p.speaker.is_empty() {
                "speaker missing"
            } else {
                "wrong speaker"
            };
            errors.push((
                what.to_owned(),
                format!(
                    "gold {:?} / found {:?}: {}",
                    g.speaker_text,
                    p.speaker_text,
                    snippet(&chars, (g.start, g.end))
                ),
            ));
        }
        if !exact_set.contains(&(gi, pi)) {
            let mut parts = Vec::new();
            let gn = normalized(&chars, (g.start, g.end));
            let pn = normalized(&chars, (p.start, p.end));
            if gn != pn {
                let gs = g.start
                    + chars[g.start..g.end]
                        .iter()
                        .take_while(|&&ch| is_trimmed(ch))
                        .count();
                let ps = p.start
                    + chars[p.start..p.end]
                        .iter()
                        .take_while(|&&ch| is_trimmed(ch))
                        .count();
                let ge = g.end
                    - chars[g.start..g.end]
                        .iter()
                        .rev()
                        .take_while(|&&ch| is_trimmed(ch))
                        .count();
                let pe = p.end
                    - chars[p.start..p.end]
                        .iter()
                        .rev()
                        .take_while(|&&ch| is_trimmed(ch))
                        .count();
                if ps < gs {
                    parts.push("starts early");
                } else if ps > gs {
                    parts.push("starts late");
                }
                if pe > ge {
                    parts.push("ends late");
                } else if pe < ge {
                    parts.push("ends early");
                }
            }
            errors.push((
                format!("boundary ({}): {}", kind(g), parts.join(", ")),
                format!(
                    "gold «{}» / found «{}»",
                    snippet(&chars, (g.start, g.end)),
                    snippet(&chars, (p.start, p.end))
                ),
            ));
        }
    }
    let mut g_hit = vec![false; g_all.len()];
    let mut p_hit = vec![false; p_all.len()];
    for &(gi, pi) in &over {
        g_hit[gi] = true;
        p_hit[pi] = true;
    }
    for (gi, g) in g_all.iter().enumerate() {
        if !g_hit[gi] {
            let covered = p_all
                .iter()
                .any(|p| alnum_overlap(&chars, (g.start, g.end), (p.start, p.end)) > 0);
            let what = if covered {
                format!("missed {} (inside a longer found quote)", kind(g))
            } else {
                format!("missed {} ({})", kind(g), cue_class(&g.cue))
            };
            errors.push((
                what,
                format!("cue {:?}: {}", g.cue, snippet(&chars, (g.start, g.end))),
            ));
        }
    }
    for (pi, p) in p_all.iter().enumerate() {
        if !p_hit[pi] {
            errors.push((
                format!("spurious {}", kind(p)),
                format!("cue {:?}: {}", p.cue, snippet(&chars, (p.start, p.end))),
            ));
        }
    }
    Scored { counts: c, errors }
}

fn print_counts(label: &str, c: &Counts) {
    let (ep, er, ef) = prf(c.exact, c.pred, c.gold);
    let (op, or, of) = prf(c.overlap, c.pred, c.gold);
    let (dp, dr, df) = prf(c.d_overlap, c.d_pred, c.d_gold);
    let (_, _, def) = prf(c.d_exact, c.d_pred, c.d_gold);
    let sa = if c.speaker_pairs == 0 {
        0.0
    } else {
        c.speaker_right as f64 / c.speaker_pairs as f64
    };
    let (_, _, cf) = prf(c.cue_match, c.cue_pred, c.cue_gold);
    println!(
        "{label:<14} gold {:>5} found {:>5} | exact P {ep:.3} R {er:.3} F1 {ef:.3} | overlap P {op:.3} R {or:.3} F1 {of:.3} | direct overlap P {dp:.4} R {dr:.4} F1 {df:.4}, exact F1 {def:.3} ({} gold) | speaker acc {sa:.3} | cue overlap F1 {cf:.3}",
        c.gold, c.pred, c.d_gold
    );
}

fn show(article: &GoldArticle, quotes: &[Quote]) {
    let chars: Vec<char> = article.text.chars().collect();
    let s = |spans: &[(usize, usize)]| {
        spans
            .iter()
            .map(|&sp| snippet(&chars, sp))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    println!("== gold");
    for a in &article.attributions {
        println!("[{}] <{}> {{{}}}", s(&a.source), s(&a.cue), s(&a.content));
    }
    println!("== found");
    for q in quotes {
        println!(
            "[{}] <{}> {{{}}} -> {:?} ({:?})",
            q.speaker.as_ref().map_or(String::new(), |x| x.text.clone()),
            q.cue.as_ref().map_or(String::new(), |x| x.text.clone()),
            snippet(&chars, (q.content.start, q.content.end)),
            q.speaker_name,
            q.kind
        );
    }
}

pub(crate) fn run(args: &Args) -> Result<()> {
    if args.without.iter().any(|n| n == "list") {
        for r in QuoteRule::ALL {
            println!("{}", r.name());
        }
        return Ok(());
    }
    if let Some(k) = args.cv {
        return cross_validate(args, k as usize);
    }
    let path = args
        .gold
        .clone()
        .unwrap_or_else(|| crate::shared_data().join("polnear/dev.jsonl"));
    let gold = polnear::read(&path)?;
    let model = args
        .models
        .as_deref()
        .map(load_models)
        .transpose()?
        .map(std::sync::Arc::new);
    if args.ablate {
        return ablate(&gold, model, args);
    }
    let off = rules_off(&args.without)?;
    let predicted: HashMap<String, Vec<Quote>> = match &args.predictions {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let mut map = HashMap::new();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let r: Predicted = serde_json::from_str(line).context("prediction line")?;
                map.insert(r.id, r.quotes);
            }
            map
        }
        None => {
            let out = predict(&scoring_pipeline(model.clone(), &off), &gold);
            // Timed with cleaning on, as a plain-text article is read by
            // default: the whole pipeline.
            let docs: Vec<Document> = gold
                .iter()
                .map(|a| Document::new(Body::Text(a.text.clone())))
                .collect();
            let mut whole = Pipeline::builder();
            if let Some(m) = &model {
                whole = whole.quote_model(Some(m.clone()));
            }
            for &r in &off {
                whole = whole.without_quote_rule(r);
            }
            let whole = whole.build();
            let mut best = f64::INFINITY;
            for _ in 0..args.repeat.max(1) {
                let start = Instant::now();
                let quotes: usize = docs
                    .iter()
                    .map(|d| whole.process(d).map_or(0, |r| r.quotes.len()))
                    .sum();
                std::hint::black_box(quotes);
                best = best.min(start.elapsed().as_secs_f64());
            }
            let bytes: usize = gold.iter().map(|a| a.text.len()).sum();
            println!(
                "speed (one thread, whole pipeline with cleaning, best of {}): {:.0} articles/s, {:.2} MB/s ({} articles in {:.3} s)",
                args.repeat.max(1),
                gold.len() as f64 / best,
                bytes as f64 / best / 1e6,
                gold.len(),
                best
            );
            out
        }
    };
    if let Some(path) = &args.dump {
        let mut out = String::new();
        for a in &gold {
            let quotes = predicted.get(&a.id).map_or(&[][..], |v| v);
            out.push_str(&serde_json::to_string(
                &serde_json::json!({"id": a.id, "quotes": quotes}),
            )?);
            out.push('\n');
        }
        std::fs::write(path, out)?;
    }
    if let Some(id) = &args.show {
        let article = gold
            .iter()
            .find(|a| &a.id == id)
            .context("no such article")?;
        show(article, predicted.get(id).map_or(&[][..], |v| v));
        return Ok(());
    }
    println!("gold: {} ({} articles)", path.display(), gold.len());
    report(args, &gold, &predicted);
    Ok(())
}

/// Prints the scores of `predicted` against `gold`: all, per publisher,
/// and the most common error kinds.
fn report(args: &Args, gold: &[GoldArticle], predicted: &HashMap<String, Vec<Quote>>) {
    let mut total = Counts::default();
    let mut by_pub: BTreeMap<String, Counts> = BTreeMap::new();
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in gold {
        let quotes = predicted.get(&a.id).map_or(&[][..], |v| v);
        let scored = score(a, quotes);
        total.add(&scored.counts);
        by_pub
            .entry(a.publisher.clone())
            .or_default()
            .add(&scored.counts);
        for (kind, example) in scored.errors {
            errors
                .entry(kind)
                .or_default()
                .push(format!("{}: {example}", a.id));
        }
    }
    print_counts("all", &total);
    for (p, c) in &by_pub {
        print_counts(p, c);
    }
    let mut kinds: Vec<(&String, &Vec<String>)> = errors.iter().collect();
    kinds.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    println!("most common errors:");
    for (kind, examples) in kinds.iter().take(args.kinds) {
        println!("{:>5}  {kind}", examples.len());
        for e in examples.iter().take(args.examples) {
            println!("         e.g. {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(start: usize, end: usize) -> Unit {
        Unit {
            start,
            end,
            direct: false,
            speaker: Vec::new(),
            speaker_text: String::new(),
            cue: String::new(),
        }
    }

    #[test]
    fn exact_ignores_marks_and_end_punctuation() {
        let chars: Vec<char> = "He said “we will win.” Then".chars().collect();
        assert_eq!(normalized(&chars, (8, 22)), "we will win");
        let g = unit(8, 22);
        let p = unit(9, 20);
        assert_eq!(matching(&chars, &[&g], &[&p], true).len(), 1);
        let short = unit(9, 16);
        assert_eq!(matching(&chars, &[&g], &[&short], true).len(), 0);
        assert_eq!(matching(&chars, &[&g], &[&short], false).len(), 1);
    }

    #[test]
    fn matching_is_one_to_one() {
        let chars: Vec<char> = "aaaa bbbb".chars().collect();
        let g = unit(0, 9);
        let p1 = unit(0, 4);
        let p2 = unit(5, 9);
        assert_eq!(matching(&chars, &[&g], &[&p1, &p2], false).len(), 1);
    }

    #[test]
    fn quoted_mask_pairs_marks() {
        let chars: Vec<char> = "a \"b\" c “d”".chars().collect();
        let m = quoted_mask(&chars);
        let inside: String = chars
            .iter()
            .zip(&m)
            .filter(|(_, m)| **m)
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(inside, "\"b\"“d”");
    }
}
