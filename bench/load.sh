#!/usr/bin/env bash
# Load test of `onrecord serve` on loopback: the synthetic million-quote
# index of `cargo xtask bench-index`, wrk (Debian's package) with 2
# connections per core for 30 s, mixed API requests (bench/load.lua).
# Usage: bash bench/load.sh   (needs ../shared/data and `apt-get install wrk`)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
cargo build --release --quiet -p onrecord -p xtask
./target/release/xtask bench-index --dir "$dir/index" --queries 1
./target/release/onrecord serve --index "$dir/index" --addr 127.0.0.1:18181 &
server=$!
sleep 2
cores=$(nproc)
wrk -t "$cores" -c $((2 * cores)) -d 30s --latency -s bench/load.lua http://127.0.0.1:18181/
