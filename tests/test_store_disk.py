"""A store that cannot be written, through the console CLI in a subprocess (issue #14): a
read-only database file or folder, and a full disk. Each is told in one line of its own
(no traceback, exit code 1) and the store keeps every grade it had.

Read-only is real file permissions (`chmod`); root ignores them, so as root the command
runs under `unshare --user` (a user namespace without capabilities over these files), and
the test is skipped where that is not possible. A full disk is a real, tiny tmpfs mounted
in a user and mount namespace of the command's own (`unshare --user --map-root-user
--mount`: no root, nothing mounted outside it); skipped where namespaces are not allowed.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from studykit.cli import main

try:
    from tests.conftest import DATA, one_error_line
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA, one_error_line

SOFTMAX = DATA / "posts" / "standalone" / "softmax-temperature.md"
T0 = "2026-03-02T12:00:00+00:00"
T1 = "2026-03-02T12:10:00+00:00"
CONSOLE = [sys.executable, "-c", "from studykit.cli import run; run()"]


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def review_rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT * FROM review_log ORDER BY id").fetchall()
    finally:
        conn.close()


def works(command: list[str]) -> bool:
    if shutil.which(command[0]) is None:
        return False
    return subprocess.run([*command, "true"], capture_output=True).returncode == 0


@pytest.fixture
def store(tmp_path) -> tuple[Path, str]:
    """A store in a folder of its own with the sample post added and one card graded;
    returns (db, the id of another card)."""
    folder = tmp_path / "home"
    db = folder / "study.db"
    cli("config", "fuzz", "off", "--db", str(db))
    cli("add", str(SOFTMAX), "--db", str(db), "-q")
    ids = [c["id"] for c in json.loads(cli("cards", "--db", str(db), "--json"))]
    cli("grade", ids[0], "good", "--db", str(db), "--now", T0)
    assert len(review_rows(db)) == 1
    return db, ids[1]


# ---- read-only --------------------------------------------------------------------------

def without_root() -> list[str]:
    """The prefix that runs a command without root's power over file permissions."""
    if os.geteuid() != 0:
        return []
    if not works(["unshare", "--user"]):
        pytest.skip("running as root, which ignores file permissions, and no user namespace")
    return ["unshare", "--user"]


GRADE = ["grade", "CARD", "good", "--now", T1]


@pytest.mark.parametrize(("what", "args"), [
    ("file", GRADE), ("folder", GRADE), ("file", ["config", "fuzz", "on"]),
    ("folder", ["add", str(SOFTMAX)]),
], ids=lambda v: v if isinstance(v, str) else v[0])
def test_a_read_only_store_is_named_and_nothing_is_lost(store, what, args):
    db, card = store
    prefix = without_root()
    before, rows = db.read_bytes(), review_rows(db)
    place = db if what == "file" else db.parent
    mode = place.stat().st_mode
    place.chmod(0o444 if what == "file" else 0o555)
    try:
        args = [card if a == "CARD" else a for a in args]
        done = subprocess.run([*prefix, *CONSOLE, *args, "--db", str(db)], capture_output=True,
                              text=True, timeout=120)
    finally:
        place.chmod(mode)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    one_error_line(done.stderr, f"{place} is read-only", "nothing was changed",
                   "Check its permissions", "STUDYKIT_HOME")
    assert db.read_bytes() == before and review_rows(db) == rows


def test_a_store_that_can_only_be_read_still_lists_its_cards(store):
    db, _ = store
    prefix = without_root()
    db.chmod(0o444)
    try:
        done = subprocess.run([*prefix, *CONSOLE, "cards", "--db", str(db)],
                              capture_output=True, text=True, timeout=120)
    finally:
        db.chmod(0o644)
    assert done.returncode == 0, done.stderr
    assert "9 card(s)" in done.stderr and "learning" in done.stdout


def test_a_new_store_in_a_read_only_folder_is_named(tmp_path):
    prefix = without_root()
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        for db in (folder / "study.db", folder / "sub" / "study.db"):
            done = subprocess.run([*prefix, *CONSOLE, "config", "fuzz", "off", "--db", str(db)],
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 1, done.stderr
            one_error_line(done.stderr, f"{folder} is read-only", "STUDYKIT_HOME")
    finally:
        folder.chmod(0o755)
    assert list(folder.iterdir()) == []


# ---- a full disk ------------------------------------------------------------------------

NAMESPACE = ["unshare", "--user", "--map-root-user", "--mount"]
SHM_BYTES = 32768  # the -shm file SQLite makes beside a WAL database when it opens it


def on_a_full_disk(db: Path, out: Path, args: list[str], leave: int) -> subprocess.CompletedProcess[str]:
    """Run the CLI on a copy of `db` on a 256 KiB tmpfs filled up to `leave` bytes (beyond
    room for the -shm file), then copy the store's files to `out`."""
    if not works([*NAMESPACE, "--"]):
        pytest.skip("no user and mount namespaces here for a tiny filesystem")
    disk = db.parent / "disk"
    disk.mkdir()
    out.mkdir()
    q = shlex.quote
    console = " ".join(q(a) for a in [*CONSOLE, *args, "--db", str(disk / db.name)])
    script = (f"mount -t tmpfs -o size=256k tmpfs {q(str(disk))} || exit 99\n"
              f"cp {q(str(db))} {q(str(disk))}/\n"
              f"free=$(df -B1 --output=avail {q(str(disk))} | tail -1)\n"
              f"head -c $((free - {SHM_BYTES + leave})) /dev/zero > {q(str(disk))}/filler\n"
              f"{console}\ncode=$?\n"
              f"cp {q(str(disk))}/{q(db.name)}* {q(str(out))}/\nexit $code\n")
    done = subprocess.run([*NAMESPACE, "sh", "-c", script], capture_output=True, text=True,
                          timeout=120)
    if done.returncode == 99:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    return done


@pytest.mark.parametrize("leave", [0, 8192])
@pytest.mark.parametrize("args", [GRADE, ["add", "POST", "-q"]], ids=lambda a: a[0])
def test_a_full_disk_is_named_and_nothing_is_lost(store, tmp_path, args, leave):
    db, card = store
    post = tmp_path / "gradient-descent.md"
    shutil.copy(DATA / "posts" / "optimization-methods" / "01-gradient-descent.md", post)
    rows = review_rows(db)
    args = [card if a == "CARD" else str(post) if a == "POST" else a for a in args]
    done = on_a_full_disk(db, tmp_path / "out", args, leave)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    one_error_line(done.stderr, "study.db: the disk is full", "database or disk is full",
                   "the last change was not saved", "nothing else was lost", "free some space")
    copy = tmp_path / "out" / "study.db"
    assert review_rows(copy) == rows
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT count(DISTINCT post) FROM cards").fetchone()[0] == 1
    finally:
        conn.close()


def test_a_disk_too_full_to_open_the_store_is_named(store, tmp_path):
    db, _ = store
    done = on_a_full_disk(db, tmp_path / "out", ["cards"], -SHM_BYTES)
    assert done.returncode == 1, done.stderr
    one_error_line(done.stderr, "study.db: the disk is full", "free some space")
    assert review_rows(tmp_path / "out" / "study.db") == review_rows(db)
