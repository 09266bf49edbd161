//! `cargo xtask train-pos` / `eval-pos`: the part-of-speech tagger, trained
//! on CoreNLP's silver tags for PolNeAR train, checked on dev.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use onrecord_core::pos_training::{Article, accuracy, train as train_model};
use serde::Deserialize;

#[derive(Deserialize)]
struct Silver {
    id: String,
    tokens: Vec<SilverToken>,
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
    let path = dir.join(format!("{split}.corenlp.jsonl"));
    let body =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let s: Silver = serde_json::from_str(line).context("silver line")?;
        if let Some(text) = texts.get(&s.id) {
            out.push((text.clone(), s.tokens));
        }
    }
    Ok(out)
}

fn pos_articles(split: &str) -> Result<Vec<Article>> {
    Ok(silver(split)?
        .into_iter()
        .map(|(text, tokens)| Article {
            text,
            tokens: tokens
                .into_iter()
                .map(|(s, e, pos, _)| (s, e, pos))
                .collect(),
        })
        .collect())
}

#[derive(clap::Args)]
pub(crate) struct TrainArgs {
    /// Passes over the data.
    #[arg(long, default_value_t = 8)]
    epochs: usize,
    /// Where to write the model.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct EvalArgs {}

pub(crate) fn train(args: &TrainArgs) -> Result<()> {
    let articles = pos_articles("train")?;
    let start = std::time::Instant::now();
    let bytes = train_model(&articles, args.epochs, &mut |e, acc| {
        eprintln!("epoch {:>2}: token accuracy on train {acc:.4}", e + 1);
    });
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/onrecord-core/models/pos.bin")
    });
    std::fs::write(&out, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes) from {} articles in {:.1} s",
        out.display(),
        bytes.len(),
        articles.len(),
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
