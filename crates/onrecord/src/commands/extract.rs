//! `onrecord extract`: inputs -> records (JSONL).
//!
//! A bounded pipeline: a reader thread parses inputs into batches (at most
//! `BATCH_DOCS` documents or `BATCH_BYTES` bytes), a channel holds at most
//! two batches, rayon processes a batch on all cores, and the main thread
//! writes its results in input order. Memory is bounded by the batch size,
//! not the input size, and the output is the same bytes on every run.

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
use crate::progress;
use crate::report::Reporter;

const BATCH_DOCS: usize = 512;
const BATCH_BYTES: usize = 32 << 20;

enum Outcome<T> {
    Record(T),
    Skipped,
    Failed(SourceRef, String),
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
    put(&mut f.url, &args.url_field);
    put(&mut f.date, &args.date_field);
    put(&mut f.title, &args.title_field);
    put(&mut f.site, &args.site_field);
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

/// Writes to a temporary file beside `path`, renamed over it on success, so
/// a complete-looking output file is always a complete one.
struct AtomicOutput {
    temp: PathBuf,
    target: PathBuf,
    file: Option<BufWriter<File>>,
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        // Not committed (an error on the way): leave no partial file behind.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

impl AtomicOutput {
    fn create(target: &Path) -> Result<AtomicOutput> {
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let temp = target.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let file =
            File::create(&temp).with_context(|| format!("cannot create `{}`", temp.display()))?;
        Ok(AtomicOutput {
            temp,
            target: target.to_owned(),
            file: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn writer(&mut self) -> Option<&mut BufWriter<File>> {
        self.file.as_mut()
    }

    fn commit(mut self) -> Result<()> {
        let Some(writer) = self.file.take() else {
            anyhow::bail!("the output was already closed");
        };
        let file = writer.into_inner().map_err(|e| e.into_error());
        let file = match file {
            Ok(f) => f,
            Err(e) => {
                let _ = std::fs::remove_file(&self.temp);
                return Err(e).context("cannot write records");
            }
        };
        file.sync_all()?;
        std::fs::rename(&self.temp, &self.target)
            .with_context(|| format!("cannot rename to `{}`", self.target.display()))
    }
}

/// The output file (written atomically) or standard output.
pub(crate) struct Output {
    atomic: Option<AtomicOutput>,
    stdout: BufWriter<std::io::StdoutLock<'static>>,
}

impl Output {
    pub(crate) fn new(path: Option<&Path>) -> Result<Output> {
        Ok(Output {
            atomic: path.map(AtomicOutput::create).transpose()?,
            stdout: BufWriter::with_capacity(1 << 20, std::io::stdout().lock()),
        })
    }

    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        match self.atomic.as_mut().and_then(AtomicOutput::writer) {
            Some(w) => w,
            None => &mut self.stdout,
        }
    }

    /// Flushes standard output or renames the finished file into place.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.stdout.flush().context("cannot write records")?;
        if let Some(a) = self.atomic.take() {
            a.commit()?;
        }
        Ok(())
    }
}

pub(crate) fn run(args: &ExtractArgs) -> Result<ExitCode> {
    let mut output = Output::new(args.output.as_deref())?;
    let reporter = drive(args, &json_line, &mut |line: Vec<u8>| {
        output
            .writer()
            .write_all(&line)
            .context("cannot write records")
    })?;
    output.finish()?;
    reporter.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the inputs of `args`, runs every document through the pipeline
/// and `map` on all cores, and hands the results to `sink` in input order.
/// Failed records are reported as they come; the reporter holds the counts.
pub(crate) fn drive<T: Send>(
    args: &ExtractArgs,
    map: &(dyn Fn(Record) -> Result<T, String> + Sync),
    sink: &mut dyn FnMut(T) -> Result<()>,
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
    let errors = match &args.errors {
        Some(p) => {
            Some(File::create(p).with_context(|| format!("cannot create `{}`", p.display()))?)
        }
        None => None,
    };
    let mut reporter = Reporter::new(errors);
    let (reader, walk_errors) = Reader::new(&args.inputs, options);
    for e in walk_errors {
        reporter.summary.read += 1;
        reporter.failed(&e.source, &e.kind.to_string())?;
    }
    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let (sender, receiver) =
        crossbeam_channel::bounded::<(Vec<onrecord_ingest::Result<Item>>, usize, usize)>(2);
    let reader_thread = std::thread::spawn(move || {
        let mut reader = reader;
        let mut batch = Vec::with_capacity(BATCH_DOCS);
        let mut bytes = 0usize;
        while let Some(item) = reader.next() {
            if let Ok(Item::Document(d)) = &item {
                bytes += d.len_bytes();
            }
            batch.push(item);
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
                .map(|item| process(&pipeline, item, map))
                .collect()
        });
        for outcome in outcomes {
            reporter.summary.read += 1;
            match outcome {
                Outcome::Record(out) => {
                    sink(out)?;
                    reporter.summary.written += 1;
                }
                Outcome::Skipped => reporter.summary.skipped += 1,
                Outcome::Failed(source, message) => reporter.failed(&source, &message)?,
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
