"""Studying: a review session over the due queue, and one-shot grading for scripts.

A `Session` holds the queue in memory (learning cards when due, then reviews, then new
cards, within today's limits), shows one card at a time, and commits each grade to the
store before the next card is shown; `undo()` takes back the last action of the session,
and `tally` is what the session has done so far. `grade` and `bury` do the same work for
one call of the CLI. The store does the SQL, `schedule` the FSRS arithmetic, `due` today's
limits; this module joins them.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from studykit import schedule
from studykit.due import limits_left
from studykit.schedule import RATING_NAMES, STATE_NAMES, CardState, Settings, now_utc, utc
from studykit.store import CardFilter, QueueEntry, Store, StoredCard
from studykit.timespan import Wording, relative

# Like Anki: when nothing else is left, a learning card due within this long is shown early.
LEARN_AHEAD = timedelta(minutes=20)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class GradeResult:
    """A committed grade: which card, how it was rated, and when it is due next."""

    rowid: int
    card_id: str
    rating: int
    reviewed_at: datetime
    state: str
    due: datetime
    log_id: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.card_id, "rating": RATING_NAMES[self.rating],
                "reviewed_at": self.reviewed_at.isoformat(), "state": self.state,
                "due": self.due.isoformat(), "log_id": self.log_id}

    def render_text(self) -> str:
        """The line `studykit grade` prints."""
        return (f"{self.card_id} {RATING_NAMES[self.rating]}: due {self.due.isoformat()} "
                f"({relative(self.due, self.reviewed_at, Wording.WORDS)}, {self.state})")


def _ref(store: Store, card: str | int) -> int:
    return card if isinstance(card, int) else store.resolve(card)


def grade(store: Store, card: str | int, rating: str | int, *, now: datetime | None = None,
          duration_ms: int | None = None, settings: Settings | None = None) -> GradeResult:
    """Grade one card (id, alias, id prefix or row id) and commit it; returns the next due."""
    rowid = _ref(store, card)
    value = schedule.parse_rating(rating)
    when = utc(now, "now") if now else None
    settings = settings or store.settings()
    done: list[schedule.Review] = []

    def compute(before: schedule.FsrsState | None) -> schedule.Review:
        # The real time is read inside the write lock: grades of one card from two processes
        # then get increasing times in the order they commit.
        at = when or now_utc()
        done.append(schedule.review(before, rowid, value, at, settings, duration_ms))
        return done[-1]

    log_id, card_id = store.record_review(rowid, compute)
    review = done[-1]
    return GradeResult(rowid=rowid, card_id=card_id, rating=value, reviewed_at=review.reviewed_at,
                       state=STATE_NAMES[review.state], due=review.due, log_id=log_id)


def bury(store: Store, card: str | int, *, now: datetime | None = None) -> datetime:
    """Hide a card until the next study day starts; returns when it comes back."""
    until = schedule.tomorrow_start(utc(now) if now else now_utc(), store.settings())
    store.bury(_ref(store, card), until)
    return until


# ---- the session ----------------------------------------------------------------------------

class ActionKind(Enum):
    """What a session can take back with `undo()`."""

    GRADE = "grade"
    SUSPEND = "suspend"
    BURY = "bury"


@dataclass
class _Action:
    kind: ActionKind
    entry: QueueEntry
    grade: GradeResult | None = None  # set for a grade
    relearn: bool = False  # the grade put the card back into the session's learning list


@dataclass(frozen=True)
class Tally:
    """What a session has done so far (and not taken back): its grades, in order, and the
    cards it suspended or buried."""

    grades: tuple[GradeResult, ...] = ()
    suspended: int = 0
    buried: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.grades or self.suspended or self.buried)


@dataclass
class Session:
    """A review session: the queue in memory, one card shown at a time.

    `current` is the card to show; `reveal()` turns it over; `grade(rating)` commits the grade
    and moves on; `undo()` takes back the last grade, suspension or burial of this session and
    shows that card again; `tally` counts what was done. `clock` returns the current UTC time (tests pass a fake one).
    """

    store: Store
    where: CardFilter | None = None
    clock: Clock = now_utc
    settings: Settings = field(init=False)
    started: datetime = field(init=False)
    revealed: bool = field(init=False, default=False)
    _learning: list[tuple[datetime, int, QueueEntry]] = field(init=False, default_factory=list)
    _review: deque[QueueEntry] = field(init=False, default_factory=deque)
    _new: deque[QueueEntry] = field(init=False, default_factory=deque)
    _current: tuple[QueueEntry, StoredCard] | None = field(init=False, default=None)
    _shown_at: datetime | None = field(init=False, default=None)
    _actions: list[_Action] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.settings = self.store.settings()
        self.started = self._now()
        self.refill()

    def refill(self) -> None:
        """Rebuild the queue from the store (today's limits as they stand now)."""
        now = self._now()
        limits = limits_left(self.store, now, self.settings)
        queue = self.store.queue(now, new_limit=limits.new_left, review_limit=limits.reviews_left,
                                 where=self.where, learn_until=now + LEARN_AHEAD)
        self._learning = sorted((e.due, e.rowid, e) for e in queue.learning)  # type: ignore[misc]
        self._review, self._new = deque(queue.review), deque(queue.new)
        self._current, self.revealed = None, False

    def _now(self) -> datetime:
        return utc(self.clock(), "clock()")

    @property
    def counts(self) -> dict[str, int]:
        """Cards left in this session (the one shown included)."""
        out = {"learning": len(self._learning), "review": len(self._review), "new": len(self._new)}
        if self._current:
            state = self._current[0].state
            out["new" if state == CardState.NEW else "review" if state == CardState.REVIEW else "learning"] += 1
        return out

    @property
    def current(self) -> StoredCard | None:
        """The card to show now, or None when the session is done."""
        while self._current is None:
            entry = self._pick()
            if entry is None:
                return None
            card = self.store.card(entry.rowid)
            if self._still_due(card):
                self._current, self._shown_at, self.revealed = (entry, card), self._now(), False
        return self._current[1]

    def _pick(self) -> QueueEntry | None:
        now = self._now()
        if self._learning and self._learning[0][0] <= now:
            return self._learning.pop(0)[2]
        if self._review:
            return self._review.popleft()
        if self._new:
            return self._new.popleft()
        if self._learning and self._learning[0][0] <= now + LEARN_AHEAD:
            return self._learning.pop(0)[2]
        return None

    def _still_due(self, card: StoredCard) -> bool:
        # Another process (a script, a second window) may have graded or hidden it meanwhile.
        buried = card.buried_until is not None and card.buried_until > self._now()
        if card.suspended or card.retired_at or buried:
            return False
        return card.due is None or card.due <= self._now() + LEARN_AHEAD

    def reveal(self) -> StoredCard:
        card = self._need_current()
        self.revealed = True
        return card

    def _need_current(self) -> StoredCard:
        card = self.current
        if card is None:
            raise LookupError("the session is done: no card to show")
        return card

    def grade(self, rating: str | int, duration_ms: int | None = None) -> GradeResult:
        """Grade the card shown; the grade is committed before this returns."""
        card = self._need_current()
        assert self._current is not None and self._shown_at is not None
        entry = self._current[0]
        now = self._now()
        if duration_ms is None:  # a card left on screen overnight took at most a day
            duration_ms = min(max(0, int((now - self._shown_at).total_seconds() * 1000)),
                              schedule.MAX_DURATION_MS)
        real_time = self.clock is now_utc  # then the store reads the time inside its lock
        result = grade(self.store, card.rowid, rating, now=None if real_time else now,
                       duration_ms=duration_ms, settings=self.settings)
        action = _Action(ActionKind.GRADE, entry, grade=result)
        if result.state in ("learning", "relearning"):
            back = QueueEntry(entry.rowid, entry.id, entry.series,
                              schedule.STATE_CODES[result.state], result.due)
            bisect.insort(self._learning, (result.due, entry.rowid, back))
            action.relearn = True
        self._actions.append(action)
        self._current = None
        return result

    def suspend(self) -> None:
        card = self._need_current()
        assert self._current is not None
        self.store.set_suspended(card.rowid, True)
        self._actions.append(_Action(ActionKind.SUSPEND, self._current[0]))
        self._current = None

    def bury(self) -> datetime:
        """Hide the card shown until tomorrow's study day starts."""
        card = self._need_current()
        assert self._current is not None
        until = schedule.tomorrow_start(self._now(), self.settings)
        self.store.bury(card.rowid, until)
        self._actions.append(_Action(ActionKind.BURY, self._current[0]))
        self._current = None
        return until

    def undo(self) -> StoredCard | None:
        """Take back the last grade, suspension or burial; that card is shown again."""
        if not self._actions:
            return None
        action = self._actions.pop()
        entry = action.entry
        if action.grade is not None:
            self.store.undo_review(action.grade.log_id)
            if action.relearn:
                self._learning = [t for t in self._learning if t[1] != entry.rowid]
        elif action.kind is ActionKind.SUSPEND:
            self.store.set_suspended(entry.rowid, False)
        else:
            self.store.bury(entry.rowid, None)
        if self._current is not None:  # the card on screen goes back to the front of its line
            self._requeue(self._current[0])
        card = self.store.card(entry.rowid)
        self._current, self._shown_at, self.revealed = (entry, card), self._now(), False
        return card

    def _requeue(self, entry: QueueEntry) -> None:
        if entry.state == CardState.NEW:
            self._new.appendleft(entry)
        elif entry.state == CardState.REVIEW:
            self._review.appendleft(entry)
        else:
            bisect.insort(self._learning, (entry.due or self._now(), entry.rowid, entry))

    @property
    def can_undo(self) -> bool:
        return bool(self._actions)

    @property
    def tally(self) -> Tally:
        """What this session has done so far; an undone action no longer counts."""
        kinds = [a.kind for a in self._actions]
        return Tally(grades=tuple(a.grade for a in self._actions if a.grade is not None),
                     suspended=kinds.count(ActionKind.SUSPEND),
                     buried=kinds.count(ActionKind.BURY))

    def preview(self) -> dict[int, tuple[datetime, str]]:
        """Rating -> (due, state) the card shown would get if graded now; nothing is stored.

        Computed without fuzz, so a real grade may land a little later than shown (as in Anki).
        """
        card = self._need_current()
        plain = replace(self.settings, fuzz=False)
        now = self._now()
        out = {}
        for rating in RATING_NAMES:
            review = schedule.review(card.fsrs, card.rowid, rating, now, plain)
            out[rating] = (review.due, STATE_NAMES[review.state])
        return out

    def edit(self, *, front: str, back: str, cloze: str | None = None) -> StoredCard:
        """Change the text of the card shown; its state and history stay. Not undone by undo()."""
        self._need_current()
        assert self._current is not None
        card = self.store.update_card_text(self._current[1].rowid, front=front, back=back,
                                           cloze=cloze)
        self._current = (self._current[0], card)
        return card
