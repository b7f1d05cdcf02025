"""An HTML page's metadata: title, publication date, tags, description and series.

Read from `<meta>` tags (Open Graph, article:*, keywords), JSON-LD, `<time>`, `<title>`
and the article's first heading.
"""

from __future__ import annotations

import json
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from studykit.sources import dates
from studykit.sources.html_render import PERMALINK_TEXT, collapse

_TITLE_SEPARATORS = (" | ", " · ", " :: ", " » ", " — ", " – ", " - ")


def title(tree: LexborHTMLParser, root: LexborNode | None) -> str:
    h1 = root.css_first("h1") if root is not None else None
    if h1 is not None and _heading_text(h1):
        return _heading_text(h1)
    og_title = meta(tree, "og:title")
    if og_title:
        return og_title
    title_node = tree.css_first("title")
    if title_node is not None and collapse(title_node.text()).strip():
        return _strip_site_suffix(collapse(title_node.text()).strip(), meta(tree, "og:site_name"))
    h1 = tree.css_first("h1")
    return _heading_text(h1) if h1 is not None else ""


def _heading_text(node: LexborNode) -> str:
    text = collapse(node.text(deep=True)).strip()
    for anchor in node.css("a"):
        # Permalink anchors ("#", "¶") sit at either end of many themes' headings.
        mark = anchor.text(deep=True).strip()
        if mark in PERMALINK_TEXT:
            text = text.removesuffix(mark).removeprefix(mark).strip()
    return text


def _strip_site_suffix(title: str, site_name: str) -> str:
    for sep in _TITLE_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if not found or not head.strip():
            continue
        # Dashes also occur inside real titles, so only strip them when the tail is the site name.
        if tail.strip() == site_name or sep.strip() in "|·::»":
            return head.strip()
    return title


def meta(tree: LexborHTMLParser, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            node = tree.css_first(f'meta[{attr}="{name}"]')
            content = (node.attributes.get("content") or "") if node is not None else ""
            if content.strip():
                return collapse(content).strip()
    return ""


def tags(tree: LexborHTMLParser) -> list[str]:
    raw = [n.attributes.get("content") or "" for n in tree.css('meta[property="article:tag"], meta[name="article:tag"]')]
    for node in tree.css('meta[name="keywords"]'):
        raw.extend((node.attributes.get("content") or "").split(","))
    tags: list[str] = []
    seen: set[str] = set()
    for tag in (collapse(t).strip() for t in raw):
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tags


def published(tree: LexborHTMLParser) -> datetime | None:
    candidates = [meta(tree, "article:published_time", "datePublished", "date")]
    candidates += _json_ld_dates(tree)
    candidates += [n.attributes.get("datetime") or "" for n in tree.css("time[datetime]")]
    for value in candidates:
        parsed = dates.from_text(value)
        if parsed is not None:
            return parsed
    return None


def _json_ld_dates(tree: LexborHTMLParser) -> list[str]:
    found: list[str] = []
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            pending = [json.loads(script.text(deep=True), strict=False)]
        except ValueError:
            continue
        while pending:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(reversed(item))
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    found.append(item["datePublished"])
                pending.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return found
