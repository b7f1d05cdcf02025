"""Markdown inline syntax (emphasis, code spans, links, escapes): the one home of its patterns.

Emphasis is read two ways, for two jobs:

- loose (`BOLD`, `EMPHASIS`, `CODE`): what extraction strips from text and reads as the
  author's key terms, and what the terminal styles; `**x**` is bold wherever it stands.
- strict (`STRICT_BOLD`, `STRICT_ITALIC`, `CODE_RUN`): what becomes HTML in an Anki
  field. Delimiters must flank a word (no space or delimiter inside them), so `2*3*4`
  and `a * b * c` stay text, and a code span may use any number of backticks.
"""

from __future__ import annotations

import re

_BOLD_STARS = r"\*\*(.+?)\*\*"
_BOLD_UNDERSCORES = r"__(.+?)__"
_EMPHASIS_STAR = r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"
_EMPHASIS_UNDERSCORE = r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"
_CODE = r"`([^`]+)`"

BOLD = re.compile(f"{_BOLD_STARS}|{_BOLD_UNDERSCORES}")
EMPHASIS = re.compile(f"{_EMPHASIS_STAR}|{_EMPHASIS_UNDERSCORE}")
CODE = re.compile(_CODE)
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# '\!', '\>=' in prose; other escapes may be code ('\d') or keep a line from being structure ('\#')
_ESCAPED = re.compile(r"\\([!<>])")
# '\*', '\_': a literal star or underscore ('210\*160\*3'), held aside while emphasis is read
_ESCAPED_DELIMITER = re.compile(r"\\([*_])")
_HELD = {"*": "\ue000", "_": "\ue001"}  # private-use characters: no Markdown reads them
_RELEASED = str.maketrans({held: char for char, held in _HELD.items()})
# What the terminal styles: bold (group 1), italic (group 2) and code (group 3).
TERMINAL = re.compile(f"{_BOLD_STARS}|{_EMPHASIS_STAR}|{_CODE}")

STRICT_BOLD = re.compile(r"(?<![\w*])\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?![\w*])"
                         r"|(?<![\w_])__(?=[^\s_])(.+?)(?<=[^\s_])__(?![\w_])")
STRICT_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"
                           r"|(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
# A code span of one or more backticks (group 1) around its text (group 2).
CODE_RUN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def strip_inline(text: str) -> str:
    """Markdown inline syntax removed: emphasis, code ticks, links (text kept), escapes of
    '!', '<', '>', '*', '_' (the character kept). Math must be protected first: LaTeX's negative space is no escape."""
    text = _ESCAPED_DELIMITER.sub(lambda m: _HELD[m.group(1)], text)
    text = BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = CODE.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", LINK.sub(r"\1", text)).translate(_RELEASED)
