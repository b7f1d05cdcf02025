"""Article pages, local or fetched over HTTP, as Posts (main content only)."""

from __future__ import annotations

from pathlib import Path

from studykit import series as series_mod
from studykit.models import Post
from studykit.sources.fetch import Fetcher, fetch
from studykit.sources.html import extract_article
from studykit.sources.markdown import read_text_file


def post_from_html(html: str, source: str, url: str) -> Post:
    """A Post from a whole HTML page (chrome dropped, math kept verbatim)."""
    page = extract_article(html, url)
    title = page.title or Path(source).stem
    series, part, title = series_mod.resolve(title, url, page.series or None)
    return Post(
        title=title, url=url, body=page.body, published=page.published, series=series,
        part=part, tags=page.tags, summary=page.description, source=source,
    )


def read_html_file(path: Path) -> Post:
    return post_from_html(read_text_file(path), str(path), path.resolve().as_uri())


def fetch_article(url: str, fetcher: Fetcher | None = None) -> Post:
    """Fetch an article page and extract it; raises FetchError naming the URL.

    `fetcher` (default: `fetch`) lets a caller add conditional requests and a cache."""
    result = (fetcher or fetch)(url)
    return post_from_html(result.text, url, result.url)
