"""`Store`: the study store's methods, each one transaction or snapshot over the database
(`db.py`), delegating to the module that owns its part: card identity (`sync.py`), edits
(`edits.py`), lookup (`lookup.py`), the queue (`queue.py`), grades (`grades.py`) and
statistics (`stats.py`).

Review history is never thrown away: cards are never deleted (a card no longer produced is
retired), and what the user typed is kept when its post is added again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from studykit import paths
from studykit.models import Card, Post
from studykit.schedule import Settings, SettingsError, now_utc, parse_setting
from studykit.store import edits, grades, lookup, queue, stats
from studykit.store.db import Database, instant_text
from studykit.store.errors import StoreError, guard_public_methods
from studykit.store.grades import FsrsState, LoggedGrade
from studykit.store.records import AddReport, CardFilter, DeckCount, Queue, StoredCard
from studykit.store.rows import Rows
from studykit.store.sync import cards_by_post, sync_post

if TYPE_CHECKING:
    from studykit.schedule import Review


def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    """The store at `path` (default: `paths.db_path()`), created and migrated as needed."""
    return Store(paths.db_path(path))


def _now() -> str:
    return instant_text(now_utc())


@guard_public_methods
class Store(Database):
    """One open study database. Use as a context manager, or call `close()`.

    Every public method turns SQLite errors into StoreError (`StoreDamaged` for a damaged
    file), and the first write of an open store runs `verify()` first.
    """

    # ---- settings ----

    def settings(self) -> Settings:
        with self._lock:
            rows = dict(self._conn.execute("SELECT key, value FROM settings").fetchall())
        try:
            return Settings.from_text(rows)
        except SettingsError as exc:  # stored by an older studykit that allowed it
            key = str(exc).split(" ", 1)[0]
            raise StoreError(f"{self.path}: stored setting {exc}; set it again with `studykit "
                             f"config {key} VALUE` or `studykit config --unset {key}`") from None

    def set_setting(self, key: str, value: str) -> str:
        """Store setting `key` (validated); returns the value in its canonical text form."""
        from studykit.schedule import SETTINGS

        parsed = parse_setting(key, value)  # refuses unknown keys and bad values
        text = SETTINGS[key][1](parsed)
        with self._write() as c:
            c.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, text))
        return text

    def unset_setting(self, key: str) -> None:
        """Forget a stored setting: its default applies again."""
        parse_setting(key, Settings().as_text().get(key, ""))  # refuses unknown keys
        with self._write() as c:
            c.execute("DELETE FROM settings WHERE key = ?", (key,))

    # ---- adding cards ----

    def add(self, posts: Sequence[Post], cards: Sequence[Card], now: datetime | None = None,
            progress: Callable[[str], None] | None = None) -> AddReport:
        """Store the cards of `posts`, keeping every card's state and history.

        Each post is synced in its own transaction (never half-added), in reading order: a
        card whose id (or an alias of it) is known keeps its state and gets the new text; an
        unknown card that is a close edit of a card of the same post that was not produced
        this time takes over that card (its id becomes an alias); the rest are new. Cards of
        the post that are no longer produced are retired (kept, with their history, hidden
        from review).

        A card whose text the user edited keeps the user's text: the new generated text is
        only remembered (for `revert_edit`), and the card counts in `edits_kept`.
        """
        stamp = instant_text(now or now_utc())
        report = AddReport()
        for post, mine in cards_by_post(posts, cards):
            with self._write() as c:
                one = sync_post(Rows(c), post, mine, stamp)
            if progress:
                progress(f"stored {post.title}: {one.new} new, {one.updated} updated, "
                         f"{one.retired} retired")
            report += one
        return report

    # ---- looking cards up ----

    def resolve(self, ref: str) -> int:
        """The row id of the card named by its id, an alias, or a unique id prefix (4+ chars)."""
        with self._lock:
            return lookup.resolve(self._conn, ref, self.path)

    def card(self, ref: str | int) -> StoredCard:
        rowid = ref if isinstance(ref, int) else self.resolve(ref)
        with self._lock:
            return lookup.card(self._conn, rowid, self.path)

    def cards(self, where: CardFilter | None = None, include_retired: bool = False,
              limit: int | None = None) -> list[StoredCard]:
        """Cards in the order they were added (series, part, reading order)."""
        with self._lock:
            return lookup.cards(self._conn, where, include_retired, limit)

    # ---- suspend, bury, restore ----

    def set_suspended(self, rowid: int, suspended: bool) -> bool:
        """Suspend (or unsuspend) a card; returns whether anything changed."""
        with self._write() as c:
            cur = c.execute("UPDATE card_state SET suspended = ?, updated_at = ? "
                            "WHERE card = ? AND suspended != ?",
                            (int(suspended), _now(), rowid, int(suspended)))
            return cur.rowcount > 0

    def bury(self, rowid: int, until: datetime | None) -> None:
        """Hide a card from the queue until `until` (None: unbury)."""
        with self._write() as c:
            c.execute("UPDATE card_state SET buried_until = ?, updated_at = ? WHERE card = ?",
                      (instant_text(until) if until else None, _now(), rowid))

    def restore(self, rowid: int) -> bool:
        """Bring a retired card back to review and keep it there even when no longer produced."""
        with self._write() as c:
            return Rows(c).restore(rowid, _now())

    # ---- the due queue ----

    def queue(self, now: datetime, *, new_limit: int, review_limit: int,
              where: CardFilter | None = None, learn_until: datetime | None = None,
              count_over_limit: bool = False) -> Queue:
        """Due learning cards (by due time), due reviews (most overdue first, at most
        `review_limit`) and new cards (in the order added, at most `new_limit`)."""
        with self._read() as c:
            return queue.queue(c, now, new_limit=new_limit, review_limit=review_limit,
                               where=where, learn_until=learn_until,
                               count_over_limit=count_over_limit)

    def deck_counts(self, now: datetime) -> list[DeckCount]:
        """Per post, in reading order: its cards that are new, learning-due and review-due at
        `now` (active, unsuspended and unburied cards; daily limits not applied)."""
        with self._lock:
            return queue.deck_counts(self._conn, now)

    def next_due(self, where: CardFilter | None = None) -> datetime | None:
        with self._lock:
            return queue.next_due(self._conn, where)

    # ---- grading ----

    def record_review(self, rowid: int, grade: Callable[[FsrsState | None], Review]
                      ) -> tuple[int, str]:
        """Grade a card in one transaction: read its state, `grade(state)`, log, save.

        `grade` gets the FSRS state (None for a new card) read inside the write lock, so two
        processes grading the same card cannot lose either grade. Returns the log row id and
        the card's id.
        """
        with self._write() as c:
            return grades.record_review(c, rowid, grade, self.path)

    def undo_review(self, log_id: int) -> int:
        """Remove grade `log_id` (the card's latest) and restore the state before it."""
        with self._write() as c:
            return grades.undo_review(c, log_id, _now())

    def put_states(self, states: dict[int, FsrsState | None]) -> None:
        """Overwrite the FSRS state of cards (after a rebuild from the log), in one transaction."""
        with self._write() as c:
            for rowid, data in states.items():
                grades.put_state(c, rowid, data, _now())

    def history(self, rowid: int | None = None) -> Iterator[LoggedGrade]:
        """The logged grades of one card (or all), by card then time."""
        with self._lock:
            rows = grades.history(self._conn, rowid)
        yield from rows

    # ---- statistics ----

    def done_since(self, start: datetime) -> dict[str, int]:
        """Grades since `start` by the card's state before them (new, learning, review, ...)."""
        with self._lock:
            return stats.done_since(self._conn, start)

    def state_counts(self) -> list[tuple[str, int, bool, int, int, int]]:
        """Rows (series, state, retired?, cards, of which suspended, of which buried now)."""
        with self._lock:
            return stats.state_counts(self._conn, now_utc())

    def grades_since(self, start: datetime) -> list[tuple[datetime, int, str]]:
        with self._lock:
            return stats.grades_since(self._conn, start)

    def retention(self, since: datetime | None = None) -> tuple[int, int]:
        """(reviews of review-state cards, of which passed) since `since` (None: ever)."""
        with self._lock:
            return stats.retention(self._conn, since)

    def due_dates(self, before: datetime) -> list[datetime]:
        """Due dates of active, unsuspended cards that are not new, up to `before`."""
        with self._lock:
            return stats.due_dates(self._conn, before)

    def totals(self) -> dict[str, int]:
        with self._lock:
            return stats.totals(self._conn)

    # ---- editing a card's text ----

    def update_card_text(self, rowid: int, *, front: str, back: str,
                         cloze: str | None = None) -> StoredCard:
        """Change what a card says (its state and review history stay); returns the card.

        The card is marked as edited by the user, so re-adding its post keeps this text
        (`revert_edit` puts the generated text back). Saving the text unchanged changes
        nothing; saving the generated text again clears the mark.
        """
        edits.check_text(front, back)
        with self._write() as c:
            edits.edit_text(Rows(c), rowid, front, back, cloze, self.path, _now())
        return self.card(rowid)

    def revert_edit(self, rowid: int) -> bool:
        """Put back the generated text of a card the user edited (state and history stay).

        Returns False when the card's text is not an edit. A card whose edit predates the
        schema that records edits has no generated text until its post is added again.
        """
        with self._write() as c:
            return edits.revert_edit(Rows(c), rowid, self.path, _now())
