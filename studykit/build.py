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

Parallel: posts to extract are spread over `jobs` processes (`studykit.extraction_pool`).

This module runs a build; its parts, in the order a build uses them: `build_sources`
(reading, reading order), `build_plan` (what the cache covers), `build_versions` (what
invalidates it), `build_selection` (the cards), `build_writers` (the outputs) and
`build_report` (what the build tells).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from studykit import outputs
from studykit.build_plan import Plan, chain_key, plan_entries
from studykit.build_report import BuildReport, Failure, SourceReport, SpecReport, shown_path
from studykit.build_selection import card_digest, count_cards, memory_data, memory_from_data, select_plan_cards
from studykit.build_sources import local_fingerprint, read_spec
from studykit.build_versions import extractor_version
from studykit.build_writers import to_store, write_apkg, write_jsonl
from studykit.cache import BuildCache, CachingFetcher
from studykit.deckspec import DeckSpec, is_url
from studykit.extraction_pool import ExtractionData, default_jobs, extract_posts, resolve_jobs
from studykit.models import Post
from studykit.progress import Progress, SilentProgress

if TYPE_CHECKING:
    from studykit.store import Store

# The parts' names that `studykit.build` offered before they had modules of their own.
__all__ = ["BuildReport", "Failure", "Progress", "SilentProgress", "SourceReport", "SpecReport",
           "build", "card_digest", "chain_key", "check_outputs", "default_jobs", "extract_posts",
           "extractor_version", "local_fingerprint", "memory_data", "memory_from_data",
           "resolve_jobs", "shown_path"]


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
            plans = [read_spec(spec, cache, fetcher, use_cache, progress) for spec in specs]
            cache.commit()
            fresh = _extract(plans, cache, jobs, use_cache, report, progress)
            for plan in plans:
                _finish(plan, fresh, cache, store, progress)
                cache.commit()
            cache.prune()
            report.specs = [plan.report for plan in plans]
            report.http_requests, report.http_not_modified = fetcher.requests, fetcher.not_modified
    finally:
        if store is not None:
            store.close()
    report.seconds = time.perf_counter() - started
    return report


def _extract(plans: list[Plan], cache: BuildCache, jobs: int | None, use_cache: bool,
             report: BuildReport, progress: Progress) -> dict[str, ExtractionData]:
    """Plan every spec, extract the posts that no cache covers (each once) and cache them."""
    version = extractor_version()
    todo: dict[str, Post] = {}
    for plan in plans:
        todo.update(plan_entries(plan, cache, version, use_cache))
    report.jobs = resolve_jobs(jobs, list(todo.values()))
    fresh = extract_posts(list(todo.values()), report.jobs, progress)
    for content_hash, data in fresh.items():
        cache.put_extraction(content_hash, version, data)
    cache.commit()
    report.posts_extracted = len(fresh)
    return fresh


def check_outputs(specs: list[DeckSpec]) -> None:
    """Refuse, before anything is read, outputs that would overwrite a spec, one of the
    local sources, or another output of this build (OutputError names both)."""
    inputs = [(f"the deck spec {spec.file}", spec.file) for spec in specs]
    inputs += [(f"the source {location} of {spec.file}", Path(location)) for spec in specs
               for location in map(spec.resolve, spec.sources) if not is_url(location)]
    targets = [(f"the {kind} output of {spec.file}", spec.output_path(path)) for spec in specs
               for kind, path in (("Anki", spec.outputs.anki), ("JSONL", spec.outputs.jsonl)) if path]
    outputs.check_outputs(targets, inputs, makes_folders=True)


def _open_store(db: str | os.PathLike[str] | None) -> Store:
    from studykit.store import open_store

    return open_store(db)


def _finish(plan: Plan, fresh: dict[str, ExtractionData], cache: BuildCache, store: Store | None,
            progress: Progress) -> None:
    """Make the spec's cards, write its outputs and, when all were written, remember them."""
    spec, report = plan.spec, plan.report
    failed: set[int] = set()
    cards = select_plan_cards(plan, fresh, cache, failed)
    records = count_cards(cards, cache.spec_cards(str(spec.file)), report)
    updated = {cid: r.changed_at for cid, r in records.items()}
    ok = True
    if spec.outputs.store and store is not None:
        kept = [p for p in plan.posts if id(p) not in failed]  # a failed post keeps its stored cards
        ok &= to_store(store, kept, cards, updated, report, progress)
    digests = {cid: r.digest for cid, r in records.items()}
    if spec.outputs.anki:
        ok &= write_apkg(spec, cards, digests, updated, cache, report, progress)
    if spec.outputs.jsonl:
        ok &= write_jsonl(spec, cards, digests, cache, report, progress)
    if ok:  # else the next build compares with the same cards again
        cache.replace_spec_cards(str(spec.file), records)
