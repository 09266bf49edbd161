"""The Python package against the CLI it wraps: the same records byte for
byte, every input accounted for, the same output for any thread count, the
GIL released while Rust works, and the export's tables and the index as the
CLI gives them.

Run from the repository root (CI: `.ci/python`): `pytest crates/onrecord-py/tests`.
The CLI is `$ONRECORD_BIN`, else `target/debug/onrecord`.
"""

import gzip
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

import onrecord

ROOT = Path(__file__).resolve().parents[3]
TESTDATA = ROOT / "testdata"


def cli():
    exe = Path(os.environ.get("ONRECORD_BIN", ROOT / "target" / "debug" / "onrecord"))
    assert exe.exists(), f"the onrecord CLI is not at {exe}: build it or set ONRECORD_BIN"
    return str(exe)


def run_cli(*args):
    return subprocess.run(
        [cli(), *args], cwd=ROOT, capture_output=True, check=False
    ).stdout.decode("utf-8")


def test_records_equal_the_clis_byte_for_byte_over_all_of_testdata():
    expected = run_cli("extract", "--inline-errors", "--threads", "2", "testdata").splitlines()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        got = list(onrecord.read("testdata", raw=True, threads=2))
    finally:
        os.chdir(cwd)
    assert len(expected) > 10
    assert got == expected
    # As dicts, too.
    os.chdir(ROOT)
    try:
        dicts = list(onrecord.read("testdata"))
    finally:
        os.chdir(cwd)
    assert dicts == [json.loads(line) for line in expected]


def test_every_input_record_is_a_record_or_an_error_and_the_summary_adds_up():
    records = onrecord.read(TESTDATA)
    out = list(records)
    s = records.summary
    assert s.read == s.written + s.skipped + s.failed
    assert len(out) == s.written + s.failed
    errors = [r for r in out if "error" in r]
    assert len(errors) == s.failed > 0
    for e in errors:
        assert set(e) == {"error", "path", "index", "offset"}
        assert e["path"].startswith(str(TESTDATA))


def test_broken_files_raise_with_file_record_and_offset(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "The mayor said the bridge would close in March."}\n{not json\n')
    with pytest.raises(onrecord.InputError) as e:
        list(onrecord.read(bad, errors="raise"))
    assert e.value.path == str(bad) and e.value.index == 1 and e.value.offset > 0
    assert f"{bad}: record 1 at byte" in str(e.value)
    # Without raising, the good line is kept and the bad one reported.
    out = list(onrecord.read(bad))
    assert "text" in out[0] and out[1]["index"] == 1
    gz = tmp_path / "cut.jsonl.gz"
    gz.write_bytes(gzip.compress(b'{"text": "He said so."}\n' * 50)[:-20])
    records = onrecord.read(gz)
    list(records)
    assert records.summary.failed >= 1


def test_extract_is_the_pipeline_the_cli_runs():
    page = (TESTDATA / "html" / "article-with-figure.html").read_text()
    from_file = json.loads(run_cli("extract", "testdata/html/article-with-figure.html"))
    record = onrecord.extract(html=page)
    from_file.pop("source")
    assert record.pop("source") is None
    assert record == from_file
    fast = onrecord.extract(html=page, quotes=False, entities=False)
    assert fast["text"] == record["text"] and fast["quotes"] == [] and fast["entities"] == []
    text = onrecord.extract(text="He said so.\n\n“We will win,” she said.", raw_text=True)
    assert text["text"] == "He said so.\n\n“We will win,” she said."
    hinted = onrecord.extract(text="The mayor said it would close.", url="https://a.example/x", date="2024-05-01")
    assert hinted["url"] == "https://a.example/x" and hinted["date"].startswith("2024-05-01")


def test_bad_items_give_error_records_or_exceptions_and_nothing_goes_missing():
    items = [
        "<html><body><nav>menu</nav></body></html>",
        "The mayor said the bridge would close in March.",
        {"text": "The governor said the state could not afford it.", "url": "https://b.example/y"},
        {"title": "no body"},
        42,
        b"The minister said talks would resume.",
    ]
    out = list(onrecord.extract_many(items, threads=2))
    assert len(out) == len(items)
    assert [("error" in o) for o in out] == [True, False, False, True, True, False]
    assert [o["source"]["index"] if "source" in o else o["index"] for o in out] == list(range(6))
    assert out[2]["url"] == "https://b.example/y"
    with pytest.raises(onrecord.InputError) as e:
        list(onrecord.extract_many(items, errors="raise"))
    assert e.value.index == 0 and e.value.path == "<items>"
    with pytest.raises(onrecord.InputError):
        onrecord.extract(html="<html></html>")
    with pytest.raises(TypeError):
        onrecord.extract()
    with pytest.raises(ValueError):
        list(onrecord.extract_many([], errors="ignore"))


def corpus():
    """Every article of testdata as extract_many items, several times."""
    items = []
    for path in sorted(TESTDATA.rglob("*")):
        if path.suffix in (".txt", ".html") and "bad" not in path.parts:
            items.append(path.read_text())
        elif path.suffix == ".jsonl" and "bad" not in path.parts:
            for line in path.read_text().splitlines():
                try:
                    items.append(json.loads(line))
                except ValueError:
                    items.append(line)
    return items * 8


def test_extract_many_is_the_same_for_any_thread_count():
    items = corpus()
    one = list(onrecord.extract_many(items, threads=1, raw=True))
    assert len(one) == len(items)
    for threads in (2, 3, None):
        assert list(onrecord.extract_many(items, threads=threads, raw=True)) == one


def test_the_gil_is_released_while_rust_works():
    # Long articles: each a few times the committed article of quotation forms.
    items = [(TESTDATA / "quotes" / "forms.txt").read_text() * 6] * 256
    done = threading.Event()
    took = []

    def work():
        start = time.perf_counter()
        for _ in onrecord.extract_many(items, threads=1):
            pass
        took.append(time.perf_counter() - start)
        done.set()

    worker = threading.Thread(target=work)
    gaps = []
    last = time.perf_counter()
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        time.sleep(0.001)
    worker.join()
    # A chunk of 64 articles takes far longer than this; a held GIL would
    # stop this loop for a whole chunk.
    chunk_time = took[0] * 64 / len(items)
    assert chunk_time > 0.1, "too little work to tell"
    assert max(gaps) < chunk_time / 2, (max(gaps), chunk_time)
    assert len(gaps) > 50


def test_tables_are_the_parquet_exports(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    records_file = tmp_path / "records.jsonl"
    records_file.write_text(run_cli("extract", "testdata"))
    subprocess.run(
        [cli(), "export", "--quiet", "--out", str(tmp_path / "out"), str(records_file)],
        check=True,
        capture_output=True,
    )
    lines = records_file.read_text().splitlines()
    for table in ("articles", "quotes", "entities", "amounts"):
        exported = pq.read_table(tmp_path / "out" / f"{table}.parquet")
        ours = onrecord.to_arrow(lines, table)
        assert ours.schema.equals(exported.schema, check_metadata=False), table
        assert ours.equals(exported.cast(ours.schema)), table
    frame = onrecord.quotes_frame(json.loads(line) for line in lines)
    assert len(frame) == sum(len(json.loads(line)["quotes"]) for line in lines) > 5
    assert {"speaker_key", "speaker_name", "content", "site", "date"} <= set(frame.columns)
    assert len(onrecord.articles_frame(lines)) == len(lines)
    # No quotes at all: the columns are still there.
    empty = onrecord.quotes_frame([])
    assert list(empty.columns) == list(frame.columns) and len(empty) == 0


def test_index_adds_searches_and_replaces(tmp_path):
    records = [r for r in onrecord.read(TESTDATA) if "error" not in r]
    index = onrecord.Index(tmp_path / "idx")
    added = index.add(records)
    assert added == sum(len(r["quotes"]) for r in records) > 5
    # testdata holds some articles twice (the same id): the later replaces.
    last = {r["id"]: r for r in records}
    held = (len(last), sum(len(r["quotes"]) for r in last.values()))
    assert index.counts() == held
    index.add(records)
    assert index.counts() == held, "re-adding duplicated articles"
    hits = index.search(speaker="Putin")
    assert hits and all("Putin" in (h["speaker_name"] or "") for h in hits)
    frame = index.search("talks", frame=True)
    assert "article_id" in frame.columns
    speakers = index.speakers()
    assert speakers[0]["quotes"] >= speakers[-1]["quotes"]
    name = next(s["name"] for s in speakers if s["first"])
    days = index.timeline(name)
    assert days and all(len(d) == 2 and d[1] > 0 for d in days)
    some = records[0]["id"]
    assert index.article(some)["id"] == some
    assert index.article("no-such-id") is None
