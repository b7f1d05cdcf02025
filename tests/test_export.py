"""Store -> Anki, end to end: add posts, export, import into a real Anki collection,
edit a post and add another, re-add, export again, import again."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from studykit.cli import main

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions

FILTERS = """---
title: "Estimation (1): Recursive Filters"
date: 2025-03-04
series: Estimation
series_order: 1
---
## The Kalman filter

Rudolf Kalman published the **Kalman filter** in 1960. The **Kalman gain** weighs the new
measurement against the prediction, and a gain of 0 ignores the measurement entirely.

The **innovation** is the difference between the measurement and the predicted measurement.

$$K_k = P_k^- H^\\top (H P_k^- H^\\top + R)^{-1}$$

The filter is optimal for linear systems with Gaussian noise, where it beats every other linear estimator.
"""

SMOOTHERS = """---
title: "Estimation (2): Smoothers"
date: 2025-03-11
series: Estimation
series_order: 2
---
## Fixed-interval smoothing

Herbert Rauch, Frank Tung and Charlotte Striebel published the **RTS smoother** in 1965.
A **smoother** uses measurements from after a time step, so it is never worse than the filter.

$$\\hat x_{k|N} = \\hat x_{k|k} + C_k (\\hat x_{k+1|N} - \\hat x_{k+1|k})$$
"""


def cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def import_apkg(col, path: Path):
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def test_export_import_edit_readd_reexport_updates_without_duplicates(tmp_path):
    posts, db = tmp_path / "posts", str(tmp_path / "study.db")
    posts.mkdir()
    (posts / "01-filters.md").write_text(FILTERS, encoding="utf-8")
    cli("add", str(posts), "--db", db, "-q")
    first = cli("export", "--anki", str(tmp_path / "v1.apkg"), "--db", db)
    assert "Studykit" not in first.output or "deck" in first.output

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_apkg(col, tmp_path / "v1.apkg")
        notes_before = col.note_count()
        assert notes_before >= 3
        assert {d.name for d in col.decks.all_names_and_ids()} >= {"Studykit::Estimation"}
        fields = " ".join(" ".join(col.get_note(n).fields) for n in col.find_notes(""))
        assert "\\(" in fields or "\\[" in fields          # math as MathJax
        assert "1960" in fields
        reviewed = col.get_card(col.find_cards("")[0])
        reviewed.start_timer()
        col.sched.answerCard(reviewed, 3)

        # The author rewords a sentence that became a card, and publishes a second post.
        stored = json.loads(cli("cards", "--db", db, "--json").output)
        answer = next(c["back"] for c in stored if "innovation" in c["front"])
        assert answer == "the difference between the measurement and the predicted measurement"
        edited = FILTERS.replace("and the predicted measurement", "and the predicted observation")
        (posts / "01-filters.md").write_text(edited, encoding="utf-8")
        time.sleep(1.1)  # Anki keeps mod times in whole seconds and updates only newer notes
        (posts / "02-smoothers.md").write_text(SMOOTHERS, encoding="utf-8")
        readd = cli("add", str(posts), "--db", db, "-q", "--json")
        cli("export", "--anki", str(tmp_path / "v2.apkg"), "--db", db)
        log = import_apkg(col, tmp_path / "v2.apkg")

        assert len(log.updated) >= 1, readd.output           # the reworded card's note
        assert len(log.new) >= 2                              # the second post's notes
        assert col.note_count() == notes_before + len(log.new)  # nothing duplicated
        fields = " ".join(" ".join(col.get_note(n).fields) for n in col.find_notes(""))
        assert "the measurement and the predicted observation" in fields
        assert "the measurement and the predicted measurement" not in fields
        assert "Studykit::Estimation" in {d.name for d in col.decks.all_names_and_ids()}
        again = col.get_card(reviewed.id)
        assert again.reps == 1                                # review history kept
    finally:
        col.close()


def test_export_with_nothing_stored_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["export", "--anki", str(tmp_path / "x.apkg"),
                                       "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 1
    assert "no cards to export" in result.output
    assert not (tmp_path / "x.apkg").exists()


def test_tsv_export_by_file_name_with_a_series_filter(tmp_path):
    posts, db = tmp_path / "posts", str(tmp_path / "study.db")
    posts.mkdir()
    (posts / "01-filters.md").write_text(FILTERS, encoding="utf-8")
    cli("add", str(posts), "--db", db, "-q")
    cli("export", "--anki", str(tmp_path / "cards.tsv"), "--series", "estimation", "--db", db)
    text = (tmp_path / "cards.tsv").read_text(encoding="utf-8")
    assert text.startswith("#separator:tab\n")
    assert "Studykit::Estimation" in text
    out = CliRunner().invoke(main, ["export", "--anki", str(tmp_path / "none.tsv"),
                                    "--series", "no-such-series", "--db", db])
    assert out.exit_code == 1
