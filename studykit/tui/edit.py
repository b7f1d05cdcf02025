"""The edit modal: change a card's text; dismisses with the new text, or None.

A cloze card is edited as its cloze sentence (`{{c1::answer}}` marks each blank); its
front and back are made from it. The text is shown as written (LaTeX and all), after
terminal escape sequences are removed; nothing in it is read as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from studykit import cloze as cloze_syntax
from studykit.store import StoredCard
from studykit.terminal_text import clean
from studykit.tui import render

Edited = dict[str, str | None]


class EditModal(ModalScreen[Edited | None]):
    """Edit the front and back (or the cloze sentence) of a card; Ctrl+S saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, card: StoredCard) -> None:
        super().__init__()
        self.card = card
        self.is_cloze = card.kind == "cloze" and bool(card.cloze)

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-dialog", classes="dialog"):
            title = Text("Edit card ", style="bold")
            title.append(self.card.id, style="dim")
            yield Static(title)
            if self.is_cloze:
                yield Label("Cloze sentence: {{c1::answer}} marks each blank")
                yield TextArea(clean(self.card.cloze or ""), id="edit-cloze", soft_wrap=True)
            else:
                yield Label("Front")
                yield TextArea(clean(self.card.front), id="edit-front", soft_wrap=True)
                yield Label("Back")
                yield TextArea(clean(self.card.back), id="edit-back", soft_wrap=True)
            yield Static(id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (Ctrl+S)", id="edit-save", variant="primary")
                yield Button("Cancel (Esc)", id="edit-cancel")

    def on_mount(self) -> None:
        self.query(TextArea).first().focus()

    def edited(self) -> Edited | str:
        """The new text, or why it cannot be saved."""
        if self.is_cloze:
            cloze = self.query_one("#edit-cloze", TextArea).text.strip()
            if not cloze_syntax.DELETION.search(cloze):
                return "The sentence needs at least one blank, written {{c1::answer}}."
            front, back = render.cloze_sides(cloze)
            return {"front": front, "back": back, "cloze": cloze}
        front = self.query_one("#edit-front", TextArea).text.strip()
        back = self.query_one("#edit-back", TextArea).text.strip()
        if not front or not back:
            return "A card needs both a front and a back."
        return {"front": front, "back": back, "cloze": None}

    def action_save(self) -> None:
        result = self.edited()
        if isinstance(result, str):
            self.query_one("#edit-error", Static).update(Text(result, style="bold red"))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "edit-save":
            self.action_save()
        else:
            self.action_cancel()
