#!/usr/bin/env bash
# The examples' integration tests: Parquet read by pyarrow and DuckDB, and
# the Spark job in local[2] mode equal to one `onrecord extract` run.
# Installs pyarrow, duckdb and pyspark from PyPI into a venv (default
# target/example-venv); needs Java 17 for Spark.
#   bash examples/test.sh [path/to/onrecord]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/onrecord}"
[ -x "$bin" ] || cargo build -p onrecord --locked
venv="${EXAMPLES_VENV:-target/example-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q -r examples/requirements.txt
"$venv/bin/python" examples/parquet/check.py --binary "$bin"
"$venv/bin/python" examples/spark/check.py --binary "$bin"
