"""The review app: `studykit review` opens it on the decks list (or straight into a session).

`StudykitApp` owns the open store, the clock every screen reads the time from (tests pass
a fixed one, so snapshots do not move), and the measurement of the first card shown
(`benchmarks/review_startup.py`). Screens live one per module beside this file and share
`studykit.tcss`. Database work runs in thread workers; the UI thread only draws.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from studykit.schedule import now_utc, utc
from studykit.store import CardFilter, Store, open_store

Clock = Callable[[], datetime]
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

    def now(self) -> datetime:
        return utc(self.clock(), "clock()")

    def on_mount(self) -> None:
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

    def db_error(self, exc: BaseException) -> None:
        """Show a failed database operation; the session goes on (thread-safe, like notify)."""
        self.notify(str(exc), title="studykit", severity="error", markup=False, timeout=8)
