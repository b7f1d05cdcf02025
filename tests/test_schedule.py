"""FSRS scheduling (the real `fsrs` package), settings, UTC handling and the study day."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studykit import schedule
from studykit.errors import StudykitError
from studykit.schedule import Settings, SettingsError

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
PLAIN = Settings(fuzz=False)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def run(ratings: list[str], settings: Settings = PLAIN, start: datetime = T0):
    """Grade a new card with `ratings`, each at the moment it falls due."""
    before, when, steps = None, start, []
    for name in ratings:
        r = schedule.review(before, 1, schedule.parse_rating(name), when, settings)
        steps.append((r.kind, schedule.STATE_NAMES[r.state], r.due - when))
        before, when = r.after.to_dict(), r.due
    return steps


def test_golden_intervals_with_default_settings():
    # fsrs 6.3 default parameters, desired retention 0.9, steps 1m 10m / relearning 10m.
    assert run(["good", "good", "good", "good", "again", "good", "good"]) == [
        ("new", "learning", timedelta(minutes=10)),
        ("learning", "review", timedelta(days=2)),
        ("review", "review", timedelta(days=11)),
        ("review", "review", timedelta(days=46)),
        ("review", "relearning", timedelta(minutes=10)),
        ("relearning", "review", timedelta(days=3)),
        ("review", "review", timedelta(days=8)),
    ]


def test_again_and_hard_on_a_new_card_follow_the_learning_steps():
    assert run(["again"])[0][2] == timedelta(minutes=1)
    assert run(["hard"])[0][2] == timedelta(minutes=5, seconds=30)  # between 1m and 10m
    assert run(["easy"])[0][1] == "review"


def test_learning_steps_setting_is_used():
    settings = Settings(fuzz=False, learning_steps=schedule.parse_steps("30s 1h 1d"))
    assert run(["good", "good", "good"], settings) == [
        ("new", "learning", timedelta(hours=1)),
        ("learning", "learning", timedelta(days=1)),
        ("learning", "review", timedelta(days=7)),
    ]
    no_steps = Settings(fuzz=False, learning_steps=())
    assert run(["good"], no_steps)[0][1] == "review"


def test_desired_retention_sets_the_interval():
    intervals = [run(["easy"], Settings(fuzz=False, desired_retention=r))[0][2]
                 for r in (0.8, 0.9, 0.95)]
    assert intervals == [timedelta(days=28), timedelta(days=8), timedelta(days=3)]


def test_fuzz_off_is_deterministic_and_fuzz_on_spreads_intervals():
    ratings = ["good", "good", "good", "good"]
    assert len({tuple(run(ratings)) for _ in range(5)}) == 1
    before, when = None, T0
    for rating in (3, 3, 3):  # to a review card whose next interval is 46 days unfuzzed
        r = schedule.review(before, 1, rating, when, PLAIN)
        before, when = r.after.to_dict(), r.due
    fuzzed = {schedule.review(before, 1, 3, when, Settings(fuzz=True)).due - when
              for _ in range(60)}
    assert len(fuzzed) > 1
    # fsrs spreads 46 days over about 42..50 (its rounding can give one day more)
    assert all(timedelta(days=42) <= d <= timedelta(days=51) for d in fuzzed), sorted(fuzzed)


def test_review_keeps_the_duration_and_rating():
    r = schedule.review(None, 7, 2, T0, PLAIN, duration_ms=4200)
    assert (r.rating, r.duration_ms, r.before, r.kind, r.after.card_id) == (2, 4200, None, "new", 7)


# ---- UTC -------------------------------------------------------------------------------------

def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule.review(None, 1, 3, datetime(2026, 3, 2, 12, 0), PLAIN)
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule.utc(datetime(2026, 3, 2))


def test_any_aware_datetime_is_turned_into_utc():
    paris = datetime(2026, 3, 2, 13, 0, tzinfo=ZoneInfo("Europe/Paris"))  # = 12:00 UTC
    r = schedule.review(None, 1, 3, paris, PLAIN)
    assert r.reviewed_at == T0 and r.reviewed_at.tzinfo is timezone.utc
    assert r.due.tzinfo == timezone.utc and r.due == T0 + timedelta(minutes=10)
    assert r.after.last_review.tzinfo == timezone.utc


def test_state_round_trips_through_json_as_utc():
    r = schedule.review(None, 1, 3, T0, PLAIN)
    card = schedule.load_card(r.after.to_dict())
    assert card.due == r.due and card.due.tzinfo == timezone.utc


def test_grading_before_the_last_review_is_refused():
    first = schedule.review(None, 1, 3, T0, PLAIN).after.to_dict()
    with pytest.raises(StudykitError, match="last graded later"):
        schedule.review(first, 1, 3, T0 - timedelta(minutes=1), PLAIN)


def test_parse_when():
    assert schedule.parse_when("2026-03-02T13:00:00+01:00") == T0
    assert schedule.parse_when("2026-03-02T12:00:00Z") == T0
    with pytest.raises(StudykitError, match="no time zone"):
        schedule.parse_when("2026-03-02T12:00:00")
    with pytest.raises(StudykitError, match="not an ISO"):
        schedule.parse_when("tomorrow")


# ---- replay ----------------------------------------------------------------------------------

def test_replay_gives_back_the_stored_state_even_with_fuzz():
    settings = Settings(fuzz=True)
    before, when, log = None, T0, []
    for name in ["good", "good", "hard", "good", "again", "good", "easy", "good"]:
        r = schedule.review(before, 9, schedule.parse_rating(name), when, settings)
        log.append((r.rating, r.reviewed_at))
        before, when = r.after.to_dict(), r.due + timedelta(hours=3)
    replayed = schedule.replay(9, log, settings, due=r.due)
    assert replayed.to_dict() == before
    assert schedule.replay(9, [], settings) is None


def test_replay_without_due_reschedules_under_new_settings():
    log = [(3, T0), (3, T0 + timedelta(minutes=10))]
    strict = schedule.replay(1, log, Settings(fuzz=False, desired_retention=0.97))
    lax = schedule.replay(1, log, Settings(fuzz=False, desired_retention=0.8))
    assert strict.due < lax.due
    assert strict.stability == lax.stability  # retention moves due dates, not memory


# ---- settings --------------------------------------------------------------------------------

def test_settings_text_round_trip():
    text = Settings().as_text()
    assert text == {"desired_retention": "0.9", "learning_steps": "1m 10m",
                    "relearning_steps": "10m", "maximum_interval": "36500", "new_per_day": "20",
                    "reviews_per_day": "200", "day_starts_at": "4", "timezone": "local",
                    "fuzz": "on"}
    assert Settings.from_text(text) == Settings()
    assert Settings.from_text({"fuzz": "off", "from_a_newer_version": "x"}).fuzz is False


@pytest.mark.parametrize("key, value, message", [
    ("desired_retention", "0.5", "between 0.70 and 0.99"),
    ("desired_retention", "high", "not a valid value"),
    ("learning_steps", "1 minute", "not a valid value"),
    ("new_per_day", "-1", "between 0 and"),
    ("day_starts_at", "24", "between 0 and 23"),
    ("timezone", "Mars/Olympus", "unknown time zone"),
    ("fuzz", "maybe", "on or off"),
    ("colour", "blue", "unknown setting"),
])
def test_bad_settings_say_what_fits(key, value, message):
    with pytest.raises(SettingsError, match=message):
        schedule.parse_setting(key, value)


def test_ratings():
    names = ("again", "HARD", "Good", "easy", "3")
    assert [schedule.parse_rating(x) for x in names] == [1, 2, 3, 4, 3]
    with pytest.raises(StudykitError, match="again, hard, good or easy"):
        schedule.parse_rating("perfect")


# ---- the study day ---------------------------------------------------------------------------

def test_study_day_starts_at_the_configured_local_hour():
    paris = Settings(timezone="Europe/Paris", day_starts_at=4)
    # 02:30 UTC on 2 March = 03:30 in Paris: still the study day of 1 March.
    assert schedule.study_day(utc(2026, 3, 2, 2, 30), paris) == date(2026, 3, 1)
    assert schedule.study_day(utc(2026, 3, 2, 3, 0), paris) == date(2026, 3, 2)
    assert schedule.day_start(date(2026, 3, 2), paris) == utc(2026, 3, 2, 3)


def test_study_day_follows_daylight_saving_time():
    paris = Settings(timezone="Europe/Paris", day_starts_at=4)
    # Clocks go forward on 29 March 2026: 04:00 local is 03:00 UTC before, 02:00 UTC after.
    assert schedule.day_start(date(2026, 3, 29), paris) == utc(2026, 3, 29, 2)
    assert schedule.day_start(date(2026, 3, 28), paris) == utc(2026, 3, 28, 3)
    assert schedule.tomorrow_start(datetime(2026, 3, 28, 12, tzinfo=timezone.utc), paris) == \
        datetime(2026, 3, 29, 2, tzinfo=timezone.utc)


def test_study_day_in_a_zone_ahead_of_utc_crosses_the_date_line():
    auckland = Settings(timezone="Pacific/Auckland", day_starts_at=0)
    # 11:00 UTC on 2 March is 00:00 on 3 March in Auckland (UTC+13 in March).
    assert schedule.study_day(utc(2026, 3, 2, 11), auckland) == date(2026, 3, 3)
    assert schedule.today_start(datetime(2026, 3, 2, 10, 59, tzinfo=timezone.utc), auckland) == \
        datetime(2026, 3, 1, 11, tzinfo=timezone.utc)


def test_local_time_zone_gives_utc_boundaries():
    start = schedule.today_start(T0, Settings())
    assert start.tzinfo == timezone.utc and start <= T0 < start + timedelta(hours=25)
