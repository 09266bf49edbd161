//! `cargo xtask load`: the API under load with slow and idle clients.
//!
//! Normal clients: `--connections` kept-alive connections, each sending the
//! mixed requests of `bench/load-paths.txt` (as `bench/load.lua`) open-loop at `--rate / connections`
//! requests per second (a request's latency runs from when it was due, so a
//! stalled server cannot hide its queue). Hostile clients beside them:
//! `--slow` connections that dribble a request head one byte a second
//! (slowloris) and reconnect when the server drops them, and `--idle`
//! connections that send nothing. Loopback only; bounded in time.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The server, on loopback.
    #[arg(long, default_value = "127.0.0.1:18181")]
    addr: SocketAddr,
    /// Normal kept-alive connections.
    #[arg(long, default_value_t = 200)]
    connections: usize,
    /// Normal requests per second, all connections together.
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Slow clients (a request head one byte a second).
    #[arg(long, default_value_t = 50)]
    slow: usize,
    /// Idle clients (connect, send nothing).
    #[arg(long, default_value_t = 0)]
    idle: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// The request mix, one path a line (shared with bench/load.lua).
    #[arg(long, default_value = "bench/load-paths.txt")]
    paths: std::path::PathBuf,
}

/// One normal connection's results.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: u64,
    statuses: Vec<u16>,
}

fn normal(agent: &ureq::Agent, base: &str, path: &str) -> Result<u16, String> {
    match agent.get(format!("{base}{path}")).call() {
        Ok(mut r) => {
            let status = r.status().as_u16();
            r.body_mut()
                .read_to_vec()
                .map_err(|e| format!("reading the body: {e}"))?;
            Ok(status)
        }
        Err(ureq::Error::StatusCode(s)) => Ok(s),
        Err(e) => Err(e.to_string()),
    }
}

/// A slowloris client until `stop`: how many times the server closed it,
/// and the longest it was held.
fn slow(addr: SocketAddr, stop: &AtomicBool, closed: &AtomicU64, held_ms: &AtomicU64) {
    let head = b"GET /api/quotes?q=tax HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = TcpStream::connect(addr) else {
            std::thread::sleep(Duration::from_millis(200));
            continue;
        };
        let since = Instant::now();
        for b in head.iter() {
            if stop.load(Ordering::Relaxed) || s.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_secs(1));
            // Did the server close it? A read that is not "would block".
            let _ = s.set_nonblocking(true);
            let mut probe = [0u8; 1];
            let gone = match s.read(&mut probe) {
                Ok(_) => true,
                Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
            };
            let _ = s.set_nonblocking(false);
            if gone {
                closed.fetch_add(1, Ordering::Relaxed);
                break;
            }
        }
        held_ms.fetch_max(since.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

pub(crate) fn run(args: &Args) -> Result<()> {
    anyhow::ensure!(
        args.addr.ip().is_loopback(),
        "load is sent to loopback addresses only"
    );
    let paths: Arc<Vec<String>> = Arc::new(
        std::fs::read_to_string(&args.paths)
            .with_context(|| format!("cannot read {}", args.paths.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
    );
    anyhow::ensure!(!paths.is_empty(), "no paths in {}", args.paths.display());
    let base = format!("http://{}", args.addr);
    let stop = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicU64::new(0));
    let held = Arc::new(AtomicU64::new(0));
    let mut hostile = Vec::new();
    for _ in 0..args.slow {
        let (stop, closed, held) = (stop.clone(), closed.clone(), held.clone());
        let addr = args.addr;
        hostile.push(std::thread::spawn(move || {
            slow(addr, &stop, &closed, &held)
        }));
    }
    let idle: Vec<TcpStream> = (0..args.idle)
        .filter_map(|_| TcpStream::connect(args.addr).ok())
        .collect();
    // Let the hostile clients take their places first.
    std::thread::sleep(Duration::from_secs(1));
    let interval = Duration::from_secs_f64(args.connections as f64 / args.rate.max(0.001));
    let duration = Duration::from_secs(args.seconds);
    let start = Instant::now();
    let connections = args.connections;
    let workers: Vec<_> = (0..connections)
        .map(|c| {
            let base = base.clone();
            let paths = paths.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .max_idle_connections(1)
                    .timeout_global(Some(Duration::from_secs(10)))
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut tally = Tally::default();
                // Spread the connections over one interval.
                let phase = interval.mul_f64(c as f64 / connections as f64);
                for k in 0u32.. {
                    let due = start + phase + interval * k;
                    if due.duration_since(start) >= duration {
                        break;
                    }
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let path = &paths[(c + k as usize) % paths.len()];
                    match normal(&agent, &base, path) {
                        Ok(s) if (200..300).contains(&s) => {
                            tally.latencies_us.push(due.elapsed().as_micros() as u64);
                        }
                        Ok(s) => {
                            tally.errors += 1;
                            tally.statuses.push(s);
                        }
                        Err(_) => tally.errors += 1,
                    }
                }
                tally
            })
        })
        .collect();
    let mut all = Tally::default();
    for w in workers {
        let t = w
            .join()
            .map_err(|_| anyhow::anyhow!("a client thread panicked"))?;
        all.latencies_us.extend(t.latencies_us);
        all.errors += t.errors;
        all.statuses.extend(t.statuses);
    }
    let elapsed = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for h in hostile {
        h.join()
            .map_err(|_| anyhow::anyhow!("a slow client panicked"))
            .context("slow clients")?;
    }
    drop(idle);
    all.latencies_us.sort_unstable();
    let ok = all.latencies_us.len();
    println!(
        "{} normal connections at {:.0} requests/s offered, {} slow clients, {} idle, {:.1} s",
        args.connections, args.rate, args.slow, args.idle, elapsed
    );
    println!(
        "normal requests: {} ok, {} errors ({:.1} ok/s); latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ok,
        all.errors,
        ok as f64 / elapsed,
        percentile(&all.latencies_us, 0.50),
        percentile(&all.latencies_us, 0.90),
        percentile(&all.latencies_us, 0.99),
        percentile(&all.latencies_us, 1.0),
    );
    if !all.statuses.is_empty() {
        all.statuses.sort_unstable();
        all.statuses.dedup();
        println!("error statuses: {:?}", all.statuses);
    }
    println!(
        "slow clients: dropped by the server {} times, longest held {:.1} s",
        closed.load(Ordering::Relaxed),
        held.load(Ordering::Relaxed) as f64 / 1000.0
    );
    Ok(())
}
