"""`studykit generate` and `studykit inspect`: make cards from sources without storing them,
print them (JSONL, JSON or a table) or explain why each claim did or did not become a card."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from studykit.cli.group import main
from studykit.cli.options import (card_options, card_options_flags, echo_json, generate_or_exit,
                                  quiet_option, say, sources_argument)
from studykit.models import Card

FORMATS = ("jsonl", "json", "table")


@main.command()
@sources_argument
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: table on a terminal, else jsonl].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write cards to FILE instead of stdout.")
@card_options_flags
@click.option("--anki", "anki_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write an Anki deck package (.apkg) to this path.")
@click.option("--deck-root", default="Studykit", show_default=True,
              help="Top-level Anki deck; series become its subdecks.")
@quiet_option
def generate(sources: tuple[str, ...], fmt: str | None, output: Path | None, per_1k: float,
             max_cards: int | None, kinds: str, anki_path: Path | None, deck_root: str,
             quiet: bool) -> None:
    """Make cards from SOURCES: feed URLs or files, article URLs or files, .md files, folders,
    or `-` for one document or feed on standard input (`cat post.md | studykit generate -`)."""
    _check_outputs(sources, {"-o": output, "--anki": anki_path})
    result = generate_or_exit(sources, card_options(per_1k, max_cards, kinds), quiet)
    if anki_path:
        from studykit.anki import export_apkg

        say(str(export_apkg(result.cards, anki_path, deck_root=deck_root)), quiet)
        if fmt is None and output is None:
            return  # the deck was what was asked for; no cards on stdout
    fmt = fmt or ("table" if output is None and sys.stdout.isatty() else "jsonl")
    text = render_cards(result.cards, fmt)
    if output:
        from studykit.outputs import OutputError, atomic_write

        try:
            atomic_write(output, text.encode("utf-8"))
        except OutputError as exc:
            raise click.ClickException(str(exc)) from None
    else:
        click.echo(text, nl=False)
    where = f" to {output}" if output else ""
    say(f"{len(result.cards)} cards from {len(result.posts)} post(s){where}", quiet)


def _check_outputs(sources: tuple[str, ...], targets: dict[str, Path | None]) -> None:
    """Refuse, before the slow part, outputs that are not regular files or would overwrite a
    source or each other."""
    from studykit.outputs import OutputError, check_outputs
    from studykit.sources.load import STDIN, is_url

    outputs = [(f"the {flag} output", path) for flag, path in targets.items() if path]
    local = [(f"the source {s}", Path(s)) for s in sources if s != STDIN and not is_url(s)]
    try:
        check_outputs(outputs, local)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None


def render_cards(cards: list[Card], fmt: str) -> str:
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


@main.command()
@sources_argument
@card_options_flags
@click.option("--cards-only", is_flag=True, help="List only the claims that became cards.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def inspect(sources: tuple[str, ...], per_1k: float, max_cards: int | None, kinds: str,
            cards_only: bool, as_json: bool) -> None:
    """Show, per post, the claims and formulas found, their kind and score, and which
    became cards and why the others did not. SOURCES as for `generate` (`-` is standard input)."""
    from studykit import explain

    result = generate_or_exit(sources, card_options(per_1k, max_cards, kinds), quiet=True)
    report = explain.report(result)
    if as_json:
        echo_json(report)
    else:
        click.echo(explain.render(report, show_dropped=not cards_only))
