"""The `studykit` command line: a thin layer over the library.

Output goes to stdout (or `-o FILE`); progress, notes and errors go to stderr, one line
each, so a script can pipe the cards and still see what happened.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any, Protocol

import click
from click.shell_completion import CompletionItem

from studykit import __version__
from studykit.cards import CardOptions
from studykit.errors import StudykitError
from studykit.models import Card

FORMATS = ("jsonl", "json", "table")


def _say(message: str, quiet: bool = False) -> None:
    if not quiet:
        click.echo(message, err=True)


def _card_options_flags(func):
    """--per-1k, --max-cards and --kinds: how many cards of which kinds a post gets."""
    func = click.option("--kinds", default="qa,cloze,formula", show_default=True,
                        help="Comma-separated card kinds to make.")(func)
    func = click.option("--max-cards", type=click.IntRange(1),
                        help="At most this many cards per post.")(func)
    return click.option("--per-1k", "per_1k", type=click.FloatRange(0.5, 50),
                        default=CardOptions.per_1k_words, show_default=True,
                        help="Cards per 1,000 words of prose a post may get.")(func)


def _complete_paths(ctx, param, incomplete: str) -> list[CompletionItem]:
    """SOURCES are paths as often as URLs: let the shell complete file names."""
    return [CompletionItem(incomplete, type="file")]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studykit")
def main() -> None:
    """Turn technical articles into spaced-repetition flashcards."""


@main.command()
@click.argument("sources", nargs=-1, required=True, shell_complete=_complete_paths)
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: table on a terminal, else jsonl].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write cards to FILE instead of stdout.")
@_card_options_flags
@click.option("--anki", "anki_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write an Anki deck package (.apkg) to this path.")
@click.option("--deck-root", default="Studykit", show_default=True,
              help="Top-level Anki deck; series become its subdecks.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (errors still shown).")
def generate(sources: tuple[str, ...], fmt: str | None, output: Path | None, per_1k: float,
             max_cards: int | None, kinds: str, anki_path: Path | None, deck_root: str,
             quiet: bool) -> None:
    """Make cards from SOURCES: feed URLs or files, article URLs or files, .md files, folders,
    or `-` for one document or feed on standard input (`cat post.md | studykit generate -`)."""
    _check_outputs(sources, {"-o": output, "--anki": anki_path})
    result = _generate(sources, per_1k, max_cards, kinds, quiet)
    if anki_path:
        from studykit.anki import export_apkg

        _say(str(export_apkg(result.cards, anki_path, deck_root=deck_root)), quiet)
        if fmt is None and output is None:
            return  # the deck was what was asked for; no cards on stdout
    fmt = fmt or ("table" if output is None and sys.stdout.isatty() else "jsonl")
    text = render(result.cards, fmt)
    if output:
        from studykit.outputs import OutputError, atomic_write

        try:
            atomic_write(output, text.encode("utf-8"))
        except OutputError as exc:
            raise click.ClickException(str(exc)) from None
    else:
        click.echo(text, nl=False)
    where = f" to {output}" if output else ""
    _say(f"{len(result.cards)} cards from {len(result.posts)} post(s){where}", quiet)


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


def _card_options(per_1k: float, max_cards: int | None, kinds: str) -> CardOptions:
    chosen = frozenset(k.strip() for k in kinds.split(",") if k.strip())
    if bad := chosen - {"qa", "cloze", "formula"}:
        raise click.BadParameter(f"unknown kind(s): {', '.join(sorted(bad))}", param_hint="--kinds")
    return CardOptions(per_1k_words=per_1k, max_cards=max_cards, kinds=chosen)


def run_generate(sources, options: CardOptions, progress=None):
    """The library's generate, imported on first use: spaCy takes a second to load."""
    from studykit.generate import generate

    return generate(sources, options, progress=progress)


def _generate(sources: tuple[str, ...], per_1k: float, max_cards: int | None, kinds: str,
              quiet: bool, options: CardOptions | None = None, nothing: str = "no cards written"):
    """Run generation with the shared options; exit 1 when nothing could be read."""
    options = options or _card_options(per_1k, max_cards, kinds)
    result = run_generate(sources, options, progress=None if quiet else _say)
    for error in result.errors:
        _say(f"studykit: error: {error}")
    if not result.posts:
        _say(f"studykit: nothing could be read; {nothing}")
        sys.exit(1)
    return result


@main.command()
@click.argument("sources", nargs=-1, required=True, shell_complete=_complete_paths)
@_card_options_flags
@click.option("--cards-only", is_flag=True, help="List only the claims that became cards.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def inspect(sources: tuple[str, ...], per_1k: float, max_cards: int | None, kinds: str,
            cards_only: bool, as_json: bool) -> None:
    """Show, per post, the claims and formulas found, their kind and score, and which
    became cards and why the others did not. SOURCES as for `generate` (`-` is standard input)."""
    from studykit import explain

    result = _generate(sources, per_1k, max_cards, kinds, quiet=True)
    report = explain.report(result)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(explain.render(report, show_dropped=not cards_only))


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


# ---- the study store: add, due, grade, stats, cards, suspend, config ------------------------
# Each command opens the store itself (`--db PATH`, env STUDYKIT_DB, default in the data dir)
# and turns StudykitError into one line `studykit: error: ...` with exit code 1.


class StudyError(click.ClickException):
    """A user-facing error of a study command, printed as one `studykit: error:` line."""

    def show(self, file=None) -> None:  # noqa: ANN001 (click's signature)
        click.echo(f"studykit: error: {self.format_message()}", err=True)


def _db_option(func):
    return click.option("--db", "db", type=click.Path(dir_okay=False), envvar="STUDYKIT_DB",
                        help="Study database [env STUDYKIT_DB; default: the data directory].")(func)


def _json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def _now_option(func):
    return click.option("--now", "now", metavar="ISO",
                        help="Act as if it were this time (ISO 8601 with an offset).")(func)


def _filter_options(func):
    func = click.option("--tag", help="Only cards with this tag (e.g. kind::formula).")(func)
    func = click.option("--post", help="Only cards of this post (key, slug, title or URL).")(func)
    return click.option("--series", help="Only cards of this series (name or slug).")(func)


@contextlib.contextmanager
def _store(db: str | None):
    from studykit.store import open_store

    try:
        with open_store(db) as store:
            yield store
    except StudykitError as exc:
        raise StudyError(str(exc)) from None


def _when(now: str | None):
    from studykit.schedule import parse_when

    try:
        return parse_when(now) if now else None
    except StudykitError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class _Report(Protocol):
    def to_dict(self) -> dict[str, Any]: ...

    def render_text(self) -> str: ...


def _echo_report(report: _Report, as_json: bool) -> None:
    """A report as JSON (`--json`) or as the text its type renders."""
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(report.render_text())


@main.command()
@click.argument("sources", nargs=-1, required=True, shell_complete=_complete_paths)
@_db_option
@_card_options_flags
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (errors still shown).")
@_json_option
def add(sources: tuple[str, ...], db: str | None, per_1k: float, max_cards: int | None,
        kinds: str, quiet: bool, as_json: bool) -> None:
    """Make cards from SOURCES and store them for study; re-adding keeps every history.
    SOURCES as for `generate`; `-` reads one document or feed from standard input."""
    options = _card_options(per_1k, max_cards, kinds)
    with _store(db) as store:  # opened first: a bad --db fails before the slow part
        result = _generate(sources, per_1k, max_cards, kinds, quiet, options, nothing="nothing stored")
        report = store.add(result.posts, result.cards, progress=None if quiet else _say)
        path = store.path
    if as_json:
        _echo_json({**report.to_dict(), "db": str(path)})
        return
    click.echo(f"{report.posts_new + report.posts_updated} post(s) ({report.posts_new} new): "
               f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
               f"{report.retired} retired, {report.restored} restored cards in {path}")
    if report.edits_kept:
        click.echo(f"{report.edits_kept} card(s) kept the text you edited "
                   "(`studykit revert CARD_ID` puts the generated text back)")


def _filter(series, post, tag, search=None):
    from studykit.store import CardFilter

    return CardFilter(series=series, post=post, tag=tag, search=search)


@main.command()
@_db_option
@_filter_options
@_now_option
@_json_option
def due(db: str | None, series: str | None, post: str | None, tag: str | None, now: str | None,
        as_json: bool) -> None:
    """What is due now (within today's limits), per series."""
    from studykit.due import due_summary

    with _store(db) as store:
        summary = due_summary(store, now=_when(now), where=_filter(series, post, tag))
    _echo_report(summary, as_json)


@main.command("grade")
@click.argument("card_id")
@click.argument("rating",
                type=click.Choice(["again", "hard", "good", "easy"], case_sensitive=False))
@_db_option
# 86,400,000 is schedule.MAX_DURATION_MS, not imported here: schedule loads fsrs.
@click.option("--duration", "duration_ms", type=click.IntRange(0, 86_400_000), metavar="MS",
              help="How long the answer took, in milliseconds (at most a day).")
@_now_option
@_json_option
def grade_command(card_id: str, rating: str, db: str | None, duration_ms: int | None,
                  now: str | None, as_json: bool) -> None:
    """Grade one card (id, alias or unique id prefix) and print when it is due next."""
    from studykit.session import grade

    when = _when(now)
    with _store(db) as store:
        try:
            result = grade(store, card_id, rating, now=when, duration_ms=duration_ms)
        except StudykitError as exc:
            raise StudyError(str(exc)) from None
    _echo_report(result, as_json)


@main.command()
@_db_option
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True,
              help="Days of history and of forecast.")
@_now_option
@_json_option
def stats(db: str | None, days: int, now: str | None, as_json: bool) -> None:
    """Cards by state and series, reviews per day, true retention, due forecast."""
    from studykit.stats import study_stats

    with _store(db) as store:
        report = study_stats(store, now=_when(now), days=days)
    _echo_report(report, as_json)


@main.command()
@_db_option
@_filter_options
@click.option("--search", metavar="TEXT", help="Only cards whose text contains TEXT.")
@click.option("--all", "include_retired", is_flag=True, help="Include retired cards.")
@click.option("--limit", type=click.IntRange(1), help="At most this many cards.")
@_json_option
def cards(db: str | None, series: str | None, post: str | None, tag: str | None,
          search: str | None, include_retired: bool, limit: int | None, as_json: bool) -> None:
    """List stored cards with their id, state and due date."""
    with _store(db) as store:
        found = store.cards(_filter(series, post, tag, search), include_retired=include_retired,
                            limit=limit)
    if as_json:
        _echo_json([c.to_dict() for c in found])
        return
    for c in found:
        flags = "".join(f" [{f}]" for f, on in (("suspended", c.suspended),
                                                ("retired", c.retired_at is not None),
                                                ("edited", c.edited_at is not None)) if on)
        due_text = c.due.strftime("%Y-%m-%d %H:%M") if c.due else "-"
        front = " ".join(c.front.split())
        click.echo(f"{c.id}  {c.state:<10} {due_text:<16} [{c.kind}] {c.series} / "
                   f"{c.post_title}: {front[:80]}{'…' if len(front) > 80 else ''}{flags}")
    _say(f"{len(found)} card(s)")


def _each_card(db: str | None, card_ids: tuple[str, ...], action, done: str) -> None:
    with _store(db) as store:
        rowids = []
        for ref in card_ids:  # resolve all first: one bad id changes nothing
            try:
                rowids.append(store.resolve(ref))
            except StudykitError as exc:
                raise StudyError(str(exc)) from None
        for rowid in rowids:
            changed = action(store, rowid)
            click.echo(f"{store.card(rowid).id} {done if changed is not False else 'unchanged'}")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@_db_option
def suspend(card_ids: tuple[str, ...], db: str | None) -> None:
    """Keep cards out of review until unsuspended (history is kept)."""
    _each_card(db, card_ids, lambda s, r: s.set_suspended(r, True), "suspended")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@_db_option
def unsuspend(card_ids: tuple[str, ...], db: str | None) -> None:
    """Bring suspended cards back to review."""
    _each_card(db, card_ids, lambda s, r: s.set_suspended(r, False), "unsuspended")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@_db_option
def bury(card_ids: tuple[str, ...], db: str | None) -> None:
    """Hide cards until the next study day starts."""
    from studykit.session import bury as bury_card

    _each_card(db, card_ids, lambda s, r: bury_card(s, r), "buried until tomorrow")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@_db_option
def restore(card_ids: tuple[str, ...], db: str | None) -> None:
    """Bring retired cards back to review, and keep them even when no longer produced."""
    _each_card(db, card_ids, lambda s, r: s.restore(r), "restored")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@_db_option
def revert(card_ids: tuple[str, ...], db: str | None) -> None:
    """Put back the generated text of cards whose text you edited (history is kept)."""
    _each_card(db, card_ids, lambda s, r: s.revert_edit(r), "reverted to the generated text")


@main.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@_db_option
@click.option("--unset", is_flag=True, help="Forget KEY's stored value (back to its default).")
@_json_option
def config(key: str | None, value: str | None, db: str | None, unset: bool, as_json: bool) -> None:
    """Show or change study settings: no KEY lists them, KEY shows one, KEY VALUE sets it."""
    from studykit.schedule import SETTINGS, Settings, SettingsError, parse_setting

    with _store(db) as store:
        try:
            if unset:
                if not key or value is not None:
                    raise click.UsageError("--unset takes exactly one KEY")
                store.unset_setting(key)
            elif value is not None:
                store.set_setting(key, value)  # type: ignore[arg-type]
            elif key is not None and key not in SETTINGS:
                parse_setting(key, "")  # raises the error that lists the settings
            current = store.settings().as_text()
        except SettingsError as exc:  # a key or value the user typed: a usage error
            error = StudyError(str(exc))
            error.exit_code = 2
            raise error from None
        except StudykitError as exc:
            raise StudyError(str(exc)) from None
        path = str(store.path)
    defaults = Settings().as_text()
    shown = {key: current[key]} if key else current
    if as_json:
        _echo_json(shown if key else {**shown, "db": path})
        return
    if key:
        click.echo(f"{key} = {shown[key]}")
        return
    width = max(len(k) for k in shown)
    for k, v in shown.items():
        mark = "" if v == defaults[k] else f"   (default {defaults[k]})"
        click.echo(f"{k:<{width}} = {v:<10} # {SETTINGS[k][2]}{mark}")
    click.echo(f"{'db':<{width}} = {path}")


@main.command()
@_db_option
@click.option("--reschedule", is_flag=True,
              help="Recompute due dates under the current settings (e.g. a new retention).")
def rebuild(db: str | None, reschedule: bool) -> None:
    """Rebuild every card's FSRS state by replaying the review log."""
    from studykit.replay import rebuild_states

    with _store(db) as store:
        count = rebuild_states(store, reschedule=reschedule)
    click.echo(f"rebuilt the state of {count} card(s) from the review log"
               + (" and rescheduled them" if reschedule else ""))


@main.command()
@click.option("--anki", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the deck: FILE.apkg (or FILE.tsv with --format tsv).")
@click.option("--format", "fmt", type=click.Choice(["apkg", "tsv"]),
              help="apkg (deck package) or tsv (Anki's text import) [default: by file name].")
@click.option("--deck-root", default="Studykit", show_default=True,
              help="Top-level Anki deck; series become its subdecks.")
@click.option("--post-level", is_flag=True, help="One subdeck per post under its series.")
@_filter_options
@_db_option
def export(path: Path, fmt: str | None, deck_root: str, post_level: bool, series: str | None,
           post: str | None, tag: str | None, db: str | None) -> None:
    """Export the stored cards to Anki; exporting again updates notes, never duplicates."""
    from studykit.export import export_store
    from studykit.outputs import OutputError, check_target

    try:
        check_target(path)  # before the store is opened: a FIFO or folder is refused at once
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    with _store(db) as store:
        try:
            summary = export_store(store, path, where=_filter(series, post, tag), fmt=fmt,
                                   deck_root=deck_root, post_level=post_level)
        except StudykitError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(str(summary))


@main.command()
@_db_option
@click.option("--series", help="Start a session of this series at once (name or slug).")
@click.option("--exit-after-first-card", "first_card", is_flag=True, hidden=True,
              help="Benchmark: start a session, exit once the first card is drawn, print the time.")
def review(db: str | None, series: str | None, first_card: bool) -> None:
    """Review due cards in the terminal: decks, sessions, browse, stats, settings, export."""
    import os

    from studykit.store import CardFilter
    from studykit.tui.app import StudykitApp

    with _store(db) as store:
        start = None
        if series is not None:
            if not store.cards(CardFilter(series=series), limit=1):
                names = sorted({row[0] for row in store.state_counts()})
                raise StudyError(f"no cards in a series {series!r}"
                                 + (f" (series: {', '.join(names)})" if names else ""))
            start = CardFilter(series=series)
        elif first_card:
            start = CardFilter()
        app = StudykitApp(store=store, start=start, exit_after_first_card=first_card)
        # Headless when there is no terminal (the benchmark's pipe): the same app, undrawn.
        app.run(headless=first_card and not sys.stdout.isatty())
    if app.failure is not None:  # a damaged store: the app ended at once
        raise StudyError(str(app.failure))
    if app.return_code:  # the app crashed (Textual printed why)
        sys.exit(app.return_code)
    if first_card:
        # The benchmark passes its clock (time.time()) from just before it started us.
        t0 = os.environ.get("STUDYKIT_BENCH_T0", "")
        if app.first_card_wall is None:
            click.echo("first card: none shown (nothing is due)", err=True)
        elif t0:
            click.echo(f"first card shown {(app.first_card_wall - float(t0)) * 1000:.0f} ms "
                       "after the process started", err=True)
        else:
            from studykit.tui.app import STARTED

            click.echo(f"first card shown {(app.first_card_at - STARTED) * 1000:.0f} ms after "
                       "the app module was imported", err=True)


# ---- batch builds over deck specs (decks/*.toml) ---------------------------------------------


class _LineProgress:
    """No terminal: one plain line per source, post and output on stderr."""

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def log(self, message: str, important: bool = False) -> None:
        click.echo(message, err=True)

    def start(self, label: str, total: int) -> None:
        click.echo(f"{label} ({total})", err=True)

    def advance(self, message: str, steps: int = 1) -> None:
        click.echo(message, err=True)


class _BarProgress(_LineProgress):
    """On a terminal: a progress bar on stderr per phase; notes print above it."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn)

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), console=Console(stderr=True))
        self._task = None

    def __enter__(self):
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


def _spec_line(spec) -> str:
    c = spec.cards
    posts = (f"{spec.posts} post(s) ({spec.posts_extracted} extracted, {spec.posts_skipped} unchanged"
             + (f", {spec.posts_filtered} filtered out" if spec.posts_filtered else "")
             + (f", {spec.posts_kept} kept" if spec.posts_kept else "") + ")")
    outputs = ", ".join(o["path"] + ("" if o["written"] else " (unchanged)") for o in spec.outputs)
    return (f"{spec.name}: {posts}, {c['total']} cards ({c['new']} new, {c['changed']} changed, "
            f"{c['retired']} retired)" + (f" -> {outputs}" if outputs else ""))


@main.command("build")
@click.argument("specs", nargs=-1, metavar="[SPEC]...")
@click.option("-j", "--jobs", type=click.IntRange(1),
              help="Processes for NLP [default: min(CPUs, 4); 1 for fewer than 4 posts or 20,000 words to extract].")
@_db_option
@click.option("--no-cache", is_flag=True,
              help="Fetch and extract everything again, as on a first build (the cache is refreshed).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (errors still shown).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def build_command(specs: tuple[str, ...], jobs: int | None, db: str | None, no_cache: bool,
                  quiet: bool, as_json: bool) -> None:
    """Build the decks that deck SPEC files describe (default: every decks/*.toml).

    Non-interactive and incremental: unchanged feeds cost one request, unchanged posts no
    NLP. Exit code 0 when all went well, 1 when some source or output failed (the rest was
    built), 2 for usage errors (such as an invalid spec)."""
    from studykit import build as build_mod
    from studykit.deckspec import SpecError, find_specs, load_spec
    from studykit.extraction_pool import stop_on_sigterm

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
    progress: build_mod.SilentProgress | _LineProgress
    if quiet:
        progress = build_mod.SilentProgress()
    elif sys.stderr.isatty():
        progress = _BarProgress()
    else:
        progress = _LineProgress()
    try:
        with stop_on_sigterm(lambda message: click.echo(message, err=True)), progress:
            report = build_mod.build(loaded, jobs=jobs, db=db, use_cache=not no_cache,
                                     progress=progress)
    except StudykitError as exc:  # the study store cannot be opened: nothing was built
        click.echo(f"studykit: error: {exc}", err=True)
        sys.exit(2)
    for note in report.notes:
        _say(f"note: {note}", quiet)
    for spec, failure in report.failed:
        click.echo(f"studykit: error: {spec}: {failure}", err=True)
    if as_json:
        _echo_json(report.to_dict())
    else:
        for spec_report in report.specs:
            click.echo(_spec_line(spec_report))
    sys.exit(report.exit_code)


def run() -> None:
    """Entry point that turns StudykitError into a one-line message (no traceback)."""
    try:
        main(prog_name="studykit", standalone_mode=True)  # completion reads _STUDYKIT_COMPLETE
    except StudykitError as exc:
        click.echo(f"studykit: error: {exc}", err=True)
        sys.exit(1)
