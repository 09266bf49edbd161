#!/usr/bin/env bash
# Side-by-side main-text extraction on the 181 benchmark pages, one thread:
# onrecord, trafilatura and resiliparse (from PyPI, into bench/.venv).
# Usage: bash bench/peers.sh [DIR [eval-html options]]   (DIR: a set in the
# benchmark's layout, default the 181 pages; e.g. ../shared/data/wcxb-dev
# --type article; needs ../shared/data beside the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${ONRECORD_SHARED:-$PWD/../shared}/data/article-extraction-benchmark}"
shift || true
venv=bench/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet trafilatura==2.3.1 lxml_html_clean resiliparse
fi
out=$(mktemp -d)
"$venv/bin/python" bench/peers.py "$data" "$out"
cargo xtask eval-html --dir "$data" --repeat 5 "$@"
for peer in trafilatura trafilatura-precision resiliparse; do
  echo "== $peer"
  cargo xtask eval-html --dir "$data" --predictions "$out/$peer.json" --repeat 0 "$@"
  cat "$out/$peer.speed"
done
