"""The build cache: what `studykit build` remembers between runs so unchanged work is skipped.

One SQLite file, `<data dir>/cache/build.sqlite`, shared by every deck spec. It is a cache:
deleting it only makes the next build slow (a cold build), and a file that cannot be read
(damaged, or written by another cache format) is moved aside and started anew.
(The study store is the other SQLite file studykit keeps; this one never holds anything
that cannot be made again.)

What it holds:
- `http`: per URL the validators (ETag / Last-Modified) and the last body, so a request
  answered `304 Not Modified` reuses the body (`CachingFetcher`);
- `sources`: per source (URL or absolute path) the posts read from it last time, and, when
  that read was complete (no errors, no article missing), a fingerprint: for a URL its
  answer `304` then means nothing changed (no parsing, no article fetched); for a local file
  or folder the fingerprint holds the size and modification time of every file in it, so an
  untouched folder is not parsed again. A source that fails keeps its last posts;
- `extractions`: per post content hash and extractor version, the claims and formulas
  spaCy found (no NLP for an unchanged post);
- `selections`: per chain key (the post, everything before it in its series, the card
  options, the code version) the cards made and the series' dedupe memory after them (no
  card selection either when nothing upstream changed);
- `spec_cards`: per deck spec the cards of its last build, when each was first seen and
  when its text last changed (new/changed/retired counts; Anki note mod times);
- `outputs`: per output file a digest of what was written, to skip rewriting it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from studykit import paths
from studykit.models import Post

if TYPE_CHECKING:  # imported on use: a build of local folders needs no HTTP client
    from studykit.sources.fetch import FetchResult

CACHE_FORMAT = 1  # bump when the tables or what they hold change: old caches are dropped
CACHE_NAME = "build.sqlite"
PRUNE_AFTER_DAYS = 60  # extractions and selections unused this long are deleted

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS http (
        url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, final_url TEXT NOT NULL,
        content_type TEXT NOT NULL, content BLOB NOT NULL, text TEXT NOT NULL,
        stored_at REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS sources (
        source TEXT PRIMARY KEY, is_feed INTEGER NOT NULL, posts TEXT NOT NULL,
        fingerprint TEXT, stored_at REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS extractions (
        hash TEXT NOT NULL, version TEXT NOT NULL, data BLOB NOT NULL, used_at REAL NOT NULL,
        PRIMARY KEY (hash, version))""",
    """CREATE TABLE IF NOT EXISTS selections (
        key TEXT PRIMARY KEY, cards BLOB NOT NULL, memory BLOB NOT NULL, used_at REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS spec_cards (
        spec TEXT NOT NULL, card_id TEXT NOT NULL, digest TEXT NOT NULL,
        first_seen REAL NOT NULL, changed_at REAL NOT NULL, PRIMARY KEY (spec, card_id))""",
    """CREATE TABLE IF NOT EXISTS outputs (
        path TEXT PRIMARY KEY, digest TEXT NOT NULL, size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL)""",
)


def cache_path() -> Path:
    return paths.data_dir() / "cache" / CACHE_NAME


@dataclass(frozen=True)
class CardRecord:
    """A card of a spec's last build: a digest of its text, first seen, text last changed."""

    digest: str
    first_seen: float
    changed_at: float


@dataclass(frozen=True)
class SourceRecord:
    is_feed: bool
    posts: list[Post]
    fingerprint: str | None  # None: the last read was not complete (read it again)


def _pack(data: object) -> bytes:
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 3)


def _unpack(blob: bytes) -> object:
    return json.loads(zlib.decompress(blob))


class BuildCache:
    """The cache file, opened (and created) on construction. Writes are grouped: call
    `commit()` after a batch (the context manager commits on a clean exit)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.notes: list[str] = []
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(self.path.name + ".broken")
            os.replace(self.path, aside)
            self.notes.append(f"the build cache {self.path} could not be read ({exc}); "
                              f"moved it to {aside.name} and started a new one")
            self._conn = self._open()
        self._touched_extractions: set[tuple[str, str]] = set()
        self._touched_selections: set[str] = set()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, CACHE_FORMAT):  # another format: it is only a cache
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                    conn.execute(f'DROP TABLE "{name}"')
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={CACHE_FORMAT}")
            conn.commit()
        except BaseException:
            conn.close()
            raise
        return conn

    def __enter__(self) -> BuildCache:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.commit()
        self.close()

    def commit(self) -> None:
        now = time.time()
        if self._touched_extractions:
            self._conn.executemany("UPDATE extractions SET used_at = ? WHERE hash = ? AND version = ?",
                                   [(now, h, v) for h, v in self._touched_extractions])
            self._touched_extractions.clear()
        if self._touched_selections:
            self._conn.executemany("UPDATE selections SET used_at = ? WHERE key = ?",
                                   [(now, k) for k in self._touched_selections])
            self._touched_selections.clear()
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()

    # ---- HTTP ----

    def http(self, url: str) -> FetchResult | None:
        from studykit.sources.fetch import FetchResult

        row = self._conn.execute(
            "SELECT etag, last_modified, final_url, content_type, content, text FROM http WHERE url = ?",
            (url,)).fetchone()
        if row is None:
            return None
        etag, last_modified, final_url, content_type, content, text = row
        return FetchResult(url=final_url, status=200, content=content, text=text,
                           content_type=content_type, etag=etag, last_modified=last_modified,
                           not_modified=False)

    def put_http(self, url: str, result: FetchResult) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO http VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (url, result.etag, result.last_modified, result.url, result.content_type,
             result.content, result.text, time.time()))

    # ---- sources ----

    def source(self, source: str) -> SourceRecord | None:
        row = self._conn.execute("SELECT is_feed, posts, fingerprint FROM sources WHERE source = ?",
                                 (source,)).fetchone()
        if row is None:
            return None
        try:
            posts = [Post.model_validate(p) for p in json.loads(row[1])]
        except ValueError:
            return None  # written by an older Post model: read the source again
        return SourceRecord(bool(row[0]), posts, row[2])

    def put_source(self, source: str, is_feed: bool, posts: Iterable[Post],
                   fingerprint: str | None = None) -> None:
        data = json.dumps([p.model_dump(mode="json") for p in posts], ensure_ascii=False)
        self._conn.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
                           (source, int(is_feed), data, fingerprint, time.time()))

    # ---- extractions and selections ----

    def extraction(self, content_hash: str, version: str) -> dict[str, Any] | None:
        row = self._conn.execute("SELECT data FROM extractions WHERE hash = ? AND version = ?",
                                 (content_hash, version)).fetchone()
        if row is None:
            return None
        self._touched_extractions.add((content_hash, version))
        return cast(dict[str, Any], _unpack(row[0]))

    def put_extraction(self, content_hash: str, version: str, data: dict[str, Any]) -> None:
        self._conn.execute("INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?)",
                           (content_hash, version, _pack(data), time.time()))

    def selection(self, key: str) -> tuple[list[dict[str, Any]], bytes] | None:
        """(card dicts, series memory after them) made for this chain key, or None."""
        row = self._conn.execute("SELECT cards, memory FROM selections WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self._touched_selections.add(key)
        # The memory stays packed until it is needed.
        return cast(list[dict[str, Any]], _unpack(row[0])), cast(bytes, row[1])

    def put_selection(self, key: str, cards: list[dict[str, Any]], memory: object) -> None:
        self._conn.execute("INSERT OR REPLACE INTO selections VALUES (?, ?, ?, ?)",
                           (key, _pack(cards), _pack(memory), time.time()))

    @staticmethod
    def unpack_memory(blob: bytes) -> object:
        return _unpack(blob)

    # ---- per-spec card records ----

    def spec_cards(self, spec: str) -> dict[str, CardRecord]:
        rows = self._conn.execute(
            "SELECT card_id, digest, first_seen, changed_at FROM spec_cards WHERE spec = ?", (spec,))
        return {card_id: CardRecord(digest, first, changed) for card_id, digest, first, changed in rows}

    def replace_spec_cards(self, spec: str, records: dict[str, CardRecord]) -> None:
        self._conn.execute("DELETE FROM spec_cards WHERE spec = ?", (spec,))
        self._conn.executemany(
            "INSERT INTO spec_cards VALUES (?, ?, ?, ?, ?)",
            [(spec, cid, r.digest, r.first_seen, r.changed_at) for cid, r in records.items()])

    # ---- outputs ----

    def output_unchanged(self, path: Path, digest: str) -> bool:
        """True when `path` still holds exactly what was written for `digest` last time."""
        row = self._conn.execute("SELECT digest, size, mtime_ns FROM outputs WHERE path = ?",
                                 (str(path),)).fetchone()
        if row is None or row[0] != digest:
            return False
        try:
            stat = path.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (row[1], row[2])

    def put_output(self, path: Path, digest: str) -> None:
        stat = path.stat()
        self._conn.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
                           (str(path), digest, stat.st_size, stat.st_mtime_ns))

    # ---- upkeep ----

    def prune(self, days: float = PRUNE_AFTER_DAYS) -> None:
        """Forget extractions and selections no build used for `days` days."""
        self.commit()
        cutoff = time.time() - days * 86400
        self._conn.execute("DELETE FROM extractions WHERE used_at < ?", (cutoff,))
        self._conn.execute("DELETE FROM selections WHERE used_at < ?", (cutoff,))
        self._conn.commit()


class CachingFetcher:
    """`fetch` with conditional requests and the cache: a `Fetcher` for the loaders.

    Each URL is requested at most once per run (later calls get the same result or the
    same error). A URL
    cached before is asked for with its ETag / Last-Modified; on `304 Not Modified` the
    cached body comes back with `not_modified=True`. Bodies that came with a validator
    are cached. With `revalidate=False` nothing cached is sent or reused (a cold fetch),
    but what comes back is still cached.
    """

    def __init__(self, cache: BuildCache, *, revalidate: bool = True) -> None:
        self.cache = cache
        self.revalidate = revalidate
        self.requests = 0
        self.not_modified = 0
        self._seen: dict[str, FetchResult | Exception] = {}

    def __call__(self, url: str) -> FetchResult:
        from studykit.errors import SourceError
        from studykit.sources.fetch import fetch

        if url in self._seen:
            seen = self._seen[url]
            if isinstance(seen, Exception):
                raise seen  # failed once this run (maybe after a timeout): not again
            return seen
        cached = self.cache.http(url) if self.revalidate else None
        self.requests += 1
        try:
            result = fetch(url, etag=cached.etag if cached else None,
                           last_modified=cached.last_modified if cached else None)
        except SourceError as exc:
            self._seen[url] = exc
            raise
        if result.not_modified and cached is not None:
            self.not_modified += 1
            result = replace(cached, status=304, not_modified=True,
                             etag=result.etag or cached.etag,
                             last_modified=result.last_modified or cached.last_modified)
            self.cache.put_http(url, result)
        elif result.not_modified:  # a 304 we did not ask for: there is no body to reuse
            result = fetch(url)
            self.requests += 1
        if not result.not_modified and (result.etag or result.last_modified):
            self.cache.put_http(url, result)
        self._seen[url] = result
        return result
