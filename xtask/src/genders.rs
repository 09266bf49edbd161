//! `cargo xtask build-genders`: the first-name gender list that pronoun
//! resolution reads, built from the CoreNLP coreference chains of PolNeAR
//! train: a first name counts for "he" or "she" when a chain holding a
//! person's full name refers to them mostly with one of the two.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Where to write the list.
    #[arg(long)]
    out: Option<PathBuf>,
}

const MALE: &[&str] = &["he", "him", "his", "himself"];
const FEMALE: &[&str] = &["she", "her", "hers", "herself"];

pub(crate) fn run(args: &Args) -> Result<()> {
    let dir = crate::shared_data().join("polnear");
    let texts: HashMap<String, Vec<char>> = crate::polnear::read(&dir.join("train.jsonl"))?
        .into_iter()
        .map(|a| (a.id, a.text.chars().collect()))
        .collect();
    // first name -> (he chains, she chains)
    let mut counts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for s in crate::train_pos::silver_file("train")? {
        let Some(text) = texts.get(&s.id) else {
            continue;
        };
        let word = |a: usize, b: usize| -> String {
            text[a.min(text.len())..b.min(text.len())].iter().collect()
        };
        let person_at: HashMap<usize, usize> = s
            .tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.3 == "PERSON")
            .map(|(k, t)| (t.0, k))
            .collect();
        for chain in &s.coref {
            let (mut he, mut she) = (0u32, 0u32);
            let mut firsts = Vec::new();
            for &(a, b) in chain {
                let w = word(a, b).to_lowercase();
                if MALE.contains(&w.as_str()) {
                    he += 1;
                } else if FEMALE.contains(&w.as_str()) {
                    she += 1;
                } else if let Some(&k) = person_at.get(&a)
                    && s.tokens.get(k + 1).is_some_and(|t| t.3 == "PERSON")
                {
                    let first = word(s.tokens[k].0, s.tokens[k].1);
                    if first.chars().next().is_some_and(char::is_uppercase)
                        && first.chars().all(char::is_alphabetic)
                    {
                        firsts.push(first);
                    }
                }
            }
            firsts.sort();
            firsts.dedup();
            for f in firsts {
                let c = counts.entry(f).or_default();
                if he > she {
                    c.0 += 1;
                } else if she > he {
                    c.1 += 1;
                }
            }
        }
    }
    let mut out = String::from(
        "# First names and the pronoun PolNeAR train uses for them (m: he, f: she).\n# Rebuilt by `cargo xtask build-genders`; read by pronoun resolution.\n",
    );
    let mut n = 0;
    for (name, (m, f)) in counts {
        let gender = if m >= 4 * f && m > 0 {
            "m"
        } else if f >= 4 * m && f > 0 {
            "f"
        } else {
            continue;
        };
        out.push_str(&format!("{name}\t{gender}\n"));
        n += 1;
    }
    let target = args.out.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/onrecord-core/data/first-names.txt")
    });
    std::fs::write(&target, out)?;
    eprintln!("wrote {} ({n} names)", target.display());
    Ok(())
}
