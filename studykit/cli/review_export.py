"""`studykit review` (the terminal review app, and its start-up benchmark hook) and `studykit
export` (the stored cards to an Anki package or TSV)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from studykit.cli.group import main
from studykit.cli.options import StudyError, card_filter, db_option, filter_options, open_study_store
from studykit.errors import StudykitError

if TYPE_CHECKING:
    from studykit.store import CardFilter, Store
    from studykit.tui.app import StudykitApp


@main.command()
@click.option("--anki", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the deck: FILE.apkg (or FILE.tsv with --format tsv).")
@click.option("--format", "fmt", type=click.Choice(["apkg", "tsv"]),
              help="apkg (deck package) or tsv (Anki's text import) [default: by file name].")
@click.option("--deck-root", default="Studykit", show_default=True,
              help="Top-level Anki deck; series become its subdecks.")
@click.option("--post-level", is_flag=True, help="One subdeck per post under its series.")
@filter_options
@db_option
def export(path: Path, fmt: str | None, deck_root: str, post_level: bool, series: str | None,
           post: str | None, tag: str | None, db: str | None) -> None:
    """Export the stored cards to Anki; exporting again updates notes, never duplicates."""
    from studykit.export import export_store
    from studykit.outputs import OutputError, check_target

    try:
        check_target(path)  # before the store is opened: a FIFO or folder is refused at once
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    with open_study_store(db) as store:
        try:
            summary = export_store(store, path, where=card_filter(series, post, tag), fmt=fmt,
                                   deck_root=deck_root, post_level=post_level)
        except StudykitError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(str(summary))


@main.command()
@db_option
@click.option("--series", help="Start a session of this series at once (name or slug).")
@click.option("--exit-after-first-card", "first_card", is_flag=True, hidden=True,
              help="Benchmark: start a session, exit once the first card is drawn, print the time.")
def review(db: str | None, series: str | None, first_card: bool) -> None:
    """Review due cards in the terminal: decks, sessions, browse, stats, settings, export."""
    from studykit.store import CardFilter
    from studykit.tui.app import StudykitApp

    with open_study_store(db) as store:
        start = _series_start(store, series) if series is not None else None
        if first_card and start is None:
            start = CardFilter()
        app = StudykitApp(store=store, start=start, exit_after_first_card=first_card)
        # Headless when there is no terminal (the benchmark's pipe): the same app, undrawn.
        app.run(headless=first_card and not sys.stdout.isatty())
    if app.failure is not None:  # a damaged store: the app ended at once
        raise StudyError(str(app.failure))
    if app.return_code:  # the app crashed (Textual printed why)
        sys.exit(app.return_code)
    if first_card:
        _tell_first_card_time(app)


def _series_start(store: Store, series: str) -> CardFilter:
    """The session `--series` starts with; a series without cards is an error naming the others."""
    from studykit.store import CardFilter

    if not store.cards(CardFilter(series=series), limit=1):
        names = sorted({row[0] for row in store.state_counts()})
        raise StudyError(f"no cards in a series {series!r}"
                         + (f" (series: {', '.join(names)})" if names else ""))
    return CardFilter(series=series)


def _tell_first_card_time(app: StudykitApp) -> None:
    """For the start-up benchmark: how long the first card took to show, on stderr."""
    # The benchmark passes its clock (time.time()) from just before it started us.
    t0 = os.environ.get("STUDYKIT_BENCH_T0", "")
    if app.first_card_wall is None or app.first_card_at is None:
        click.echo("first card: none shown (nothing is due)", err=True)
    elif t0:
        click.echo(f"first card shown {(app.first_card_wall - float(t0)) * 1000:.0f} ms "
                   "after the process started", err=True)
    else:
        from studykit.tui.app import STARTED

        click.echo(f"first card shown {(app.first_card_at - STARTED) * 1000:.0f} ms after "
                   "the app module was imported", err=True)
