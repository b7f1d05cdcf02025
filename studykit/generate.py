"""The library entry point: sources in, cards out (no store, no output format).

`generate(["feed.xml", "posts/"])` reads every source, extracts all posts in one spaCy
pass (or over worker processes, `jobs`), writes each post's cards and drops cards that
repeat one already made for the same series (`studykit.series_selection`). Failures of
single sources or entries are collected, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from studykit.cards import CardOptions, Selection
from studykit.errors import SourceError
from studykit.extract import Extraction, extract_all
from studykit.extraction_pool import extract_posts, load_extraction
from studykit.models import Card, Post, post_key
from studykit.progress import LineProgress
from studykit.series_selection import select_series_cards
from studykit.sources.load import load_source

Progress = Callable[[str], None]


@dataclass
class GenerateResult:
    """Everything one run produced, including what went wrong along the way."""

    cards: list[Card] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    extractions: list[Extraction] = field(default_factory=list)
    selections: list[Selection] = field(default_factory=list)


def read_posts(sources: Iterable[str], progress: Progress | None = None
               ) -> tuple[list[Post], list[SourceError]]:
    """All posts of all sources, each post once (by series and title)."""
    posts: dict[str, Post] = {}
    errors: list[SourceError] = []
    for source in sources:
        for item in load_source(source):
            if isinstance(item, SourceError):
                errors.append(item)
                continue
            if progress:
                progress(f"read {item.title}")
                for note in item.notes:
                    progress(f"note: {item.url}: {note}")
            posts.setdefault(post_key(item), item)
    return list(posts.values()), errors


def generate(sources: Iterable[str], options: CardOptions | None = None,
             progress: Progress | None = None, *, jobs: int = 1) -> GenerateResult:
    """The cards of every post of `sources`, each series in the order its posts were read.
    `jobs` > 1 spreads the extraction over that many worker processes (`extraction_pool`)."""
    posts, errors = read_posts(sources, progress)
    result = GenerateResult(posts=posts, errors=errors)
    if not posts:
        return result
    if progress:
        progress(f"extracting claims from {len(posts)} post(s)")
    result.extractions = _extract(posts, jobs, progress, result.errors)
    extraction_of = {id(e.post): e for e in result.extractions}
    made: set[int] = set()
    for done in select_series_cards([e.post for e in result.extractions],
                                    lambda post: extraction_of[id(post)], options, result.errors):
        if done.selection is not None:
            result.selections.append(done.selection)
        result.cards.extend(done.cards)
        made.add(id(done.post))
    # A failed post is left out everywhere: never stored as a post without cards.
    result.extractions = [e for e in result.extractions if id(e.post) in made]
    result.posts = [p for p in posts if id(p) in made]
    return result


def _extract(posts: list[Post], jobs: int, progress: Progress | None,
             errors: list[SourceError]) -> list[Extraction]:
    if jobs <= 1:
        return extract_all(posts, progress=progress, errors=errors)
    data = extract_posts(posts, jobs, LineProgress(progress) if progress else None, errors)
    return [load_extraction(post, data[post.hash]) for post in posts if post.hash in data]
