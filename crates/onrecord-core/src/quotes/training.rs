//! Training data and the trainer, for `cargo xtask train-quotes`.

use std::collections::HashMap;

use super::candidates::{candidates, nested_flags, paragraphs};
use super::features::{B_CUE, I_CUE, LABELS, Lexicon, O, allowed, features, prepare};
use super::span::{S_B_CON, S_B_SRC, S_CUE, S_I_CON, S_I_SRC, S_LABELS, S_O};
use super::{QuoteRules, Tagger, filter, span};
use crate::analysis::Analysis;
use crate::perceptron::{Features, Fixed, Model, Trainer, passes};
use crate::text::{Tokens, tokenize};

/// A gold attribution: character (code point) ranges of its parts.
#[derive(Debug, Clone, Default)]
pub struct Attribution {
    /// Source spans.
    pub source: Vec<(usize, usize)>,
    /// Cue spans.
    pub cue: Vec<(usize, usize)>,
    /// Content spans.
    pub content: Vec<(usize, usize)>,
}

/// An annotated article.
#[derive(Debug, Clone)]
pub struct Article {
    /// The raw text the offsets point into.
    pub text: String,
    /// Its attributions.
    pub attributions: Vec<Attribution>,
}

/// Tokens whose first char lies in one of `spans`.
fn tokens_in(t: &Tokens<'_>, spans: &[(usize, usize)]) -> Vec<usize> {
    (0..t.len())
        .filter(|&i| {
            let c = t.tokens[i].start;
            spans.iter().any(|&(s, e)| s <= c && c < e)
        })
        .collect()
}

/// Gold cue labels of every token.
fn cue_labels(t: &Tokens<'_>, article: &Article) -> Vec<usize> {
    let mut out = vec![O; t.len()];
    for a in &article.attributions {
        let toks = tokens_in(t, &a.cue);
        for (k, &i) in toks.iter().enumerate() {
            out[i] = if k > 0 && toks[k - 1] + 1 == i {
                I_CUE
            } else {
                B_CUE
            };
        }
    }
    out
}

/// Cue words: lowercased words inside gold cues, classed by how often
/// they are a cue when they occur.
fn lexicon(articles: &[Article]) -> Vec<(String, u8)> {
    let mut seen: HashMap<String, (u32, u32)> = HashMap::new();
    for a in articles {
        let t = tokenize(&a.text);
        let labels = cue_labels(&t, a);
        for (i, &l) in labels.iter().enumerate() {
            let lower = t.str(i).to_lowercase();
            // Stems too ("~despis"), so that an unseen inflection of a
            // cue word still reads as one.
            let stem = format!("~{}", super::features::stem(&lower));
            for key in [lower, stem] {
                let e = seen.entry(key).or_default();
                e.1 += 1;
                if l != O {
                    e.0 += 1;
                }
            }
        }
    }
    let mut out: Vec<(String, u8)> = seen
        .into_iter()
        .filter(|(_, (cue, _))| *cue >= 3)
        .filter_map(|(w, (cue, all))| {
            let r = f64::from(cue) / f64::from(all);
            let class = if r >= 0.5 {
                1
            } else if r >= 0.2 {
                2
            } else if r >= 0.05 {
                3
            } else {
                return None;
            };
            Some((w, class))
        })
        .collect();
    out.sort();
    out
}

/// Features, gold labels and pinned labels of a sequence.
type Sequence = (Features, Vec<usize>, Vec<Option<usize>>);

/// Drops features seen fewer than `min` times: they carry noise and
/// bulk.
fn prune(data: Vec<Sequence>, min: u32) -> Vec<Sequence> {
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for (f, _, _) in &data {
        for &id in f.ids() {
            *counts.entry(id).or_default() += 1;
        }
    }
    let keep = |id: u32| counts.get(&id).is_some_and(|&c| c >= min);
    data.into_iter()
        .map(|(f, g, m)| (f.filtered(&keep), g, m))
        .collect()
}

/// What a model is trained with.
struct Setup<'a> {
    labels: usize,
    allowed: &'a dyn Fn(Option<usize>, usize) -> bool,
    /// A label given exactly where the sequence's mask is set.
    masked_label: Option<usize>,
    seed: u64,
    extra: String,
}

fn fit(
    data: &[Sequence],
    setup: Setup<'_>,
    epochs: usize,
    log: &mut dyn FnMut(usize, f64),
) -> Vec<u8> {
    let Setup {
        labels,
        allowed,
        masked_label,
        seed,
        extra,
    } = setup;
    let trainers = (0..SEEDS as u64)
        .map(|k| {
            let mut trainer = Trainer::new(labels, allowed);
            passes(
                &mut trainer,
                data.len(),
                (epochs, seed + k),
                log,
                &mut |t, k| {
                    let (f, g, m) = &data[k];
                    let pin = Fixed {
                        at: m,
                        reserved: masked_label,
                    };
                    (t.learn(f, g, &pin), g.len())
                },
            );
            trainer
        })
        .collect();
    Trainer::finish_mean(trainers, extra)
}

/// Orders of the data a tagger is trained in; the shipped weights are
/// the mean of the models.
const SEEDS: usize = 4;

/// The trained models, serialised.
#[derive(Debug, Clone)]
pub struct Models {
    /// The cue tagger (with its lexicon).
    pub cue: Vec<u8>,
    /// The source and content tagger.
    pub span: Vec<u8>,
    /// The candidate classifier (with its threshold).
    pub filter: Vec<u8>,
}

/// Folds for the candidate classifier's training data.
const FOLDS: usize = 5;

/// Trains the three models. The cue and span taggers learn from all
/// of `articles`; the candidate classifier learns from candidates that
/// taggers trained on the other folds proposed for each fold's
/// articles. The same articles and epochs always give the same bytes.
pub fn train(articles: &[Article], epochs: usize, log: &mut dyn FnMut(&str, usize, f64)) -> Models {
    let mut examples = Examples::default();
    for fold in 0..FOLDS {
        let rest: Vec<Article> = articles
            .iter()
            .enumerate()
            .filter(|(k, _)| k % FOLDS != fold)
            .map(|(_, a)| a.clone())
            .collect();
        let (cue, span) = train_taggers(&rest, epochs, &mut |_, _, _| {});
        let tagger = Tagger::new(&cue, &span, None).expect("models just trained");
        for a in articles.iter().skip(fold).step_by(FOLDS) {
            candidate_examples(&tagger, a, &mut examples);
        }
        log("fold", fold, examples.weighed.len() as f64);
    }
    let filter = train_filter(examples, epochs, log);
    let (cue, span) = train_taggers(articles, epochs, log);
    Models { cue, span, filter }
}

/// The classifier's examples from one fold.
#[derive(Default)]
struct Examples {
    /// Features and label of each candidate the classifier weighs.
    weighed: Vec<(Features, Vec<usize>)>,
    /// Candidates that stand without it, and how many of them hit.
    standing: usize,
    standing_hits: usize,
    /// Gold attributions.
    gold: usize,
}

/// The candidates the taggers propose for `article`, labelled as the
/// scorer would count them: a hit when some content shares a token
/// with a gold content and the source is that attribution's source
/// (none where it has none): a kept candidate should have its
/// speaker right too.
fn candidate_examples(tagger: &Tagger, article: &Article, out: &mut Examples) {
    let (t, words) = Analysis::new(&article.text).split();
    let mut p = prepare(&t, words, &tagger.lexicon);
    let runs = span::quote_runs(&t);
    let gold: Vec<(Vec<usize>, Vec<usize>)> = article
        .attributions
        .iter()
        .map(|g| (tokens_in(&t, &g.content), tokens_in(&t, &g.source)))
        .collect();
    out.gold += gold.len();
    let cands = candidates(tagger, &t, &mut p, &runs, QuoteRules::default());
    let nested = nested_flags(&cands);
    for (c, nested) in cands.iter().zip(nested) {
        let r = &c.reading;
        let shares = |content: &[usize]| {
            content
                .iter()
                .any(|&i| r.contents.iter().any(|c| c.0 <= i && i <= c.1))
        };
        let hit = gold.iter().any(|(content, source)| {
            let on_source = match r.source {
                Some((a, b)) => source.iter().any(|&i| a <= i && i <= b),
                None => source.is_empty(),
            };
            on_source && shares(content)
        });
        if c.level == 0 {
            if r.contents.is_empty() {
                continue;
            }
            out.standing += 1;
            out.standing_hits += usize::from(hit);
        } else if c.weighed() {
            let label = if hit { filter::KEEP } else { filter::DROP };
            out.weighed
                .push((filter::features(&t, &p, c, nested), vec![label]));
        }
    }
}

/// Trains the candidate classifier and picks the margin a candidate
/// needs: the one that gives the best F1 over the training
/// candidates (those that stand without it included), counting every
/// gold attribution for recall.
fn train_filter(
    examples: Examples,
    epochs: usize,
    log: &mut dyn FnMut(&str, usize, f64),
) -> Vec<u8> {
    let all = |_: Option<usize>, _: usize| true;
    let trainer = crate::perceptron::fit(
        examples.weighed.clone(),
        filter::LABELS,
        &all,
        3,
        (epochs, 0xf11e),
        &mut |e, acc| log("filter", e, acc),
    );
    let model =
        Model::from_bytes(&trainer.clone().finish(String::new())).expect("model just trained");
    let mut scored: Vec<(f32, bool)> = examples
        .weighed
        .iter()
        .map(|(f, g)| (model.margin(f, filter::KEEP), g[0] == filter::KEEP))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let f1 = |hits: usize, kept: usize| {
        2.0 * (examples.standing_hits + hits) as f64
            / (examples.standing + kept + examples.gold) as f64
    };
    let (mut best, mut threshold, mut hits) = (f1(0, 0), f32::MAX, 0usize);
    for (k, &(m, hit)) in scored.iter().enumerate() {
        hits += usize::from(hit);
        if f1(hits, k + 1) > best {
            best = f1(hits, k + 1);
            let next = scored.get(k + 1).map_or(m - 1.0, |x| x.0);
            threshold = (m + next) / 2.0;
        }
    }
    log("classifier F1 on the folds", 0, best);
    trainer.finish(format!("threshold\t{threshold}\n"))
}

/// Trains the cue and span taggers; returns their bytes.
fn train_taggers(
    articles: &[Article],
    epochs: usize,
    log: &mut dyn FnMut(&str, usize, f64),
) -> (Vec<u8>, Vec<u8>) {
    let lex_entries = lexicon(articles);
    let lex = Lexicon::parse(&Lexicon::serialize(&lex_entries));
    let mut cue_data: Vec<Sequence> = Vec::new();
    let mut span_data: Vec<Sequence> = Vec::new();
    for a in articles {
        let (t, words) = Analysis::new(&a.text).split();
        let mut p = prepare(&t, words, &lex);
        // The sentences of gold cues are parsed, as those of candidate
        // cues are when the models run.
        let cue_starts: Vec<usize> = a
            .attributions
            .iter()
            .filter_map(|attr| tokens_in(&t, &attr.cue).first().copied())
            .collect();
        p.parse_cues(&t, cue_starts.into_iter());
        let gold = cue_labels(&t, a);
        for range in paragraphs(&t) {
            let f = features(&t, &p, range.clone());
            cue_data.push((f, gold[range].to_vec(), Vec::new()));
        }
        let runs = span::quote_runs(&t);
        for attr in &a.attributions {
            let cue = tokens_in(&t, &attr.cue);
            let (Some(&cf), Some(&cl)) = (cue.first(), cue.last()) else {
                continue;
            };
            let range = span::window(&t, cf, cl);
            let mut labels = vec![S_O; range.len()];
            for (spans, b, i) in [
                (&attr.source, S_B_SRC, S_I_SRC),
                (&attr.content, S_B_CON, S_I_CON),
            ] {
                for &sp in spans.iter() {
                    let toks = tokens_in(&t, &[sp]);
                    for (k, &tok) in toks.iter().enumerate() {
                        if range.contains(&tok) {
                            labels[tok - range.start] = if k == 0 { b } else { i };
                        }
                    }
                }
            }
            let mut mask = vec![None; range.len()];
            for tok in cf..=cl {
                labels[tok - range.start] = S_CUE;
                mask[tok - range.start] = Some(S_CUE);
            }
            // Labels must respect the transitions: a piece cut by the
            // window edge or the cue restarts with B-.
            for k in 0..labels.len() {
                let prev = (k > 0).then(|| labels[k - 1]);
                if !span::allowed(prev, labels[k]) {
                    labels[k] -= 1;
                }
            }
            let mut f = Features::default();
            span::features(&mut f, &t, &p, &runs, range, cf, cl);
            span_data.push((f, labels, mask));
        }
    }
    let cue_data = prune(cue_data, 25);
    let span_data = prune(span_data, 25);
    let cue = fit(
        &cue_data,
        Setup {
            labels: LABELS,
            allowed: &allowed,
            masked_label: None,
            seed: 0x5eed,
            extra: Lexicon::serialize(&lex_entries),
        },
        epochs,
        &mut |e, acc| log("cue", e, acc),
    );
    let span = fit(
        &span_data,
        Setup {
            labels: S_LABELS,
            allowed: &span::allowed,
            masked_label: Some(S_CUE),
            seed: 0x5ba2,
            extra: String::new(),
        },
        epochs,
        &mut |e, acc| log("span", e, acc),
    );
    (cue, span)
}
