//! `onrecord search`: quotes from the index, as a table or JSONL.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use onrecord_index::Search;

use crate::cli::SearchArgs;

/// `s` on one line, its control characters escaped, shortened to `n`
/// characters with an ellipsis.
fn cut(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = crate::terminal::printable(&s).into_owned();
    if s.chars().count() <= n {
        s
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

pub(crate) fn run(args: &SearchArgs) -> Result<ExitCode> {
    let index = super::existing_index(&args.index)?;
    let results = index.search(&Search {
        query: args.query.clone(),
        speaker: args.speaker.clone(),
        outlet: args.outlet.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        kind: args.kind.clone(),
        limit: args.limit as usize,
        offset: args.offset as usize,
        deadline: None,
    })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        for hit in &results.quotes {
            serde_json::to_writer(&mut out, hit)?;
            out.write_all(b"\n")?;
        }
    } else {
        writeln!(
            out,
            "{:<10}  {:<22}  {:<18}  {:<8}  quote",
            "date", "speaker", "outlet", "kind"
        )?;
        for h in &results.quotes {
            writeln!(
                out,
                "{:<10}  {:<22}  {:<18}  {:<8}  {}",
                cut(
                    h.article
                        .date
                        .as_deref()
                        .unwrap_or("")
                        .get(..10)
                        .unwrap_or(""),
                    10
                ),
                cut(h.speaker_name.as_deref().unwrap_or("-"), 22),
                cut(h.article.site.as_deref().unwrap_or("-"), 18),
                cut(&h.kind, 8),
                cut(&h.content, 100)
            )?;
        }
    }
    out.flush()?;
    #[expect(clippy::print_stderr, reason = "the count is a message")]
    {
        eprintln!(
            "{} quotes match; {} shown",
            results.total,
            results.quotes.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
