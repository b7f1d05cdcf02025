"""Dates from pages and feeds are bounded (issue 14): a `<meta>`, `<time>`, JSON-LD or feed
entry date far in the past or future, absurd or garbage is no date, never a crash, with the
same range as front matter (`limits.EARLIEST_DATE` to before `limits.LATEST_DATE`). Real
HTTP server on 127.0.0.1, the real CLI, the real SQLite store."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from studykit import limits
from studykit.cli import main
from studykit.sources import dates
from tests.http_server import RouteServer

PROSE = ("<p>Attention is a mechanism that weights the values by the similarity of the queries "
         "and the keys. The transformer was introduced by Vaswani and colleagues in 2017.</p>") * 4
# Each was once stored as a year 0/999/10000 date, raised, or lost the whole feed.
ABSURD = ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00", "0999-12-31", "99999-01-01T00:00:00Z",
          "9999-12-31T23:59:59-10:00", "1e30", "1000000000000000000000000000000", "garbage", "-5"]
GOOD = "2024-03-05T10:00:00+00:00"


def page(title: str, date: str) -> bytes:
    return (f"<html><head><title>{title}</title>"
            f"<meta property='article:published_time' content='{date}'>"
            f"<script type='application/ld+json'>{{\"datePublished\": \"{date}\"}}</script></head>"
            f"<body><article><h1>{title}</h1><time datetime='{date}'>then</time>{PROSE}"
            f"</article></body></html>").encode()


def stored_dates(db: str) -> dict[str, str | None]:
    with sqlite3.connect(db) as conn:
        return {title: published or None for title, published
                in conn.execute("SELECT title, published FROM posts")}


def add(*sources: str, db: str) -> str:
    result = CliRunner().invoke(main, ["add", *sources, "--db", db])
    assert "Traceback" not in result.output + result.stderr and result.exception is None, result.output
    assert result.exit_code == 0, result.stderr
    return result.stderr


def test_absurd_page_dates_are_no_date(tmp_path):
    routes = {f"/p{i}": (200, {"Content-Type": "text/html"}, page(f"Page {i}", date))
              for i, date in enumerate(ABSURD)}
    routes["/good"] = (200, {"Content-Type": "text/html"}, page("Good page", GOOD))
    db = str(tmp_path / "study.db")
    with RouteServer(routes) as base:
        add(*(base + path for path in routes), db=db)
    stored = stored_dates(db)
    assert stored == {**{f"Page {i}": None for i in range(len(ABSURD))}, "Good page": GOOD}


def feed(items: list[tuple[str, str]], atom: bool) -> bytes:
    if atom:
        entries = "".join(f"<entry><title>{t}</title><link href='/a/{i}'/><updated>{d}</updated>"
                          f"<summary>Short text.</summary></entry>" for i, (t, d) in enumerate(items))
        return f"<feed xmlns='http://www.w3.org/2005/Atom'><title>F</title>{entries}</feed>".encode()
    entries = "".join(f"<item><title>{t}</title><link>/a/{i}</link><pubDate>{d}</pubDate>"
                      f"<description>Short text.</description></item>" for i, (t, d) in enumerate(items))
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>{entries}</channel></rss>".encode()


def test_absurd_feed_entry_dates_are_no_date_and_the_feed_is_still_read(tmp_path):
    items = [(f"Entry {i}", date) for i, date in enumerate(ABSURD)] + [("Good entry", GOOD)]
    articles = {f"/a/{i}": (200, {"Content-Type": "text/html"}, page(title, "")) for i, (title, _) in enumerate(items)}
    for atom in (False, True):
        db = str(tmp_path / f"study-{atom}.db")
        with RouteServer({"/feed": (200, {"Content-Type": "application/xml"}, feed(items, atom)),
                          **articles}) as base:
            add(base + "/feed", db=db)
        stored = stored_dates(db)
        assert stored == {**{f"Entry {i}": None for i in range(len(ABSURD))}, "Good entry": GOOD}, atom


def test_the_date_range_is_the_front_matter_range_at_both_ends(tmp_path):
    assert dates.from_text("1000-01-01") == limits.EARLIEST_DATE
    assert dates.from_text("0999-12-31T23:59:59Z") is None
    assert dates.from_text("8999-12-31T23:59:59Z") is not None and dates.from_text("9000-01-01") is None
    post = tmp_path / "post.md"
    for date in ("0999-12-31", "9000-01-01"):
        post.write_text(f"---\ntitle: Edge\ndate: {date}\n---\nThe softmax maps scores to probabilities.\n")
        db = str(tmp_path / f"{date}.db")
        add(str(post), db=db)
        assert stored_dates(db) == {"Edge": None}
