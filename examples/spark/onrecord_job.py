"""Run onrecord over a corpus on Apache Spark and write Parquet.

The extraction is a pure function of each article, so Spark only has to
move data: every partition is piped through the `onrecord` binary, which
Spark ships to the executors (`--files`), and the records it prints become
a DataFrame written as Parquet.

Two inputs:
  --mode jsonl  JSONL files of articles (a `text` or `html` field, as
                `onrecord extract` reads them). Lines are piped through
                `onrecord extract --format jsonl --inline-errors -`
                (as RDD.pipe does, in mapPartitions so that the binary is
                found on each executor): one output line per input line, a
                failed line giving an error record in its place.
  --mode warc   WARC files (Common Crawl News, .warc.gz). Each executor task
                takes whole files (one per partition) and runs
                `onrecord extract --inline-errors PATH` on them
                (mapPartitions); the paths must be readable from every
                executor (a shared filesystem, or download them first).

Output: OUT/records (Parquet, one row per article, the record schema of
docs/record.md) and OUT/errors (JSON lines: error, path, index, offset).

Local run (what examples/spark/test.sh does):
  spark-submit --master 'local[2]' examples/spark/onrecord_job.py \
      --binary target/release/onrecord --mode jsonl --out /tmp/out in/*.jsonl
Cluster run: see docs/scale.md.
"""

import argparse
import json
import os
import subprocess

from pyspark import SparkFiles
from pyspark.sql import SparkSession


def binary_path(name):
    """The shipped binary on an executor, else the path as given."""
    shipped = SparkFiles.get(os.path.basename(name))
    if os.path.exists(shipped):
        os.chmod(shipped, 0o755)
        return shipped
    return os.path.abspath(name)


# onrecord's exit status when some input records failed (each is an error
# record in the output) and the rest were written.
SOME_FAILED = 1


def extract_files(binary, extra):
    def run(paths):
        exe = binary_path(binary)
        for path in paths:
            proc = subprocess.Popen(
                [exe, "extract", "--quiet", "--inline-errors", *extra, path],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            for line in proc.stdout:
                yield line.rstrip("\n")
            # 1: some records failed, and they are error records already.
            # 2 (or a signal): the run could not go on; the task fails and
            # Spark retries it.
            if proc.wait() not in (0, SOME_FAILED):
                raise RuntimeError(f"onrecord failed on {path} (exit {proc.returncode})")

    return run


def pipe_lines(binary, extra):
    """RDD.pipe, with the binary found on the executor: the partition's
    lines go to `onrecord extract --format jsonl -`, one record or error
    record comes back per line, in order."""

    def run(lines):
        import threading

        exe = binary_path(binary)
        proc = subprocess.Popen(
            [exe, "extract", "--quiet", "--format", "jsonl", "--inline-errors", *extra, "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

        def feed():
            try:
                for line in lines:
                    proc.stdin.write(line + "\n")
            finally:
                proc.stdin.close()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        for line in proc.stdout:
            yield line.rstrip("\n")
        writer.join()
        if proc.wait() not in (0, SOME_FAILED):
            raise RuntimeError(f"onrecord failed (exit {proc.returncode})")

    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="input files (local paths or URIs Spark reads)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--mode", choices=["jsonl", "warc"], default="jsonl")
    ap.add_argument("--binary", default="onrecord", help="the onrecord binary (shipped with --files)")
    ap.add_argument("--partitions", type=int, default=0, help="input partitions (default: Spark's)")
    ap.add_argument("--no-entities", action="store_true", help="skip entities, amounts and dates")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads per onrecord process (Spark runs one task per core: 1)")
    args = ap.parse_args()

    spark = SparkSession.builder.appName("onrecord").getOrCreate()
    sc = spark.sparkContext
    if os.path.exists(args.binary) and args.binary not in (sc.getConf().get("spark.files") or ""):
        sc.addFile(os.path.abspath(args.binary))
    extra = ["--threads", str(args.threads)] + (["--no-entities"] if args.no_entities else [])

    if args.mode == "jsonl":
        lines = sc.textFile(",".join(args.inputs), minPartitions=args.partitions or None)
        out = lines.mapPartitions(pipe_lines(args.binary, extra))
    else:
        paths = sc.parallelize(args.inputs, len(args.inputs))
        out = paths.mapPartitions(extract_files(args.binary, extra))

    out = out.cache()
    records = out.filter(lambda line: not line.startswith('{"error"'))
    errors = out.filter(lambda line: line.startswith('{"error"'))
    df = spark.read.json(records)
    df.write.mode("overwrite").parquet(os.path.join(args.out, "records"))
    errors.saveAsTextFile(os.path.join(args.out, "errors"))
    print(json.dumps({"records": df.count(), "errors": errors.count()}))
    spark.stop()


if __name__ == "__main__":
    main()
