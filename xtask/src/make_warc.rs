//! `cargo xtask make-warc`: a large WARC (per-record gzip, as Common Crawl
//! ships it) made by repeating the benchmark pages under distinct URLs, for
//! throughput and memory measurements.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Uncompressed size to reach, in MB.
    #[arg(long, default_value_t = 1024)]
    size_mb: usize,
    /// Output file (`.warc.gz`).
    #[arg(long)]
    out: PathBuf,
    /// Benchmark folder (default: ../shared/data/article-extraction-benchmark).
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| crate::shared_data().join("article-extraction-benchmark"));
    let mut pages = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir.join("html"))?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(entry.path())?).read_to_end(&mut html)?;
        pages.push(html);
    }
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let target = args.size_mb * 1_000_000;
    let (mut written, mut n) = (0usize, 0usize);
    while written < target {
        let page = &pages[n % pages.len()];
        let mut block = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n", page.len()).into_bytes();
        block.extend_from_slice(page);
        let header = format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://bench.example/{n}\r\nWARC-Date: 2025-08-16T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len()
        );
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(header.as_bytes())?;
        gz.write_all(&block)?;
        gz.write_all(b"\r\n\r\n")?;
        out.write_all(&gz.finish()?)?;
        written += header.len() + block.len() + 4;
        n += 1;
    }
    out.flush()?;
    println!(
        "{n} records, {:.0} MB uncompressed, in {}",
        written as f64 / 1e6,
        args.out.display()
    );
    Ok(())
}
