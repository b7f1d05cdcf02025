"""The settings screen: desired retention, daily limits and the study day, kept in the
database (`store.set_setting`, the same as `studykit config KEY VALUE`)."""

from __future__ import annotations

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static, Switch

from studykit.errors import StudykitError
from studykit.schedule import SETTINGS, Settings, parse_setting
from studykit.tui.app import StudykitApp

# (key, label) of the settings this screen edits, in order; the rest stay with `config`.
FIELDS = (
    ("desired_retention", "Desired retention (0.70–0.99)"),
    ("new_per_day", "New cards per day"),
    ("reviews_per_day", "Reviews per day"),
    ("learning_steps", "Learning steps (e.g. 1m 10m)"),
    ("relearning_steps", "Relearning steps"),
    ("maximum_interval", "Maximum interval (days)"),
    ("day_starts_at", "Study day starts at (hour)"),
    ("timezone", "Time zone (local or an IANA name)"),
)


class SettingsScreen(Screen[None]):
    """Edit the study settings; Ctrl+S saves them all."""

    app = getters.app(StudykitApp)
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-form"):
            for key, label in FIELDS:
                with Horizontal(classes="setting"):
                    yield Label(label, classes="setting-label")
                    yield Input(id=f"set-{key}", classes="setting-input")
            with Horizontal(classes="setting"):
                yield Label("Fuzz intervals a little", classes="setting-label")
                yield Switch(id="set-fuzz")
            yield Static(id="settings-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (Ctrl+S)", id="settings-save", variant="primary", action="screen.save")
                yield Button("Back (Esc)", id="settings-back", action="screen.back")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Settings"
        self.load()

    @work(thread=True, exclusive=True, group="settings")
    def load(self) -> None:
        self.app.read_and_show(self.app.store.settings, self.show)

    def show(self, settings: Settings) -> None:
        text = settings.as_text()
        for key, _ in FIELDS:
            self.query_one(f"#set-{key}", Input).value = text[key]
        self.query_one("#set-fuzz", Switch).value = settings.fuzz
        self.query_one("#settings-status", Static).update(
            Text(f"Stored in {self.app.store.path}", style="dim"))

    def values(self) -> tuple[dict[str, str], list[str]]:
        """The form's values and the problems with them (checked like `studykit config`)."""
        values = {key: self.query_one(f"#set-{key}", Input).value.strip() for key, _ in FIELDS}
        values["fuzz"] = "on" if self.query_one("#set-fuzz", Switch).value else "off"
        problems = []
        for key, text in values.items():
            try:
                parse_setting(key, text)
            except StudykitError as exc:
                problems.append(str(exc))
        return values, problems

    def action_save(self) -> None:
        values, problems = self.values()
        status = self.query_one("#settings-status", Static)
        if problems:
            status.update(Text("Not saved:\n" + "\n".join(problems), style="bold red"))
            return
        self.save(values)

    @work(thread=True, exclusive=True, group="settings")
    def save(self, values: dict[str, str]) -> None:
        store = self.app.store
        try:
            current = store.settings().as_text()
            for key, text in values.items():
                if SETTINGS[key][1](parse_setting(key, text)) != current[key]:
                    store.set_setting(key, text)
            settings = store.settings()
        except StudykitError as exc:
            self.app.db_error(exc)
            return
        self.app.call_from_thread(self.show, settings)
        self.app.notify("Settings saved. They apply to the next session.", markup=False,
                        timeout=3)

    def action_back(self) -> None:
        self.app.pop_screen()
