"""Hostile cases end to end that had no test of their own (issue 14): a page over the post
budget in a parallel build, the review app's export aimed at a FIFO, and terminal escapes
in a page's title and series reaching `inspect` or progress lines. The real CLI (in a
child process where processes matter), the real Textual app under Pilot, a real HTTP
server on 127.0.0.1, files in tmp_path."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from textual.widgets import Input

from studykit import limits
from studykit.cli import main
from studykit.tui.export_modal import ExportModal
from tests.conftest import DATA
from tests.http_server import RouteServer
from tests.test_tui import make_app, make_store, press, settle, text_of

SOFTMAX = DATA / "posts" / "standalone" / "softmax-temperature.md"
GRADIENT = DATA / "posts" / "optimization-methods" / "01-gradient-descent.md"
SENTENCE = "The {0} layer number {1} maps the query to a key in {2}. "
WORDS = ["attention", "gradient", "network", "weight", "value"]
OSC52, CLEAR = "&#27;]52;c;SGVsbG8=&#7;", "&#27;[2J"
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060\ufeff"


def clean(text: str) -> bool:
    """No control character but tab and newline, no DEL or C1, no bidi or zero-width one."""
    return not any(c in INVISIBLE or (ord(c) < 32 and c not in "\t\n") or 0x7f <= ord(c) <= 0x9f
                   for c in text)


def huge_page() -> str:
    """Over the post budget: one paragraph of 60,000 characters (so spaCy takes it in
    pieces, in a worker) and then code blocks, which make no cards and cost no NLP, so the
    test stays quick (the 2.7 MB one-paragraph page is measured by benchmarks/limits.py)."""
    prose = "".join(SENTENCE.format(WORDS[i % 5], i, 1900 + i % 120) for i in range(1_050))
    code = "".join(f"<pre><code>value_{i} = [{', '.join(str(j) for j in range(230))}]</code></pre>"
                   for i in range(280))
    return (f"<html><head><title>Huge page</title></head><body><article><h1>Huge page</h1>"
            f"<p>{prose}</p>{code}</article></body></html>")


def test_a_parallel_build_with_a_page_over_the_budget_writes_every_post(tmp_path):
    (tmp_path / "huge.html").write_text(huge_page())
    for post in (SOFTMAX, GRADIENT):
        (tmp_path / post.name).write_bytes(post.read_bytes())
    spec = tmp_path / "deck.toml"
    spec.write_text('name = "T"\nsources = ["huge.html", "softmax-temperature.md", '
                    '"01-gradient-descent.md"]\n\n[outputs]\njsonl = "cards.jsonl"\n')
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", "from studykit.cli import run; run()", "build", str(spec),
                          "--jobs", "2", "--db", str(tmp_path / "s.db"), "--json"],
                         capture_output=True, text=True, timeout=600, cwd=tmp_path,
                         env={**os.environ, "STUDYKIT_HOME": str(tmp_path / "home")})
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert time.monotonic() - started < 300
    report = json.loads(run.stdout)
    assert report["jobs"] == 2
    notes = [n for n in report["specs"][0]["notes"] if "huge.html" in n]
    assert len(notes) == 1 and "too long" in notes[0] and f"over the {limits.POST_CHARACTERS:,} read" in notes[0]
    assert any(line.startswith("note:") and "huge.html" in line for line in run.stderr.splitlines())
    cards = [json.loads(line) for line in (tmp_path / "cards.jsonl").read_text().splitlines()]
    per_post = {title: sum(c["post_title"] == title for c in cards) for title in {c["post_title"] for c in cards}}
    assert set(per_post) == {"Huge page", "A Short Guide to Softmax Temperature",
                             "Optimization Methods (1): Gradient Descent"} and min(per_post.values()) >= 3, per_post


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_review_apps_export_to_a_fifo_is_refused_and_the_fifo_kept(tmp_path):
    db = make_store(tmp_path / "study.db")
    fifo = tmp_path / "deck.apkg"
    os.mkfifo(fifo)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one("#export-path", Input).value = str(fifo)
        await press(pilot, "enter")
        status = text_of(app, "#export-status")
        assert "Export failed" in status and "is a FIFO (named pipe), not a file" in status, status
        await press(pilot, "escape")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert not any("deck.apkg" in p.name for p in tmp_path.iterdir() if p != fifo)  # no temporary file left


def hostile_page() -> bytes:
    title = f"Attention{OSC52} {CLEAR}Explained\u202e\u200b"
    prose = ("<p>Attention is a mechanism that weights the values by the similarity of the queries "
             "and the keys. The transformer was introduced by Vaswani and colleagues in 2017.</p>") * 6
    return (f"<html><head><title>{title}</title>"
            f"<meta property='article:series' content='Deep{OSC52}Learning{CLEAR}\u200b'></head>"
            f"<body><article><h1>{title}</h1>{prose}</article></body></html>").encode()


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def test_escapes_in_a_page_title_and_series_reach_neither_inspect_nor_progress(tmp_path):
    runner = CliRunner()
    with RouteServer({"/post": (200, {"Content-Type": "text/html"}, hostile_page())}) as base:
        runs = [runner.invoke(main, ["inspect", base + "/post"]),
                runner.invoke(main, ["inspect", base + "/post", "--json"]),
                runner.invoke(main, ["generate", base + "/post", "--format", "jsonl"]),
                runner.invoke(main, ["add", base + "/post", "--db", str(tmp_path / "s.db")])]
    for run in runs:
        assert run.exit_code == 0 and "Traceback" not in run.output, run.output
        assert clean(run.stdout) and clean(run.stderr), (run.stdout[:300], run.stderr)
        assert "]52;" not in run.output and "[2J" not in run.output
    assert "AttentionExplained" in runs[0].stdout.replace(" ", "")
    assert "read Attention" in runs[2].stderr  # the progress line names the post, cleaned
    report = json.loads(runs[1].stdout)
    assert all(clean(s) and "]52;" not in s for s in strings(report))
    assert "DeepLearning" in json.dumps(report, ensure_ascii=False)
