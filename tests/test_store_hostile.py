"""A damaged study database, and values that would break the store later, end to end.

Through the real CLI (click's CliRunner on `studykit.cli.main`; the console entry point in
a subprocess where stderr must show no traceback) on real SQLite files in tmp_path: a store
made by `add` from the sample post, then damaged by overwriting pages after the first (the
SQLite header kept). Every failure is checked for its exit code, a one-line message that
names the file or value, no traceback, and a store left as it was: the damaged file byte
for byte, a healthy one with the same review-log rows (issue #14, parts 6 and 7).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from studykit.cli import main
from studykit.store import StoreDamaged, open_store
from studykit.tui.app import StudykitApp

try:
    from tests.conftest import DATA, Clock, one_error_line
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA, Clock, one_error_line

SOFTMAX = DATA / "posts" / "standalone" / "softmax-temperature.md"
T0 = "2026-03-02T12:00:00+00:00"
T1 = "2026-03-02T12:10:00+00:00"


def cli(*args: str, env: dict | None = None, code: int = 0):
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def run_console(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from studykit.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def review_rows(db: str | Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT * FROM review_log ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def added(tmp_path) -> tuple[str, list[str]]:
    """The softmax sample post added to a fresh store and two of its cards graded; returns
    (db, card ids)."""
    db = str(tmp_path / "study.db")
    cli("config", "fuzz", "off", "--db", db)
    post = tmp_path / "post.md"
    post.write_text(SOFTMAX.read_text(encoding="utf-8"), encoding="utf-8")
    cli("add", str(post), "--db", db, "-q")
    ids = [c["id"] for c in json.loads(cli("cards", "--db", db, "--json").stdout)]
    cli("grade", ids[0], "good", "--db", db, "--now", T0)
    cli("grade", ids[1], "again", "--db", db, "--now", T0, "--duration", "4200")
    assert len(review_rows(db)) == 2
    return db, ids


# ---- part 6: a damaged store is refused and left untouched ---------------------------------

def page_size(db: Path) -> int:
    size = int.from_bytes(db.read_bytes()[16:18], "big")
    return 65536 if size == 1 else size


def wreck_pages(db: Path) -> bytes:
    """Overwrite every page after the first (header and schema kept) with garbage."""
    data = bytearray(db.read_bytes())
    size = page_size(db)
    assert not Path(f"{db}-wal").exists() and len(data) >= 4 * size  # all in the main file
    rng = random.Random(14)
    data[size:] = bytes(rng.randrange(256) for _ in range(len(data) - size))
    db.write_bytes(bytes(data))
    return bytes(data)


def wreck_index(db: Path, name: str) -> bytes:
    """Overwrite the root page of one index with garbage: reads that skip it still work."""
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    conn.close()
    size = page_size(db)
    data = bytearray(db.read_bytes())
    data[(root - 1) * size:root * size] = b"\xde\xad\xbe\xef" * (size // 4)
    db.write_bytes(bytes(data))
    return bytes(data)


@pytest.fixture
def wrecked(added) -> tuple[Path, list[str], bytes]:
    db, ids = added
    path = Path(db)
    return path, ids, wreck_pages(path)


def assert_refused_damaged(result, db: Path, before: bytes) -> str:
    assert result.exit_code == 1, (result.output, result.exception)
    assert "Traceback" not in result.output
    line = one_error_line(result.stderr, str(db), "is damaged", "left untouched", "move it aside")
    assert db.read_bytes() == before
    return line


@pytest.mark.parametrize("args", [
    ["cards"], ["stats"], ["due"], ["grade", "CARD", "good"], ["config", "new_per_day", "5"],
    ["suspend", "CARD"], ["bury", "CARD"], ["rebuild"],
], ids=lambda a: a[0] + ("-set" if a[0] == "config" else ""))
def test_a_damaged_store_is_refused_by_every_command(wrecked, args):
    db, ids, before = wrecked
    args = [ids[0] if a == "CARD" else a for a in args]
    result = CliRunner().invoke(main, [*args, "--db", str(db)])
    line = assert_refused_damaged(result, db, before)
    assert "no backup" in line and ".recover" in line  # this store was never migrated


def test_add_writes_nothing_into_a_damaged_store(wrecked, tmp_path):
    db, _, before = wrecked
    result = CliRunner().invoke(main, ["add", str(tmp_path / "post.md"), "--db", str(db), "-q"])
    assert_refused_damaged(result, db, before)


def test_damage_that_reads_do_not_meet_is_found_before_the_first_write(added):
    db, ids = Path(added[0]), added[1]
    before = wreck_index(db, "posts_series")  # no read of `cards` or `grade` uses it
    assert len(json.loads(cli("cards", "--db", str(db), "--json").stdout)) == len(ids)
    assert db.read_bytes() == before
    for args in (["grade", ids[2], "good", "--now", T1], ["suspend", ids[2]],
                 ["config", "fuzz", "on"]):
        result = CliRunner().invoke(main, [*args, "--db", str(db)])
        line = assert_refused_damaged(result, db, before)
        assert "Page " in line  # PRAGMA quick_check found it, not a failed write


def test_the_message_names_the_backup_to_restore(wrecked):
    db, _, before = wrecked
    backup = db.with_name(db.name + ".bak-1")
    backup.write_bytes(b"an older copy")
    result = CliRunner().invoke(main, ["stats", "--db", str(db)])
    line = assert_refused_damaged(result, db, before)
    assert f"copy {backup} to {db}" in line


def test_no_traceback_from_the_console_on_a_damaged_store(wrecked):
    db, ids, before = wrecked
    for args in (["grade", ids[0], "good"], ["cards"], ["stats"]):
        proc = run_console(*args, "--db", str(db))
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        one_error_line(proc.stderr, str(db), "is damaged")
        assert db.read_bytes() == before


def test_the_review_command_refuses_a_damaged_store(wrecked):
    db, _, before = wrecked
    # --exit-after-first-card: the app runs headless on a pipe and starts a session at once.
    proc = run_console("review", "--db", str(db), "--exit-after-first-card")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    one_error_line(proc.stderr, str(db), "is damaged")
    assert db.read_bytes() == before


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_review_app_ends_with_an_error_when_its_check_finds_damage(added):
    db = Path(added[0])
    before = wreck_index(db, "posts_series")  # the decks list reads fine: the check finds it
    app = StudykitApp(db, clock=Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause()
            if app.failure is not None:
                break
    assert isinstance(app.failure, StoreDamaged) and str(db) in str(app.failure)
    assert "Page " in str(app.failure)  # PRAGMA quick_check's report, not a failed read
    assert app.return_code == 1
    assert db.read_bytes() == before


# ---- part 7: values that would break the store later are refused --------------------------

@pytest.mark.parametrize("key, value, message", [
    ("learning_steps", "999999999d", "each step must be at most 365d"),
    ("learning_steps", "1m 99999999999d", "each step must be at most 365d"),
    ("learning_steps", "0.5s", "whole number of seconds"),
    ("learning_steps", " ".join(["1m"] * 11), "at most 10 steps"),
    ("relearning_steps", "366d", "each step must be at most 365d"),
    ("maximum_interval", "36501", "between 1 and 36500"),
    ("new_per_day", "9" * 5000, "a whole number between 0 and 100000"),
    ("reviews_per_day", "1000001", "between 0 and 1000000"),
    ("desired_retention", "nan", "between 0.70 and 0.99"),
    ("timezone", "x" * 5000, "unknown time zone"),
], ids=lambda v: v[:24])
def test_out_of_range_settings_are_refused_and_not_stored(added, key, value, message):
    db, ids = added
    settings = cli("config", "--db", db, "--json").stdout
    rows = review_rows(db)
    result = cli("config", key, value, "--db", db, code=2)
    line = one_error_line(result.stderr, key, message)
    assert len(line) < 250  # a hostile value is cut, not echoed whole
    assert cli("config", "--db", db, "--json").stdout == settings
    assert review_rows(db) == rows
    cli("grade", ids[2], "good", "--db", db, "--now", T1)  # grading still works


def test_a_stored_setting_out_of_range_names_the_fix(added):
    db, ids = added
    # As an older studykit could have stored it.
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('learning_steps', '999999999d')")
    conn.close()
    rows = review_rows(db)
    result = cli("grade", ids[2], "good", "--db", db, "--now", T1, code=1)
    one_error_line(result.stderr, db, "learning_steps", "config --unset learning_steps")
    assert review_rows(db) == rows
    cli("config", "--unset", "learning_steps", "--db", db)
    cli("grade", ids[2], "good", "--db", db, "--now", T1)
    assert len(review_rows(db)) == len(rows) + 1


@pytest.mark.parametrize("now", [
    "0001-01-01T00:00:00+00:00", "1969-12-31T23:59:59Z", "9000-01-01T00:00:00Z",
    "9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+10:00",
])
def test_now_out_of_range_is_a_usage_error(added, now):
    db, ids = added
    rows = review_rows(db)
    for args in (["grade", ids[2], "good"], ["due"], ["stats"]):
        result = cli(*args, "--db", db, "--now", now, code=2)
        assert "--now" in result.stderr and "out of range" in result.stderr
        assert now in result.stderr
    assert review_rows(db) == rows
    cli("stats", "--db", db)


@pytest.mark.parametrize("duration", ["99999999999999999999999", "86400001", "-1"])
def test_duration_out_of_range_is_a_usage_error(added, duration):
    db, ids = added
    rows = review_rows(db)
    result = cli("grade", ids[2], "good", "--db", db, "--now", T1, "--duration", duration, code=2)
    assert "--duration" in result.stderr and "0<=x<=86400000" in result.stderr
    assert review_rows(db) == rows
    cli("grade", ids[2], "good", "--db", db, "--now", T1, "--duration", "86400000")
    assert review_rows(db)[-1][4] == 86_400_000


def test_no_traceback_from_the_console_for_values_out_of_range(added):
    db, ids = added
    rows = review_rows(db)
    proc = run_console("grade", ids[2], "good", "--db", db, "--now", "9999-12-31T23:59:59-10:00")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "--now" in proc.stderr
    proc = run_console("config", "learning_steps", "1m 99999999999d", "--db", db)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    one_error_line(proc.stderr, "learning_steps", "at most 365d")
    assert review_rows(db) == rows


def test_a_card_left_on_screen_for_days_logs_a_day(added):
    from datetime import timedelta

    from studykit.session import Session
    from studykit.store import CardFilter

    db, _ = added
    clock = Clock()
    with open_store(db) as store:
        session = Session(store, where=CardFilter(), clock=clock)
        assert session.current is not None
        clock.advance(days=3)
        session.grade("good")
    assert review_rows(db)[-1][4] == timedelta(days=1).total_seconds() * 1000


HOSTILE_POST = """---
title: Hostile Front Matter
date: {date}
series: Hostile Series
series_order: {order}
---

"""


@pytest.mark.parametrize("date, order", [
    ("9999-12-31T23:59:59-10:00", "99999999999999999999999"),
    ("'9999-12-31T23:59:59-10:00'", "-3"),
    ("0001-01-01T00:00:00+10:00", "1" * 4000),
    ("0999-12-31", "100000"),
], ids=lambda v: v[:24])
def test_out_of_range_front_matter_is_no_date_and_no_part(added, tmp_path, date, order):
    db, _ = added
    rows = review_rows(db)
    body = SOFTMAX.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    post = tmp_path / "hostile.md"
    post.write_text(HOSTILE_POST.format(date=date, order=order) + body, encoding="utf-8")
    report = json.loads(cli("add", str(post), "--db", db, "-q", "--json").stdout)
    assert report["posts_new"] == 1 and report["new"] > 0
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT published, part FROM posts WHERE series = 'Hostile Series'")
    assert row.fetchall() == [(None, None)]
    conn.close()
    assert review_rows(db) == rows
    cli("stats", "--db", db)


@pytest.mark.parametrize("since", [
    "9999-12-31T23:59:59-10:00", '"9999-12-31T23:59:59-10:00"', "0999-12-31", "9000-01-01",
])
def test_a_deck_spec_since_out_of_range_is_a_usage_error(tmp_path, since):
    spec = tmp_path / "deck.toml"
    spec.write_text(f'sources = ["{SOFTMAX}"]\n[filters]\nsince = {since}\n'
                    '[outputs]\njsonl = "out.jsonl"\n', encoding="utf-8")
    result = cli("build", str(spec), code=2)
    one_error_line(result.stderr, str(spec), "filters.since", "1000-01-01", "9000-01-01")
    assert not (tmp_path / "out.jsonl").exists()


def test_studykit_home_naming_a_file_is_one_line(tmp_path):
    home = tmp_path / "home-file"
    home.write_text("not a folder")
    env = {"STUDYKIT_HOME": str(home), "STUDYKIT_DB": None}
    for args in (["cards"], ["config", "fuzz", "off"], ["stats"]):
        result = cli(*args, env=env, code=1)
        one_error_line(result.stderr, f"STUDYKIT_HOME={home}", "is a file, not a folder")
    proc = run_console("due", env={"STUDYKIT_HOME": str(home)})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    one_error_line(proc.stderr, "is a file, not a folder")
    assert home.read_text() == "not a folder"
    # A database path under a file says which file is in the way.
    result = cli("cards", "--db", str(home / "study.db"), code=1)
    one_error_line(result.stderr, str(home), "is a file, not a folder")
