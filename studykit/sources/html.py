"""Main-content extraction from HTML article pages into Markdown-ish text.

Owns: picking the article body out of a page full of site chrome and putting a page
together: its text cleaned of escapes (`sanitize.strip_controls`) and flattened when
nested too deep (`html_nesting`), its body rendered (`html_render`) and its metadata read
(`html_metadata`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from studykit.sanitize import strip_controls
from studykit.sources import html_metadata as metadata
from studykit.sources.html_nesting import cap_nesting
from studykit.sources.html_render import Renderer

__all__ = ["HtmlArticle", "extract_article", "fragment_to_markdown"]


@dataclass
class HtmlArticle:
    title: str
    body: str
    published: datetime | None = None
    tags: list[str] = field(default_factory=list)
    description: str = ""
    series: str = ""


_CONTENT_SELECTORS = ("div.prose", "article", "main", "[role=main]", "div.post-content, div.entry-content")


def extract_article(html: str, url: str = "") -> HtmlArticle:
    """Extract title, metadata and main-content Markdown from a full HTML page.

    `url` is accepted for callers' convenience; extraction does not depend on it.
    """
    tree = LexborHTMLParser(cap_nesting(strip_controls(html)))
    root = _main_content(tree)
    title = metadata.title(tree, root)
    body = Renderer().render(root) if root is not None else ""
    return HtmlArticle(
        title=title,
        body=body,
        published=metadata.published(tree),
        tags=metadata.tags(tree),
        description=metadata.meta(tree, "description", "og:description"),
        series=metadata.meta(tree, "article:section", "article:series", "series"),
    )


def fragment_to_markdown(html: str) -> str:
    """Convert an HTML fragment (a feed's description or content:encoded) to Markdown-ish text."""
    tree = LexborHTMLParser(cap_nesting(strip_controls(html)))
    return Renderer().render(tree.body) if tree.body is not None else ""


def _main_content(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in _CONTENT_SELECTORS:
        candidates = tree.css(selector)
        if candidates:
            return max(candidates, key=lambda n: len(n.text(deep=True)))
    return _densest_paragraph_parent(tree) or tree.body


def _densest_paragraph_parent(tree: LexborHTMLParser) -> LexborNode | None:
    totals: dict[int, tuple[int, LexborNode]] = {}
    for p in tree.css("p"):
        parent = p.parent
        if parent is None:
            continue
        count, _ = totals.get(parent.mem_id, (0, parent))
        totals[parent.mem_id] = (count + len(p.text(deep=True)), parent)
    if not totals:
        return None
    return max(totals.values(), key=lambda item: item[0])[1]
