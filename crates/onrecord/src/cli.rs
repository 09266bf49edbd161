//! Command-line types (clap derive) only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use onrecord_ingest::Format;

/// Who said what, when, about whom: news articles in, structured records out.
#[derive(Parser)]
#[command(name = "onrecord", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Read articles (scraped text, JSONL, HTML, WARC; plain, .gz or .zst)
    /// and write one JSON record per article.
    Extract(ExtractArgs),
    /// The entity table of a corpus: every person, organisation, place and
    /// group with the number of articles and mentions, most written first.
    Entities(EntitiesArgs),
    /// Add articles to an embedded search index: records (JSONL written by
    /// `extract`) or raw inputs, extracted on the fly. An article indexed
    /// again replaces its earlier version.
    Index(IndexArgs),
    /// Search the quotes of an index by words, speaker, outlet, date and kind.
    Search(SearchArgs),
    /// Serve the JSON API and the web page over an index.
    Serve(ServeArgs),
    /// Write records (JSONL from `extract`, plain or .gz) as Parquet:
    /// articles, quotes, entities and amounts, with corpus-wide person keys.
    Export(ExportArgs),
}

#[derive(Args)]
pub(crate) struct ExportArgs {
    /// Files of records written by `extract`.
    #[arg(required = true)]
    pub(crate) inputs: Vec<PathBuf>,
    /// The directory to write the Parquet files to (created if missing).
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// The output format.
    #[arg(long, default_value = "parquet", value_parser = ["parquet"])]
    pub(crate) format: String,
    /// Never show a progress bar.
    #[arg(long)]
    pub(crate) quiet: bool,
}

#[derive(Args)]
pub(crate) struct ServeArgs {
    /// The index directory.
    #[arg(long)]
    pub(crate) index: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: std::net::SocketAddr,
    /// Open connections at most; past it a new one is answered 503.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) max_connections: u32,
    /// Seconds a client has to send a request head (and an idle kept-alive
    /// connection stays open).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub(crate) header_timeout: u32,
    /// Milliseconds a search may take before it is answered 503.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(10..=600_000))]
    pub(crate) search_budget_ms: u32,
}

#[derive(Args)]
pub(crate) struct IndexArgs {
    /// The index directory (created if missing).
    #[arg(long)]
    pub(crate) index: PathBuf,
    #[command(flatten)]
    pub(crate) input: ExtractArgs,
    /// Make what is indexed durable every this many articles (each commit
    /// holds whole articles only).
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) commit_every: u64,
    /// Then print who is quoted most in the index, with a recent quote of
    /// each.
    #[arg(long)]
    pub(crate) report: bool,
}

#[derive(Args)]
pub(crate) struct SearchArgs {
    /// The index directory.
    #[arg(long)]
    pub(crate) index: PathBuf,
    /// Words in the quote ("a phrase" in double quotes; every word must be
    /// there; OR and -word also work).
    pub(crate) query: Option<String>,
    /// A speaker's name or part of it ("Putin" finds "Vladimir Putin").
    #[arg(long)]
    pub(crate) speaker: Option<String>,
    /// The outlet (site), e.g. nytimes.com.
    #[arg(long)]
    pub(crate) outlet: Option<String>,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// direct, mixed or indirect.
    #[arg(long, value_parser = ["direct", "mixed", "indirect"])]
    pub(crate) kind: Option<String>,
    /// Results to print, 1 to 1000.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=onrecord_index::MAX_LIMIT as i64))]
    pub(crate) limit: u32,
    /// Results to skip, at most 100000 (past the last result: none).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=onrecord_index::MAX_OFFSET as i64))]
    pub(crate) offset: u32,
    /// One JSON object per quote instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct EntitiesArgs {
    #[command(flatten)]
    pub(crate) input: ExtractArgs,
    /// One JSON object per entity instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
    /// Only entities of this type (person, org, place, group, other).
    #[arg(long = "type")]
    pub(crate) kind: Option<String>,
    /// Print at most this many entities.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Args)]
pub(crate) struct ExtractArgs {
    /// Files, directories (walked recursively) or `-` for standard input.
    #[arg(default_value = "-")]
    pub(crate) inputs: Vec<PathBuf>,
    /// Input format: auto, text, jsonl, html or warc.
    #[arg(long, default_value = "auto")]
    pub(crate) format: Format,
    /// Write records here instead of standard output (written to a
    /// temporary name, renamed when complete).
    #[arg(short, long)]
    pub(crate) output: Option<PathBuf>,
    /// Also write error lines (JSONL) to this file.
    #[arg(long)]
    pub(crate) errors: Option<PathBuf>,
    /// Worker threads, 1 to 1024 (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) threads: Option<u16>,
    /// Keep plain-text input unchanged in `text` (for offset evaluation).
    #[arg(long)]
    pub(crate) raw_text: bool,
    /// Skip quotation finding.
    #[arg(long)]
    pub(crate) no_quotes: bool,
    /// Skip entities, amounts and dates.
    #[arg(long)]
    pub(crate) no_entities: bool,
    /// Records over this many bytes are reported and skipped.
    #[arg(long, default_value_t = 64 << 20)]
    pub(crate) max_record_bytes: usize,
    /// JSONL field holding plain text (tried before the defaults).
    #[arg(long)]
    pub(crate) text_field: Option<String>,
    /// JSONL field holding HTML.
    #[arg(long)]
    pub(crate) html_field: Option<String>,
    /// JSONL field holding the record id.
    #[arg(long)]
    pub(crate) id_field: Option<String>,
    /// JSONL field holding the URL.
    #[arg(long)]
    pub(crate) url_field: Option<String>,
    /// JSONL field holding the publication date.
    #[arg(long)]
    pub(crate) date_field: Option<String>,
    /// JSONL field holding the headline.
    #[arg(long)]
    pub(crate) title_field: Option<String>,
    /// JSONL field holding the outlet.
    #[arg(long)]
    pub(crate) site_field: Option<String>,
    /// JSONL key holding an article field, as `FIELD=KEY`, tried before
    /// the defaults (repeatable); FIELD is one of url, date, title,
    /// author, site.
    #[arg(long = "field", value_name = "FIELD=KEY", value_parser = article_field)]
    pub(crate) fields: Vec<(String, String)>,
    /// Never show a progress bar.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Resumable run: note each finished input file in a manifest beside
    /// the output (`OUT.manifest`, or `resume.manifest` in the index) and,
    /// when one is there, go on from it instead of starting over.
    #[arg(long)]
    pub(crate) resume: bool,
    /// Write each failed input record into the output as an error record
    /// (`{"error", "path", "index", "offset"}`) where its record would be,
    /// so that every input line gives one output line.
    #[arg(long)]
    pub(crate) inline_errors: bool,
}

/// Parses `--field FIELD=KEY`: FIELD must name an article field.
fn article_field(arg: &str) -> Result<(String, String), String> {
    let (field, key) = arg
        .split_once('=')
        .ok_or_else(|| format!("`{arg}`: expected FIELD=KEY"))?;
    let names = onrecord_core::Article::NAMES;
    if !names.contains(&field) {
        return Err(format!(
            "`{field}` is not an article field ({})",
            names.join(", ")
        ));
    }
    if key.is_empty() {
        return Err(format!("`{arg}`: the key is empty"));
    }
    Ok((field.to_owned(), key.to_owned()))
}
