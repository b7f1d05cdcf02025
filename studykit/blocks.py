"""Split a post body (Markdown-ish text) into the blocks extraction reads.

Owns: skipping what is not prose (code, images, HTML comments, shortcodes, raw tags),
shielding math with placeholders (see `latex.protect`), and tagging each block with its
kind and the section heading it sits under. Inline emphasis is kept in `text` (it marks
key terms) and removed in `plain`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import groupby

from studykit import latex
from studykit.inline_markdown import BOLD, CODE, LINK, strip_inline


class BlockKind(StrEnum):
    """What a block is; a table's header row is a block of its own."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    QUOTE = "quote"
    MATH = "math"
    TABLE = "table"
    TABLE_HEADER = "table_header"
    CAPTION = "caption"


# The blocks whose sentences are candidates. A caption is not: it says what a picture shows.
PROSE_KINDS = (BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE)

_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?(?:^\1\2`*[ \t]*$|\Z)", re.S | re.M)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_HTML_HEADING = re.compile(r"^[ \t]*<h([1-6])\b[^<>]*>(.*?)</h\1>[ \t]*$", re.I | re.M)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_HR = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_BOLD_LEAD = re.compile(r"^\*\*([^*]{3,120}?)\*\*\s*(?=[.:—–\-]|$)|^\*\*([^*]{3,120}?[.:])\*\*")
# The number of a numbered name or lead: "(1) ", "2. ", "3)".
NUMBERED = re.compile(r"^\(?\d+[.)]\s*")
_CAPTION = re.compile(r"^\*(?:Figure|Fig\.|Table)\s*\d*[.:]?\s*(.*)\*$", re.I)
# an HTML block: a block tag at a line's start, and the lines after it that open with a tag
_HTML_BLOCK = re.compile(r"^ {0,3}<(?:figure|div|p|center)\b[^\n]*(?:\n[ \t]*<[^\n]*)*", re.M | re.I)
_PICTURE = re.compile(r"<(?:img|svg|video)\b", re.I)
# a picture's caption element: <figcaption>, or one whose class names it ('caption', 'imgcap')
_CAPTION_ELEMENT = re.compile(r"<(figcaption|\w+(?=[^>]*\bclass=[\"'][^\"']*cap(?:tion)?\b))\b[^>]*>(.*?)</\1>",
                              re.S | re.I)
MAX_CAPTION_WORDS = 60  # a picture block with more words holds prose too: it stays prose


@dataclass
class Block:
    """One unit of a post: a heading, paragraph, list item, quote line, table or display math."""

    kind: BlockKind
    text: str  # with Markdown emphasis and math placeholders
    section: str = ""
    level: int = 0
    index: int = 0
    bold: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # table rows: the table's header cells
    path: tuple[str, ...] = ()  # the headings it sits under, outermost first ('Exercises', 'Computation')

    @property
    def cells(self) -> list[str]:
        """Table rows: the cells, inline syntax removed."""
        return [strip_inline(c).strip() for c in self.text.strip().strip("|").split("|")]

    @property
    def plain(self) -> str:
        return strip_inline(self.text)


@dataclass
class Document:
    """A post body as blocks, with the math spans their placeholders point to."""

    blocks: list[Block]
    math: list[latex.MathSpan]

    def restore(self, text: str) -> str:
        return latex.restore(text, self.math)

    def inline_math(self, text: str) -> list[str]:
        """The formulas of a sentence (placeholders in), restored, in order."""
        return [self.math[int(i)].latex for i in latex.PLACEHOLDER_RE.findall(text) if int(i) < len(self.math)]


def follows_math(doc: Document, block: Block) -> bool:
    """True for a block right after a display formula."""
    return block.index > 0 and doc.blocks[block.index - 1].kind is BlockKind.MATH


def precedes_math(doc: Document, block: Block) -> bool:
    """True for a block right before a display formula."""
    return block.index + 1 < len(doc.blocks) and doc.blocks[block.index + 1].kind is BlockKind.MATH


def previous_block(doc: Document, block: Block, skipping: Collection[BlockKind] = ()) -> Block | None:
    """The nearest block before `block` whose kind is not one of `skipping`, or None."""
    return next((b for b in reversed(doc.blocks[:block.index]) if b.kind not in skipping), None)


def bold_lead(text: str) -> str:
    """'**Sequences longer than 500 steps.** Both ...' -> the bold lead, a paragraph's own title."""
    m = _BOLD_LEAD.match(text)
    label = (m.group(1) or m.group(2)) if m else ""  # no lead: "", and the answer stays ""
    return "" if len(label.split()) > 12 else NUMBERED.sub("", label.strip()).rstrip(".:")


_EXAMPLE_INTRO = re.compile(r"^(?:take|consider|suppose|imagine|say|for (?:example|instance)|e\.g\.|"
                            r"as an example|here is an example|an example)\b", re.I)


def is_example_table(doc: Document, row: Block) -> bool:
    """True for a table the text before it offers as an example ('Take a teacher ...:')."""
    prev = previous_block(doc, row, skipping=(BlockKind.TABLE, BlockKind.TABLE_HEADER))
    return prev is not None and prev.kind is BlockKind.PARAGRAPH and bool(_EXAMPLE_INTRO.match(prev.plain))


def tables(doc: Document) -> list[list[Block]]:
    """Each table of the document as its rows in order (the header row is on `Block.header`)."""
    return [list(rows) for is_row, rows in groupby(doc.blocks, lambda b: b.kind is BlockKind.TABLE) if is_row]


_WRITEUP_LABELS = frozenset({  # the parts of a write-up, singular and plural
    "symptom", "symptoms", "cause", "causes", "fix", "fixes", "solution", "solutions", "problem",
    "problems", "example", "examples", "pros", "cons", "why", "how", "what", "when", "result",
    "results", "idea", "summary", "takeaway", "takeaways", "input", "output", "goal", "setup",
    "intuition", "definition", "proof", "remedy", "remedies", "diagnosis", "check", "checks",
    "caveat", "caveats", "trade-off", "tradeoff", "trade-offs",
})


def is_writeup_label(text: str) -> bool:
    """'Symptoms', 'Causes.', 'Fixes:' label a part of a write-up; they name no topic."""
    return text.lower().strip(" .:") in _WRITEUP_LABELS


def names_code(row: Block) -> bool:
    """A row whose first cell is a code span ('`KDLoss` | Soft KL ...') documents the
    implementation, not the subject."""
    return bool(CODE.fullmatch(row.text.strip().strip("|").split("|")[0].strip()))


def mentions(text: str, heading: str) -> bool:
    """True when `text` names most of the content words of `heading`."""
    words = [w for w in re.findall(r"[A-Za-z][\w\-]{3,}|\b[A-Z][A-Z0-9]{1,5}\b", heading)
             if w.lower() not in _HEADING_FILLER]
    low = text.lower()
    return bool(words) and sum(w.lower() in low for w in words) * 2 >= len(words)


_HEADING_FILLER = {"what", "when", "why", "how", "does", "with", "from", "into", "your", "their",
                   "part", "step", "case", "study", "example", "examples", "overview", "summary",
                   "problem", "problems", "the"}


def remove_non_prose(body: str) -> str:
    """Drop fenced code, comments, shortcodes, images; keep link text; strip raw tags."""
    return _remove_markup(_remove_code(body))


def _remove_code(body: str) -> str:
    return _SHORTCODE.sub("", _HTML_COMMENT.sub("", _FENCE.sub("\n", body)))


def _remove_markup(text: str) -> str:
    # a Markdown post may write a heading in HTML: it stays a heading, not a sentence
    text = _HTML_HEADING.sub(lambda m: "#" * int(m.group(1)) + " " + m.group(2), text)
    text = _CAPTION_ELEMENT.sub(lambda m: _as_caption(m.group(2)), text)
    text = _HTML_BLOCK.sub(_html_figure, text)
    text = _IMAGE.sub("", text)
    text = LINK.sub(r"\1", text)
    return _TAG.sub("", text)


def _html_figure(block: re.Match[str]) -> str:
    """An HTML block that shows a picture is a figure: its few words are its caption. Any
    other HTML block, and one with more words than a caption has, stays as it is. (A caption
    element, however long, is a caption already: `_remove_markup`.)"""
    html = block.group(0)
    if not _PICTURE.search(html) or len(_TAG.sub(" ", html).split()) > MAX_CAPTION_WORDS:
        return html
    return _as_caption(html)


def _as_caption(html: str) -> str:
    """The words of an HTML caption as a Markdown caption ('*Figure: ...*') on lines of its own."""
    words = re.sub(r"\s+(?=[.,:;!?)])", "", " ".join(_TAG.sub(" ", html).split()))
    return f"\n\n*Figure: {words}*\n\n" if words else "\n\n"


def parse(body: str) -> Document:
    """Parse a Markdown-ish body into blocks; math is protected before any splitting."""
    # math is shielded before raw tags go: '\\sum_{i<j} ... \\rangle' is no tag
    protected, spans = latex.protect(_remove_code(body))
    protected = _remove_markup(protected)
    blocks: list[Block] = []
    section = ""
    path: list[tuple[int, str]] = []  # (level, heading) from the outermost in
    paragraph: list[str] = []
    para_kind = BlockKind.PARAGRAPH

    def flush() -> None:
        _add(blocks, para_kind, " ".join(paragraph), section, path=path)  # no text: no block
        paragraph.clear()

    for line in _display_on_own_lines(protected, spans).split("\n"):
        stripped = line.strip()
        # a blank line, a quote line with nothing in it, a rule (not a list item of dashes): the paragraph ends
        if not stripped.lstrip(">").strip() or _HR.match(stripped) and not _ITEM.match(stripped + " x"):
            flush()
            continue
        if heading := _HEADING.match(stripped):
            flush()
            section = latex.restore(strip_inline(heading.group(2)).strip(), spans)
            level = len(heading.group(1))
            path = [(lv, h) for lv, h in path if lv < level] + [(level, section)]
            _add(blocks, BlockKind.HEADING, heading.group(2), section, level=level, path=path)
            continue
        kind = (BlockKind.MATH if _is_display(stripped, spans) else BlockKind.QUOTE if stripped.startswith(">")
                else BlockKind.TABLE if stripped.startswith("|") else BlockKind.ITEM if _ITEM.match(stripped)
                else BlockKind.PARAGRAPH)
        if kind in (BlockKind.MATH, BlockKind.TABLE):  # a display formula, a table row: a block of its own
            flush()
            _add(blocks, kind, stripped, section, path=path)
            continue
        if kind is BlockKind.QUOTE:
            stripped = stripped.lstrip(">").strip()
        if kind is BlockKind.PARAGRAPH and para_kind is BlockKind.ITEM and paragraph:
            paragraph.append(stripped)  # a list item's continuation line (indented or lazy)
            continue
        if kind is BlockKind.ITEM or kind != para_kind:
            flush()
        if kind is BlockKind.ITEM:
            stripped = _ITEM.match(stripped).group(2)  # type: ignore[union-attr]
        para_kind = kind
        paragraph.append(stripped)
    flush()
    return Document(blocks, spans)


def _add(blocks: list[Block], kind: BlockKind, text: str, section: str, level: int = 0,
         path: Sequence[tuple[int, str]] = ()) -> None:
    text = text.strip()
    above = blocks[-1] if blocks else None
    if kind is BlockKind.TABLE and re.fullmatch(r"[|:\-\s]+", text):
        if above and above.kind is BlockKind.TABLE:
            above.kind = BlockKind.TABLE_HEADER  # the row above a |---| line is the header
            above.header = []  # it took the header of a table right above as a row of that table
        return
    if kind is BlockKind.PARAGRAPH and (caption := _CAPTION.match(text)):
        text, kind = caption.group(1), BlockKind.CAPTION
    header: list[str] = []  # a table row learns the header cells of its table from the row above
    if kind is BlockKind.TABLE and above and above.kind in (BlockKind.TABLE, BlockKind.TABLE_HEADER):
        header = above.cells if above.kind is BlockKind.TABLE_HEADER else above.header
    if text:
        bold = [strip_inline(b or u) for b, u in BOLD.findall(text)]
        blocks.append(Block(kind, text, section, level, index=len(blocks), bold=bold, header=header,
                            path=tuple(h for _, h in path)))


def _display_on_own_lines(protected: str, spans: list[latex.MathSpan]) -> str:
    """'... of Jacobians:MATHSPAN0003Z' and two display formulas on one line: each display
    formula goes on a line of its own, so it becomes a math block like any other."""
    def own_line(m: re.Match[str]) -> str:
        return f"\n{m.group(0)}\n" if spans[int(m.group(1))].display else m.group(0)

    return "\n".join(line if _is_display(line.strip(), spans) else latex.PLACEHOLDER_RE.sub(own_line, line)
                     for line in protected.split("\n"))


def _is_display(line: str, spans: list[latex.MathSpan]) -> bool:
    """True for a line that holds only a display formula (punctuation after it allowed)."""
    m = latex.PLACEHOLDER_RE.fullmatch(line.lstrip(">").strip().rstrip(".,;"))
    return m is not None and spans[int(m.group(1))].display
