"""How long the learned ranker's data takes to load (target: under 50 ms).

Usage (from the repo root, with the project's venv):

    .venv/bin/python benchmarks/ranker_load.py [--runs N]

Each run is a fresh interpreter that imports `studykit.ranker` and `studykit.english`
(not timed: Python's own start-up) and then times, with `time.perf_counter`, the first
`ranker.load()` (the weights, `studykit/data/ranker.json`), `ranker.load_keep()` (the keep
filter), `ranker.load_deletion()` (the deletion model) and `english.table()` (the general-English word list the features read), each
once: what a `studykit generate` run pays once. Prints best, median and worst of each in
milliseconds, and the sizes of the files. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "studykit" / "data"

CHILD = """
import json, time
from studykit import english, ranker
t0 = time.perf_counter(); ranker.load(); t1 = time.perf_counter()
ranker.load_keep(); t2 = time.perf_counter()
ranker.load_deletion(); t3 = time.perf_counter()
english.table(); t4 = time.perf_counter()
print(json.dumps({"weights": (t1 - t0) * 1000, "keep_filter": (t2 - t1) * 1000, "deletion": (t3 - t2) * 1000,
                  "word_list": (t4 - t3) * 1000}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(json.loads(out.stdout))
    print(f"ranker data load, {args.runs} fresh interpreters (ms)")
    for key in ("weights", "keep_filter", "deletion", "word_list"):
        xs = sorted(r[key] for r in runs)
        print(f"  {key:12} best {xs[0]:6.2f}   median {statistics.median(xs):6.2f}   worst {xs[-1]:6.2f}")
    totals = sorted(sum(r.values()) for r in runs)
    print(f"  {'all four':12} best {totals[0]:6.2f}   median {statistics.median(totals):6.2f}   "
          f"worst {totals[-1]:6.2f}   (target < 50 ms)")
    for name in ("ranker.json", "keep_filter.json", "deletion.json", "english_zipf.txt"):
        print(f"  {name:18} {(DATA / name).stat().st_size / 1024:7.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
