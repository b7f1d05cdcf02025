"""The browse screen: search cards by text, series and tag; see their state and history;
suspend, unsuspend or edit them.

The search box takes free text plus `series:NAME` and `tag:TAG` (quote names with spaces:
`series:"Signal Processing"`). Searches and the detail of the highlighted card (its review
history) are read in workers; the table shows at most `LIMIT` cards.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from studykit.errors import StudykitError
from studykit.schedule import RATING_NAMES, Settings
from studykit.store import CardFilter, StoredCard
from studykit.terminal_text import clean
from studykit.tui import render
from studykit.tui.app import StudykitApp
from studykit.tui.card_keys import CARD_BINDINGS

LIMIT = 500


def parse_query(text: str) -> CardFilter:
    """'gate series:NLP tag:kind::cloze' -> CardFilter(search='gate', series='NLP', ...)."""
    try:
        words = shlex.split(text)
    except ValueError:  # an unclosed quote: take the words as they are
        words = text.split()
    found: dict[str, str] = {}
    free = []
    for word in words:
        key, sep, value = word.partition(":")
        if sep and key.lower() in ("series", "tag", "post") and value:
            found[key.lower()] = value
        else:
            free.append(word)
    return CardFilter(series=found.get("series"), tag=found.get("tag"), post=found.get("post"),
                      search=" ".join(free) or None)


@dataclass
class Detail:
    card: StoredCard
    history: list[tuple[int, object, object]]
    settings: Settings


class BrowseScreen(Screen[None]):
    """Find cards and look after them."""

    app = getters.app(StudykitApp)
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("s", "suspend", "Suspend/unsuspend"),
        *CARD_BINDINGS,
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, series: str | None = None) -> None:
        super().__init__()
        self.initial = f'series:"{clean(series)}"' if series else ""
        self.found: list[StoredCard] = []
        self.detail: Detail | None = None
        self.focus_results = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.initial, id="browse-search",
                    placeholder='text  series:"Name"  tag:kind::cloze   (Enter searches)')
        yield DataTable(id="browse-table", cursor_type="row")
        with VerticalScroll(id="browse-detail-box"):
            yield Static(id="browse-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        table = self.query_one("#browse-table", DataTable)
        for name, width in (("Id", 8), ("State", 10), ("Due", 10), ("Series", 14),
                            ("Front", max(20, self.app.size.width - 58))):
            table.add_column(name, key=name.lower(), width=width)
        self.search()

    def action_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    @on(Input.Submitted, "#browse-search")
    def _submitted(self) -> None:
        self.focus_results = True  # once they are shown: a loading table takes no focus
        self.search()

    def search(self) -> None:
        self.query_one("#browse-table", DataTable).loading = True
        self.run_search(parse_query(self.query_one("#browse-search", Input).value))

    @work(thread=True, exclusive=True, group="browse")
    def run_search(self, where: CardFilter) -> None:
        try:
            found = self.app.store.cards(where, limit=LIMIT + 1)
        except StudykitError as exc:
            self.app.db_error(exc)
            found = []
        self.app.call_from_thread(self.show_found, found)

    def show_found(self, found: list[StoredCard]) -> None:
        table = self.query_one("#browse-table", DataTable)
        table.loading = False
        table.clear()
        if self.focus_results:
            self.focus_results = False
            table.focus()
        self.found = found[:LIMIT]
        width = table.columns["front"].width  # type: ignore[index]
        for card in self.found:
            table.add_row(*self._cells(card, width), key=str(card.rowid))
        more = f"first {LIMIT} shown" if len(found) > LIMIT else f"{len(found)} cards"
        self.sub_title = f"Browse · {more}"
        if self.found:
            self.load_detail(self.found[0].rowid)
        else:
            self.query_one("#browse-detail", Static).update(
                Text("No card matches. Try fewer words, or another series or tag.", style="dim"))

    def _cells(self, card: StoredCard, width: int) -> tuple[Text, ...]:
        state = Text(card.state, style=render.STATE_STYLES.get(card.state, ""))
        if card.suspended:
            state = Text("suspended", style="bold red")
        due = Text(f"{card.due:%Y-%m-%d}" if card.due else "–", style="dim")
        series = Text(clean(card.series), no_wrap=True)
        series.truncate(14, overflow="ellipsis")
        return Text(card.id[:8], style="dim"), state, due, series, render.one_line(card.front, width)

    @on(DataTable.RowHighlighted, "#browse-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.load_detail(int(event.row_key.value))

    @work(thread=True, exclusive=True, group="detail")
    def load_detail(self, rowid: int) -> None:
        store = self.app.store
        self.app.read_and_show(lambda: Detail(store.card(rowid), [
            (g.rating, g.reviewed_at, g.due_after) for g in store.history(rowid)], store.settings()),
            self.show_detail)

    def show_detail(self, detail: Detail) -> None:
        self.detail = detail
        card, settings = detail.card, detail.settings
        text = Text()
        text.append_text(render.where(card))
        text.append(f"   {card.id} · {card.kind} · ", style="dim")
        text.append(card.state, style=render.STATE_STYLES.get(card.state, ""))
        if card.suspended:
            text.append(" · suspended", style="bold red")
        if card.due:
            text.append(f" · due {render.local(card.due, settings):%Y-%m-%d %H:%M}", style="dim")
        text.append("\n\n")
        text.append_text(render.front(card))
        text.append("\n")
        text.append("─" * 20 + "\n", style="dim")
        text.append_text(render.back(card))
        text.append("\n\nHistory: ", style="bold")
        if not detail.history:
            text.append("never graded", style="dim")
        for rating, at, due in detail.history:
            text.append(f"\n  {render.local(at, settings):%Y-%m-%d %H:%M}  "  # type: ignore[arg-type]
                        f"{RATING_NAMES[rating]:<5}  → due "
                        f"{render.local(due, settings):%Y-%m-%d %H:%M}")  # type: ignore[arg-type]
        self.query_one("#browse-detail", Static).update(text)

    def _current(self) -> StoredCard | None:
        return self.detail.card if self.detail else None

    def action_suspend(self) -> None:
        card = self._current()
        if card is not None:
            self.toggle_suspended(card.rowid, not card.suspended)

    @work(thread=True, exclusive=True, group="change")
    def toggle_suspended(self, rowid: int, suspended: bool) -> None:
        try:
            self.app.store.set_suspended(rowid, suspended)
        except StudykitError as exc:
            self.app.db_error(exc)
            return
        self.app.notify("Card suspended." if suspended else "Card unsuspended.", markup=False,
                        timeout=3)
        self._reload(rowid)

    def action_edit(self) -> None:
        from studykit.tui.edit import EditModal

        card = self._current()
        if card is None:
            return

        def done(result: dict[str, str | None] | None) -> None:
            if result:
                self.save_edit(card.rowid, result)

        self.app.push_screen(EditModal(card), done)

    @work(thread=True, exclusive=True, group="change")
    def save_edit(self, rowid: int, result: dict[str, str | None]) -> None:
        try:
            self.app.store.update_card_text(rowid, front=result["front"] or "",
                                            back=result["back"] or "", cloze=result["cloze"])
        except StudykitError as exc:
            self.app.db_error(exc)
            return
        self.app.notify("Card text saved.", markup=False, timeout=3)
        self._reload(rowid)

    def _reload(self, rowid: int) -> None:
        """Re-read one card after a change (in the worker) and redraw its row and detail."""
        card = self.app.store.card(rowid)
        detail = Detail(card, [(g.rating, g.reviewed_at, g.due_after) for g in self.app.store.history(rowid)],
                        self.app.store.settings())
        self.app.call_from_thread(self._replace, card, detail)

    def _replace(self, card: StoredCard, detail: Detail) -> None:
        table = self.query_one("#browse-table", DataTable)
        self.found = [card if c.rowid == card.rowid else c for c in self.found]
        width = table.columns["front"].width  # type: ignore[index]
        for column, value in zip(("id", "state", "due", "series", "front"),
                                 self._cells(card, width), strict=True):
            table.update_cell(str(card.rowid), column, value)
        self.show_detail(detail)

    def action_source(self) -> None:
        from studykit.tui.source import SourceModal

        card = self._current()
        if card is not None:
            self.app.push_screen(SourceModal(card))

    def action_back(self) -> None:
        self.app.pop_screen()
