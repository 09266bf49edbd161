#!/usr/bin/env bash
# The Python package beside trafilatura on the 181 benchmark pages, in one
# Python process (issue 20): single-thread figures pinned to one core,
# then extract_many on one and two threads.
# Usage: bash bench/python.sh   (needs ../shared/data beside the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${ONRECORD_SHARED:-$PWD/../shared}/data/article-extraction-benchmark"
venv=bench/.venv-python
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet trafilatura==2.3.1 lxml_html_clean
fi
"$venv/bin/pip" install --quiet ./crates/onrecord-py
cargo build --release --package onrecord --quiet
taskset -c 0 "$venv/bin/python" bench/python_bench.py "$data" target/release/onrecord one
"$venv/bin/python" bench/python_bench.py "$data" target/release/onrecord threads
