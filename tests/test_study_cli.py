"""The study commands (add, due, grade, stats, cards, suspend, bury, restore, revert, config,
rebuild) on real SQLite files, with real generation from the sample Markdown post where `add`
is the point. Most run in-process through click's CliRunner (the spaCy model loads once); error
output is also checked through the real console entry point in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from studykit import session
from studykit.cli import main
from studykit.store import open_store

try:
    from tests.conftest import DATA
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA

SOFTMAX = DATA / "posts" / "standalone" / "softmax-temperature.md"
T0 = "2026-03-02T12:00:00+00:00"
T0_DT = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)


def cli(*args: str, env: dict | None = None, ok: bool = True):
    result = CliRunner().invoke(main, list(args), env=env)
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def run_console(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from studykit.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "study.db")
    cli("config", "fuzz", "off", "--db", path)
    return path


@pytest.fixture
def added(db, tmp_path) -> tuple[str, list[dict]]:
    """The softmax sample post added to a fresh store; returns (db, cards as JSON)."""
    post = tmp_path / "post.md"
    post.write_text(SOFTMAX.read_text(encoding="utf-8"), encoding="utf-8")
    report = json.loads(cli("add", str(post), "--db", db, "-q", "--json").stdout)
    assert report["new"] >= 5 and report["posts_new"] == 1
    cards = json.loads(cli("cards", "--db", db, "--json").stdout)
    assert len(cards) == report["new"]
    return db, cards


# ---- add -> due -> grade -> due ------------------------------------------------------------

def test_add_due_grade_due(added):
    db, cards = added
    due = json.loads(cli("due", "--db", db, "--json", "--now", T0).stdout)
    assert due["total"] == {"learning": 0, "review": 0, "new": len(cards), "all": len(cards)}
    assert due["series"] == {"Standalone": {"learning": 0, "review": 0, "new": len(cards)}}
    first = due["cards"][0]["id"]
    assert first == cards[0]["id"]

    out = cli("grade", first, "good", "--db", db, "--now", T0).stdout
    assert out == f"{first} good: due 2026-03-02T12:10:00+00:00 (in 10 min, learning)\n"
    due = json.loads(cli("due", "--db", db, "--json", "--now", T0).stdout)
    assert due["total"]["new"] == len(cards) - 1 and first not in [c["id"] for c in due["cards"]]
    assert due["done_today"]["new"] == 1

    later = "2026-03-02T12:10:00Z"
    due = json.loads(cli("due", "--db", db, "--json", "--now", later).stdout)
    assert due["cards"][0] == {"id": first, "series": "Standalone", "state": "learning",
                               "due": "2026-03-02T12:10:00+00:00"}
    graded = json.loads(cli("grade", first[:6], "GOOD", "--db", db, "--now", later,
                            "--duration", "3500", "--json").stdout)
    assert graded["id"] == first and graded["state"] == "review"
    assert graded["due"] == "2026-03-04T12:10:00+00:00"
    text = cli("due", "--db", db, "--now", later).stdout
    assert f"Due now: 0 learning, 0 review, {len(cards) - 1} new" in text


def test_due_text_says_when_the_next_card_is_due(added):
    db, cards = added
    for c in cards:
        cli("config", "new_per_day", "100", "--db", db)
        cli("grade", c["id"], "easy", "--db", db, "--now", T0)
    text = cli("due", "--db", db, "--now", T0).stdout
    assert "Due now: 0 learning, 0 review, 0 new (0 cards)" in text
    assert "Next due: 2026-03-10T12:00:00+00:00 (in 8 days)" in text
    assert json.loads(cli("due", "--db", db, "--json", "--now", T0).stdout)["next_due"] == \
        "2026-03-10T12:00:00+00:00"


def test_due_filters_by_series(added):
    db, cards = added
    assert json.loads(cli("due", "--db", db, "--json", "--series", "Standalone").stdout)[
        "total"]["all"] == len(cards)
    assert json.loads(cli("due", "--db", db, "--json", "--series", "nlp").stdout)[
        "total"]["all"] == 0


# ---- re-adding an edited post keeps every history --------------------------------------------

def test_readd_an_edited_post_keeps_every_review_history(added, tmp_path):
    db, cards = added
    post = tmp_path / "post.md"
    original = post.read_text(encoding="utf-8")
    with open_store(db) as st:
        for c in cards:
            session.grade(st, c["id"], "good", now=T0_DT)
        before = {c["id"]: (st.card(c["id"]).fsrs, list(st.history(st.resolve(c["id"]))))
                  for c in cards}
    # 1. a renamed heading changes the text of its cards, not their ids;
    # 2. a reworded sentence gives its card a new id;
    # 3. a removed section takes its cards away.
    edits = [("## Adding a temperature", "## Introducing the temperature"),
             ("that modern deep networks", "that recent deep networks")]
    edited = original
    for old, new in edits:
        assert old in edited, f"the sample post changed: {old!r} is gone; update this test"
        edited = edited.replace(old, new)
    cut_from, cut_to = edited.index("## Computing it safely"), edited.index("## Gradients")
    removed_text = edited[cut_from:cut_to]
    edited = edited[:cut_from] + edited[cut_to:]
    renamed = [c for c in cards if "Adding a temperature" in c["front"]]
    reworded = [c for c in cards if "modern deep networks" in c["back"]]
    removed = [c for c in cards if "Computing it safely" in c["front"]
               or (c.get("source_sentence") and c["source_sentence"] in removed_text)]
    assert renamed and reworded and removed, "the sample post no longer makes the cards this " \
        "test edits; pick other edits"
    post.write_text(edited, encoding="utf-8")

    report = json.loads(cli("add", str(post), "--db", db, "-q", "--json").stdout)
    assert report["retired"] >= len(removed)
    assert report["updated"] >= len(renamed) + len(reworded)
    with open_store(db) as st:
        for c in cards:  # every card is still there, with its exact state and history
            stored = st.card(c["id"])
            assert (stored.fsrs, list(st.history(stored.rowid))) == before[c["id"]], c["front"]
        for c in renamed:
            stored = st.card(c["id"])
            assert "Introducing the temperature" in stored.front and stored.retired_at is None
        for c in reworded:
            stored = st.card(c["id"])
            assert stored.id == c["id"] and "recent deep networks" in stored.back
            assert stored.retired_at is None
        aliases = st._conn.execute("SELECT alias, card FROM card_aliases").fetchall()
        assert {card for _, card in aliases} >= {st.resolve(c["id"]) for c in reworded}
        for c in removed:
            assert st.card(c["id"]).retired_at is not None
        assert st.totals()["reviews"] == len(cards)
    listed = {c["id"] for c in json.loads(cli("cards", "--db", db, "--json").stdout)}
    assert not listed & {c["id"] for c in removed}
    everything = json.loads(cli("cards", "--db", db, "--json", "--all").stdout)
    assert {c["id"] for c in cards} <= {c["id"] for c in everything}

    # The original text again: the removed cards are restored, state and all.
    post.write_text(original, encoding="utf-8")
    report = json.loads(cli("add", str(post), "--db", db, "-q", "--json").stdout)
    assert report["restored"] >= len(removed) and report["retired"] == 0
    with open_store(db) as st:
        for c in cards:
            stored = st.card(c["id"])
            assert stored.retired_at is None
            assert (stored.fsrs, list(st.history(stored.rowid))) == before[c["id"]]
            assert stored.front == c["front"]


def test_add_summary_line_and_progress(db, tmp_path):
    post = tmp_path / "post.md"
    post.write_text(SOFTMAX.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("add", str(post), "--db", db)
    assert result.stdout.startswith("1 post(s) (1 new): ")
    assert "unchanged, 0 retired, 0 restored cards in" in result.stdout
    assert "stored A Short Guide to Softmax Temperature" in result.stderr
    again = cli("add", str(post), "--db", db, "-q")
    assert ": 0 new, 0 updated, " in again.stdout and again.stderr == ""


def test_add_of_nothing_readable_exits_1_and_stores_nothing(db, tmp_path):
    result = cli("add", str(tmp_path / "missing.md"), "--db", db, ok=False)
    assert result.exit_code == 1
    assert "studykit: error:" in result.stderr and "nothing stored" in result.stderr
    assert json.loads(cli("stats", "--db", db, "--json").stdout)["totals"]["cards"] == 0


# ---- listing, suspending, burying, restoring -----------------------------------------------

def test_cards_lists_filters_and_searches(added):
    db, cards = added
    text = cli("cards", "--db", db).stdout.splitlines()
    assert len(text) == len(cards) and text[0].startswith(cards[0]["id"] + "  new")
    hits = json.loads(cli("cards", "--db", db, "--json", "--search", "Boltzmann").stdout)
    assert hits and all("boltzmann" in (c["front"] + c["back"]).lower() for c in hits)
    formulas = json.loads(cli("cards", "--db", db, "--json", "--tag", "kind::formula").stdout)
    assert formulas and {c["kind"] for c in formulas} == {"formula"}
    assert json.loads(cli("cards", "--db", db, "--json", "--series", "nlp").stdout) == []
    assert len(json.loads(cli("cards", "--db", db, "--json", "--limit", "2").stdout)) == 2


def test_suspend_and_unsuspend(added):
    db, cards = added
    target = cards[0]["id"]
    assert cli("suspend", target, "--db", db).stdout == f"{target} suspended\n"
    due = json.loads(cli("due", "--db", db, "--json").stdout)
    assert target not in [c["id"] for c in due["cards"]]
    assert cli("suspend", target, "--db", db).stdout == f"{target} unchanged\n"
    assert cli("unsuspend", target, "--db", db).stdout == f"{target} unsuspended\n"
    due = json.loads(cli("due", "--db", db, "--json").stdout)
    assert target in [c["id"] for c in due["cards"]]


def test_suspend_with_one_unknown_id_changes_nothing(added):
    db, cards = added
    result = cli("suspend", cards[0]["id"], "0000000000000000", "--db", db, ok=False)
    assert result.exit_code == 1
    assert result.stderr == (f"studykit: error: no card '0000000000000000' in {db} "
                             "(`studykit cards --search TEXT` lists card ids)\n")
    assert not json.loads(cli("cards", "--db", db, "--json").stdout)[0]["suspended"]


def test_bury_and_restore(added, tmp_path):
    db, cards = added
    target = cards[1]["id"]
    assert "buried until tomorrow" in cli("bury", target, "--db", db).stdout
    due = json.loads(cli("due", "--db", db, "--json").stdout)
    assert target not in [c["id"] for c in due["cards"]]
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: \"A Short Guide to Softmax Temperature\"\n---\n\nShort now.\n",
                    encoding="utf-8")
    report = json.loads(cli("add", str(post), "--db", db, "-q", "--json").stdout)
    assert report["retired"] == len(cards)
    assert cli("restore", target, "--db", db).stdout == f"{target} restored\n"
    assert [c["id"] for c in json.loads(cli("cards", "--db", db, "--json").stdout)] == [target]


def test_readd_keeps_an_edited_card_and_revert_puts_the_generated_text_back(added, tmp_path):
    db, cards = added
    target = cards[0]["id"]
    with open_store(db) as st:  # the review UI's edit
        session.grade(st, target, "good", now=T0_DT)
        st.update_card_text(st.resolve(target), front="My own question?", back="My own answer")
    post = tmp_path / "post.md"
    result = cli("add", str(post), "--db", db, "-q")
    assert ": 0 new, " in result.stdout
    assert "1 card(s) kept the text you edited (`studykit revert CARD_ID`" in result.stdout
    assert json.loads(cli("add", str(post), "--db", db, "-q", "--json").stdout)["edits_kept"] == 1
    listed = cli("cards", "--db", db, "--search", "My own").stdout.splitlines()
    assert len(listed) == 1 and listed[0].startswith(target) and listed[0].endswith("[edited]")
    assert cli("revert", target, "--db", db).stdout == f"{target} reverted to the generated text\n"
    assert cli("revert", target, "--db", db).stdout == f"{target} unchanged\n"
    with open_store(db) as st:
        card = st.card(target)
        assert (card.front, card.back, card.edited_at) == (cards[0]["front"], cards[0]["back"], None)
        assert len(list(st.history(card.rowid))) == 1


# ---- stats, config, rebuild ----------------------------------------------------------------

def test_stats(added):
    db, cards = added
    cli("grade", cards[0]["id"], "good", "--db", db, "--now", T0)
    cli("grade", cards[0]["id"], "good", "--db", db, "--now", "2026-03-02T12:10:00Z")
    data = json.loads(cli("stats", "--db", db, "--json", "--now", "2026-03-03T12:00:00Z").stdout)
    assert data["db"] == db
    assert data["cards"]["total"]["review"] == 1 and data["cards"]["total"]["new"] == len(cards) - 1
    assert data["cards"]["series"]["Standalone"]["active"] == len(cards)
    assert [d["reviews"] for d in data["reviews_per_day"] if d["day"] == "2026-03-02"] == [2]
    assert data["forecast"][1] == {"day": "2026-03-04", "due": 1}
    assert data["retention"]["all_time"] == {"reviews": 0, "passed": 0, "rate": None}
    text = cli("stats", "--db", db, "--now", "2026-03-03T12:00:00Z").stdout
    assert f"Database: {db}" in text and "Standalone" in text
    assert "2026-03-02      2  (again 0, hard 0, good 2, easy 0; 1 new)" in text
    assert "2026-03-04      1" in text


def test_config_lists_reads_sets_and_unsets(db):
    listing = cli("config", "--db", db).stdout
    assert "desired_retention = 0.9" in listing and f"db                = {db}" in listing
    assert "fuzz              = off" in listing and "(default on)" in listing
    key = "desired_retention"
    assert cli("config", key, "0.85", "--db", db).stdout == "desired_retention = 0.85\n"
    assert cli("config", key, "--db", db).stdout == "desired_retention = 0.85\n"
    assert json.loads(cli("config", "--db", db, "--json").stdout)[key] == "0.85"
    assert cli("config", key, "--unset", "--db", db).stdout == "desired_retention = 0.9\n"
    bad = cli("config", "desired_retention", "2", "--db", db, ok=False)
    assert bad.exit_code == 2  # a value out of range is a usage error
    assert bad.stderr == "studykit: error: desired_retention = '2': must be between 0.70 and 0.99\n"
    unknown = cli("config", "colour", "--db", db, ok=False)
    assert unknown.exit_code == 2 and "unknown setting 'colour'" in unknown.stderr


def test_rebuild_replays_the_log(added):
    db, cards = added
    cli("grade", cards[0]["id"], "good", "--db", db, "--now", T0)
    before = json.loads(cli("cards", "--db", db, "--json").stdout)[0]
    out = cli("rebuild", "--db", db).stdout
    assert out == "rebuilt the state of 1 card(s) from the review log\n"
    assert json.loads(cli("cards", "--db", db, "--json").stdout)[0] == before


# ---- where the data is, and errors -----------------------------------------------------------

def test_database_comes_from_db_env_or_the_data_dir(tmp_path):
    home = tmp_path / "home"
    cli("config", "new_per_day", "7", env={"STUDYKIT_HOME": str(home), "STUDYKIT_DB": None})
    assert (home / "studykit.db").exists()
    other = tmp_path / "elsewhere.db"
    cli("config", "new_per_day", "8", env={"STUDYKIT_HOME": str(home), "STUDYKIT_DB": str(other)})
    assert other.exists()
    assert cli("config", "new_per_day", env={"STUDYKIT_HOME": str(home), "STUDYKIT_DB": None}
               ).stdout == "new_per_day = 7\n"
    flag = tmp_path / "flag.db"
    cli("config", "new_per_day", "9", "--db", str(flag), env={"STUDYKIT_DB": str(other)})
    assert cli("config", "new_per_day", "--db", str(flag)).stdout == "new_per_day = 9\n"
    from_env = cli("config", "new_per_day", env={"STUDYKIT_DB": str(other)}).stdout
    assert from_env == "new_per_day = 8\n"


def test_grade_of_an_unknown_id_is_one_line_and_exit_1(db):
    proc = run_console("grade", "feedfacefeedface", "good", "--db", db)
    assert proc.returncode == 1
    assert proc.stderr == (f"studykit: error: no card 'feedfacefeedface' in {db} "
                           "(`studykit cards --search TEXT` lists card ids)\n")
    assert proc.stdout == ""


def test_a_db_that_is_not_sqlite_is_one_line_and_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    proc = run_console("due", "--db", str(path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("studykit: error: ") and "not a studykit database" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert path.read_text() == "not a database\n"


def test_a_newer_database_is_refused_in_one_line(db):
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA user_version = 42")
    raw.close()
    result = cli("due", "--db", db, ok=False)
    assert result.exit_code == 1
    assert "newer studykit" in result.stderr and result.stderr.count("\n") == 1


def test_now_without_a_time_zone_is_a_usage_error(db):
    result = cli("due", "--db", db, "--now", "2026-03-02T12:00:00", ok=False)
    assert result.exit_code == 2 and "no time zone" in result.stderr


def test_grade_of_a_retired_card_says_how_to_restore_it(added, tmp_path):
    db, cards = added
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: \"A Short Guide to Softmax Temperature\"\n---\n\nShort.\n",
                    encoding="utf-8")
    cli("add", str(post), "--db", db, "-q")
    result = cli("grade", cards[0]["id"], "good", "--db", db, ok=False)
    assert result.exit_code == 1
    assert f"`studykit restore {cards[0]['id']}`" in result.stderr
    assert result.stderr.startswith("studykit: error: card ") and result.stderr.count("\n") == 1
