//! `cargo xtask eval-identity`: how many keys the most quoted people of
//! PolNeAR (train and dev, one corpus) are split into, with the per-article
//! speaker names as keys (before) and with corpus keys (after: names
//! normalised by `identity::person_key`, surnames linked by
//! `identity::Linker`). Prints every variant under each of the top speakers
//! so that the merges can be checked by eye, and the top keys that still
//! share a surname.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use onrecord_core::identity::{Linker, people_of, person_key};
use onrecord_core::{Body, Document, Pipeline, Record};
use rayon::prelude::*;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// How many of the most quoted speakers to report.
    #[arg(long, default_value_t = 50)]
    top: usize,
}

/// A corpus linker from the person entities of `records` (each name once
/// per article).
pub(crate) fn corpus_linker<'a>(records: impl Iterator<Item = &'a Record>) -> Linker {
    let mut linker = Linker::new();
    for r in records {
        for n in people_of(r) {
            linker.observe(&n);
        }
    }
    linker.build();
    linker
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let dir = crate::shared_data().join("polnear");
    let mut articles = crate::polnear::read(&dir.join("train.jsonl"))?;
    articles.extend(crate::polnear::read(&dir.join("dev.jsonl"))?);
    let pipeline = Pipeline::builder().raw_text(true).build();
    let records: Vec<Record> = articles
        .par_iter()
        .filter_map(|a| {
            pipeline
                .process(&Document::new(Body::Text(a.text.clone())))
                .ok()
        })
        .collect();
    let linker = corpus_linker(records.iter());
    // Quotes per corpus key, and the per-article names under each.
    let mut after: HashMap<String, (usize, BTreeMap<String, usize>)> = HashMap::new();
    let mut quotes = 0;
    for r in &records {
        // People only: a speaker named as a person entity of its article.
        let people = people_of(r);
        for q in &r.quotes {
            let Some(name) = &q.speaker_name else {
                continue;
            };
            let key = person_key(name);
            if !people.contains(&key) {
                continue;
            }
            quotes += 1;
            let key = linker.resolve(&key).to_owned();
            let e = after.entry(key).or_default();
            e.0 += 1;
            *e.1.entry(name.clone()).or_default() += 1;
        }
    }
    let mut top: Vec<_> = after.into_iter().collect();
    top.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    top.truncate(args.top);
    let before: usize = top.iter().map(|(_, (_, names))| names.len()).sum();
    println!(
        "PolNeAR train+dev: {} articles, {quotes} quotes whose speaker is a person",
        records.len()
    );
    println!(
        "top {} speakers by quotes: {before} distinct speaker names before (the per-article names), {} keys after",
        top.len(),
        top.len()
    );
    println!();
    for (key, (n, names)) in &top {
        let variants: Vec<String> = names.iter().map(|(k, v)| format!("{k:?} {v}")).collect();
        println!("{n:5}  {key:<28} {}", variants.join(", "));
    }
    // Keys of the top that still share a surname: possible splits left.
    let mut by_last: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, _) in &top {
        if let Some(last) = key.split(' ').next_back() {
            by_last.entry(last).or_default().push(key);
        }
    }
    println!();
    println!("top keys sharing a last word (check by eye):");
    for (last, keys) in by_last.iter().filter(|(_, k)| k.len() > 1) {
        println!("  {last}: {}", keys.join(" | "));
    }
    Ok(())
}
