"""Time from `studykit review` start to the first card shown, on a store of 100,000 cards.

Usage (from the repo root, with the project's venv):

    .venv/bin/python benchmarks/review_startup.py [--cards 100000] [--reviews 1000000]
                                                  [--repeat 5] [--keep DIR]

Builds the store the way `benchmarks/store.py` does (its `build`: tables written directly,
`--cards` cards in 1,000 posts, `--reviews` review-log rows over the past year, ~7% of the
review cards due), then prints:

1. in this process, headless (`app.run_test()`, 80x24): from creating `StudykitApp` (store
   opened, a session of all series started at once, as `studykit review --series S` does) to
   the first card drawn on screen (the refresh after the card widget was updated);
2. the same path by hand: the decks list shown with its counts (one grouped query over all
   cards, in a worker), then Enter on "All series" to the first card drawn;
3. in a fresh process, the real command `studykit review --db FILE --exit-after-first-card`
   (a hidden option: start a session at once, exit when the first card is drawn): once on a
   pseudo-terminal (the real terminal driver, 80x24) and once on a pipe (headless). The
   child reports the time from just before it was started (this script passes its clock in
   `STUDYKIT_BENCH_T0`) to the first card drawn, interpreter start and imports included;
4. for reference, the import time of `studykit.tui.app` (Textual included) in a fresh
   interpreter, beyond a bare `python -c pass`.

Each figure is the median and best of `--repeat` runs. Target: first card < 1 s. Prints
figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import importlib.util
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from studykit.store import CardFilter  # noqa: E402
from studykit.tui.app import StudykitApp  # noqa: E402
from studykit.tui.home import HomeScreen  # noqa: E402

FIRST_CARD = re.compile(r"first card shown (\d+) ms")


def load_store_bench():
    """benchmarks/store.py (a script, so loaded from its file): its database builder and
    scratch-folder helpers."""
    spec = importlib.util.spec_from_file_location("bench_store", HERE / "store.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def show(label: str, ms: list[float], target: str = "-") -> None:
    print(f"{label:<58} median {statistics.median(ms):7.0f} ms   best {min(ms):7.0f} ms   "
          f"({len(ms)} runs; target {target})")


async def _wait(pilot, done, timeout: float = 30.0) -> None:
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(0.005)


async def direct(path: Path) -> float:
    """App created -> first card drawn, a session of all series started at once."""
    t0 = time.perf_counter()
    app = StudykitApp(path, start=CardFilter())
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: app.first_card_at is not None)
        return (app.first_card_at - t0) * 1000  # type: ignore[operator]


async def by_hand(path: Path) -> tuple[float, float]:
    """(app created -> decks counted and shown, Enter -> first card drawn)."""
    t0 = time.perf_counter()
    app = StudykitApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.data)
        await pilot.pause()
        home = (time.perf_counter() - t0) * 1000
        t1 = time.perf_counter()
        await pilot.press("enter")
        await _wait(pilot, lambda: app.first_card_at is not None)
        return home, (app.first_card_at - t1) * 1000  # type: ignore[operator]


def command() -> list[str]:
    script = Path(sys.executable).with_name("studykit")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from studykit.cli import run; run()"]


def in_terminal(path: Path) -> tuple[float, float]:
    """(reported ms to the first card, ms until the process ended) on a pseudo-terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "STUDYKIT_BENCH_T0": repr(time.time())}
    t0 = time.perf_counter()
    proc = subprocess.Popen([*command(), "review", "--db", str(path), "--exit-after-first-card"],
                            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    output = bytearray()
    while True:  # drain the terminal, or the child blocks writing its screen
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    total = (time.perf_counter() - t0) * 1000
    os.close(master)
    return _reported(output.decode("utf-8", "replace"), proc.returncode), total


def in_pipe(path: Path) -> tuple[float, float]:
    env = {**os.environ, "STUDYKIT_BENCH_T0": repr(time.time())}
    t0 = time.perf_counter()
    done = subprocess.run([*command(), "review", "--db", str(path), "--exit-after-first-card"],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=60)
    total = (time.perf_counter() - t0) * 1000
    return _reported(done.stderr, done.returncode), total


def _reported(output: str, code: int | None) -> float:
    m = FIRST_CARD.search(output)
    if code != 0 or m is None:
        raise RuntimeError(f"studykit review failed (exit {code}): {output[-800:]!r}")
    return float(m.group(1))


def import_time() -> float:
    def run(code: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0

    bare = min(run("pass") for _ in range(3))
    return (min(run("import studykit.tui.app") for _ in range(3)) - bare) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="Build the database in this folder and keep it.")
    args = ap.parse_args()
    load_store_bench().run_in_scratch_folder(args, "studykit-review-bench-", run)


def run(folder: Path, args: argparse.Namespace) -> None:
    path = folder / "bench.db"
    bench = load_store_bench()
    print(bench.machine_line())
    if not path.exists():
        t0 = time.perf_counter()
        bench.build(path, args.cards, args.reviews)
        print(f"built {args.cards:,} cards and {args.reviews:,} review-log rows in "
              f"{time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    n = args.repeat
    show("in process: app created -> first card drawn",
         [asyncio.run(direct(path)) for _ in range(n)], "< 1000 ms")
    runs = [asyncio.run(by_hand(path)) for _ in range(n)]
    show("in process: app created -> decks list with counts", [h for h, _ in runs])
    show("in process: Enter on 'All series' -> first card drawn", [e for _, e in runs])
    terminal = [in_terminal(path) for _ in range(n)]
    show("`studykit review`, pty 80x24: start -> first card drawn", [r for r, _ in terminal],
         "< 1000 ms")
    show("`studykit review`, pty 80x24: start -> process ended", [t for _, t in terminal])
    piped = [in_pipe(path) for _ in range(n)]
    show("`studykit review`, pipe (headless): start -> first card", [r for r, _ in piped],
         "< 1000 ms")
    print(f"{'import studykit.tui.app (Textual included), fresh process':<58} "
          f"{import_time():7.0f} ms beyond `python -c pass` (best of 3)")


if __name__ == "__main__":
    main()
