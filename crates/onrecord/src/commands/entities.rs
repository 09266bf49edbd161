//! `onrecord entities`: the entity table of a corpus.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::{Context, Result};
use onrecord_core::Record;
use serde::Serialize;

use super::extract::{Event, drive, reporter};
use crate::cli::EntitiesArgs;
use crate::output::Output;
use crate::terminal::printable;

/// One row of the table.
#[derive(Serialize)]
struct Row {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    articles: u64,
    mentions: u64,
}

/// The entities of one record: (name, type, mentions).
fn of_record(record: Record) -> Result<Vec<(String, String, u64)>, String> {
    Ok(record
        .entities
        .into_iter()
        .map(|e| (e.name, e.kind, e.mentions.len() as u64))
        .collect())
}

pub(crate) fn run(args: &EntitiesArgs) -> Result<ExitCode> {
    if args.input.no_entities {
        anyhow::bail!("`entities` needs the entity stage; drop --no-entities");
    }
    if args.input.resume {
        anyhow::bail!("`entities` prints one table at the end; --resume is for extract and index");
    }
    let mut table: HashMap<(String, String), (u64, u64)> = HashMap::new();
    let reporter = drive(
        &args.input,
        reporter(&args.input)?,
        &of_record,
        &mut |event| {
            if let Event::Record(entities) = event {
                for (name, kind, mentions) in entities {
                    let row = table.entry((name, kind)).or_default();
                    row.0 += 1;
                    row.1 += mentions;
                }
            }
            Ok(())
        },
    )?;
    let mut rows: Vec<Row> = table
        .into_iter()
        .filter(|((_, kind), _)| args.kind.as_ref().is_none_or(|k| k == kind))
        .map(|((name, kind), (articles, mentions))| Row {
            name,
            kind,
            articles,
            mentions,
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.articles, b.mentions)
            .cmp(&(a.articles, a.mentions))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.kind.cmp(&b.kind))
    });
    rows.truncate(args.limit.unwrap_or(usize::MAX));
    let mut output = Output::new(args.input.output.as_deref())?;
    let out = output.writer();
    if args.json {
        for row in &rows {
            serde_json::to_writer(&mut *out, row)?;
            out.write_all(b"\n")?;
        }
    } else {
        let width = rows
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 48);
        writeln!(
            out,
            "{:<width$}  {:<6}  {:>8}  {:>8}",
            "name", "type", "articles", "mentions"
        )?;
        for r in &rows {
            let name: String = printable(&r.name).chars().take(width).collect();
            writeln!(
                out,
                "{name:<width$}  {:<6}  {:>8}  {:>8}",
                r.kind, r.articles, r.mentions
            )?;
        }
    }
    output.finish().context("cannot write the table")?;
    Ok(reporter.finish()?.exit_code())
}
