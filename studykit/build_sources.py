"""Reading a spec's sources through the build cache, and putting its posts in reading order.

A feed answered `304`, or a local folder whose files did not change (`local_fingerprint`),
gives the posts read from it last time without reading it again. A post leaves a source only
when the source was read in full without it: a source that fails keeps the posts it had last
time, and a feed (which lists only its latest entries) keeps every post it ever listed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from studykit.build_plan import Plan
from studykit.build_report import Failure, SourceReport, SourceStatus, SpecReport, shown_path
from studykit.build_versions import extractor_version
from studykit.cache import BuildCache, CachingFetcher, SourceRecord
from studykit.models import Post, post_key
from studykit.deckspec import DeckSpec, is_url
from studykit.errors import SourceError
from studykit.progress import Progress
from studykit.reading_order import build_sort_key

_FELL_BACK = "full article unavailable"  # the note of a feed entry read from the feed's text


def read_spec(spec: DeckSpec, cache: BuildCache, fetcher: CachingFetcher, use_cache: bool,
              progress: Progress) -> Plan:
    """The posts of every source of `spec` that its filters keep, in reading order."""
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
                _note(report, progress, f"{post.url}: {note}")
        if outcome.kept:
            _note(report, progress, f"{source}: kept {outcome.kept} post(s) of the last build "
                                    f"({_why_kept(outcome.status, bool(errors))})")
        progress.advance(f"{source}: {outcome.status}, {outcome.posts} post(s)")
    posts = list(found.values())
    report.posts_read = len(posts) - len(kept_keys)
    report.posts_kept = len(kept_keys)
    chosen = [p for p in posts if spec.filters.keeps(p.series, p.published)]
    report.posts_filtered = len(posts) - len(chosen)
    report.posts = len(chosen)
    return Plan(spec, report, sorted(chosen, key=build_sort_key))


def _note(report: SpecReport, progress: Progress, message: str) -> None:
    report.notes.append(message)
    progress.log(f"note: {message}", important=True)


def _why_kept(status: SourceStatus, had_errors: bool) -> str:
    if status is SourceStatus.FAILED:
        return "it failed"
    return "some of it failed" if had_errors else "it no longer lists them"


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
            from studykit.sources.feed import looks_like_feed
            from studykit.sources.load import posts_from_response

            result = fetcher(location)
            fingerprint = "complete"  # a later 304 stands for these posts
            if result.not_modified and known is not None and known.fingerprint == fingerprint:
                return _unchanged(known, outcome)
            is_feed = looks_like_feed(result.content)
            items: Iterable[Post | SourceError] = posts_from_response(result, location, fetcher)
        else:
            fingerprint = local_fingerprint(Path(location))
            if known is not None and fingerprint is not None and known.fingerprint == fingerprint:
                return _unchanged(known, outcome)
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
    outcome.status = (SourceStatus.FAILED if errors and not read else SourceStatus.PARTIAL if errors
                      else SourceStatus.READ)
    return posts, kept, errors, outcome


def _unchanged(known: SourceRecord, outcome: SourceReport
               ) -> tuple[list[Post], list[Post], list[SourceError], SourceReport]:
    outcome.status, outcome.posts = SourceStatus.UNCHANGED, len(known.posts)
    return known.posts, [], [], outcome


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
    from studykit.sources.feed import looks_like_feed
    from studykit.sources.load import FEED_SUFFIXES

    if not path.is_file():
        return False
    if path.suffix.lower() in FEED_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            return looks_like_feed(f.read(4096))
    except OSError:
        return False


def _merge(read: list[Post], had_errors: bool, is_feed: bool, known: SourceRecord | None
           ) -> tuple[list[Post], list[Post]]:
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
