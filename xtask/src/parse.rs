//! `cargo xtask train-parse` / `eval-parse`: the dependency parser,
//! trained on UD English EWT train with the project's own tags, settings
//! chosen on dev, scored on test (UAS and LAS as CoNLL 2018 counts them:
//! every syntactic word, punctuation included, multiword token lines and
//! empty nodes skipped, relations compared without their subtypes).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use onrecord_core::parse_training::{
    Models, Sentence, Settings, Tagged, score, tag, tag_agreement, tag_with, train,
    with_treebank_tags,
};
use onrecord_core::pos_training::{Tagger, train as pos_train};

use crate::conllu::read_conllu;

fn ewt(split: &str) -> Result<Vec<Sentence>> {
    read_conllu(
        &crate::shared_data()
            .join("ud-english-ewt")
            .join(format!("en_ewt-ud-{split}.conllu")),
    )
}

/// Parts of EWT train each tagged by a tagger trained without it.
const TAG_FOLDS: usize = 5;

/// EWT train tagged as test text will be: the built-in tagger learnt
/// from EWT train, so each fifth is tagged by a tagger trained on
/// everything else (PolNeAR's silver tags and the other four fifths),
/// as `train-pos` trains it. Without this the parser would learn to
/// trust tags more than they deserve on text the tagger has not seen.
fn jackknifed(sentences: &[Sentence]) -> Result<Vec<Tagged>> {
    use rayon::prelude::*;
    let news = crate::train_pos::pos_articles("train")?;
    let treebank = crate::train_pos::as_articles(sentences);
    let n = sentences.len();
    let fold_of = |i: usize| i * TAG_FOLDS / n.max(1);
    let parts: Vec<Vec<(usize, Tagged)>> = (0..TAG_FOLDS)
        .into_par_iter()
        .map(|k| -> Result<Vec<(usize, Tagged)>> {
            let mut articles = news.clone();
            articles.extend(
                treebank
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| fold_of(i) != k)
                    .map(|(_, a)| a.clone()),
            );
            let bytes = pos_train(&articles, crate::train_pos::EPOCHS, &mut |_, _| {});
            let tagger = Tagger::from_bytes(&bytes).context("a tagger just trained")?;
            Ok((0..n)
                .filter(|&i| fold_of(i) == k)
                .map(|i| (i, tag_with(Some(&tagger), &sentences[i].words)))
                .collect())
        })
        .collect::<Result<_>>()?;
    let mut out: Vec<Option<Tagged>> = (0..n).map(|_| None).collect();
    for (i, t) in parts.into_iter().flatten() {
        out[i] = Some(t);
    }
    out.into_iter()
        .map(|t| t.context("every sentence in one fold"))
        .collect()
}

fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/onrecord-core/models")
}

#[derive(clap::Args)]
pub(crate) struct TrainArgs {
    /// Passes over the moves.
    #[arg(long, default_value_t = 15)]
    epochs: usize,
    /// Passes over the relations.
    #[arg(long, default_value_t = 10)]
    relation_epochs: usize,
    /// The pass from which training follows the model's own moves.
    #[arg(long, default_value_t = 1)]
    explore_from: usize,
    /// Chance of following the model's move once exploring.
    #[arg(long, default_value_t = 0.9)]
    explore: f64,
    /// Features seen fewer times in training get no weights (4 MB of
    /// moves at 5 against 16 MB at 1, for 0.002 of UAS on dev).
    #[arg(long, default_value_t = 5)]
    min_count: u32,
    /// Where to write `parse-moves.bin` and `parse-relations.bin`
    /// (default: the committed models).
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Score the new models on EWT dev instead of writing them.
    #[arg(long)]
    dev: bool,
    /// Train and score with the treebank's tags instead of the tagger's
    /// (what a perfect tagger would give; with --dev only).
    #[arg(long, requires = "dev")]
    treebank_tags: bool,
}

pub(crate) fn run_train(args: &TrainArgs) -> Result<()> {
    let sentences = ewt("train")?;
    let start = Instant::now();
    let settings = Settings {
        epochs: args.epochs,
        relation_epochs: args.relation_epochs,
        explore_from: args.explore_from,
        explore: args.explore,
        seed: 0x7a12,
        min_count: args.min_count,
    };
    let tagging = |s: &[Sentence]| -> Vec<Tagged> {
        if args.treebank_tags {
            s.iter().map(with_treebank_tags).collect()
        } else {
            s.iter().map(|s| tag(&s.words)).collect()
        }
    };
    let tagged = if args.treebank_tags {
        tagging(&sentences)
    } else {
        jackknifed(&sentences)?
    };
    let trained = train(&sentences, &tagged, settings, &mut |stage, e, acc| {
        eprintln!("{stage} pass {:>2}: accuracy on train {acc:.4}", e + 1);
    });
    eprintln!(
        "trained on {} sentences in {:.1} s: moves {} bytes, relations {} bytes",
        sentences.len(),
        start.elapsed().as_secs_f64(),
        trained.moves.len(),
        trained.relations.len()
    );
    if args.dev {
        let models =
            Models::from_bytes(&trained.moves, &trained.relations).map_err(anyhow::Error::msg)?;
        let dev = ewt("dev")?;
        if args.treebank_tags {
            let s = score(&dev, &models.parse(&tagging(&dev)));
            println!(
                "EWT dev with the treebank's tags: UAS {:.4} LAS {:.4}",
                s.uas(),
                s.las()
            );
            return Ok(());
        }
        return report("dev", &dev, &models, 1);
    }
    let dir = args.out_dir.clone().unwrap_or_else(models_dir);
    for (name, bytes) in [
        ("parse-moves.bin", &trained.moves),
        ("parse-relations.bin", &trained.relations),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct EvalArgs {
    /// The EWT split to score.
    #[arg(long, default_value = "test")]
    split: String,
    /// Timed runs over the split; the best is reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
}

pub(crate) fn run_eval(args: &EvalArgs) -> Result<()> {
    let models = Models::builtin().context("no parser models are built in")?;
    report(&args.split, &ewt(&args.split)?, &models, args.repeat)
}

fn report(split: &str, sentences: &[Sentence], models: &Models, repeat: usize) -> Result<()> {
    let words: usize = sentences.iter().map(|s| s.words.len()).sum();
    let mut tag_s = f64::INFINITY;
    let mut parse_s = f64::INFINITY;
    let mut trees = Vec::new();
    let mut tagged: Vec<Tagged> = Vec::new();
    for _ in 0..repeat.max(1) {
        let t0 = Instant::now();
        tagged = sentences.iter().map(|s| tag(&s.words)).collect();
        let t1 = Instant::now();
        trees = models.parse(&tagged);
        tag_s = tag_s.min((t1 - t0).as_secs_f64());
        parse_s = parse_s.min(t1.elapsed().as_secs_f64());
    }
    let s = score(sentences, &trees);
    let (right, total) = tag_agreement(sentences, &tagged);
    println!(
        "EWT {split}: {} sentences, {words} words, the project's own tags ({:.4} agree with the treebank's, folded)",
        sentences.len(),
        right as f64 / total.max(1) as f64
    );
    println!(
        "  UAS {:.4}  LAS {:.4} (CoNLL 2018: universal relations)  LAS with subtypes {:.4}",
        s.uas(),
        s.las(),
        s.las_full()
    );
    println!(
        "  one core: parse {:.0} tokens/s; tag + parse {:.0} tokens/s",
        words as f64 / parse_s,
        words as f64 / (tag_s + parse_s)
    );
    Ok(())
}
