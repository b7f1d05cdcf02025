"""SIGKILL during `studykit build` and during a review in the TUI, with real processes.

Same method as test_crash_safety.py: a child process does the work and reports each step on
its output; the parent kills it with SIGKILL at a chosen point and then checks the files:
the study database and the build cache pass `PRAGMA integrity_check`, every grade the TUI
acknowledged is in the review log, outputs are either absent or whole, and the next run
finishes the job.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from studykit.store import open_store
from tests.test_crash_safety import check_file, seed

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

BUILD_CHILD = textwrap.dedent("""
    import sys
    from studykit.cli import main
    sys.argv = ["studykit", "build", *sys.argv[1:]]
    main()
""")

REVIEW_CHILD = textwrap.dedent("""
    import asyncio, sqlite3, sys
    from studykit.tui.app import StudykitApp

    db, rounds = sys.argv[1], int(sys.argv[2])

    def logged():
        con = sqlite3.connect(db)
        try:
            return con.execute("SELECT r.id, c.card_id FROM review_log r JOIN cards c ON c.id = r.card "
                               "ORDER BY r.id DESC LIMIT 1").fetchone()
        finally:
            con.close()

    async def main():
        app = StudykitApp(db)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(20):
                await pilot.pause()
            await pilot.press("enter")  # "All series"
            for _ in range(20):
                await pilot.pause()
            print("start", flush=True)
            last = None
            for n in range(rounds):
                await pilot.press("space")
                await pilot.pause()
                await pilot.press("3" if n % 2 else "1")
                for _ in range(200):
                    await pilot.pause()
                    row = logged()
                    if row and row != last:
                        break
                else:
                    print("stuck", flush=True)
                    return
                last = row
                print("graded", row[1], row[0], flush=True)
            print("end", flush=True)

    asyncio.run(main())
""")


def spawn(code: str, *args: str, cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ), cwd=cwd)


def kill_when(proc: subprocess.Popen[str], stream, predicate, timeout: float = 240) -> list[str]:
    """Read `stream` until a line satisfies `predicate`, then SIGKILL the child."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            proc.wait(timeout=30)
            raise AssertionError(f"child ended before the kill point: {lines[-20:]}")
        lines.append(line.rstrip("\n"))
        if predicate(lines[-1]):
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            return lines
    proc.kill()
    raise AssertionError("child too slow")


def write_blog(folder: Path, n_posts: int) -> None:
    folder.mkdir()
    for i in range(n_posts):
        (folder / f"post-{i:03d}.md").write_text(textwrap.dedent(f"""\
            ---
            title: "Crash post {i:03d}"
            series: "Crash series"
            ---
            # Crash post {i:03d}

            Gradient descent is an optimisation method that moves the parameters against the
            gradient of the loss. The learning rate {i} controls the size of each step. Adam was
            introduced by Kingma and Ba in 2014. Momentum accumulates past gradients, so the update
            keeps its direction when the gradient is noisy. A larger batch gives a less noisy
            estimate of the gradient than a smaller batch.
            """))


def check_outputs(out: Path) -> None:
    """Whatever output exists is whole: no half-written JSONL line, a readable .apkg."""
    jsonl = out / "crash.jsonl"
    if jsonl.exists():
        for line in jsonl.read_text().splitlines():
            json.loads(line)
    apkg = out / "crash.apkg"
    if apkg.exists():
        with zipfile.ZipFile(apkg) as package:
            assert package.testzip() is None


@pytest.mark.parametrize("kill_at", ["extracted 3/", "stored Crash post 010"])
def test_sigkill_during_build_leaves_consistent_files_and_the_next_build_finishes(tmp_path, kill_at):
    write_blog(tmp_path / "posts", 40)
    spec = tmp_path / "crash.toml"
    spec.write_text('sources = ["posts/"]\n[outputs]\njsonl = "out/crash.jsonl"\n'
                    'anki = "out/crash.apkg"\nstore = true\n')
    db = tmp_path / "study.db"
    child = spawn(BUILD_CHILD, str(spec), "--db", str(db), "-j", "1", cwd=tmp_path)
    lines = kill_when(child, child.stderr, lambda line: line.startswith(kill_at))
    assert not any(line.startswith("wrote") for line in lines)

    per_post = "SELECT p.title, count(c.id) FROM posts p LEFT JOIN cards c ON c.post = p.id GROUP BY p.id"
    before = {}
    if db.exists():
        raw = check_file(db)
        before = dict(raw.execute(per_post).fetchall())
        raw.close()
    if kill_at.startswith("stored"):
        assert len(before) >= 11
    home = Path(os.environ["STUDYKIT_HOME"])
    for cache in home.rglob("*.sqlite"):
        raw = sqlite3.connect(cache)
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        raw.close()
    check_outputs(tmp_path / "out")

    again = subprocess.run([sys.executable, "-c", BUILD_CHILD, str(spec), "--db", str(db), "-j", "1"],
                           capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    check_outputs(tmp_path / "out")
    written = [json.loads(line)["id"] for line in (tmp_path / "out" / "crash.jsonl").read_text().splitlines()]
    with open_store(db) as st:
        assert st.integrity_check() == "ok"
        stored = {c.id for c in st.cards()}
        posts = st._conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        after = dict(st._conn.execute(per_post).fetchall())
    assert posts == 40 and set(written) == stored
    # whole posts only: a post stored before the kill had all the cards it has now
    assert all(after[title] == n for title, n in before.items())


def test_sigkill_during_a_tui_review_keeps_every_acknowledged_grade(tmp_path):
    db = tmp_path / "study.db"
    seed(db)
    child = spawn(REVIEW_CHILD, db, 1000)
    # right after the 8th acknowledged grade (log ids start at 1), mid-way through the next
    lines = kill_when(child, child.stdout,
                      lambda line: line.startswith("graded") and int(line.split()[2]) >= 8, timeout=180)
    acked = [(line.split()[1], int(line.split()[2])) for line in lines if line.startswith("graded")]
    assert len(acked) >= 8 and "end" not in lines and "stuck" not in lines

    raw = check_file(db)
    logged = dict(raw.execute("SELECT r.id, c.card_id FROM review_log r JOIN cards c ON c.id = r.card"))
    raw.close()
    assert all(logged.get(log_id) == card for card, log_id in acked)
    assert len(logged) in (len(acked), len(acked) + 1)  # + a grade committed but not yet printed
    with open_store(db) as st:
        assert st.integrity_check() == "ok"
