"""The `studykit` command line: a thin layer over the library.

Output goes to stdout (or `-o FILE`); progress, notes and errors go to stderr, one line
each, so a script can pipe the cards and still see what happened.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from studykit import __version__
from studykit.cards import CardOptions
from studykit.errors import StudykitError
from studykit.generate import generate as run_generate
from studykit.models import Card

FORMATS = ("jsonl", "json", "table")


def _say(message: str, quiet: bool = False) -> None:
    if not quiet:
        click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studykit")
def main() -> None:
    """Turn technical articles into spaced-repetition flashcards."""


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: table on a terminal, else jsonl].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write cards to FILE instead of stdout.")
@click.option("--per-1k", "per_1k", type=click.FloatRange(0.5, 50), default=CardOptions.per_1k_words,
              show_default=True, help="Cards per 1,000 words of prose a post may get.")
@click.option("--max-cards", type=click.IntRange(1), help="At most this many cards per post.")
@click.option("--kinds", default="qa,cloze,formula", show_default=True,
              help="Comma-separated card kinds to make.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (errors still shown).")
def generate(sources: tuple[str, ...], fmt: str | None, output: Path | None, per_1k: float,
             max_cards: int | None, kinds: str, quiet: bool) -> None:
    """Make cards from SOURCES: feed URLs or files, article URLs or files, .md files, folders."""
    chosen = frozenset(k.strip() for k in kinds.split(",") if k.strip())
    if bad := chosen - {"qa", "cloze", "formula"}:
        raise click.BadParameter(f"unknown kind(s): {', '.join(sorted(bad))}", param_hint="--kinds")
    options = CardOptions(per_1k_words=per_1k, max_cards=max_cards, kinds=chosen)
    result = run_generate(sources, options, progress=None if quiet else _say)
    for error in result.errors:
        _say(f"studykit: error: {error}")
    if not result.posts:
        _say("studykit: nothing could be read; no cards written")
        sys.exit(1)
    fmt = fmt or ("table" if output is None and sys.stdout.isatty() else "jsonl")
    text = render(result.cards, fmt)
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write: {exc.strerror}") from None
    else:
        click.echo(text, nl=False)
    where = f" to {output}" if output else ""
    _say(f"{len(result.cards)} cards from {len(result.posts)} post(s){where}", quiet)


def render(cards: list[Card], fmt: str) -> str:
    """Cards as JSONL (the card contract), a JSON array, or a plain table."""
    rows = [c.contract_dict() for c in cards]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    lines = []
    for c in cards:
        lines.append(f"[{c.kind}] {c.series} / {c.post_title}")
        lines.append(f"  Q: {c.front}")
        lines.append(f"  A: {c.back}")
    return "\n".join(lines) + ("\n" if lines else "")


def run() -> None:
    """Entry point that turns StudykitError into a one-line message (no traceback)."""
    try:
        main(standalone_mode=True)
    except StudykitError as exc:
        click.echo(f"studykit: error: {exc}", err=True)
        sys.exit(1)
