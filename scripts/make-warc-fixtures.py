"""Rebuilds the WARC fixtures: python3 scripts/make-warc-fixtures.py (from the repo root).

small.warc.gz: per-record gzip (as Common Crawl ships it) with a warcinfo,
a request, an HTML response, a chunked+gzipped HTML response in
windows-1252, a PNG response and a redirect.
bad/broken.warc: a good record, a record with a broken header, a good
record, then a truncated record.
"""
import gzip
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "testdata"


def record(kind, uri, block, content_type="application/http; msgtype=response"):
    head = (
        "WARC/1.1\r\n"
        f"WARC-Type: {kind}\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2025-08-16T12:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, uri))) % 10**12:012d}>\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n"
        "\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def http(body, content_type="text/html; charset=utf-8", status="200 OK", extra=""):
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}\r\n".encode() + body
    )


def chunked(data, size=50):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


article = (ROOT / "html" / "article-with-figure.html").read_bytes()
latin = (
    "<html><head><title>Caf\u00e9 owners protest</title></head><body><article>"
    "<p>Caf\u00e9 owners in Li\u00e8ge protested on Monday against a new tax on terraces, "
    "which the city council approved last month by a narrow margin.</p>"
    "<p>\u00abWe cannot survive another winter like this,\u00bb one owner said outside the town hall.</p>"
    "</article></body></html>"
).encode("windows-1252")
records = [
    record("warcinfo", "", b"software: make.py\r\n", "application/warc-fields"),
    record("request", "https://news.example.com/2025/03/04/rail-plan", b"GET /2025/03/04/rail-plan HTTP/1.1\r\n\r\n", "application/http; msgtype=request"),
    record("response", "https://news.example.com/2025/03/04/rail-plan", http(article)),
    record("response", "https://example.be/liege-cafes", http(chunked(gzip.compress(latin, mtime=0)), "text/html; charset=windows-1252", extra="Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n")),
    record("response", "https://example.be/logo.png", http(b"\x89PNG\r\n\x1a\nxxxx", "image/png")),
    record("response", "https://example.be/old", http(b"", status="301 Moved Permanently", extra="Location: https://example.be/new\r\n")),
]
with open(ROOT / "warc" / "small.warc.gz", "wb") as f:
    for r in records:
        f.write(gzip.compress(r, mtime=0))

good = record("response", "https://example.be/liege-cafes", http(latin, "text/html; charset=windows-1252"))
broken = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: banana\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>lost</p>\r\n\r\n"
truncated = record("response", "https://example.be/cut", http(article))[:400]
(ROOT / "bad" / "broken.warc").write_bytes(good + broken + good + truncated)
