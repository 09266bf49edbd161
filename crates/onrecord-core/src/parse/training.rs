//! Training and scoring for `cargo xtask train-parse` and `eval-parse`.

use super::features::{self, Words};
use super::system::{Move, State};
use super::{Parser, Relation, Scratch, Tree};
use crate::perceptron::{Features, Fixed, SplitMix, Trainer, hash, passes};
use crate::pos::training::Tagger;
use crate::text::Tokens;

/// A sentence of a treebank: its words, and each word's head (0 for the
/// root, `k` for word `k - 1`) and relation label.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// The words (syntactic words: multiword tokens split).
    pub words: Vec<String>,
    /// Each word's head: 0 for the root, `k` for word `k - 1`.
    pub heads: Vec<usize>,
    /// Each word's relation label (`nsubj:pass`).
    pub relations: Vec<String>,
    /// Each word's Penn Treebank tag in the treebank (for measuring the
    /// tagger; the parser reads the tagger's own).
    pub penn: Vec<String>,
}

/// A sentence's words as the parser reads them: hashes of the lowercased
/// words and of the tagger's tags.
pub struct Tagged {
    word: Vec<u64>,
    tag: Vec<u64>,
}

impl Tagged {
    fn words(&self) -> Words<'_> {
        Words {
            word: &self.word,
            tag: &self.tag,
        }
    }
}

/// Tags the words with the project's tagger, as the pipeline would: the
/// words joined by spaces make one sentence.
pub fn tag(words: &[String]) -> Tagged {
    tag_with(None, words)
}

/// [`tag`] with another tagger than the built-in one.
pub fn tag_with(tagger: Option<&Tagger>, words: &[String]) -> Tagged {
    let tags = tag_names_with(tagger, words);
    Tagged {
        word: words.iter().map(|w| hash(&w.to_lowercase())).collect(),
        tag: tags.iter().map(|t| hash(t)).collect(),
    }
}

fn tag_names_with(tagger: Option<&Tagger>, words: &[String]) -> Vec<String> {
    let text = words.join(" ");
    let mut spans = Vec::with_capacity(words.len());
    let mut at = 0;
    for w in words {
        let n = w.chars().count();
        spans.push((at, at + n));
        at += n + 1;
    }
    let t = Tokens::from_spans(&text, &spans);
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let word: Vec<u64> = lower.iter().map(|w| hash(w)).collect();
    match tagger {
        Some(tagger) => tagger.tag(&t, &lower, &word),
        None => crate::pos::tag(&t, &lower, &word),
    }
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// The words with the treebank's tags folded as the tagger folds its
/// own: what the parser would do with a perfect tagger.
pub fn with_treebank_tags(s: &Sentence) -> Tagged {
    Tagged {
        word: s.words.iter().map(|w| hash(&w.to_lowercase())).collect(),
        tag: s
            .penn
            .iter()
            .map(|t| hash(crate::pos::training::coarse(t)))
            .collect(),
    }
}

/// Words whose tagger tag is the treebank's, folded, and words.
pub fn tag_agreement(sentences: &[Sentence], tagged: &[Tagged]) -> (usize, usize) {
    let mut right = 0;
    let mut total = 0;
    for (s, t) in sentences.iter().zip(tagged) {
        let gold = with_treebank_tags(s);
        right += gold.tag.iter().zip(&t.tag).filter(|(a, b)| a == b).count();
        total += s.words.len();
    }
    (right, total)
}

/// Gold heads in the parser's numbering: the root is `n`.
fn gold_heads(s: &Sentence) -> Vec<u32> {
    let n = s.words.len() as u32;
    s.heads
        .iter()
        .map(|&h| if h == 0 { n } else { h as u32 - 1 })
        .collect()
}

fn gold_relations(s: &Sentence) -> Vec<usize> {
    s.relations
        .iter()
        .map(|r| Relation::from_label(r).unwrap_or(Relation::Dep).index())
        .collect()
}

/// Settings of a training run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Passes over the moves.
    pub epochs: usize,
    /// Passes over the relations.
    pub relation_epochs: usize,
    /// From this pass on, training follows the model's own moves (where
    /// they do not cost more than `explore` allows), so it learns to
    /// recover from its mistakes.
    pub explore_from: usize,
    /// Chance of following the model's move rather than the oracle's.
    pub explore: f64,
    /// Seed of the shuffles and of exploration.
    pub seed: u64,
    /// Move features seen fewer times than this on the oracle's path
    /// through train, and relation features seen fewer times in train's
    /// trees, get no weights: smaller models.
    pub min_count: u32,
}

/// The two trained models, serialised.
pub struct Trained {
    /// The moves model.
    pub moves: Vec<u8>,
    /// The relations model.
    pub relations: Vec<u8>,
}

/// Trains both models; the same sentences and settings always give the
/// same bytes. `log(stage, pass, accuracy)`.
pub fn train(
    sentences: &[Sentence],
    tagged: &[Tagged],
    settings: Settings,
    log: &mut dyn FnMut(&str, usize, f64),
) -> Trained {
    let golds: Vec<Vec<u32>> = sentences.iter().map(gold_heads).collect();
    Trained {
        moves: train_moves(tagged, &golds, settings, log),
        relations: train_relations(sentences, tagged, &golds, settings, log),
    }
}

fn train_moves(
    tagged: &[Tagged],
    golds: &[Vec<u32>],
    settings: Settings,
    log: &mut dyn FnMut(&str, usize, f64),
) -> Vec<u8> {
    let mut trainer = Trainer::new(Move::ALL.len(), &|_, _| true);
    let mut rng = SplitMix(settings.seed ^ 0x5eed);
    let mut st = State::new(0);
    let mut ids = Vec::new();
    // Feature counts along the oracle's path.
    let mut counts: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for (t, gold) in tagged.iter().zip(golds) {
        st.reset(gold.len());
        while !st.done() {
            features::moves(&st, &t.words(), &mut ids);
            for &id in &ids {
                *counts.entry(id).or_default() += 1;
            }
            let Some(m) = Move::ALL
                .into_iter()
                .filter(|&m| st.valid(m))
                .min_by_key(|&m| st.cost(m, gold))
            else {
                break;
            };
            st.apply(m);
        }
    }
    let rare = |id: &u32| counts.get(id).is_none_or(|&c| c < settings.min_count);
    let mut scores = [0f32; 3];
    let epoch = std::cell::Cell::new(0);
    passes(
        &mut trainer,
        tagged.len(),
        (settings.epochs, settings.seed),
        &mut |e, acc| {
            epoch.set(e + 1);
            log("moves", e, acc);
        },
        &mut |t, k| {
            let (w, gold) = (tagged[k].words(), &golds[k]);
            st.reset(gold.len());
            let (mut wrong, mut total) = (0, 0);
            while !st.done() {
                features::moves(&st, &w, &mut ids);
                ids.retain(|id| !rare(id));
                t.score_one(&ids, &mut scores);
                let valid: Vec<(Move, u32)> = Move::ALL
                    .into_iter()
                    .filter(|&m| st.valid(m))
                    .map(|m| (m, st.cost(m, gold)))
                    .collect();
                let least = valid.iter().map(|&(_, c)| c).min().unwrap_or(0);
                let best = |ok: &dyn Fn(u32) -> bool| {
                    valid
                        .iter()
                        .filter(|&&(_, c)| ok(c))
                        .max_by(|a, b| scores[a.0.index()].total_cmp(&scores[b.0.index()]))
                        .map(|&(m, _)| m)
                };
                let (Some(pred), Some(right)) = (best(&|_| true), best(&|c| c == least)) else {
                    break;
                };
                if pred != right && st.cost(pred, gold) > least {
                    t.update_one(&ids, right.index(), pred.index());
                    wrong += 1;
                }
                t.tick();
                total += 1;
                let explore = epoch.get() >= settings.explore_from
                    && ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < settings.explore;
                st.apply(if explore { pred } else { right });
            }
            (wrong, total)
        },
    );
    trainer.finish(String::new())
}

fn train_relations(
    sentences: &[Sentence],
    tagged: &[Tagged],
    golds: &[Vec<u32>],
    settings: Settings,
    log: &mut dyn FnMut(&str, usize, f64),
) -> Vec<u8> {
    let root = Relation::Root.index();
    let data: Vec<(Features, Vec<usize>, Vec<Option<usize>>)> = sentences
        .iter()
        .zip(tagged)
        .zip(golds)
        .map(|((s, t), gold)| {
            let mut f = Features::default();
            features::relations(gold, &t.words(), &mut f);
            let n = gold.len() as u32;
            let pins = gold.iter().map(|&h| (h == n).then_some(root)).collect();
            (f, gold_relations(s), pins)
        })
        .collect();
    // Relation features seen fewer than `min_count` times get no weights.
    let mut counts: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for (f, _, _) in &data {
        for &id in f.ids() {
            *counts.entry(id).or_default() += 1;
        }
    }
    let keep = |id: u32| counts.get(&id).is_some_and(|&c| c >= settings.min_count);
    let data: Vec<(Features, Vec<usize>, Vec<Option<usize>>)> = data
        .into_iter()
        .map(|(f, g, p)| (f.filtered(&keep), g, p))
        .collect();
    let mut trainer = Trainer::new(Relation::ALL.len(), &|_, _| true);
    passes(
        &mut trainer,
        data.len(),
        (settings.relation_epochs, settings.seed ^ 0x1abe1),
        &mut |e, acc| log("relations", e, acc),
        &mut |t, k| {
            let (f, g, pins) = &data[k];
            let fixed = Fixed {
                at: pins,
                reserved: Some(root),
            };
            (t.learn(f, g, &fixed), g.len())
        },
    );
    trainer.finish(String::new())
}

/// Models to score: trained ones, or the ones built in.
pub struct Models(ModelsInner);

enum ModelsInner {
    Owned(Box<Parser>),
    Builtin(&'static Parser),
}

impl Models {
    /// Models from their bytes.
    pub fn from_bytes(moves: &[u8], relations: &[u8]) -> Result<Models, String> {
        Parser::from_bytes(moves, relations)
            .map(|p| Models(ModelsInner::Owned(Box::new(p))))
            .map_err(|e| e.to_string())
    }

    /// The models built in, if they were trained.
    pub fn builtin() -> Option<Models> {
        Parser::builtin().map(|p| Models(ModelsInner::Builtin(p)))
    }

    fn parser(&self) -> &Parser {
        match &self.0 {
            ModelsInner::Owned(p) => p,
            ModelsInner::Builtin(p) => p,
        }
    }

    /// The tree of each tagged sentence.
    pub fn parse(&self, tagged: &[Tagged]) -> Vec<Tree> {
        let mut scratch = Scratch::default();
        tagged
            .iter()
            .map(|t| self.parser().parse(&t.words(), &mut scratch))
            .collect()
    }
}

/// Attachment scores: counts over words, punctuation included.
#[derive(Debug, Clone, Copy, Default)]
pub struct Score {
    /// Words scored.
    pub words: usize,
    /// Right head.
    pub heads: usize,
    /// Right head and universal relation (CoNLL 2018 LAS).
    pub labelled: usize,
    /// Right head and full relation, subtype included.
    pub labelled_full: usize,
}

impl Score {
    /// Unlabelled attachment score.
    pub fn uas(&self) -> f64 {
        self.heads as f64 / self.words.max(1) as f64
    }
    /// Labelled attachment score (universal relations).
    pub fn las(&self) -> f64 {
        self.labelled as f64 / self.words.max(1) as f64
    }
    /// Labelled attachment score with subtypes.
    pub fn las_full(&self) -> f64 {
        self.labelled_full as f64 / self.words.max(1) as f64
    }
}

/// Scores trees against the treebank's.
pub fn score(sentences: &[Sentence], trees: &[Tree]) -> Score {
    let mut s = Score::default();
    for (sent, tree) in sentences.iter().zip(trees) {
        for (i, arc) in tree.arcs.iter().enumerate() {
            let gold_head = sent.heads[i].checked_sub(1);
            let gold_rel = Relation::from_label(&sent.relations[i]).unwrap_or(Relation::Dep);
            s.words += 1;
            if tree.head(i) == gold_head {
                s.heads += 1;
                let universal = sent.relations[i]
                    .split_once(':')
                    .map_or(sent.relations[i].as_str(), |(u, _)| u);
                s.labelled += usize::from(arc.relation.universal() == universal);
                s.labelled_full += usize::from(arc.relation == gold_rel);
            }
        }
    }
    s
}
