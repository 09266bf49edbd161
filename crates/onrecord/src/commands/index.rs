//! `onrecord index`: records or raw inputs into the embedded index.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use onrecord_core::Record;
use onrecord_index::QuoteIndex;

use super::extract::{Event, drive_from};
use crate::cli::IndexArgs;
use crate::report::Summary;
use crate::resume;

/// Indexing memory (one thread).
const HEAP_BYTES: usize = 128 << 20;

pub(crate) fn run(args: &IndexArgs) -> Result<ExitCode> {
    let index = QuoteIndex::open(&args.index)
        .with_context(|| format!("cannot open the index in `{}`", args.index.display()))?;
    let mut writer = index
        .writer(HEAP_BYTES)
        .context("cannot write to the index (is another `onrecord index` running on it?)")?;
    let records = super::records_only(&args.input.inputs);
    // `--resume`: input files are noted as done once a commit holds all
    // their articles; a rerun leaves them out. (Indexing an article again
    // replaces it, so what a killed run committed of an unfinished file is
    // simply replaced.)
    let (mut manifest, last) = if args.input.resume {
        let settings = format!(
            "records={records} {}",
            super::extract::settings(&args.input)
        );
        let (m, last) = resume::Manifest::open(&args.index.join("resume.manifest"), &settings)?;
        (Some(m), last)
    } else {
        (None, None)
    };
    let done = manifest
        .as_ref()
        .map(|m| m.done().clone())
        .unwrap_or_default();
    let mut reporter = super::extract::reporter(&args.input)?;
    if let Some(state) = &last {
        reporter.summary = state.summary();
        #[expect(clippy::print_stderr, reason = "a message")]
        {
            eprintln!(
                "resuming: {} input files already indexed, {} articles",
                done.len(),
                state.written
            );
        }
    }
    let mut since_commit = 0u64;
    let mut quotes = 0usize;
    let mut articles_now = 0u64;
    // Files finished since the last commit, with the counts at their end.
    let mut finished: Vec<(PathBuf, Summary)> = Vec::new();
    let mut commit = |writer: &mut onrecord_index::Writer,
                      finished: &mut Vec<(PathBuf, Summary)>|
     -> Result<()> {
        writer.commit().context("cannot commit the index")?;
        if let Some(m) = manifest.as_mut() {
            for (path, summary) in finished.drain(..) {
                m.note(&path, 0, 0, summary)?;
            }
        }
        Ok(())
    };
    let mut add = |record: Option<&Record>, file_done: Option<(&Path, Summary)>| -> Result<()> {
        if let Some(record) = record {
            writer.add(record)?;
            quotes += record.quotes.len();
            articles_now += 1;
            since_commit += 1;
        }
        if let Some((path, summary)) = file_done {
            finished.push((path.to_owned(), summary));
        }
        if since_commit >= args.commit_every.max(1) {
            commit(&mut writer, &mut finished)?;
            since_commit = 0;
        }
        Ok(())
    };
    let reporter = if records {
        // Records from `extract`: indexed as they are, line by line.
        let bar = crate::progress::bar(args.input.quiet);
        for path in &args.input.inputs {
            if done.contains(&path.display().to_string()) {
                continue;
            }
            super::read_records(path, &mut reporter, &mut |record| {
                add(Some(&record), None)?;
                bar.inc(1);
                Ok(())
            })?;
            add(None, Some((path, reporter.summary)))?;
        }
        bar.finish_and_clear();
        reporter
    } else {
        drive_from(
            &args.input,
            reporter,
            Some(&done),
            &|r: Record| Ok(r),
            &mut |event| match event {
                Event::Record(r) => add(Some(&r), None),
                Event::FileDone(path, reporter) => add(None, Some((path, reporter.summary))),
                Event::Failed(..) => Ok(()),
            },
        )?
    };
    commit(&mut writer, &mut finished)?;
    if let Some(m) = manifest {
        m.remove()?;
    }
    index.reload()?;
    let (articles, in_index) = index.counts()?;
    #[expect(clippy::print_stderr, reason = "the summary is a message")]
    {
        eprintln!(
            "indexed {articles_now} articles with {quotes} quotes; the index holds {articles} articles, {in_index} quotes"
        );
    }
    let summary = reporter.finish()?;
    if args.report {
        report(&index)?;
    }
    Ok(summary.exit_code())
}

/// The ten most quoted speakers, each with a recent quote.
fn report(index: &QuoteIndex) -> Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    writeln!(out, "most quoted in the index:")?;
    for s in index.speakers(None, 10)? {
        // A name past the search bounds has no latest quote to show.
        let latest = index
            .search(&onrecord_index::Search {
                speaker: Some(s.name.clone()),
                limit: 1,
                ..onrecord_index::Search::default()
            })
            .unwrap_or(onrecord_index::Results {
                total: 0,
                quotes: Vec::new(),
            });
        let dates = match (&s.first, &s.last) {
            (Some(f), Some(l)) if f != l => format!(", {f} to {l}"),
            (Some(f), _) => format!(", {f}"),
            _ => String::new(),
        };
        let n = if s.quotes == 1 { "quote" } else { "quotes" };
        let name = crate::terminal::printable(&s.name);
        writeln!(out, "  {name} ({} {n}{dates})", s.quotes)?;
        if let Some(q) = latest.quotes.first() {
            let text: String = crate::terminal::printable(&q.content)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let text = if text.chars().count() > 110 {
                format!("{}…", text.chars().take(109).collect::<String>())
            } else {
                text
            };
            writeln!(out, "      {text}")?;
        }
    }
    out.flush()?;
    Ok(())
}
