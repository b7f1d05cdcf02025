"""What is due now: the due summary behind `studykit due` and the review UI's decks list.

Owns today's limits (grades done this study day, new cards and reviews left of the daily
limits), the `DueSummary` of what a session started now would show, how today's limits cap
a deck's due cards, and the text `studykit due` prints. The store does the SQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from studykit import schedule
from studykit.schedule import STATE_NAMES, Settings, now_utc, utc
from studykit.store import CardFilter, Queue, Store
from studykit.timespan import Wording, relative


@dataclass(frozen=True)
class DueCounts:
    """Cards due now: learning cards due, review cards due, new cards."""

    learning: int = 0
    review: int = 0
    new: int = 0

    @property
    def all(self) -> int:
        return self.learning + self.review + self.new

    def __add__(self, other: DueCounts) -> DueCounts:
        return DueCounts(self.learning + other.learning, self.review + other.review,
                         self.new + other.new)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class TodayLimits:
    """Grades done this study day (by the card's state before them) and what is left of
    the daily limits."""

    done: dict[str, int]
    new_left: int
    reviews_left: int


def limits_left(store: Store, now: datetime, settings: Settings) -> TodayLimits:
    """Grades done today, new cards left, reviews left."""
    done = store.done_since(schedule.today_start(now, settings))
    return TodayLimits(done, max(0, settings.new_per_day - done["new"]),
                       max(0, settings.reviews_per_day - done["review"]))


@dataclass
class DueSummary:
    """What a session started now would show, with today's limits and what is left of them."""

    now: datetime
    queue: Queue
    done_today: dict[str, int]
    new_left: int
    reviews_left: int
    next_due: datetime | None  # set only when nothing is due now
    settings: Settings

    @property
    def total(self) -> DueCounts:
        q = self.queue
        return DueCounts(len(q.learning), len(q.review), len(q.new))

    def series_counts(self) -> dict[str, DueCounts]:
        """The queue's cards per series, by series name."""
        out: dict[str, DueCounts] = {}
        for entries, one in ((self.queue.learning, DueCounts(learning=1)),
                             (self.queue.review, DueCounts(review=1)),
                             (self.queue.new, DueCounts(new=1))):
            for e in entries:
                out[e.series] = out.get(e.series, DueCounts()) + one
        return dict(sorted(out.items()))

    def per_series(self) -> dict[str, dict[str, int]]:
        return {name: counts.to_dict() for name, counts in self.series_counts().items()}

    def cap(self, due: DueCounts) -> DueCounts:
        """What a session would show of these due cards: today's limits cap new and review
        cards (not learning cards)."""
        return DueCounts(due.learning, min(due.review, self.reviews_left),
                         min(due.new, self.new_left))

    def to_dict(self) -> dict[str, Any]:
        q = self.queue
        return {
            "now": self.now.isoformat(),
            "total": {**self.total.to_dict(), "all": len(q.entries())},
            "series": self.per_series(),
            "over_limit": {"review": q.review_over_limit, "new": q.new_over_limit},
            "done_today": self.done_today,
            "limits": {"new_per_day": self.settings.new_per_day, "new_left": self.new_left,
                       "reviews_per_day": self.settings.reviews_per_day,
                       "reviews_left": self.reviews_left},
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "cards": [{"id": e.id, "series": e.series, "state": STATE_NAMES[e.state],
                       "due": e.due.isoformat() if e.due else None} for e in q.entries()],
        }

    def render_text(self) -> str:
        """The report of `studykit due`."""
        t, q, s = self.total, self.queue, self.settings
        lines = [f"Due now: {t.learning} learning, {t.review} review, {t.new} new "
                 f"({t.all} cards)"]
        series = self.series_counts()
        width = max((len(name) for name in series), default=0)
        lines += [f"  {name:<{width}}  learning {c.learning:>4}  review {c.review:>5}  "
                  f"new {c.new:>4}" for name, c in series.items()]
        lines.append(f"Limits: {self.new_left} of {s.new_per_day} new cards left today, "
                     f"{self.reviews_left} of {s.reviews_per_day} reviews left today")
        if q.review_over_limit or q.new_over_limit:
            lines.append(f"Over today's limits: {q.review_over_limit} more reviews, "
                         f"{q.new_over_limit} more new cards (they wait for the next study day)")
        if not t.all and self.next_due:
            when = self.next_due
            lines.append(f"Next due: {when.isoformat()} "
                         f"({relative(when, self.now, Wording.WORDS)})")
        return "\n".join(lines)


def due_summary(store: Store, *, now: datetime | None = None, where: CardFilter | None = None,
                count_over_limit: bool = True) -> DueSummary:
    now = utc(now, "now") if now else now_utc()
    settings = store.settings()
    limits = limits_left(store, now, settings)
    queue = store.queue(now, new_limit=limits.new_left, review_limit=limits.reviews_left,
                        where=where, count_over_limit=count_over_limit)
    next_due = None if queue.entries() else store.next_due(where)
    return DueSummary(now=now, queue=queue, done_today=limits.done, new_left=limits.new_left,
                      reviews_left=limits.reviews_left, next_due=next_due, settings=settings)
