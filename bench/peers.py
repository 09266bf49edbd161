"""Runs the Python peers on the benchmark pages, one thread, HTML decoded
in memory before timing. Writes <out>/<peer>.json (benchmark format) and
<out>/<peer>.speed (pages/s and MB/s). trafilatura's file also carries
title, author and date from `trafilatura.extract_metadata`, read outside
the timing, so that eval-html scores its metadata beside onrecord's."""
import gzip
import json
import pathlib
import sys
import time

data = pathlib.Path(sys.argv[1])
out = pathlib.Path(sys.argv[2])
truth = json.loads((data / "ground-truth.json").read_text())
keys = sorted(truth)
pages = [gzip.open(data / "html" / f"{k}.html.gz", "rt", encoding="utf-8").read() for k in keys]
size = sum(len(p.encode()) for p in pages)


def trafilatura_run(html):
    import trafilatura
    return trafilatura.extract(html, include_comments=False) or ""


def trafilatura_precision_run(html):
    import trafilatura
    return trafilatura.extract(html, include_comments=False, favor_precision=True) or ""


def resiliparse_run(html):
    from resiliparse.extract.html2text import extract_plain_text
    return extract_plain_text(html, main_content=True, alt_texts=False, links=False, list_bullets=False,
                              noscript=False, form_fields=False, comments=False)


PEERS = [
    ("trafilatura", trafilatura_run),
    ("trafilatura-precision", trafilatura_precision_run),
    ("resiliparse", resiliparse_run),
]
for name, fn in PEERS:
    fn(pages[0])  # import and warm up outside the timing
    start = time.perf_counter()
    preds = [fn(p) for p in pages]
    secs = time.perf_counter() - start
    rows = {k: {"articleBody": p} for k, p in zip(keys, preds)}
    if name == "trafilatura":
        import trafilatura
        for k, html in zip(keys, pages):
            meta = trafilatura.extract_metadata(html)
            if meta is not None:
                rows[k].update(title=meta.title or "", author=meta.author or "", date=meta.date or "")
    (out / f"{name}.json").write_text(json.dumps(rows))
    (out / f"{name}.speed").write_text(
        f"speed, 1 thread: {len(pages) / secs:.0f} pages/s, {size / secs / 1e6:.1f} MB/s\n")
