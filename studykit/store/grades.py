"""Grades: recording one (the log row and the card's new FSRS state in one transaction),
undoing the latest, overwriting states after a rebuild, and reading the log back.

The review log is append-only except for `undo_review`, which removes the last grade of a
card and puts back the state recorded before it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from studykit.schedule import FSRS_VERSION
from studykit.store.db import instant_text, read_set_instant
from studykit.store.errors import CardNotFound, StoreError
from studykit.schedule import CardState

if TYPE_CHECKING:
    from studykit.schedule import Review

FsrsState = dict[str, Any]  # an FSRS card as a dict (fsrs.Card.to_dict)


class LoggedGrade(NamedTuple):
    """One row of the review log: which card, the rating, when, and the due date it set."""

    card: int  # the card's row id
    rating: int
    reviewed_at: datetime
    due_after: datetime


def record_review(c: sqlite3.Connection, rowid: int,
                  grade: Callable[[FsrsState | None], Review], path: Path) -> tuple[int, str]:
    """Log `grade(state)` of a card and save its new state (inside a write transaction);
    returns the log row id and the card's id."""
    row = c.execute("SELECT s.fsrs, c.retired_at, c.card_id FROM card_state s "
                    "JOIN cards c ON c.id = s.card WHERE s.card = ?", (rowid,)).fetchone()
    if row is None:
        raise CardNotFound(f"no card with row id {rowid} in {path}")
    if row[1] is not None:
        raise StoreError(f"card {row[2]} is retired (its post no longer produces it); "
                         f"`studykit restore {row[2]}` brings it back")
    review = grade(json.loads(row[0]) if row[0] else None)
    after = review.after.to_dict()
    due = instant_text(review.due)
    cur = c.execute(
        "INSERT INTO review_log (card, rating, reviewed_at, duration_ms, kind, "
        "state_before, due_after, fsrs_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (rowid, review.rating, instant_text(review.reviewed_at), review.duration_ms,
         review.kind, json.dumps(review.before) if review.before is not None else None, due,
         FSRS_VERSION))
    c.execute("UPDATE card_state SET state = ?, due = ?, fsrs = ?, fsrs_version = ?, "
              "buried_until = NULL, updated_at = ? WHERE card = ?",
              (review.state, due, json.dumps(after), FSRS_VERSION,
               instant_text(review.reviewed_at), rowid))
    assert cur.lastrowid is not None
    return cur.lastrowid, str(row[2])


def undo_review(c: sqlite3.Connection, log_id: int, stamp: str) -> int:
    """Remove grade `log_id` (the card's latest) and restore the state before it (inside a
    write transaction); returns the card's row id."""
    row = c.execute("SELECT card, state_before FROM review_log WHERE id = ?",
                    (log_id,)).fetchone()
    if row is None:
        raise StoreError(f"grade {log_id} is not in the review log (already undone?)")
    rowid, before = row
    latest = c.execute("SELECT max(id) FROM review_log WHERE card = ?", (rowid,)).fetchone()[0]
    if latest != log_id:
        raise StoreError("cannot undo: the card was graded again after that grade")
    c.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
    put_state(c, rowid, json.loads(before) if before else None, stamp)
    return int(rowid)


def put_state(c: sqlite3.Connection, rowid: int, data: FsrsState | None, stamp: str) -> None:
    """Overwrite a card's FSRS state (None: new again)."""
    if data is None:
        values: tuple[Any, ...] = (CardState.NEW, None, None, None)
    else:
        values = (int(data["state"]),
                  instant_text(datetime.fromisoformat(data["due"])), json.dumps(data),
                  FSRS_VERSION)
    c.execute("UPDATE card_state SET state = ?, due = ?, fsrs = ?, fsrs_version = ?, "
              "updated_at = ? WHERE card = ?", (*values, stamp, rowid))


def history(c: sqlite3.Connection, rowid: int | None) -> list[LoggedGrade]:
    """The logged grades of one card (or all), by card then time."""
    sql = "SELECT card, rating, reviewed_at, due_after FROM review_log"
    args: tuple[int, ...] = ()
    if rowid is not None:
        sql, args = sql + " WHERE card = ?", (rowid,)
    rows = c.execute(sql + " ORDER BY card, reviewed_at, id", args).fetchall()
    return [LoggedGrade(card, rating, read_set_instant(at), read_set_instant(due))
            for card, rating, at, due in rows]

