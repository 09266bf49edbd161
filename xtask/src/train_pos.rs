//! `cargo xtask train-pos` / `eval-pos`: the part-of-speech tagger, trained
//! on CoreNLP's silver tags for PolNeAR train, checked on dev.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use onrecord_core::pos_training::{Article, accuracy, train as train_model};
use serde::Deserialize;

/// One article of the CoreNLP silver files: tokens and coreference chains
/// (code point ranges).
#[derive(Deserialize)]
pub(crate) struct Silver {
    pub(crate) id: String,
    pub(crate) tokens: Vec<SilverToken>,
    #[serde(default)]
    pub(crate) coref: Vec<Vec<(usize, usize)>>,
}

/// Every article of a split's silver file.
pub(crate) fn silver_file(split: &str) -> Result<Vec<Silver>> {
    let path = crate::shared_data()
        .join("polnear")
        .join(format!("{split}.corenlp.jsonl"));
    let body =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).context("silver line"))
        .collect()
}

/// A silver token: code point range, part of speech, entity class.
pub(crate) type SilverToken = (usize, usize, String, String);

/// Articles of a split (text) with their silver tokens.
pub(crate) fn silver(split: &str) -> Result<Vec<(String, Vec<SilverToken>)>> {
    let dir = crate::shared_data().join("polnear");
    let texts: HashMap<String, String> = crate::polnear::read(&dir.join(format!("{split}.jsonl")))?
        .into_iter()
        .map(|a| (a.id, a.text))
        .collect();
    Ok(silver_file(split)?
        .into_iter()
        .filter_map(|s| texts.get(&s.id).map(|text| (text.clone(), s.tokens)))
        .collect())
}

pub(crate) fn pos_articles(split: &str) -> Result<Vec<Article>> {
    Ok(silver(split)?
        .into_iter()
        .map(|(text, tokens)| Article {
            text,
            tokens: tokens
                .into_iter()
                .map(|(s, e, pos, _)| (s, e, pos))
                .collect(),
            words: false,
        })
        .collect())
}

/// Passes over the data the committed tagger was trained with.
pub(crate) const EPOCHS: usize = 8;

#[derive(clap::Args)]
pub(crate) struct TrainArgs {
    /// Passes over the data.
    #[arg(long, default_value_t = EPOCHS)]
    epochs: usize,
    /// Where to write the model.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Train on PolNeAR's silver tags alone, without UD English EWT.
    #[arg(long)]
    news_only: bool,
}

#[derive(clap::Args)]
pub(crate) struct EvalArgs {}

/// EWT train as articles of one sentence each: the words joined by
/// spaces, with the treebank's Penn tags. Web text (blogs, reviews,
/// e-mail, answers) beside PolNeAR's news, so the tags hold on text
/// unlike the news the silver tags come from.
fn treebank_articles() -> Result<Vec<Article>> {
    let path = crate::shared_data().join("ud-english-ewt/en_ewt-ud-train.conllu");
    Ok(as_articles(&crate::conllu::read_conllu(&path)?))
}

/// Treebank sentences as tagger training articles.
pub(crate) fn as_articles(sentences: &[onrecord_core::parse_training::Sentence]) -> Vec<Article> {
    sentences
        .iter()
        .map(|s| {
            let mut text = String::new();
            let mut tokens = Vec::new();
            let mut at = 0;
            for (w, t) in s.words.iter().zip(&s.penn) {
                if !text.is_empty() {
                    text.push(' ');
                    at += 1;
                }
                let n = w.chars().count();
                tokens.push((at, at + n, t.clone()));
                text.push_str(w);
                at += n;
            }
            Article {
                text,
                tokens,
                words: true,
            }
        })
        .collect()
}

pub(crate) fn train(args: &TrainArgs) -> Result<()> {
    let mut articles = pos_articles("train")?;
    if !args.news_only {
        articles.extend(treebank_articles()?);
    }
    let start = std::time::Instant::now();
    let bytes = train_model(&articles, args.epochs, &mut |e, acc| {
        eprintln!("epoch {:>2}: token accuracy on train {acc:.4}", e + 1);
    });
    write_model(
        args.out.as_deref(),
        "pos.bin",
        &bytes,
        articles.len(),
        start,
    )
}

/// Writes trained weights to `out`, else to the committed model file
/// `name`, and says what was written.
pub(crate) fn write_model(
    out: Option<&Path>,
    name: &str,
    bytes: &[u8],
    articles: usize,
    start: std::time::Instant,
) -> Result<()> {
    let out = out.map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../crates/onrecord-core/models")
                .join(name)
        },
        Path::to_path_buf,
    );
    std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "wrote {} ({} bytes) from {articles} articles in {:.1} s",
        out.display(),
        bytes.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

pub(crate) fn eval(_: &EvalArgs) -> Result<()> {
    let articles = pos_articles("dev")?;
    let (right, total) = accuracy(&articles);
    println!(
        "part of speech (Penn tags folded to 18), agreement with CoreNLP on PolNeAR dev: {:.4} ({right} of {total} tokens)",
        right as f64 / total.max(1) as f64
    );
    Ok(())
}
