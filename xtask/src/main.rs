//! Developer tasks: evaluations against `../shared` data and peer
//! benchmarks. The only crate that reads `../shared`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a report tool prints its report"
)]

mod bench_index;
mod conllu;
mod eval_quotes;
mod genders;
mod html_eval;
mod identity;
mod load;
mod make_warc;
mod meta_score;
mod metric;
mod ner;
mod parse;
mod polnear;
mod snippets;
mod speaker_names;
mod train_blocks;
mod train_pos;
mod train_quotes;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "onrecord developer tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Quote index build rate, size and query latency on a synthetic
    /// corpus of a million quotes.
    BenchIndex(bench_index::Args),
    /// Main-text extraction quality (token-shingle P/R/F1; per page type and
    /// WCXB snippets where the set has them) and speed on the
    /// article-extraction-benchmark or any set in its layout (`--data`).
    EvalHtml(html_eval::Args),
    /// The API under load beside slow and idle clients (loopback only).
    Load(load::Args),
    /// Generate a large per-record-gzip WARC from the benchmark pages.
    MakeWarc(make_warc::Args),
    /// Train the part-of-speech tagger on CoreNLP silver tags of PolNeAR
    /// train and write its weights.
    TrainPos(train_pos::TrainArgs),
    /// Part-of-speech agreement with CoreNLP on PolNeAR dev.
    EvalPos(train_pos::EvalArgs),
    /// Build the first-name gender list from CoreNLP coreference chains of
    /// PolNeAR train.
    BuildGenders(genders::Args),
    /// Train the entity tagger on CoreNLP silver entity classes of PolNeAR
    /// train and write its weights.
    TrainNer(ner::TrainArgs),
    /// Entity agreement with CoreNLP on PolNeAR dev, per class.
    EvalNer(ner::EvalArgs),
    /// How many keys the most quoted speakers of PolNeAR split into, per
    /// article and with corpus keys.
    EvalIdentity(identity::Args),
    /// Speaker names against the people CoreNLP's coreference chains name
    /// on PolNeAR dev, with and without the entity stage.
    EvalSpeakerNames(speaker_names::Args),
    /// Train the attribution tagger on PolNeAR train and write its weights.
    TrainQuotes(train_quotes::Args),
    /// Train the block model choosing the main text of HTML pages (WCXB
    /// dev and the 181 pages), cross-validated by domain with --folds.
    TrainBlocks(train_blocks::Args),
    /// Train the dependency parser on UD English EWT train (the
    /// project's own tags) and write its weights, or score them on dev.
    TrainParse(parse::TrainArgs),
    /// Parser UAS/LAS on UD English EWT test (CoNLL 2018) and tokens/s.
    EvalParse(parse::EvalArgs),
    /// Attribution quality (exact/overlap P/R/F1, direct subset, speaker
    /// accuracy) and speed on PolNeAR dev.
    EvalQuotes(eval_quotes::Args),
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::EvalHtml(args) => html_eval::run(&args),
        Command::BenchIndex(args) => bench_index::run(&args),
        Command::MakeWarc(args) => make_warc::run(&args),
        Command::Load(args) => load::run(&args),
        Command::TrainPos(args) => train_pos::train(&args),
        Command::TrainNer(args) => ner::train(&args),
        Command::BuildGenders(args) => genders::run(&args),
        Command::EvalNer(args) => ner::eval(&args),
        Command::EvalPos(args) => train_pos::eval(&args),
        Command::TrainQuotes(args) => train_quotes::run(&args),
        Command::TrainBlocks(args) => train_blocks::run(&args),
        Command::EvalQuotes(args) => eval_quotes::run(&args),
        Command::TrainParse(args) => parse::run_train(&args),
        Command::EvalParse(args) => parse::run_eval(&args),
        Command::EvalIdentity(args) => identity::run(&args),
        Command::EvalSpeakerNames(args) => speaker_names::run(&args),
    }
}

/// `../shared/data` beside the checkout, or `$ONRECORD_SHARED/data`.
pub(crate) fn shared_data() -> PathBuf {
    if let Ok(dir) = std::env::var("ONRECORD_SHARED") {
        return PathBuf::from(dir).join("data");
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.join("../../shared/data")
}
