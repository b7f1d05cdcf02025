"""`studykit build`: batch builds over deck specs (decks/*.toml), and how a build's progress
shows on stderr (bars on a terminal, one line per step otherwise, nothing with --quiet)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Self

import click

from studykit.cli.group import main
from studykit.cli.options import db_option, echo_json, quiet_option, say
from studykit.errors import StudykitError
from studykit.progress import LineProgress, SilentProgress

if TYPE_CHECKING:
    from rich.progress import TaskID

    from studykit.deckspec import DeckSpec


class _LineProgress(LineProgress):
    """No terminal: one plain line per phase, source, post and output on stderr."""

    def __init__(self) -> None:
        super().__init__(say)

    def start(self, label: str, total: int) -> None:
        self._say(f"{label} ({total})")


class _BarProgress(SilentProgress):
    """On a terminal: a progress bar on stderr per phase; notes print above it."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn)

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), console=Console(stderr=True))
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def log(self, message: str, important: bool = False) -> None:
        if important:
            self._bar.console.print(message, markup=False, highlight=False)

    def start(self, label: str, total: int) -> None:
        self._task = self._bar.add_task(label, total=total)

    def advance(self, message: str, steps: int = 1) -> None:
        if self._task is not None:
            self._bar.update(self._task, advance=steps)


def _progress(quiet: bool) -> SilentProgress:
    if quiet:
        return SilentProgress()
    return _BarProgress() if sys.stderr.isatty() else _LineProgress()


def _load_specs(specs: tuple[str, ...]) -> list[DeckSpec]:
    """The deck specs named (default: decks/*.toml); any invalid one: every problem, exit 2."""
    from studykit.deckspec import SpecError, find_specs, load_spec

    problems: list[str] = []
    loaded = []
    try:
        for path in find_specs(specs):
            try:
                loaded.append(load_spec(path))
            except SpecError as exc:
                problems += str(exc).splitlines()
    except SpecError as exc:
        problems.append(str(exc))
    if problems:
        for line in problems:
            click.echo(f"studykit: error: {line}", err=True)
        sys.exit(2)
    return loaded


@main.command("build")
@click.argument("specs", nargs=-1, metavar="[SPEC]...")
@click.option("-j", "--jobs", type=click.IntRange(1),
              help="Processes for NLP [default: min(CPUs, 4); 1 for fewer than 4 posts or 20,000 words to extract].")
@db_option
@click.option("--no-cache", is_flag=True,
              help="Fetch and extract everything again, as on a first build (the cache is refreshed).")
@quiet_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def build_command(specs: tuple[str, ...], jobs: int | None, db: str | None, no_cache: bool,
                  quiet: bool, as_json: bool) -> None:
    """Build the decks that deck SPEC files describe (default: every decks/*.toml).

    Non-interactive and incremental: unchanged feeds cost one request, unchanged posts no
    NLP. Exit code 0 when all went well, 1 when some source or output failed (the rest was
    built), 2 for usage errors (such as an invalid spec)."""
    from studykit.build import build
    from studykit.extraction_pool import stop_on_sigterm

    loaded = _load_specs(specs)
    progress = _progress(quiet)
    try:
        with stop_on_sigterm(say), progress:
            report = build(loaded, jobs=jobs, db=db, use_cache=not no_cache, progress=progress)
    except StudykitError as exc:  # the study store cannot be opened: nothing was built
        click.echo(f"studykit: error: {exc}", err=True)
        sys.exit(2)
    for note in report.notes:
        say(f"note: {note}", quiet)
    for spec, failure in report.failed:
        click.echo(f"studykit: error: {spec}: {failure}", err=True)
    if as_json:
        echo_json(report.to_dict())
    else:
        for spec_report in report.specs:
            click.echo(spec_report.render_text())
    sys.exit(report.exit_code)
