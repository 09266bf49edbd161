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
# Speed: ROUNDS rounds (default 3), each the peers then onrecord, so that a
# slow spell of a shared machine falls on both; the best round of each is
# reported, and the ratios from those.
rounds="${ROUNDS:-3}"
: > "$out/speeds"
for r in $(seq "$rounds"); do
  "$venv/bin/python" bench/peers.py "$data" "$out"
  for peer in trafilatura trafilatura-precision resiliparse; do
    sed "s/^speed, 1 thread:/$peer:/" "$out/$peer.speed" >> "$out/speeds"
  done
  cargo xtask eval-html --dir "$data" --repeat 3 "$@" 2>/dev/null |
    sed -n 's/^speed, 1 thread, \(.*\): \([0-9]*\) pages\/s, \([0-9.]*\) MB\/s.*/onrecord \1: \2 pages\/s, \3 MB\/s/p' >> "$out/speeds"
done
cargo xtask eval-html --dir "$data" --repeat 0 "$@"
for peer in trafilatura trafilatura-precision resiliparse; do
  echo "== $peer"
  cargo xtask eval-html --dir "$data" --predictions "$out/$peer.json" --repeat 0 "$@"
done
echo "== speed, one thread, best of $rounds rounds"
python3 - "$out/speeds" <<'PY'
import re, sys
best = {}
for line in open(sys.argv[1]):
    name, rest = line.split(": ", 1)
    pages, mb = re.findall(r"[0-9.]+", rest)[:2]
    if float(pages) > best.get(name, (0, 0))[0]:
        best[name] = (float(pages), float(mb))
for name, (pages, mb) in best.items():
    print(f"{name}: {pages:.0f} pages/s, {mb:.1f} MB/s")
ours = best.get("onrecord text and metadata", (0, 0))[0]
for peer in ("trafilatura", "resiliparse"):
    if peer in best and ours:
        print(f"onrecord text and metadata / {peer}: {ours / best[peer][0]:.2f}x")
PY
