"""Crash safety and concurrent writers, with real processes on a real SQLite file.

A child process runs the library and reports each committed step on stdout ("stored ...",
"graded <id> <log id>"); the parent kills it with SIGKILL at a chosen point, then checks the
file: `PRAGMA integrity_check` is ok, foreign keys hold, every step the child acknowledged
is there, and no post is half-added (a post's cards go in one transaction). Two writers at
once (one adding, one grading) must both finish with nothing lost.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import textwrap
import time

import pytest

from studykit import replay
from studykit.models import Card, Post
from studykit.store import open_store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

PREAMBLE = textwrap.dedent("""
    import sys, time
    from studykit import session
    from studykit.models import Card, Post
    from studykit.store import open_store

    def synthetic(prefix, n_posts, per_post):
        posts = [Post(title=f"{prefix} post {p:04d}", url=f"https://crash.example/{prefix}/{p}/",
                      body="", series="Crash " + prefix) for p in range(n_posts)]
        # model_construct: 50,000 known-good cards without validation (fast to start)
        cards = [Card.model_construct(id=f"{prefix}{p:05x}{i:05x}"[-16:].rjust(16, "0"), kind="qa",
                      front=f"{prefix} {p}: question {i} about something worth knowing?",
                      back=f"answer {i}", series=post.series, post_title=post.title,
                      post_url=post.url, tags=["kind::qa"], cloze=None, deck="",
                      source_sentence="", claim_kind="", score=0.0)
                 for p, post in enumerate(posts) for i in range(per_post)]
        return posts, cards
""")

ADD_CHILD = PREAMBLE + textwrap.dedent("""
    db, prefix, n_posts, per_post = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    posts, cards = synthetic(prefix, n_posts, per_post)
    with open_store(db) as st:
        print("start", time.time(), flush=True)
        st.add(posts, cards, progress=lambda line: print(line, flush=True))
        print("end", time.time(), flush=True)
""")

GRADE_CHILD = PREAMBLE + textwrap.dedent("""
    db, rounds = sys.argv[1], int(sys.argv[2])
    with open_store(db) as st:
        ids = [c.id for c in st.cards(include_retired=True) if c.series == "Crash base"]
        print("start", time.time(), flush=True)
        for n in range(rounds):
            card = ids[n % len(ids)]
            result = session.grade(st, card, ("again", "good", "hard", "easy")[n % 4])
            print("graded", card, result.log_id, flush=True)
        print("end", time.time(), flush=True)
""")


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))


def read_until(proc: subprocess.Popen[str], predicate, timeout: float = 120) -> list[str]:
    """Lines of the child's stdout up to and including the first that satisfies `predicate`."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"child ended early: {proc.stderr.read()}")
        lines.append(line.rstrip("\n"))
        if predicate(lines[-1]):
            return lines
    proc.kill()
    raise AssertionError("child too slow")


def kill(proc: subprocess.Popen[str]) -> list[str]:
    os.kill(proc.pid, signal.SIGKILL)
    # read through the text reader, not `communicate` (which reads the raw pipe): a line that
    # `readline` already buffered ahead would be lost, and its grade counted as never acknowledged
    with proc.stdout, proc.stderr:
        rest = proc.stdout.read()
        proc.stderr.read()
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return rest.splitlines()


def check_file(path) -> sqlite3.Connection:
    """The raw file after a crash: intact, foreign keys hold. (Opened without studykit first.)"""
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    return raw


def seed(path, n_cards: int = 20) -> list[str]:
    with open_store(path) as st:
        st.set_setting("fuzz", "off")
        post = Post(title="Base post", url="https://crash.example/base/", body="",
                    series="Crash base")
        cards = [Card(id=f"ba5e{i:012x}", kind="qa", front=f"Base question {i}?", back=f"{i}",
                      series=post.series, post_title=post.title, post_url=post.url)
                 for i in range(n_cards)]
        st.add([post], cards)
        return [c.id for c in cards]


def test_sigkill_in_the_middle_of_add_leaves_whole_posts_only(tmp_path):
    db = tmp_path / "study.db"
    seed(db)
    n_posts, per_post = 250, 200  # 50,000 cards per run, one transaction per post (~15 ms)
    # Kill at several points through a post's transaction, measured from the child's pace.
    for round_no, (prefix, fraction) in enumerate(zip("abcd", (0.2, 0.45, 0.7, 0.95),
                                                      strict=True)):
        child = spawn(ADD_CHILD, db, prefix, n_posts, per_post)
        stamps: list[float] = []

        def enough(line: str, target: int = 4 + 2 * round_no, stamps=stamps) -> bool:
            if line.startswith("stored"):
                stamps.append(time.perf_counter())
            return len(stamps) >= target

        lines = read_until(child, enough)
        pace = statistics.median(b - a for a, b in zip(stamps[1:], stamps[2:], strict=False))
        time.sleep(pace * fraction)
        lines += kill(child)
        acknowledged = sum(line.startswith("stored") for line in lines)
        assert "end" not in " ".join(lines), "the child finished before it was killed"

        raw = check_file(db)
        per_post_counts = raw.execute(
            "SELECT p.title, count(c.id), count(s.card) FROM posts p "
            "LEFT JOIN cards c ON c.post = p.id LEFT JOIN card_state s ON s.card = c.id "
            "WHERE p.series = ? GROUP BY p.id", (f"Crash {prefix}",)).fetchall()
        raw.close()
        stored = len(per_post_counts)
        assert acknowledged <= stored < n_posts
        assert all(n == per_post and m == per_post for _, n, m in per_post_counts), \
            f"half-added post(s): {[row for row in per_post_counts if row[1] != per_post]}"
    # The store opens normally and a new add finishes the job, keeping what was there.
    def per_series() -> dict[str, int]:
        with open_store(db) as st:
            assert st.integrity_check() == "ok"
            return dict(st._conn.execute("SELECT series, count(*) FROM cards GROUP BY series"))

    before = per_series()
    done = before["Crash a"] // per_post  # posts are added in title order: the first `done`
    finisher = spawn(ADD_CHILD, db, "a", done + 3, per_post)
    out, err = finisher.communicate(timeout=300)
    assert finisher.returncode == 0, err
    assert f"stored a post {done - 1:04d}: 0 new, 0 updated, 0 retired" in out
    assert per_series() == {**before, "Crash a": (done + 3) * per_post}


def test_sigkill_right_after_a_grade_keeps_every_acknowledged_grade(tmp_path):
    db = tmp_path / "study.db"
    seed(db)
    child = spawn(GRADE_CHILD, db, 100_000)
    lines = read_until(child, lambda line: line.startswith("graded")
                       and int(line.split()[2]) >= 60)
    lines += kill(child)  # right after the 60th acknowledged grade, mid-way through the next
    acked = [(line.split()[1], int(line.split()[2])) for line in lines if line.startswith("graded")]
    assert len(acked) >= 60

    raw = check_file(db)
    logged = dict(raw.execute("SELECT id, card FROM review_log").fetchall())
    raw.close()
    with open_store(db) as st:
        assert all(log_id in logged and logged[log_id] == st.resolve(card)
                   for card, log_id in acked)
        assert len(logged) in (len(acked), len(acked) + 1)  # + one committed, not yet printed
        # Each card's saved state is the one its last logged grade produced.
        for card_id in {card for card, _ in acked}:
            card = st.card(card_id)
            history = list(st.history(card.rowid))
            assert card.fsrs["last_review"] is not None
            assert replay.rebuild_state(st, card.rowid, save=False) == card.fsrs
            assert card.due == history[-1][3]


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    db = tmp_path / "study.db"
    seed(db)
    n_posts, per_post, rounds = 400, 60, 400  # the adder must outlast the grader's start-up
    adder = spawn(ADD_CHILD, db, "b", n_posts, per_post)
    first = read_until(adder, lambda line: line.startswith("stored"))  # it is writing now
    grader = spawn(GRADE_CHILD, db, rounds)
    add_out, add_err = adder.communicate(timeout=300)
    grade_out, grade_err = grader.communicate(timeout=300)
    assert adder.returncode == 0, add_err
    assert grader.returncode == 0, grade_err

    def mark(out: str, name: str) -> float:
        return next(float(line.split()[1]) for line in out.splitlines()
                    if line.split()[0] == name)

    assert mark(grade_out, "start") < mark(add_out, "end"), \
        "the adder was done before the grader began; make its work bigger"
    add_out = "\n".join(first) + "\n" + add_out
    assert sum(line.startswith("stored") for line in add_out.splitlines()) == n_posts
    acked = [line for line in grade_out.splitlines() if line.startswith("graded")]
    assert len(acked) == rounds
    raw = check_file(db)
    assert raw.execute("SELECT count(*) FROM review_log").fetchone()[0] == rounds
    assert raw.execute("SELECT count(*) FROM cards").fetchone()[0] == 20 + n_posts * per_post
    assert raw.execute("SELECT count(*) FROM card_state").fetchone()[0] == 20 + n_posts * per_post
    raw.close()
    with open_store(db) as st:  # 400 grades over 20 cards: each card's state fits its log
        assert replay.rebuild_states(st) == 20


def test_two_processes_grading_the_same_card_keep_both_grades(tmp_path):
    db = tmp_path / "study.db"
    seed(db, n_cards=1)
    graders = [spawn(GRADE_CHILD, db, 150) for _ in range(2)]
    outs = [g.communicate(timeout=300) for g in graders]
    assert all(g.returncode == 0 for g in graders), [err for _, err in outs]
    with open_store(db) as st:
        assert st.totals()["reviews"] == 300
        card = st.card("ba5e000000000000")
        history = list(st.history(card.rowid))
        assert len(history) == 300
        assert replay.rebuild_state(st, card.rowid, save=False) == card.fsrs
