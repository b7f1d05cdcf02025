"""What is due: the study queue, the due counts of each deck, the next due time.

The SQL fragments that say which cards are studied and which are due live here once:
`IN_STUDY` (active, unsuspended, unburied at `:now`), and `due(state, bound)`, a state's
cards due by a time bound (`:now`, or `:until` for the learning cards of a queue that looks
ahead). Conditions are on `s` (card_state) and `c` (cards).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from studykit.reading_order import order_by
from studykit.store.db import instant_text, read_instant
from studykit.store.records import CardFilter, CardState, DeckCount, Queue, QueueEntry

IN_STUDY = ("s.suspended = 0 AND c.retired_at IS NULL "
            "AND (s.buried_until IS NULL OR s.buried_until <= :now)")
# Cards with a due date: graded at least once, not suspended, not retired (burying aside).
SCHEDULED = f"s.state > {CardState.NEW:d} AND s.suspended = 0 AND c.retired_at IS NULL"
NEW = f"s.state = {CardState.NEW:d}"
LEARNING = (CardState.LEARNING, CardState.RELEARNING)


def state_in(states: tuple[CardState, ...]) -> str:
    if len(states) == 1:
        return f"s.state = {states[0]:d}"
    return f"s.state IN ({', '.join(f'{s:d}' for s in states)})"


def due(states: tuple[CardState, ...], bound: str) -> str:
    """Cards in one of `states` due by the time parameter `bound` (":now", ":until")."""
    return f"{state_in(states)} AND s.due <= {bound}"


def queue(c: sqlite3.Connection, now: datetime, *, new_limit: int, review_limit: int,
          where: CardFilter | None, learn_until: datetime | None,
          count_over_limit: bool) -> Queue:
    """Due learning cards (by due time, due by `learn_until`), due reviews (most overdue
    first, at most `review_limit`) and new cards (in the order added, at most `new_limit`),
    in one read snapshot `c`."""
    cond, args = (where or CardFilter()).sql()
    args.update(now=instant_text(now), until=instant_text(learn_until or now))
    base = ("SELECT s.card, c.card_id, c.series, s.state, s.due FROM card_state s "
            "JOIN cards c ON c.id = s.card WHERE " + IN_STUDY + cond)
    reviews_due = due((CardState.REVIEW,), ":now")

    def fetch(sql: str, extra: dict[str, Any]) -> list[QueueEntry]:
        return [QueueEntry(r[0], r[1], r[2], r[3], read_instant(r[4]))
                for r in c.execute(sql, {**args, **extra})]

    result = Queue()
    result.learning = fetch(f"{base} AND {due(LEARNING, ':until')} ORDER BY s.due", {})
    result.review = fetch(f"{base} AND {reviews_due} ORDER BY s.due LIMIT :n",
                          {"n": max(review_limit, 0)})
    # New cards have no due date: (due, card) is the order of the queue index.
    result.new = fetch(f"{base} AND {NEW} ORDER BY s.due, s.card LIMIT :n",
                       {"n": max(new_limit, 0)})
    if count_over_limit:
        count = "SELECT count(*) FROM (" + base + " AND {})"
        reviews = c.execute(count.format(reviews_due), args).fetchone()[0]
        new = c.execute(count.format(NEW), args).fetchone()[0]
        result.review_over_limit = reviews - len(result.review)
        result.new_over_limit = new - len(result.new)
    return result


def deck_counts(c: sqlite3.Connection, now: datetime) -> list[DeckCount]:
    """Per post, in reading order: its cards that are new, learning-due and review-due at
    `now` (cards in study; daily limits not applied)."""
    rows = c.execute(
        f"SELECT p.series, p.key, p.title, sum({NEW}), sum({due(LEARNING, ':now')}), "
        f"sum({due((CardState.REVIEW,), ':now')}), count(*) FROM cards c "
        "JOIN card_state s ON s.card = c.id JOIN posts p ON p.id = c.post "
        f"WHERE {IN_STUDY} GROUP BY p.id ORDER BY {order_by('p')}",
        {"now": instant_text(now)}).fetchall()
    return [DeckCount(*row) for row in rows]


def next_due(c: sqlite3.Connection, where: CardFilter | None) -> datetime | None:
    """The earliest due time of the scheduled cards `where` covers (buried ones too)."""
    cond, args = (where or CardFilter()).sql()
    row = c.execute("SELECT min(s.due) FROM card_state s JOIN cards c ON c.id = s.card "
                    f"WHERE {SCHEDULED}" + cond, args).fetchone()
    return read_instant(row[0])
