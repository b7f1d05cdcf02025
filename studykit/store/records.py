"""The records the store hands out (a stored card, what an add did, a deck's due counts, the
due queue, a filter over cards) and `CardState`, the state a card's `state` column holds.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from studykit.models import Card, CardKind
from studykit.schedule import CardState as CardState  # its home is schedule: FSRS owns the states
from studykit.series import slugify


@dataclass
class StoredCard:
    """A card as the store holds it: its content, where it comes from, and its state."""

    rowid: int
    id: str
    kind: CardKind
    front: str
    back: str
    cloze: str | None
    series: str
    post_title: str
    post_url: str
    post_key: str
    tags: list[str]
    deck: str
    source_sentence: str
    state: str
    due: datetime | None
    fsrs: dict[str, Any] | None
    suspended: bool
    buried_until: datetime | None
    retired_at: datetime | None
    added_at: datetime
    updated_at: datetime | None = None  # when its text (or retirement) last changed
    edited_at: datetime | None = None  # when the user last edited its text (None: generated)

    def to_card(self) -> Card:
        return Card(id=self.id, kind=self.kind, front=self.front, back=self.back,
                    cloze=self.cloze, series=self.series, post_title=self.post_title,
                    post_url=self.post_url, tags=self.tags, deck=self.deck,
                    source_sentence=self.source_sentence)

    def to_dict(self) -> dict[str, Any]:
        data = self.to_card().contract_dict()
        data.update(
            state=self.state, due=self.due.isoformat() if self.due else None,
            suspended=self.suspended,
            buried_until=self.buried_until.isoformat() if self.buried_until else None,
            retired=self.retired_at is not None, edited=self.edited_at is not None,
            post_key=self.post_key,
            stability=(self.fsrs or {}).get("stability"),
            difficulty=(self.fsrs or {}).get("difficulty"),
        )
        return data

    def listing_line(self) -> str:
        """Its line in `studykit cards`: id, state, due, kind, where from, the front (cut at 80
        characters) and flags."""
        flags = "".join(f" [{f}]" for f, on in (("suspended", self.suspended),
                                                ("retired", self.retired_at is not None),
                                                ("edited", self.edited_at is not None)) if on)
        due_text = self.due.strftime("%Y-%m-%d %H:%M") if self.due else "-"
        front = " ".join(self.front.split())
        return (f"{self.id}  {self.state:<10} {due_text:<16} [{self.kind}] {self.series} / "
                f"{self.post_title}: {front[:80]}{'…' if len(front) > 80 else ''}{flags}")


@dataclass
class AddReport:
    """What `Store.add` did, counted in cards (and posts)."""

    posts_new: int = 0
    posts_updated: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    edits_kept: int = 0  # of the cards above: user-edited ones whose text was not replaced

    def __iadd__(self, other: AddReport) -> AddReport:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def render_text(self, db: str | os.PathLike[str]) -> str:
        """What `studykit add` prints: posts and cards by what happened to them, in `db`."""
        text = (f"{self.posts_new + self.posts_updated} post(s) ({self.posts_new} new): "
                f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.retired} retired, {self.restored} restored cards in {db}")
        if self.edits_kept:
            text += (f"\n{self.edits_kept} card(s) kept the text you edited "
                     "(`studykit revert CARD_ID` puts the generated text back)")
        return text


@dataclass(frozen=True)
class DeckCount:
    """One post's cards due now, for the decks list of the review UI."""

    series: str
    post_key: str
    post_title: str
    new: int
    learning: int
    review: int
    cards: int


@dataclass(frozen=True)
class QueueEntry:
    """One card of the due queue: enough to order it and to fetch it when its turn comes."""

    rowid: int
    id: str
    series: str
    state: int
    due: datetime | None


@dataclass
class Queue:
    """Cards to study now, in the order to show them, within today's limits."""

    learning: list[QueueEntry] = field(default_factory=list)
    review: list[QueueEntry] = field(default_factory=list)
    new: list[QueueEntry] = field(default_factory=list)
    review_over_limit: int = 0
    new_over_limit: int = 0

    def entries(self) -> list[QueueEntry]:
        return self.learning + self.review + self.new


@dataclass(frozen=True)
class CardFilter:
    """Which cards a queue or a listing covers; None means any."""

    series: str | None = None
    post: str | None = None
    tag: str | None = None
    search: str | None = None

    def sql(self) -> tuple[str, dict[str, Any]]:
        """An SQL condition on `c` (cards) and its parameters."""
        parts: list[str] = []
        args: dict[str, Any] = {}
        if self.series:
            parts.append("c.post IN (SELECT id FROM posts WHERE series_slug = :f_series)")
            args["f_series"] = slugify(self.series)
        if self.post:
            parts.append("c.post IN (SELECT id FROM posts WHERE key = :f_post OR url = :f_post"
                         " OR key LIKE '%/' || :f_post OR lower(title) = lower(:f_post))")
            args["f_post"] = self.post
        if self.tag:
            parts.append("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = :f_tag"
                         " OR value LIKE '%::' || :f_tag)")
            args["f_tag"] = self.tag
        if self.search:
            parts.append("(c.front LIKE :f_search ESCAPE '\\' OR c.back LIKE :f_search ESCAPE '\\'"
                         " OR c.cloze LIKE :f_search ESCAPE '\\')")
            args["f_search"] = "%" + re.sub(r"([%_\\])", r"\\\1", self.search) + "%"
        return (" AND " + " AND ".join(parts)) if parts else "", args
