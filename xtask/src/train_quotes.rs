//! `cargo xtask train-quotes`: trains the attribution models on PolNeAR's
//! train split (the cue tagger, the source and content tagger, and the
//! candidate classifier, from five folds) and writes them to
//! `crates/onrecord-core/models/{cue,span,filter}.bin`. Deterministic: the
//! same data and epochs give the same bytes.

use std::path::PathBuf;

use anyhow::Result;
use onrecord_core::quote_training::train;

use crate::polnear;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Training file (PolNeAR JSONL).
    #[arg(long)]
    train: Option<PathBuf>,
    /// Passes over the data.
    #[arg(long, default_value_t = 12)]
    epochs: usize,
    /// Directory to write `cue.bin`, `span.bin` and `filter.bin` to.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let path = args
        .train
        .clone()
        .unwrap_or_else(|| crate::shared_data().join("polnear/train.jsonl"));
    let articles = crate::eval_quotes::training_articles(&polnear::read(&path)?);
    let start = std::time::Instant::now();
    let models = train(
        &articles,
        args.epochs,
        &mut |model, epoch, value| match model {
            "fold" => eprintln!(
                "fold {} done: {value} candidates for the classifier so far",
                epoch + 1
            ),
            "classifier F1 on the folds" => eprintln!("{model}: {value:.4}"),
            _ => eprintln!(
                "{model} epoch {:>2}: token accuracy on train {value:.4}",
                epoch + 1
            ),
        },
    );
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crates/onrecord-core/models")
    });
    for (name, bytes) in [
        ("cue.bin", &models.cue),
        ("span.bin", &models.span),
        ("filter.bin", &models.filter),
    ] {
        let out = dir.join(name);
        std::fs::write(&out, bytes)?;
        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    }
    eprintln!(
        "trained on {} articles in {:.1} s",
        articles.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
