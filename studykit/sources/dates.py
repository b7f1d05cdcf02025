"""A post's publication date as a source gives it: parsed, in UTC, and bounded.

Owns: turning what front matter, a page's `<meta>`/`<time>`/JSON-LD or a feed entry says
into an aware UTC datetime from `limits.EARLIEST_DATE` to before `limits.LATEST_DATE`, or
into no date at all. A year 0 or 99,999, an epoch of 1e30, a time past datetime's end once
in UTC (9999-12-31T23:59:59-10:00) or plain garbage never raises: the post has no date.
"""

from __future__ import annotations

import calendar
import time as time_mod
from datetime import date, datetime, time, timezone
from typing import Any

from studykit import limits


def bounded(value: datetime) -> datetime | None:
    """`value` in UTC (a naive time is taken as UTC) when inside the date range, else None."""
    try:
        utc = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
    return utc if limits.EARLIEST_DATE <= utc < limits.LATEST_DATE else None


def from_text(value: str) -> datetime | None:
    """An ISO 8601 date or date-time (`Z` for UTC) in range, else None."""
    value = value.strip()
    if not value:
        return None
    try:
        return bounded(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def from_struct_time(stamp: time_mod.struct_time | None) -> datetime | None:
    """A UTC time tuple (feedparser's `published_parsed`) in range, else None."""
    if not stamp:
        return None
    try:
        return bounded(datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc))
    except (OverflowError, ValueError, OSError):
        return None


def from_front_matter(value: Any) -> datetime | None:
    """Front matter dates come as datetime, date or text; all become UTC-aware, in range."""
    if isinstance(value, str):
        return from_text(value)
    if isinstance(value, datetime):
        return bounded(value)
    if isinstance(value, date):
        return bounded(datetime.combine(value, time(), tzinfo=timezone.utc))
    return None
