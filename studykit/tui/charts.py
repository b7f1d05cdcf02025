"""Small terminal charts built from block characters, as Rich `Text`.

`columns` draws one column per value (reviews per day, the due forecast) with eighth-block
tops, so a 4-row chart has 32 levels; `bars` draws labelled horizontal bars, stacked by
part (cards by series and state). Labels are cleaned plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from studykit.terminal_text import clean

EIGHTHS = " ▁▂▃▄▅▆▇█"


def columns(values: Sequence[int], *, height: int = 4, width: int = 2, style: str = "",
            labels: tuple[str, str] | None = None) -> Text:
    """A column chart: `height` rows, `width` cells per value, the scale on the right."""
    top = max(values, default=0)
    levels = [round(v / top * height * 8) if top else 0 for v in values]
    levels = [max(1, lv) if v else 0 for lv, v in zip(levels, values, strict=True)]
    out = Text()
    for row in range(height, 0, -1):
        floor = (row - 1) * 8
        line = "".join(EIGHTHS[min(8, max(0, lv - floor))] * width for lv in levels)
        out.append(line, style=style)
        scale = f" {top}" if row == height else (" 0" if row == 1 else "")
        out.append(scale + "\n", style="dim")
    if labels:
        span = len(values) * width
        left, right = labels
        out.append(left + right.rjust(max(1, span - len(left))) + "\n", style="dim")
    out.rstrip()
    return out


def bars(rows: Sequence[tuple[str, Sequence[tuple[int, str]]]], *, width: int = 40,
         label_width: int = 24) -> Text:
    """Labelled horizontal bars; each row is (label, [(value, style), ...]) stacked left to
    right, scaled so the longest row fills `width` cells; the row's total follows the bar."""
    top = max((sum(v for v, _ in parts) for _, parts in rows), default=0)
    out = Text()
    for label, parts in rows:
        name = clean(" ".join(label.split()))
        if len(name) > label_width:
            name = name[:label_width - 1] + "…"
        out.append(name.ljust(label_width) + " ")
        total, drawn = 0, 0
        for value, style in parts:
            total += value
            # Cumulative rounding: the parts always add up to the row's own length.
            end = round(total / top * width) if top else 0
            if value and end == drawn and end < width:
                end += 1  # a part that exists is never invisible
            out.append("█" * (end - drawn), style=style)
            drawn = max(drawn, end)
        out.append(" " * max(0, width - drawn) + f" {total}\n")
    out.rstrip()
    return out
