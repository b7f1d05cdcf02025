"""Card text made safe and readable in a terminal.

Owns: LaTeX -> Unicode (Greek, operators, fractions, roots, sums, sub- and superscripts),
Markdown emphasis -> Rich styles, and the guard that no text from a web page can inject
Rich/Textual markup or terminal escape sequences. Everything returns `rich.text.Text`
built from plain strings: card text is never parsed as markup.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text
from rich.text import Text

from studykit import latex
from studykit.sanitize import strip_controls

_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SUP = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzT⊤",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀᵀ"))
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|`([^`]+)`")


def clean(text: str) -> str:
    """Remove terminal escape sequences and control characters (tabs, newlines stay)."""
    return strip_controls(text)


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def latex_to_unicode(source: str) -> str:
    """'h_{t-1}' -> 'hₜ₋₁', '\\frac{a}{b}' -> 'a/b'; the LaTeX itself when it would read badly."""
    bare = re.sub(r"\\[{}]", "", source)
    if bare.count("{") != bare.count("}"):
        return source.strip()  # malformed: the source is the most honest rendering
    try:
        source = source.replace("\\|", "‖")
        text = _converter().latex_to_text(_shield_scripts(_fractions(source)))
    except Exception:  # pylatexenc raises on some malformed input; the source still reads
        return source.strip()
    text = _scripts(text)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", re.sub(r"[ \t]+", " ", text)).strip()
    if not text or "\\" in text or text.count("{") != text.count("}"):
        return source.strip()
    return text


def _fractions(source: str) -> str:
    """`\frac{a+b}{c}` -> `(a+b)/c`: the converter's bare `a+b/c` would misread."""
    out: list[str] = []
    i = 0
    while i < len(source):
        m = re.compile(r"\\[dt]?frac\s*\{").match(source, i)
        if m:
            num_end = _matching_brace(source, m.end() - 1)
            if num_end > 0 and source[num_end + 1:num_end + 2] == "{":
                den_end = _matching_brace(source, num_end + 1)
                if den_end > 0:
                    num = _fractions(source[m.end():num_end])
                    den = _fractions(source[num_end + 2:den_end])
                    out.append(f"{_group(num)}/{_group(den)} ")
                    i = den_end + 1
                    continue
        out.append(source[i])
        i += 1
    return "".join(out)


def _group(part: str) -> str:
    """Parenthesise a fraction part that holds more than one term."""
    bare = re.sub(r"\{[^{}]*\}", "", part)
    return f"({part})" if re.search(r"[+\-=,]|\\(?:cdot|times|sum|prod|int)", bare.strip()) else f"{{{part}}}"


def _shield_scripts(source: str) -> str:
    """`_{...}` -> `_\\{...\\}` so the converter keeps the group (it drops plain braces)."""
    out: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch in "_^" and source[i + 1:i + 2] == "{":
            end = _matching_brace(source, i + 1)
            if end > 0:
                out.append(ch + "\\{" + _shield_scripts(source[i + 2:end]) + "\\}")
                i = end + 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _matching_brace(text: str, start: int) -> int:
    depth = 0
    for j in range(start, len(text)):
        if text[j] == "{" and text[j - 1:j] != "\\":
            depth += 1
        elif text[j] == "}" and text[j - 1:j] != "\\":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _scripts(text: str) -> str:
    def group(m: re.Match[str]) -> str:
        table = _SUB if m.group(1) == "_" else _SUP
        body = m.group(2)
        if all(c in table for c in body):
            return "".join(table[c] for c in body)
        return m.group(1) + (body if len(body) == 1 else "(" + body + ")")

    def single(m: re.Match[str]) -> str:
        table = _SUB if m.group(1) == "_" else _SUP
        return table.get(m.group(2), m.group(0))

    text = re.sub(r"([_^])([^\s{])", single, text)
    return re.sub(r"([_^])\{([^{}]*)\}", group, text)


def card_text(text: str, style: str = "") -> Text:
    """A card side as Rich Text: math as Unicode, emphasis as styles, nothing interpreted."""
    text = clean(text)
    out = Text(style=style)
    last = 0
    for span in latex.find_math(text):
        _append_prose(out, text[last:span.start])
        rendered = latex_to_unicode(span.latex)
        if span.display:
            out.append("\n" + rendered + "\n", style="bold")
        else:
            out.append(rendered, style="italic")
        last = span.end
    _append_prose(out, text[last:])
    return out


def _append_prose(out: Text, prose: str) -> None:
    last = 0
    for m in _EMPHASIS.finditer(prose):
        out.append(prose[last:m.start()])
        if m.group(1) is not None:
            out.append(m.group(1), style="bold")
        elif m.group(2) is not None:
            out.append(m.group(2), style="italic")
        else:
            out.append(m.group(3), style="reverse")
        last = m.end()
    out.append(prose[last:])
