"""Speed of the study store on a large collection.

Usage (from the repo root, with the project's venv):

    .venv/bin/python benchmarks/store.py [--cards 100000] [--reviews 1000000] [--keep DIR]

Builds a store of `--cards` cards (in 1,000 posts) with `--reviews` review-log rows spread
over the past year, in a temporary folder, then prints:

1. the time to build the due queue: `Session(store)`, which reads the settings, counts
   today's grades for the daily limits and runs the queue queries (what a review session
   does before it shows the first card), and `due_summary`, which also counts the cards over
   the limits (what `studykit due` does);
2. the time to grade one card, commit included (`session.grade`: read state, FSRS, append
   to the log, save state, COMMIT with synchronous=FULL);
3. the time to `Store.add` 10,000 new cards (100 posts of 100 cards, one transaction each),
   and to add the same cards again (all unchanged);
4. for reference, one run of `stats.study_stats` (no target).

The database is built in a temporary folder that is deleted at the end, unless `--keep DIR`
names a folder to build it in and keep it.

The build writes the tables directly with `executemany` in one transaction (the schema
comes from `open_store`), because building 1,000,000 log rows grade by grade would take
minutes; only the measured operations go through studykit's API. Each figure is the median
and best of repeated runs (time.perf_counter). It prints figures only; nothing is asserted.
Targets (2-core machine): due queue < 20 ms, one grade < 5 ms, 10,000 cards added < 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studykit import session, stats  # noqa: E402
from studykit.due import due_summary  # noqa: E402
from studykit.models import post_key  # noqa: E402
from studykit.models import Card, Post  # noqa: E402
from studykit.store import open_store  # noqa: E402

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SERIES = ["Time Series Forecasting", "NLP", "Optimization Methods", "Signal Processing",
          "Deep Learning", "Reinforcement Learning", "Probability", "Standalone"]


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def build(path: Path, n_cards: int, n_reviews: int, seed: int = 7) -> None:
    """A realistic collection: most cards reviewed, some learning, some new; a year of logs."""
    rng = random.Random(seed)
    open_store(path).close()  # creates the schema through studykit
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    n_posts = 1000
    per_post = n_cards // n_posts
    stamp = iso(NOW - timedelta(days=365))
    posts = []
    for p in range(n_posts):
        series = SERIES[p % len(SERIES)]
        posts.append((p + 1, f"{series.lower().replace(' ', '-')}/post-{p}", f"Post {p}",
                      f"https://blog.example/{p}/", series, series.lower().replace(" ", "-"),
                      p // len(SERIES) + 1, None, "[]", f"{p:016x}", "", stamp, stamp))
    conn.executemany("INSERT INTO posts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", posts)
    cards, states = [], []
    reviewed = int(n_cards * 0.75)
    for i in range(n_cards):
        post = i // per_post + 1
        series = SERIES[(post - 1) % len(SERIES)]
        tags = json.dumps([f"series::{series.lower().replace(' ', '-')}", f"post::post-{post - 1}",
                           "kind::cloze"])
        cards.append((i + 1, f"{i:016x}", post, i % per_post, "cloze",
                      f"Card {i}: the answer to question {i} is [...].",
                      f"Card {i}: the answer to question {i} is {i * 7}.", None, series, tags,
                      series, f"The answer to question {i} is {i * 7}.", "number", 1.0, None, 0,
                      stamp, stamp, None, None))  # not edited by the user, no generated text kept
        if i < reviewed:
            learning = rng.random() < 0.002  # a few hundred cards in their learning steps
            state = 1 if learning else 2
            last = NOW - timedelta(days=rng.uniform(0, 60))
            # ~7% of the review cards fall due today or are overdue
            due = NOW + (timedelta(minutes=rng.uniform(-30, 30)) if learning else
                         timedelta(days=rng.uniform(-3, 1) if rng.random() < 0.07 else
                                   rng.uniform(1, 120)))
            fsrs = {"card_id": i + 1, "state": state, "step": 1 if learning else None,
                    "stability": rng.uniform(1, 200), "difficulty": rng.uniform(1, 10),
                    "due": due.isoformat(), "last_review": last.isoformat()}
            states.append((i + 1, state, iso(due), json.dumps(fsrs), "6.3.2", 0, None, stamp))
        else:
            states.append((i + 1, 0, None, None, None, 0, None, stamp))
    conn.executemany(f"INSERT INTO cards VALUES ({','.join('?' * len(cards[0]))})", cards)
    conn.executemany("INSERT INTO card_state VALUES (?,?,?,?,?,?,?,?)", states)
    # The log is generated inside SQLite (a recursive CTE): a year of grades that ends
    # yesterday, so today's limits are untouched; ~10% Again, as in real collections.
    start = (NOW - timedelta(days=365)).timestamp()
    step = (364 * 86400) / max(n_reviews, 1)
    conn.execute(
        """WITH RECURSIVE n(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < :count)
        INSERT INTO review_log (id, card, rating, reviewed_at, duration_ms, kind, state_before,
                                due_after, fsrs_version)
        SELECT j, abs(random()) % :reviewed + 1,
               CASE abs(random()) % 10 WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 4 ELSE 3 END,
               strftime('%Y-%m-%dT%H:%M:%f', :start + j * :step, 'unixepoch') || '000+00:00',
               2000 + abs(random()) % 18000,
               CASE j % 7 WHEN 0 THEN 'new' WHEN 1 THEN 'learning' WHEN 2 THEN 'relearning'
                          ELSE 'review' END,
               NULL,
               strftime('%Y-%m-%dT%H:%M:%f', :start + j * :step + 3 * 86400, 'unixepoch')
                   || '000+00:00',
               '6.3.2'
        FROM n""",
        {"count": n_reviews, "reviewed": reviewed, "start": start, "step": step})
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def show(label: str, times: list[float], target: str) -> None:
    ms = [t * 1000 for t in times]
    print(f"{label:<44} median {statistics.median(ms):9.2f} ms   best {min(ms):9.2f} ms   "
          f"({len(ms)} runs; target {target})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, help="Build the database in this folder and keep it.")
    args = ap.parse_args()
    run_in_scratch_folder(args, "studykit-bench-", run)


def run_in_scratch_folder(args: argparse.Namespace, prefix: str, run) -> None:
    """`run(folder, args)` in `args.keep` (kept) or in a temporary folder (removed after)."""
    folder = args.keep or Path(tempfile.mkdtemp(prefix=prefix))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run(folder, args)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def machine_line() -> str:
    return (f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, "
            f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}")


def run(folder: Path, args: argparse.Namespace) -> None:
    path = folder / "bench.db"
    if path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(machine_line())
    t0 = time.perf_counter()
    build(path, args.cards, args.reviews)
    print(f"built {args.cards:,} cards and {args.reviews:,} review-log rows in "
          f"{time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB) at {path}")

    with open_store(path) as store:
        store.set_setting("fuzz", "on")
        summary = due_summary(store)
        print(f"due now: {len(summary.queue.learning)} learning, {len(summary.queue.review)} "
              f"review, {len(summary.queue.new)} new (over the limits: "
              f"{summary.queue.review_over_limit} reviews, {summary.queue.new_over_limit} new)")
        show("due queue: Session(store)", timed(lambda: session.Session(store), 50), "< 20 ms")
        show("due queue + counts: due_summary()", timed(lambda: due_summary(store), 50),
             "-")

        due = [e.rowid for e in due_summary(store).queue.review]
        grades = iter(due * 2)
        ratings = iter(["good", "hard", "again", "easy"] * 100)
        show("grade one card (commit, synchronous=FULL)",
             timed(lambda: session.grade(store, next(grades), next(ratings)), min(150, len(due))),
             "< 5 ms")

        posts, cards = [], []
        for p in range(100):
            post = Post(title=f"New post {p}", url=f"https://blog.example/new/{p}/", body="",
                        series="Benchmarks")
            posts.append(post)
            key = post_key(post)
            for j in range(100):
                cards.append(Card(id=f"{abs(hash((key, j))):016x}"[-16:], kind="qa",
                                  front=f"New post {p}: question {j}?", back=f"answer {j}",
                                  series="Benchmarks", post_title=post.title, post_url=post.url,
                                  tags=["series::benchmarks", f"post::new-post-{p}", "kind::qa"]))
        t0 = time.perf_counter()
        report = store.add(posts, cards)
        elapsed = time.perf_counter() - t0
        print(f"{'add 10,000 new cards (100 posts)':<44} {elapsed * 1000:9.0f} ms"
              f"{'':30}(1 run; target < 3 s; {report.new} new)")
        t0 = time.perf_counter()
        report = store.add(posts, cards)
        print(f"{'re-add the same 10,000 cards':<44} {(time.perf_counter() - t0) * 1000:9.0f} ms"
              f"{'':30}(1 run; {report.unchanged} unchanged)")
        t0 = time.perf_counter()
        stats.study_stats(store)
        print(f"{'stats (for reference)':<44} {(time.perf_counter() - t0) * 1000:9.0f} ms")
        print(f"integrity_check: {store.integrity_check()}")


if __name__ == "__main__":
    main()
