"""The native half of onrecord (Rust, PyO3). Use the functions of the
`onrecord` package; these are its building blocks."""

from typing import List, Optional, Sequence, Tuple

__version__: str

def extract_json(
    body: str,
    html: bool,
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
    max_record_bytes: int = 67108864,
) -> Tuple[bool, str]: ...
def extract_many_json(
    items: Sequence[Tuple[str, str]],
    *,
    first: int = 0,
    threads: Optional[int] = None,
    quotes: bool = True,
    entities: bool = True,
    raw_text: bool = False,
    max_record_bytes: int = 67108864,
) -> List[Optional[Tuple[bool, str]]]: ...
def tables_ipc(records: Sequence[str]) -> Tuple[bytes, bytes, bytes, bytes]: ...

class Reader:
    def __init__(
        self,
        paths: Sequence[str],
        *,
        format: str = "auto",
        threads: Optional[int] = None,
        quotes: bool = True,
        entities: bool = True,
        raw_text: bool = False,
        max_record_bytes: int = 67108864,
    ) -> None: ...
    def next_batch(self) -> Optional[List[Tuple[bool, str]]]: ...
    def counts(self) -> Tuple[int, int, int, int]: ...

class Index:
    def __init__(self, path: str) -> None: ...
    def add(self, records: Sequence[str]) -> int: ...
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
    ) -> str: ...
    def speakers(self, query: Optional[str] = None, *, limit: int = 50) -> str: ...
    def timeline(self, name: str) -> List[Tuple[str, int]]: ...
    def counts(self) -> Tuple[int, int]: ...
    def article(self, id: str) -> Optional[str]: ...
