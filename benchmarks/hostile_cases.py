"""Every hostile case of the threat model through the real CLI: exit code, seconds, peak memory.

Each case writes its input to a temporary folder (or serves it on 127.0.0.1 with the real
HTTP server of tests/http_server.py), runs `studykit` in a child process as a user would,
and reports the child's exit code, wall seconds and peak RSS (`ru_maxrss` from `wait4`,
which counts the child's own workers too), and whether anything unwanted came out: a
traceback, or an escape/control character on stdout or stderr. The tests assert the
behaviour of each case; this script measures what each one costs.

    .venv/bin/python benchmarks/hostile_cases.py           # a table
    .venv/bin/python benchmarks/hostile_cases.py --json    # one JSON object
    .venv/bin/python benchmarks/hostile_cases.py --only yaml,fifo   # cases whose name holds a word
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.limits import hostile_post  # noqa: E402  (the posts limits.py measures, one at a time)
from tests.http_server import RouteServer, trickle  # noqa: E402

CLI = [sys.executable, "-c", "from studykit.cli import run; run()"]
PROSE = ("Attention is a mechanism that weights the values by the similarity of the queries and the "
         "keys. The transformer was introduced by Vaswani and colleagues in 2017.")
GOOD_POST = f"---\ntitle: A good post\nseries: Hostile\n---\n\n# Attention\n\n{PROSE}\n\n{PROSE}\n"
ESCAPES = "&#27;]52;c;SGVsbG8=&#7; &#27;[2J\u200b\u202e"
UNCLEAN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\u202e]")


@dataclass
class Run:
    """One command of a case: its arguments, standard input and extra environment."""

    args: list[str]
    stdin: bytes = b""
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Case:
    name: str
    what: str
    make: Callable[[Path, str], Run]  # (its folder, the local server's base URL) -> the command


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def store_with_a_review(folder: Path) -> Path:
    db = folder / "study.db"
    post = write(folder / "good.md", GOOD_POST)
    subprocess.run([*CLI, "add", str(post), "--db", str(db), "-q"], check=True, capture_output=True)
    card = json.loads(subprocess.run([*CLI, "cards", "--db", str(db), "--json"], check=True,
                                     capture_output=True, text=True).stdout)[0]["id"]
    subprocess.run([*CLI, "grade", card, "good", "--db", str(db)], check=True, capture_output=True)
    return db


def damaged(folder: Path) -> Path:
    db = store_with_a_review(folder)
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(db.read_bytes())
    for offset in range(page_size * 2, len(data), page_size):  # every page after the schema's
        data[offset:offset + 64] = b"\xff" * 64
    db.write_bytes(bytes(data))
    return db


def spec_writing_itself(folder: Path) -> Path:
    post = write(folder / "good.md", GOOD_POST)
    spec = folder / "self.toml"
    return write(spec, f'name = "Self"\nsources = ["{post}"]\n[outputs]\njsonl = "{spec}"\n')


CASES = [
    Case("page-one-paragraph", "a 2.5 MB page in one paragraph (over spaCy's limit before)",
         lambda d, u: Run(["generate", str(hostile_post(d, "one paragraph, 2.5 MB")), "-q"])),
    Case("markdown-one-line", "a 5 MB Markdown post on one line, beside a good post",
         lambda d, u: Run(["add", str(write(d / "in" / "long.md", "# Long\n\n" + (PROSE + " ") * 30_000)),
                           str(write(d / "in" / "good.md", GOOD_POST)), "--db", str(d / "s.db"), "-q"])),
    Case("paragraphs-40k", "40,000 short paragraphs",
         lambda d, u: Run(["generate", str(hostile_post(d, "40,000 paragraphs")), "-q"])),
    Case("headings-10k", "10,000 headings",
         lambda d, u: Run(["generate", str(hostile_post(d, "10,000 headings")), "-q"])),
    Case("yaml-alias-bomb", "a YAML alias bomb in front matter",
         lambda d, u: Run(["generate", str(hostile_post(d, "YAML alias bomb")), "-q"])),
    Case("front-matter-tags-7", "front matter `tags: 7` and a far date, beside a good post",
         lambda d, u: Run(["add", str(write(d / "in" / "odd.md", "---\ntitle: Odd\ntags: 7\n"
                                            "date: 9999-12-31T23:59:59-10:00\nseries_order: 99999999999999999999\n"
                                            f"---\n\n{PROSE}\n")),
                           str(write(d / "in" / "good.md", GOOD_POST)), "--db", str(d / "s.db"), "-q"])),
    Case("utf16-markdown", "a UTF-16 Markdown post with a BOM",
         lambda d, u: Run(["generate", str(write(d / "u.md", GOOD_POST.encode("utf-16"))), "-q"])),
    Case("fifo-source", "a FIFO given as a source",
         lambda d, u: Run(["generate", str(fifo(d / "pipe.md"))])),
    Case("fifo-output", "a FIFO given as the output file",
         lambda d, u: Run(["generate", str(write(d / "good.md", GOOD_POST)), "-o", str(fifo(d / "out.jsonl"))])),
    Case("spec-writes-itself", "a deck spec whose output is the spec itself",
         lambda d, u: Run(["build", str(spec_writing_itself(d)), "--db", str(d / "s.db")])),
    Case("escapes-in-title", "OSC 52 and clear-screen in an HTML title, printed as a table",
         lambda d, u: Run(["generate", str(write(d / "e.html", page(f"Attention{ESCAPES}", f"<p>{PROSE}</p>"))),
                           "--format", "table"])),
    Case("cloze-injection", "page text holding {{c9::...}} exported to Anki",
         lambda d, u: Run(["generate", str(write(d / "c.md", GOOD_POST + "\nThe answer is {{c9::secret}} here, "
                                                 "as Vaswani showed in 2017.\n")), "--anki", str(d / "c.apkg"), "-q"])),
    Case("damaged-store", "a store with damaged pages, graded",
         lambda d, u: Run(["stats", "--db", str(damaged(d))])),
    Case("steps-overflow", "config learning_steps 999999999d",
         lambda d, u: Run(["config", "learning_steps", "999999999d"], env={"STUDYKIT_HOME": str(d)})),
    Case("grade-year-1", "grade --now 0001-01-01",
         lambda d, u: Run(["grade", "x", "good", "--now", "0001-01-01T00:00:00+00:00",
                           "--db", str(store_with_a_review(d))])),
    Case("home-is-a-file", "STUDYKIT_HOME naming a file",
         lambda d, u: Run(["due"], env={"STUDYKIT_HOME": str(write(d / "home", "x"))})),
    Case("feed-10k-entries", "a feed of 10,000 entries whose links fail (the newest 200 are read)",
         lambda d, u: Run(["generate", f"{u}/feed.xml", "-q"])),
    Case("feed-malformed", "a feed whose XML breaks off",
         lambda d, u: Run(["generate", f"{u}/broken.xml"])),
    Case("slow-server", "a server sending 9 bytes a second (the 60 s response deadline)",
         lambda d, u: Run(["generate", f"{u}/slow"])),
]


def feed(entries: int) -> bytes:
    items = "".join(f"<item><title>Entry {i}</title><link>http://127.0.0.1:9/gone/{i}</link>"
                    f"<description>{PROSE}</description></item>" for i in range(entries))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
            f"{items}</channel></rss>").encode()


def routes() -> dict:
    rss = {"Content-Type": "application/rss+xml"}
    return {"/feed.xml": (200, rss, feed(10_000)), "/broken.xml": (200, rss, feed(3)[:150]), "/slow": trickle(b"<p>abcdef\n", 600, 1.0)}


def measure(case: Case, folder: Path, base: str) -> dict:
    run = case.make(folder, base)
    out, err = folder / "stdout", folder / "stderr"
    env = {**os.environ, "STUDYKIT_HOME": str(folder / "home"), **run.env}
    with open(out, "wb") as o, open(err, "wb") as e:
        start = time.perf_counter()
        proc = subprocess.Popen([*CLI, *run.args], stdin=subprocess.PIPE, stdout=o, stderr=e, env=env,
                                cwd=folder)
        proc.stdin.write(run.stdin)  # type: ignore[union-attr]
        proc.stdin.close()  # type: ignore[union-attr]
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text("utf-8", "replace") + err.read_text("utf-8", "replace")
    last = err.read_text("utf-8", "replace").strip().splitlines()
    return {"case": case.name, "what": case.what, "exit": proc.returncode, "seconds": round(seconds, 2),
            "peak_mib": round(usage.ru_maxrss / 1024), "traceback": "Traceback" in text,
            "unclean": bool(UNCLEAN.search(text)), "last_line": last[-1][:160] if last else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", default="", help="comma-separated words: run the cases whose name holds one")
    args = parser.parse_args()
    words = [w for w in args.only.split(",") if w]
    chosen = [c for c in CASES if not words or any(w in c.name for w in words)]
    results = []
    with RouteServer(routes()) as base, tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        for case in chosen:
            folder = Path(tmp) / case.name
            folder.mkdir()
            results.append(measure(case, folder, base))
            if not args.json:
                r = results[-1]
                print(f"{r['case']:20} exit {r['exit']:3} {r['seconds']:7.2f} s {r['peak_mib']:6} MiB"
                      f"{'  TRACEBACK' if r['traceback'] else ''}{'  UNCLEAN' if r['unclean'] else ''}"
                      f"  {r['last_line'][:90]}", flush=True)
    if args.json:
        print(json.dumps({"load_average": os.getloadavg(), "cases": results}, indent=1))
    else:
        print(f"load average {os.getloadavg()[0]:.2f}; {sum(r['traceback'] or r['unclean'] for r in results)} "
              f"of {len(results)} cases printed a traceback or an unclean character")


if __name__ == "__main__":
    main()
