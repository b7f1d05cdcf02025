"""Study statistics: cards by state and series, grades per study day, true retention and
the due forecast, as typed records, and the report `studykit stats` prints.

`study_stats` does the counting (the store does the SQL); `StudyStats.to_dict()` is the
JSON of `studykit stats --json`, `StudyStats.render_text()` its text. The review UI draws
its own charts from the same record (`tui/stats.py`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from studykit import schedule
from studykit.schedule import RATING_NAMES, STATE_NAMES, now_utc, utc
from studykit.store import Store

CARD_COLUMNS = ("new", "learning", "review", "relearning", "suspended", "buried", "retired")


@dataclass(frozen=True)
class Totals:
    """Everything the store holds."""

    posts: int
    cards: int  # retired ones too
    reviews: int  # grades in the review log


@dataclass(frozen=True)
class CardCounts:
    """Cards by state; `active` counts the cards not retired (suspended and buried ones too)."""

    new: int = 0  # the states of the active cards
    learning: int = 0
    review: int = 0
    relearning: int = 0
    suspended: int = 0  # of the active cards (buried: until a later study day)
    buried: int = 0
    retired: int = 0  # no longer made by their post, not counted as active
    active: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class DayGrades:
    """The grades of one study day, by rating, and how many of them were of new cards."""

    day: date
    again: int = 0
    hard: int = 0
    good: int = 0
    easy: int = 0
    new: int = 0

    @property
    def reviews(self) -> int:
        return self.again + self.hard + self.good + self.easy

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "reviews": self.reviews, "again": self.again,
                "hard": self.hard, "good": self.good, "easy": self.easy, "new": self.new}


@dataclass(frozen=True)
class Retention:
    """Grades of review-state cards, and how many of them passed (any rating but again)."""

    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        return round(self.passed / self.reviews, 4) if self.reviews else None

    def to_dict(self) -> dict[str, Any]:
        return {"reviews": self.reviews, "passed": self.passed, "rate": self.rate}

    def render_text(self, label: str, desired: float) -> str:
        rate = f"{self.rate:.1%}" if self.rate is not None else "n/a"
        return (f"True retention, {label}: {rate} ({self.passed} of {self.reviews} reviews "
                f"passed; desired {desired:.0%})")


@dataclass(frozen=True)
class DayDue:
    """Cards due on one study day of the forecast (overdue ones count for today)."""

    day: date
    due: int

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "due": self.due}


@dataclass(frozen=True)
class StudyStats:
    """The statistics of one store over the last (and next) `days` study days."""

    db: str
    now: datetime
    study_day: date
    days: int
    totals: Totals
    cards: CardCounts
    cards_by_series: dict[str, CardCounts]
    grades_per_day: list[DayGrades]  # oldest first, today last
    desired_retention: float
    retention_recent: Retention  # over the `days` study days up to today
    retention_all_time: Retention
    forecast: list[DayDue]  # today first

    def to_dict(self) -> dict[str, Any]:
        return {
            "db": self.db,
            "now": self.now.isoformat(),
            "study_day": self.study_day.isoformat(),
            "totals": asdict(self.totals),
            "cards": {"total": self.cards.to_dict(),
                      "series": {name: c.to_dict() for name, c in self.cards_by_series.items()}},
            "reviews_per_day": [d.to_dict() for d in self.grades_per_day],
            "retention": {"desired": self.desired_retention,
                          f"last_{self.days}_days": self.retention_recent.to_dict(),
                          "all_time": self.retention_all_time.to_dict()},
            "forecast": [d.to_dict() for d in self.forecast],
        }

    def render_text(self) -> str:
        """The report of `studykit stats`."""
        t, days = self.totals, self.days
        lines = [f"Database: {self.db}  ({t.posts} posts, {t.cards} cards, {t.reviews} reviews)"]
        rows = [("All series", self.cards), *self.cards_by_series.items()]
        width = max(len(name) for name, _ in rows)
        lines.append(f"{'Cards':<{width}}  " + "  ".join(f"{c:>10}" for c in CARD_COLUMNS))
        lines += [f"{name:<{width}}  " + "  ".join(f"{getattr(c, k):>10}" for k in CARD_COLUMNS)
                  for name, c in rows]
        lines.append(self.retention_recent.render_text(f"last {days} days",
                                                       self.desired_retention))
        lines.append(self.retention_all_time.render_text("all time", self.desired_retention))
        lines.append(f"Reviews per day (last {days}):")
        lines += [f"  {d.day.isoformat()}  {d.reviews:>5}  (again {d.again}, hard {d.hard}, "
                  f"good {d.good}, easy {d.easy}; {d.new} new)"
                  for d in self.grades_per_day if d.reviews]
        lines.append(f"Due forecast (next {days} days):")
        lines += [f"  {d.day.isoformat()}  {d.due:>5}" for d in self.forecast if d.due]
        return "\n".join(lines)


def study_stats(store: Store, *, now: datetime | None = None, days: int = 30) -> StudyStats:
    """Cards by state and series, grades per study day, true retention, due forecast."""
    now = utc(now, "now") if now else now_utc()
    settings = store.settings()
    today = schedule.study_day(now, settings)
    first = today - timedelta(days=days - 1)
    since = schedule.day_start(first, settings)
    per_day: dict[date, Counter[str]] = {first + timedelta(days=i): Counter()
                                         for i in range(days)}
    for at, rating, kind in store.grades_since(since):
        day = schedule.study_day(at, settings)
        if day in per_day:
            per_day[day][RATING_NAMES[rating]] += 1
            per_day[day][kind] += 1
    forecast: Counter[date] = Counter()
    end = schedule.day_start(today + timedelta(days=days), settings)
    for due in store.due_dates(end):
        # The same day as max(study_day(due), today), and no overflow for a due date near
        # year 1 that an older studykit let in.
        forecast[schedule.study_day(max(due, now), settings)] += 1
    total, by_series = _card_counts(store.state_counts())
    return StudyStats(
        db=str(store.path), now=now, study_day=today, days=days, totals=Totals(**store.totals()),
        cards=total, cards_by_series=by_series,
        grades_per_day=[DayGrades(day, c["again"], c["hard"], c["good"], c["easy"], c["new"])
                        for day, c in per_day.items()],
        desired_retention=settings.desired_retention,
        retention_recent=Retention(*store.retention(since)),
        retention_all_time=Retention(*store.retention(None)),
        forecast=[DayDue(day, forecast[day])
                  for day in (today + timedelta(days=i) for i in range(days))])


def _card_counts(rows: list[tuple[str, int, bool, int, int, int]]
                 ) -> tuple[CardCounts, dict[str, CardCounts]]:
    """All cards and the cards of each series, by state, from the store's state counts."""
    total: Counter[str] = Counter()
    by_series: dict[str, Counter[str]] = {}
    for series, state, retired, count, suspended, buried in rows:
        for target in (by_series.setdefault(series, Counter()), total):
            if retired:
                target["retired"] += count
            else:
                target[STATE_NAMES[state]] += count
                target["active"] += count
                target["suspended"] += suspended
                target["buried"] += buried
    return CardCounts(**total), {name: CardCounts(**c) for name, c in by_series.items()}
