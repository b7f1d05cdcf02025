"""Budgets and the post gate, end to end (issue: nothing a page, a file or a typo can do
breaks studykit). Real files in tmp_path, a real HTTP server on 127.0.0.1, the real CLI,
real spaCy, and Anki's own library reading the exported deck. Slow, size-driven cases
(multi-megabyte pages) are measured by benchmarks/limits.py instead."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time

import pytest
import spacy
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studykit import limits, nlp
from studykit.cli import main
from studykit.errors import SourceError, StudykitError
from studykit.sources.fetch import fetch
from studykit.sources.load import load_source
from tests.http_server import RouteServer, trickle

try:
    from tests.conftest import DATA
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA

SOFTMAX = DATA / "posts" / "standalone" / "softmax-temperature.md"
ESC_TITLE = "Attention&#27;]52;c;SGVsbG8=&#7; &#27;[2J\u200bExplained\u202e"
PROSE = ("<p>Attention is a mechanism that weights the values by the similarity of the queries "
         "and the keys. The transformer was introduced by Vaswani and colleagues in 2017.</p>") * 6


def cli(*args: str, ok: bool = True, **kw):
    result = CliRunner().invoke(main, list(args), **kw)
    assert "Traceback" not in result.output + (result.stderr or "")
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def review_rows(db: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM review_log ORDER BY 1").fetchall()


def test_text_past_spacys_length_limit_goes_through_in_pieces():
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    text = "A sentence that repeats for a long while. " * 30_000  # 1,260,000 characters
    assert len(text) > blank.max_length
    docs = list(nlp.pipe(blank, ["short one.", text, "last."]))
    assert [d.text for d in docs] == ["short one.", text, "last."]


class _BatchProbe:
    """A pipeline component that records the characters of each batch spaCy hands it."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def __call__(self, doc):
        self.batches.append(len(doc.text))
        return doc

    def pipe(self, docs, batch_size: int = 128):
        docs = list(docs)
        self.batches.append(sum(len(d.text) for d in docs))
        return iter(docs)


@spacy.Language.factory("studykit_batch_probe")
def _batch_probe(nlp, name):
    return _BatchProbe()


def test_spacy_gets_batches_of_at_most_one_piece_of_characters():
    """One batch of 16 pieces of a long paragraph took spaCy over 1 GB (benchmarks/limits.py)."""
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    probe = blank.add_pipe("studykit_batch_probe")
    long = "A sentence that repeats for a long while. " * 8_000  # 336,000 characters
    texts = ["short one."] * 100 + [long, "last."]
    docs = list(nlp.pipe(blank, texts))
    assert [d.text for d in docs] == texts
    assert max(probe.batches) <= limits.NLP_PIECE and len(probe.batches) >= len(long) // limits.NLP_PIECE
    assert sum(probe.batches) == sum(map(len, texts))


def test_a_post_over_the_budget_is_cut_at_a_paragraph_with_a_note(tmp_path):
    big = tmp_path / "big.md"
    big.write_text("---\ntitle: Big\n---\n" + "A paragraph about attention weights.\n\n" * 40_000)
    (post,) = list(load_source(str(big)))
    assert len(post.body) <= limits.POST_CHARACTERS and post.body.endswith("weights.")
    assert any("split it" in n and "big.md" in post.url for n in post.notes)


def test_one_bad_file_in_a_folder_never_stops_the_good_one(tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "good.md").write_text(SOFTMAX.read_text())
    (folder / "tags.md").write_text("---\ntitle: Tags\ntags: 7\n---\nThe softmax function maps "
                                    "scores to probabilities that sum to one.\n")
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    (folder / "bomb.md").write_text(f"---\n{bomb}---\nbody\n")
    db = str(tmp_path / "study.db")
    started = time.monotonic()
    result = cli("add", str(folder), "--db", db, "--json", "-q")
    assert time.monotonic() - started < 120
    report = json.loads(result.stdout)
    assert report["posts_new"] == 2 and report["new"] >= 5  # good.md and tags.md
    assert "bomb.md" in result.stderr and "aliases" in result.stderr


def test_escapes_and_invisible_characters_from_a_page_never_reach_the_terminal_or_store(tmp_path):
    page = (f"<html><head><title>{ESC_TITLE}</title>"
            f"<meta property='article:series' content='\u200bSeries\u200b&#27;[31m'></head>"
            f"<body><article><h1>{ESC_TITLE}</h1>{PROSE}</article></body></html>").encode()
    db = str(tmp_path / "study.db")
    with RouteServer({"/post": (200, {"Content-Type": "text/html"}, page)}) as base:
        table = cli("generate", base + "/post", "--format", "table")
        cli("add", base + "/post", "--db", db)
    outputs = [table.output, table.stderr, cli("due", "--db", db).output,
               cli("cards", "--db", db).output, cli("stats", "--db", db).output]
    for out in outputs:
        assert "\x1b" not in out and "\x07" not in out and "\u200b" not in out and "\u202e" not in out
    cards = json.loads(cli("cards", "--db", db, "--json").stdout)
    assert cards and {c["series"] for c in cards} == {"Series"}
    assert all("\x1b" not in c["post_title"] and "\u200b" not in c["post_title"] for c in cards)


def test_cloze_syntax_in_a_page_never_becomes_a_deletion_in_anki(tmp_path):
    anki = pytest.importorskip("anki.collection")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Cloze Trap\n---\n"
                    "The **softmax** function turns scores {{c9::into}} probabilities that sum to one, "
                    "and it was named by John Bridle in 1989.\n\n"
                    + SOFTMAX.read_text().split("---", 2)[2])
    deck = tmp_path / "deck.apkg"
    cli("generate", str(post), "--anki", str(deck), "-q")
    col = anki.Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(anki.ImportAnkiPackageRequest(
            package_path=str(deck), options=anki.ImportAnkiPackageOptions()))
        notes = [col.get_note(n) for n in col.find_notes("")]
        assert notes
        for note in notes:
            fields = " ".join(note.fields)
            assert "{{c9::" not in fields
            numbers = {int(n) for n in __import__("re").findall(r"\{\{c(\d+)::", fields)}
            assert len(note.cards()) == max(1, len(numbers))
    finally:
        col.close()


def test_a_fifo_or_device_as_a_source_is_named_for_what_it_is(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = cli("generate", str(fifo), ok=False)
    assert result.exit_code == 1 and "is a FIFO (named pipe), not a file" in result.stderr


def test_a_feed_is_read_up_to_its_newest_entries(tmp_path):
    count = limits.FEED_ENTRIES + 40
    items = "".join(f"<item><title>Post {i}</title><link>/a/{i}</link>"
                    f"<pubDate>Mon, {1 + i % 28:02d} Jan 2024 00:00:00 +0000</pubDate>"
                    f"<description>Short text {i}.</description></item>" for i in range(count))
    rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>{items}</channel></rss>"
    server = RouteServer({"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss.encode())})
    with server as base:
        items = list(load_source(base + "/feed.xml"))
    articles = [p for p in server.paths() if p.startswith("/a/")]
    assert len(articles) == limits.FEED_ENTRIES and len(items) == limits.FEED_ENTRIES
    assert any("only the newest" in n for item in items[:1] for n in item.notes)


def test_the_feed_budget_is_set_by_the_environment(monkeypatch):
    items = "".join(f"<item><title>Post {i}</title><link>/a/{i}</link>"
                    f"<description>Short text {i}.</description></item>" for i in range(12))
    rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>{items}</channel></rss>"
    with RouteServer({"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss.encode())}) as base:
        monkeypatch.setenv(limits.FEED_ENTRIES_VARIABLE, "5")
        assert [p.title for p in load_source(base + "/feed.xml")] == [f"Post {i}" for i in range(5)]
        monkeypatch.setenv(limits.FEED_ENTRIES_VARIABLE, "lots")
        with pytest.raises(StudykitError, match="STUDYKIT_FEED_ENTRIES"):
            list(load_source(base + "/feed.xml"))


def test_a_trickling_server_meets_the_whole_response_deadline():
    with RouteServer({"/slow": trickle(b"<p>x</p>", 40, 0.1)}) as base:
        started = time.monotonic()
        with pytest.raises(Exception) as error:
            fetch(base + "/slow", deadline=1.0)
        assert time.monotonic() - started < 3
    assert "took over 1s" in str(error.value)


def test_a_cut_short_body_is_called_cut_short():
    def truncated(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "5000")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b"<p>only part of it</p>")
        handler.close_connection = True

    with RouteServer({"/cut": truncated}) as base:
        items = list(load_source(base + "/cut"))
    assert len(items) == 1 and "broke off" in str(items[0])


def test_review_rows_survive_a_run_with_bad_sources(tmp_path):
    db = str(tmp_path / "study.db")
    cli("add", str(SOFTMAX), "--db", db, "-q")
    first = json.loads(cli("cards", "--db", db, "--json").stdout)[0]["id"]
    cli("grade", first, "good", "--db", db)
    before = review_rows(db)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    cli("add", str(fifo), str(tmp_path / "missing.md"), "--db", db, ok=False)
    assert review_rows(db) == before and before


INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060\ufeff"
HOSTILE_TEXT = st.lists(st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from(list(INVISIBLE) + ["\x1b[2J", "\x1b]52;c;SGk=\x07", "{{c1::", "}}", "\n"])),
    max_size=30).map("".join)
FRONT_VALUES = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(), HOSTILE_TEXT,
                         st.lists(HOSTILE_TEXT, max_size=3), st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=2))


def clean(value: str) -> bool:
    return not any(c in value for c in INVISIBLE) and not any(
        ord(c) < 32 and c not in "\t\n" or 0x7f <= ord(c) <= 0x9f for c in value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=FRONT_VALUES, series=FRONT_VALUES, tags=FRONT_VALUES, date=FRONT_VALUES,
       order=FRONT_VALUES, body=HOSTILE_TEXT)
def test_any_front_matter_and_text_pass_the_gate_clean(tmp_path, title, series, tags, date, order, body):
    import yaml

    meta = yaml.safe_dump({"title": title, "series": series, "tags": tags, "date": date,
                           "series_order": order}, allow_unicode=True)
    post = tmp_path / "post.md"
    post.write_text(f"---\n{meta}---\n{body}\n", encoding="utf-8")
    for item in load_source(str(post)):
        if isinstance(item, SourceError):
            assert "post.md" in str(item) and clean(str(item))
            continue
        for value in (item.title, item.series, item.url, item.body, item.summary, *item.tags):
            assert clean(value), repr(value)
        assert not re.search(r"\{\{\s*c\d+\s*::", item.body + item.title)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_as_any_source_kind_never_raise(tmp_path, data):
    for name in ("x.md", "x.html", "x.xml", "x.txt"):
        path = tmp_path / name
        path.write_bytes(data)
        for item in load_source(str(path)):
            text = str(item) if isinstance(item, SourceError) else item.title + item.body
            assert clean(text)
