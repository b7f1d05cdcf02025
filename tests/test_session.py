"""Review sessions and the one-shot study operations on a real store (SQLite file, real fsrs,
fuzz off unless a test says otherwise). Time is driven by a fake clock, always UTC-aware."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from .conftest import MONDAY_NOON, Clock

from studykit import replay, session
from studykit.due import due_summary
from studykit.models import Card, Post
from studykit.session import Session
from studykit.stats import study_stats
from studykit.store import CardFilter, StoreError, open_store

T0 = MONDAY_NOON  # a Monday, noon UTC




def cards_for(post: Post, n: int, kind: str = "qa") -> list[Card]:
    return [Card(id=hashlib.sha1(f"{post.url}|{i}".encode()).hexdigest()[:16], kind=kind,
                 front=f"{post.title}: question {i}?", back=f"answer {i}", series=post.series,
                 post_title=post.title, post_url=post.url,
                 tags=[f"kind::{kind}", f"post::{post.title.lower().replace(' ', '-')}"])
            for i in range(n)]


def post(n: int, series: str = "Signals") -> Post:
    return Post(title=f"Post {n}", url=f"https://blog.example/{n}/", body="", series=series)


@pytest.fixture
def db(tmp_path):
    with open_store(tmp_path / "study.db") as st:
        st.set_setting("fuzz", "off")
        st.set_setting("timezone", "UTC")
        yield st


def add(db, n_cards: int = 5, p: Post | None = None) -> list[Card]:
    p = p or post(1)
    cards = cards_for(p, n_cards)
    db.add([p], cards, now=T0 - timedelta(days=30))
    return cards


def due_ids(db, now, **kw) -> list[str]:
    return [e.id for e in due_summary(db, now=now, **kw).queue.entries()]


# ---- add -> due -> grade -> due ------------------------------------------------------------

def test_add_due_grade_and_the_due_list_changes(db):
    cards = add(db)
    assert due_ids(db, T0) == [c.id for c in cards]  # all new, in the order added
    first = session.grade(db, cards[0].id, "good", now=T0)
    assert (first.state, first.due) == ("learning", T0 + timedelta(minutes=10))
    assert due_ids(db, T0 + timedelta(minutes=5)) == [c.id for c in cards[1:]]
    assert due_ids(db, T0 + timedelta(minutes=10))[0] == cards[0].id  # learning comes first
    second = session.grade(db, cards[0].id, "good", now=T0 + timedelta(minutes=10))
    assert (second.state, second.due) == ("review", T0 + timedelta(minutes=10, days=2))
    assert cards[0].id not in due_ids(db, T0 + timedelta(days=2))
    summary = due_summary(db, now=T0 + timedelta(days=2, minutes=10))
    assert [e.id for e in summary.queue.review] == [cards[0].id]
    assert summary.per_series() == {"Signals": {"learning": 0, "review": 1, "new": 4}}


def test_queue_order_learning_then_most_overdue_reviews_then_new(db):
    cards = add(db, 6)
    # cards 0 and 1 become review cards due 2 days after T0 - 5d and T0 - 3d
    for i, start in ((0, T0 - timedelta(days=5)), (1, T0 - timedelta(days=3))):
        session.grade(db, cards[i].id, "good", now=start)
        session.grade(db, cards[i].id, "good", now=start + timedelta(minutes=10))
    session.grade(db, cards[2].id, "again", now=T0 - timedelta(minutes=2))  # learning, due
    now = T0
    assert due_ids(db, now, count_over_limit=False) == [
        cards[2].id, cards[0].id, cards[1].id, cards[3].id, cards[4].id, cards[5].id]
    clock = Clock(now)
    s = Session(db, clock=clock)
    shown = []
    while (card := s.current) is not None:
        shown.append(card.id)
        s.grade("easy")
    assert shown == [cards[i].id for i in (2, 0, 1, 3, 4, 5)]


# ---- limits --------------------------------------------------------------------------------

def test_daily_new_card_limit(db):
    db.set_setting("new_per_day", "3")
    cards = add(db, 5)
    summary = due_summary(db, now=T0)
    assert [e.id for e in summary.queue.new] == [c.id for c in cards[:3]]
    assert summary.queue.new_over_limit == 2 and summary.new_left == 3
    s = Session(db, clock=Clock(T0))
    for _ in range(3):
        s.grade("easy")
    assert s.current is None
    summary = due_summary(db, now=T0 + timedelta(hours=1))
    assert (summary.new_left, len(summary.queue.new), summary.queue.new_over_limit) == (0, 0, 2)
    tomorrow = due_summary(db, now=T0 + timedelta(days=1))
    assert [e.id for e in tomorrow.queue.new] == [c.id for c in cards[3:]]


def test_daily_review_limit_counts_review_cards_only(db):
    db.set_setting("reviews_per_day", "2")
    cards = add(db, 4)
    for c in cards:  # four review cards, all due at T0
        session.grade(db, c.id, "good", now=T0 - timedelta(days=2, minutes=10))
        session.grade(db, c.id, "good", now=T0 - timedelta(days=2))
    summary = due_summary(db, now=T0)
    assert len(summary.queue.review) == 2 and summary.queue.review_over_limit == 2
    s = Session(db, clock=Clock(T0))
    s.grade("again")  # now relearning: more steps today do not count as reviews
    s.grade("good")
    assert s.current is not None and s.current.state == "relearning"  # learn-ahead
    assert due_summary(db, now=T0).reviews_left == 0
    assert len(due_summary(db, now=T0 + timedelta(days=1)).queue.review) >= 2


def test_limits_follow_the_study_day_in_the_configured_time_zone(db):
    db.set_setting("timezone", "America/New_York")  # UTC-5 in early March
    db.set_setting("day_starts_at", "4")
    db.set_setting("new_per_day", "1")
    cards = add(db, 3)
    late_night = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)  # 03:30 in New York
    session.grade(db, cards[0].id, "easy", now=late_night)
    assert due_summary(db, now=late_night + timedelta(minutes=20)).new_left == 0
    after_4am = datetime(2026, 3, 2, 9, 5, tzinfo=timezone.utc)  # 04:05 in New York
    assert due_summary(db, now=after_4am).new_left == 1
    session.grade(db, cards[1].id, "easy", now=after_4am)
    assert due_summary(db, now=after_4am).new_left == 0
    # the same instants seen from Tokyo (UTC+9, day starts 04:00 = 19:00 UTC): one study day
    db.set_setting("timezone", "Asia/Tokyo")
    assert due_summary(db, now=after_4am).done_today["new"] == 2


# ---- the session ---------------------------------------------------------------------------

def test_each_grade_is_committed_before_the_next_card(db, tmp_path):
    add(db, 3)
    s = Session(db, clock=Clock())
    with open_store(db.path) as other:  # a second connection, as another process would see it
        for n in range(1, 4):
            assert s.current is not None
            s.reveal()
            s.grade("good")
            assert other.totals()["reviews"] == n


def test_undo_takes_back_the_last_grades_in_order(db):
    cards = add(db, 3)
    clock = Clock()
    s = Session(db, clock=clock)
    assert s.current.id == cards[0].id
    s.grade("easy")
    clock.advance(seconds=5)
    assert s.current.id == cards[1].id
    state_before = db.card(cards[1].id).fsrs
    s.grade("again")  # now learning, re-queued in the session
    assert s.counts == {"learning": 1, "review": 0, "new": 1}
    back = s.undo()
    assert back.id == cards[1].id and s.current.id == cards[1].id and not s.revealed
    assert db.card(cards[1].id).fsrs == state_before and db.totals()["reviews"] == 1
    assert s.counts == {"learning": 0, "review": 0, "new": 2}  # not re-queued twice
    assert s.undo().id == cards[0].id
    assert db.card(cards[0].id).state == "new" and db.totals()["reviews"] == 0
    assert s.undo() is None
    shown = []
    while (card := s.current) is not None:  # the queue is whole again, in order
        shown.append(card.id)
        s.grade("easy")
    assert shown == [c.id for c in cards]


def test_undo_restores_a_review_cards_exact_state(db):
    cards = add(db, 1)
    session.grade(db, cards[0].id, "good", now=T0 - timedelta(days=2, minutes=10))
    session.grade(db, cards[0].id, "good", now=T0 - timedelta(days=2))
    before = db.card(cards[0].id)
    s = Session(db, clock=Clock())
    s.grade("hard")
    assert db.card(cards[0].id).due != before.due
    s.undo()
    after = db.card(cards[0].id)
    assert (after.fsrs, after.due, after.state) == (before.fsrs, before.due, before.state)
    assert len(list(db.history(after.rowid))) == 2


def test_undo_is_refused_when_the_card_was_graded_again_elsewhere(db):
    cards = add(db, 2)
    s = Session(db, clock=Clock())
    s.grade("again")
    with open_store(db.path) as other:
        session.grade(other, cards[0].id, "good", now=T0 + timedelta(minutes=2))
    with pytest.raises(StoreError, match="graded again"):
        s.undo()
    assert db.totals()["reviews"] == 2


def test_a_card_graded_elsewhere_is_skipped(db):
    cards = add(db, 3)
    s = Session(db, clock=Clock())
    with open_store(db.path) as other:
        session.grade(other, cards[0].id, "easy", now=T0)
    assert s.current.id == cards[1].id


def test_suspend_and_undo(db):
    cards = add(db, 2)
    s = Session(db, clock=Clock())
    s.suspend()
    assert db.card(cards[0].id).suspended and s.current.id == cards[1].id
    assert cards[0].id not in due_ids(db, T0)
    s.undo()
    assert not db.card(cards[0].id).suspended and s.current.id == cards[0].id
    assert s.counts["new"] == 2


def test_the_tally_is_what_the_session_did_and_did_not_take_back(db):
    add(db, 4)
    s = Session(db, clock=Clock())
    assert s.tally == session.Tally() and not s.tally.anything and s.started == T0
    first = s.grade("good")
    s.suspend()
    s.bury()
    assert (s.tally.grades, s.tally.suspended, s.tally.buried) == ((first,), 1, 1)
    s.undo()
    s.undo()
    assert (s.tally.grades, s.tally.suspended, s.tally.buried) == ((first,), 0, 0)
    s.undo()
    assert not s.tally.anything and not s.can_undo


def test_bury_hides_a_card_until_the_next_study_day(db):
    db.set_setting("day_starts_at", "4")
    cards = add(db, 2)
    s = Session(db, clock=Clock())
    until = s.bury()
    assert until == datetime(2026, 3, 3, 4, tzinfo=timezone.utc)
    assert due_ids(db, T0 + timedelta(hours=15)) == [cards[1].id]
    assert due_ids(db, until) == [c.id for c in cards]
    s.undo()
    assert db.card(cards[0].id).buried_until is None


def test_grading_clears_a_burial(db):
    cards = add(db, 1)
    session.bury(db, cards[0].id, now=T0)
    session.grade(db, cards[0].id, "good", now=T0)
    assert db.card(cards[0].id).buried_until is None


def test_a_learning_card_comes_back_when_due_or_early_when_nothing_is_left(db):
    cards = add(db, 2)
    clock = Clock()
    s = Session(db, clock=clock)
    s.grade("again")  # card 0 due in 1 minute
    assert s.current.id == cards[1].id
    clock.advance(minutes=2)
    assert s.current.id == cards[1].id  # the card on screen stays until graded
    s.grade("good")  # card 1 due at T0 + 12 min
    clock.advance(minutes=1)
    assert s.current.id == cards[0].id
    s.grade("good")  # card 0 due at T0 + 13 min, after card 1
    assert s.current.id == cards[1].id  # nothing else left: learn ahead (20 min)
    s.grade("good")
    assert s.current.id == cards[0].id
    s.grade("good")
    assert s.current is None and s.counts == {"learning": 0, "review": 0, "new": 0}


def test_a_session_filtered_by_series_post_or_tag(db):
    a, b = post(1, "Signals"), post(2, "Optimization")
    ca, cb = cards_for(a, 2), cards_for(b, 3)
    db.add([a, b], ca + cb)
    for where, expected in ((CardFilter(series="optimization"), cb),
                            (CardFilter(post="post-1"), ca),
                            (CardFilter(tag="post::post-2"), cb)):
        s = Session(db, where=where, clock=Clock())
        shown = []
        while (card := s.current) is not None:
            shown.append(card.id)
            s.suspend()
        assert shown == [c.id for c in expected]
        while s.can_undo:
            s.undo()


def test_duration_is_measured_from_showing_the_card(db):
    cards = add(db, 1)
    clock = Clock()
    s = Session(db, clock=clock)
    assert s.current is not None  # shown now
    clock.advance(seconds=7)
    s.reveal()
    s.grade("good")
    assert db._conn.execute("SELECT card, duration_ms FROM review_log").fetchall() == [
        (db.resolve(cards[0].id), 7000)]


def test_the_clock_must_be_timezone_aware(db):
    add(db, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        Session(db, clock=lambda: datetime(2026, 3, 2, 12))


def test_grading_an_unknown_card_fails_clearly(db):
    add(db, 1)
    with pytest.raises(StoreError, match="no card 'deadbeefdeadbeef'"):
        session.grade(db, "deadbeefdeadbeef", "good", now=T0)


def test_an_edit_made_in_a_session_survives_readding_the_post(db):
    """The review screen's edit (`Session.edit`) is the user's text: adding the post again,
    with the same or a changed generated text, keeps it; the review log stays as it was."""
    cards = add(db)
    s = Session(db, clock=Clock())
    s.grade("good")
    assert s.current.id == cards[1].id
    s.reveal()
    s.edit(front="My question about answer 1?", back="answer 1, in my words")
    s.grade("again")
    log = list(db.history())
    p = post(1)
    for generated in (cards, [c.model_copy(update={"back": c.back + "!"}) for c in cards]):
        report = db.add([p], generated, now=T0 + timedelta(days=1))
        assert (report.new, report.retired, report.edits_kept) == (0, 0, 1)
        kept = db.card(cards[1].id)
        assert (kept.front, kept.back) == ("My question about answer 1?", "answer 1, in my words")
        assert db.card(cards[2].id).back == generated[2].back
        assert list(db.history()) == log
    assert db.revert_edit(kept.rowid) and db.card(cards[1].id).back == "answer 1!"


# ---- replaying the log ---------------------------------------------------------------------

def test_rebuild_from_the_log_gives_the_same_state_with_fuzz_on(db):
    db.set_setting("fuzz", "on")
    cards = add(db, 4)
    when = T0
    for step, rating in enumerate(["good", "good", "good", "again", "good", "easy", "hard"]):
        for i, c in enumerate(cards):
            result = session.grade(db, c.id, rating if i % 2 else "good", now=when)
        when = result.due + timedelta(hours=step)
    stored = {c.id: db.card(c.id).fsrs for c in cards}
    dues = {c.id: db.card(c.id).due for c in cards}
    db.put_states({db.resolve(c.id): None for c in cards})  # lose every state
    assert all(db.card(c.id).state == "new" for c in cards)
    assert replay.rebuild_states(db) == 4
    assert {c.id: db.card(c.id).fsrs for c in cards} == stored
    assert {c.id: db.card(c.id).due for c in cards} == dues
    assert replay.rebuild_state(db, cards[0].id, save=False) == stored[cards[0].id]


def test_rebuild_with_reschedule_applies_a_new_retention(db):
    cards = add(db, 1)
    session.grade(db, cards[0].id, "good", now=T0)
    session.grade(db, cards[0].id, "good", now=T0 + timedelta(minutes=10))
    before = db.card(cards[0].id)
    db.set_setting("desired_retention", "0.97")
    assert replay.rebuild_state(db, cards[0].id) == before.fsrs  # no reschedule: unchanged
    replay.rebuild_state(db, cards[0].id, reschedule=True)
    after = db.card(cards[0].id)
    assert after.due < before.due and after.fsrs["stability"] == before.fsrs["stability"]


# ---- statistics and time zones -------------------------------------------------------------

def test_stats_count_states_reviews_retention_and_forecast(db):
    a, b = post(1, "Signals"), post(2, "Optimization")
    ca, cb = cards_for(a, 4), cards_for(b, 2)
    db.add([a, b], ca + cb)
    start = T0 - timedelta(days=10)
    for c in ca[:3]:  # three review cards, due at T0 - 8 days
        session.grade(db, c.id, "good", now=start)
        session.grade(db, c.id, "good", now=start + timedelta(minutes=10))
    session.grade(db, ca[0].id, "again", now=T0 - timedelta(days=1))  # a lapse: relearning
    session.grade(db, ca[1].id, "good", now=T0 - timedelta(days=1))   # a pass
    session.grade(db, ca[2].id, "hard", now=T0 - timedelta(days=1))   # a pass
    db.set_suspended(db.resolve(cb[0].id), True)
    db.add([b], cb[:1])  # cb[1] is retired
    data = study_stats(db, now=T0).to_dict()
    total = data["cards"]["total"]
    assert (total["new"], total["review"], total["relearning"], total["retired"],
            total["suspended"], total["active"]) == (2, 2, 1, 1, 1, 5)
    assert data["cards"]["series"]["Optimization"]["retired"] == 1
    assert data["retention"]["last_30_days"] == {"reviews": 3, "passed": 2, "rate": 0.6667}
    days = {d["day"]: d for d in data["reviews_per_day"]}
    assert days["2026-03-01"]["reviews"] == 3 and days["2026-03-01"]["again"] == 1
    assert days["2026-02-20"]["reviews"] == 6 and days["2026-02-20"]["new"] == 3
    assert sum(d["due"] for d in data["forecast"]) == 3
    assert data["forecast"][0]["day"] == "2026-03-02" and len(data["forecast"]) == 30
    assert data["totals"] == {"posts": 2, "cards": 6, "reviews": 9}


def test_every_datetime_the_api_returns_is_utc_aware(db):
    cards = add(db, 2)
    paris_noon = datetime(2026, 3, 2, 13, 0).astimezone()  # local, aware: any zone will do
    result = session.grade(db, cards[0].id, "good", now=paris_noon)
    values = [result.reviewed_at, result.due, db.card(cards[0].id).due,
              db.card(cards[0].id).added_at, session.bury(db, cards[1].id, now=T0)]
    summary = due_summary(db, now=T0 + timedelta(days=3))
    values += [e.due for e in summary.queue.entries() if e.due] + [summary.now]
    values += [at for _, _, at, _ in db.history()]
    assert values and all(v.tzinfo is timezone.utc or v.utcoffset() == timedelta(0)
                          for v in values)
    assert all(v.tzinfo is not None for v in values)
    stats = study_stats(db, now=T0).to_dict()
    assert stats["now"].endswith("+00:00")
    with pytest.raises(ValueError, match="timezone-aware"):
        session.grade(db, cards[1].id, "good", now=datetime(2026, 3, 2, 12))
    with pytest.raises(ValueError, match="timezone-aware"):
        due_summary(db, now=datetime(2026, 3, 2, 12))
