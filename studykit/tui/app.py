"""The review app: `studykit review` opens it on the decks list (or straight into a session).

`StudykitApp` owns the open store, the clock every screen reads the time from (tests pass
a fixed one, so snapshots do not move), and the measurement of the first card shown
(`benchmarks/review_startup.py`). Screens live one per module beside this file and share
`studykit.tcss`. Database work runs in thread workers; the UI thread only draws.

A damaged database ends the app: the store is checked (`Store.verify`) in a worker while
the first screen is read, any read that finds damage does the same, and the error is kept
in `failure` with return code 1 for the caller to print.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from textual import work
from textual.app import App
from textual.binding import Binding

from studykit.errors import StudykitError
from studykit.schedule import now_utc, utc
from studykit.store import CardFilter, Store, StoreDamaged, open_store

Clock = Callable[[], datetime]
T = TypeVar("T")
STARTED = time.perf_counter()  # when this module was imported: close to the process start


class StudykitApp(App[None]):
    """Review due cards, browse and edit them, see stats, change settings, export to Anki."""

    CSS_PATH = "studykit.tcss"
    TITLE = "studykit"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, db_path: str | Path | None = None, *, store: Store | None = None,
                 clock: Clock | None = None, start: CardFilter | None = None,
                 exit_after_first_card: bool = False) -> None:
        """`start`: begin a session over these cards at once (the decks list stays beneath).

        `store`: an open store to use (the caller closes it); else `db_path` is opened here
        and closed when the app ends. `clock` returns the time as an aware datetime.
        """
        super().__init__()
        self.store = store if store is not None else open_store(db_path)
        self._own_store = store is None
        self.clock: Clock = clock or now_utc
        self.start = start
        self.exit_after_first_card = exit_after_first_card
        self.created_at = time.perf_counter()
        self.first_card_at: float | None = None  # time.perf_counter() when it was drawn
        self.first_card_wall: float | None = None  # time.time() then, to compare across processes
        self.failure: StudykitError | None = None  # why the app ended early (return code 1)

    def now(self) -> datetime:
        return utc(self.clock(), "clock()")

    def on_mount(self) -> None:
        self.verify_store()
        # Screens are imported when first shown: the first card comes sooner.
        if self.start is None:
            from studykit.tui.home import HomeScreen

            self.push_screen(HomeScreen())
        else:  # the decks list is made when the session ends
            from studykit.tui.review import ReviewScreen

            self.push_screen(ReviewScreen(self.start))

    def leave(self) -> None:
        """Close the screen on top; the decks list shows beneath it (made now if need be)."""
        from studykit.tui.home import HomeScreen

        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        self.store.stop_verify()  # the event loop's end waits for worker threads
        if self._own_store:
            self.store.close()  # waits (store lock) for a query still running in a worker

    def card_shown(self) -> None:
        """Called once a card has been drawn on screen (after the refresh that shows it)."""
        if self.first_card_at is None:
            self.first_card_at, self.first_card_wall = time.perf_counter(), time.time()
            if self.exit_after_first_card:
                self.exit()

    def action_help(self) -> None:
        from studykit.tui.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    @work(thread=True, group="verify")
    def verify_store(self) -> None:
        """Check the file for damage beside the first screen's reads (a large store takes
        a second or more); a grade made meanwhile waits for the verdict."""
        try:
            self.store.verify()
        except StudykitError as exc:
            self.db_error(exc)

    def read_and_show(self, read: Callable[[], T], show: Callable[[T], object]) -> None:
        """In a screen's thread worker: `read` from the store, then `show` the result on the
        UI thread; a database error is shown instead (`db_error`) and `show` not called."""
        try:
            result = read()
        except StudykitError as exc:
            self.db_error(exc)
            return
        self.call_from_thread(show, result)

    def db_error(self, exc: BaseException) -> None:
        """Show a failed database operation; the session goes on (thread-safe, like notify).
        A damaged file ends the app instead: nothing more is read from it or written."""
        if isinstance(exc, StoreDamaged):
            if self.failure is None:
                self.failure = exc
                # After the next refresh: a screen still mounting would fail to draw.
                self.call_after_refresh(self.exit, return_code=1)
            return
        self.notify(str(exc), title="studykit", severity="error", markup=False, timeout=8)
