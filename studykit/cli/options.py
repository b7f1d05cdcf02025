"""What the commands share: their common options, opening the study store, the one-line
error a study command prints, `--now`, echoing JSON and reports, and the card options and
"generate or exit 1" step of the commands that make cards.

Everything heavy (the store, the scheduler, spaCy) is imported on first use: `studykit
--help` and `studykit review` must start fast.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar

import click
from click.shell_completion import CompletionItem

from studykit.cards import CardOptions
from studykit.errors import StudykitError

if TYPE_CHECKING:
    from datetime import datetime

    from studykit.generate import GenerateResult
    from studykit.store import CardFilter, Store

F = TypeVar("F", bound=Callable[..., Any])

KINDS = frozenset({"qa", "cloze", "formula"})


def say(message: str, quiet: bool = False) -> None:
    """A progress line or note on stderr, unless `quiet`."""
    if not quiet:
        click.echo(message, err=True)


def complete_paths(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """SOURCES are paths as often as URLs: let the shell complete file names."""
    return [CompletionItem(incomplete, type="file")]


def sources_argument(func: F) -> F:
    """SOURCES: feeds, pages, files, folders or `-`, completed as paths."""
    return click.argument("sources", nargs=-1, required=True, shell_complete=complete_paths)(func)


def card_options_flags(func: F) -> F:
    """--per-1k, --max-cards and --kinds: how many cards of which kinds a post gets."""
    func = click.option("--kinds", default="qa,cloze,formula", show_default=True,
                        help="Comma-separated card kinds to make.")(func)
    func = click.option("--max-cards", type=click.IntRange(1),
                        help="At most this many cards per post.")(func)
    return click.option("--per-1k", "per_1k", type=click.FloatRange(0.5, 50),
                        default=CardOptions.per_1k_words, show_default=True,
                        help="Cards per 1,000 words of prose a post may get.")(func)


def quiet_option(func: F) -> F:
    return click.option("-q", "--quiet", is_flag=True,
                        help="No progress on stderr (errors still shown).")(func)


def db_option(func: F) -> F:
    return click.option("--db", "db", type=click.Path(dir_okay=False), envvar="STUDYKIT_DB",
                        help="Study database [env STUDYKIT_DB; default: the data directory].")(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def now_option(func: F) -> F:
    return click.option("--now", "now", metavar="ISO",
                        help="Act as if it were this time (ISO 8601 with an offset).")(func)


def filter_options(func: F) -> F:
    """--series, --post and --tag: which stored cards a command covers."""
    func = click.option("--tag", help="Only cards with this tag (e.g. kind::formula).")(func)
    func = click.option("--post", help="Only cards of this post (key, slug, title or URL).")(func)
    return click.option("--series", help="Only cards of this series (name or slug).")(func)


def card_options(per_1k: float, max_cards: int | None, kinds: str) -> CardOptions:
    """The card options the flags of `card_options_flags` ask for; unknown kinds are a usage error."""
    chosen = frozenset(k.strip() for k in kinds.split(",") if k.strip())
    if bad := chosen - KINDS:
        raise click.BadParameter(f"unknown kind(s): {', '.join(sorted(bad))}", param_hint="--kinds")
    return CardOptions(per_1k_words=per_1k, max_cards=max_cards, kinds=chosen)


def run_generate(sources: Iterable[str], options: CardOptions,
                 progress: Callable[[str], None] | None = None) -> GenerateResult:
    """The library's generate, imported on first use: spaCy takes a second to load."""
    from studykit.generate import generate

    return generate(sources, options, progress=progress)


def generate_or_exit(sources: tuple[str, ...], options: CardOptions, quiet: bool,
                     nothing: str = "no cards written") -> GenerateResult:
    """Run generation, telling each source error; exit 1 when nothing could be read."""
    result = run_generate(sources, options, progress=None if quiet else say)
    for error in result.errors:
        say(f"studykit: error: {error}")
    if not result.posts:
        say(f"studykit: nothing could be read; {nothing}")
        sys.exit(1)
    return result


# ---- the study store ------------------------------------------------------------------------
# Each study command opens the store itself (`--db PATH`, env STUDYKIT_DB, default in the data
# dir) and turns StudykitError into one line `studykit: error: ...` with exit code 1.


class StudyError(click.ClickException):
    """A user-facing error of a study command, printed as one `studykit: error:` line."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"studykit: error: {self.format_message()}", err=True)


class StudyUsageError(StudyError):
    """A key or value the user typed that does not fit: exit code 2, as for usage errors."""

    exit_code = 2


@contextlib.contextmanager
def open_study_store(db: str | None) -> Iterator[Store]:
    """The study store at `db` (or the default), its errors turned into a StudyError."""
    from studykit.store import open_store

    try:
        with open_store(db) as store:
            yield store
    except StudykitError as exc:
        raise StudyError(str(exc)) from None


def card_filter(series: str | None, post: str | None, tag: str | None,
                search: str | None = None) -> CardFilter:
    from studykit.store import CardFilter

    return CardFilter(series=series, post=post, tag=tag, search=search)


def parse_now(now: str | None) -> datetime | None:
    """The time `--now` gives, None for the real time; a bad one is a usage error."""
    from studykit.schedule import parse_when

    try:
        return parse_when(now) if now else None
    except StudykitError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class Report(Protocol):
    def to_dict(self) -> dict[str, Any]: ...

    def render_text(self) -> str: ...


def echo_report(report: Report, as_json: bool) -> None:
    """A report as JSON (`--json`) or as the text its type renders."""
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(report.render_text())
