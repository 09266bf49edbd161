"""onrecord's Python package beside trafilatura on the benchmark pages, in
one Python process (issue 20's bars). HTML is decoded in memory before
timing; every figure is the best of ROUNDS rounds.

Usage: python bench/python_bench.py DATA_DIR ONRECORD_CLI
  (bench/python.sh sets up the venv and pins single-thread runs to one core)
"""
import gzip
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import onrecord
import trafilatura

ROUNDS = 5
data = pathlib.Path(sys.argv[1])
cli = sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "one"
keys = sorted(json.loads((data / "ground-truth.json").read_text()))
pages = [gzip.open(data / "html" / f"{k}.html.gz", "rt", encoding="utf-8").read() for k in keys]
mb = sum(len(p.encode()) for p in pages) / 1e6


def best(run):
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def report(name, secs):
    print(f"{name}: {len(pages) / secs:.1f} pages/s, {mb / secs:.2f} MB/s ({secs:.3f} s)")
    return secs


def each(f):
    return lambda: [f(p) for p in pages]


def safe(f):
    def run(p):
        try:
            return f(p)
        except onrecord.InputError:
            return None
    return run


if mode == "one":
    # Warm up: models load on first use.
    onrecord.extract(html=pages[0])
    trafilatura.extract(pages[0])
    traf = report("trafilatura.extract(html)", best(each(lambda p: trafilatura.extract(p, include_comments=False))))
    # The binding and its bare Rust call, interleaved round by round (this
    # machine's speed drifts by 10-15% over a minute).
    fast_run = each(safe(lambda p: onrecord.extract(html=p, quotes=False, entities=False)))
    native_run = each(lambda p: onrecord._onrecord.extract_json(p, True, quotes=False, entities=False))
    fast_times, native_times = [], []
    for _ in range(ROUNDS):
        fast_times.append(best(fast_run))
        native_times.append(best(native_run))
    fast = report("onrecord.extract(html, quotes=False, entities=False)", min(fast_times))
    native = report("  its Rust call alone (no JSON to dict)", min(native_times))
    whole = report("onrecord.extract(html)  (quotes, entities)", best(each(safe(lambda p: onrecord.extract(html=p)))))
    with tempfile.TemporaryDirectory() as d:
        for k, p in zip(keys, pages):
            pathlib.Path(d, f"{k}.html").write_text(p, encoding="utf-8")
        cmd = [cli, "extract", "--quiet", "--threads", "1", "--no-quotes", "--no-entities", "--format", "html", d]
        # Exit status 1: some pages have no main text (error lines).
        subprocess.run(cmd, check=False, capture_output=True)
        through_cli = report("the same through the CLI (one process, files, JSONL to a pipe)",
                             best(lambda: subprocess.run(cmd, check=False, capture_output=True)))
    print(f"text and metadata / trafilatura: {traf / fast:.1f}x")
    print(f"whole pipeline / trafilatura: {traf / whole:.1f}x")
    print(f"binding overhead over its Rust call (arguments, JSON to dict): {100 * (fast - native) / native:.1f}%")
    print(f"binding vs the CLI for the same work: {100 * (fast - through_cli) / through_cli:+.1f}%")
else:
    items = pages * 4
    runs = {}
    for threads in (1, 2):
        list(onrecord.extract_many(items[:8], threads=threads))
        runs[threads] = report(f"extract_many, {threads} thread(s), {len(items)} pages",
                               best(lambda: list(onrecord.extract_many(items, threads=threads))) / 4)
    print(f"extract_many 2 threads / 1 thread: {runs[1] / runs[2]:.2f}x")
