"""Generation throughput of studykit over the real article corpus.

Usage (from the repo root, with the project's venv):

    .venv/bin/python benchmarks/generate.py [--repeat N] [--json]

Reads ``../shared/corpus/articles`` (resolved from this file: the folder next to the
repository, not the working directory) and prints:

1. ``studykit.generate.generate([folder])`` end to end (reading, parsing, spaCy, claims,
   card selection), with the model loaded and warmed up beforehand: seconds, words/s of
   prose (``studykit.extract.prose_words`` summed over the posts), cards/s, cards, posts.
2. Bare ``nlp.pipe`` of the very same loaded pipeline over the exact texts studykit hands
   to spaCy (prose blocks, ``b.plain``) and, as a second reference, over the raw bodies.
3. The ratio studykit / bare ``nlp.pipe`` (project target: <= 1.5x) and the share of
   studykit's time spent outside spaCy.
4. Peak memory of one generate run, measured in a fresh child interpreter started before
   anything else: peak RSS (VmHWM; ``ru_maxrss`` off Linux) after loading the model and
   after the run, plus the tracemalloc peak of Python allocations during a second run.

It only prints figures; nothing is asserted. Timings use ``time.perf_counter``; each of the
``--repeat`` rounds runs generate, bare pipe over prose and bare pipe over raw bodies one
after the other (interleaved, so drifts hit all three alike), and best and median are shown.
One untimed generate run comes first as a warm-up; it also records what studykit passes to
``nlp.pipe`` so the bare run is checked against it.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "articles"
WARMUP_SENTENCE = "The transformer replaced recurrence with attention in 2017."
TARGET_RATIO = 1.5


# ---------------------------------------------------------------------------- helpers

def _maxrss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux: KiB, macOS: bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _proc_status_mb(field: str) -> float | None:
    """A kB field of /proc/self/status in MB (Linux only; None elsewhere).

    VmHWM is the peak RSS of this process image. Unlike ru_maxrss it is not inherited
    from the parent across fork/exec, so it is the honest figure for a child run.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _memory_now() -> dict:
    return {"peak_rss_mb": _proc_status_mb("VmHWM") or _maxrss_mb(),
            "ru_maxrss_mb": _maxrss_mb(), "rss_mb": _proc_status_mb("VmRSS")}


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _load_model():
    """The pipeline studykit uses (the cached `studykit.nlp.load()` object), warmed up."""
    from studykit import nlp as nlp_mod

    started = time.perf_counter()
    nlp = nlp_mod.load()
    nlp(WARMUP_SENTENCE)
    list(nlp.pipe([WARMUP_SENTENCE] * 4))
    return nlp, time.perf_counter() - started


def _extract_batch_size() -> int:
    from studykit.extract import extract_all

    default = inspect.signature(extract_all).parameters.get("batch_size")
    return default.default if default and isinstance(default.default, int) else 64


def _prose_texts(posts) -> list[str]:
    """What `extract_all` feeds to `nlp.pipe`: `b.plain` of the prose blocks of every post."""
    from studykit import blocks, sections

    skipped = sections.SKIPPED_SECTIONS
    texts: list[str] = []
    for post in posts:
        for b in blocks.parse(post.body).blocks:
            if b.kind in blocks.PROSE_KINDS and not skipped.match(b.section):
                texts.append(b.plain)
    return texts


def _capture_generate(nlp, folder: str):
    """Run generate once with `nlp.pipe` recorded: (result, texts and kwargs it received)."""
    from studykit.generate import generate

    calls: list[tuple[list[str], dict]] = []
    original = nlp.pipe

    def recording_pipe(texts, *args, **kwargs):
        texts = list(texts)
        calls.append((texts, dict(kwargs, **({"args": args} if args else {}))))
        return original(texts, *args, **kwargs)

    nlp.pipe = recording_pipe  # instance attribute shadows the method for this run only
    try:
        result = generate([folder])
    finally:
        del nlp.pipe
    return result, calls


def _timed(fn) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _stats(times: list[float]) -> dict:
    return {"best": min(times), "median": statistics.median(times), "runs": times}


def _rate(amount: float, seconds: float) -> float:
    return amount / seconds if seconds > 0 else float("nan")


# ------------------------------------------------------------------ memory (child run)

def memory_child(folder: str) -> dict:
    """In a fresh interpreter: peak RSS of loading the model, then of one generate run."""
    import tracemalloc

    from studykit.generate import generate

    nlp, load_seconds = _load_model()
    after_load = _memory_now()
    started = time.perf_counter()
    result = generate([folder])
    seconds = time.perf_counter() - started
    after_run = _memory_now()
    cards = len(result.cards)
    del result
    gc.collect()
    tracemalloc.start()
    generate([folder])
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "model_load_seconds": load_seconds,
        "after_model_load": after_load,
        "after_generate": after_run,
        "generate_seconds": seconds,
        "cards": cards,
        "tracemalloc_peak_mb": traced_peak / (1024 * 1024),
    }


def run_memory_child(folder: str) -> dict:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--memory-child", folder],
        capture_output=True, text=True, cwd=str(REPO), check=False)
    if proc.returncode != 0:
        return {"error": f"child exited with {proc.returncode}: {proc.stderr.strip()[-2000:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------- main timing

def measure(folder: str, repeat: int, raw: bool = False) -> dict:
    import spacy

    from studykit import blocks, nlp as nlp_mod
    from studykit.extract import prose_words
    from studykit.generate import generate, read_posts

    nlp, load_seconds = _load_model()
    assert nlp is nlp_mod.load(), "studykit.nlp.load() is expected to be cached"

    # Untimed warm-up generate run; it also records what studykit hands to nlp.pipe.
    warm, calls = _capture_generate(nlp, folder)
    posts, errors = read_posts([folder])
    words = sum(prose_words(p.body) for p in posts)
    raw_bodies = [p.body for p in posts]
    raw_words = sum(len(b.split()) for b in raw_bodies)
    batch_size = _extract_batch_size()

    texts = _prose_texts(posts)
    notes: list[str] = []
    if len(calls) == 1:
        captured, captured_kwargs = calls[0]
        if captured != texts:
            notes.append(
                f"the prose-block recipe gave {len(texts)} texts but generate fed nlp.pipe "
                f"{len(captured)} different ones; the bare run uses generate's texts")
            texts = captured
        batch_size = captured_kwargs.get("batch_size", batch_size)
    else:
        notes.append(f"generate called nlp.pipe {len(calls)} times (expected once); "
                     "the bare run uses the prose-block recipe")
    if len(warm.posts) != len(posts):
        notes.append(f"generate saw {len(warm.posts)} posts, read_posts {len(posts)}")

    gen_times: list[float] = []
    prose_times: list[float] = []
    raw_times: list[float] = []
    cards = len(warm.cards)
    for _ in range(repeat):
        holder = {}
        gen_times.append(_timed(lambda: holder.setdefault("r", generate([folder]))))
        cards = len(holder["r"].cards)
        holder.clear()
        prose_times.append(_timed(lambda: [d for d in nlp.pipe(texts, batch_size=batch_size)]))
        if raw:  # whole bodies take ~2.7 GB and half the run: only on request
            raw_times.append(_timed(lambda: [d for d in nlp.pipe(raw_bodies, batch_size=batch_size)]))

    # Cheap parts of the time outside spaCy, for orientation (best of `repeat`).
    read_times = [_timed(lambda: read_posts([folder])) for _ in range(repeat)]
    parse_times = [_timed(lambda: [blocks.parse(p.body) for p in posts]) for _ in range(repeat)]

    gen, prose = _stats(gen_times), _stats(prose_times)
    raw_stats = _stats(raw_times) if raw_times else None
    return {
        "corpus": str(folder),
        "repeat": repeat,
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "model": {
            "name": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}",
            "version": nlp.meta.get("version"),
            "pipe_names": list(nlp.pipe_names),
            "load_and_warmup_seconds": load_seconds,
        },
        "posts": len(posts),
        "source_errors": len(errors),
        "prose_words": words,
        "studykit": {
            "seconds": gen,
            "words_per_s": {k: _rate(words, gen[k]) for k in ("best", "median")},
            "cards_per_s": {k: _rate(cards, gen[k]) for k in ("best", "median")},
            "cards": cards,
            "posts": len(posts),
        },
        "bare_pipe_prose": {
            "texts": len(texts),
            "batch_size": batch_size,
            "seconds": prose,
            "words_per_s": {k: _rate(words, prose[k]) for k in ("best", "median")},
        },
        "bare_pipe_raw_bodies": None if raw_stats is None else {
            "texts": len(raw_bodies),
            "raw_words": raw_words,
            "seconds": raw_stats,
            "words_per_s": {k: _rate(words, raw_stats[k]) for k in ("best", "median")},
            "raw_words_per_s": {k: _rate(raw_words, raw_stats[k]) for k in ("best", "median")},
        },
        "ratio": {
            "studykit_over_bare_prose": {k: gen[k] / prose[k] for k in ("best", "median")},
            "target": TARGET_RATIO,
            "share_outside_spacy": {k: 1 - prose[k] / gen[k] for k in ("best", "median")},
        },
        "outside_spacy_parts": {
            "read_posts_seconds_best": min(read_times),
            "blocks_parse_seconds_best": min(parse_times),
        },
        "notes": notes,
    }


def render(report: dict) -> str:
    sk, bp, br = report["studykit"], report["bare_pipe_prose"], report["bare_pipe_raw_bodies"]
    ratio, mem, model = report["ratio"], report["memory"], report["model"]

    def sec(block):
        return f"best {block['seconds']['best']:7.2f} s   median {block['seconds']['median']:7.2f} s"

    def per_s(rates, unit):
        return f"{rates['best']:9,.0f} {unit}/s (best)   {rates['median']:9,.0f} {unit}/s (median)"

    lines = [
        "studykit generation benchmark",
        f"  corpus   {report['corpus']}",
        f"  posts    {report['posts']}   prose words {report['prose_words']:,}   "
        f"source errors {report['source_errors']}",
        f"  model    {model['name']} {model['version']} [{', '.join(model['pipe_names'])}]   "
        f"load+warm-up {model['load_and_warmup_seconds']:.2f} s (excluded)",
        f"  python {report['python']}, spaCy {report['spacy']}, repeat {report['repeat']}, "
        f"{report['loadavg']['cpus']} CPUs, load average before {report['loadavg']['before']} "
        f"after {report['loadavg']['after']}",
        "",
        "1. studykit.generate.generate([folder])",
        f"  time     {sec(sk)}",
        f"  words    {per_s(sk['words_per_s'], 'words')}",
        f"  cards    {per_s(sk['cards_per_s'], 'cards')}",
        f"  total    {sk['cards']} cards from {sk['posts']} posts",
        "",
        f"2. bare nlp.pipe, same pipeline, batch_size {bp['batch_size']}",
        f"  prose texts fed by studykit ({bp['texts']} texts)",
        f"    time   {sec(bp)}",
        f"    words  {per_s(bp['words_per_s'], 'words')}",
    ]
    if br:
        lines += [
            f"  raw post bodies ({br['texts']} texts, {br['raw_words']:,} raw words; reference)",
            f"    time   {sec(br)}",
            f"    words  {per_s(br['words_per_s'], 'words')}  (prose words)",
        ]
    lines += [
        "",
        "3. overhead",
        f"  studykit / bare pipe     best {ratio['studykit_over_bare_prose']['best']:.2f}x   "
        f"median {ratio['studykit_over_bare_prose']['median']:.2f}x   "
        f"(target <= {ratio['target']}x)",
        f"  share outside spaCy      best {ratio['share_outside_spacy']['best']:.1%}   "
        f"median {ratio['share_outside_spacy']['median']:.1%}",
        f"  of which read_posts {report['outside_spacy_parts']['read_posts_seconds_best']:.2f} s, "
        f"blocks.parse {report['outside_spacy_parts']['blocks_parse_seconds_best']:.2f} s (best)",
        "",
        "4. memory (one generate run in a fresh interpreter)",
    ]
    if "error" in mem:
        lines.append(f"  not measured: {mem['error']}")
    else:
        load, run = mem["after_model_load"], mem["after_generate"]
        lines += [
            f"  peak RSS after model load   {load['peak_rss_mb']:8.1f} MB",
            f"  peak RSS after generate     {run['peak_rss_mb']:8.1f} MB   "
            f"(+{run['peak_rss_mb'] - load['peak_rss_mb']:.1f} MB for the run; "
            f"run took {mem['generate_seconds']:.2f} s)",
            f"  tracemalloc peak (Python allocations, 2nd run)  {mem['tracemalloc_peak_mb']:.1f} MB",
        ]
    lines.append(f"  (this benchmark process, bare pipes included, peaked at "
                 f"{report['benchmark_process_peak_rss_mb']:.1f} MB RSS)")
    for note in report["notes"]:
        lines.append(f"note: {note}")
    lines.append(f"\nbenchmark run time {report['run_seconds']:.1f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--raw-bodies", action="store_true",
                        help="also time nlp.pipe over whole post bodies (slow, ~2.7 GB)")
    parser.add_argument("--memory-child", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not CORPUS.is_dir():
        print(f"corpus folder not found: {CORPUS} (nothing to measure)")
        return 0

    started = time.perf_counter()
    load_before = _loadavg()
    # The child runs first, on its own: this process is still small (nothing loaded), so
    # not even an inherited ru_maxrss could inflate its figure, and it never competes with
    # the timing rounds for CPU.
    memory = run_memory_child(str(CORPUS))
    report = measure(str(CORPUS), args.repeat, raw=args.raw_bodies)
    report["memory"] = memory
    report["benchmark_process_peak_rss_mb"] = _memory_now()["peak_rss_mb"]
    report["loadavg"] = {"before": load_before, "after": _loadavg(), "cpus": os.cpu_count()}
    report["run_seconds"] = time.perf_counter() - started
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
