"""From whatever the user names (URL, file, folder) to Posts.

`load_source` yields Posts and, for parts that failed, SourceErrors: one bad entry or
file never stops the rest of a run. The source `-` is standard input (`sources.stdin`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from studykit.errors import SourceError
from studykit.models import Post
from studykit.paths import kind_of
from studykit.sources import gate
from studykit.sources.feed import looks_like_feed, parse_feed, posts_from_feed
from studykit.sources.fetch import Fetcher, FetchResult, fetch
from studykit.sources.markdown import read_markdown_file, read_text_file
from studykit.sources.stdin import read_stdin
from studykit.sources.web import fetch_article, post_from_html, read_html_file

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
# Hugo section indexes and repo readmes are not posts.
SKIPPED_NAMES = {"_index.md", "index.xml", "readme.md", "license.md", "changelog.md"}
STDIN = "-"
_PARSER_FAILURES = (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError,
                    IndexError, OSError, UnicodeError)


def is_url(source: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source))


def load_source(source: str, fetcher: Fetcher | None = None) -> Iterator[Post | SourceError]:
    """Posts of one source, each through the gate (`sources.gate`); failures come as
    SourceError items, not exceptions.

    Every HTTP GET (the source itself, a feed's articles) goes through `fetcher`
    (default: `fetch`), so a caller can add conditional requests and a cache."""
    for item in _posts_of(source, fetcher or fetch):
        yield gate.admit(item) if isinstance(item, Post) else item


def _isolated(name: str, posts: Callable[[], Iterator[Post | SourceError]]
              ) -> Iterator[Post | SourceError]:
    """The items of `posts()`, with a failure anywhere inside as one SourceError naming `name`."""
    try:
        yield from posts()
    except SourceError as exc:
        yield exc
    except _PARSER_FAILURES as exc:
        # A parser deep inside (feedparser, selectolax, yaml) choked: one source, not the run.
        yield SourceError(name, f"could not be read ({type(exc).__name__}: {exc})",
                          "check that it is a Markdown, HTML or feed document")


def _posts_of(source: str, fetcher: Fetcher) -> Iterator[Post | SourceError]:
    return _isolated(source, partial(_dispatch, source, fetcher))


def _dispatch(source: str, fetcher: Fetcher) -> Iterator[Post | SourceError]:
    if source == STDIN:
        yield from read_stdin(load_article=partial(_load_local_article, fetcher=fetcher))
        return
    if is_url(source):
        yield from _load_url(source, fetcher)
        return
    path = Path(source).expanduser()
    if path.is_dir():
        yield from _load_folder(path, fetcher)
    elif path.is_file():
        yield from _load_file(path, fetcher)
    else:
        raise SourceError(source, *_missing(path))


def _missing(path: Path) -> tuple[str, str]:
    """What a path that is neither a file nor a folder is, and what to do."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "no such file, folder or URL", "check the path; URLs must start with http:// or https://"
    return f"is {kind_of(mode)}, not a file", "to read a stream, pipe it in and use `-` as the source"


def _load_url(url: str, fetcher: Fetcher = fetch) -> Iterator[Post | SourceError]:
    if urlparse(url).scheme.lower() not in ("http", "https"):
        raise SourceError(url, "only http:// and https:// URLs can be fetched",
                          "give a local path for files")
    yield from posts_from_response(fetcher(url), url, fetcher)


def posts_from_response(result: FetchResult, url: str, fetcher: Fetcher | None = None
                        ) -> Iterator[Post | SourceError]:
    """Posts of a fetched URL: a feed's entries (articles fetched with `fetcher`) or one page."""
    if looks_like_feed(result.content):
        load_article = partial(fetch_article, fetcher=fetcher or fetch)
        yield from posts_from_feed(parse_feed(result.content, url), url, load_article)
    else:
        yield post_from_html(result.text, url, result.url)


def _load_file(path: Path, fetcher: Fetcher = fetch) -> Iterator[Post | SourceError]:
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        yield read_markdown_file(path)
    elif suffix in HTML_SUFFIXES:
        yield read_html_file(path)
    else:
        text = read_text_file(path)
        data = text.encode("utf-8")
        if suffix in FEED_SUFFIXES or looks_like_feed(data):
            yield from posts_from_feed(parse_feed(data, str(path)), str(path),
                                       partial(_load_local_article, fetcher=fetcher),
                                       local_dir=path.parent)
        elif "<html" in text[:2048].lower():
            yield read_html_file(path)
        else:
            raise SourceError(str(path), "not a Markdown, HTML or feed file",
                              "use .md, .html or an RSS/Atom feed")


def _load_local_article(location: str, fetcher: Fetcher = fetch) -> Post:
    """A feed entry's article: fetched when a URL, read when a local file."""
    if is_url(location):
        return fetch_article(location, fetcher)
    path = Path(location)
    if not path.is_file():
        raise SourceError(location, "linked file does not exist")
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return read_markdown_file(path)
    if suffix in HTML_SUFFIXES:
        return read_html_file(path)
    # Never follow a feed's link into another feed: two feeds could link to each other.
    raise SourceError(location, "linked file is not a .md or .html article")


def _load_folder(folder: Path, fetcher: Fetcher = fetch) -> Iterator[Post | SourceError]:
    files = sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in MARKDOWN_SUFFIXES | HTML_SUFFIXES
        and p.name.lower() not in SKIPPED_NAMES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    if not files:
        raise SourceError(str(folder), "folder holds no .md or .html posts",
                          "point at a folder of Markdown or HTML articles")
    for path in files:
        yield from _isolated(str(path), partial(_load_file, path, fetcher))
