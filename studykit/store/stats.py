"""Counts over the store for statistics: cards by state, grades over time, retention,
upcoming due dates, totals."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from studykit.store.db import instant_text, read_set_instant
from studykit.store.queue import SCHEDULED
from studykit.schedule import CardState



def done_since(c: sqlite3.Connection, start: datetime) -> dict[str, int]:
    """Grades since `start` by the card's state before them (new, learning, review, ...:
    review_log.kind holds the state's name)."""
    rows = c.execute("SELECT kind, count(*) FROM review_log WHERE reviewed_at >= ? "
                     "GROUP BY kind", (instant_text(start),)).fetchall()
    return {state.name.lower(): 0 for state in CardState} | dict(rows)


def state_counts(c: sqlite3.Connection, now: datetime
                 ) -> list[tuple[str, int, bool, int, int, int]]:
    """Rows (series, state, retired?, cards, of which suspended, of which buried at `now`)."""
    rows = c.execute(
        "SELECT c.series, s.state, c.retired_at IS NOT NULL, count(*), sum(s.suspended), "
        "sum(s.buried_until IS NOT NULL AND s.buried_until > ?) FROM cards c "
        "JOIN card_state s ON s.card = c.id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        (instant_text(now),)).fetchall()
    return [(r[0], r[1], bool(r[2]), r[3], r[4], r[5]) for r in rows]


def grades_since(c: sqlite3.Connection, start: datetime) -> list[tuple[datetime, int, str]]:
    """(reviewed_at, rating, kind) of the grades since `start`."""
    rows = c.execute("SELECT reviewed_at, rating, kind FROM review_log WHERE reviewed_at >= ?",
                     (instant_text(start),)).fetchall()
    return [(read_set_instant(at), rating, kind) for at, rating, kind in rows]


def retention(c: sqlite3.Connection, since: datetime | None) -> tuple[int, int]:
    """(reviews of review-state cards, of which passed) since `since` (None: ever)."""
    row = c.execute("SELECT count(*), coalesce(sum(rating > 1), 0) FROM review_log "
                    "WHERE kind = 'review' AND reviewed_at >= ?",
                    (instant_text(since) if since else "",)).fetchone()
    return row[0], row[1]


def due_dates(c: sqlite3.Connection, before: datetime) -> list[datetime]:
    """Due dates of scheduled cards (not new, unsuspended, active), up to `before`."""
    rows = c.execute("SELECT s.due FROM card_state s JOIN cards c ON c.id = s.card "
                     f"WHERE {SCHEDULED} AND s.due < ?", (instant_text(before),))
    return [read_set_instant(r[0]) for r in rows]


def totals(c: sqlite3.Connection) -> dict[str, int]:
    return {"posts": c.execute("SELECT count(*) FROM posts").fetchone()[0],
            "cards": c.execute("SELECT count(*) FROM cards").fetchone()[0],
            "reviews": c.execute("SELECT count(*) FROM review_log").fetchone()[0]}

