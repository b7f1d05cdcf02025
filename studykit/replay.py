"""Rebuilding FSRS states from the review log (`studykit rebuild`), beside `schedule`.

`schedule.replay` does the FSRS arithmetic of a replay and stays pure; this module reads a
card's logged grades from the store, replays them, and saves the states back.
"""

from __future__ import annotations

from studykit import schedule
from studykit.schedule import FsrsState, Settings
from studykit.store import LoggedGrade, Store



def rebuild_state(store: Store, card: str | int, *, reschedule: bool = False,
                  save: bool = True) -> FsrsState | None:
    """A card's FSRS state replayed from its review log (None: never graded).

    Without `reschedule` the result equals what grading stored (the log keeps each due date,
    fuzz included); with it, due dates follow the current settings (e.g. a new retention).
    """
    rowid = card if isinstance(card, int) else store.resolve(card)
    logs = list(store.history(rowid))
    state = _replay(rowid, logs, store.settings(), reschedule)
    if save:
        store.put_states({rowid: state})
    return state


def rebuild_states(store: Store, *, reschedule: bool = False) -> int:
    """Replay the review log of every graded card and save the states; returns the count."""
    settings = store.settings()
    by_card: dict[int, list[LoggedGrade]] = {}
    for row in store.history():
        by_card.setdefault(row.card, []).append(row)
    store.put_states({rowid: _replay(rowid, logs, settings, reschedule)
                      for rowid, logs in by_card.items()})
    return len(by_card)


def _replay(rowid: int, logs: list[LoggedGrade], settings: Settings,
            reschedule: bool) -> FsrsState | None:
    if not logs:
        return None
    card = schedule.replay(rowid, [(log.rating, log.reviewed_at) for log in logs], settings,
                           due=None if reschedule else logs[-1].due_after)
    return dict(card.to_dict()) if card else None
