#!/usr/bin/env bash
# Corpus-scale run: throughput on 1 and 2 cores and peak memory across
# WARC sizes. Generates the WARCs from the extraction benchmark's pages
# (needs ../shared), then times `onrecord extract` on each with
# /usr/bin/time, pinned to cores with taskset.
#   bash bench/scale.sh [out.txt]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/dev/stdout}"
cargo build --release --locked -p onrecord -p xtask >/dev/null 2>&1
bin=target/release/onrecord
dir="${SCALE_DIR:-/tmp}"
for mb in 512 1024 2048 7680; do
  [ -f "$dir/w$mb.warc.gz" ] || target/release/xtask make-warc --size-mb "$mb" --out "$dir/w$mb.warc.gz" >/dev/null
done
run() { # cores file
  local log
  log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log.time" taskset -c "$1" "$bin" extract --quiet "$2" >/dev/null 2>"$log"
  local secs kb summary
  read -r secs kb < "$log.time"
  summary=$(grep '^read ' "$log")
  local pages size
  pages=$(echo "$summary" | sed -E 's/read ([0-9]+).*/\1/')
  size=$(python3 -c "import gzip,sys
n=0
with gzip.open(sys.argv[1],'rb') as f:
    while True:
        b=f.read(1<<24)
        if not b: break
        n+=len(b)
print(n)" "$2")
  printf '%-22s cores=%-4s %7.1f s %8.0f pages/s %7.1f MB/s  peak RSS %4d MB  (%s)\n' \
    "$(basename "$2")" "$1" "$secs" "$(echo "$pages / $secs" | bc -l)" \
    "$(echo "$size / 1000000 / $secs" | bc -l)" "$((kb / 1024))" "$summary"
  rm -f "$log" "$log.time"
}
{
  echo "# onrecord extract (quotes, entities, amounts, dates), $(date -u +%F), $(nproc) cores"
  echo "# MB/s are of uncompressed WARC; compressed sizes: $(ls -lL "$dir"/w{512,1024,2048,7680}.warc.gz | awk '{printf "%s %.0f MB; ", $9, $5/1e6}')"
  for mb in 512 1024 2048 7680; do run 0,1 "$dir/w$mb.warc.gz"; done
  run 0 "$dir/w2048.warc.gz"
  run 0,1 "$dir/w2048.warc.gz"
} | tee "$out"
