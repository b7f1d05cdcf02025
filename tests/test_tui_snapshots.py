"""SVG snapshots of the review UI at 80x24 (pytest-textual-snapshot's `snap_compare`).

The app gets a fixed clock and the store's study day is in UTC, so nothing on screen moves
between runs. Update the snapshots after an intended change with
`pytest tests/test_tui_snapshots.py --snapshot-update`, then look at them
(tests/__snapshots__/test_tui_snapshots/*.svg).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from studykit.session import grade
from studykit.store import CardFilter, open_store
from studykit.models import Post
from tests.test_tui import (
    CARDS, OPTIM, S1, SIGNALS_1, T0, Clock, _card, make_app, make_store, press, settle,
)

SIZE = (80, 24)


@pytest.fixture
def db(tmp_path):
    return make_store(tmp_path / "study.db")


def test_home(snap_compare, db):
    with open_store(db) as store:
        grade(store, S1[0], "good", now=T0 - timedelta(days=3))
        grade(store, S1[0], "good", now=T0 - timedelta(days=3) + timedelta(minutes=10))
        grade(store, S1[1], "again", now=T0 - timedelta(minutes=5))

    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, "down", "down", "right")

    assert snap_compare(make_app(db, Clock()), run_before=run_before, terminal_size=SIZE)


def test_review_front_with_a_formula(snap_compare, db):
    app = make_app(db, Clock(), start=CardFilter(series=OPTIM.series))
    assert snap_compare(app, run_before=settle, terminal_size=SIZE)


def test_review_back_with_a_formula(snap_compare, db):
    app = make_app(db, Clock(), start=CardFilter(series=OPTIM.series))

    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, "space")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


TEXTBOOK = Post(title="Divergences", url="https://blog.example/info/1/", body="",
                series="Information Theory", part=1)


def test_review_back_with_a_textbook_formula(snap_compare, tmp_path):
    """`\\log\\frac`, `\\leftarrow` and `\\vec` as a reader of a textbook would accept them."""
    card = _card(TEXTBOOK, 0, "formula", "Divergences: how is $D_{\\mathrm{KL}}(p \\| q)$ updated and defined?",
                 r"$$D_{\mathrm{KL}}(p \| q) = \sum_x p(x) \log \frac{p(x)}{q(x)}, \qquad "
                 r"\mathbf{w} \leftarrow \mathbf{w} - \eta \vec{g} \tag{1}$$")
    db = make_store(tmp_path / "formula.db", {TEXTBOOK.title: (TEXTBOOK, [card])})
    app = make_app(db, Clock(), start=CardFilter(series=TEXTBOOK.series))

    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, "space")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_review_cloze_back_is_highlighted(snap_compare, tmp_path):
    db = make_store(tmp_path / "one.db", {SIGNALS_1.title: CARDS[SIGNALS_1.title]})
    app = make_app(db, Clock(), start=CardFilter(series=SIGNALS_1.series))

    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, "space", "3", "space", "3", "space")  # the third card is a cloze

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_summary(snap_compare, db):
    clock = Clock()
    app = make_app(db, clock, start=CardFilter(series=OPTIM.series))

    async def run_before(pilot):
        await settle(pilot)
        clock.advance(seconds=42)
        await press(pilot, "space", "1")
        clock.advance(seconds=30)
        await press(pilot, "space", "4", "space", "3", "space", "3")  # the session is done

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_stats(snap_compare, db):
    with open_store(db) as store:
        cards = [c.id for _, cs in CARDS.values() for c in cs]
        for day in range(1, 15):
            for i, card in enumerate(cards[: (day * 7) % 11]):
                when = T0 - timedelta(days=30 - day * 2, minutes=10 * i)
                grade(store, card, "again" if (day + i) % 6 == 0 else "good", now=when)

    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, "t")

    assert snap_compare(make_app(db, Clock()), run_before=run_before, terminal_size=SIZE)
