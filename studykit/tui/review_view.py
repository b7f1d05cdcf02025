"""What the review screen shows, and the widgets that draw it.

`View` is the state of the screen, read in the worker that changed the session. The screen
keeps it in a reactive attribute that its two parts are bound to (`data_bind`), and each
part redraws itself when it changes: `CardPanel` shows the card (or what is left when the
session is done) and the grade buttons, `SessionProgress` the progress bar and the cards
left. Which pieces of the panel show is decided by CSS classes on it (studykit.tcss):
`-revealed` (the answer is shown), `-answer` (with a back side under a rule; a cloze card
fills in its front instead) and `-done` (no card left).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.widgets import Button, ProgressBar, Rule, Static

from studykit.schedule import Settings
from studykit.session import Tally
from studykit.store import StoredCard
from studykit.tui import render
from studykit.tui.app import StudykitApp

VARIANTS = ("error", "warning", "success", "primary")  # Again, Hard, Good, Easy
COUNT_STYLES = (("new", "#5fafff"), ("learning", "#ff8700"), ("review", "#5fd75f"))


@dataclass(frozen=True)
class View:
    """What the screen shows, read in the worker that changed the session."""

    card: StoredCard | None
    revealed: bool = False
    preview: dict[int, tuple[datetime, str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # cards left, by state
    tally: Tally = Tally()  # what the session has done
    now: datetime | None = None
    settings: Settings | None = None
    # set when the session has no card left:
    next_due: datetime | None = None
    over_limit: tuple[int, int] = (0, 0)  # reviews, new cards over today's limits
    has_cards: bool = True
    failed: bool = False  # the session could not start


class CardPanel(Vertical):
    """The card shown (where it comes from, its sides) and the grade buttons with the
    interval each grade would give; the end of the session when no card is left."""

    app = getters.app(StudykitApp)
    view: var[View | None] = var(None, always_update=True, init=False)

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope  # what the session covers, shown when it is done

    def compose(self) -> ComposeResult:
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

    def watch_view(self, view: View | None) -> None:
        if view is None:
            return
        if view.failed:
            self.query_one("#card-front", Static).update(Text("The session could not start."))
            return
        card = view.card
        self.set_class(card is None, "-done")
        self.set_class(card is not None and view.revealed, "-revealed")
        self.set_class(card is not None and view.revealed and card.kind != "cloze", "-answer")
        if card is None:
            self._show_done(view)
        else:
            self._show_card(card, view)

    def _show_card(self, card: StoredCard, view: View) -> None:
        self.query_one("#card-where", Static).update(render.where(card))
        kind = Text(f"{card.kind} · ", style="dim")
        kind.append(card.state, style=render.STATE_STYLES.get(card.state, ""))
        self.query_one("#card-kind", Static).update(kind)
        cloze, revealed = card.kind == "cloze", view.revealed
        # a cloze card's answer is its sentence with the blank filled in and highlighted
        front = render.back(card) if cloze and revealed else render.front(card)
        self.query_one("#card-front", Static).update(front)
        self.query_one("#card-back", Static).update(
            render.back(card) if revealed and not cloze else "")
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
            if view.next_due and view.now and view.settings and view.next_due > view.now:
                text.append("Next card due "
                            + render.moment(view.next_due, view.now, view.settings) + ".")
        text.append("\n\nEscape: back to the decks.", style="dim")
        self.query_one("#card-where", Static).update(Text(self.scope, style="bold"))
        self.query_one("#card-kind", Static).update("")
        self.query_one("#card-empty", Static).update(text)


class SessionProgress(Horizontal):
    """A progress bar of the session (cards done of done + left) and the cards left by
    state."""

    view: var[View | None] = var(None, always_update=True, init=False)

    def compose(self) -> ComposeResult:
        yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
        yield Static(id="counts")

    def watch_view(self, view: View | None) -> None:
        if view is None or view.failed:
            return
        left = sum(view.counts.values())
        done = len(view.tally.grades)
        self.query_one("#progress", ProgressBar).update(total=max(1, done + left), progress=done)
        text = Text(f"{done} done · {left} left ")
        for name, style in COUNT_STYLES:
            text.append(f" {view.counts.get(name, 0)} {name}", style=style)
        self.query_one("#counts", Static).update(text)
