"""How long ago, or in how long: a rough, readable distance between two instants.

One home for the wording of spans of time, shared by the command line ("in 3 days",
"10 min ago") and the review UI ("in 3d", "10m", "2.5mo"). Pure: no I/O, no dependencies.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

MINUTE, HOUR, DAY = 60, 3600, 86400


class Wording(Enum):
    """How a span is written."""

    SHORT = "short"  # '10m', '5h', '3d', '2.5mo', '1.2y': the review UI's buttons and dates
    WORDS = "words"  # '10 min', '5 hours', '3 days': the command line's reports


# (seconds in the unit, its name, shown with one decimal), largest first
_UNITS = {
    Wording.SHORT: ((365 * DAY, "y", True), (30 * DAY, "mo", True), (DAY, "d", False),
                    (HOUR, "h", False), (MINUTE, "m", False)),
    Wording.WORDS: ((DAY, "day", False), (HOUR, "hour", False), (MINUTE, "min", False)),
}
_UNDER_A_MINUTE = {Wording.SHORT: "<1m", Wording.WORDS: "<1 min"}


def interval(delta: timedelta, wording: Wording = Wording.SHORT) -> str:
    """A span in its largest whole unit: '<1m', '10m', '5h', '3d', '2.5mo', '1.2y' (SHORT),
    or '10 min', '1 hour', '3 days' (WORDS)."""
    seconds = delta.total_seconds()
    for size, unit, decimal in _UNITS[wording]:
        if seconds >= size:
            amount = seconds / size
            if decimal:
                return f"{amount:.1f}".removesuffix(".0") + unit
            n = round(amount)
            if wording is Wording.SHORT:
                return f"{n}{unit}"
            return f"{n} {unit}{'s' if n != 1 and unit != 'min' else ''}"
    return _UNDER_A_MINUTE[wording]


def relative(when: datetime, now: datetime, wording: Wording = Wording.SHORT) -> str:
    """'in 3h', '2d ago', 'now' (SHORT); 'in 3 days', '5 min ago', 'now' (WORDS)."""
    delta = when - now
    if abs(delta.total_seconds()) < MINUTE:
        return "now"
    return f"in {interval(delta, wording)}" if delta > timedelta(0) \
        else f"{interval(-delta, wording)} ago"
