"""The stats screen: reviews per day, retention, due forecast and cards by series, as
block-character charts. `stats.study_stats` does the counting, in a worker."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from studykit.stats import Retention, StudyStats, study_stats
from studykit.tui import charts
from studykit.tui.app import StudykitApp

DAYS = 30
STATES = (("new", "#5fafff"), ("learning", "#ff8700"), ("relearning", "#ff5f5f"),
          ("review", "#5fd75f"))


def _rate(r: Retention) -> str:
    return f"{r.rate:.1%} ({r.passed}/{r.reviews})" if r.rate is not None else "–"


def _chart(title: str, summary: str, counts: list[int], days: tuple[date, date], col: int,
           style: str) -> Text:
    """A titled column chart of one count per day, labelled with its first and last day."""
    out = Text()
    out.append(title, style="bold")
    out.append(f"   {summary} · total {sum(counts)}\n", style="dim")
    out.append_text(charts.columns(counts, height=3, width=col, style=style,
                                   labels=(f"{days[0]:%m-%d}", f"{days[1]:%m-%d}")))
    out.append("\n\n")
    return out


def render_stats(data: StudyStats, width: int) -> Text:
    """The whole stats page as one Text (also what the tests read)."""
    out = Text()
    total = data.cards
    out.append("Cards ", style="bold")
    out.append(f"{total.active} active:")
    for i, (name, style) in enumerate(STATES):
        out.append((" · " if i else " ") + f"{getattr(total, name)} {name}", style=style)
    out.append(f"\n      {total.suspended} suspended · {total.buried} buried · "
               f"{total.retired} retired\n", style="dim")
    out.append("Retention ", style="bold")
    out.append(f"{_rate(data.retention_recent)} last {data.days} days · "
               f"{_rate(data.retention_all_time)} all time · "
               f"desired {data.desired_retention:.0%}\n\n")

    per_day = data.grades_per_day
    counts = [d.reviews for d in per_day]
    col = max(1, min(2, (width - 8) // max(1, len(counts))))
    out.append_text(_chart(f"Reviews per day, last {data.days} days",
                           f"today {counts[-1]} · average {sum(counts) / len(counts):.1f}",
                           counts, (per_day[0].day, per_day[-1].day), col, "#5fafff"))
    forecast = data.forecast
    due = [d.due for d in forecast]
    out.append_text(_chart(f"Due forecast, next {data.days} days",
                           f"today {due[0]} · tomorrow {due[1] if len(due) > 1 else 0}",
                           due, (forecast[0].day, forecast[-1].day), col, "#5fd75f"))

    out.append("Cards by series", style="bold")
    out.append("   ", style="dim")
    for name, style in STATES:
        out.append("█ ", style=style)
        out.append(name + "  ", style="dim")
    out.append("\n")
    series = data.cards_by_series
    label_width = min(24, max((len(n) for n in series), default=10))
    rows = [(name, [(getattr(row, n), s) for n, s in STATES]) for name, row in series.items()]
    out.append_text(charts.bars(rows, width=max(10, width - label_width - 10),
                                label_width=label_width))
    return out


class StatsScreen(Screen[None]):
    """Charts of the review history and of what is coming."""

    app = getters.app(StudykitApp)
    BINDINGS = [Binding("escape,q", "back", "Back"), Binding("r", "reload", "Reload")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            yield Static(Text("Counting…", style="dim"), id="stats")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="stats")
    def load(self) -> None:
        self.app.read_and_show(lambda: study_stats(self.app.store, now=self.app.now(), days=DAYS),
                               self.show)

    def show(self, data: StudyStats) -> None:
        self.data = data
        width = self.query_one("#stats-body").content_size.width or self.app.size.width - 4
        self.query_one("#stats", Static).update(render_stats(data, width))

    def action_back(self) -> None:
        self.app.pop_screen()
