"""The review UI driven headless with Textual's Pilot, against a real store (an SQLite file in
tmp_path, cards added through `store.add`, real FSRS with fuzz off) and a fixed clock.

Every test checks what the store holds afterwards (the review log, suspensions, text), not
just what the screen shows. Helpers here are shared with test_tui_snapshots.py.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from .conftest import MONDAY_NOON, Clock
from rich.console import Console
from rich.text import Text
from textual.widgets import Button, DataTable, Input, Static, TextArea

from studykit.models import Card, Post
from studykit.store import open_store
from studykit.tui.app import StudykitApp
from studykit.tui.browse import BrowseScreen
from studykit.tui.edit import EditModal
from studykit.tui.export_modal import ExportModal
from studykit.tui.help import HelpScreen
from studykit.tui.home import HomeScreen
from studykit.tui.review import ReviewScreen
from studykit.tui.settings import SettingsScreen
from studykit.tui.source import SourceModal
from studykit.tui.stats import StatsScreen
from studykit.tui.summary import SummaryScreen

pytestmark = pytest.mark.anyio  # async tests run on asyncio through anyio's pytest plugin

T0 = MONDAY_NOON  # a Monday, noon UTC
HOSTILE = "[bold red]boom[/] \x1b[2J\x1b]0;pwned\x07 [link=http://x]click[/link] plain?"




def _id(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _card(post: Post, i: int, kind: str, front: str, back: str, cloze: str | None = None) -> Card:
    slug = post.title.lower().replace(" ", "-")
    return Card(id=_id(post.url, i), kind=kind, front=front, back=back, cloze=cloze,
                series=post.series, post_title=post.title, post_url=post.url,
                tags=[f"series::{post.series.lower().replace(' ', '-')}", f"post::{slug}",
                      f"kind::{kind}"], source_sentence=back if kind == "qa" else "")


SIGNALS_1 = Post(title="Sampling and Aliasing", url="https://blog.example/signals/1/", body="",
                 series="Signal Processing", part=1)
SIGNALS_2 = Post(title="The Fourier Transform", url="https://blog.example/signals/2/", body="",
                 series="Signal Processing", part=2)
OPTIM = Post(title="Gradient Descent", url="https://blog.example/optim/1/", body="",
             series="Optimization Methods", part=1)


def sample_cards() -> dict[str, tuple[Post, list[Card]]]:
    """Post title -> (post, cards): six cards in the first post (qa, formula, cloze, qa, qa,
    hostile), three in the second, two in a second series."""
    p = SIGNALS_1
    first = [
        _card(p, 0, "qa", "What is the Nyquist rate of a signal band-limited to $B$ Hz?",
              "$2B$ samples per second"),
        _card(p, 1, "formula", "Sampling and Aliasing: what is the sampled signal $x_s(t)$?",
              r"$$x_s(t) = \sum_{n=-\infty}^{\infty} x(nT)\,\delta(t - nT)$$"),
        _card(p, 2, "cloze", "Sampling below the Nyquist rate causes [...].",
              "Sampling below the Nyquist rate causes aliasing.",
              cloze="Sampling below the Nyquist rate causes {{c1::aliasing}}."),
        _card(p, 3, "qa", "Who proved the sampling theorem in 1949?", "Claude **Shannon**"),
        _card(p, 4, "qa", "What does an anti-aliasing filter remove?",
              "frequencies above half the sampling rate"),
        _card(p, 5, "qa", HOSTILE, "answer with [red]markup[/red] \x1b[31m"),
    ]
    second = [_card(SIGNALS_2, i, "qa", f"Fourier question {i}: what is $\\hat{{f}}(\\xi_{i})$?",
                    f"answer {i}") for i in range(3)]
    third = [_card(OPTIM, i, "formula", "Gradient Descent: what is the update $\\theta_{t+1}$?",
                   r"$$\theta_{t+1} = \theta_t - \eta \nabla f(\theta_t)$$") for i in range(1)]
    third.append(_card(OPTIM, 1, "qa", "What is the *learning rate* also called?", "step size"))
    return {p.title: (p, cards) for p, cards in ((SIGNALS_1, first), (SIGNALS_2, second),
                                                  (OPTIM, third))}


def make_store(path: Path, posts: dict[str, tuple[Post, list[Card]]] | None = None) -> Path:
    posts = sample_cards() if posts is None else posts
    with open_store(path) as store:
        store.set_setting("fuzz", "off")
        store.set_setting("timezone", "UTC")
        store.add([p for p, _ in posts.values()], [c for _, cards in posts.values() for c in cards],
                  now=T0 - timedelta(days=30))
    return path


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def db(tmp_path) -> Path:
    return make_store(tmp_path / "study.db")


@pytest.fixture
def db1(tmp_path) -> Path:
    """Only the first post: its six cards are the whole queue, in order."""
    return make_store(tmp_path / "one.db", {SIGNALS_1.title: CARDS[SIGNALS_1.title]})


def make_app(db: Path, clock: Clock | None = None, **kw) -> StudykitApp:
    return StudykitApp(db, clock=clock or Clock(), **kw)


async def settle(pilot) -> None:
    """Let every worker finish and the screen catch up (workers may start more workers)."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        if not any(w.state.name in ("PENDING", "RUNNING") for w in app.workers):
            break
        await app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def text_of(app: StudykitApp, selector: str) -> str:
    """The plain text a Static shows (a Rich table is printed, uncoloured)."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), color_system=None)
    console.print(content)
    return console.file.getvalue()


def log_rows(db: Path) -> list[tuple]:
    """(card id, rating, reviewed_at, duration_ms, kind) of every logged grade, in order."""
    with open_store(db) as store:
        rows = store._conn.execute(
            "SELECT c.card_id, r.rating, r.reviewed_at, r.duration_ms, r.kind FROM review_log r "
            "JOIN cards c ON c.id = r.card ORDER BY r.id").fetchall()
    return [tuple(r) for r in rows]


CARDS = sample_cards()
S1 = [c.id for c in CARDS[SIGNALS_1.title][1]]


# ---- a whole session ------------------------------------------------------------------------

async def test_full_session_reveal_grade_undo_suspend_edit_summary(db1):
    clock = Clock()
    app = make_app(db1, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await press(pilot, "enter")  # "All series" is highlighted
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.view.card.id == S1[0]
        assert "Nyquist rate" in text_of(app, "#card-front")
        assert "Signal Processing › Sampling and Aliasing" in text_of(app, "#card-where")
        assert not app.screen.query_one("#grades").display

        # A grade key before the answer is shown does nothing.
        await press(pilot, "3")
        assert log_rows(db1) == []

        # card 0: Again, 10 s after it was shown
        clock.advance(seconds=10)
        await press(pilot, "space")
        assert screen.query_one("#grades").display
        assert "2B samples per second" in text_of(app, "#card-back")
        labels = [str(screen.query_one(f"#grade-{r}", Button).label) for r in range(1, 5)]
        assert labels == ["1 Again · 1m", "2 Hard · 6m", "3 Good · 10m", "4 Easy · 8d"]
        await press(pilot, "1")
        assert screen.view.card.id == S1[1]

        # card 1 (formula, rendered as Unicode): Hard
        await press(pilot, "enter")
        assert "xₛ(t) = ∑" in text_of(app, "#card-back")
        await press(pilot, "2")

        # card 2 (cloze): the blank, then the filled sentence with the answer highlighted
        assert screen.view.card.id == S1[2]
        front = screen.query_one("#card-front", Static).content
        assert front.plain == "Sampling below the Nyquist rate causes [...]."
        await press(pilot, "space")
        filled = screen.query_one("#card-front", Static).content
        assert filled.plain == "Sampling below the Nyquist rate causes aliasing."
        assert any(filled.plain[s.start:s.end] == "aliasing" and "on yellow" in str(s.style)
                   for s in filled.spans)
        await press(pilot, "3")

        # card 3: Easy, then undo it: the same card comes back, unrevealed; grade Good
        await press(pilot, "space", "4")
        assert screen.view.card.id == S1[4]
        await press(pilot, "u")
        assert screen.view.card.id == S1[3] and not screen.view.revealed
        assert [r[:2] for r in log_rows(db1)] == [(S1[0], 1), (S1[1], 2), (S1[2], 3)]
        await press(pilot, "space", "3")

        # card 4: suspend
        assert screen.view.card.id == S1[4]
        await press(pilot, "s")

        # card 5 (markup and escapes from a page): shown literally, then edited
        assert screen.view.card.id == S1[5]
        shown = text_of(app, "#card-front")
        assert "[bold red]boom[/]" in shown and "\x1b" not in shown and "\x07" not in shown
        await press(pilot, "e")
        assert isinstance(app.screen, EditModal)
        area = app.screen.query_one("#edit-front", TextArea)
        assert "\x1b" not in area.text
        area.text = "What does [...] mean in a *hostile* card?"
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert text_of(app, "#card-front") == "What does [...] mean in a hostile card?"
        await press(pilot, "space", "3")

        # Learning cards come back (learn-ahead); end the session here: the summary.
        assert screen.view.card.id == S1[0]
        await press(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.sub_title == "all series"  # the session's scope
        summary = text_of(app, "#summary-table")
        assert "Cards reviewed" in summary and "5 (5 grades)" in summary
        assert "20% (1 of 5)" in summary
        assert "Time spent" in summary and "10 s" in summary
        assert "1 suspended, 0 buried" in summary
        assert "Next due: now: 5 cards are left in this session" in text_of(app, "#summary-next")
        await press(pilot, "enter")
        assert isinstance(app.screen, HomeScreen)

    rows = log_rows(db1)
    assert [r[:2] for r in rows] == [(S1[0], 1), (S1[1], 2), (S1[2], 3), (S1[3], 3), (S1[5], 3)]
    assert {r[4] for r in rows} == {"new"}
    assert rows[0][2] == "2026-03-02T12:00:10.000000+00:00" and rows[0][3] == 10_000
    with open_store(db1) as store:
        assert store.card(S1[4]).suspended
        edited = store.card(S1[5])
        assert edited.front == "What does [...] mean in a *hostile* card?"
        assert edited.back.startswith("answer with [red]markup[/red]")
        history = list(store.history(store.resolve(S1[0])))
        assert [(r[1], r[3]) for r in history] == [(1, T0 + timedelta(seconds=10, minutes=1))]
        assert not store.card(S1[3]).suspended and store.card(S1[3]).state == "learning"


async def test_every_rating_is_logged_and_undo_takes_back_the_last_grade(db1):
    app = make_app(db1, start=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        for rating in "1234":
            await press(pilot, "space", rating)
        await press(pilot, "u", "u")  # takes back Easy, then Good
        screen = app.screen
        assert screen.view.card.id == S1[2]
        await press(pilot, "space", "4")
    assert [r[:2] for r in log_rows(db1)] == [(S1[0], 1), (S1[1], 2), (S1[2], 4)]


async def test_bury_hides_the_card_until_tomorrow_and_undo_brings_it_back(db1):
    app = make_app(db1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "b")
        assert app.screen.view.card.id == S1[1]
        with open_store(db1) as store:
            assert store.card(S1[0]).buried_until is not None
        await press(pilot, "u")
        assert app.screen.view.card.id == S1[0]
    with open_store(db1) as store:
        assert store.card(S1[0]).buried_until is None
    assert log_rows(db1) == []


async def test_finishing_every_card_shows_the_summary_and_undo_from_it(tmp_path):
    db = make_store(tmp_path / "s.db", {OPTIM.title: CARDS[OPTIM.title]})
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "space", "4", "space", "4")  # Easy: both graduate
        assert isinstance(app.screen, SummaryScreen)
        assert "2 (2 grades)" in text_of(app, "#summary-table")
        assert "0% (0 of 2)" in text_of(app, "#summary-table")
        assert "Next due: Tue 10 Mar 12:00 (in 8d)" in text_of(app, "#summary-next")
        await press(pilot, "u")  # back to the last card, its grade taken back
        assert isinstance(app.screen, ReviewScreen)
        assert len(log_rows(db)) == 1
        await press(pilot, "space", "3", "escape")
        assert isinstance(app.screen, SummaryScreen)
        await press(pilot, "enter")
        assert isinstance(app.screen, HomeScreen)
    assert [r[1] for r in log_rows(db)] == [4, 3]


async def test_nothing_due_says_when_the_next_card_is(tmp_path):
    db = make_store(tmp_path / "s.db", {OPTIM.title: CARDS[OPTIM.title]})
    with open_store(db) as store:
        from studykit.session import grade

        for c in CARDS[OPTIM.title][1]:
            grade(store, c.id, "easy", now=T0 - timedelta(hours=1))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = text_of(app, "#home-status")
        assert "Nothing is due now." in status and "Next card due" in status
        await press(pilot, "enter")
        message = text_of(app, "#card-empty")
        assert "Nothing is due now." in message
        assert "Next card due Tue 10 Mar 11:00 (in 8d)" in message
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)


async def test_an_empty_store_says_how_to_add_cards(tmp_path):
    app = make_app(tmp_path / "empty.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "studykit add SOURCE" in text_of(app, "#home-status")
        await press(pilot, "enter")
        assert "No cards here yet" in text_of(app, "#card-empty")


# ---- home -----------------------------------------------------------------------------------

async def test_home_lists_series_and_posts_with_counts_and_starts_one_series(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "q")
        assert app._exit  # q quits from the decks list
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        table = home.query_one("#decks", DataTable)
        rows = [[str(getattr(c, "plain", c)).strip() for c in table.get_row_at(i)]
                for i in range(table.row_count)]
        assert rows == [["All series", "11", "0", "0"],
                        ["▸ Optimization Methods", "2", "0", "0"],
                        ["▸ Signal Processing", "9", "0", "0"]]
        await press(pilot, "down", "down", "right")
        rows = [str(table.get_row_at(i)[0].plain).strip() for i in range(table.row_count)]
        assert rows[2:] == ["▾ Signal Processing", "Sampling and Aliasing",
                            "The Fourier Transform"]
        await press(pilot, "down", "down")  # the second post
        await press(pilot, "enter")
        assert app.screen.view.card.id == CARDS[SIGNALS_2.title][1][0].id
        assert "ξ₀" in text_of(app, "#card-front")
        await press(pilot, "space", "3", "space", "3", "space", "3")
        # the post's new cards are done; its learning cards come back within 20 minutes
        assert app.screen.view.card.id == CARDS[SIGNALS_2.title][1][0].id
        await press(pilot, "escape", "enter")
        assert isinstance(app.screen, HomeScreen)
        rows = [[str(getattr(c, "plain", c)).strip() for c in table.get_row_at(i)]
                for i in range(table.row_count)]
        assert rows[0] == ["All series", "8", "0", "0"]  # 11 new - 3 graded
        await press(pilot, "left")
        assert table.row_count == 3
    assert {r[0] for r in log_rows(db)} == {c.id for c in CARDS[SIGNALS_2.title][1]}


async def test_the_decks_list_counts_what_studykit_due_counts(db):
    from studykit.due import due_summary
    from studykit.session import grade
    from studykit.store import CardFilter

    with open_store(db) as store:
        store.set_setting("new_per_day", "5")
        grade(store, S1[0], "again", now=T0 - timedelta(minutes=5))  # learning, due now
        grade(store, S1[1], "good", now=T0 - timedelta(days=3))
        grade(store, S1[1], "good", now=T0 - timedelta(days=3) + timedelta(minutes=10))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        rows = {str(row[0].plain).strip(): [str(c.plain).strip() for c in row[1:]]
                for row in map(table.get_row_at, range(table.row_count))}
    with open_store(db) as store:
        for label, where in (("All series", None),
                             ("▸ Signal Processing", CardFilter(series=SIGNALS_1.series)),
                             ("▸ Optimization Methods", CardFilter(series=OPTIM.series))):
            due = due_summary(store, now=T0, where=where).total
            assert rows[label] == [str(due.new), str(due.learning), str(due.review)], label
    assert rows["▸ Signal Processing"] == ["4", "1", "1"]  # new cards capped: 5 - 1 done


async def test_review_command_series_option_starts_that_series(db):
    app = make_app(db, start=__import__("studykit.store").store.CardFilter(
        series="Optimization Methods"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.view.card.id == CARDS[OPTIM.title][1][0].id
        assert "θₜ₊₁" in text_of(app, "#card-front")
        assert app.first_card_at is not None
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)


async def test_question_mark_lists_the_keys_of_the_screen(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.rows)
        assert keys["Space / Enter"] == "Show answer"
        assert keys["1"] == "Again" and keys["4"] == "Easy"
        assert keys["u"] == "Undo" and keys["e"] == "Edit" and keys["o"] == "Source"
        assert keys["?"] == "Keys"
        await press(pilot, "escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_source_shows_the_url_literally(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "o")
        assert isinstance(app.screen, SourceModal)
        shown = text_of(app, "#source-table")
        assert "https://blog.example/optim/1/" in shown and "Gradient Descent" in shown
        await press(pilot, "escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_a_series_name_from_a_page_cannot_inject_markup(tmp_path):
    evil = Post(title="[b]Title[/b]", url="https://evil.example/1/", body="",
                series="[red]Evil[/red] \x1b[2J")
    db = make_store(tmp_path / "evil.db", {evil.title: (evil, [
        _card(evil, 0, "qa", "Question [i]x[/i]?", "[blink]answer[/blink]")])})
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        assert table.get_row_at(1)[0].plain == "▸ [red]Evil[/red] "
        await press(pilot, "enter")
        assert text_of(app, "#card-where") == "[red]Evil[/red]  › [b]Title[/b]"
        assert "\x1b" not in app.screen.sub_title
        await press(pilot, "space")
        assert text_of(app, "#card-back") == "[blink]answer[/blink]"
        await press(pilot, "escape", "t")
        assert "[red]Evil[/red]" in text_of(app, "#stats")


# ---- browse, stats, settings, export ---------------------------------------------------------

async def test_browse_searches_shows_history_suspends_and_edits(db):
    with open_store(db) as store:
        from studykit.session import grade

        grade(store, S1[3], "good", now=T0 - timedelta(days=1))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        assert isinstance(app.screen, BrowseScreen)
        table = app.screen.query_one("#browse-table", DataTable)
        assert table.row_count == 11
        search = app.screen.query_one("#browse-search", Input)
        search.value = 'shannon series:"Signal Processing"'
        await press(pilot, "enter")
        assert table.row_count == 1
        detail = text_of(app, "#browse-detail")
        assert "Who proved the sampling theorem" in detail and "learning" in detail
        assert "2026-03-01 12:00  good" in detail
        await press(pilot, "s")
        with open_store(db) as store:
            assert store.card(S1[3]).suspended
        assert "suspended" in text_of(app, "#browse-detail")
        await press(pilot, "s")
        with open_store(db) as store:
            assert not store.card(S1[3]).suspended
        await press(pilot, "e")
        app.screen.query_one("#edit-back", TextArea).text = "Claude Shannon (and Nyquist)"
        await press(pilot, "ctrl+s")
        assert "Claude Shannon (and Nyquist)" in text_of(app, "#browse-detail")
        # hostile text in the table is literal
        search.value = "tag:kind::qa boom"
        await press(pilot, "slash", "enter")
        assert table.row_count == 1
        assert "[bold red]boom[/]" in table.get_row_at(0)[4].plain
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)
    with open_store(db) as store:
        assert store.card(S1[3]).back == "Claude Shannon (and Nyquist)"
        assert len(list(store.history(store.resolve(S1[3])))) == 1


async def test_stats_shows_charts(db):
    with open_store(db) as store:
        from studykit.session import grade

        for i, c in enumerate(S1[:4]):
            grade(store, c, "good" if i else "again", now=T0 - timedelta(days=i + 1))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert isinstance(app.screen, StatsScreen)
        text = text_of(app, "#stats")
        assert "Reviews per day, last 30 days" in text and "total 4" in text
        assert "Due forecast, next 30 days" in text
        assert "Cards by series" in text and "Signal Processing" in text
        assert "█" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)


async def test_settings_are_validated_and_stored_in_the_database(db):
    app = make_app(db)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, SettingsScreen)
        screen = app.screen
        assert screen.query_one("#set-new_per_day", Input).value == "20"
        screen.query_one("#set-desired_retention", Input).value = "0.5"
        await press(pilot, "ctrl+s")
        assert "must be between 0.70 and 0.99" in text_of(app, "#settings-status")
        with open_store(db) as store:
            assert store.settings().desired_retention == 0.9
        screen.query_one("#set-desired_retention", Input).value = "0.85"
        screen.query_one("#set-new_per_day", Input).value = "5"
        screen.query_one("#set-reviews_per_day", Input).value = "50"
        await press(pilot, "ctrl+s", "escape")
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        assert table.get_row_at(0)[1].plain.strip() == "5"  # the new limit applies at once
    with open_store(db) as store:
        s = store.settings()
        assert (s.desired_retention, s.new_per_day, s.reviews_per_day) == (0.85, 5, 50)
        assert s.fuzz is False  # untouched


async def test_export_writes_the_selected_series_in_a_worker(db, tmp_path):
    app = make_app(db)
    target = tmp_path / "out" / "signals.apkg"
    target.parent.mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "down", "x")  # Signal Processing highlighted
        modal = app.screen
        assert isinstance(modal, ExportModal)
        assert modal.query_one("#export-path", Input).value.endswith("studykit.apkg")
        modal.query_one("#export-path", Input).value = str(target)
        await press(pilot, "enter")
        status = text_of(app, "#export-status")
        assert f"Wrote 9 notes (9 cards) in 1 deck to {target}" in status
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)
    assert target.stat().st_size > 0
    # The file the TUI wrote is a deck Anki itself imports.
    anki_collection = pytest.importorskip("anki.collection")
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(anki_collection.ImportAnkiPackageRequest(
            package_path=str(target), options=anki_collection.ImportAnkiPackageOptions()))
        assert col.note_count() == 9
        assert "Studykit::Signal Processing" in {d.name for d in col.decks.all_names_and_ids()}
    finally:
        col.close()


async def test_the_dialogs_buttons_do_what_their_keys_do(db, tmp_path):
    app = make_app(db)
    target = tmp_path / "clicked.apkg"
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        app.screen.query_one("#set-new_per_day", Input).value = "7"
        await pilot.click("#settings-save")
        await settle(pilot)
        with open_store(db) as store:
            assert store.settings().new_per_day == 7
        await pilot.click("#settings-back")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await press(pilot, "x")
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-run")
        await settle(pilot)
        assert f"to {target}" in text_of(app, "#export-status")
        await pilot.click("#export-close")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert target.stat().st_size > 0


async def test_export_failure_is_reported_not_raised(db, tmp_path):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "x")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "missing" / "x.apkg")
        await press(pilot, "enter")
        assert "Export failed" in text_of(app, "#export-status")
        await press(pilot, "escape")


# ---- the command ---------------------------------------------------------------------------

def _studykit(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from studykit.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env}, stdin=subprocess.DEVNULL)


def test_review_command_shows_a_first_card_headless_and_exits(db):
    done = _studykit("review", "--db", str(db), "--exit-after-first-card")
    assert done.returncode == 0, done.stderr
    assert "first card shown" in done.stderr and "ms after" in done.stderr


def test_review_command_refuses_an_unknown_series(db):
    done = _studykit("review", "--db", str(db), "--series", "Cooking")
    assert done.returncode == 1
    assert "no cards in a series 'Cooking'" in done.stderr
    assert "Signal Processing" in done.stderr
