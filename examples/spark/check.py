"""Integration test of the Spark job: local[2] on a small corpus, its
Parquet output compared record for record with one `onrecord extract` run.

  python examples/spark/check.py --binary target/debug/onrecord

Needs pyspark and pyarrow (examples/spark/test.sh installs them in a venv)
and Java 17.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def corpus(dirname):
    """Two JSONL files of articles from testdata/, one broken line."""
    texts = []
    for sub in ("quotes", "entities", "text"):
        for path in sorted(glob.glob(os.path.join(ROOT, "testdata", sub, "*.txt"))):
            with open(path, encoding="utf-8") as f:
                texts.append(f.read())
    paths = []
    for part in range(2):
        path = os.path.join(dirname, f"part-{part}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for k in range(30):
                if part == 1 and k == 7:
                    f.write("{not json\n")
                text = texts[(part * 30 + k) % len(texts)]
                row = {"id": f"p{part}-{k}", "text": text, "date": f"2025-08-{k % 28 + 1:02d}"}
                f.write(json.dumps(row) + "\n")
        paths.append(path)
    return paths


def normalise(x, drop=()):
    """JSON values as Spark gives them back: nulls dropped, numbers as floats."""
    if isinstance(x, dict):
        return {k: normalise(v) for k, v in x.items() if v is not None and k not in drop}
    if isinstance(x, list):
        return [normalise(v) for v in x]
    if isinstance(x, bool) or isinstance(x, str):
        return x
    if isinstance(x, (int, float)):
        return float(x)
    return x


def single_machine(binary, inputs, mode):
    args = [binary, "extract", "--quiet", "--inline-errors"]
    if mode == "jsonl":
        args += ["--format", "jsonl"]
    done = subprocess.run(args + inputs, capture_output=True, text=True)
    # 1: some records failed (error records in the output); 2: it could not run.
    if done.returncode not in (0, 1):
        raise SystemExit(f"onrecord extract failed ({done.returncode}): {done.stderr}")
    out = done.stdout
    lines = [json.loads(l) for l in out.splitlines()]
    return [l for l in lines if "error" not in l], [l for l in lines if "error" in l]


def spark(binary, inputs, mode, out):
    submit = os.path.join(os.path.dirname(sys.executable), "spark-submit")
    cmd = [submit, "--master", "local[2]", "--conf", "spark.ui.enabled=false",
           os.path.join(HERE, "onrecord_job.py"), "--binary", binary, "--mode", mode,
           "--partitions", "4", "--out", out] + inputs
    import pyspark

    env = dict(os.environ, SPARK_HOME=os.path.dirname(pyspark.__file__),
               PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    log = os.path.join(out + ".log")
    with open(log, "w") as f:
        done = subprocess.run(cmd, env=env, stdout=f, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        with open(log) as f:
            sys.stderr.write(f.read()[-5000:])
        raise SystemExit(f"spark-submit failed ({done.returncode})")
    table = pq.read_table(os.path.join(out, "records"))
    errors = []
    for path in sorted(glob.glob(os.path.join(out, "errors", "part-*"))):
        with open(path, encoding="utf-8") as f:
            errors += [json.loads(l) for l in f if l.strip()]
    return table.to_pylist(), errors


def compare(name, expected, got, drop):
    want = {r["id"]: normalise(r, drop) for r in expected}
    have = {r["id"]: normalise(r, drop) for r in got}
    assert len(want) == len(expected), f"{name}: duplicate ids in the single-machine run"
    assert len(got) == len(expected), f"{name}: {len(got)} records from Spark, {len(expected)} expected"
    for key, record in want.items():
        if have.get(key) != record:
            a, b = have.get(key) or {}, record
            diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            raise AssertionError(f"{name}: record {key} differs in {diff}")
    print(f"{name}: {len(got)} records equal to the single-machine run")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "onrecord"))
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory() as work:
        inputs = corpus(work)
        expected, expected_errors = single_machine(binary, inputs, "jsonl")
        got, errors = spark(binary, inputs, "jsonl", os.path.join(work, "out-jsonl"))
        # `source` names the stream each process read: "-" and the line in
        # the partition for Spark, the file and the line for one run.
        compare("jsonl", expected, got, drop=("source",))
        assert len(errors) == len(expected_errors) == 1, (errors, expected_errors)
        print(f"jsonl: {len(errors)} error record, as in the single-machine run")

        warcs = sorted(glob.glob(os.path.join(ROOT, "testdata", "warc", "*.warc.gz")))
        expected, expected_errors = single_machine(binary, warcs, "warc")
        got, errors = spark(binary, warcs, "warc", os.path.join(work, "out-warc"))
        compare("warc", expected, got, drop=())
        assert len(errors) == len(expected_errors), (errors, expected_errors)


if __name__ == "__main__":
    main()
