"""The review screen: one card at a time, Space to turn it over, 1-4 to grade it.

A `Session` (studykit.session) holds the queue and the undo stack; every call that touches
the database (build the queue, grade, undo, suspend, bury, edit, load the next card) runs
in a thread worker, one at a time (`busy`), and hands back a `View` that the screen keeps
in a reactive attribute: the card panel and the progress row redraw themselves from it
(`review_view`). A grade is committed by `Session.grade` before the next card is loaded,
so a crash or a closed terminal never loses one. Keys pressed while a worker runs are
ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Button, Footer, Header

from studykit.due import due_summary
from studykit.errors import StudykitError
from studykit.session import Session
from studykit.store import CardFilter
from studykit.terminal_text import clean
from studykit.tui.app import StudykitApp
from studykit.tui.card_keys import CARD_BINDINGS
from studykit.tui.review_view import CardPanel, SessionProgress, View

Change = Callable[[Session], object]  # one change to the session, made in a worker


class ReviewScreen(Screen[None]):
    """Show the due cards of `where` one by one and grade them."""

    app = getters.app(StudykitApp)
    view: var[View | None] = var(None, always_update=True)

    BINDINGS = [
        Binding("space,enter", "reveal", "Show answer"),
        Binding("1", "grade(1)", "Again", show=False),
        Binding("2", "grade(2)", "Hard", show=False),
        Binding("3", "grade(3)", "Good", show=False),
        Binding("4", "grade(4)", "Easy", show=False),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        *CARD_BINDINGS,
        Binding("escape", "finish", "End"),
    ]

    def __init__(self, where: CardFilter | None = None) -> None:
        super().__init__()
        self.where = where or CardFilter()
        self.session: Session | None = None
        self.busy = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield CardPanel(self._scope()).data_bind(ReviewScreen.view)
        yield SessionProgress(id="progress-row").data_bind(ReviewScreen.view)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self._scope()
        self.start_session()

    def _scope(self) -> str:
        w = self.where
        return clean(f"series {w.series}" if w.series else f"post {w.post}" if w.post
                     else "all series")

    # ---- workers: every database call happens here ----

    def _apply(self, change: Callable[[], object], on_error: Callable[[], None]) -> bool:
        """In a worker: make `change`, read the next view and show it; on a database error,
        report it and call `on_error` instead. True when the change was made."""
        try:
            change()
            view = self._read_view()
        except StudykitError as exc:
            self.app.db_error(exc)
            self.app.call_from_thread(on_error)
            return False
        self.app.call_from_thread(self.show, view)
        return True

    @work(thread=True, exclusive=True, group="review")
    def start_session(self) -> None:
        def start() -> None:
            self.session = Session(self.app.store, where=self.where, clock=self.app.now)

        self._apply(start, self._failed)

    def _read_view(self) -> View:
        """The card to show next and its previews; what is left when there is none."""
        session = self.session
        assert session is not None
        card = session.current
        view = View(card=card, revealed=session.revealed, counts=session.counts,
                    tally=session.tally, now=self.app.now(), settings=session.settings)
        if card is not None:
            try:
                return replace(view, preview=session.preview())
            except StudykitError:
                return view  # the card was graded later than our clock: no preview
        store = self.app.store
        summary = due_summary(store, now=view.now, where=self.where)
        return replace(view, next_due=store.next_due(self.where),
                       over_limit=(summary.queue.review_over_limit,
                                   summary.queue.new_over_limit),
                       has_cards=bool(store.cards(self.where, limit=1)))

    @work(thread=True, exclusive=True, group="review")
    def change_session(self, change: Change, note: str | None = None) -> None:
        """Grade, undo, suspend, bury or edit, then read the next card; `note` tells the
        user the change was made."""
        session = self.session
        assert session is not None
        if self._apply(lambda: change(session), self._ready) and note:
            self.app.notify(note, markup=False)

    def _change(self, change: Change, note: str | None = None) -> None:
        self.busy = True
        self.change_session(change, note)

    def _undo(self, session: Session) -> None:
        if session.undo() is None:
            self.app.notify("Nothing to undo in this session.", markup=False)

    def _ready(self) -> None:
        self.busy = False
        self.refresh_bindings()

    def _failed(self) -> None:
        self.busy = False
        self.view = View(card=None, failed=True)

    # ---- drawing: the panel and the progress row follow `view` ----

    def show(self, view: View) -> None:
        self.view = view
        self.busy = False
        if view.card is None and view.tally.anything:
            self._summary()
        self.refresh_bindings()

    # ---- keys ----

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card = self.view.card if self.view else None
        revealed = self.view is not None and self.view.revealed
        if action == "reveal":
            return card is not None and not revealed
        if action == "grade":
            return card is not None and revealed
        if action in ("suspend", "bury", "edit", "source"):
            return card is not None
        if action == "undo":
            return self.session is not None and self.session.can_undo
        return True

    def action_reveal(self) -> None:
        if self.busy or self.view is None or self.view.card is None or self.session is None:
            return
        self.session.reveal()
        self.view = replace(self.view, revealed=True)
        self.refresh_bindings()

    def action_grade(self, rating: int) -> None:
        if self.busy or self.view is None or self.view.card is None:
            return
        if not self.view.revealed:
            self.notify("Show the answer first (Space).", markup=False, timeout=2)
            return
        self._change(lambda session: session.grade(rating))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("grade-"):
            self.action_grade(int(event.button.id.removeprefix("grade-")))

    def action_undo(self) -> None:
        if not self.busy:
            self._change(self._undo)

    def action_suspend(self) -> None:
        if not self.busy and self.view and self.view.card:
            self._change(Session.suspend)
            self.notify("Card suspended (u to undo).", markup=False, timeout=3)

    def action_bury(self) -> None:
        if not self.busy and self.view and self.view.card:
            self._change(Session.bury)
            self.notify("Card buried until tomorrow (u to undo).", markup=False, timeout=3)

    def action_edit(self) -> None:
        from studykit.tui.edit import EditModal

        if self.busy or not self.view or not self.view.card:
            return

        def done(result: dict[str, str | None] | None) -> None:
            if result:
                front, back, cloze = result["front"] or "", result["back"] or "", result["cloze"]
                self._change(lambda s: s.edit(front=front, back=back, cloze=cloze),
                             note="Card text saved.")

        self.app.push_screen(EditModal(self.view.card), done)

    def action_source(self) -> None:
        from studykit.tui.source import SourceModal

        if self.view and self.view.card:
            self.app.push_screen(SourceModal(self.view.card))

    def action_finish(self) -> None:
        """End the session now: the summary when something was done, else the decks."""
        if self.busy:
            return
        if self.view is not None and self.view.tally.anything:
            self._summary()
        else:
            self.app.leave()

    # ---- the end ----

    def _summary(self) -> None:
        from studykit.tui.summary import SummaryData, SummaryScreen

        assert self.session is not None and self.view is not None
        tally = self.view.tally
        data = SummaryData(scope=self._scope(), grades=list(tally.grades),
                           suspended=tally.suspended, buried=tally.buried,
                           started=self.session.started, ended=self.app.now(),
                           left=sum(self.view.counts.values()), where=self.where)
        self.app.push_screen(SummaryScreen(data), self._after_summary)

    def _after_summary(self, result: str | None) -> None:
        if result == "undo":
            self._change(self._undo)
        elif result == "continue" and self.view and self.view.card:
            pass  # ended early: the card is still on screen
        else:
            self.app.leave()
