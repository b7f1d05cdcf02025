"""Reading order: the Python sort key and the SQL ORDER BY put posts in the same order."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from studykit.models import Post
from studykit.reading_order import LAST_PART, build_sort_key, order_by, sort_key


def _posts() -> list[Post]:
    day = datetime(2025, 5, 1, tzinfo=timezone.utc)
    later = datetime(2025, 6, 1, tzinfo=timezone.utc)
    return [
        Post(title="B", url="u1", body="", series="alpha", part=2, published=day),
        Post(title="A", url="u2", body="", series="alpha", part=None, published=day),
        Post(title="C", url="u3", body="", series="alpha", part=1, published=later),
        Post(title="D", url="u4", body="", series="Zeta", part=1, published=None),
        Post(title="E", url="u5", body="", series="Zeta", part=1, published=day),
        Post(title="A", url="u6", body="", series="alpha", part=None, published=None),
        Post(title="Z", url="u7", body="", series="alpha", part=None, published=later),
        Post(title="Y", url="u8", body="", series="alpha", part=None, published=later),
    ]


def test_the_sort_key_and_the_sql_order_agree():
    posts = _posts()
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE posts (url TEXT, series TEXT, part INTEGER, published TEXT, "
                 "title TEXT)")
    conn.executemany("INSERT INTO posts VALUES (?, ?, ?, ?, ?)", [
        (p.url, p.series, p.part, p.published.isoformat() if p.published else None, p.title)
        for p in reversed(posts)])
    in_sql = [r[0] for r in conn.execute(f"SELECT url FROM posts p ORDER BY {order_by('p')}")]
    in_python = [p.url for p in sorted(posts, key=sort_key)]
    assert in_sql == in_python
    # Upper case sorts first; numbered parts, then the rest; no date first; then titles.
    assert in_python == ["u4", "u5", "u3", "u1", "u6", "u2", "u8", "u7"]


def test_builds_order_folds_the_series_and_breaks_ties_by_url():
    posts = _posts()
    twin = Post(title="A", url="u0", body="", series="ALPHA", part=None, published=None)
    for post in [*posts, twin]:
        assert build_sort_key(post) == (
            post.series.casefold(), post.part if post.part is not None else LAST_PART,
            post.published.isoformat() if post.published else "", post.title, post.url)
    ordered = [p.url for p in sorted([*posts, twin], key=build_sort_key)]
    assert ordered[:3] == ["u3", "u1", "u0"] and ordered[-2:] == ["u4", "u5"]
