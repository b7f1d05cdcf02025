"""The one selection: the cards of a run's posts, series by series, in reading order.

Each series remembers what its earlier posts carded (`SeriesMemory`), so a later post skips
a claim or formula an earlier one already made a card of: the order of the posts is part of
the result. Posts are taken in the order given; the caller puts them in reading order
(`studykit.build` sorts them, `studykit.generate` keeps the order they were read in).

A post may come with cards made by an earlier run (`Reused`, the build cache): they are kept
as they are and the series goes on from the memory saved with them. A post whose cards
cannot be made is reported (`errors.post_failed`) and left out; the other posts go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from studykit.cards import CardOptions, Selection, SeriesMemory, select_cards
from studykit.errors import PostStep, SourceError, post_failed
from studykit.models import Card, Post

if TYPE_CHECKING:  # importing it imports spaCy, which a warm build does without
    from studykit.extract import Extraction


@dataclass
class Reused:
    """A post's cards made by an earlier run, and how to get its series' memory after them
    (unpacked only if a later post of the series needs it)."""

    cards: list[Card]
    memory: Callable[[], SeriesMemory]


# What a post's cards are made from: its extraction, an earlier run's cards, or why neither.
Material = Union["Extraction", Reused, SourceError]


@dataclass
class PostCards:
    """The cards one post got, in the order they were made."""

    post: Post
    cards: list[Card]
    selection: Selection | None = None  # None when the cards were reused
    memory: SeriesMemory | None = None  # its series' memory after it; None when reused


def select_series_cards(posts: Iterable[Post], material: Callable[[Post], Material],
                        options: CardOptions | None, errors: list[SourceError]
                        ) -> Iterator[PostCards]:
    """The cards of each post in the order given, each series deduplicated against its
    earlier posts. `material(post)` is asked for each post in turn; a post that fails (or
    whose material is a SourceError) goes to `errors` and is not yielded."""
    memories: dict[str, SeriesMemory | Callable[[], SeriesMemory]] = {}
    for post in posts:
        try:
            made = material(post)
            if isinstance(made, SourceError):
                errors.append(made)
                continue
            if isinstance(made, Reused):
                memories[post.series] = made.memory
                yield PostCards(post, made.cards)
                continue
            memory = _memory(memories.get(post.series))
            selection = select_cards(made, options, memory)
        except Exception as exc:  # noqa: BLE001 (one post's failure must not end the run)
            errors.append(post_failed(post, PostStep.SELECT, exc))
            continue
        memories[post.series] = memory
        yield PostCards(post, selection.cards, selection, memory)


def _memory(kept: SeriesMemory | Callable[[], SeriesMemory] | None) -> SeriesMemory:
    if kept is None:
        return SeriesMemory()
    return kept if isinstance(kept, SeriesMemory) else kept()
