//! `onrecord export`: records into Parquet files.
//!
//! Two passes over the records: the first counts the people every article
//! names, for the corpus-wide person keys (`onrecord_core::identity`); the
//! second writes the rows. Memory holds one row group per file and the
//! name counts, never the corpus.

use std::process::ExitCode;

use anyhow::{Context, Result};
use onrecord_core::identity::Linker;
use onrecord_export::Export;

use crate::cli::ExportArgs;
use crate::report::Reporter;

pub(crate) fn run(args: &ExportArgs) -> Result<ExitCode> {
    if !super::records_only(&args.inputs) {
        anyhow::bail!(
            "`export` reads records written by `onrecord extract` (JSONL, plain or .gz); \
             run `onrecord extract INPUTS -o records.jsonl` first"
        );
    }
    let bar = crate::progress::bar(args.quiet);
    bar.set_message("people across the corpus,");
    let mut linker = Linker::new();
    let mut first = Reporter::silent();
    for path in &args.inputs {
        super::read_records(path, &mut first, &mut |record| {
            onrecord_export::observe(&mut linker, &record);
            bar.inc(1);
            Ok(())
        })?;
    }
    linker.build();
    bar.set_position(0);
    bar.set_message("writing Parquet,");
    let mut export = Export::create(&args.out, linker)
        .with_context(|| format!("cannot write to `{}`", args.out.display()))?;
    // The second pass reports the bad lines (the first only counted them).
    let mut reporter = Reporter::new(None);
    for path in &args.inputs {
        super::read_records(path, &mut reporter, &mut |record| {
            export.add(&record)?;
            bar.inc(1);
            Ok(())
        })?;
    }
    let counts = export.finish()?;
    bar.finish_and_clear();
    #[expect(clippy::print_stderr, reason = "the summary is a message")]
    {
        eprintln!(
            "wrote {} articles, {} quotes, {} entities, {} amounts to {}",
            counts.articles,
            counts.quotes,
            counts.entities,
            counts.amounts,
            args.out.display()
        );
    }
    Ok(reporter.finish()?.exit_code())
}
