"""The home screen: decks by series (and their posts) with new / learning / due counts.

Counts are what a session started on that deck now would show: learning cards due, and new
and review cards within what is left of today's limits. "All series" and the limits are the
due summary of `studykit due` (`due.due_summary`), and each series and post is capped by
that summary; they are read in a worker each time the screen comes back, so they are fresh
after a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from studykit.due import DueCounts, DueSummary, due_summary
from studykit.store import CardFilter, Store
from studykit.terminal_text import clean
from studykit.tui import render
from studykit.tui.app import StudykitApp

NUMBER_WIDTH = 7


@dataclass
class Deck:
    """One row of the decks list: everything, a series, or one post."""

    key: str
    label: str
    where: CardFilter
    level: int  # 0 all, 1 series, 2 post
    due: DueCounts = DueCounts()  # what a session on this deck would show now
    posts: list[Deck] = field(default_factory=list)


@dataclass
class HomeData:
    summary: DueSummary  # of all series: the same as `studykit due`
    all: Deck
    series: list[Deck]
    cards: int


def load_decks(store: Store, now: datetime) -> HomeData:
    """The decks list with the counts at `now` (runs in a worker thread)."""
    summary = due_summary(store, now=now, count_over_limit=False)
    series: dict[str, Deck] = {}
    due: dict[str, DueCounts] = {}  # by deck key, before today's limits
    cards = 0
    for row in store.deck_counts(summary.now):
        deck = series.get(row.series)
        if deck is None:
            deck = series[row.series] = Deck(f"series:{row.series}", row.series,
                                             CardFilter(series=row.series), 1)
        post = DueCounts(row.learning, row.review, row.new)
        deck.posts.append(Deck(f"post:{row.post_key}", row.post_title,
                               CardFilter(post=row.post_key), 2, summary.cap(post)))
        due[deck.key] = due.get(deck.key, DueCounts()) + post
        cards += row.cards
    for deck in series.values():
        deck.due = summary.cap(due[deck.key])
    everything = Deck("all", "All series", CardFilter(), 0, summary.total)
    return HomeData(summary, everything, list(series.values()), cards)


class DeckTable(DataTable[Text]):
    """The decks list; Enter (the table's own select, so it follows the arrow keys typed
    before it) starts a session."""

    BINDINGS = [Binding("enter", "select_cursor", "Study")]


class HomeScreen(Screen[None]):
    """Decks by series with their due counts; start a session, or go elsewhere."""

    app = getters.app(StudykitApp)
    HELP_EXTRA = [("Enter", "Study the highlighted deck"), ("↑ / ↓", "Move")]
    BINDINGS = [
        Binding("right,l", "expand", "Posts", key_display="→"),
        Binding("left,h", "collapse", "Fold posts", key_display="←", show=False),
        Binding("b", "browse", "Browse"),
        Binding("t", "stats", "Stats"),
        Binding("c", "settings", "Settings"),
        Binding("x", "export", "Export"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: HomeData | None = None
        self.expanded: set[str] = set()
        self.rows: dict[str, Deck] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Decks", style="bold"), id="home-title")
        table: DataTable[Text] = DeckTable(id="decks", cursor_type="row")
        yield table
        yield Static(id="home-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.app.store.path.name
        table = self.query_one("#decks", DataTable)
        table.add_column("Deck", key="deck", width=self._deck_width())
        for name in ("New", "Learn", "Due"):
            table.add_column(Text(name.rjust(NUMBER_WIDTH)), key=name.lower(), width=NUMBER_WIDTH)

    def on_screen_resume(self) -> None:
        if self.is_current:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        self.query_one("#decks", DataTable).loading = self.data is None
        self.load()

    @work(thread=True, exclusive=True, group="home")
    def load(self) -> None:
        self.app.read_and_show(lambda: load_decks(self.app.store, self.app.now()), self.show)

    def _deck_width(self) -> int:
        return max(20, self.app.size.width - 3 * (NUMBER_WIDTH + 2) - 6)

    def show(self, data: HomeData) -> None:
        self.data = data
        table = self.query_one("#decks", DataTable)
        table.loading = False
        self._fill(table)
        self.query_one("#home-status", Static).update(self._status(data))

    def _fill(self, table: DataTable[Text]) -> None:
        assert self.data is not None
        selected = self.selected.key if self.rows and table.row_count else "all"
        table.clear()
        self.rows = {}
        width = self._deck_width()
        for deck in [self.data.all, *self._visible(self.data.series)]:
            self.rows[deck.key] = deck
            table.add_row(self._label(deck, width),
                          render.count(deck.due.new, "#5fafff", NUMBER_WIDTH),
                          render.count(deck.due.learning, "#ff8700", NUMBER_WIDTH),
                          render.count(deck.due.review, "#5fd75f", NUMBER_WIDTH), key=deck.key)
        if selected in self.rows:
            table.move_cursor(row=list(self.rows).index(selected), animate=False)

    def _visible(self, series: list[Deck]) -> list[Deck]:
        out = []
        for deck in series:
            out.append(deck)
            if deck.key in self.expanded:
                out.extend(deck.posts)
        return out

    def _label(self, deck: Deck, width: int) -> Text:
        if deck.level == 0:
            text = Text(deck.label, style="bold")
        elif deck.level == 1:
            mark = "▾ " if deck.key in self.expanded else "▸ "
            text = Text(mark + clean(deck.label), style="bold")
        else:
            text = Text("    " + clean(deck.label))
        text.truncate(width, overflow="ellipsis")
        return text

    def _status(self, data: HomeData) -> Text:
        out = Text()
        if not data.cards:
            out.append("No cards yet. Add some with `studykit add SOURCE` (a feed, a page, a "
                       "folder of posts), then come back.")
            return out
        summary, s = data.summary, data.summary.settings
        out.append(f"Today: {summary.new_left} of {s.new_per_day} new cards and "
                   f"{summary.reviews_left} of {s.reviews_per_day} reviews left.")
        if not data.all.due.all:
            out.append("\nNothing is due now. ", style="bold")
            if summary.next_due:
                out.append("Next card due " + render.moment(summary.next_due, summary.now, s)
                           + ".")
            elif not summary.new_left:
                out.append("New cards wait for tomorrow (the daily limit is reached).")
        return out

    @property
    def selected(self) -> Deck:
        table = self.query_one("#decks", DataTable)
        if not self.rows or not table.row_count:
            return Deck("all", "All series", CardFilter(), 0)
        key = list(self.rows)[min(table.cursor_row, len(self.rows) - 1)]
        return self.rows[key]

    @on(DataTable.RowSelected, "#decks")
    def _selected(self) -> None:
        self.action_study()

    def action_study(self) -> None:
        from studykit.tui.review import ReviewScreen

        deck = self.selected
        self.app.push_screen(ReviewScreen(deck.where))

    def action_expand(self) -> None:
        deck = self.selected
        if deck.level == 1 and deck.key not in self.expanded and self.data:
            self.expanded.add(deck.key)
            self._fill(self.query_one("#decks", DataTable))

    def action_collapse(self) -> None:
        deck = self.selected
        if deck.level == 2 and self.data:  # on a post: fold its series, land on the series
            deck = next(s for s in self.data.series if deck in s.posts)
        if deck.key in self.expanded:
            self.expanded.discard(deck.key)
            table = self.query_one("#decks", DataTable)
            self._fill(table)
            table.move_cursor(row=list(self.rows).index(deck.key), animate=False)

    def on_resize(self) -> None:
        table = self.query_one("#decks", DataTable)
        table.columns["deck"].width = self._deck_width()  # type: ignore[index]
        if self.data:
            self._fill(table)

    def action_browse(self) -> None:
        from studykit.tui.browse import BrowseScreen

        deck = self.selected
        self.app.push_screen(BrowseScreen(series=deck.label if deck.level == 1 else None))

    def action_stats(self) -> None:
        from studykit.tui.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_settings(self) -> None:
        from studykit.tui.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_export(self) -> None:
        from studykit.tui.export_modal import ExportModal

        deck = self.selected
        series = deck.label if deck.level == 1 else None
        if deck.level == 2 and self.data:
            series = next(s.label for s in self.data.series if deck in s.posts)
        self.app.push_screen(ExportModal(series=series))
