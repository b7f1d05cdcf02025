"""What the review UI adds below the screens: `Store.deck_counts`, `Store.update_card_text`,
`Session.preview`, `Session.edit`, and the pure helpers (card rendering, intervals, charts,
the browse query, key names). Real store in tmp_path, fake clock, fuzz off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.text import Text

from studykit import session
from studykit.session import Session
from studykit.store import CardFilter, CardNotFound, StoreError, open_store
from studykit.tui import charts, render
from studykit.tui.browse import parse_query
from studykit.tui.export_modal import target
from studykit.tui.help import key_text
from tests.test_tui import CARDS, OPTIM, S1, SIGNALS_1, SIGNALS_2, T0, Clock, make_store


@pytest.fixture
def store(tmp_path):
    with open_store(make_store(tmp_path / "study.db")) as st:
        yield st


# ---- Store.deck_counts ----------------------------------------------------------------------

def test_deck_counts_are_per_post_in_reading_order_and_follow_the_state(store):
    rows = store.deck_counts(T0)
    assert [(r.series, r.post_title, r.new, r.learning, r.review, r.cards) for r in rows] == [
        ("Optimization Methods", "Gradient Descent", 2, 0, 0, 2),
        ("Signal Processing", "Sampling and Aliasing", 6, 0, 0, 6),
        ("Signal Processing", "The Fourier Transform", 3, 0, 0, 3),
    ]
    session.grade(store, S1[0], "good", now=T0 - timedelta(days=5))   # learning, due in 10 min
    session.grade(store, S1[0], "good", now=T0 - timedelta(days=5, minutes=-10))  # review
    session.grade(store, S1[1], "again", now=T0 - timedelta(minutes=1))  # learning, due now
    session.grade(store, S1[2], "good", now=T0)  # learning, due in 10 min: not yet
    store.set_suspended(store.resolve(S1[3]), True)
    session.bury(store, S1[4], now=T0)
    row = next(r for r in store.deck_counts(T0) if r.post_title == "Sampling and Aliasing")
    assert (row.new, row.learning, row.review, row.cards) == (1, 1, 1, 4)
    later = next(r for r in store.deck_counts(T0 + timedelta(days=1)) if r.post_key == row.post_key)
    assert (later.new, later.learning) == (2, 2)  # the burial ended with the study day


def test_deck_counts_leave_out_retired_cards(store):
    p, cards = CARDS[OPTIM.title]
    store.add([p], cards[:1], now=T0)
    row = next(r for r in store.deck_counts(T0) if r.post_title == "Gradient Descent")
    assert row.cards == 1


# ---- Store.update_card_text and Session.edit -------------------------------------------------

def test_update_card_text_keeps_state_and_history(store):
    session.grade(store, S1[0], "good", now=T0)
    rowid = store.resolve(S1[0])
    before = store.card(rowid)
    after = store.update_card_text(rowid, front="New front $x^2$", back="New back")
    assert (after.front, after.back, after.cloze) == ("New front $x^2$", "New back", None)
    assert (after.state, after.due, after.fsrs) == (before.state, before.due, before.fsrs)
    assert after.updated_at > before.updated_at  # an Anki re-export updates the note
    assert len(list(store.history(rowid))) == 1


def test_update_card_text_refuses_empty_sides_bad_cloze_and_unknown_cards(store):
    rowid = store.resolve(S1[0])
    with pytest.raises(StoreError, match="both a front and a back"):
        store.update_card_text(rowid, front="  ", back="x")
    cloze = store.resolve(S1[2])
    with pytest.raises(StoreError, match="needs a deletion"):
        store.update_card_text(cloze, front="a [...]", back="a b", cloze="a b")
    with pytest.raises(CardNotFound):
        store.update_card_text(10_000, front="a", back="b")
    card = store.update_card_text(cloze, front="A [...] sentence.", back="A cloze sentence.",
                                  cloze="A {{c1::cloze}} sentence.")
    assert card.cloze == "A {{c1::cloze}} sentence."


def test_session_edit_changes_the_card_shown(store):
    s = Session(store, where=CardFilter(series=SIGNALS_1.series), clock=Clock())
    assert s.current.id == S1[0]
    s.reveal()
    card = s.edit(front="Edited?", back="Yes")
    assert s.current is card and s.current.front == "Edited?" and s.revealed
    assert store.card(S1[0]).back == "Yes"
    s.grade("good")
    assert s.current.id == S1[1]


# ---- Session.preview -------------------------------------------------------------------------

def test_preview_matches_the_grade_that_follows_and_stores_nothing(store):
    clock = Clock()
    s = Session(store, where=CardFilter(series=SIGNALS_1.series), clock=clock)
    preview = s.preview()
    assert {r: due - T0 for r, (due, _) in preview.items()} == {
        1: timedelta(minutes=1), 2: timedelta(minutes=5.5), 3: timedelta(minutes=10),
        4: timedelta(days=8)}
    assert [state for _, state in preview.values()] == ["learning"] * 3 + ["review"]
    assert list(store.history()) == []
    result = s.grade("good")
    assert result.due == preview[3][0]
    clock.advance(minutes=10)
    s.refill()
    assert s.current.id == S1[0]
    due, state = s.preview()[3]
    assert s.grade("good").due == due and state == "review"


def test_preview_leaves_fuzz_out_but_grading_keeps_it(store):
    store.set_setting("fuzz", "on")
    clock = Clock()
    s = Session(store, clock=clock)
    rowid = s.current.rowid
    s.grade("good")
    clock.advance(minutes=10)
    s.refill()
    assert s.current.rowid == rowid
    assert s.preview()[3][0] - clock.now == timedelta(days=2)  # as FSRS without fuzz says


# ---- rendering --------------------------------------------------------------------------------

def _stored(store, card_id):
    return store.card(card_id)


def test_cloze_front_has_a_styled_blank_and_the_back_a_highlighted_answer(store):
    card = _stored(store, S1[2])
    front = render.front(card)
    assert front.plain == "Sampling below the Nyquist rate causes [...]."
    assert [front.plain[s.start:s.end] for s in front.spans if s.style == render.BLANK_STYLE] \
        == ["[...]"]
    back = render.back(card)
    assert back.plain == "Sampling below the Nyquist rate causes aliasing."
    assert [back.plain[s.start:s.end] for s in back.spans if s.style == render.ANSWER_STYLE] \
        == ["aliasing"]


def test_cloze_with_math_hints_and_two_groups():
    text = render.cloze_filled(r"In {{c1::1948::year}} $\alpha_{t}$ met {{c2::**Shannon**}}.")
    assert text.plain == "In 1948 αₜ met Shannon."
    assert render.cloze_sides("a {{c1::b}} c {{c2::d::hint}}") == ("a [...] c [...]", "a b c d")


def test_formula_back_is_unicode_and_markup_stays_literal(store):
    assert "xₛ(t) = ∑" in render.back(_stored(store, S1[1])).plain
    hostile = render.front(_stored(store, S1[5]))
    assert "[bold red]boom[/]" in hostile.plain and "\x1b" not in hostile.plain
    where = render.where(_stored(store, S1[5]))
    assert isinstance(where, Text) and where.plain == "Signal Processing › Sampling and Aliasing"


@pytest.mark.parametrize("delta, text", [
    (timedelta(seconds=30), "<1m"), (timedelta(minutes=1), "1m"), (timedelta(minutes=10), "10m"),
    (timedelta(hours=5), "5h"), (timedelta(days=1), "1d"), (timedelta(days=8), "8d"),
    (timedelta(days=45), "1.5mo"), (timedelta(days=60), "2mo"), (timedelta(days=400), "1.1y"),
])
def test_interval(delta, text):
    assert render.interval(delta) == text


@pytest.mark.parametrize("delta, text", [
    (timedelta(seconds=-59), "now"), (timedelta(minutes=1), "in 1 min"),
    (timedelta(minutes=10), "in 10 min"), (timedelta(minutes=-90), "2 hours ago"),
    (timedelta(hours=1), "in 1 hour"), (timedelta(days=1), "in 1 day"),
    (timedelta(days=-8), "8 days ago"), (timedelta(days=400), "in 400 days"),
])
def test_relative_in_words_for_the_command_line(delta, text):
    from studykit.timespan import Wording, relative

    assert relative(T0 + delta, T0, Wording.WORDS) == text


def test_relative_duration_and_moment():
    from studykit.schedule import Settings

    assert render.relative(T0 + timedelta(hours=3), T0) == "in 3h"
    assert render.relative(T0 - timedelta(days=2), T0) == "2d ago"
    assert render.relative(T0, T0) == "now"
    assert render.duration(42) == "42 s" and render.duration(72) == "1 min 12 s"
    assert render.duration(3 * 3600 + 300) == "3 h 05 min"
    utc = Settings(timezone="UTC")
    assert render.moment(T0 + timedelta(days=1), T0, utc) == "Tue 03 Mar 12:00 (in 1d)"
    paris = Settings(timezone="Europe/Paris")
    assert render.moment(T0, T0, paris) == "Mon 02 Mar 13:00 (now)"


def test_one_line_squeezes_and_cuts():
    line = render.one_line("What is\n$\\alpha$   **really**?", 12)
    assert line.plain == "What is α r…" and len(line.plain) == 12


# ---- charts ---------------------------------------------------------------------------------

def test_columns_scale_to_the_highest_value():
    chart = charts.columns([0, 6, 8], height=2, width=1, labels=("a", "z")).plain.split("\n")
    assert chart == [" ▄█ 8", " ██ 0", "a z"]  # 6 of 8: one full row and a half
    assert charts.columns([0, 0], height=1, width=2).plain == "     0"


def test_bars_stack_parts_and_keep_small_parts_visible():
    out = charts.bars([("NLP", [(6, "a"), (2, "b")]), ("Tiny", [(0, "a"), (1, "b")])],
                      width=8, label_width=5)
    lines = out.plain.split("\n")
    assert lines[0] == "NLP   ████████ 8"
    assert lines[1] == "Tiny  █        1"
    assert [out.plain[s.start:s.end] for s in out.spans if s.style == "a"] == ["██████"]


# ---- small parsers ----------------------------------------------------------------------------

def test_parse_query():
    assert parse_query('gate series:"Signal Processing" tag:kind::cloze') == CardFilter(
        series="Signal Processing", tag="kind::cloze", search="gate")
    assert parse_query("post:gradient-descent") == CardFilter(post="gradient-descent")
    assert parse_query('unclosed "quote') == CardFilter(search='unclosed "quote')
    assert parse_query("") == CardFilter()


def test_key_names():
    assert key_text("space,enter") == "Space / Enter"
    assert key_text("question_mark") == "?" and key_text("ctrl+s") == "Ctrl+S"
    assert key_text("right,l") == "→ / l"


def test_export_target(tmp_path):
    assert target(str(tmp_path)) == tmp_path / "studykit.apkg"
    assert target(str(tmp_path / "x.tsv")) == tmp_path / "x.tsv"
    assert str(target("~/a.apkg")).endswith("/a.apkg") and "~" not in str(target("~/a.apkg"))


def test_unused_sample_posts_are_what_the_tests_expect():
    assert len(CARDS[SIGNALS_2.title][1]) == 3 and len(CARDS[OPTIM.title][1]) == 2


def test_a_formula_cloze_asks_with_a_box_and_answers_with_the_whole_formula():
    from types import SimpleNamespace

    card = SimpleNamespace(kind="cloze", front="GRU: complete the formula\n$$h_t = (1 - z_t) h + \\boxed{?}$$",
                           back="$$h_t = (1 - z_t) h + z_t \\tilde h$$",
                           cloze="$$h_t = (1 - z_t) h + {{c1::z_t \\tilde h}}$$")
    assert render.front(card).plain.strip().endswith("hₜ = (1 - zₜ)h + ?")
    back = render.back(card).plain.strip()
    assert "$" not in back and "{{" not in back and back.endswith("+ zₜh̃"), back
