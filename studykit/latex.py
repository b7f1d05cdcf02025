"""Math in prose: find LaTeX spans, shield them from NLP, and render them as Unicode.

Dialects handled: `$...$` and `$$...$$` (Hugo/KaTeX; kramdown's inline `$$` counts as
display only when it stands alone in its paragraph), `\\(...\\)`, `\\[...\\]`, their
Markdown-escaped forms `\\\\(...\\\\)` (kramdown sources, where `\\_` inside stands for `_`) and bare
`\\begin{equation|align|gather|multline}` environments. A `$` in prose ("costs $5") is
not math: like pandoc, an opening `$` must be followed by a non-space and a closing `$`
preceded by a non-space and not followed by a digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One alphanumeric token for spaCy; the closing "Z" keeps a digit after it out of the index.
PLACEHOLDER = "MATHSPAN{:04d}Z"
PLACEHOLDER_RE = re.compile(r"MATHSPAN(\d+)Z")

_ENVIRONMENTS = r"(?:equation|align|gather|multline|eqnarray|displaymath)\*?"
_TOKEN = re.compile(
    r"(?P<dd>(?<!\\)\$\$)"
    r"|(?P<ko>\\\\\()"  # kramdown's Markdown-escaped \\( ... \\)
    r"|(?P<bo>\\\[)|(?P<po>\\\()"
    rf"|(?P<env>\\begin\{{(?P<envname>{_ENVIRONMENTS})\}})"
    r"|(?P<d>(?<![\\$])\$(?!\$))"
)


@dataclass(frozen=True)
class MathSpan:
    """One formula found in a text: where it is and what it says."""

    start: int
    end: int
    latex: str  # the body without delimiters, verbatim
    display: bool
    delimiter: str  # "$", "$$", "\\(", "\\[", "env", or "\\\\(" (kramdown's escaped form)
    raw: str = ""  # the span as written, delimiters included

    @property
    def source(self) -> str:
        if self.raw:
            return self.raw
        return {
            "$": f"${self.latex}$",
            "$$": f"$${self.latex}$$",
            "\\(": f"\\({self.latex}\\)",
            "\\[": f"\\[{self.latex}\\]",
        }.get(self.delimiter, self.latex)

    def as_dollars(self) -> str:
        """The span in the card contract's notation: `$...$` inline, `$$...$$` display."""
        return f"$${self.latex}$$" if self.display else f"${self.latex}$"


def find_math(text: str) -> list[MathSpan]:
    """All math spans of `text`, in order, never overlapping."""
    spans: list[MathSpan] = []
    pos = 0
    while True:
        m = _TOKEN.search(text, pos)
        if not m:
            return spans
        span = _close(text, m)
        if span is None:
            pos = m.end()
            continue
        spans.append(span)
        pos = span.end


def _close(text: str, m: re.Match[str]) -> MathSpan | None:
    start = m.start()
    if m.group("dd"):
        end = text.find("$$", m.end())
        if end < 0 or not text[m.end():end].strip():
            return None
        return MathSpan(start, end + 2, text[m.end():end], _alone(text, start, end + 2), "$$")
    if m.group("ko"):
        end = text.find("\\\\)", m.end())
        body = text[m.end():end]
        if end < 0 or not body.strip():
            return None
        # Markdown escapes inside the math: '\\_' is '_' and '\\*' is '*' once Markdown is done
        return MathSpan(start, end + 3, re.sub(r"\\([_*])", r"\1", body).strip(), False, "\\\\(",
                        raw=text[start:end + 3])
    if m.group("bo") or m.group("po"):
        closer = "\\]" if m.group("bo") else "\\)"
        end = text.find(closer, m.end())
        if end < 0 or not text[m.end():end].strip():
            return None
        return MathSpan(start, end + 2, text[m.end():end], bool(m.group("bo")), m.group(0))
    if m.group("env"):
        closer = "\\end{" + m.group("envname") + "}"
        end = text.find(closer, m.end())
        if end < 0:
            return None
        return MathSpan(start, end + len(closer), text[start:end + len(closer)], True, "env")
    return _close_inline_dollar(text, m.end(), start)


def _close_inline_dollar(text: str, body_start: int, start: int) -> MathSpan | None:
    """Inline math cannot hold an unescaped `$`: the next one closes it or nothing does."""
    if body_start >= len(text) or text[body_start].isspace():
        return None
    end = body_start
    while True:
        end = text.find("$", end)
        if end < 0:
            return None
        if text[end - 1] != "\\":
            break
        end += 1
    body = text[body_start:end]
    closes = not text[end - 1].isspace() and "\n\n" not in body
    closes = closes and not (end + 1 < len(text) and text[end + 1].isdigit())
    if closes and text[end + 1:end + 2] != "$":
        return MathSpan(start, end + 1, body, False, "$")
    return None


def _alone(text: str, start: int, end: int) -> bool:
    """True when a `$$` span is display math: it is its own paragraph (kramdown's rule), or it
    opens or closes its line ("... a product of Jacobians:$$...$$" then a new line), or it
    spans lines. Only a `$$` inside a line of prose is inline (kramdown's inline math).
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start].strip(), text[end:line_end].strip(" \t.,;:")
    return not before or not after or "\n" in text[start:end]


def protect(text: str) -> tuple[str, list[MathSpan]]:
    """Replace each math span by a one-token placeholder spaCy leaves intact."""
    spans = find_math(text)
    out: list[str] = []
    last = 0
    for i, span in enumerate(spans):
        out.append(text[last:span.start])
        out.append(PLACEHOLDER.format(i))
        last = span.end
    out.append(text[last:])
    return "".join(out), spans


def restore(text: str, spans: list[MathSpan], dollars: bool = True) -> str:
    """Put math back where `protect` left placeholders (as `$...$` when `dollars`)."""

    def put(m: re.Match[str]) -> str:
        i = int(m.group(1))
        if i >= len(spans):
            return m.group(0)
        return spans[i].as_dollars() if dollars else spans[i].source

    return PLACEHOLDER_RE.sub(put, text)


def normalise(latex: str) -> str:
    """Collapse whitespace: the form used to compare and deduplicate formulas."""
    return re.sub(r"\s+", " ", latex).strip()


def spacing_free(latex: str) -> str:
    """The formula without blanks and spacing commands (`\\,`, `\\quad`): formulas equal up to
    spacing compare equal (the key a series remembers its formula cards by)."""
    return re.sub(r"\\[,;:!]|\\q?quad|\s+", "", latex)


_RELATION = re.compile(r"=|\\approx(?![a-z])|\\propto(?![a-z])|\\equiv(?![a-z])|\\le(?:q)?(?![a-z])|\\ge(?:q)?(?![a-z])")


def left_side(formula: str) -> str:
    """The short left-hand side of `a = b` (or a ≈ b, a ≤ b; top level only), or ""."""
    depth = 0
    for i, ch in enumerate(formula):
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif depth == 0 and _RELATION.match(formula, i):
            if ch == "=" and formula[i - 1:i] in ("<", ">", "!", "\\"):
                continue
            lhs = re.sub(r"(?:\\[,;:!]|\\q?quad|&|\s)+$", "", formula[:i]).strip()
            if 0 < len(lhs) <= 40 and "\\\\" not in lhs and "\\begin" not in lhs:
                return lhs
            return ""
    return ""
