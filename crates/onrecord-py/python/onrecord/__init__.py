"""onrecord: who said what, when, about whom.

News articles (HTML pages, scraped text, JSONL dumps, WARC archives) become
records: the clean main text, url, date, title, author and site, captions
apart from the body, every attributed statement with its content, cue and
speaker, and the people, organisations and places of the article. The
records are the ones ``onrecord extract`` writes, produced by the same Rust
pipeline, as dicts.

    >>> import onrecord
    >>> r = onrecord.extract(text="“We will win,” the senator said on Tuesday.")
    >>> r["quotes"][0]["content"]["text"]
    '“We will win,”'

Quotes and articles as tables (the columns of ``onrecord export``'s
Parquet files) need pandas and pyarrow: ``quotes_frame``, ``articles_frame``,
``to_arrow``. ``Index`` is the embedded quote index of ``onrecord index``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _onrecord
from ._onrecord import __version__

__all__ = [
    "__version__",
    "OnrecordError",
    "InputError",
    "Summary",
    "Records",
    "Index",
    "extract",
    "extract_many",
    "read",
    "to_arrow",
    "quotes_frame",
    "articles_frame",
]

Item = Union[str, bytes, Dict[str, Any]]
RecordLike = Union[str, Dict[str, Any]]


class OnrecordError(Exception):
    """Base class of the errors onrecord raises."""


class InputError(OnrecordError, ValueError):
    """An input that gave no record: where it was and why.

    ``path`` is the input file (``"<items>"`` for ``extract_many``'s items,
    ``None`` for ``extract``), ``index`` the record's position in it and
    ``offset`` its byte offset (in the decompressed input), as the CLI's
    error lines give them.
    """

    def __init__(
        self,
        message: str,
        path: Optional[str] = None,
        index: Optional[int] = None,
        offset: Optional[int] = None,
    ) -> None:
        where = "" if path is None else f"{path}: record {index} at byte {offset}: "
        super().__init__(where + message)
        self.message = message
        self.path = path
        self.index = index
        self.offset = offset

    @classmethod
    def _of(cls, line: Dict[str, Any]) -> "InputError":
        return cls(line["error"], line.get("path") or None, line.get("index"), line.get("offset"))


_ERRORS = ("record", "raise")


def _check_errors(errors: str) -> None:
    if errors not in _ERRORS:
        raise ValueError(f"errors must be one of {_ERRORS}, not {errors!r}")


def extract(
    html: Optional[str] = None,
    text: Optional[str] = None,
    *,
    url: Optional[str] = None,
    date: Optional[str] = None,
    title: Optional[str] = None,
    author: Optional[str] = None,
    site: Optional[str] = None,
    id: Optional[str] = None,
    quotes: bool = True,
    entities: bool = True,
    raw_text: bool = False,
) -> Dict[str, Any]:
    """One article's record, as one line of ``onrecord extract`` gives it.

    Give either ``html`` (a page) or ``text`` (scraped plain text). ``url``,
    ``date``, ``title``, ``author`` and ``site`` are known metadata and win
    over what the page says; ``id`` is kept as the record id. ``quotes=False``
    and ``entities=False`` skip those stages (text and metadata only, much
    faster); ``raw_text=True`` keeps plain text unchanged in ``text`` so that
    offsets line up with the input.

    Raises :class:`InputError` when the article gives no record (no main
    text, over the size limit).
    """
    if (html is None) == (text is None):
        raise TypeError("give exactly one of html= or text=")
    body = html if html is not None else text
    if not isinstance(body, str):
        raise TypeError(f"html= and text= take str, not {type(body).__name__}")
    ok, line = _onrecord.extract_json(
        body,
        html is not None,
        url=url,
        date=date,
        title=title,
        author=author,
        site=site,
        id=id,
        quotes=quotes,
        entities=entities,
        raw_text=raw_text,
    )
    if not ok:
        raise InputError._of(json.loads(line))
    return json.loads(line)


def _item(item: Item, kind: str) -> Tuple[str, str]:
    if isinstance(item, dict):
        return ("json", json.dumps(item, ensure_ascii=False))
    if isinstance(item, bytes):
        item = item.decode("utf-8", errors="replace")
    if not isinstance(item, str):
        # Passed to Rust as an unknown kind: an error record in its place.
        return (type(item).__name__, "")
    if kind == "auto":
        kind = "html" if item.lstrip("\ufeff \t\r\n").startswith("<") else "text"
    return (kind, item)


def _chunks(items: Iterable[Any], size: int) -> Iterator[List[Any]]:
    chunk: List[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _outcomes(
    outcomes: Iterable[Tuple[bool, str]], errors: str, raw: bool
) -> Iterator[Union[Dict[str, Any], str]]:
    for ok, line in outcomes:
        if ok:
            yield line if raw else json.loads(line)
            continue
        error = json.loads(line)
        if errors == "raise":
            raise InputError._of(error)
        yield line if raw else error


def extract_many(
    items: Iterable[Item],
    *,
    threads: Optional[int] = None,
    kind: str = "auto",
    errors: str = "record",
    quotes: bool = True,
    entities: bool = True,
    raw_text: bool = False,
    raw: bool = False,
) -> Iterator[Union[Dict[str, Any], str]]:
    """Records of many articles, on all cores, in input order.

    Each item is an HTML page or scraped text (a ``str``; ``kind="auto"``
    reads one that starts with ``<`` as HTML, or force ``"html"`` or
    ``"text"``) or a dict with the fields of a JSONL line (``text`` or
    ``html``, ``url``, ``date``, ``title``, ``id``, ...). Items are taken
    from the iterable a chunk at a time, so a generator of millions is
    fine. The GIL is released while the Rust side works.

    A bad item yields an error record, the CLI's inline error line as a
    dict (``{"error", "path": "<items>", "index", "offset"}``), and the rest
    go on; ``errors="raise"`` raises :class:`InputError` instead. ``raw=True``
    yields each record as its JSON line, byte for byte what ``onrecord
    extract`` writes. ``threads``: worker threads (default: all cores); the
    output is the same for any number.
    """
    _check_errors(errors)
    if kind not in ("auto", "html", "text"):
        raise ValueError(f"kind must be auto, html or text, not {kind!r}")
    if threads is not None and threads < 1:
        raise ValueError("threads must be at least 1")
    size = 64 * (threads or os.cpu_count() or 1)

    def run() -> Iterator[Union[Dict[str, Any], str]]:
        first = 0
        for chunk in _chunks(items, size):
            out = _onrecord.extract_many_json(
                [_item(i, kind) for i in chunk],
                first=first,
                threads=threads,
                quotes=quotes,
                entities=entities,
                raw_text=raw_text,
            )
            first += len(chunk)
            yield from _outcomes((o for o in out if o is not None), errors, raw)

    return run()


@dataclass(frozen=True)
class Summary:
    """What a read saw: ``read == written + skipped + failed``."""

    read: int
    written: int
    skipped: int
    failed: int


class Records:
    """The records of a :func:`read`, in input order, read as iterated.

    ``summary`` holds the counts so far (complete once iterated to the end).
    """

    def __init__(self, reader: Any, errors: str, raw: bool) -> None:
        self._reader = reader
        self._errors = errors
        self._raw = raw

    def __iter__(self) -> Iterator[Union[Dict[str, Any], str]]:
        while True:
            batch = self._reader.next_batch()
            if batch is None:
                return
            yield from _outcomes(batch, self._errors, self._raw)

    @property
    def summary(self) -> Summary:
        return Summary(*self._reader.counts())


def read(
    paths: Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]],
    *,
    format: str = "auto",
    threads: Optional[int] = None,
    errors: str = "record",
    quotes: bool = True,
    entities: bool = True,
    raw_text: bool = False,
    raw: bool = False,
) -> Records:
    """Records of files as ``onrecord extract`` reads them.

    ``paths``: files or directories (walked recursively, in sorted order),
    scraped text, JSONL, HTML or WARC, plain, gzip or zstd; ``format`` is
    ``auto`` (per file) or one of ``text``, ``jsonl``, ``html``, ``warc``.
    Every input record gives a record or an error record naming the file,
    the record and its byte offset (``errors="raise"``: an
    :class:`InputError`); WARC records that are not articles are skipped and
    counted. The returned :class:`Records` has the ``summary``.
    """
    _check_errors(errors)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    reader = _onrecord.Reader(
        [os.fspath(p) for p in paths],
        format=format,
        threads=threads,
        quotes=quotes,
        entities=entities,
        raw_text=raw_text,
    )
    return Records(reader, errors, raw)


def _lines(records: Iterable[RecordLike]) -> List[str]:
    out = []
    for r in records:
        if isinstance(r, str):
            out.append(r)
        elif isinstance(r, dict):
            if "error" in r and "text" not in r:
                continue  # an error record: no row
            out.append(json.dumps(r, ensure_ascii=False))
        else:
            raise TypeError(f"a record is a dict or its JSON line, not {type(r).__name__}")
    return out


_TABLES = ("articles", "quotes", "entities", "amounts")


def to_arrow(records: Iterable[RecordLike], table: str = "quotes") -> Any:
    """One table of ``onrecord export`` as a ``pyarrow.Table``.

    ``table``: ``articles``, ``quotes`` (one row per quote with its article's
    date and site and the speaker's corpus key), ``entities`` or ``amounts``.
    The columns and types are the Parquet files'; speaker keys are built over
    the records given, as ``export`` builds them over its inputs. Error
    records are left out.
    """
    import pyarrow as pa  # noqa: PLC0415 (optional dependency)

    if table not in _TABLES:
        raise ValueError(f"table must be one of {_TABLES}, not {table!r}")
    streams = _onrecord.tables_ipc(_lines(records))
    return pa.ipc.open_stream(streams[_TABLES.index(table)]).read_all()


def quotes_frame(records: Iterable[RecordLike]) -> Any:
    """One row per quote, as a pandas DataFrame (see :func:`to_arrow`)."""
    return to_arrow(records, "quotes").to_pandas()


def articles_frame(records: Iterable[RecordLike]) -> Any:
    """One row per article, as a pandas DataFrame (see :func:`to_arrow`)."""
    return to_arrow(records, "articles").to_pandas()


class Index:
    """The embedded quote index (``onrecord index``, ``onrecord serve``) in
    the directory ``path``, created if missing."""

    def __init__(self, path: Union[str, "os.PathLike[str]"]) -> None:
        self._index = _onrecord.Index(os.fspath(path))

    def add(self, records: Iterable[RecordLike]) -> int:
        """Adds records and commits; an article added again replaces itself.
        Returns the number of quotes added."""
        return self._index.add(_lines(records))

    def search(
        self,
        query: Optional[str] = None,
        *,
        speaker: Optional[str] = None,
        outlet: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        kind: Optional[str] = None,
        limit: int = 20,
        offset: int = 0,
        frame: bool = False,
    ) -> Any:
        """Quotes matching: words or ``"phrases"`` in the content, a speaker
        (part of the name), an outlet, days ``since``/``until``
        (``YYYY-MM-DD``, inclusive), a kind (``direct``, ``mixed``,
        ``indirect``). By relevance, then newest first. A list of dicts, or a
        pandas DataFrame with ``frame=True`` (the article's fields as
        ``article_*`` columns)."""
        found = json.loads(
            self._index.search(
                query,
                speaker=speaker,
                outlet=outlet,
                since=since,
                until=until,
                kind=kind,
                limit=limit,
                offset=offset,
            )
        )["quotes"]
        if not frame:
            return found
        import pandas as pd  # noqa: PLC0415 (optional dependency)

        return pd.json_normalize(found, sep="_")

    def speakers(self, query: Optional[str] = None, *, limit: int = 50) -> List[Dict[str, Any]]:
        """Speakers by number of quotes (name, corpus key, quotes, first and
        last date), those whose name matches ``query`` if given."""
        return json.loads(self._index.speakers(query, limit=limit))

    def timeline(self, speaker: str) -> List[Tuple[str, int]]:
        """A speaker's quotes per day, ``(YYYY-MM-DD, count)`` ascending,
        over every form of the name the corpus key joins."""
        return [tuple(d) for d in self._index.timeline(speaker)]  # type: ignore[misc]

    def article(self, id: str) -> Optional[Dict[str, Any]]:
        """The whole record of an indexed article, or ``None``."""
        line = self._index.article(id)
        return None if line is None else json.loads(line)

    def counts(self) -> Tuple[int, int]:
        """``(articles, quotes)`` in the index."""
        return self._index.counts()
