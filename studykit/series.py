"""Which series a post belongs to, and its part number.

Order of evidence: front matter (`series`, `series_order`/`part`/`weight`), then a title
such as "Time Series Forecasting (8): Informer", then the URL path
(`/en/time-series/informer/`). Posts that belong to none are "Standalone".
Front matter often holds a slug (`time-series`); a human name from the title wins then.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

STANDALONE = "Standalone"

_TITLE_FORMS = (
    # "Series Name (8): Title", "Series Name (Part 8) - Title"
    re.compile(r"^(?P<series>[^()]{2,80}?)\s*\((?:part\s*)?(?P<part>\d{1,3})\)\s*[:：\-–—|]\s*(?P<title>.+)$", re.I),
    # "Series Name, Part 8: Title", "Series Name Part 8 — Title", "Series Name #8: Title"
    re.compile(r"^(?P<series>.{2,80}?),?\s+(?:part|pt\.?|#)\s*(?P<part>\d{1,3})\s*[:：\-–—|]\s*(?P<title>.+)$", re.I),
)
_GENERIC_SEGMENTS = {
    "posts", "post", "blog", "blogs", "articles", "article", "p", "entry", "entries", "news",
    "en", "de", "fr", "es", "zh", "ja", "archives", "archive", "content", "tags", "tag",
    "categories", "category", "www", "index", "pages", "page",
}
_SMALL_WORDS = {"of", "and", "the", "in", "for", "to", "on", "a", "an", "by", "vs", "with"}
_ACRONYM_MAX = 3


def split_title(title: str) -> tuple[str | None, int | None, str]:
    """("Time Series Forecasting", 8, "Informer") from a series-style title."""
    for form in _TITLE_FORMS:
        if m := form.match(title.strip()):
            return m.group("series").strip(), int(m.group("part")), m.group("title").strip()
    return None, None, title.strip()


def humanize(slug: str) -> str:
    """'time-series' -> 'Time Series', 'nlp' -> 'NLP', 'ml-math-derivations' -> 'ML Math Derivations'."""
    words = [w for w in re.split(r"[-_\s]+", slug.strip()) if w]
    out = []
    for i, w in enumerate(words):
        if w.lower() in _SMALL_WORDS and i:
            out.append(w.lower())
        elif len(w) <= _ACRONYM_MAX and w.isalpha() and w.islower() and w not in _SMALL_WORDS:
            out.append(w.upper())
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


def slugify(name: str) -> str:
    """'Time Series Forecasting' -> 'time-series-forecasting' (tags cannot hold spaces)."""
    slug = re.sub(r"[^\w]+", "-", name.lower(), flags=re.UNICODE).strip("-_")
    return slug or "untitled"


def _looks_like_slug(name: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", name))


def series_from_url(url: str) -> str | None:
    """The folder of an article URL, when it looks like a series name."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        return None
    parts = [p for p in parsed.path.split("/") if p]
    if len(parts) < 2:
        return None
    folder = parts[-2]
    if folder.lower() in _GENERIC_SEGMENTS or re.fullmatch(r"\d+", folder):
        return None
    return humanize(folder)


def part_from_slug(url: str) -> int | None:
    """`03-domain-adaptation` -> 3."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    if parts and (m := re.match(r"(\d{1,3})[-_]", parts[-1])):
        return int(m.group(1))
    return None


def resolve(title: str, url: str = "", front_series: object = None,
            front_part: object = None) -> tuple[str, int | None, str]:
    """(series name, part, title) from all the evidence a post carries."""
    title_series, title_part, _ = split_title(title)
    if isinstance(front_series, list):
        front_series = front_series[0] if front_series else None
    series = str(front_series).strip() if front_series else ""
    if series and _looks_like_slug(series):
        series = title_series or humanize(series)
    series = series or title_series or series_from_url(url) or STANDALONE
    if series.lower() == STANDALONE.lower():
        series = STANDALONE
    part = _as_int(front_part)
    if part is None:
        part = title_part if title_part is not None else (
            part_from_slug(url) if series != STANDALONE else None)
    return series, part, title.strip()


# A part number from front matter past this is treated as absent: it must fit an SQLite
# INTEGER and sort among real parts (titles and URLs give at most three digits).
MAX_PART = 99_999


def _as_int(value: object) -> int | None:
    try:
        part = int(str(value).strip()) if value is not None and str(value).strip() else None
    except ValueError:  # not a number, or more than 4,300 digits
        return None
    return part if part is not None and 0 <= part <= MAX_PART else None
