//! `cargo xtask eval-speaker-names`: is a quote's `speaker_name` the person
//! CoreNLP's coreference chain names? For every quote on PolNeAR dev whose
//! speaker mention sits in a CoreNLP chain that holds a person's name, the
//! reference is the longest mention of the chain that is a person's name
//! and nothing else; the speaker name agrees
//! when it has the same surname (and the same first name, when both give
//! one). Run with and without the entity stage, on the same quotes.

use std::collections::HashMap;

use anyhow::Result;
use onrecord_core::{Body, Document, Pipeline, Quote};

use crate::train_pos::Silver;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Print this many disagreements of the shipped pipeline.
    #[arg(long, default_value_t = 0)]
    examples: usize,
}

fn words(name: &str) -> Vec<String> {
    name.split_whitespace()
        .map(|w| {
            w.trim_end_matches("'s")
                .trim_end_matches("’s")
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Same surname, and a shared given name when both write one ("Crooked
/// Hillary Clinton" and "Hillary Clinton" agree; "Jeh Johnson" and "Gary
/// Johnson" do not).
fn agrees(found: &str, reference: &str) -> bool {
    let (f, r) = (words(found), words(reference));
    match (f.split_last(), r.split_last()) {
        (Some((fl, fr)), Some((rl, rr))) if fl == rl => {
            fr.is_empty() || rr.is_empty() || fr.iter().any(|w| rr.contains(w))
        }
        _ => false,
    }
}

/// The longest person name of the chain holding `span`, if any.
fn reference(text: &[char], silver: &Silver, (s, e): (usize, usize)) -> Option<String> {
    let person = |a: usize, b: usize| {
        let toks: Vec<_> = silver
            .tokens
            .iter()
            .filter(|t| t.0 >= a && t.1 <= b && t.0 < t.1)
            .collect();
        // Only mentions that are a name and nothing else.
        let names: Vec<_> = toks
            .iter()
            .filter(|t| {
                text[t.0..t.1.min(text.len())]
                    .iter()
                    .any(|c| c.is_alphanumeric())
            })
            .filter(|t| !matches!(t.2.as_str(), "POS"))
            .collect();
        (!names.is_empty() && names.iter().all(|t| t.3 == "PERSON")).then(|| {
            names
                .iter()
                .map(|t| text[t.0..t.1.min(text.len())].iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    // The chain whose mention lines up best with the speaker mention.
    let chain = silver
        .coref
        .iter()
        .filter_map(|chain| {
            chain
                .iter()
                .filter(|&&(a, b)| a < e && s < b)
                .map(|&(a, b)| a.abs_diff(s) + b.abs_diff(e))
                .min()
                .map(|d| (d, chain))
        })
        .min_by_key(|(d, _)| *d)?
        .1;
    chain
        .iter()
        .filter_map(|&(a, b)| person(a, b))
        .max_by_key(|n| (n.split(' ').count(), n.len()))
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let dir = crate::shared_data().join("polnear");
    let gold = crate::polnear::read(&dir.join("dev.jsonl"))?;
    let silver: HashMap<String, Silver> = crate::train_pos::silver_file("dev")?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let run = |entities: bool| -> Vec<Vec<Quote>> {
        let p = Pipeline::builder()
            .raw_text(true)
            .entities(entities)
            .build();
        gold.iter()
            .map(|a| {
                p.process(&Document::new(Body::Text(a.text.clone())))
                    .map(|r| r.quotes)
                    .unwrap_or_default()
            })
            .collect()
    };
    let (with, without) = (run(true), run(false));
    let (mut total, mut right_with, mut right_without) = (0, 0, 0);
    let mut examples = Vec::new();
    for ((a, qw), qo) in gold.iter().zip(&with).zip(&without) {
        let Some(s) = silver.get(&a.id) else { continue };
        let text: Vec<char> = a.text.chars().collect();
        for (w, o) in qw.iter().zip(qo) {
            let Some(sp) = &w.speaker else { continue };
            let Some(reference) = reference(&text, s, (sp.start, sp.end)) else {
                continue;
            };
            total += 1;
            let ok = |q: &Quote| {
                q.speaker_name
                    .as_deref()
                    .is_some_and(|n| agrees(n, &reference))
            };
            right_with += usize::from(ok(w));
            right_without += usize::from(ok(o));
            if !ok(w) {
                examples.push(format!(
                    "{:?} -> {:?}, CoreNLP chain names {reference:?}",
                    sp.text, w.speaker_name
                ));
            }
        }
    }
    let share = |n: usize| n as f64 / total.max(1) as f64;
    println!(
        "speaker names agreeing with the person CoreNLP's coreference chain names, PolNeAR dev ({total} quotes whose speaker is in a chain with a person's name):"
    );
    println!(
        "  with the entity stage (shipped): {right_with} ({:.3})",
        share(right_with)
    );
    println!(
        "  without it (--no-entities, names from capitalised words): {right_without} ({:.3})",
        share(right_without)
    );
    for e in examples.iter().take(args.examples) {
        println!("  {e}");
    }
    Ok(())
}
