//! `cargo xtask eval-html`: quality and speed of main-text extraction on
//! the 181 pages of the article-extraction-benchmark.

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use onrecord_core::{Body, Document, Pipeline};
use serde_json::Value;

use crate::metric::{page_counts, page_f1, summary};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Benchmark folder (default: ../shared/data/article-extraction-benchmark).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Which pages: `all`, `tune` (first half by key) or `holdout` (second half).
    #[arg(long, default_value = "all")]
    split: String,
    /// Print the N worst pages.
    #[arg(long, default_value_t = 0)]
    worst: usize,
    /// Timed repetitions over all pages for the speed figure.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Write predictions as benchmark JSON here.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Score this prediction file (benchmark JSON) instead of running onrecord.
    #[arg(long)]
    predictions: Option<PathBuf>,
    /// Print the extracted text of this page id.
    #[arg(long)]
    show: Option<String>,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| crate::shared_data().join("article-extraction-benchmark"));
    let truth: serde_json::Map<String, Value> = serde_json::from_slice(
        &std::fs::read(dir.join("ground-truth.json")).context("reading ground-truth.json")?,
    )?;
    let mut keys: Vec<&String> = truth.keys().collect();
    keys.sort();
    let half = keys.len() / 2;
    let keys: Vec<&String> = match args.split.as_str() {
        "tune" => keys[..half].to_vec(),
        "holdout" => keys[half..].to_vec(),
        _ => keys,
    };
    let mut pages = Vec::new();
    for key in &keys {
        let path = dir.join("html").join(format!("{key}.html.gz"));
        let mut html = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?)
            .read_to_string(&mut html)
            .with_context(|| format!("reading {}", path.display()))?;
        pages.push(html);
    }
    let pipeline = Pipeline::default();
    let docs: Vec<Document> = pages
        .iter()
        .map(|h| Document::new(Body::Html(h.clone())))
        .collect();
    let mut predictions = Vec::new();
    if let Some(path) = &args.predictions {
        let given: serde_json::Map<String, Value> = serde_json::from_slice(&std::fs::read(path)?)?;
        for key in &keys {
            predictions.push(
                given[key.as_str()]["articleBody"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            );
        }
    }
    for doc in docs.iter().skip(predictions.len()) {
        predictions.push(match pipeline.process(doc) {
            Ok(r) => r.text,
            Err(e) => {
                eprintln!("error: {e}");
                String::new()
            }
        });
    }
    let mut counts = Vec::new();
    let mut scored: Vec<(f64, &str)> = Vec::new();
    for ((key, pred), _) in keys.iter().zip(&predictions).zip(&pages) {
        let truth_text = truth[key.as_str()]["articleBody"].as_str().unwrap_or("");
        let c = page_counts(truth_text, pred);
        counts.push(c);
        scored.push((page_f1(c), key.as_str()));
        if args.show.as_deref() == Some(key.as_str()) {
            println!("=== predicted\n{pred}\n=== truth\n{truth_text}\n===");
            let idx = keys.iter().position(|k| k == key).unwrap_or(0);
            println!("{}", onrecord_core::debug_html_blocks(&pages[idx]));
        }
    }
    let (p, r, f) = summary(&counts);
    println!(
        "pages {}  precision {p:.4}  recall {r:.4}  F1 {f:.4}",
        keys.len()
    );
    if args.worst > 0 {
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (score, key) in scored.iter().take(args.worst) {
            let url = truth[*key]["url"].as_str().unwrap_or("");
            println!("  {score:.3} {key} {url}");
        }
    }
    if let Some(out) = &args.output {
        let map: serde_json::Map<String, Value> = keys
            .iter()
            .zip(&predictions)
            .map(|(k, p)| ((*k).clone(), serde_json::json!({ "articleBody": p })))
            .collect();
        std::fs::write(out, serde_json::to_string(&map)?)?;
    }
    if args.repeat > 0 {
        let bytes: usize = pages.iter().map(String::len).sum();
        let extraction = Pipeline::builder().quotes(false).entities(false).build();
        let no_entities = Pipeline::builder().entities(false).build();
        let configs = [
            ("text and metadata", &extraction),
            ("text, metadata and quotes (no entities)", &no_entities),
            (
                "whole pipeline (quotes, entities, amounts, dates)",
                &pipeline,
            ),
        ];
        // Rounds interleave the configurations, so that a slow spell of a
        // shared machine falls on all of them alike.
        let mut secs = [0f64; 3];
        let mut nonempty = [0usize; 3];
        for _ in 0..args.repeat {
            for (k, (_, p)) in configs.iter().enumerate() {
                let start = Instant::now();
                for doc in &docs {
                    nonempty[k] += p.process(doc).map(|r| r.text.len()).unwrap_or(0).min(1);
                }
                secs[k] += start.elapsed().as_secs_f64();
            }
        }
        let total = (docs.len() * args.repeat) as f64;
        for (k, (what, _)) in configs.iter().enumerate() {
            println!(
                "speed, 1 thread, {what}: {:.0} pages/s, {:.1} MB/s ({} non-empty of {} runs)",
                total / secs[k],
                (bytes * args.repeat) as f64 / secs[k] / 1e6,
                nonempty[k],
                total
            );
        }
        println!(
            "entities, amounts and dates cost {:.1}% of the throughput with quotes",
            100.0 * (1.0 - secs[1] / secs[2])
        );
    }
    Ok(())
}
