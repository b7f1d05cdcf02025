"""Hostile input, end to end: bad feeds and pages, escapes and scripts, damaged databases.

Everything goes through the public paths (`load_source`, `read_posts`, the `studykit` CLI)
against a real HTTP server on 127.0.0.1 (tests/http_server.py). For every bad source the
contract is the same: exactly one error, naming the source and the reason, never a
traceback, and the good sources of the same run still give their posts.
"""

from __future__ import annotations

import sqlite3
import time
from functools import partial

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import studykit.sources.load as load_mod
from studykit.cli import main
from studykit.errors import SourceError
from studykit.generate import read_posts
from studykit.sanitize import strip_controls
from studykit.sources.fetch import fetch
from studykit.sources.html import extract_article, fragment_to_markdown
from studykit.sources.load import load_source
from studykit.store import open_store
from tests.http_server import RouteServer

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}
PROSE = (
    "<p>Attention is a mechanism that weights the values by the similarity of the queries "
    "and the keys. The transformer was introduced by Vaswani and colleagues in 2017.</p>"
)


def page(title: str, body: str = PROSE * 6) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>").encode()


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>'
            + "".join(items) + "</channel></rss>").encode()


def item(title: str, link: str, description: str = "") -> str:
    return f"<item><title>{title}</title><link>{link}</link><description>{description}</description></item>"


def slow(handler) -> None:
    time.sleep(3)
    handler.reply(200, HTML, page("Too late"))


# Every bad source: path -> (route, a word the error must contain).
BAD = {
    "/truncated.xml": ((200, RSS, rss(item("A", "/a"))[:90]), "malformed"),
    "/malformed.xml": ((200, RSS, b'<?xml version="1.0"?><rss version="2.0"><channel><<<>>></rss>'), "feed"),
    "/empty.xml": ((200, RSS, rss()), "no entries"),
    "/huge": ((200, HTML, b"<html><body><p>" + b"a" * 50_000_000), "limit"),
    "/binary": ((200, {"Content-Type": "application/octet-stream"}, bytes(range(256)) * 64), "not a text document"),
    "/binary-labelled-html": ((200, HTML, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64), "binary"),
    "/loop": ((302, {"Location": "/loop-back"}, b""), "redirect loop"),
    "/to-file": ((302, {"Location": "file:///etc/passwd"}, b""), "refusing"),
    "/gone-404": ((404, HTML, b"no"), "404"),
    "/gone-410": ((410, HTML, b"gone"), "410"),
    "/broken-500": ((500, HTML, b"oops"), "500"),
    "/busy-429": ((429, {"Retry-After": "3600"}, b""), "rate limiting"),
    "/slow": (slow, "timed out"),
}
GOOD = {
    "/good": (200, HTML, page("Good page")),
    "/feed.xml": (200, RSS, rss(item("Feed post", "/feed-post"))),
    "/feed-post": (200, HTML, page("Feed post")),
    # wrong or missing charsets: read, not garbled and not fatal
    "/wrong-charset": (200, {"Content-Type": "text/html; charset=utf-16"}, page("Wrong charset")),
    "/no-charset": (200, {"Content-Type": "text/html"}, page("No charset — déjà vu")),
    "/bogus-charset": (200, {"Content-Type": "text/html; charset=x-no-such"}, page("Bogus charset")),
    # a single 5 MB line and 100,000 nested divs: read in bounded time
    "/one-line": (200, HTML, page("One line", "<p>" + "word " * 1_000_000 + "</p>")),
    "/deep": (200, HTML, page("Deep", "<div>" * 100_000 + PROSE + "</div>" * 100_000)),
}
GOOD_TITLES = {"Good page", "Feed post", "Wrong charset", "No charset — déjà vu", "Bogus charset",
               "One line", "Deep"}


@pytest.fixture
def server(monkeypatch):
    """The hostile web, with a 1 s timeout and a 0.2 s Retry-After bound so the run is quick."""
    routes = {path: route for path, (route, _) in BAD.items()} | GOOD
    routes["/loop-back"] = (302, {"Location": "/loop"}, b"")
    monkeypatch.setattr(load_mod, "fetch", partial(fetch, timeout=1.0, max_retry_wait=0.2))
    srv = RouteServer(routes)
    with srv as base:
        srv.base = base
        yield srv


def test_every_bad_source_gives_one_error_naming_it_and_the_good_ones_are_read(server):
    base = server.base
    refused = "http://127.0.0.1:1/refused"
    sources = [base + p for p in BAD] + [base + p for p in GOOD if p != "/feed-post"] + [refused]
    started = time.monotonic()
    posts, errors = read_posts(sources)
    assert time.monotonic() - started < 30
    assert {p.title for p in posts} == GOOD_TITLES
    for post in posts:
        assert "\ufffd" not in post.title and post.body.strip()
    by_source = {}
    for error in errors:
        assert isinstance(error, SourceError)
        assert "\n" not in str(error)
        assert str(error).startswith(error.source + ": ")
        by_source.setdefault(error.source, []).append(error)
    for path, (_, reason) in BAD.items():
        found = by_source.get(base + path, [])
        assert len(found) == 1, (path, found)
        assert reason in str(found[0]).lower() or reason in str(found[0]), (path, str(found[0]))
    assert len(by_source[refused]) == 1 and "could not connect" in str(by_source[refused][0])
    assert len(errors) == len(BAD) + 1


def test_retry_after_is_honoured_and_bounded():
    srv = RouteServer({
        "/once": [(429, {"Retry-After": "1"}, b""), (200, HTML, page("After the wait"))],
        "/forever": (429, {"Retry-After": "3600"}, b""),
    })
    with srv as base:
        started = time.monotonic()
        (post,) = load_source(base + "/once")
        waited = time.monotonic() - started
        assert post.title == "After the wait" and 1.0 <= waited < 5
        started = time.monotonic()
        (error,) = load_source(base + "/forever", partial(fetch, max_retry_wait=0.5))
        assert isinstance(error, SourceError) and "rate limiting" in str(error)
        assert time.monotonic() - started < 5  # 2 retries at most 0.5 s each, not an hour
    assert srv.paths().count("/forever") == 3


def test_html_page_given_as_a_feed_and_non_http_links_in_a_feed(server, tmp_path):
    base = server.base
    as_feed = tmp_path / "page.xml"
    as_feed.write_bytes(page("Not a feed"))
    hostile = tmp_path / "links.xml"
    hostile.write_bytes(rss(item("Passwd", "file:///etc/passwd"),
                            item("Script", "javascript:alert(1)"),
                            item("Data", "data:text/html,<script>alert(1)</script>"),
                            item("Good", base + "/good")))
    posts, errors = read_posts([str(as_feed), str(hostile)])
    assert [p.title for p in posts] == ["Good"]  # the feed names its entries
    messages = [str(e) for e in errors]
    assert len(messages) == 4
    assert messages[0].startswith(str(as_feed)) and "not a readable RSS/Atom feed" in messages[0]
    for scheme in ("file", "javascript", "data"):
        assert any(f"scheme '{scheme}' refused" in m for m in messages), (scheme, messages)


def test_generate_cli_reports_each_bad_source_in_one_line_and_no_traceback(server, nlp):
    base = server.base
    bad = [base + "/truncated.xml", base + "/empty.xml", base + "/huge", base + "/binary",
           base + "/loop", base + "/gone-404", base + "/broken-500", base + "/busy-429",
           base + "/slow", "http://127.0.0.1:1/refused", "file:///etc/passwd"]
    result = CliRunner().invoke(main, ["generate", *bad, base + "/good", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("studykit: error:")]
    assert len(error_lines) == len(bad)
    for source in bad:
        assert sum(source + ":" in line for line in error_lines) == 1, (source, error_lines)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout.strip(), "the good page still gives cards"


def test_nothing_readable_exits_1_with_one_line_per_source(server):
    base = server.base
    result = CliRunner().invoke(main, ["generate", base + "/gone-404", base + "/empty.xml", "-q"])
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit
    assert len([line for line in result.stderr.splitlines() if line.startswith("studykit: error:")]) == 2
    assert "Traceback" not in result.stderr


# ---- active content and terminal escapes --------------------------------------------------

HOSTILE_BODY = (
    "<p onclick=\"alert(1)\" onmouseover='alert(2)'>Attention weights the values \x1b[31mby\x1b[0m the "
    "[bold red]similarity[/bold red] of queries and keys. <a href=\"javascript:alert(3)\">Read more</a> "
    "and <a href=\"data:text/html,x\">this</a>.</p>"
    "<script>alert('script')</script><style>body{display:none}</style>"
    "<iframe src=\"https://evil.example/\">framed text</iframe>"
    "<img src=x onerror=\"alert(4)\"><svg onload=\"alert(5)\"><text>svg</text></svg>"
    "<p>A title can set the terminal title: \x1b]0;pwned\x07 and clear it \x1b[2J\x9b31m.</p>"
) + PROSE * 4


def test_scripts_handlers_js_links_and_escapes_never_leave_a_page():
    srv = RouteServer({"/p": (200, HTML, page("Evil\x1b[31m title\x1b]0;pwned\x07", HOSTILE_BODY)),
                       "/feed.xml": (200, RSS, rss(item("Entry \x1b[2J title", "/missing",
                                                        "&lt;script&gt;alert(1)&lt;/script&gt;" + "Attention weights values.")))})
    with srv as base:
        posts, errors = read_posts([base + "/p", base + "/feed.xml"])
    texts = [p.title + "\n" + p.body + "\n" + p.summary + "\n" + "\n".join(p.notes) for p in posts]
    texts += [str(e) for e in errors]
    assert len(posts) == 2
    for text in texts:
        for bad in ("\x1b", "\x07", "\x9b", "alert(", "javascript:", "data:text", "onclick", "onerror",
                    "onload", "framed text", "display:none"):
            assert bad not in text, (bad, text)
    assert posts[0].title == "Evil title"
    assert " ".join(posts[1].title.split()) == "Entry title"


def test_cli_table_and_error_lines_carry_no_escape_sequences(nlp, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(item("Broken \x1b]0;pwned\x07 entry", "https://127.0.0.1:1/x"),
                         item("Bad link", "file:///etc/\x1b[2J\x1b]0;pwned\x07passwd")))
    srv = RouteServer({"/p": (200, HTML, page("Evil\x1b[31m title", HOSTILE_BODY))})
    with srv as base:
        result = CliRunner().invoke(main, ["generate", base + "/p", str(feed), "--format", "table"])
    assert result.exit_code == 0
    assert "studykit: error:" in result.stderr and "Broken" in result.stderr
    assert "scheme 'file' refused" in result.stderr
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\x07" not in stream


# ---- local files -------------------------------------------------------------------------

def test_local_hostile_html_files_are_read_in_bounded_time_or_refused(tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "deep.html").write_bytes(page("Deep", "<div>" * 100_000 + PROSE + "</div>" * 100_000))
    (folder / "line.html").write_bytes(page("Line", "<p>" + "word " * 1_000_000 + "</p>"))
    (folder / "huge.html").write_bytes(b"<p>" + b"a" * 21_000_000)
    (folder / "binary.html").write_bytes(b"\x00\x01\x02" * 1000)
    (folder / "good.md").write_text("---\ntitle: Good\n---\n" + "Attention weights values. " * 50)
    started = time.monotonic()
    posts, errors = read_posts([str(folder)])
    assert time.monotonic() - started < 30
    assert sorted(p.title for p in posts) == ["Deep", "Good", "Line"]
    assert sorted(e.source.rsplit("/", 1)[-1] for e in errors) == ["binary.html", "huge.html"]
    assert all("\n" not in str(e) for e in errors)


# ---- the study database ------------------------------------------------------------------

def test_a_damaged_sqlite_file_is_refused_in_one_line_and_left_untouched(tmp_path):
    db = tmp_path / "study.sqlite"
    with open_store(db) as st:
        st.set_setting("fuzz", "off")
    data = bytearray(db.read_bytes())
    data[100:] = b"\xde\xad\xbe\xef" * ((len(data) - 100) // 4)  # keep the header, wreck the pages
    db.write_bytes(bytes(data))
    before = db.read_bytes()
    result = CliRunner().invoke(main, ["due", "--db", str(db)])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studykit: error:") and str(db) in lines[0]
    assert "Traceback" not in result.output
    assert db.read_bytes() == before
    assert not (tmp_path / "study.sqlite-wal").exists() or (tmp_path / "study.sqlite-wal").stat().st_size == 0
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("PRAGMA integrity_check").fetchall()


# ---- properties: extraction and sanitizing never fail on arbitrary input --------------------

MARKUPISH = st.text(alphabet=st.sampled_from(list("<>/=\"' abcdivpscript\x1b[]\x07\x00\x9b$\\{}&;#\n")) |
                    st.characters(), max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKUPISH)
def test_html_extraction_never_fails_and_never_keeps_escapes(text):
    article = extract_article(text)
    fragment = fragment_to_markdown(text)
    for out in (article.title, article.body, article.description, fragment, *article.tags):
        assert "\x1b" not in out and "\x00" not in out and "\x9b" not in out


@given(st.text(max_size=300))
def test_strip_controls_is_idempotent_and_keeps_tabs_newlines_and_text(text):
    once = strip_controls(text)
    assert strip_controls(once) == once
    assert not any(ord(c) < 32 and c not in "\t\n" for c in once)
    assert not any(0x7F <= ord(c) <= 0x9F for c in once)
    if not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text):
        assert once == text
