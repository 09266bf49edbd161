//! `cargo xtask eval-html`: quality and speed of main-text extraction on
//! the 181 pages of the article-extraction-benchmark, or any set in its
//! layout (`--data ../shared/data/wcxb-dev`): overall, per page type, and
//! WCXB's `with`/`without` snippets where the set has them, and the
//! title, author and date where the truth has them.

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use onrecord_core::{Body, Document, MetaRule, Pipeline};
use serde_json::Value;

use crate::meta_score::{Meta, MetaTally};
use crate::metric::{page_counts, page_f1, summary};
use crate::snippets::Tally;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Benchmark folder in the article-extraction-benchmark layout
    /// (default: ../shared/data/article-extraction-benchmark).
    #[arg(long = "data", alias = "dir")]
    dir: Option<PathBuf>,
    /// Which pages: `all`; `tune` or `holdout` (halves: by key on a set
    /// without domains, by domain otherwise, so no domain is in both);
    /// `fold-I-of-K` (the pages whose domain falls in fold I of K).
    #[arg(long, default_value = "all")]
    split: String,
    /// Only pages of this type (`article`, `forum`, ...; a set without
    /// types is all `article`).
    #[arg(long = "type")]
    page_type: Option<String>,
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
    /// Choose blocks by the readability-style container scoring alone,
    /// without the learned block model.
    #[arg(long)]
    readability: bool,
    /// Turn this metadata rule off (repeatable): headline-title,
    /// site-suffix, byline, shown-date, url-date.
    #[arg(long = "without-meta")]
    without_meta: Vec<String>,
}

/// The scores of one page type.
#[derive(Default)]
struct TypeScores {
    /// Shingle counts per page.
    counts: Vec<(f64, f64, f64)>,
    snippets: Tally,
}

/// The HTML of page `key` of a set in the benchmark's layout
/// (`html/<key>.html.gz`).
pub(crate) fn read_page(dir: &std::path::Path, key: &str) -> Result<String> {
    let path = dir.join("html").join(format!("{key}.html.gz"));
    let mut html = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(&path).with_context(|| format!("opening {}", path.display()))?,
    )
    .read_to_string(&mut html)
    .with_context(|| format!("reading {}", path.display()))?;
    Ok(html)
}

/// The fold of page `key` out of `k`: its domain (WCXB's `domain`, else
/// the url's host) by FNV-1a, the same on every machine and run, so a
/// domain is never in two folds.
pub(crate) fn domain_fold(truth: &Value, key: &str, k: u64) -> u64 {
    let domain = truth["domain"].as_str().map(str::to_owned).or_else(|| {
        let url = truth["url"].as_str()?;
        let host = url.split("://").nth(1)?.split('/').next()?;
        Some(host.trim_start_matches("www.").to_owned())
    });
    let d = domain.unwrap_or_else(|| key.to_owned());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in d.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h % k.max(1)
}

/// The pages of a split: see [`Args::split`]. Domains (WCXB's `domain`,
/// else the url's host) go to folds by a stable hash, so a domain is
/// never on both sides.
fn split<'a>(
    truth: &serde_json::Map<String, Value>,
    keys: Vec<&'a String>,
    how: &str,
) -> Result<Vec<&'a String>> {
    let fold = |key: &str, k: u64| -> u64 { domain_fold(&truth[key], key, k) };
    let by_domain = keys.iter().all(|k| truth[k.as_str()]["domain"].is_string());
    Ok(match how {
        "all" => keys,
        "tune" | "holdout" if !by_domain => {
            let half = keys.len() / 2;
            if how == "tune" {
                keys[..half].to_vec()
            } else {
                keys[half..].to_vec()
            }
        }
        "tune" => keys.into_iter().filter(|k| fold(k, 2) == 0).collect(),
        "holdout" => keys.into_iter().filter(|k| fold(k, 2) == 1).collect(),
        other => {
            let parts: Vec<&str> = other.split('-').collect();
            let (i, k) = match parts.as_slice() {
                ["fold", i, "of", k] => (i.parse::<u64>()?, k.parse::<u64>()?),
                _ => anyhow::bail!("--split: all, tune, holdout or fold-I-of-K, not {other:?}"),
            };
            anyhow::ensure!(i < k, "--split fold-I-of-K needs I < K");
            keys.into_iter().filter(|key| fold(key, k) == i).collect()
        }
    })
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| crate::shared_data().join("article-extraction-benchmark"));
    let truth: serde_json::Map<String, Value> = serde_json::from_slice(
        &std::fs::read(dir.join("ground-truth.json")).context("reading ground-truth.json")?,
    )?;
    let snippets: serde_json::Map<String, Value> = match std::fs::read(dir.join("snippets.json")) {
        Ok(bytes) => serde_json::from_slice(&bytes).context("reading snippets.json")?,
        Err(_) => serde_json::Map::new(),
    };
    let type_of = |key: &str| -> String {
        truth[key]["page_type"]
            .as_str()
            .unwrap_or("article")
            .to_owned()
    };
    let mut keys: Vec<&String> = truth.keys().collect();
    keys.sort();
    if let Some(t) = &args.page_type {
        keys.retain(|k| &type_of(k) == t);
    }
    let keys = split(&truth, keys, &args.split)?;
    let mut pages = Vec::new();
    for key in &keys {
        pages.push(read_page(&dir, key)?);
    }
    let mut rules_off = Vec::new();
    for name in &args.without_meta {
        rules_off.push(MetaRule::from_name(name).with_context(|| {
            let names: Vec<&str> = MetaRule::ALL.iter().map(|r| r.name()).collect();
            format!("--without-meta: one of {}, not {name:?}", names.join(", "))
        })?);
    }
    let builder = || {
        let mut b = Pipeline::builder();
        if args.readability {
            b = b.block_model(None);
        }
        for &rule in &rules_off {
            b = b.without_meta_rule(rule);
        }
        b
    };
    let pipeline = builder().build();
    let docs: Vec<Document> = pages
        .iter()
        .map(|h| Document::new(Body::Html(h.clone())))
        .collect();
    let mut predictions = Vec::new();
    // Metadata of each page: from the prediction file when it gives any.
    let mut metas: Vec<Meta> = Vec::new();
    if let Some(path) = &args.predictions {
        let given: serde_json::Map<String, Value> = serde_json::from_slice(&std::fs::read(path)?)?;
        for key in &keys {
            let page = &given[key.as_str()];
            predictions.push(page["articleBody"].as_str().unwrap_or("").to_owned());
            metas.push(Meta::from_json(page));
        }
    }
    for doc in docs.iter().skip(predictions.len()) {
        let (text, meta) = match pipeline.process(doc) {
            Ok(r) => (
                r.text,
                Meta {
                    title: r.article.title,
                    author: r.article.author,
                    date: r.article.date,
                },
            ),
            Err(e) => {
                eprintln!("error: {e}");
                (String::new(), Meta::default())
            }
        };
        predictions.push(text);
        metas.push(meta);
    }
    let mut counts = Vec::new();
    let mut scored: Vec<(f64, &str)> = Vec::new();
    // Per page type: shingle counts and snippets.
    let mut by_type: std::collections::BTreeMap<String, TypeScores> =
        std::collections::BTreeMap::new();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    let mut all_snippets = Tally::default();
    let mut meta_tally = MetaTally::default();
    let mut any_meta = false;
    for ((key, pred), meta) in keys.iter().zip(&predictions).zip(&metas) {
        let gold_meta = Meta::from_json(&truth[key.as_str()]);
        any_meta |= gold_meta.title.is_some() && truth[key.as_str()].get("author").is_some();
        meta_tally.add(&gold_meta, meta);
        let truth_text = truth[key.as_str()]["articleBody"].as_str().unwrap_or("");
        let c = page_counts(truth_text, pred);
        counts.push(c);
        scored.push((page_f1(c), key.as_str()));
        let entry = by_type.entry(type_of(key)).or_default();
        entry.counts.push(c);
        if let Some(sn) = snippets.get(key.as_str()) {
            let (with, without) = (strings(&sn["with"]), strings(&sn["without"]));
            entry.snippets.add(pred, &with, &without);
            all_snippets.add(pred, &with, &without);
        }
        if args.show.as_deref() == Some(key.as_str()) {
            println!(
                "=== metadata\npredicted {meta:?}\ntruth     {gold_meta:?}\n=== predicted\n{pred}\n=== truth\n{truth_text}\n==="
            );
            let idx = keys.iter().position(|k| k == key).unwrap_or(0);
            println!("{}", onrecord_core::debug_html_blocks(&pages[idx]));
        }
    }
    let (p, r, f) = summary(&counts);
    println!(
        "pages {}  precision {p:.4}  recall {r:.4}  F1 {f:.4}",
        keys.len()
    );
    if all_snippets.pages.0 > 0 {
        let (w, wo, pass) = all_snippets.shares();
        println!(
            "snippets: with found {w:.3}, without present {wo:.3}, pages passing all {pass:.3}"
        );
    }
    if any_meta {
        println!("{}", meta_tally.lines());
    }
    if by_type.len() > 1 || !snippets.is_empty() {
        println!(
            "{:<14} {:>5}  {:>6} {:>6} {:>6}  {:>6} {:>7} {:>6}",
            "page type", "pages", "P", "R", "F1", "with", "without", "pass"
        );
        for (
            t,
            TypeScores {
                counts: c,
                snippets,
            },
        ) in &by_type
        {
            let (p, r, f) = summary(c);
            let (w, wo, pass) = snippets.shares();
            println!(
                "{t:<14} {:>5}  {p:>6.3} {r:>6.3} {f:>6.3}  {w:>6.3} {wo:>7.3} {pass:>6.3}",
                c.len()
            );
        }
    }
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
            .zip(predictions.iter().zip(&metas))
            .map(|(k, (p, m))| {
                let row = serde_json::json!({
                    "articleBody": p,
                    "title": m.title.as_deref().unwrap_or(""),
                    "author": m.author.as_deref().unwrap_or(""),
                    "date": m.date.as_deref().unwrap_or(""),
                });
                ((*k).clone(), row)
            })
            .collect();
        std::fs::write(out, serde_json::to_string(&map)?)?;
    }
    if args.repeat > 0 {
        let bytes: usize = pages.iter().map(String::len).sum();
        let extraction = builder().quotes(false).entities(false).build();
        let readability = builder()
            .block_model(None)
            .quotes(false)
            .entities(false)
            .build();
        let no_entities = builder().entities(false).build();
        let configs = [
            ("text and metadata", &extraction),
            ("text and metadata, readability-style blocks", &readability),
            ("text, metadata and quotes (no entities)", &no_entities),
            (
                "whole pipeline (quotes, entities, amounts, dates)",
                &pipeline,
            ),
        ];
        // Rounds interleave the configurations, so that a slow spell of a
        // shared machine falls on all of them alike.
        let mut secs = [0f64; 4];
        let mut nonempty = [0usize; 4];
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
            100.0 * (1.0 - secs[2] / secs[3])
        );
    }
    Ok(())
}
