"""Reads `onrecord export` Parquet with pyarrow and DuckDB and checks it
against the records it came from.

  python examples/parquet/check.py --binary target/debug/onrecord
"""

import argparse
import json
import os
import subprocess
import tempfile

import duckdb
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "onrecord"))
    binary = os.path.abspath(ap.parse_args().binary)
    with tempfile.TemporaryDirectory() as work:
        records_path = os.path.join(work, "records.jsonl")
        inputs = [os.path.join(ROOT, "testdata", d) for d in ("quotes", "entities", "text", "html", "warc")]
        subprocess.run([binary, "extract", "--quiet", "-o", records_path] + inputs, check=True,
                       stderr=subprocess.DEVNULL)
        with open(records_path, encoding="utf-8") as f:
            records = [json.loads(l) for l in f]
        out = os.path.join(work, "parquet")
        subprocess.run([binary, "export", "--quiet", "--out", out, records_path], check=True)

        # pyarrow: every row, field for field.
        articles = pq.read_table(os.path.join(out, "articles.parquet")).to_pylist()
        assert [a["id"] for a in articles] == [r["id"] for r in records]
        for a, r in zip(articles, records):
            assert a["text"] == r["text"] and a["url"] == r["url"] and a["date"] == r["date"]
        quotes = pq.read_table(os.path.join(out, "quotes.parquet")).to_pylist()
        want = [(r["id"], i, q["content"]["text"], q["speaker_name"])
                for r in records for i, q in enumerate(r["quotes"])]
        have = [(q["article_id"], q["quote_index"], q["content"], q["speaker_name"]) for q in quotes]
        assert have == want, "quotes differ"
        entities = pq.read_table(os.path.join(out, "entities.parquet")).to_pylist()
        assert len(entities) == sum(len(r["entities"]) for r in records)
        amounts = pq.read_table(os.path.join(out, "amounts.parquet")).to_pylist()
        assert len(amounts) == sum(len(r["amounts"]) for r in records)
        print(f"pyarrow: {len(articles)} articles, {len(quotes)} quotes, "
              f"{len(entities)} entities, {len(amounts)} amounts, equal to the records")

        # DuckDB: the files join on the article id (a page crawled twice
        # is two articles with one id, hence `distinct`).
        con = duckdb.connect()
        q = os.path.join(out, "quotes.parquet")
        a = os.path.join(out, "articles.parquet")
        rows = con.execute(
            f"select q.speaker_key, count(*) n, min(a.url) from '{q}' q "
            f"join (select distinct id, url from '{a}') a "
            f"on q.article_id = a.id where q.speaker_key is not null group by 1 order by n desc, 1"
        ).fetchall()
        top = {}
        for r in records:
            for qq in r["quotes"]:
                if qq["speaker_name"]:
                    top[qq["speaker_name"]] = top.get(qq["speaker_name"], 0) + 1
        assert sum(n for _, n, _ in rows) == sum(top.values())
        print(f"duckdb: {len(rows)} speaker keys, most quoted {rows[0][0]!r} ({rows[0][1]})")


if __name__ == "__main__":
    main()
