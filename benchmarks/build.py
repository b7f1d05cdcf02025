"""`studykit build` over the real article corpus: cold build, warm rebuild, --jobs 1 vs 2.

Usage (from the repo root, with the project's venv):

    .venv/bin/python benchmarks/build.py [--repeat N] [--json]

Writes a deck spec for ``../shared/corpus/articles`` (resolved from this file) into a
temporary folder and runs the real console command (``studykit build SPEC --json -q``) in
fresh interpreters, each with its own data directory (``STUDYKIT_HOME``), so "cold" means
an empty build cache. Wall-clock times include interpreter start and imports, as a cron
job sees them. It prints:

1. a full build from a cold cache (default jobs);
2. rebuilds with nothing changed on that cache (best and median of ``--repeat``), and the
   ratio warm / cold (project target: under 5%);
3. cold builds with ``--jobs 1`` and ``--jobs 2``, their speed-up, and whether the two
   wrote byte-identical JSONL.

It only prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "articles"
TARGET_RATIO = 0.05


def run_build(spec: Path, home: Path, *extra: str) -> dict:
    """One `studykit build` in a fresh interpreter: wall seconds and its JSON summary."""
    env = {**os.environ, "STUDYKIT_HOME": str(home)}
    env.pop("STUDYKIT_DB", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", "from studykit.cli import run; run()", "build", str(spec),
         "--json", "-q", *extra],
        capture_output=True, text=True, env=env, cwd=str(REPO), check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"studykit build exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    return {"wall": wall, "summary": json.loads(proc.stdout)}


def write_spec(folder: Path, name: str) -> Path:
    spec = folder / f"{name}.toml"
    spec.write_text(f'name = "{name}"\nsources = [{json.dumps(str(CORPUS))}]\n\n[outputs]\n'
                    f'anki = "out/{name}.apkg"\njsonl = "out/{name}.jsonl"\n', encoding="utf-8")
    return spec


def measure(repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="studykit-build-bench-") as tmp:
        root = Path(tmp)
        spec = write_spec(root, "corpus")
        cold = run_build(spec, root / "home-default")
        warm = [run_build(spec, root / "home-default") for _ in range(repeat)]
        one = run_build(write_spec(root, "jobs1"), root / "home-jobs1", "--jobs", "1", "--no-cache")
        two = run_build(write_spec(root, "jobs2"), root / "home-jobs2", "--jobs", "2", "--no-cache")
        same = (root / "out" / "jobs1.jsonl").read_bytes() == (root / "out" / "jobs2.jsonl").read_bytes()
        same_cold = (root / "out" / "jobs1.jsonl").read_bytes() == (root / "out" / "corpus.jsonl").read_bytes()
    walls = [w["wall"] for w in warm]
    s = cold["summary"]
    return {
        "corpus": str(CORPUS),
        "cpus": os.cpu_count(),
        "posts": s["posts"],
        "cards": s["cards"]["total"],
        "cold": {"wall_s": cold["wall"], "build_s": s["seconds"], "jobs": s["jobs"],
                 "posts_extracted": s["posts_extracted"]},
        "warm": {"wall_s": {"best": min(walls), "median": statistics.median(walls), "runs": walls},
                 "build_s_best": min(w["summary"]["seconds"] for w in warm),
                 "posts_extracted": max(w["summary"]["posts_extracted"] for w in warm),
                 "outputs_rewritten": sum(o["written"] for w in warm for o in w["summary"]["outputs"])},
        "ratio_warm_over_cold": {"best": min(walls) / cold["wall"],
                                 "median": statistics.median(walls) / cold["wall"],
                                 "target": TARGET_RATIO},
        "jobs1": {"wall_s": one["wall"], "build_s": one["summary"]["seconds"]},
        "jobs2": {"wall_s": two["wall"], "build_s": two["summary"]["seconds"]},
        "speedup_jobs2": one["wall"] / two["wall"],
        "jobs1_jsonl_equals_jobs2": same,
        "jobs1_jsonl_equals_default_cold": same_cold,
        "loadavg_after": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def render(r: dict) -> str:
    ratio = r["ratio_warm_over_cold"]
    return "\n".join([
        "studykit build benchmark",
        f"  corpus   {r['corpus']}",
        f"  {r['posts']} posts, {r['cards']} cards, {r['cpus']} CPUs, load average after {r['loadavg_after']}",
        "",
        f"1. cold build (empty cache, default jobs = {r['cold']['jobs']})",
        f"  wall     {r['cold']['wall_s']:7.2f} s   (inside build(): {r['cold']['build_s']:.2f} s; "
        f"{r['cold']['posts_extracted']} posts extracted)",
        "",
        f"2. rebuild with nothing changed ({len(r['warm']['wall_s']['runs'])} runs)",
        f"  wall     best {r['warm']['wall_s']['best']:.3f} s   median {r['warm']['wall_s']['median']:.3f} s   "
        f"(inside build(): {r['warm']['build_s_best']:.3f} s; {r['warm']['posts_extracted']} posts extracted, "
        f"{r['warm']['outputs_rewritten']} outputs rewritten)",
        f"  ratio    best {ratio['best']:.1%}   median {ratio['median']:.1%} of the cold build "
        f"(target < {ratio['target']:.0%})",
        "",
        "3. cold build, --jobs 1 vs --jobs 2",
        f"  jobs 1   {r['jobs1']['wall_s']:7.2f} s wall   ({r['jobs1']['build_s']:.2f} s inside build())",
        f"  jobs 2   {r['jobs2']['wall_s']:7.2f} s wall   ({r['jobs2']['build_s']:.2f} s inside build())",
        f"  speed-up {r['speedup_jobs2']:.2f}x; JSONL identical: {r['jobs1_jsonl_equals_jobs2']} "
        f"(and equal to the default cold build: {r['jobs1_jsonl_equals_default_cold']})",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm rebuilds (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not CORPUS.is_dir():
        print(f"corpus folder not found: {CORPUS} (nothing to measure)")
        return 0
    report = measure(args.repeat)
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
