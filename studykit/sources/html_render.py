"""HTML to the Markdown subset the block parser reads, keeping every kind of math verbatim.

Owns: walking one subtree (iteratively, by parent/next pointers, so arbitrarily deep HTML
cannot raise RecursionError), dropping site chrome and scripts, and turning headings,
paragraphs, emphasis, inline code, lists, quotes, tables, code and math into text.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from studykit.sources.html_blocks import ListSink, QuoteSink, Sink, class_list, code_block, owning_table, pipe_table

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
PERMALINK_TEXT = frozenset({"#", "¶", "§", "🔗"})
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


def collapse(text: str) -> str:
    return _WS.sub(" ", text)



class Renderer:
    """Walks one subtree and produces Markdown-ish text.

    Inline content accumulates as pieces (is_raw, text): plain text is whitespace-collapsed
    when a paragraph is flushed, raw pieces (math, code, emphasis already wrapped) are not.
    """

    def __init__(self, table_depth: int = 0, in_table: bool = False) -> None:
        self.table_depth = table_depth
        self.in_table = in_table
        self.pieces: list[tuple[bool, str]] = []
        self.frames: list[tuple[int, str]] = []  # (start index in pieces, emphasis marker)
        self.sinks: list[Sink] = [Sink()]

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
            self._block(code_block(node))
        elif tag == "table":
            self._table(node)
        elif tag in ("ul", "ol"):
            self._flush()
            start = node.attributes.get("start") or "1"
            self.sinks.append(ListSink(tag == "ol", int(start) if start.isdigit() else 1))
        elif tag == "li":
            self._flush()
            if isinstance(self.sinks[-1], ListSink):
                self.sinks[-1].new_item()
        elif tag == "blockquote":
            self._flush()
            self.sinks.append(QuoteSink())
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
        return tag == "a" and node.text(deep=True).strip() in PERMALINK_TEXT

    # -- math

    def _math(self, node: LexborNode, tag: str) -> bool:
        """Emit math found at `node` verbatim; True when the node was math."""
        classes = class_list(node)
        if "math-inline" in classes or ("math" in classes and "inline" in classes):
            self._inline_math(node.text(deep=True))
        elif "math-block" in classes or ("math" in classes and "display" in classes):
            self._display_math(node.text(deep=True).strip())
        elif tag == "script":
            kind = (node.attributes.get("type") or "").replace(" ", "").lower()
            if not kind.startswith("math/tex"):
                return False
            source = node.text(deep=True).strip()
            if "mode=display" in kind:
                self._display_math(f"$${source}$$")
            else:
                self._inline_math(f"${source}$")
        elif "katex-display" in classes or "katex" in classes or tag == "math":
            tex = _tex_annotation(node)
            display = "katex-display" in classes or node.attributes.get("display") == "block"
            if tex is None:
                self._inline_math(collapse(node.text(deep=True)))
            elif display:
                self._display_math(f"$${tex.strip()}$$")
            else:
                self._inline_math(f"${tex.strip()}$")
        else:
            return False
        return True

    def _inline_math(self, tex: str) -> None:
        # Collapsing whitespace keeps a paragraph on one line; TeX treats runs of spaces as one.
        self.pieces.append((True, collapse(tex)))

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
        code = collapse(node.text(deep=True)).strip()
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
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", collapse(text))
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
        if "lntable" in class_list(table) and table.css_first("pre") is not None:
            # Chroma's line-numbered code: a two-cell table, numbers first, code last.
            self._emit(code_block(table.css("pre")[-1]))
            return
        if self.table_depth >= _MAX_TABLE_DEPTH:
            self._emit(collapse(table.text(deep=True)).strip())
            return
        rows = [self._row(tr) for tr in table.css("tr") if owning_table(tr) == table.mem_id]
        rows = [row for row in rows if any(row)]
        if rows:
            self._emit(pipe_table(rows))

    def _row(self, tr: LexborNode) -> list[str]:
        cells = []
        child = tr.child
        while child is not None:
            if child.tag in ("td", "th"):
                renderer = Renderer(self.table_depth + 1, in_table=True)
                cells.append(collapse(renderer.render(child)).strip())
            child = child.next
        return cells



def _tex_annotation(node: LexborNode) -> str | None:
    annotation = node.css_first('annotation[encoding="application/x-tex"]')
    return annotation.text(deep=True) if annotation is not None else None
