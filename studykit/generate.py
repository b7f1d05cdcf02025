"""The library entry point: sources in, cards out (no store, no output format).

`generate(["feed.xml", "posts/"])` reads every source, extracts all posts in one spaCy
pass, writes each post's cards and drops cards that repeat one already made for the same
series. Failures of single sources or entries are collected, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from studykit.cards import CardOptions, Selection, SeriesMemory, post_key, select_cards
from studykit.errors import SourceError
from studykit.extract import Extraction, extract_all
from studykit.models import Card, Post
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
             progress: Progress | None = None) -> GenerateResult:
    posts, errors = read_posts(sources, progress)
    result = GenerateResult(posts=posts, errors=errors)
    if not posts:
        return result
    if progress:
        progress(f"extracting claims from {len(posts)} post(s)")
    result.extractions = extract_all(posts, progress=progress, errors=result.errors)
    memories: dict[str, SeriesMemory] = {}
    made: set[int] = set()
    for extraction in result.extractions:
        memory = memories.setdefault(extraction.post.series, SeriesMemory())
        try:
            selection = select_cards(extraction, options, memory)
        except Exception as exc:  # noqa: BLE001 (one post's failure must not end the run)
            post = extraction.post
            result.errors.append(SourceError(post.source or post.url, f"its cards could not be made "
                                             f"({type(exc).__name__}: {exc})", "the other posts go on"))
            continue
        result.selections.append(selection)
        result.cards.extend(selection.cards)
        made.add(id(extraction.post))
    # A failed post is left out everywhere: never stored as a post without cards.
    result.extractions = [e for e in result.extractions if id(e.post) in made]
    result.posts = [p for p in posts if id(p) in made]
    return result
