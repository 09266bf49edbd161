//! `cargo xtask bench-index`: build rate, size and query latency of the
//! quote index on a synthetic corpus of PolNeAR train records replicated
//! with varied ids, dates and outlets (at least `--quotes` quotes).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use onrecord_core::{Body, Document, Pipeline, Record};
use onrecord_index::{QuoteIndex, Search};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Quotes to index at least.
    #[arg(long, default_value_t = 1_000_000)]
    quotes: usize,
    /// Queries to time.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Where to build the index (default: a temporary directory, removed).
    #[arg(long)]
    dir: Option<PathBuf>,
}

const OUTLETS: [&str; 8] = [
    "nytimes.com",
    "washingtonpost.com",
    "politico.com",
    "usatoday.com",
    "breitbart.com",
    "huffpost.com",
    "westernjournal.com",
    "bbc.co.uk",
];

/// A tiny deterministic generator (SplitMix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn day(offset: usize) -> String {
    // Days from 2015-01-01 over ten years, valid dates only (28-day months).
    let (y, rest) = (2015 + offset / 336, offset % 336);
    format!("{y}-{:02}-{:02}", rest / 28 + 1, rest % 28 + 1)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let gold = crate::polnear::read(&crate::shared_data().join("polnear/train.jsonl"))?;
    let pipeline = Pipeline::builder().raw_text(true).build();
    let base: Vec<Record> = gold
        .iter()
        .filter_map(|a| {
            let mut d = Document::new(Body::Text(a.text.clone()));
            d.hints.id = Some(a.id.clone());
            pipeline.process(&d).ok()
        })
        .collect();
    let per_copy: usize = base.iter().map(|r| r.quotes.len()).sum();
    let copies = args.quotes.div_ceil(per_copy.max(1));
    let temp = tempfile_dir()?;
    let dir = args.dir.clone().unwrap_or_else(|| temp.clone());
    let index = QuoteIndex::open(&dir)?;
    let mut writer = index.writer(512 << 20)?;
    let mut rng = Rng(0x1d3);
    let mut speakers: Vec<String> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut phrases: Vec<String> = Vec::new();
    let start = Instant::now();
    let mut quotes = 0usize;
    let mut articles = 0usize;
    for copy in 0..copies {
        for r in &base {
            let mut r = r.clone();
            r.id = format!("{}#{copy}", r.id);
            r.article.date = Some(day(rng.below(3360)));
            r.article.site = Some(OUTLETS[rng.below(OUTLETS.len())].to_owned());
            if copy == 0 {
                for q in &r.quotes {
                    if let Some(s) = &q.speaker_name
                        && s.contains(' ')
                    {
                        speakers.push(s.clone());
                    }
                    let w: Vec<&str> = q
                        .content
                        .text
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| w.len() > 3)
                        .collect();
                    words.extend(w.iter().map(|w| w.to_lowercase()));
                    if let Some(pair) = w.windows(2).next() {
                        phrases.push(format!("\"{} {}\"", pair[0], pair[1]));
                    }
                }
            }
            quotes += r.quotes.len();
            articles += 1;
            writer.add(&r)?;
            if articles.is_multiple_of(20_000) {
                writer.commit()?;
            }
        }
    }
    writer.commit()?;
    let build = start.elapsed().as_secs_f64();
    index.reload()?;
    let bytes: u64 = walk_size(&dir);
    println!(
        "built: {articles} articles, {quotes} quotes in {build:.1} s: {:.0} quotes/s; {:.1} MB on disk, {:.0} bytes per quote (stored record JSON included)",
        quotes as f64 / build,
        bytes as f64 / 1e6,
        bytes as f64 / quotes as f64
    );
    // Mixed queries: words, phrases, speaker filters, date ranges and
    // combinations, in a fixed order.
    let mut times = Vec::with_capacity(args.queries);
    let mut matched = 0usize;
    for k in 0..args.queries {
        let mut s = Search {
            limit: 20,
            ..Search::default()
        };
        match k % 5 {
            0 => s.query = Some(words[rng.below(words.len())].clone()),
            1 => s.query = Some(phrases[rng.below(phrases.len())].clone()),
            2 => s.speaker = Some(speakers[rng.below(speakers.len())].clone()),
            3 => {
                let from = rng.below(3300);
                s.from = Some(day(from));
                s.to = Some(day(from + 30));
                s.query = Some(words[rng.below(words.len())].clone());
            }
            _ => {
                let name = &speakers[rng.below(speakers.len())];
                s.speaker = Some(name.rsplit(' ').next().unwrap_or(name).to_owned());
                s.query = Some(words[rng.below(words.len())].clone());
                s.outlet = Some(OUTLETS[rng.below(OUTLETS.len())].to_owned());
            }
        }
        let t = Instant::now();
        let r = index.search(&s).with_context(|| format!("{s:?}"))?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        matched += r.total;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "queries: {} mixed (words, phrases, speaker, date range, speaker+outlet+words), top 20: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} matches in all)",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0),
        matched
    );
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    Ok(())
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("onrecord-bench-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn walk_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|it| {
            it.filter_map(std::result::Result::ok)
                .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}
