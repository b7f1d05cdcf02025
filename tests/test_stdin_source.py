"""The source `-`: one document or a feed piped on standard input, for generate, inspect and
add, through the real CLI (a subprocess where the pipe itself matters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from studykit.cli import main

try:
    from tests.conftest import DATA
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA

SOFTMAX = DATA / "posts" / "standalone" / "softmax-temperature.md"
ADAM = DATA / "posts" / "optimization-methods" / "02-momentum-and-adam.html"


def cli(*args: str, stdin: bytes, ok: bool = True):
    result = CliRunner().invoke(main, list(args), input=stdin)
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def cards_of(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_a_piped_markdown_post_makes_a_table_titled_from_its_front_matter(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", "from studykit.cli import run; run()", "generate", "-", "--format", "table"],
        input=SOFTMAX.read_bytes(), capture_output=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "STUDYKIT_HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8"})
    out, err = run.stdout.decode(), run.stderr.decode()
    assert run.returncode == 0, err
    assert "Traceback" not in err
    title = next(line for line in SOFTMAX.read_text().splitlines() if line.startswith("title:"))
    title = title.split(":", 1)[1].strip().strip('"')
    assert out.count(f"/ {title}") >= 3  # every card names the post by its front-matter title


def test_a_piped_html_page_is_sniffed_as_html():
    cards = cards_of(cli("generate", "-", "--format", "jsonl", "-q", stdin=ADAM.read_bytes()))
    from_file = cards_of(cli("generate", str(ADAM), "--format", "jsonl", "-q", stdin=b""))
    assert cards and {c["post_title"] for c in cards} == {c["post_title"] for c in from_file}
    assert [c["front"] for c in cards] == [c["front"] for c in from_file]
    assert {c["post_url"] for c in cards} == {"stdin:optimization-methods-2-momentum-and-adam"}


def test_a_piped_feed_reads_its_local_articles_relative_to_the_working_folder(monkeypatch):
    monkeypatch.chdir(DATA)
    cards = cards_of(cli("generate", "-", "--format", "jsonl", "-q", stdin=(DATA / "feed.xml").read_bytes()))
    assert len({c["post_title"] for c in cards}) >= 3


def test_utf16_markdown_on_stdin_reads_like_utf8():
    text = SOFTMAX.read_text(encoding="utf-8")
    as_utf8 = cards_of(cli("generate", "-", "--format", "jsonl", "-q", stdin=text.encode("utf-8")))
    as_utf16 = cards_of(cli("generate", "-", "--format", "jsonl", "-q", stdin=text.encode("utf-16")))
    assert as_utf8 == as_utf16 and as_utf8


def test_inspect_reads_stdin():
    report = json.loads(cli("inspect", "-", "--json", stdin=SOFTMAX.read_bytes()).stdout)
    assert report and report[0]["title"]


def test_adding_the_same_piped_post_twice_keeps_its_cards(tmp_path):
    db = str(tmp_path / "study.db")
    first = json.loads(cli("add", "-", "--db", db, "-q", "--json", stdin=SOFTMAX.read_bytes()).stdout)
    again = json.loads(cli("add", "-", "--db", db, "-q", "--json", stdin=SOFTMAX.read_bytes()).stdout)
    assert first["new"] >= 3
    assert again["new"] == 0 and again["retired"] == 0 and again["unchanged"] == first["new"]


def test_empty_or_binary_stdin_is_a_clear_error():
    for data, words in ((b"", "standard input is empty"), (b"\x00\x01binary", "binary data")):
        result = cli("generate", "-", stdin=data, ok=False)
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert "<stdin>" in result.stderr and words in result.stderr
