"""Card text made safe and readable in a terminal.

Owns: math spans rendered with `unicode_math` (the source itself when it does not parse),
Markdown emphasis -> Rich styles, and the guard that no text from a web page can inject
Rich/Textual markup or terminal escape sequences. Everything returns `rich.text.Text`
built from plain strings: card text is never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from studykit import latex, unicode_math
from studykit.inline_markdown import TERMINAL as _EMPHASIS
from studykit.sanitize import strip_controls


def clean(text: str) -> str:
    """Remove terminal escape sequences and control characters (tabs, newlines stay)."""
    return strip_controls(text)


def latex_to_unicode(source: str) -> str:
    """'h_{t-1}' -> 'hₜ₋₁', '\\frac{a}{b}' -> 'a/b'; the LaTeX itself when it does not parse."""
    try:
        text = unicode_math.render(source)
    except unicode_math.Unreadable:
        return source.strip()
    return text or source.strip()


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
