"""Main-content extraction from HTML article pages into Markdown-ish text.

Owns: picking the article body out of a page full of site chrome, converting it to the
Markdown subset the block parser reads (headings, paragraphs, lists, quotes, fences, pipe
tables, display math), keeping every kind of math verbatim, and reading page metadata
(title, date, tags, description, series).

The tree walk is iterative (parent/next pointers, no recursion), so arbitrarily deep HTML
cannot raise RecursionError.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from selectolax.lexbor import LexborHTMLParser, LexborNode

from studykit.sanitize import strip_controls

__all__ = ["HtmlArticle", "extract_article", "fragment_to_markdown"]


@dataclass
class HtmlArticle:
    title: str
    body: str
    published: datetime | None = None
    tags: list[str] = field(default_factory=list)
    description: str = ""
    series: str = ""


# ---------------------------------------------------------------- page level

_CONTENT_SELECTORS = ("div.prose", "article", "main", "[role=main]", "div.post-content, div.entry-content")


def extract_article(html: str, url: str = "") -> HtmlArticle:
    """Extract title, metadata and main-content Markdown from a full HTML page.

    `url` is accepted for callers' convenience; extraction does not depend on it.
    """
    tree = LexborHTMLParser(_cap_nesting(strip_controls(html)))
    root = _main_content(tree)
    title = _title(tree, root)
    body = _Renderer().render(root) if root is not None else ""
    return HtmlArticle(
        title=title,
        body=body,
        published=_published(tree),
        tags=_tags(tree),
        description=_meta(tree, "description", "og:description"),
        series=_meta(tree, "article:section", "article:series", "series"),
    )


def fragment_to_markdown(html: str) -> str:
    """Convert an HTML fragment (a feed's description or content:encoded) to Markdown-ish text."""
    tree = LexborHTMLParser(_cap_nesting(strip_controls(html)))
    return _Renderer().render(tree.body) if tree.body is not None else ""


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


# ---------------------------------------------------------------- metadata

_TITLE_SEPARATORS = (" | ", " · ", " :: ", " » ", " — ", " – ", " - ")


def _title(tree: LexborHTMLParser, root: LexborNode | None) -> str:
    h1 = root.css_first("h1") if root is not None else None
    if h1 is not None and _heading_text(h1):
        return _heading_text(h1)
    og_title = _meta(tree, "og:title")
    if og_title:
        return og_title
    title_node = tree.css_first("title")
    if title_node is not None and _collapse(title_node.text()).strip():
        return _strip_site_suffix(_collapse(title_node.text()).strip(), _meta(tree, "og:site_name"))
    h1 = tree.css_first("h1")
    return _heading_text(h1) if h1 is not None else ""


def _heading_text(node: LexborNode) -> str:
    text = _collapse(node.text(deep=True)).strip()
    for anchor in node.css("a"):
        # Permalink anchors ("#", "¶") sit at either end of many themes' headings.
        mark = anchor.text(deep=True).strip()
        if mark in _PERMALINK_TEXT:
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


def _meta(tree: LexborHTMLParser, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            node = tree.css_first(f'meta[{attr}="{name}"]')
            if node is not None and (node.attributes.get("content") or "").strip():
                return _collapse(node.attributes["content"]).strip()
    return ""


def _tags(tree: LexborHTMLParser) -> list[str]:
    raw = [n.attributes.get("content") or "" for n in tree.css('meta[property="article:tag"], meta[name="article:tag"]')]
    for node in tree.css('meta[name="keywords"]'):
        raw.extend((node.attributes.get("content") or "").split(","))
    tags: list[str] = []
    seen: set[str] = set()
    for tag in (_collapse(t).strip() for t in raw):
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tags


def _published(tree: LexborHTMLParser) -> datetime | None:
    candidates = [_meta(tree, "article:published_time", "datePublished", "date")]
    candidates += _json_ld_dates(tree)
    candidates += [n.attributes.get("datetime") or "" for n in tree.css("time[datetime]")]
    for value in candidates:
        parsed = _parse_datetime(value)
        if parsed is not None:
            return parsed
    return None


def _json_ld_dates(tree: LexborHTMLParser) -> list[str]:
    dates: list[str] = []
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
                    dates.append(item["datePublished"])
                pending.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return dates


def _parse_datetime(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


# ---------------------------------------------------------------- nesting cap

_MAX_NESTING = 500
_VOID_OR_OPTIONAL_END = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen "
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp html head body".split()
)
_TAG_TOKEN = re.compile(
    r"<!--.*?-->|<(script|style|textarea|title)\b.*?</\1\s*>|<(/?)([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S | re.I,
)


def _cap_nesting(html: str) -> str:
    """Drop tags nested deeper than _MAX_NESTING, keeping their text.

    The lexbor parser is quadratic in element depth (100k nested divs take ~30 s), so
    pathological input is flattened before parsing. Normal pages are returned unchanged.
    """
    if html.count("<") < _MAX_NESTING:
        return html
    depth = 0
    dropped: dict[str, int] = {}
    cuts: list[tuple[int, int]] = []
    for match in _TAG_TOKEN.finditer(html):
        name = (match.group(3) or "").lower()
        if not name or name in _VOID_OR_OPTIONAL_END or match.group(4).rstrip().endswith("/"):
            continue
        if match.group(2):  # closing tag
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append(match.span())
            else:
                depth = max(depth - 1, 0)
        elif depth >= _MAX_NESTING:
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append(match.span())
        else:
            depth += 1
    if not cuts:
        return html
    parts, last = [], 0
    for start, end in cuts:
        parts.append(html[last:start])
        parts.append(" ")
        last = end
    parts.append(html[last:])
    return "".join(parts)


# ---------------------------------------------------------------- rendering

_DROP_TAGS = frozenset(
    "script style noscript iframe object embed form nav header footer aside svg button img picture "
    "video audio canvas figcaption template input select textarea map dialog head title meta link".split()
)
_CHROME = re.compile(
    r"(?<![a-z0-9])(?<!has-)(?<!with-)(?<!no-)"
    r"(share|sharing|related|comment|footer|sidebar|breadcrumb|toc|table-of-contents|newsletter|post-meta|entry-meta|article-meta|byline|reading-time|read-time|pagination|author-bio)",
    re.I,
)
_ID_CHROME_TAGS = frozenset({"div", "aside", "nav", "ul", "ol", "footer", "span"})
_PERMALINK_TEXT = frozenset({"#", "¶", "§", "🔗"})
_BLOCK_TAGS = frozenset(
    "p div section article main figure details summary dl dt dd address center fieldset "
    "hgroup body html".split()
)
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt"})
_MAX_TABLE_DEPTH = 8
_WS = re.compile(r"\s+")
# Hugo and friends put a newline between an inline element and the punctuation after it.
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?)\]”’])(?=[\s.,;:!?)\]”’]|$)")
_RAW_DISPLAY_MATH = re.compile(r"(\$\$.+?\$\$|\\\[.+?\\\])", re.S)

_SKIP, _DESCEND = False, True


def _collapse(text: str) -> str:
    return _WS.sub(" ", text)


def _classes(node: LexborNode) -> list[str]:
    return (node.attributes.get("class") or "").split()


class _Sink:
    """Collects finished blocks; subclasses lay them out as list items or a quote."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def emit(self, block: str) -> None:
        self.blocks.append(block)

    def render(self) -> str:
        return "\n\n".join(self.blocks)


class _QuoteSink(_Sink):
    def render(self) -> str:
        lines = "\n\n".join(self.blocks).split("\n")
        return "\n".join(f"> {line}" if line else ">" for line in lines)


class _ListSink(_Sink):
    def __init__(self, ordered: bool, start: int) -> None:
        super().__init__()
        self.ordered, self.start = ordered, start
        self.items: list[list[str]] = []

    def new_item(self) -> None:
        self.items.append([])

    def emit(self, block: str) -> None:
        if not self.items:
            self.new_item()
        self.items[-1].append(block)

    def render(self) -> str:
        out: list[str] = []
        number = self.start
        for blocks in self.items:
            if not blocks:
                continue
            marker = f"{number}." if self.ordered else "-"
            number += 1
            first, *rest = "\n".join(blocks).split("\n")
            out.append(f"{marker} {first}")
            out.extend(f"  {line}" if line else "" for line in rest)
        return "\n".join(out)


class _Renderer:
    """Walks one subtree and produces Markdown-ish text.

    Inline content accumulates as pieces (is_raw, text): plain text is whitespace-collapsed
    when a paragraph is flushed, raw pieces (math, code, emphasis already wrapped) are not.
    """

    def __init__(self, table_depth: int = 0, in_table: bool = False) -> None:
        self.table_depth = table_depth
        self.in_table = in_table
        self.pieces: list[tuple[bool, str]] = []
        self.frames: list[tuple[int, str]] = []  # (start index in pieces, emphasis marker)
        self.sinks: list[_Sink] = [_Sink()]

    def render(self, root: LexborNode) -> str:
        self._walk(root)
        self._flush()
        return self.sinks[0].render().strip()

    # -- traversal

    def _walk(self, root: LexborNode) -> None:
        root_id = root.mem_id
        node = root.child
        while node is not None:
            if self._enter(node) is _DESCEND:
                if node.child is not None:
                    node = node.child
                    continue
                self._exit(node)
            while node is not None and node.next is None:
                node = node.parent
                if node is None or node.mem_id == root_id:
                    return
                self._exit(node)
            node = node.next if node is not None else None

    def _enter(self, node: LexborNode) -> bool:
        if node.is_text_node:
            self._text(node.text_content or "")
            return _SKIP
        if not node.is_element_node:
            return _SKIP  # comments, doctype, processing instructions
        tag = node.tag or ""
        if self._math(node, tag) or self._is_dropped(node, tag):
            return _SKIP
        if tag in _HEADINGS or tag in _BLOCK_TAGS:
            self._flush()
        elif tag in _EMPHASIS:
            self.frames.append((len(self.pieces), _EMPHASIS[tag]))
        elif tag in _CODE_TAGS:
            self._inline_code(node)
            return _SKIP
        elif tag == "br":
            self.pieces.append((False, " "))
        elif tag == "hr":
            self._block("---")
        elif tag == "pre":
            self._block(_code_block(node))
        elif tag == "table":
            self._table(node)
        elif tag in ("ul", "ol"):
            self._flush()
            start = node.attributes.get("start") or "1"
            self.sinks.append(_ListSink(tag == "ol", int(start) if start.isdigit() else 1))
        elif tag == "li":
            self._flush()
            if isinstance(self.sinks[-1], _ListSink):
                self.sinks[-1].new_item()
        elif tag == "blockquote":
            self._flush()
            self.sinks.append(_QuoteSink())
        return tag not in ("hr", "pre", "table")

    def _exit(self, node: LexborNode) -> None:
        tag = node.tag or ""
        if tag in _HEADINGS:
            text = self._inline_text()
            if text:
                self._emit("#" * _HEADINGS[tag] + " " + text)
        elif tag in _EMPHASIS:
            self._close_emphasis()
        elif tag in ("ul", "ol", "blockquote") and len(self.sinks) > 1:
            self._flush()
            rendered = self.sinks.pop().render()
            if rendered:
                self._emit(rendered)
        elif tag in _BLOCK_TAGS or tag == "li":
            self._flush()

    def _is_dropped(self, node: LexborNode, tag: str) -> bool:
        if tag in _DROP_TAGS:
            return True
        attrs = node.attributes
        if "hidden" in attrs or attrs.get("aria-hidden") == "true":
            return True
        marks = attrs.get("class") or ""
        if tag in _ID_CHROME_TAGS:
            # Only containers: headings and sections often take their id from their own text.
            marks += " " + (attrs.get("id") or "")
        if tag not in _HEADINGS and (_CHROME.search(marks) or "MathJax" in marks):
            return True  # MathJax_*: rendered copies of the <script type="math/tex"> source
        return tag == "a" and node.text(deep=True).strip() in _PERMALINK_TEXT

    # -- math

    def _math(self, node: LexborNode, tag: str) -> bool:
        """Emit math found at `node` verbatim; True when the node was math."""
        classes = _classes(node)
        if "math-inline" in classes or ("math" in classes and "inline" in classes):
            self._inline_math(node.text(deep=True))
        elif "math-block" in classes or ("math" in classes and "display" in classes):
            self._display_math(node.text(deep=True).strip())
        elif tag == "script":
            kind = (node.attributes.get("type") or "").replace(" ", "").lower()
            if not kind.startswith("math/tex"):
                return False
            tex = node.text(deep=True).strip()
            if "mode=display" in kind:
                self._display_math(f"$${tex}$$")
            else:
                self._inline_math(f"${tex}$")
        elif "katex-display" in classes or "katex" in classes or tag == "math":
            tex = _tex_annotation(node)
            display = "katex-display" in classes or node.attributes.get("display") == "block"
            if tex is None:
                self._inline_math(_collapse(node.text(deep=True)))
            elif display:
                self._display_math(f"$${tex.strip()}$$")
            else:
                self._inline_math(f"${tex.strip()}$")
        else:
            return False
        return True

    def _inline_math(self, tex: str) -> None:
        # Collapsing whitespace keeps a paragraph on one line; TeX treats runs of spaces as one.
        self.pieces.append((True, _collapse(tex)))

    def _display_math(self, tex: str) -> None:
        if tex:
            self._block(tex)

    # -- inline content

    def _text(self, text: str) -> None:
        if "$$" not in text and "\\[" not in text:
            self.pieces.append((False, text))
            return
        # Raw TeX display math in prose: keep it verbatim (newlines too) as its own block.
        for i, part in enumerate(_RAW_DISPLAY_MATH.split(text)):
            if i % 2:
                self._display_math(part)
            elif part:
                self.pieces.append((False, part))

    def _inline_code(self, node: LexborNode) -> None:
        code = _collapse(node.text(deep=True)).strip()
        if self.in_table:
            code = code.replace("|", "\\|")  # GFM needs the escape even inside code spans
        if code:
            fence = "``" if "`" in code else "`"
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            self.pieces.append((True, f"{fence}{pad}{code}{pad}{fence}"))

    def _close_emphasis(self) -> None:
        start, marker = self.frames.pop()
        inner = self._join(self.pieces[start:])
        core = inner.strip()
        lead = " " if inner[:1].isspace() else ""
        trail = " " if inner[-1:].isspace() else ""
        nested_same = any(m == marker for _, m in self.frames)
        if core and not nested_same:
            replacement = [(False, lead), (True, f"{marker}{core}{marker}"), (False, trail)]
        else:
            replacement = [(False, lead), (True, core), (False, trail)]
        self.pieces[start:] = replacement

    def _join(self, pieces: list[tuple[bool, str]]) -> str:
        out: list[str] = []
        run: list[str] = []
        for is_raw, text in pieces:
            if is_raw:
                out.append(self._plain("".join(run)))
                run = []
                out.append(text)
            else:
                run.append(text)
        out.append(self._plain("".join(run)))
        return "".join(out)

    def _plain(self, text: str) -> str:
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", _collapse(text))
        return text.replace("|", "\\|") if self.in_table else text

    def _inline_text(self) -> str:
        text = self._join(self.pieces).strip()
        self.pieces = []
        # Emphasis still open (a block inside <strong>) restarts after the flush.
        self.frames = [(0, marker) for _, marker in self.frames]
        return text

    # -- blocks

    def _flush(self) -> None:
        text = self._inline_text()
        if text:
            self._emit(text)

    def _block(self, block: str) -> None:
        self._flush()
        self._emit(block)

    def _emit(self, block: str) -> None:
        self.sinks[-1].emit(block)

    def _table(self, table: LexborNode) -> None:
        self._flush()
        if "lntable" in _classes(table) and table.css_first("pre") is not None:
            # Chroma's line-numbered code: a two-cell table, numbers first, code last.
            self._emit(_code_block(table.css("pre")[-1]))
            return
        if self.table_depth >= _MAX_TABLE_DEPTH:
            self._emit(_collapse(table.text(deep=True)).strip())
            return
        rows = [self._row(tr) for tr in table.css("tr") if _owning_table(tr) == table.mem_id]
        rows = [row for row in rows if any(row)]
        if rows:
            self._emit(_pipe_table(rows))

    def _row(self, tr: LexborNode) -> list[str]:
        cells = []
        child = tr.child
        while child is not None:
            if child.tag in ("td", "th"):
                renderer = _Renderer(self.table_depth + 1, in_table=True)
                cells.append(_collapse(renderer.render(child)).strip())
            child = child.next
        return cells


def _owning_table(node: LexborNode) -> int | None:
    parent = node.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent.mem_id if parent is not None else None


def _pipe_table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(row) + " |" for row in padded]
    lines.insert(1, "|" + "---|" * width)
    return "\n".join(lines)


def _code_block(pre: LexborNode) -> str:
    for number in pre.css("span.lnt, span.ln"):
        number.decompose()
    code = pre.css_first("code")
    language = ""
    for node in (code, pre):
        if node is None:
            continue
        for cls in _classes(node):
            if cls.startswith("language-"):
                language = cls.removeprefix("language-")
        language = language or (node.attributes.get("data-lang") or "")
    text = pre.text(deep=True).strip("\n")
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text}\n{fence}"


def _tex_annotation(node: LexborNode) -> str | None:
    annotation = node.css_first('annotation[encoding="application/x-tex"]')
    return annotation.text(deep=True) if annotation is not None else None
