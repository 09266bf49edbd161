//! `cargo xtask train-ner` / `eval-ner`: the entity tagger, trained on
//! CoreNLP's silver entity classes for PolNeAR train and checked against
//! them on dev, entity by entity.

use std::path::PathBuf;

use anyhow::Result;
use onrecord_core::ner_training::{Article, Source, predict, silver_names, train as train_model};

fn articles(split: &str) -> Result<Vec<Article>> {
    Ok(crate::train_pos::silver(split)?
        .into_iter()
        .map(|(text, tokens)| Article {
            text,
            tokens: tokens.into_iter().map(|(s, e, _, c)| (s, e, c)).collect(),
        })
        .collect())
}

#[derive(clap::Args)]
pub(crate) struct TrainArgs {
    /// Passes over the data.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Where to write the model.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct EvalArgs {
    /// Also score the gazetteer alone and a model trained without it
    /// (trains one in memory, about a minute).
    #[arg(long)]
    ablation: bool,
    /// Print this many disagreements with the silver labels.
    #[arg(long, default_value_t = 0)]
    examples: usize,
}

pub(crate) fn train(args: &TrainArgs) -> Result<()> {
    let articles = articles("train")?;
    let start = std::time::Instant::now();
    let bytes = train_model(&articles, args.epochs, Source::Both, &mut |e, acc| {
        eprintln!("epoch {:>2}: token accuracy on train {acc:.4}", e + 1);
    });
    crate::train_pos::write_model(
        args.out.as_deref(),
        "ner.bin",
        &bytes,
        articles.len(),
        start,
    )
}

const CLASSES: [&str; 4] = ["person", "org", "place", "misc"];

/// Matched, predicted and silver counts per class.
#[derive(Default)]
struct Score {
    right: [usize; 4],
    found: [usize; 4],
    gold: [usize; 4],
}

fn f1(right: usize, found: usize, gold: usize) -> (f64, f64, f64) {
    let p = right as f64 / found.max(1) as f64;
    let r = right as f64 / gold.max(1) as f64;
    (
        p,
        r,
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        },
    )
}

fn score(
    dev: &[Article],
    source: Source,
    model: Option<&[u8]>,
    examples: &mut Vec<String>,
) -> Score {
    let mut s = Score::default();
    for a in dev {
        let gold = silver_names(a);
        let found = predict(&a.text, source, model);
        for &(c, _, _) in &gold {
            s.gold[c] += 1;
        }
        for &(c, st, en) in &found {
            s.found[c] += 1;
            if gold.contains(&(c, st, en)) {
                s.right[c] += 1;
            }
        }
        let text: Vec<char> = a.text.chars().collect();
        let show = |(c, st, en): (usize, usize, usize)| {
            format!(
                "{} {:?}",
                CLASSES[c],
                text[st..en.min(text.len())].iter().collect::<String>()
            )
        };
        for &g in &gold {
            if !found.contains(&g) && g.0 < 3 {
                examples.push(format!("missed   {}", show(g)));
            }
        }
        for &p in &found {
            if !gold.contains(&p) && p.0 < 3 {
                examples.push(format!("spurious {}", show(p)));
            }
        }
    }
    s
}

fn report(name: &str, s: &Score) {
    let (r, f, g) = (0..3).fold((0, 0, 0), |(r, f, g), c| {
        (r + s.right[c], f + s.found[c], g + s.gold[c])
    });
    let (p, rc, f1o) = f1(r, f, g);
    print!("{name:<28} overall F1 {f1o:.3} (P {p:.3} R {rc:.3})");
    for (c, class) in CLASSES.iter().enumerate() {
        let (_, _, f) = f1(s.right[c], s.found[c], s.gold[c]);
        print!("  {class} {f:.3}");
    }
    println!();
}

pub(crate) fn eval(args: &EvalArgs) -> Result<()> {
    let dev = articles("dev")?;
    println!(
        "entity agreement with CoreNLP silver labels, PolNeAR dev ({} articles), exact spans; overall = person, org, place",
        dev.len()
    );
    let mut examples = Vec::new();
    let both = score(&dev, Source::Both, None, &mut examples);
    if args.ablation {
        report(
            "gazetteer alone",
            &score(&dev, Source::Gazetteer, None, &mut Vec::new()),
        );
        let train = articles("train")?;
        let bytes = train_model(&train, 10, Source::Model, &mut |_, _| {});
        report(
            "learned model alone",
            &score(&dev, Source::Model, Some(&bytes), &mut Vec::new()),
        );
    }
    report("model + gazetteer (shipped)", &both);
    for e in examples.iter().take(args.examples) {
        println!("  {e}");
    }
    Ok(())
}
