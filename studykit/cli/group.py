"""The `studykit` click group every command joins, and `run`, the console entry point."""

from __future__ import annotations

import sys

import click

from studykit import __version__
from studykit.errors import StudykitError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studykit")
def main() -> None:
    """Turn technical articles into spaced-repetition flashcards."""


def run() -> None:
    """Entry point that turns StudykitError into a one-line message (no traceback)."""
    try:
        main(prog_name="studykit", standalone_mode=True)  # completion reads _STUDYKIT_COMPLETE
    except StudykitError as exc:
        click.echo(f"studykit: error: {exc}", err=True)
        sys.exit(1)
