"""FSRS scheduling as pure functions, plus the study settings and the study day.

Owns: the `fsrs` package (nothing else imports it), the settings that shape scheduling
(desired retention, learning steps, daily limits, when a study day starts, fuzz), and
the conversion of every datetime to timezone-aware UTC. Given a card's FSRS state, a
rating and the time, `review()` returns the new state and what the review log records;
`replay()` rebuilds a state from logged reviews. No I/O: the store persists the results.
"""

from __future__ import annotations

import importlib.metadata
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import IntEnum
from functools import lru_cache
from typing import Any

import fsrs

from studykit.errors import StudykitError

FSRS_VERSION = importlib.metadata.version("fsrs")
RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}
RATING_NAMES = {v: k for k, v in RATINGS.items()}


class CardState(IntEnum):
    """A card's state as the store keeps it (the `card_state.state` column): NEW for a card
    never graded, then FSRS's own states, with fsrs.State's numbers."""

    NEW = 0
    LEARNING = fsrs.State.Learning.value
    REVIEW = fsrs.State.Review.value
    RELEARNING = fsrs.State.Relearning.value

    @property
    def label(self) -> str:
        """The word reports and JSON use: 'new', 'learning', 'review', 'relearning'."""
        return self.name.lower()


STATE_NAMES = {s.value: s.label for s in CardState}
STATE_CODES = {s.label: s.value for s in CardState}
FsrsState = dict[str, Any]  # an FSRS card as the store keeps it (fsrs.Card.to_dict())

# Bounds on what a grade and the settings may hold, so that every due date FSRS computes
# (review time + at most `maximum_interval`, 100 years) stays far inside datetime's range
# and every number fits an SQLite INTEGER. Listed in docs/threat-model.md.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)  # a grade's time, --now: from ...
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)  # ... up to (not including) this
MAX_DURATION_MS = 86_400_000  # how long one answer took: at most a day
MAX_STEPS = 10  # learning or relearning steps
MAX_STEP = timedelta(days=365)  # one step


class SettingsError(StudykitError):
    """A setting has a value studykit cannot use."""


def utc(value: datetime, what: str = "datetime") -> datetime:
    """`value` in UTC; naive datetimes are refused (their time zone is a guess)."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{what} must be timezone-aware (got naive {value.isoformat()})")
    return value.astimezone(timezone.utc)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def parse_when(text: str) -> datetime:
    """An ISO 8601 date-time with an offset or `Z`, as UTC (for `--now` and the like)."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise StudykitError(f"{_short(text)!r} is not an ISO date-time (try "
                            "2026-03-01T09:30:00+01:00)") from None
    if value.tzinfo is None:
        raise StudykitError(f"{_short(text)!r} has no time zone: add an offset such as +00:00 or Z")
    try:
        value = utc(value)
    except OverflowError:  # 9999-12-31T23:59:59-10:00 is past the end of datetime in UTC
        raise _out_of_range(repr(_short(text))) from None
    check_time(value, repr(_short(text)))
    return value


def check_time(value: datetime, what: str) -> None:
    """Refuse a grade time outside EARLIEST..LATEST: FSRS adds up to 100 years to it."""
    if not EARLIEST <= value < LATEST:
        raise _out_of_range(what)


def _out_of_range(what: str) -> StudykitError:
    return StudykitError(f"{what} is out of range: use a time from {EARLIEST:%Y-%m-%d} to "
                         f"before {LATEST:%Y-%m-%d} (UTC)")


def check_duration(duration_ms: int | None) -> None:
    if duration_ms is not None and not 0 <= duration_ms <= MAX_DURATION_MS:
        raise StudykitError(f"duration {duration_ms} ms is out of range: use 0 to "
                            f"{MAX_DURATION_MS} ms (a day)")


def _short(text: str, size: int = 60) -> str:
    """`text` cut for an error message: an error line never echoes a whole hostile value."""
    return text if len(text) <= size else text[:size] + "…"


def parse_rating(value: str | int) -> int:
    """'again'/'hard'/'good'/'easy' (any case, or 1-4) -> 1..4."""
    text = str(value).strip().lower()
    if text in RATINGS:
        return RATINGS[text]
    if text in {"1", "2", "3", "4"}:
        return int(text)
    raise StudykitError(f"unknown rating {value!r}: use again, hard, good or easy")


# ---- settings ---------------------------------------------------------------------------

_STEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """'1m 10m' -> (1 min, 10 min); units s, m, h, d; '' or 'none' for no steps."""
    parts = text.replace(",", " ").split()
    if parts in ([], ["none"]):
        return ()
    if len(parts) > MAX_STEPS:
        raise ValueError(f"must be at most {MAX_STEPS} steps")
    steps = []
    for part in parts:
        m = _STEP.match(part.lower())
        if not m or float(m.group(1)) <= 0:
            raise ValueError(f"bad step {_short(part)!r} (write steps like '1m 10m' or '30s 1h 1d')")
        seconds = float(m.group(1)) * _UNIT[m.group(2)]
        if seconds > MAX_STEP.total_seconds():
            raise ValueError(f"each step must be at most {MAX_STEP.days}d")
        if seconds != int(seconds):
            raise ValueError("each step must be a whole number of seconds")
        steps.append(timedelta(seconds=int(seconds)))
    return tuple(steps)


def format_steps(steps: tuple[timedelta, ...]) -> str:
    out = []
    for step in steps:
        seconds = step.total_seconds()
        unit = next(u for u in "dhms" if seconds % _UNIT[u] == 0)
        out.append(f"{int(seconds // _UNIT[unit])}{unit}")
    return " ".join(out) or "none"


def _parse_bool(text: str) -> bool:
    low = text.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off"}:
        return False
    raise ValueError("use on or off")


def _parse_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:  # int()'s own message suggests sys.set_int_max_str_digits
            raise ValueError(f"must be a whole number between {low} and {high}") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value
    return parse


def _parse_retention(text: str) -> float:
    value = float(text)
    if not 0.7 <= value <= 0.99:
        raise ValueError("must be between 0.70 and 0.99")
    return value


def _parse_zone(text: str) -> str:
    name = text.strip()
    if name.lower() in {"", "local"}:
        return "local"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown time zone (use an IANA name like Europe/Paris, or local)")\
            from None
    return name


# key -> (parse text to value, value to text, help)
SETTINGS: dict[str, tuple[Callable[[str], Any], Callable[[Any], str], str]] = {
    "desired_retention": (_parse_retention, lambda v: f"{v:g}",
                          "chance of recall FSRS aims for when it schedules a review"),
    "learning_steps": (parse_steps, format_steps, "steps of a new card before it graduates"),
    "relearning_steps": (parse_steps, format_steps, "steps of a forgotten card"),
    "maximum_interval": (_parse_int(1, 36500), str, "longest interval, in days"),
    "new_per_day": (_parse_int(0, 100000), str, "new cards introduced per study day"),
    "reviews_per_day": (_parse_int(0, 1000000), str, "review-state cards graded per study day"),
    "day_starts_at": (_parse_int(0, 23), str, "hour (local time) when a study day starts"),
    "timezone": (_parse_zone, str, "time zone of the study day: an IANA name or local"),
    "fuzz": (_parse_bool, lambda v: "on" if v else "off",
             "spread review intervals a little so cards do not bunch up"),
}


@dataclass(frozen=True)
class Settings:
    """Everything that shapes scheduling; the store keeps the non-default values."""

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: int = 4
    timezone: str = "local"
    fuzz: bool = True

    @classmethod
    def from_text(cls, values: dict[str, str]) -> Settings:
        """Settings from stored text values; unknown keys are ignored (a newer studykit's)."""
        parsed: dict[str, Any] = {}
        for key, text in values.items():
            if key in SETTINGS:
                parsed[key] = parse_setting(key, text)
        return replace(cls(), **parsed)

    def as_text(self) -> dict[str, str]:
        return {f.name: SETTINGS[f.name][1](getattr(self, f.name)) for f in fields(self)}

    def render_text(self, db: str) -> str:
        """What `studykit config` lists: each setting, what it is, its default when changed,
        and the database `db` they are stored in."""
        current, defaults = self.as_text(), Settings().as_text()
        width = max(len(k) for k in current)
        lines = []
        for k, v in current.items():
            mark = "" if v == defaults[k] else f"   (default {defaults[k]})"
            lines.append(f"{k:<{width}} = {v:<10} # {SETTINGS[k][2]}{mark}")
        lines.append(f"{'db':<{width}} = {db}")
        return "\n".join(lines)


def parse_setting(key: str, text: str) -> Any:
    """The value of setting `key` from its text form, or a SettingsError saying what fits."""
    if key not in SETTINGS:
        raise SettingsError(f"unknown setting {_short(key)!r}; settings: {', '.join(SETTINGS)}")
    try:
        return SETTINGS[key][0](str(text))
    except ValueError as exc:
        reason = str(exc) if "must" in str(exc) or "use" in str(exc) else "not a valid value"
        raise SettingsError(f"{key} = {_short(str(text))!r}: {reason}") from None


# ---- the study day ----------------------------------------------------------------------

def zone(settings: Settings) -> tzinfo | None:
    """The study day's time zone; None means the system's local time."""
    return None if settings.timezone == "local" else zoneinfo.ZoneInfo(settings.timezone)


def study_day(when: datetime, settings: Settings) -> date:
    """The study day an instant belongs to (a day starts at `day_starts_at`, local time)."""
    local = utc(when).astimezone(zone(settings))
    return (local - timedelta(hours=settings.day_starts_at)).date()


def day_start(day: date, settings: Settings) -> datetime:
    """When study day `day` starts, in UTC (daylight-saving changes included)."""
    tz = zone(settings)
    start = datetime.combine(day, time(settings.day_starts_at))
    local = start.replace(tzinfo=tz) if tz is not None else start.astimezone()
    return local.astimezone(timezone.utc)


def today_start(now: datetime, settings: Settings) -> datetime:
    return day_start(study_day(now, settings), settings)


def tomorrow_start(now: datetime, settings: Settings) -> datetime:
    return day_start(study_day(now, settings) + timedelta(days=1), settings)


# ---- FSRS ---------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def scheduler(settings: Settings, fuzz: bool | None = None) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzz if fuzz is None else fuzz,
    )


@dataclass(frozen=True)
class Review:
    """One grade: the state after it and what the review log keeps about it."""

    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    before: FsrsState | None  # FSRS state before the grade (None: the card was new)
    kind: str  # the card's state before the grade: new, learning, review, relearning
    after: fsrs.Card

    @property
    def state(self) -> int:
        return int(self.after.state)

    @property
    def due(self) -> datetime:
        return self.after.due


def state_of(data: FsrsState | None) -> int:
    return CardState.NEW if data is None else int(data["state"])


def review(before: FsrsState | None, fsrs_id: int, rating: int, when: datetime, settings: Settings,
           duration_ms: int | None = None) -> Review:
    """Grade a card in state `before` (an FSRS card dict, None for new) at `when`."""
    when = utc(when, "review time")
    if rating not in RATING_NAMES:
        raise ValueError(f"rating must be 1..4, got {rating!r}")
    check_time(when, f"review time {when.isoformat()}")
    check_duration(duration_ms)
    card = fsrs.Card(card_id=fsrs_id, due=when) if before is None else load_card(before)
    if card.last_review is not None and when < card.last_review:
        raise StudykitError(
            f"cannot grade at {when.isoformat()}: the card was last graded later, at "
            f"{card.last_review.isoformat()}")
    after, _ = scheduler(settings).review_card(card, fsrs.Rating(rating), when, duration_ms)
    return Review(rating=rating, reviewed_at=when, duration_ms=duration_ms, before=before,
                  kind=STATE_NAMES[state_of(before)], after=after)


def load_card(data: FsrsState) -> fsrs.Card:
    card = fsrs.Card.from_dict(data)  # type: ignore[arg-type]
    card.due = utc(card.due)
    card.last_review = utc(card.last_review) if card.last_review else None
    return card


def replay(fsrs_id: int, reviews: Iterable[tuple[int, datetime]], settings: Settings,
           due: datetime | None = None) -> fsrs.Card | None:
    """The state a card reaches through `reviews` (rating, time), oldest first.

    Fuzz only moves the final due date, so replay runs without it; pass `due` (the date the
    last grade actually scheduled, which the log keeps) to get back the stored state exactly,
    or leave it out to reschedule under the current settings. None: no reviews (a new card).
    """
    ordered = sorted(((rating, utc(when)) for rating, when in reviews), key=lambda r: r[1])
    card: fsrs.Card | None = None
    plain = scheduler(settings, fuzz=False)
    for i, (rating, when) in enumerate(ordered):
        card = card or fsrs.Card(card_id=fsrs_id, due=when)
        # Rescheduling: the last step may fuzz (as in real use) since no logged due is kept.
        last = i == len(ordered) - 1 and due is None
        using = scheduler(settings) if last else plain
        card, _ = using.review_card(card, fsrs.Rating(rating), when)
    if card is not None and due is not None:
        card.due = utc(due)
    return card
