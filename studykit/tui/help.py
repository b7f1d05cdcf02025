"""The keys modal (`?`): every key of the screen beneath, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {"space": "Space", "enter": "Enter", "escape": "Esc", "question_mark": "?",
             "right": "→", "left": "←", "up": "↑", "down": "↓", "slash": "/", "tab": "Tab"}


def key_text(keys: str) -> str:
    """'space,enter' -> 'Space / Enter'; 'ctrl+s' -> 'Ctrl+S'."""
    out = []
    for key in keys.split(","):
        key = key.strip()
        if key in KEY_NAMES:
            out.append(KEY_NAMES[key])
        elif "+" in key:
            out.append("+".join(p.capitalize() if len(p) > 1 else p.upper()
                                for p in key.split("+")))
        else:
            out.append(key)
    return " / ".join(out)


def bindings_of(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, description) of a screen's `HELP_EXTRA` (keys its widgets own), its own
    bindings, then the app's, as declared."""
    rows: list[tuple[str, str]] = list(getattr(screen, "HELP_EXTRA", []))
    for source in (type(screen).BINDINGS, type(screen.app).BINDINGS):
        for binding in source:
            if isinstance(binding, Binding) and binding.description:
                rows.append((key_text(binding.key), binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened from."""

    BINDINGS = [Binding("escape,question_mark,q,enter", "close", "Close")]

    def __init__(self, beneath: Screen[object]) -> None:
        super().__init__()
        self.rows = bindings_of(beneath)
        self.title_text = getattr(beneath, "HELP_TITLE", type(beneath).__name__.removesuffix(
            "Screen").removesuffix("Modal"))

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold #ffaf00", no_wrap=True)
        table.add_column()
        for keys, description in self.rows:
            table.add_row(keys, description)
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text(f"Keys: {self.title_text}", style="bold"))
            yield Static(table)
            yield Static(Text("Esc or ?: close", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
