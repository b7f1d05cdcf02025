"""The export modal: write all decks, or the highlighted series, to an Anki package.

It asks where to write (default `~/studykit.apkg`, or the current folder when the home
folder cannot be written), runs `export.export_store` in a worker and shows what was
written (`ExportSummary`). Dismisses with the summary, or None when nothing was written.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from studykit.anki import ExportSummary
from studykit.errors import StudykitError
from studykit.store import CardFilter
from studykit.terminal_text import clean
from studykit.tui.app import StudykitApp

FILE_NAME = "studykit.apkg"


def default_path() -> str:
    """'~/studykit.apkg' when the home folder is writable, else the current folder."""
    home = Path.home()
    if home.is_dir() and os.access(home, os.W_OK):
        return f"~/{FILE_NAME}"
    return str(Path.cwd() / FILE_NAME)


def target(text: str) -> Path:
    """The file to write: `~` expanded; a folder gets `studykit.apkg` inside it."""
    path = Path(text.strip() or default_path()).expanduser()
    if path.is_dir():
        path = path / FILE_NAME
    return path


class ExportModal(ModalScreen[ExportSummary | None]):
    """Export to Anki: choose all decks or one series, and where to write."""

    app = getters.app(StudykitApp)

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, series: str | None = None, path: str | None = None) -> None:
        super().__init__()
        self.series = series
        self.path = path or default_path()
        self.summary: ExportSummary | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(Text("Export to Anki", style="bold"))
            with RadioSet(id="export-scope"):
                yield RadioButton(Text("All decks"), value=self.series is None, id="scope-all")
                if self.series:
                    yield RadioButton(Text("Only " + clean(self.series)), value=True,
                                      id="scope-series")
            yield Label("Write to (.apkg; .tsv for Anki's text import):")
            yield Input(self.path, id="export-path")
            yield Static(id="export-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", id="export-run", variant="primary", action="screen.export")
                yield Button("Close (Esc)", id="export-close", action="screen.close")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def where(self) -> CardFilter | None:
        chosen = self.query_one("#export-scope", RadioSet).pressed_button
        if self.series and chosen is not None and chosen.id == "scope-series":
            return CardFilter(series=self.series)
        return None

    @on(Input.Submitted, "#export-path")
    def action_export(self) -> None:
        self.start()

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        path = target(self.query_one("#export-path", Input).value)
        self._status(Text(f"Exporting to {path} …", style="dim"))
        self.run_export(path, self.where())

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, path: Path, where: CardFilter | None) -> None:
        from studykit.export import export_store

        try:
            summary = export_store(self.app.store, path, where=where)
        except (StudykitError, OSError) as exc:
            message = getattr(exc, "strerror", None) or str(exc)
            self.app.call_from_thread(self._done, None, f"Export failed: {message}")
            return
        self.app.call_from_thread(self._done, summary, str(summary))

    def _done(self, summary: ExportSummary | None, message: str) -> None:
        self.running = False
        if summary is not None:
            self.summary = summary
            self._status(Text(message + "\nEsc: close", style="bold green"))
            self.notify(message, title="Export", markup=False)
        else:
            self._status(Text(message, style="bold red"))

    def _status(self, text: Text) -> None:
        self.query_one("#export-status", Static).update(text)

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.summary)
