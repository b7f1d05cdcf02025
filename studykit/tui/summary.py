"""The session summary: cards reviewed, again-rate, time spent, and when the next card is due.

It is dismissed with what the user wants next: "home" (back to the decks), "undo" (take back
the last grade and go on reviewing) or "continue" (a session ended early goes on).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from studykit.due import DueSummary, due_summary
from studykit.schedule import Settings
from studykit.session import GradeResult
from studykit.store import CardFilter
from studykit.tui import render
from studykit.tui.app import StudykitApp


@dataclass
class SummaryData:
    scope: str
    grades: list[GradeResult]
    suspended: int
    buried: int
    started: datetime
    ended: datetime
    left: int  # cards still in the session (ended early)
    where: CardFilter


class SummaryScreen(Screen[str]):
    """What the session did; Enter goes back to the decks."""

    app = getters.app(StudykitApp)

    BINDINGS = [
        Binding("enter,escape", "home", "Back to decks"),
        Binding("u", "undo", "Undo last"),
        Binding("r", "resume", "Resume"),
    ]

    def __init__(self, data: SummaryData) -> None:
        super().__init__()
        self.data = data
        self.sub_title = data.scope

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="summary"):
            yield Static(Text("Session summary", style="bold"), id="summary-title")
            yield Static(self._table(), id="summary-table")
            yield Static(Text("Next due: …", style="dim"), id="summary-next")
        yield Footer()

    def on_mount(self) -> None:
        self.load_next()

    def _table(self) -> Table:
        d = self.data
        ratings = Counter(g.rating for g in d.grades)
        grades = len(d.grades)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_row("Cards reviewed", f"{len({g.rowid for g in d.grades})} ({grades} grades)")
        again = ratings[1]
        rate = f"{again / grades:.0%}" if grades else "–"
        table.add_row("Again-rate", f"{rate} ({again} of {grades})")
        table.add_row("Grades", Text.assemble(*(
            (f"{label} {ratings[r]}   ", style) for (r, label), style in zip(
                render.RATING_LABELS.items(), ("#ff5f5f", "#ffaf00", "#5fd75f", "#5fafff"),
                strict=True))))
        table.add_row("Time spent", render.duration((d.ended - d.started).total_seconds()))
        if d.suspended or d.buried:
            table.add_row("Set aside", f"{d.suspended} suspended, {d.buried} buried")
        return table

    @work(thread=True, exclusive=True, group="summary")
    def load_next(self) -> None:
        self.app.read_and_show(self._read_next, self.query_one("#summary-next", Static).update)

    def _read_next(self) -> Text:
        store, now = self.app.store, self.app.now()
        settings = store.settings()
        next_due = store.next_due(self.data.where)
        summary = due_summary(store, now=now, where=self.data.where)
        return self._next_text(now, next_due, settings, summary)

    def _next_text(self, now: datetime, next_due: datetime | None, settings: Settings,
                   summary: DueSummary) -> Text:
        text = Text()
        text.append("Next due: ", style="bold")
        reviews, new = summary.queue.review_over_limit, summary.queue.new_over_limit
        if self.data.left:
            left = self.data.left
            text.append(f"now: {left} card{'s are' if left != 1 else ' is'} left in this session "
                        "(r resumes it)")
            return text
        if next_due is not None and next_due > now:
            text.append(render.moment(next_due, now, settings))
        elif next_due is not None:
            text.append("now, but over today's review limit")
        else:
            text.append("no card has a due date yet (only new cards are left)")
        if reviews or new:
            text.append(f"\n{reviews} reviews and {new} new cards are over today's limits: they "
                        "wait for the next study day.", style="dim")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return bool(self.data.grades or self.data.suspended or self.data.buried)
        if action == "resume":
            return self.data.left > 0
        return True

    def action_home(self) -> None:
        self.dismiss("home")

    def action_undo(self) -> None:
        if self.check_action("undo", ()):
            self.dismiss("undo")

    def action_resume(self) -> None:
        if self.data.left:
            self.dismiss("continue")
