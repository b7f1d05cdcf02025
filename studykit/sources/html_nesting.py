"""Flattening HTML nested too deep to parse in reasonable time.

The lexbor parser is quadratic in element depth (100,000 nested `<div>`s take about 30 s),
so tags past `MAX_NESTING` levels are dropped, their text kept, before the page is parsed.
"""

from __future__ import annotations

import re

MAX_NESTING = 500
_VOID_OR_OPTIONAL_END = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen "
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp html head body".split()
)
_TAG_TOKEN = re.compile(
    r"<!--.*?-->|<(script|style|textarea|title)\b.*?</\1\s*>|<(/?)([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S | re.I,
)


def cap_nesting(html: str) -> str:
    """`html` with tags nested deeper than MAX_NESTING dropped, their text kept; a page
    that is not that deep is returned unchanged."""
    if html.count("<") < MAX_NESTING:
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
        elif depth >= MAX_NESTING:
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

