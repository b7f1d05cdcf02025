"""RSS/Atom feeds: entries, and the full article behind each entry.

For each entry the linked page is fetched (http/https only); when that fails, the
feed's own content or summary stands in and the post carries a note saying so.
A local feed may link to local files with relative paths (resolved beside the feed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import feedparser  # type: ignore[import-untyped]

from studykit import limits
from studykit import series as series_mod
from studykit.errors import SourceError
from studykit.models import Post
from studykit.sanitize import strip_controls
from studykit.sources import dates
from studykit.sources.html import fragment_to_markdown

ArticleLoader = Callable[[str], Post]
# One feed entry as `_entry` reads it: title, link, published, summary, content, categories.
Entry = dict[str, Any]


_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)


def looks_like_feed(data: bytes) -> bool:
    """Whether a document's first 4,096 bytes open an RSS, Atom or RDF feed."""
    return bool(_FEED_ROOT.search(data[:4096]))


def parse_feed(data: bytes | str, source: str) -> list[Entry]:
    """Entries of a feed as plain dicts; a clear SourceError when it is not a feed."""
    parsed = feedparser.parse(data)
    version = parsed.get("version") or ""
    if not parsed.entries:
        if not version:  # malformed XML, or another document (an HTML page) given as a feed
            reason = (str(parsed.get("bozo_exception") or "").splitlines() or [""])[0] if parsed.bozo else ""
            reason = reason or "no <rss>, <feed> or <rdf:RDF> root element"
            raise SourceError(source, f"not a readable RSS/Atom feed: {reason}",
                              "check that the URL or file is the feed itself")
        raise SourceError(source, "feed has no entries", "nothing to make cards from")
    entries = [_entry(e) for e in parsed.entries]
    if parsed.bozo and not any(e["link"] for e in entries):
        reason = (str(parsed.get("bozo_exception") or "").splitlines() or ["malformed XML"])[0]
        raise SourceError(source, f"the feed's XML is malformed ({reason})",
                          "check the feed in a validator; its entries cannot be read")
    return entries


def newest(entries: list[Entry], source: str, most: int | None = None) -> tuple[list[Entry], str]:
    """At most `most` entries (default: `limits.feed_entries()`), newest first by date
    (undated ones keep their feed order), and a note when some were left out."""
    most = most if most is not None else limits.feed_entries()
    if len(entries) <= most:
        return entries, ""
    def age(i: int) -> tuple[bool, float]:
        published = entries[i]["published"]
        return (published is None, -published.timestamp() if published else i)

    kept = sorted(sorted(range(len(entries)), key=age)[:most])
    return [entries[i] for i in kept], (f"{source}: the feed has {len(entries):,} entries; "
                                        f"only the newest {most} are read per run "
                                        f"(set {limits.FEED_ENTRIES_VARIABLE} for more)")


def _entry(e: Any) -> Entry:
    content = ""
    if e.get("content"):
        content = max((c.get("value", "") for c in e.content), key=len)
    published = dates.from_struct_time(e.get("published_parsed") or e.get("updated_parsed"))
    return {
        "title": strip_controls(e.get("title") or "").strip(),
        "link": (e.get("link") or "").strip(),
        "published": published,
        "summary": e.get("summary") or "",
        "content": content,
        "categories": [t.get("term", "") for t in e.get("tags", []) if t.get("term")],
    }


def posts_from_feed(entries: list[Entry], feed_source: str, load_article: ArticleLoader,
                    local_dir: Path | None = None) -> Iterator[Post | SourceError]:
    """One Post per entry (the newest `limits.FEED_ENTRIES`): the full article when it can be
    had, else the feed's own text."""
    entries, note = newest(entries, feed_source)
    for entry in entries:
        item = _entry_post(entry, feed_source, load_article, local_dir)
        if note and isinstance(item, Post):
            item.notes.append(note)
            note = ""
        yield item


def _entry_post(entry: Entry, feed_source: str, load_article: ArticleLoader,
                local_dir: Path | None) -> Post | SourceError:
    title = entry["title"] or entry["link"] or "untitled"
    try:
        post = load_article(_article_location(entry["link"], local_dir, feed_source))
    except SourceError as exc:
        fallback = _fallback_post(entry, feed_source)
        if fallback is None:
            return SourceError(entry["link"] or feed_source,
                               f"entry '{title}': {exc.reason}; the feed has no text for it")
        fallback.notes.append(f"full article unavailable ({exc.reason}); using the feed's own text")
        return fallback
    _merge_entry(post, entry)
    return post


def _article_location(link: str, local_dir: Path | None, feed_source: str) -> str:
    scheme = urlparse(link).scheme.lower()
    if scheme in ("http", "https"):
        return link
    if not link:
        raise SourceError(feed_source, "entry has no link")
    if not scheme and urlparse(feed_source).scheme in ("http", "https"):
        return urljoin(feed_source, link)  # a relative link in a web feed is relative to it
    if local_dir is not None and not scheme:
        path = (local_dir / unquote(urlparse(link).path)).resolve()
        if path.is_relative_to(local_dir.resolve()):
            return str(path)
    raise SourceError(link, f"link scheme '{scheme or 'relative'}' refused",
                      "feeds may link to http(s) pages only")


def _fallback_post(entry: Entry, feed_source: str) -> Post | None:
    html = entry["content"] or entry["summary"]
    body = fragment_to_markdown(html) if html else ""
    if not body.strip():
        return None
    series, part, title = series_mod.resolve(entry["title"], entry["link"])
    return Post(title=title or "untitled", url=entry["link"] or feed_source, body=body,
                published=entry["published"], series=series, part=part,
                tags=entry["categories"], summary=fragment_to_markdown(entry["summary"]),
                source=feed_source)


def _merge_entry(post: Post, entry: Entry) -> None:
    """The feed knows the title, date and categories best; keep the article's body."""
    if entry["title"]:
        series, part, title = series_mod.resolve(entry["title"], entry["link"])
        if post.series == series_mod.STANDALONE or series != series_mod.STANDALONE:
            post.series, post.title = series, title
            post.part = part if part is not None else post.part
    post.published = post.published or entry["published"]
    post.tags = list(dict.fromkeys(post.tags + entry["categories"]))
    if entry["link"].startswith(("http://", "https://")):
        post.url = entry["link"]
