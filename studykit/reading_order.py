"""The reading order of posts: series, part, date, title.

One list of fields gives both forms of the order: a Python sort key for a `Post` and the
SQL `ORDER BY` over the `posts` table, so that the store's decks list and the order in
which `add` stores posts (which sets the order of new cards) always agree.

A post without a part number reads after the numbered parts of its series; a post without
a date reads before the dated ones (SQLite sorts NULL first, the key uses "").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studykit.models import Post

LAST_PART = 1 << 30  # the part of a post that has none: after every numbered part


@dataclass(frozen=True)
class OrderField:
    """One field of the order: its value on a Post, and the same value in SQL."""

    name: str
    value: Callable[[Post], str | int]
    sql: str  # an expression over the posts table, "{t}" standing for its alias


FIELDS: tuple[OrderField, ...] = (
    OrderField("series", lambda post: post.series, "{t}.series"),
    OrderField("part", lambda post: post.part if post.part is not None else LAST_PART,
               f"coalesce({{t}}.part, {LAST_PART})"),
    OrderField("published", lambda post: post.published.isoformat() if post.published else "",
               "{t}.published"),
    OrderField("title", lambda post: post.title, "{t}.title"),
)


def sort_key(post: Post) -> tuple[str | int, ...]:
    """The key that sorts posts in reading order, as `order_by` sorts their rows."""
    return tuple(f.value(post) for f in FIELDS)


def order_by(table: str = "p") -> str:
    """The SQL terms (without `ORDER BY`) that sort rows of posts aliased `table` in
    reading order."""
    return ", ".join(f.sql.format(t=table) for f in FIELDS)


def build_sort_key(post: Post) -> tuple[str | int, ...]:
    """The order `build` makes cards in: reading order with the series compared case-blind
    and the URL breaking the last ties (cards of a series depend on the posts before them,
    so this order must stay as it is)."""
    series, *rest = sort_key(post)
    return (str(series).casefold(), *rest, post.url)
