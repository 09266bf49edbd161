#!/usr/bin/env bash
# Load test of `onrecord serve` on loopback, over the synthetic million-quote
# index of `cargo xtask bench-index`, with the mixed API requests of
# bench/load.lua:
#  1. saturation: wrk (Debian's package), 2 connections per core, 30 s;
#  2. hostile clients beside normal ones: `cargo xtask load`, 200 kept-alive
#     connections sending open-loop at LOAD_RATE requests/s (default 200)
#     plus 50 slowloris clients (a request head one byte a second) and 50
#     idle connections, 30 s; latency counted from when each request was due.
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
echo "== saturation: wrk, $((2 * cores)) connections"
wrk -t "$cores" -c $((2 * cores)) -d 30s --latency -s bench/load.lua http://127.0.0.1:18181/
echo "== 200 connections at ${LOAD_RATE:-200} requests/s, 50 slow and 50 idle clients"
./target/release/xtask load --addr 127.0.0.1:18181 --connections 200 --rate "${LOAD_RATE:-200}" \
  --slow 50 --idle 50 --seconds 30
