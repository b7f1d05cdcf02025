"""The review screen: one card at a time, Space to turn it over, 1-4 to grade it.

A `Session` (studykit.session) holds the queue; every call that touches the database (build
the queue, grade, undo, suspend, bury, edit, load the next card) runs in a thread worker,
one at a time (`busy`), and the screen is redrawn from a `View` the worker hands back. A
grade is committed by `Session.grade` before the next card is loaded, so a crash or a
closed terminal never loses one. Keys pressed while a worker runs are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, ProgressBar, Rule, Static

from studykit.errors import StudykitError
from studykit.due import due_summary
from studykit.session import GradeResult, Session
from studykit.store import CardFilter, StoredCard
from studykit.terminal_text import clean
from studykit.tui import render


VARIANTS = ("error", "warning", "success", "primary")  # Again, Hard, Good, Easy


@dataclass
class View:
    """What the screen shows, read in the worker that changed the session."""

    card: StoredCard | None
    revealed: bool = False
    preview: dict[int, tuple[datetime, str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    now: datetime | None = None
    # set when the session has no card left:
    next_due: datetime | None = None
    over_limit: tuple[int, int] = (0, 0)  # reviews, new cards over today's limits
    has_cards: bool = True


@dataclass
class SessionStats:
    """The session so far, for the summary screen."""

    started: datetime
    grades: list[GradeResult] = field(default_factory=list)
    suspended: int = 0
    buried: int = 0


class ReviewScreen(Screen):
    """Show the due cards of `where` one by one and grade them."""

    BINDINGS = [
        Binding("space,enter", "reveal", "Show answer"),
        Binding("1", "grade(1)", "Again", show=False),
        Binding("2", "grade(2)", "Hard", show=False),
        Binding("3", "grade(3)", "Good", show=False),
        Binding("4", "grade(4)", "Easy", show=False),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("e", "edit", "Edit"),
        Binding("o", "source", "Source"),
        Binding("escape", "finish", "End"),
    ]

    def __init__(self, where: CardFilter | None = None) -> None:
        super().__init__()
        self.where = where or CardFilter()
        self.session: Session | None = None
        self.view: View | None = None
        self.busy = True
        self.stats: SessionStats | None = None
        self.actions: list[str] = []  # mirrors the session's undo stack: grade/suspend/bury
        self.finished = False

    # ---- layout ----

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="card-top"):
            yield Static(id="card-where")
            yield Static(id="card-kind")
        with VerticalScroll(id="card-body"):
            yield Static(id="card-front")
            yield Rule(id="card-rule")
            yield Static(id="card-back")
            yield Static(id="card-empty")
        yield Static(Text("Space / Enter: show the answer", style="dim"), id="reveal-hint")
        with Horizontal(id="grades"):
            for (rating, label), variant in zip(render.RATING_LABELS.items(), VARIANTS,
                                                strict=True):
                button = Button(label, variant=variant, id=f"grade-{rating}",  # type: ignore[arg-type]
                                classes="grade", compact=True)
                button.can_focus = False
                yield button
        with Horizontal(id="progress-row"):
            yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
            yield Static(id="counts")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self._scope()
        self.query_one("#card-rule").display = False
        self.query_one("#grades").display = False
        self.query_one("#card-empty").display = False
        self.start_session()

    def _scope(self) -> str:
        w = self.where
        return clean(f"series {w.series}" if w.series else f"post {w.post}" if w.post
                     else "all series")

    # ---- workers: every database call happens here ----

    def _apply(self, change: Callable[[], None], on_error: Callable[[], None]) -> bool:
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
            self.stats = SessionStats(started=self.app.now())

        self._apply(start, self._failed)

    def _read_view(self) -> View:
        """The card to show next and its previews; what is left when there is none."""
        session = self.session
        assert session is not None
        card = session.current
        view = View(card=card, revealed=session.revealed, counts=session.counts,
                    now=self.app.now())
        if card is not None:
            try:
                view.preview = session.preview()
            except StudykitError:
                view.preview = {}  # the card was graded later than our clock: no preview
        else:
            summary = due_summary(self.app.store, now=view.now, where=self.where)
            view.next_due = self.app.store.next_due(self.where)
            view.over_limit = (summary.queue.review_over_limit, summary.queue.new_over_limit)
            view.has_cards = bool(self.app.store.cards(self.where, limit=1))
        return view

    @work(thread=True, exclusive=True, group="review")
    def run_action(self, kind: str, rating: int = 0) -> None:
        """Grade, undo, suspend or bury, then read the next card."""
        self._apply(lambda: self._act(kind, rating), self._ready)

    def _act(self, kind: str, rating: int) -> None:
        """One review action on the session, counted in the session's stats."""
        session, stats = self.session, self.stats
        assert session is not None and stats is not None
        if kind == "grade":
            stats.grades.append(session.grade(rating))
            self.actions.append("grade")
        elif kind == "undo":
            undone = self.actions.pop() if self.actions else None
            if session.undo() is None:
                self.app.notify("Nothing to undo in this session.", markup=False)
            elif undone == "grade":
                stats.grades.pop()
            elif undone == "suspend":
                stats.suspended -= 1
            elif undone == "bury":
                stats.buried -= 1
        elif kind == "suspend":
            session.suspend()
            stats.suspended += 1
            self.actions.append("suspend")
        elif kind == "bury":
            session.bury()
            stats.buried += 1
            self.actions.append("bury")

    @work(thread=True, exclusive=True, group="review")
    def save_edit(self, front: str, back: str, cloze: str | None) -> None:
        session = self.session
        assert session is not None
        if self._apply(lambda: session.edit(front=front, back=back, cloze=cloze), self._ready):
            self.app.notify("Card text saved.", markup=False)

    def _ready(self) -> None:
        self.busy = False
        self.refresh_bindings()

    def _failed(self) -> None:
        self.busy = False
        self.view = View(card=None)
        self.query_one("#card-front", Static).update(Text("The session could not start."))

    # ---- drawing ----

    def show(self, view: View) -> None:
        self.view = view
        self.busy = False
        card = view.card
        if card is None:
            self._show_done(view)
        else:
            self._show_card(card, view)
        self._show_progress(view)
        self.refresh_bindings()

    def _show_card(self, card: StoredCard, view: View) -> None:
        self.query_one("#card-where", Static).update(render.where(card))
        kind = Text(f"{card.kind} · ", style="dim")
        kind.append(card.state, style=render.STATE_STYLES.get(card.state, ""))
        self.query_one("#card-kind", Static).update(kind)
        revealed = view.revealed
        front = self.query_one("#card-front", Static)
        if card.kind == "cloze" and revealed:
            front.update(render.back(card))  # the blank, filled in and highlighted
        else:
            front.update(render.front(card))
        back = self.query_one("#card-back", Static)
        back.update(render.back(card) if revealed and card.kind != "cloze" else "")
        self.query_one("#card-rule").display = revealed and card.kind != "cloze"
        back.display = revealed and card.kind != "cloze"
        self.query_one("#card-empty").display = False
        front.display = True
        self.query_one("#reveal-hint").display = not revealed
        self.query_one("#grades").display = revealed
        for rating, label in render.RATING_LABELS.items():
            button = self.query_one(f"#grade-{rating}", Button)
            if rating in view.preview and view.now is not None:
                due = view.preview[rating][0]
                button.label = f"{rating} {label} · {render.interval(due - view.now)}"
            else:
                button.label = f"{rating} {label}"
        self.query_one("#card-body").scroll_home(animate=False)
        self.call_after_refresh(self.app.card_shown)

    def _show_done(self, view: View) -> None:
        stats = self.stats
        if stats is not None and (stats.grades or stats.suspended or stats.buried):
            self._summary()
            return
        settings = self.app.store.settings() if self.session is None else self.session.settings
        text = Text()
        if not view.has_cards:
            text.append("No cards here yet.\n\n", style="bold")
            text.append("Add some with `studykit add SOURCE` (a feed, an article, a folder of "
                        "Markdown posts).")
        else:
            text.append("Nothing is due now.\n\n", style="bold")
            reviews, new = view.over_limit
            if reviews or new:
                text.append(f"Today's limits are reached: {reviews} more reviews and {new} new "
                            "cards wait for the next study day (change the limits in Settings, "
                            "key c on the decks list).\n")
            if view.next_due and view.now and view.next_due > view.now:
                text.append("Next card due " + render.moment(view.next_due, view.now, settings)
                            + ".")
        text.append("\n\nEscape: back to the decks.", style="dim")
        self.query_one("#card-where", Static).update(Text(self._scope(), style="bold"))
        self.query_one("#card-kind", Static).update("")
        for name in ("#card-front", "#card-back", "#card-rule", "#grades", "#reveal-hint"):
            self.query_one(name).display = False
        empty = self.query_one("#card-empty", Static)
        empty.update(text)
        empty.display = True

    def _show_progress(self, view: View) -> None:
        counts = view.counts
        left = sum(counts.values())
        done = len(self.stats.grades) if self.stats else 0
        self.query_one("#progress", ProgressBar).update(total=max(1, done + left), progress=done)
        text = Text(f"{done} done · {left} left ")
        for name, style in (("new", "#5fafff"), ("learning", "#ff8700"), ("review", "#5fd75f")):
            text.append(f" {counts.get(name, 0)} {name}", style=style)
        self.query_one("#counts", Static).update(text)

    # ---- keys ----

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card = self.view.card if self.view else None
        if action == "reveal":
            return card is not None and not self.view.revealed  # type: ignore[union-attr]
        if action == "grade":
            return card is not None and self.view.revealed  # type: ignore[union-attr]
        if action in ("suspend", "bury", "edit", "source"):
            return card is not None
        if action == "undo":
            return bool(self.actions)
        return True

    def action_reveal(self) -> None:
        if self.busy or self.view is None or self.view.card is None or self.session is None:
            return
        self.session.reveal()
        self.view.revealed = True
        self._show_card(self.view.card, self.view)
        self.refresh_bindings()

    def action_grade(self, rating: int) -> None:
        if self.busy or self.view is None or self.view.card is None:
            return
        if not self.view.revealed:
            self.notify("Show the answer first (Space).", markup=False, timeout=2)
            return
        self._start("grade", rating)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("grade-"):
            self.action_grade(int(event.button.id.removeprefix("grade-")))

    def _start(self, kind: str, rating: int = 0) -> None:
        self.busy = True
        self.run_action(kind, rating)

    def action_undo(self) -> None:
        if not self.busy:
            self._start("undo")

    def action_suspend(self) -> None:
        if not self.busy and self.view and self.view.card:
            self._start("suspend")
            self.notify("Card suspended (u to undo).", markup=False, timeout=3)

    def action_bury(self) -> None:
        if not self.busy and self.view and self.view.card:
            self._start("bury")
            self.notify("Card buried until tomorrow (u to undo).", markup=False, timeout=3)

    def action_edit(self) -> None:
        from studykit.tui.edit import EditModal

        if self.busy or not self.view or not self.view.card:
            return

        def done(result: dict[str, str | None] | None) -> None:
            if result:
                self.busy = True
                self.save_edit(result["front"], result["back"], result["cloze"])

        self.app.push_screen(EditModal(self.view.card), done)

    def action_source(self) -> None:
        from studykit.tui.source import SourceModal

        if self.view and self.view.card:
            self.app.push_screen(SourceModal(self.view.card))

    def action_finish(self) -> None:
        """End the session now: the summary when something was done, else the decks."""
        if self.busy:
            return
        stats = self.stats
        if stats is not None and (stats.grades or stats.suspended or stats.buried):
            self._summary()
        else:
            self.app.leave()

    # ---- the end ----

    def _summary(self) -> None:
        from studykit.tui.summary import SummaryScreen, SummaryData

        assert self.stats is not None
        view = self.view or View(card=None)
        data = SummaryData(scope=self._scope(), grades=list(self.stats.grades),
                           suspended=self.stats.suspended, buried=self.stats.buried,
                           started=self.stats.started, ended=self.app.now(),
                           left=sum(view.counts.values()), where=self.where)
        self.app.push_screen(SummaryScreen(data), self._after_summary)

    def _after_summary(self, result: str | None) -> None:
        if result == "undo":
            self._start("undo")
        elif result == "continue" and self.view and self.view.card:
            pass  # ended early: the card is still on screen
        else:
            self.app.leave()
