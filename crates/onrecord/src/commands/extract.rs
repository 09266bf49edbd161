//! `onrecord extract`: inputs -> records (JSONL).
//!
//! A bounded pipeline: a reader thread parses inputs into batches (at most
//! `BATCH_DOCS` documents or `BATCH_BYTES` bytes), a channel holds at most
//! two batches, rayon processes a batch on all cores, and the main thread
//! writes its results in input order. Memory is bounded by the batch size,
//! not the input size, and the output is the same bytes on every run.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use onrecord_core::{Pipeline, Record, SourceRef};
use onrecord_ingest::{FieldNames, Item, Options, Reader};
use rayon::prelude::*;

use crate::cli::ExtractArgs;
use crate::output::Output;
use crate::progress;
use crate::report::Reporter;
use crate::resume;

const BATCH_DOCS: usize = 512;
const BATCH_BYTES: usize = 32 << 20;

enum Outcome<T> {
    Record(T),
    Skipped,
    Failed(SourceRef, String),
    /// Every record of this input file came before.
    FileDone(PathBuf),
}

fn fields(args: &ExtractArgs) -> FieldNames {
    let mut f = FieldNames::default();
    let put = |list: &mut Vec<String>, name: &Option<String>| {
        if let Some(n) = name {
            list.insert(0, n.clone());
        }
    };
    put(&mut f.text, &args.text_field);
    put(&mut f.html, &args.html_field);
    put(&mut f.id, &args.id_field);
    let a = &mut f.article;
    put(&mut a.url, &args.url_field);
    put(&mut a.date, &args.date_field);
    put(&mut a.title, &args.title_field);
    put(&mut a.site, &args.site_field);
    // `--field NAME=KEY`, checked against the field names when parsed;
    // later flags are tried first, like the shorthands above.
    for (name, key) in &args.fields {
        for (field, keys) in a.as_mut().into_vec() {
            if field == name {
                keys.insert(0, key.clone());
            }
        }
    }
    f
}

/// Runs one item through the pipeline and `map` (on a worker thread).
fn process<T>(
    pipeline: &Pipeline,
    item: onrecord_ingest::Result<Item>,
    map: &(dyn Fn(Record) -> Result<T, String> + Sync),
) -> Outcome<T> {
    match item {
        Err(e) => Outcome::Failed(e.source.clone(), e.kind.to_string()),
        Ok(Item::Skipped { .. }) => Outcome::Skipped,
        Ok(Item::Document(doc)) => {
            let source = doc.source.clone().unwrap_or_default();
            match pipeline
                .process(&doc)
                .map_err(|e| e.to_string())
                .and_then(map)
            {
                Ok(out) => Outcome::Record(out),
                Err(e) => Outcome::Failed(source, e),
            }
        }
    }
}

/// A record as one JSONL line.
fn json_line(record: Record) -> Result<Vec<u8>, String> {
    let mut line = serde_json::to_vec(&record).map_err(|e| e.to_string())?;
    line.push(b'\n');
    Ok(line)
}

pub(crate) fn run(args: &ExtractArgs) -> Result<ExitCode> {
    if args.resume {
        return run_resumable(args);
    }
    let mut output = Output::new(args.output.as_deref())?;
    let reporter = reporter(args)?;
    let inline = args.inline_errors;
    let reporter = drive(args, reporter, &json_line, &mut |event| {
        if let Some(line) = output_line(event, inline) {
            output
                .writer()
                .write_all(&line)
                .context("cannot write records")?;
        }
        Ok(())
    })?;
    output.finish()?;
    Ok(reporter.finish()?.exit_code())
}

/// The reporter of a run: error lines to stderr and to `--errors`.
pub(crate) fn reporter(args: &ExtractArgs) -> Result<Reporter> {
    let errors = match &args.errors {
        Some(p) => {
            Some(File::create(p).with_context(|| format!("cannot create `{}`", p.display()))?)
        }
        None => None,
    };
    Ok(Reporter::new(errors))
}

/// The output line of an event: a record, or with `--inline-errors` a
/// failed input's error line in its place.
fn output_line(event: Event<'_, Vec<u8>>, inline: bool) -> Option<Vec<u8>> {
    match event {
        Event::Record(line) => Some(line),
        Event::Failed(source, message) if inline => {
            let error = crate::report::ErrorLine {
                error: message.to_owned(),
                path: &source.path,
                index: source.index,
                offset: source.offset,
            };
            let mut line = serde_json::to_vec(&error).ok()?;
            line.push(b'\n');
            Some(line)
        }
        Event::Failed(..) | Event::FileDone(..) => None,
    }
}

/// What changes the output: a manifest written with other settings is not
/// resumed.
pub(crate) fn settings(args: &ExtractArgs) -> String {
    format!(
        "format={:?} raw_text={} no_quotes={} no_entities={} max_record_bytes={} inline_errors={} fields={:?} version={}",
        args.format,
        args.raw_text,
        args.no_quotes,
        args.no_entities,
        args.max_record_bytes,
        args.inline_errors,
        fields(args),
        env!("CARGO_PKG_VERSION"),
    )
}

/// `extract --resume -o OUT`: records go to a fixed partial file beside
/// OUT and every finished input file is noted in `OUT.manifest` once its
/// records are on disk; a later run with the same arguments truncates the
/// partial file to the last noted length, leaves the noted files out and
/// goes on. The finished output is renamed into place and the manifest
/// removed, so the result is the same bytes as one uninterrupted run.
fn run_resumable(args: &ExtractArgs) -> Result<ExitCode> {
    let target = match crate::output::Target::of(args.output.as_deref())? {
        crate::output::Target::File(path) => path,
        _ => anyhow::bail!(
            "--resume needs --output FILE, a regular file or a new one (the manifest is kept beside it)"
        ),
    };
    let target = target.as_path();
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!("--resume cannot resume standard input; give files");
    }
    let partial = resume::partial_path(target);
    let (mut manifest, last) =
        resume::Manifest::open(&resume::manifest_path(target), &settings(args))?;
    let (out, mut errors, done) = match &last {
        Some(state) => (
            resume::reopen(&partial, state.output_bytes)?,
            args.errors
                .as_deref()
                .map(|p| resume::reopen(p, state.errors_bytes))
                .transpose()?,
            manifest.done().clone(),
        ),
        None => (
            File::create(&partial)
                .with_context(|| format!("cannot create `{}`", partial.display()))?,
            args.errors
                .as_deref()
                .map(|p| {
                    File::create(p).with_context(|| format!("cannot create `{}`", p.display()))
                })
                .transpose()?,
            Default::default(),
        ),
    };
    let mut output_bytes = last.as_ref().map_or(0, |s| s.output_bytes);
    let mut reporter = Reporter::new(errors.take());
    if let Some(state) = &last {
        reporter.summary = state.summary();
        reporter.set_error_bytes(state.errors_bytes);
        #[expect(clippy::print_stderr, reason = "a message")]
        {
            eprintln!(
                "resuming: {} input files already done, {} records written",
                done.len(),
                state.written
            );
        }
    }
    let mut writer = BufWriter::with_capacity(1 << 20, out.try_clone()?);
    let inline = args.inline_errors;
    let reporter = drive_from(args, reporter, Some(&done), &json_line, &mut |event| {
        if let Event::FileDone(path, reporter) = event {
            writer.flush().context("cannot write records")?;
            out.sync_data().context("cannot write records")?;
            let errors_bytes = reporter.sync_errors()?;
            manifest.note(path, output_bytes, errors_bytes, reporter.summary)?;
        } else if let Some(line) = output_line(event, inline) {
            writer.write_all(&line).context("cannot write records")?;
            output_bytes += line.len() as u64;
        }
        Ok(())
    })?;
    writer.flush().context("cannot write records")?;
    drop(writer);
    out.sync_all().context("cannot write records")?;
    drop(out);
    // The manifest goes first: a crash between the two leaves a partial
    // file and no manifest, which a rerun redoes, never a manifest that
    // points at an output already renamed away.
    manifest.remove()?;
    std::fs::rename(&partial, target)
        .with_context(|| format!("cannot rename to `{}`", target.display()))?;
    Ok(reporter.finish()?.exit_code())
}

/// What the sink of [`drive`] is handed, in input order.
pub(crate) enum Event<'a, T> {
    /// A record, through `map`.
    Record(T),
    /// A record that failed (already counted and reported on stderr).
    Failed(&'a SourceRef, &'a str),
    /// Every record of this input file has been handed over.
    FileDone(&'a Path, &'a mut Reporter),
}

/// Reads the inputs of `args`, runs every document through the pipeline
/// and `map` on all cores, and hands the results to `sink` in input order.
/// Failed records are reported as they come; the reporter holds the counts.
pub(crate) fn drive<T: Send>(
    args: &ExtractArgs,
    reporter: Reporter,
    map: &(dyn Fn(Record) -> Result<T, String> + Sync),
    sink: &mut dyn FnMut(Event<'_, T>) -> Result<()>,
) -> Result<Reporter> {
    drive_from(args, reporter, None, map, sink)
}

/// One entry of a batch, in input order.
enum Entry {
    Item(onrecord_ingest::Result<Item>),
    FileDone(PathBuf),
}

/// [`drive`], leaving out the input files in `done`.
pub(crate) fn drive_from<T: Send>(
    args: &ExtractArgs,
    mut reporter: Reporter,
    done: Option<&HashSet<String>>,
    map: &(dyn Fn(Record) -> Result<T, String> + Sync),
    sink: &mut dyn FnMut(Event<'_, T>) -> Result<()>,
) -> Result<Reporter> {
    let pipeline = Pipeline::builder()
        .raw_text(args.raw_text)
        .quotes(!args.no_quotes)
        .entities(!args.no_entities)
        .max_input_bytes(args.max_record_bytes)
        .build();
    let options = Options {
        format: args.format,
        fields: fields(args),
        max_record_bytes: args.max_record_bytes,
    };
    let (mut reader, walk_errors) = Reader::new(&args.inputs, options);
    if let Some(done) = done {
        reader.retain_files(|p| !done.contains(&p.display().to_string()));
    }
    for e in walk_errors {
        let message = e.kind.to_string();
        reporter.summary.read += 1;
        reporter.failed(&e.source, &message)?;
        sink(Event::Failed(&e.source, &message))?;
    }
    let threads = args.threads.map_or(0, usize::from);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let (sender, receiver) = crossbeam_channel::bounded::<(Vec<Entry>, usize, usize)>(2);
    let reader_thread = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(BATCH_DOCS);
        let mut bytes = 0usize;
        loop {
            let item = reader.next();
            // Files finished before this item came from a later one.
            batch.extend(reader.take_finished().into_iter().map(Entry::FileDone));
            let Some(item) = item else { break };
            if let Ok(Item::Document(d)) = &item {
                bytes += d.len_bytes();
            }
            batch.push(Entry::Item(item));
            if batch.len() >= BATCH_DOCS || bytes >= BATCH_BYTES {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_DOCS));
                if sender.send((full, bytes, reader.files_done())).is_err() {
                    return;
                }
                bytes = 0;
            }
        }
        let _ = sender.send((batch, bytes, reader.files_done()));
    });

    let bar = progress::bar(args.quiet);
    let start = Instant::now();
    let mut total_bytes = 0usize;
    for (batch, bytes, files_done) in receiver {
        let outcomes: Vec<Outcome<T>> = pool.install(|| {
            batch
                .into_par_iter()
                .map(|entry| match entry {
                    Entry::Item(item) => process(&pipeline, item, map),
                    Entry::FileDone(path) => Outcome::FileDone(path),
                })
                .collect()
        });
        for outcome in outcomes {
            match outcome {
                Outcome::Record(out) => {
                    reporter.summary.read += 1;
                    reporter.summary.written += 1;
                    sink(Event::Record(out))?;
                }
                Outcome::Skipped => {
                    reporter.summary.read += 1;
                    reporter.summary.skipped += 1;
                }
                Outcome::Failed(source, message) => {
                    reporter.summary.read += 1;
                    reporter.failed(&source, &message)?;
                    sink(Event::Failed(&source, &message))?;
                }
                Outcome::FileDone(path) => sink(Event::FileDone(&path, &mut reporter))?,
            }
        }
        total_bytes += bytes;
        let secs = start.elapsed().as_secs_f64().max(1e-9);
        bar.set_position(reporter.summary.read);
        bar.set_message(format!(
            "{files_done} files, {:.1} MB, {:.1} MB/s,",
            total_bytes as f64 / 1e6,
            total_bytes as f64 / 1e6 / secs
        ));
    }
    bar.finish_and_clear();
    if reader_thread.join().is_err() {
        anyhow::bail!("the input reader stopped unexpectedly");
    }
    Ok(reporter)
}
