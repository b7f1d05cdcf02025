"""The study commands over the store: add, due, grade, stats, cards, the per-card actions
(suspend, unsuspend, bury, restore, revert), config and rebuild. Each parses its options,
calls the library and echoes the report its type renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from studykit.cli.group import main
from studykit.cli.options import (StudyError, StudyUsageError, card_filter, card_options,
                                  card_options_flags, db_option, echo_json, echo_report,
                                  filter_options, generate_or_exit, json_option, now_option,
                                  open_study_store, parse_now, quiet_option, say, sources_argument)
from studykit.errors import StudykitError

if TYPE_CHECKING:
    from studykit.store import Store


@main.command()
@sources_argument
@db_option
@card_options_flags
@quiet_option
@json_option
def add(sources: tuple[str, ...], db: str | None, per_1k: float, max_cards: int | None,
        kinds: str, quiet: bool, as_json: bool) -> None:
    """Make cards from SOURCES and store them for study; re-adding keeps every history.
    SOURCES as for `generate`; `-` reads one document or feed from standard input."""
    options = card_options(per_1k, max_cards, kinds)
    with open_study_store(db) as store:  # opened first: a bad --db fails before the slow part
        result = generate_or_exit(sources, options, quiet, nothing="nothing stored")
        report = store.add(result.posts, result.cards, progress=None if quiet else say)
        path = store.path
    if as_json:
        echo_json({**report.to_dict(), "db": str(path)})
    else:
        click.echo(report.render_text(path))


@main.command()
@db_option
@filter_options
@now_option
@json_option
def due(db: str | None, series: str | None, post: str | None, tag: str | None, now: str | None,
        as_json: bool) -> None:
    """What is due now (within today's limits), per series."""
    from studykit.due import due_summary

    with open_study_store(db) as store:
        summary = due_summary(store, now=parse_now(now), where=card_filter(series, post, tag))
    echo_report(summary, as_json)


@main.command("grade")
@click.argument("card_id")
@click.argument("rating",
                type=click.Choice(["again", "hard", "good", "easy"], case_sensitive=False))
@db_option
# 86,400,000 is schedule.MAX_DURATION_MS, not imported here: schedule loads fsrs.
@click.option("--duration", "duration_ms", type=click.IntRange(0, 86_400_000), metavar="MS",
              help="How long the answer took, in milliseconds (at most a day).")
@now_option
@json_option
def grade_command(card_id: str, rating: str, db: str | None, duration_ms: int | None,
                  now: str | None, as_json: bool) -> None:
    """Grade one card (id, alias or unique id prefix) and print when it is due next."""
    from studykit.session import grade

    when = parse_now(now)
    with open_study_store(db) as store:
        try:
            result = grade(store, card_id, rating, now=when, duration_ms=duration_ms)
        except StudykitError as exc:
            raise StudyError(str(exc)) from None
    echo_report(result, as_json)


@main.command()
@db_option
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True,
              help="Days of history and of forecast.")
@now_option
@json_option
def stats(db: str | None, days: int, now: str | None, as_json: bool) -> None:
    """Cards by state and series, reviews per day, true retention, due forecast."""
    from studykit.stats import study_stats

    with open_study_store(db) as store:
        report = study_stats(store, now=parse_now(now), days=days)
    echo_report(report, as_json)


@main.command()
@db_option
@filter_options
@click.option("--search", metavar="TEXT", help="Only cards whose text contains TEXT.")
@click.option("--all", "include_retired", is_flag=True, help="Include retired cards.")
@click.option("--limit", type=click.IntRange(1), help="At most this many cards.")
@json_option
def cards(db: str | None, series: str | None, post: str | None, tag: str | None,
          search: str | None, include_retired: bool, limit: int | None, as_json: bool) -> None:
    """List stored cards with their id, state and due date."""
    with open_study_store(db) as store:
        found = store.cards(card_filter(series, post, tag, search), include_retired=include_retired,
                            limit=limit)
    if as_json:
        echo_json([c.to_dict() for c in found])
        return
    for c in found:
        click.echo(c.listing_line())
    say(f"{len(found)} card(s)")


# ---- one action on each of some cards ---------------------------------------------------------

CardAction = Callable[["Store", int], object]  # False: the card was already so ("unchanged")


def _each_card(db: str | None, card_ids: tuple[str, ...], action: CardAction, done: str) -> None:
    with open_study_store(db) as store:
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
@db_option
def suspend(card_ids: tuple[str, ...], db: str | None) -> None:
    """Keep cards out of review until unsuspended (history is kept)."""
    _each_card(db, card_ids, lambda s, r: s.set_suspended(r, True), "suspended")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@db_option
def unsuspend(card_ids: tuple[str, ...], db: str | None) -> None:
    """Bring suspended cards back to review."""
    _each_card(db, card_ids, lambda s, r: s.set_suspended(r, False), "unsuspended")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@db_option
def bury(card_ids: tuple[str, ...], db: str | None) -> None:
    """Hide cards until the next study day starts."""
    from studykit.session import bury as bury_card

    _each_card(db, card_ids, lambda s, r: bury_card(s, r), "buried until tomorrow")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@db_option
def restore(card_ids: tuple[str, ...], db: str | None) -> None:
    """Bring retired cards back to review, and keep them even when no longer produced."""
    _each_card(db, card_ids, lambda s, r: s.restore(r), "restored")


@main.command()
@click.argument("card_ids", nargs=-1, required=True)
@db_option
def revert(card_ids: tuple[str, ...], db: str | None) -> None:
    """Put back the generated text of cards whose text you edited (history is kept)."""
    _each_card(db, card_ids, lambda s, r: s.revert_edit(r), "reverted to the generated text")


# ---- settings and the review log --------------------------------------------------------------


@main.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@db_option
@click.option("--unset", is_flag=True, help="Forget KEY's stored value (back to its default).")
@json_option
def config(key: str | None, value: str | None, db: str | None, unset: bool, as_json: bool) -> None:
    """Show or change study settings: no KEY lists them, KEY shows one, KEY VALUE sets it."""
    from studykit.schedule import SETTINGS, SettingsError, parse_setting

    with open_study_store(db) as store:
        try:
            if unset:
                if not key or value is not None:
                    raise click.UsageError("--unset takes exactly one KEY")
                store.unset_setting(key)
            elif key is not None and value is not None:
                store.set_setting(key, value)
            elif key is not None and key not in SETTINGS:
                parse_setting(key, "")  # raises the error that lists the settings
            settings = store.settings()
        except SettingsError as exc:  # a key or value the user typed: a usage error
            raise StudyUsageError(str(exc)) from None
        except StudykitError as exc:
            raise StudyError(str(exc)) from None
        path = str(store.path)
    if not key:
        if as_json:
            echo_json({**settings.as_text(), "db": path})
        else:
            click.echo(settings.render_text(path))
    elif as_json:
        echo_json({key: settings.as_text()[key]})
    else:
        click.echo(f"{key} = {settings.as_text()[key]}")


@main.command()
@db_option
@click.option("--reschedule", is_flag=True,
              help="Recompute due dates under the current settings (e.g. a new retention).")
def rebuild(db: str | None, reschedule: bool) -> None:
    """Rebuild every card's FSRS state by replaying the review log."""
    from studykit.replay import rebuild_states

    with open_study_store(db) as store:
        count = rebuild_states(store, reschedule=reschedule)
    click.echo(f"rebuilt the state of {count} card(s) from the review log"
               + (" and rescheduled them" if reschedule else ""))
