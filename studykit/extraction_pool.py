"""Extracting many posts at once: in this process, or spread over worker processes.

`extract_posts(posts, jobs)` gives each post's claims and formulas as plain data
(`ExtractionData`, what the build cache stores and what crosses between processes), by
content hash; `load_extraction` turns that data back into an `Extraction`. With `jobs` > 1
the posts are spread over a `ProcessPoolExecutor` (spawn start method), each worker loading
the spaCy model once. A worker ends when its parent is gone, even a parent killed with -9
(`_die_with`); `stop_on_sigterm` makes SIGTERM unwind like Ctrl-C, so the workers are
stopped and temporary files removed. A pool that breaks (a worker died) is replaced by
extraction in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

from studykit.errors import SourceError
from studykit.models import Claim, Formula, Post
from studykit.progress import Progress, SilentProgress

if TYPE_CHECKING:
    from spacy.language import Language

    from studykit.extract import Extraction

# An extraction as JSON-able data: {"formulas", "claims", "words", "terms"}.
ExtractionData = dict[str, Any]
# A post's failure as it crosses back from a worker: SourceError's (source, reason, hint).
_FailureData = tuple[str, str, str]

MAX_DEFAULT_JOBS = 4
# Starting a worker and loading the model costs about 2 s, about what spaCy needs for
# 10,000 words: with fewer posts or words than these to extract, one process is faster.
MIN_POSTS_FOR_WORKERS = 4
MIN_WORDS_FOR_WORKERS = 20_000


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


def extract_posts(posts: list[Post], jobs: int = 1, progress: Progress | None = None,
                  errors: list[SourceError] | None = None) -> dict[str, ExtractionData]:
    """Claims and formulas of every post (as cacheable data), by content hash.

    A post that fails is left out and goes to `errors`; without `errors` it is reported as
    it happens (in this process a note to `progress`, from a worker a line on stderr)."""
    progress = progress or SilentProgress()
    if not posts:
        return {}
    progress.start("extracting", len(posts))
    if jobs > 1 and len(posts) > 1:
        try:
            return _extract_in_workers(posts, jobs, progress, errors)
        except BrokenProcessPool as exc:  # a worker died (out of memory?): do it here instead
            progress.log(f"note: extraction workers failed ({exc}); extracting in one process",
                         important=True)
    return _extract_here(posts, progress, errors)


def _extract_here(posts: list[Post], progress: Progress, errors: list[SourceError] | None
                  ) -> dict[str, ExtractionData]:
    from studykit.extract import extract_all

    failed: list[SourceError] = []
    extractions = extract_all(posts, progress=lambda message: progress.advance(message), errors=failed)
    for error in failed:
        if errors is not None:
            errors.append(error)
        else:
            progress.log(f"studykit: error: {error}", important=True)
    return {e.post.hash: dump_extraction(e) for e in extractions}


def _extract_in_workers(posts: list[Post], jobs: int, progress: Progress,
                        errors: list[SourceError] | None) -> dict[str, ExtractionData]:
    chunks = _chunks(posts, jobs)
    done: dict[str, ExtractionData] = {}
    context = multiprocessing.get_context("spawn")  # no fork: the parent may run threads
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context,
                             initializer=_worker_start, initargs=(os.getpid(),)) as pool:
        try:
            futures = {pool.submit(_worker_extract, chunk): chunk for chunk in chunks}
            for future in as_completed(futures):
                chunk = futures[future]
                extracted, failed = future.result()
                for failure in failed:
                    _report_worker_failure(SourceError(*failure), errors)
                for post, data in zip(chunk, extracted):
                    if data is not None:
                        done[post.hash] = data
                    progress.advance(f"extracted {len(done)}/{len(posts)}: {post.title}")
        except BaseException:  # Ctrl-C, SIGTERM (stop_on_sigterm), a failed chunk: stop the workers now
            _abandon_work(pool)
            raise
    return done


def _abandon_work(pool: ProcessPoolExecutor) -> None:
    """Stop the workers mid-chunk. The chunks still queued for them are dropped rather than
    flushed into a pipe no worker reads (the queue's feeder thread would block the pool's
    shutdown for ever), and the pool then finds its workers dead and winds down on its own
    (`shutdown(wait=False)` on a pool with killed workers can hang in Python < 3.14)."""
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        call_queue.cancel_join_thread()
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def _report_worker_failure(error: SourceError, errors: list[SourceError] | None) -> None:
    if errors is not None:
        errors.append(error)
    else:
        print(f"studykit: error: {error}", file=sys.stderr)


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


_WORKER_NLP: Language | None = None


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


def _worker_extract(posts: list[Post]) -> tuple[list[ExtractionData | None], list[_FailureData]]:
    """Each post's extraction in order (None for a post that failed), and the failures."""
    from studykit.extract import extract_all

    errors: list[SourceError] = []
    done = {e.post.hash: dump_extraction(e) for e in extract_all(posts, _WORKER_NLP, errors=errors)}
    return [done.get(post.hash) for post in posts], [(e.source, e.reason, e.hint) for e in errors]


def dump_extraction(extraction: Extraction) -> ExtractionData:
    return {"formulas": [f.model_dump(mode="json") for f in extraction.formulas],
            "claims": [c.model_dump(mode="json") for c in extraction.claims],
            "words": extraction.words, "terms": extraction.terms}


def load_extraction(post: Post, data: ExtractionData) -> Extraction:
    from studykit.extract import Extraction

    return Extraction(post, [Formula.model_validate(f) for f in data["formulas"]],
                      [Claim.model_validate(c) for c in data["claims"]], data["words"],
                      list(data.get("terms", [])))


@contextmanager
def stop_on_sigterm(say: Callable[[str], None]) -> Iterator[None]:
    """Within: SIGTERM unwinds like Ctrl-C (after `say`ing so), so workers stop, temporary
    files go and the store and cache are closed (an interrupted build is finished by the
    next one). The exit code is 128 + the signal, as a shell reports a killed command."""
    def terminated(signum: int, frame: FrameType | None) -> None:
        say("studykit: terminated; stopping the build")
        sys.exit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
