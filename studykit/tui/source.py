"""The source modal: where a card comes from (post, URL, the sentence it was made from)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from studykit.store import StoredCard
from studykit.terminal_text import card_text, clean


class SourceModal(ModalScreen[None]):
    """The card's post and source URL; `c` copies the URL."""

    BINDINGS = [
        Binding("escape,enter,o", "close", "Close"),
        Binding("c", "copy", "Copy URL"),
    ]

    def __init__(self, card: StoredCard) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row("Series", Text(clean(card.series)))
        table.add_row("Post", Text(clean(card.post_title)))
        table.add_row("URL", Text(clean(card.post_url), style="underline"))
        if card.source_sentence:
            table.add_row("Sentence", card_text(card.source_sentence))
        table.add_row("Card", Text(f"{card.id} ({card.kind}, {card.state})"))
        with Vertical(id="source-dialog", classes="dialog"):
            yield Static(Text("Source", style="bold"))
            yield Static(table, id="source-table")
            yield Static(Text("c: copy the URL · Esc: close", style="dim"))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(clean(self.card.post_url))
        self.notify("URL copied to the clipboard (if the terminal allows it).", markup=False,
                    timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)
