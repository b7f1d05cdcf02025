"""Card text -> Anki field HTML: plain text with math (`$...$`, `$$...$$`), Markdown
emphasis and, in a cloze field, `{{cN::...}}` deletions.

Math becomes MathJax and is shielded from everything else; HTML leaked from a page is
dropped, the rest escaped; the sanitizer (`sanitize.clean_html`) runs last.
"""

from __future__ import annotations

import html
import re

from studykit import cloze as cloze_syntax
from studykit import latex, sanitize
from studykit.inline_markdown import CODE_RUN, STRICT_BOLD, STRICT_ITALIC

# Private-use control characters mark what must survive escaping: deletions as
# \x01N\x02answer\x03, code spans as \x04N\x05 (the text's own were dropped first).
_STASHED_DELETION = re.compile(r"\x01(\d+)\x02(.*?)\x03", re.S)
_DELETION_MARKS = re.compile(r"[\x01-\x03]|(?<=\x01)\d+")
_CODE_TOKEN = re.compile(r"\x04(\d+)\x05")
_SPACES = re.compile(r"\s+")
_ENV = re.compile(r"^\\begin\{(equation|align|gather|multline|eqnarray|displaymath)(\*?)\}(.*)"
                  r"\\end\{\1\2\}$", re.S)
_LABEL_OR_TAG = re.compile(r"\\(?:label|tag)\*?\{[^{}]*\}|\\no(?:number|tag)\b")


def field_html(text: str, *, cloze: bool = False) -> str:
    """Card text -> Anki field HTML.

    Math becomes MathJax (`\\(...\\)` inline, `\\[...\\]` display, one line each) and is
    shielded from everything else; HTML leaked from a page is dropped; the rest is
    escaped, then `**bold**`, `*em*`/`_em_` and `` `code` `` become HTML and newlines
    `<br>`; the sanitizer runs last. With `cloze`, `{{cN::...}}` deletions are kept and
    made safe: no `}}` inside math, a deletion never ends in `}`, and a `::` inside one is
    literal text (hints are not supported).
    """
    text = sanitize.FIELD_CONTROLS.sub("", text).replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    if cloze:
        text = _stash_deletions(text)
    codes: list[str] = []

    def stash(m: re.Match[str]) -> str:
        codes.append(sanitize.strip_markup(m.group(2).strip() or m.group(2)))
        return f"\x04{len(codes) - 1}\x05"

    text = CODE_RUN.sub(stash, text)
    text, spans = latex.protect(text)
    out = html.escape(sanitize.strip_markup(text), quote=False)
    out = STRICT_BOLD.sub(lambda m: f"<b>{m.group(1) or m.group(2)}</b>", out)
    out = STRICT_ITALIC.sub(lambda m: f"<i>{m.group(1) or m.group(2)}</i>", out)
    out = out.replace("\n", "<br>")
    out = _CODE_TOKEN.sub(lambda m: f"<code>{html.escape(codes[int(m.group(1))], quote=False)}</code>", out)

    def math(m: re.Match[str]) -> str:
        i = int(m.group(1))
        return mathjax(spans[i], cloze=cloze) if i < len(spans) else m.group(0)

    out = latex.PLACEHOLDER_RE.sub(math, out).replace("\\]<br>", "\\]")
    if cloze:
        out = _STASHED_DELETION.sub(_deletion, out)
    return sanitize.clean_html(out)


def mathjax(span: latex.MathSpan, *, cloze: bool = False) -> str:
    """One math span as MathJax for Anki, HTML-escaped, on one line."""
    body = _SPACES.sub(" ", span.latex).strip()
    display = span.delimiter in ("$$", "\\[", "env")
    if display:
        body = _displayable(body)
    if cloze:
        body = cloze_syntax.split_brace_pairs(body)  # `}}` would end the deletion early
    body = html.escape(body, quote=False)
    return f"\\[{body}\\]" if display else f"\\({body}\\)"


def revealed(cloze_text: str) -> str:
    """A cloze field's text with every deletion shown as its answer."""
    return _DELETION_MARKS.sub("", _stash_deletions(cloze_text))


def _displayable(body: str) -> str:
    """A bare `align`/`equation`/... environment as something MathJax renders inside `\\[...\\]`."""
    m = _ENV.match(body)
    if not m:
        return body
    name, inner = m.group(1), m.group(3).strip()
    if name in ("equation", "displaymath"):
        return inner
    inner = _LABEL_OR_TAG.sub("", inner).strip()
    env = "aligned" if name in ("align", "eqnarray") else "gathered"
    return f"\\begin{{{env}}}{inner}\\end{{{env}}}"


def _stash_deletions(text: str) -> str:
    """Mark each `{{cN::...}}` as `\\x01N\\x02...\\x03`. A deletion ends at the first `}}`
    outside math: Anki ends it at the first `}}` at all, so `mathjax` splits those in math.
    A deletion that opens inside a formula (a formula's term) ends at the first `}}` of it."""
    math = [(s.start, s.end) for s in latex.find_math(text)]

    def span_end(i: int) -> int | None:
        """Where the formula holding position `i` ends, or None outside math."""
        return next((b for a, b in math if a <= i < b), None)

    out: list[str] = []
    pos = 0
    while m := cloze_syntax.OPENING.search(text, pos):
        close = cloze_syntax.CLOSING.search(text, m.end())
        inside = span_end(m.start())
        if inside is not None:
            # a deletion of a formula's term ("$$a + {{c1::b}}$$") ends in its formula
            if close and close.end() > inside:
                close = None
        else:
            while close and span_end(close.start()) is not None:
                close = cloze_syntax.CLOSING.search(text, close.start() + 1)
        if not close:
            out.append(text[pos:m.end()])
            pos = m.end()
            continue
        out.append(f"{text[pos:m.start()]}\x01{int(m.group(1))}\x02{text[m.end():close.start()]}\x03")
        pos = close.end()
    out.append(text[pos:])
    return "".join(out)


def _deletion(m: re.Match[str]) -> str:
    body = m.group(2).replace("::", ":\u200b:")
    if body.endswith("}"):
        body += " "
    return cloze_syntax.deletion(int(m.group(1)), body)
