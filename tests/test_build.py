"""`studykit build` over deck specs: a feed served by a real HTTP server on 127.0.0.1
(tests/http_server.py), a Markdown folder and a local HTML file, built into an .apkg and a
JSONL; then rebuilt incrementally (no NLP, one 304), with a post added, with a failing
source, and with a store. Runs in-process through click's CliRunner (spaCy loads once).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from studykit.cli import main
from studykit.store import open_store

try:
    from tests.http_server import RouteServer
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from http_server import RouteServer

ARTICLES = {
    "/posts/validators/": ("Caching Notes (1): HTTP Validators", datetime(2025, 3, 1, tzinfo=timezone.utc), """
<p>An <strong>ETag</strong> is an opaque identifier that a web server assigns to one version of a
resource. A client that cached the resource sends it back in the If-None-Match header, and the
server answers with status 304 when nothing changed, so the body is not sent again.</p>
<p>The Last-Modified header carries the time of the last change instead. HTTP/1.1 was first
specified by RFC 2068 in 1997, and it made conditional requests a standard part of the web.</p>
<p>The hit ratio of a cache is the share of requests it answers itself:</p>
<p>$$h = \\frac{n_{\\text{hit}}}{n_{\\text{hit}} + n_{\\text{miss}}}$$</p>
<p>A cache with a hit ratio of 0.9 sends only one request in ten to the origin server.</p>
"""),
    "/posts/eviction/": ("Caching Notes (2): Eviction Policies", datetime(2025, 4, 1, tzinfo=timezone.utc), """
<p><strong>Least recently used</strong> eviction removes the entry that was read longest ago
when the cache is full. It works well when recent use predicts future use.</p>
<p>The <strong>least frequently used</strong> policy counts reads per entry and evicts the
entry with the fewest reads. Laszlo Belady described the optimal offline policy in 1966: it
evicts the entry whose next use lies furthest in the future.</p>
<p>A cache of 1,000 entries with LRU eviction needs a hash map and a doubly linked list.</p>
"""),
}
NEW_ARTICLE = ("/posts/bloom/", "Caching Notes (3): Bloom Filters", datetime(2025, 5, 1, tzinfo=timezone.utc), """
<p>A <strong>Bloom filter</strong> is a probabilistic set that answers membership queries with
no false negatives. Burton Howard Bloom introduced it in 1970 to save memory in hyphenation
programs.</p>
<p>The false positive rate of a Bloom filter with m bits, k hash functions and n items is about:</p>
<p>$$p = \\left(1 - e^{-kn/m}\\right)^k$$</p>
<p>Web caches use Bloom filters to avoid storing pages that are requested only once.</p>
""")
MARKDOWN_POST = """---
title: "Heat Equation Basics"
date: 2024-06-01
tags: [physics]
---

The **heat equation** is a partial differential equation that describes how temperature
spreads through a material over time. Joseph Fourier introduced it in 1822 in his work on
heat conduction.

The thermal diffusivity $\\alpha$ sets how fast heat spreads:

$$\\frac{\\partial u}{\\partial t} = \\alpha \\nabla^2 u$$

Copper has a thermal diffusivity of about 111 square millimetres per second, far higher
than that of glass.
"""
HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Softmax Basics</title>
<meta property="article:published_time" content="2024-01-15T09:00:00+00:00"></head>
<body><article><h1>Softmax Basics</h1>
<p>The <strong>softmax function</strong> turns a vector of real numbers into a probability
distribution. Each output is positive and the outputs sum to one.</p>
<p>Dividing the logits by a temperature $T$ before the softmax makes the distribution flatter
when $T$ is above 1 and sharper when $T$ is below 1.</p>
<p>$$\\sigma(z)_i = \\frac{e^{z_i / T}}{\\sum_j e^{z_j / T}}$$</p>
<p>Geoffrey Hinton popularised the temperature trick for knowledge distillation in 2015.</p>
</article></body></html>
"""


def page(title: str, when: datetime, body: str) -> bytes:
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<meta property=\"article:published_time\" content=\"{when.isoformat()}\"></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


class Blog:
    """A small site on a RouteServer: a feed and article pages, with ETags and 304s."""

    def __init__(self) -> None:
        self.server = RouteServer({})
        self.base = ""
        self.entries: list[tuple[str, str, datetime, str]] = []

    def __enter__(self) -> Blog:
        self.base = self.server.__enter__()
        for path, (title, when, body) in ARTICLES.items():
            self.add(path, title, when, body)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    def add(self, path: str, title: str, when: datetime, body: str) -> None:
        self.entries.append((path, title, when, body))
        self.serve(path, "text/html; charset=utf-8", page(title, when, body))
        self.serve("/feed.xml", "application/rss+xml; charset=utf-8", self.feed())

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{title}</title><link>{self.base}{path}</link>"
            f"<pubDate>{format_datetime(when)}</pubDate><description>Short summary.</description></item>"
            for path, title, when, _ in self.entries)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Caching Notes</title><link>{self.base}/</link><description>Tests.</description>"
                f"{items}</channel></rss>").encode()

    def serve(self, path: str, content_type: str, body: bytes) -> None:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

        def answer(handler) -> None:
            if handler.headers.get("If-None-Match") == etag:
                handler.reply(304, {"ETag": etag}, b"")
            else:
                handler.reply(200, {"Content-Type": content_type, "ETag": etag}, body)
        self.server.routes[path] = answer

    def statuses(self) -> list[tuple[str, bool]]:
        """(path, conditional?) of every request so far."""
        return [(r.path, "if-none-match" in r.headers) for r in self.server.requests]


@pytest.fixture
def blog():
    with Blog() as site:
        yield site


def write_spec(folder: Path, sources: list[str], name: str = "test", extra: str = "",
               outputs: str = 'anki = "out/test.apkg"\njsonl = "out/test.jsonl"') -> Path:
    (folder / "decks").mkdir(exist_ok=True)
    spec = folder / "decks" / f"{name}.toml"
    spec.write_text(f"name = {json.dumps(name)}\nsources = {json.dumps(sources)}\n{extra}\n"
                    f"[outputs]\n{outputs}\n", encoding="utf-8")
    return spec


@pytest.fixture
def spec(tmp_path, blog, nlp) -> Path:
    posts = tmp_path / "notes"
    posts.mkdir()
    (posts / "heat.md").write_text(MARKDOWN_POST, encoding="utf-8")
    (tmp_path / "softmax.html").write_text(HTML_PAGE, encoding="utf-8")
    # Sources relative to the spec file (decks/), the feed over HTTP.
    return write_spec(tmp_path, [blog.base + "/feed.xml", "../notes", "../softmax.html"])


def build(*args: str, code: int = 0, env: dict | None = None) -> dict:
    result = CliRunner().invoke(main, ["build", "--json", *args], env=env)
    assert result.exit_code == code, (result.output, result.stderr, result.exception)
    summary = json.loads(result.stdout)
    summary["_stderr"] = result.stderr
    return summary


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def no_nlp(monkeypatch) -> None:
    """Make any spaCy extraction fail the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("extraction ran although nothing changed")
    monkeypatch.setattr("studykit.extract.extract_all", refuse)


def test_spec_with_feed_folder_and_html_file_builds_apkg_and_jsonl(spec, blog):
    summary = build(str(spec))
    assert summary["exit_code"] == 0 and summary["failed"] == []
    assert summary["posts"] == 4 and summary["posts_extracted"] == 4 and summary["posts_skipped"] == 0
    out = spec.parent / "out"
    cards = jsonl(out / "test.jsonl")
    assert summary["cards"]["total"] == summary["cards"]["new"] == len({c["id"] for c in cards})
    titles = {c["post_title"] for c in cards}
    assert all(sum(c["post_title"] == t for c in cards) >= 2 for t in titles)  # every post, several cards
    assert titles == {"Caching Notes (1): HTTP Validators", "Caching Notes (2): Eviction Policies",
                      "Heat Equation Basics", "Softmax Basics"}
    assert {c["series"] for c in cards} == {"Caching Notes", "Standalone"}
    for card in cards:
        assert {"id", "kind", "front", "back", "series", "post_title", "post_url", "tags"} <= set(card)
    with zipfile.ZipFile(out / "test.apkg") as z:
        (out / "collection.anki2").write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(out / "collection.anki2") as db:
        assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == len(cards)
    written = {o["kind"]: o for o in summary["outputs"]}
    assert written["anki"]["written"] and written["jsonl"]["written"]
    assert written["jsonl"]["path"].endswith("test.jsonl")
    # Every page was fetched once, without validators (nothing cached yet).
    assert sorted(blog.statuses()) == sorted([("/feed.xml", False), ("/posts/validators/", False),
                                              ("/posts/eviction/", False)])


def test_second_run_does_no_nlp_and_the_feed_answers_304(spec, blog, monkeypatch):
    first = build(str(spec))
    cold = (spec.parent / "out" / "test.jsonl").read_bytes()
    apkg = spec.parent / "out" / "test.apkg"
    apkg_stat = apkg.stat()
    blog.server.requests.clear()
    no_nlp(monkeypatch)

    again = build(str(spec))
    assert again["posts_extracted"] == 0 and again["posts_skipped"] == again["posts"] == 4
    assert again["cards"] == {**first["cards"], "new": 0, "unchanged": first["cards"]["total"]}
    # The unchanged feed cost one conditional request, answered 304; no article was fetched.
    assert blog.statuses() == [("/feed.xml", True)]
    assert again["http"] == {"requests": 1, "not_modified": 1}
    # The folder and the file are untouched (same sizes and times): not even parsed again.
    assert [s["status"] for s in again["specs"][0]["sources"]] == ["unchanged"] * 3
    # The outputs are the same, and were not even rewritten.
    assert (spec.parent / "out" / "test.jsonl").read_bytes() == cold
    assert apkg.stat().st_mtime_ns == apkg_stat.st_mtime_ns
    assert [o["written"] for o in again["outputs"]] == [False, False]


def test_adding_a_post_to_the_feed_adds_only_its_cards(spec, blog):
    build(str(spec))
    before = jsonl(spec.parent / "out" / "test.jsonl")
    blog.server.requests.clear()
    blog.add(*NEW_ARTICLE)

    summary = build(str(spec))
    after = jsonl(spec.parent / "out" / "test.jsonl")
    assert summary["posts_extracted"] == 1 and summary["posts"] == 5
    added = [c for c in after if c["post_title"].endswith("Bloom Filters")]
    assert added and summary["cards"]["new"] == len(added)
    assert summary["cards"]["changed"] == summary["cards"]["retired"] == 0
    assert [c for c in after if not c["post_title"].endswith("Bloom Filters")] == before
    # The feed changed (200); the known articles were asked for conditionally and not sent again.
    assert sorted(blog.statuses()) == sorted([("/feed.xml", True), ("/posts/bloom/", False),
                                              ("/posts/validators/", True), ("/posts/eviction/", True)])
    assert summary["http"] == {"requests": 4, "not_modified": 2}


def test_a_failing_source_does_not_stop_the_others_and_exits_1(tmp_path, blog, nlp):
    (tmp_path / "softmax.html").write_text(HTML_PAGE, encoding="utf-8")
    spec = write_spec(tmp_path, [blog.base + "/missing.xml", "../softmax.html", "../no-such-folder"])
    summary = build(str(spec), code=1)
    assert summary["exit_code"] == 1
    reasons = {f["source"]: f["reason"] for f in summary["failed"]}
    assert reasons[blog.base + "/missing.xml"] == "HTTP 404 Not Found"
    assert "no such file" in next(r for s, r in reasons.items() if s.endswith("no-such-folder"))
    assert summary["posts_failed"] == 2
    assert [s["status"] for s in summary["specs"][0]["sources"]] == ["failed", "read", "failed"]
    cards = jsonl(tmp_path / "decks" / "out" / "test.jsonl")
    assert cards and {c["post_title"] for c in cards} == {"Softmax Basics"}
    assert (tmp_path / "decks" / "out" / "test.apkg").is_file()
    assert f"studykit: error: {summary['failed'][0]['spec']}: {blog.base}/missing.xml: HTTP 404" in summary["_stderr"]
    # Failures are never cached away: the next run tries again and says so again.
    again = build(str(spec), code=1)
    assert again["failed"] == summary["failed"] and again["posts_extracted"] == 0


def test_a_broken_file_in_a_folder_is_reported_on_every_run(tmp_path, nlp):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "heat.md").write_text(MARKDOWN_POST, encoding="utf-8")
    (tmp_path / "notes" / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    spec = write_spec(tmp_path, ["../notes"])
    for _ in range(2):
        summary = build(str(spec), code=1)
        assert [f["source"].endswith("broken.md") for f in summary["failed"]] == [True]
        assert summary["posts"] == 1 and summary["specs"][0]["sources"][0]["status"] == "partial"
    (tmp_path / "notes" / "broken.md").write_text("---\ntitle: Fixed\n---\nText.\n", encoding="utf-8")
    assert build(str(spec))["posts"] == 2


def test_a_source_that_fails_later_keeps_its_cards(spec, blog, monkeypatch):
    first = build(str(spec))
    cards = (spec.parent / "out" / "test.jsonl").read_bytes()
    blog.server.routes["/feed.xml"] = (500, {"Content-Type": "text/plain"}, b"down")
    no_nlp(monkeypatch)

    summary = build(str(spec), code=1)
    assert summary["failed"][0]["reason"] == "HTTP 500 Internal Server Error"
    assert summary["posts_kept"] == 2 and summary["posts"] == 4
    assert summary["cards"]["retired"] == 0 and summary["cards"]["total"] == first["cards"]["total"]
    assert (spec.parent / "out" / "test.jsonl").read_bytes() == cards
    assert "kept 2 post(s) of the last build" in " ".join(summary["specs"][0]["notes"])


def test_a_post_gone_from_the_feed_keeps_its_cards_and_a_deleted_file_retires_them(spec, blog):
    build(str(spec))
    blog.entries = blog.entries[1:]  # the feed now lists only its latest entry
    blog.serve("/feed.xml", "application/rss+xml; charset=utf-8", blog.feed())
    (spec.parent.parent / "notes" / "heat.md").unlink()
    (spec.parent.parent / "notes" / "other.md").write_text("# Other\n\nA short note.\n", encoding="utf-8")

    summary = build(str(spec))
    titles = {c["post_title"] for c in jsonl(spec.parent / "out" / "test.jsonl")}
    assert "Caching Notes (1): HTTP Validators" in titles and "Heat Equation Basics" not in titles
    assert summary["posts_kept"] == 1
    assert summary["cards"]["retired"] > 0 and summary["cards"]["changed"] == 0


def test_editing_an_early_post_gives_the_cards_of_a_full_build(spec, blog, tmp_path, monkeypatch):
    build(str(spec))
    title, when, body = ARTICLES["/posts/validators/"]
    blog.entries = [e for e in blog.entries if e[0] != "/posts/validators/"]
    blog.add("/posts/validators/", title, when,
             body + "<p>The <strong>Least recently used</strong> policy removes the entry read longest ago.</p>")
    warm = build(str(spec))
    assert warm["posts_extracted"] == 1
    warm_cards = (spec.parent / "out" / "test.jsonl").read_bytes()

    monkeypatch.setenv("STUDYKIT_HOME", str(tmp_path / "cold-home"))
    cold = build(str(spec), "--no-cache")
    assert cold["posts_extracted"] == 4
    assert (spec.parent / "out" / "test.jsonl").read_bytes() == warm_cards


def test_warm_rebuild_writes_the_same_jsonl_as_a_cold_build_of_the_sample(tmp_path, nlp, monkeypatch):
    repo = Path(__file__).resolve().parents[1]
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "sample.toml").write_text((repo / "decks" / "sample.toml").read_text())
    shutil.copytree(repo / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    cold = build()  # no SPEC: every decks/*.toml
    out = tmp_path / "decks" / "out" / "sample.jsonl"
    cold_bytes = out.read_bytes()
    out.unlink()
    no_nlp(monkeypatch)
    warm = build()
    assert warm["posts_extracted"] == 0 and cold["posts_extracted"] == 7
    assert out.read_bytes() == cold_bytes
    assert warm["outputs"][1] == {**cold["outputs"][1], "written": True}


def test_store_true_adds_to_the_study_store(spec, tmp_path):
    write_spec(spec.parent.parent, [str(spec.parent.parent / "softmax.html")], name="stored",
               outputs='anki = "out/stored.apkg"\nstore = true')
    db = tmp_path / "study.db"
    first = build(str(spec.parent / "stored.toml"), "--db", str(db))
    store_out = next(o for o in first["outputs"] if o["kind"] == "store")
    assert store_out["path"] == str(db) and store_out["new"] == first["cards"]["total"] > 0
    with open_store(db) as store:
        assert len(store.cards()) == first["cards"]["total"]
    again = build(str(spec.parent / "stored.toml"), env={"STUDYKIT_DB": str(db)})
    store_out = next(o for o in again["outputs"] if o["kind"] == "store")
    assert store_out["new"] == 0 and store_out["unchanged"] == first["cards"]["total"]


def test_filters_pick_series_dates_kinds_and_caps(spec, blog):
    write_spec(spec.parent.parent, [blog.base + "/feed.xml", "../notes", "../softmax.html"], name="filtered",
               extra='[filters]\nexclude_series = ["caching-notes"]\nsince = 2024-03-01\n'
                     'kinds = ["cloze"]\nmax_cards_per_post = 2',
               outputs='jsonl = "out/filtered.jsonl"')
    summary = build(str(spec.parent / "filtered.toml"))
    cards = jsonl(spec.parent / "out" / "filtered.jsonl")
    assert summary["posts_filtered"] == 3  # two of the series, one before the date
    assert {c["post_title"] for c in cards} == {"Heat Equation Basics"}
    assert {c["kind"] for c in cards} == {"cloze"} and len(cards) <= 2


# ---- specs that are not valid: exit 2, naming file, key and what is expected ----------------


def run_cli(*args: str):
    return CliRunner().invoke(main, ["build", *args])


@pytest.mark.parametrize(("content", "expected"), [
    ('sources = ["a.md", 3]\n[outputs]\njsonl = "x.jsonl"',
     "key 'sources[1]': expected a feed URL or file, an article URL or file, or a folder of posts, as a string, got 3"),
    ('sources = ["ftp://example.org/feed"]\n[outputs]\njsonl = "x.jsonl"',
     "key 'sources[0]': expected an http:// or https:// URL or a local path, got 'ftp://example.org/feed'"),
    ('sources = ["a.md"]\ncolour = "red"\n[outputs]\njsonl = "x.jsonl"',
     "key 'colour': unknown key (expected one of: name, deck_root, sources, filters, outputs)"),
    ('sources = ["a.md"]\n[filters]\nsince = "last week"\n[outputs]\njsonl = "x.jsonl"',
     "key 'filters.since': expected a date such as 2025-01-01, got 'last week'"),
    ('sources = ["a.md"]\n[filters]\nkinds = ["qa", "essay"]\n[outputs]\njsonl = "x.jsonl"',
     "key 'filters.kinds[1]': expected 'qa', 'cloze' or 'formula', got 'essay'"),
    ('sources = ["a.md"]\n[outputs]\nanki = "deck.zip"',
     "key 'outputs.anki': expected a file name ending in .apkg, got 'deck.zip'"),
    ('sources = ["a.md"]\n[outputs]\nstore = false',
     "key 'outputs': expected at least one of anki"),
    ('sources = "a.md"\n[outputs]\njsonl = "x.jsonl"', "key 'sources': expected a list of sources"),
    ('[outputs]\njsonl = "x.jsonl"', "key 'sources': missing (expected a list of sources"),
    ('sources = ["a.md"\n', "not valid TOML: "),
])
def test_an_invalid_spec_is_a_usage_error_naming_file_and_key(tmp_path, monkeypatch, content, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "x.toml").write_text(content, encoding="utf-8")
    result = run_cli("decks/x.toml")
    assert result.exit_code == 2
    assert f"studykit: error: decks/x.toml: {expected}" in result.stderr
    assert result.stdout == ""


def test_no_specs_and_missing_spec_are_usage_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli()
    assert result.exit_code == 2 and "no decks/ folder here" in result.stderr
    (tmp_path / "decks").mkdir()
    result = run_cli()
    assert result.exit_code == 2 and "no deck specs (*.toml)" in result.stderr
    result = run_cli("nope.toml")
    assert result.exit_code == 2 and "nope.toml: no such deck spec file" in result.stderr
    assert run_cli("--jobs", "0").exit_code == 2


def test_plain_progress_is_one_line_per_post_and_quiet_silences_it(spec):
    result = CliRunner().invoke(main, ["build", str(spec)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "read Caching Notes (1): HTTP Validators" in lines and "read Heat Equation Basics" in lines
    assert sum(line.startswith("extracted ") for line in lines) == 4
    assert result.stdout.startswith("test: 4 post(s) (4 extracted, 0 unchanged)")
    quiet = CliRunner().invoke(main, ["build", str(spec), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert quiet.stdout.startswith("test: 4 post(s) (0 extracted, 4 unchanged)")


def test_an_article_that_cannot_be_fetched_keeps_the_one_read_before(spec, blog):
    build(str(spec))
    before = jsonl(spec.parent / "out" / "test.jsonl")
    blog.server.routes["/posts/eviction/"] = (503, {"Content-Type": "text/plain"}, b"busy")
    blog.add(*NEW_ARTICLE)  # the feed changed: its entries are read again

    summary = build(str(spec))
    assert summary["exit_code"] == 0
    notes = " ".join(summary["specs"][0]["notes"])
    assert "full article unavailable (HTTP 503" in notes and "kept the article read before" in notes
    after = jsonl(spec.parent / "out" / "test.jsonl")
    assert [c for c in after if c["post_title"].endswith("Eviction Policies")] == \
        [c for c in before if c["post_title"].endswith("Eviction Policies")]
    assert summary["cards"]["retired"] == 0
    # Still down on the next run (the feed unchanged): the article read before still holds.
    blog.server.requests.clear()
    again = build(str(spec))
    assert "kept the article read before" in " ".join(again["specs"][0]["notes"])
    assert (blog.base and ("/posts/eviction/", True) in blog.statuses())  # asked again, conditionally
    assert jsonl(spec.parent / "out" / "test.jsonl") == after


def test_a_deleted_package_is_written_again_byte_for_byte(spec):
    build(str(spec))
    apkg = spec.parent / "out" / "test.apkg"
    first = apkg.read_bytes()
    apkg.unlink()
    summary = build(str(spec))
    assert [o["written"] for o in summary["outputs"]] == [True, False]
    assert apkg.read_bytes() == first


def test_console_exit_codes_and_streams(tmp_path):
    """The real entry point: 1 when a source failed (summary on stdout, error on stderr),
    2 for a bad spec."""
    import os
    import subprocess
    import sys

    spec = write_spec(tmp_path, ["../nothing-here"], outputs='jsonl = "out/x.jsonl"')
    env = {**os.environ, "STUDYKIT_HOME": str(tmp_path / "home")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from studykit.cli import run; run()", "build", *args],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)

    failed = run(str(spec))
    assert failed.returncode == 1
    assert failed.stdout.startswith("test: 0 post(s)")
    assert "studykit: error: decks/test.toml: " in failed.stderr and "no such file" in failed.stderr
    (tmp_path / "decks" / "bad.toml").write_text('sources = []\n[outputs]\nstore = true\n')
    bad = run()
    assert bad.returncode == 2 and bad.stdout == ""
    assert "studykit: error: decks/bad.toml: key 'sources': expected at least one item" in bad.stderr
