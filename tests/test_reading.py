"""training/reading.py: a blind reading's sheet is drawn reproducibly from real cards, and
the reader's verdicts are checked, tallied and turned into card labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

try:
    from tests.conftest import load_script
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import load_script

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "data" / "posts" / "signal-processing"
WITH_FORMULA_CLOZE = ROOT / "data" / "posts" / "optimization-methods"


@pytest.fixture(scope="module")
def reading():
    return load_script(ROOT / "training" / "reading.py", "reading")


@pytest.fixture(scope="module")
def drawn(reading, tmp_path_factory):
    out = tmp_path_factory.mktemp("sheet")
    cards = reading.sheet([str(POSTS)], "ZZ", 6, 3, set(), out)
    return out, cards


def test_the_sheet_shows_each_drawn_card_as_the_study_app_does(drawn):
    out, cards = drawn
    text = (out / "ZZ.md").read_text("utf-8")
    assert [c["id"] for c in json.loads((out / "ZZ.json").read_text("utf-8"))] == [c["id"] for c in cards]
    entries = text.split("### ")[1:]
    assert [e.split(" ")[0] for e in entries] == [f"ZZ{i:02d}" for i in range(1, 7)]
    for entry, card in zip(entries, cards):
        assert f"Context (shown above the card): {card['series']} › {card['post_title']}" in entry
        assert f"Front: {card['front']}\n" in entry and "{{c" not in entry  # the blank, not the answer
        if card["kind"] == "cloze":
            assert "[...]" in card["front"] and "Back: blank(s): " in entry


def test_the_same_seed_draws_the_same_cards_and_skip_leaves_earlier_ones_out(reading, drawn, tmp_path):
    _, cards = drawn
    again = reading.sheet([str(POSTS)], "ZZ", 6, 3, set(), tmp_path)
    assert [c["id"] for c in again] == [c["id"] for c in cards]
    other = reading.sheet([str(POSTS)], "YY", 6, 3, {c["id"] for c in cards}, tmp_path)
    assert not {c["id"] for c in other} & {c["id"] for c in cards}
    with pytest.raises(SystemExit, match="only"):
        reading.sheet([str(POSTS)], "XX", 10_000, 3, set(), tmp_path)


def test_verdicts_are_tallied_and_bad_lines_named(reading, drawn):
    _, cards = drawn
    lines = ["ZZ01 | keep | keep | - | a core fact", "ZZ02 | discard | trivial_deletion | alt: none | filler",
             "ZZ03 | keep | keep | - | yes", "ZZ04 | discard | worked_example | alt: none | numbers",
             "ZZ05 | discard | trivial_deletion | alt: Kalman gain | vague", "ZZ06 | keep | keep | - | fine",
             "KEPT 3/6"]
    said = reading.verdicts("\n".join(lines), "ZZ", 6)
    report = reading.tally(cards, said)
    assert report.startswith("KEPT 3/6 (50%)")
    assert "discards: trivial_deletion 2, worked_example 1" in report
    with pytest.raises(SystemExit, match="ZZ06"):
        reading.verdicts("\n".join(lines[:5]), "ZZ", 6)
    with pytest.raises(SystemExit, match="boring"):
        reading.verdicts("\n".join(["ZZ01 | discard | boring | alt: none | meh", *lines[1:]]), "ZZ", 6)
    with pytest.raises(SystemExit, match="cannot read"):  # a keep must give 'keep' as its reason
        reading.verdicts("\n".join(["ZZ01 | keep | fragment | - | ?", *lines[1:]]), "ZZ", 6)
    with pytest.raises(SystemExit, match="ZZ03 is twice"):
        reading.verdicts("\n".join([*lines, "ZZ03 | discard | other | alt: none | changed my mind"]), "ZZ", 6)
    with pytest.raises(SystemExit, match="ZZ07 is not on the sheet"):
        reading.verdicts("\n".join([*lines, "ZZ07 | keep | keep | - | from another draw"]), "ZZ", 6)
    assert reading.verdicts("\n".join("  " + line for line in lines), "ZZ", 6) == said  # indented lines too


def test_verdicts_become_card_labels_keyed_as_the_keep_filter_keys_them(reading, tmp_path):
    from keep_filter import REASONS, candidate_key

    from studykit.generate import generate

    made = generate([str(WITH_FORMULA_CLOZE)])
    cards = reading.sheet([str(WITH_FORMULA_CLOZE)], "ZZ", len(made.cards), 3, set(), tmp_path)
    assert any(c["kind"] == "cloze" and c.get("claim_kind") == "formula" for c in cards)  # a formula's cloze
    said = [{"label": "discard", "reason": "fragment"} if i % 2 else {"label": "keep", "reason": "keep"}
            for i in range(len(cards))]
    rows = reading.labels(cards, said, ROOT)
    assert len(rows) == len(cards) and all(r["reason"] in REASONS for r in rows)
    keys = {candidate_key(c) for e in made.extractions for c in [*e.claims, *e.formulas]}
    for row, card in zip(rows, cards):
        assert row["article"].startswith("data/posts/optimization-methods/")
        assert row["key"] in keys, card  # the card's own sentence or formula, never the words leading to it
        if card["kind"] == "formula" or card.get("claim_kind") == "formula":
            formulas = {candidate_key(f) for e in made.extractions for f in e.formulas}
            assert row["key"] in formulas
    assert reading.labels(cards, said, ROOT / "tests") == []  # posts outside `shared` get no label


def test_tally_without_its_files_says_what_to_do(reading, tmp_path):
    with pytest.raises(SystemExit, match="draw the sheet first"):
        reading.main(["tally", "QQ", "--out", str(tmp_path)])
    for bad in (["--tag", "zz"], ["--tag", "ZZ", "--n", "0"]):
        with pytest.raises(SystemExit) as stop:
            reading.main(["sheet", str(POSTS), *bad, "--out", str(tmp_path)])
        assert stop.value.code == 2 and not list(tmp_path.iterdir())
