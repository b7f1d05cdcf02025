"""The study store on real SQLite files: schema, migrations, refusing foreign files, and
re-adding cards without ever losing a review history (same id, edited text, vanished card).

Cards are built directly (studykit.models.Card) with ids made like the generator makes them
(a hash of the post key, the kind and the claim text); test_study_cli.py does the same with
real generation from an edited Markdown post.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

import fsrs

from studykit import session
from studykit.due import due_summary
from studykit.models import post_key
from studykit.models import Card, Post
from studykit.schedule import STATE_NAMES, SettingsError
from studykit.store import CardFilter, CardNotFound, CardState, StoreError, open_store
from studykit.store import schema as schema_mod

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def make_post(n: int, series: str = "Series A", url: str | None = None) -> Post:
    return Post(title=f"Post {n}", url=url or f"https://blog.example/{n}/", body="...",
                series=series)


def make_card(post: Post, front: str, back: str, kind: str = "qa") -> Card:
    key = post_key(post)
    cid = hashlib.sha1(f"{key}|{kind}|{front.lower()}".encode()).hexdigest()[:16]
    slug = key.split("/", 1)[1]
    return Card(id=cid, kind=kind, front=front, back=back, series=post.series,
                post_title=post.title, post_url=post.url,
                tags=[f"series::{post.series.lower().replace(' ', '-')}", f"post::{slug}",
                      f"kind::{kind}"])


FACTS = [
    ("Who proposed the Kalman filter in 1960?", "Rudolf Kálmán"),
    ("What does the Nyquist rate equal for a signal band-limited to B hertz?", "2B samples/s"),
    ("Which transform turns convolution into multiplication?", "the Fourier transform"),
    ("What is the derivative of the softmax with respect to its own input?", "p_i (1 - p_i)"),
    ("What learning rate schedule halves the rate every few epochs?", "step decay"),
]


@pytest.fixture
def db(tmp_path):
    with open_store(tmp_path / "study.db") as st:
        st.set_setting("fuzz", "off")
        yield st


def facts_cards(post: Post, facts=FACTS) -> list[Card]:
    return [make_card(post, q, a) for q, a in facts]


def grade_all(st, cards, rating="good", when=NOW):
    for card in cards:
        session.grade(st, card.id, rating, now=when)


def snapshot(st, ids) -> dict[str, tuple]:
    """What must survive a re-add: each card's FSRS state and its review log."""
    out = {}
    for cid in ids:
        c = st.card(cid)
        out[cid] = (c.rowid, c.fsrs, list(st.history(c.rowid)))
    return out


# ---- the file ------------------------------------------------------------------------------

def test_new_database_is_strict_wal_and_at_the_latest_schema(tmp_path):
    path = tmp_path / "deep" / "folder" / "study.db"
    with open_store(path) as st:
        assert st.version == schema_mod.latest_version()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[1]: r[5] for r in raw.execute("PRAGMA table_list") if r[2] == "table"
                  and not r[1].startswith("sqlite_")}
        assert set(tables) >= {"posts", "cards", "card_aliases", "card_state", "review_log",
                               "settings"}
        assert all(tables.values()), f"not STRICT: {[t for t, s in tables.items() if not s]}"
        with pytest.raises(sqlite3.IntegrityError):  # STRICT: no text in an INTEGER column
            raw.execute("INSERT INTO settings (key, value) VALUES (1, 2)")
            raw.execute("INSERT INTO review_log (card, rating, reviewed_at, kind, due_after, "
                        "fsrs_version) VALUES ('x', 3, 'now', 'new', 'later', '6')")
    finally:
        raw.close()


def test_card_states_are_fsrs_states_after_new_and_fit_the_state_column(db):
    assert {s.value: s.name.lower() for s in CardState} == STATE_NAMES
    assert {s.name: s.value for s in fsrs.State} == {
        "Learning": CardState.LEARNING, "Review": CardState.REVIEW,
        "Relearning": CardState.RELEARNING}
    check = db._conn.execute("SELECT sql FROM sqlite_master WHERE name = 'card_state'").fetchone()
    assert f"BETWEEN {min(CardState):d} AND {max(CardState):d}" in check[0]


def test_connection_has_foreign_keys_busy_timeout_and_full_sync(db):
    c = db._conn
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a studykit database"):
        open_store(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_an_sqlite_file_of_another_program_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="another program"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_studykit_is_refused(tmp_path):
    path = tmp_path / "study.db"
    open_store(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(StoreError, match="newer studykit.*upgrade"):
        open_store(path)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)


def test_migration_copies_the_database_first(tmp_path, monkeypatch):
    path = tmp_path / "study.db"
    with open_store(path) as st:
        post = make_post(1)
        st.add([post], facts_cards(post))
        st.set_setting("fuzz", "off")
        session.grade(st, facts_cards(post)[0].id, "good", now=NOW)
    latest = schema_mod.latest_version()
    migration = (latest + 1, ("ALTER TABLE cards ADD COLUMN note TEXT NOT NULL DEFAULT ''",))
    monkeypatch.setattr(schema_mod, "MIGRATIONS", [*schema_mod.MIGRATIONS, migration])
    with open_store(path) as st:
        assert st.version == latest + 1
        assert st.totals() == {"posts": 1, "cards": 5, "reviews": 1}
        assert st._conn.execute("SELECT count(*) FROM cards WHERE note = ''").fetchone()[0] == 5
    backup = tmp_path / f"study.db.bak-{latest}"
    assert backup.exists()
    raw = sqlite3.connect(backup)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == latest
        assert raw.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1  # WAL included
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()


def test_the_review_log_refuses_updates(db):
    post = make_post(1)
    db.add([post], facts_cards(post))
    session.grade(db, facts_cards(post)[0].id, "good", now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db._conn.execute("UPDATE review_log SET rating = 4")


# ---- adding and re-adding ------------------------------------------------------------------

def test_add_counts_new_then_unchanged(db):
    posts = [make_post(1), make_post(2, "Series B")]
    cards = facts_cards(posts[0]) + facts_cards(posts[1])[:3]
    report = db.add(posts, cards, now=NOW)
    assert (report.posts_new, report.new, report.unchanged) == (2, 8, 0)
    again = db.add(posts, cards, now=NOW)
    assert (again.posts_new, again.posts_updated, again.new, again.unchanged) == (0, 2, 0, 8)
    assert (again.updated, again.retired, again.restored) == (0, 0, 0)
    assert db.totals()["cards"] == 8
    assert [c.id for c in db.cards()] == [c.id for c in cards]  # order added = reading order


def added_and_graded(db, **add):
    """One post added and each of its cards graded once: (post, cards, snapshot of state and log)."""
    post = make_post(1)
    cards = facts_cards(post)
    db.add([post], cards, **add)
    grade_all(db, cards)
    return post, cards, snapshot(db, [c.id for c in cards])


def test_readd_same_id_with_changed_text_keeps_the_state(db):
    post, cards, before = added_and_graded(db)
    edited = [c.model_copy(update={"back": c.back + " (see part 2)"}) if i == 1 else c
              for i, c in enumerate(cards)]
    report = db.add([post], edited)
    assert (report.updated, report.unchanged, report.new, report.retired) == (1, 4, 0, 0)
    assert db.card(cards[1].id).back.endswith("(see part 2)")
    assert snapshot(db, [c.id for c in cards]) == before


def test_readd_edited_card_takes_over_the_old_one(db):
    post, cards, before = added_and_graded(db)
    # A reworded question hashes to a new id; it is still the same fact.
    reworded = make_card(post, "Who proposed the Kalman filter, in 1960?", "Rudolf E. Kálmán")
    report = db.add([post], [reworded] + cards[1:])
    assert (report.updated, report.unchanged, report.new, report.retired) == (1, 4, 0, 0)
    assert reworded.id != cards[0].id
    assert db.resolve(reworded.id) == before[cards[0].id][0]  # the new id is an alias
    kept = db.card(reworded.id)
    assert (kept.id, kept.front, kept.back) == (cards[0].id, reworded.front, "Rudolf E. Kálmán")
    assert snapshot(db, [c.id for c in cards]) == before
    # A later run with the same text maps straight to the same card: unchanged, no new row.
    report = db.add([post], [reworded] + cards[1:])
    assert (report.unchanged, report.new) == (5, 0)
    assert db.totals()["cards"] == 5


def test_readd_same_answer_with_reworded_question_is_an_edit(db):
    post = make_post(1)
    cards = facts_cards(post)
    db.add([post], cards)
    grade_all(db, cards)
    other = make_card(post, "Which operation does the Fourier transform map convolution to?",
                      "the Fourier transform")
    report = db.add([post], cards[:2] + [other] + cards[3:])
    assert (report.updated, report.new, report.retired) == (1, 0, 0)
    assert db.card(other.id).rowid == db.card(cards[2].id).rowid


def test_a_card_no_longer_produced_is_retired_then_restored(db):
    post, cards, before = added_and_graded(db)
    report = db.add([post], cards[:3], now=NOW + timedelta(hours=1))
    assert (report.retired, report.unchanged, report.new) == (2, 3, 0)
    retired = db.card(cards[4].id)
    assert retired.retired_at == NOW + timedelta(hours=1)
    assert len(list(db.history(retired.rowid))) == 1  # history kept
    assert [c.id for c in db.cards()] == [c.id for c in cards[:3]]  # hidden from listings
    assert {c.id for c in db.cards(include_retired=True)} == {c.id for c in cards}
    later = NOW + timedelta(days=400)  # everything is due by then: retired cards are not
    due = due_summary(db, now=later)
    assert {e.id for e in due.queue.entries()} == {c.id for c in cards[:3]}
    with pytest.raises(StoreError, match="retired"):
        session.grade(db, cards[4].id, "good", now=later)
    # The post produces them again: restored, with the state they had.
    report = db.add([post], cards)
    assert (report.restored, report.unchanged, report.retired) == (2, 3, 0)
    assert snapshot(db, [c.id for c in cards]) == before


def test_a_new_unrelated_card_is_new_and_the_vanished_one_retired(db):
    post = make_post(1)
    cards = facts_cards(post)
    db.add([post], cards)
    unrelated = make_card(post, "Which optimiser keeps a running mean of squared gradients?",
                          "RMSProp")
    report = db.add([post], cards[:4] + [unrelated])
    assert (report.new, report.retired, report.updated) == (1, 1, 0)
    assert db.card(cards[4].id).retired_at is not None


def test_readd_only_touches_the_posts_it_was_given(db):
    one, two = make_post(1), make_post(2)
    db.add([one, two], facts_cards(one) + facts_cards(two))
    report = db.add([one], facts_cards(one)[:2])
    assert report.retired == 3
    assert all(c.retired_at is None for c in db.cards(CardFilter(post=post_key(two))))


def test_a_post_whose_series_changed_is_matched_by_url(db):
    old = make_post(1, series="Signal Processing")
    cards = facts_cards(old)
    db.add([old], cards)
    grade_all(db, cards)
    before = snapshot(db, [c.id for c in cards])
    moved = make_post(1, series="Signals", url=old.url)
    new_cards = [make_card(moved, c.front, c.back) for c in cards]
    report = db.add([moved], new_cards)
    assert (report.posts_new, report.new, report.updated, report.retired) == (0, 0, 5, 0)
    assert db.totals() == {"posts": 1, "cards": 5, "reviews": 5}
    assert {cid: v for cid, v in snapshot(db, [c.id for c in cards]).items()} == before
    assert db.card(new_cards[0].id).series == "Signals"


def test_restore_keeps_a_retired_card_even_when_still_not_produced(db):
    post = make_post(1)
    cards = facts_cards(post)
    db.add([post], cards)
    db.add([post], cards[:4])
    rowid = db.resolve(cards[4].id)
    assert db.restore(rowid)
    assert db.card(rowid).retired_at is None
    report = db.add([post], cards[:4])
    assert report.retired == 0 and db.card(rowid).retired_at is None


def test_each_post_is_added_in_its_own_transaction(db):
    good, bad = make_post(1), make_post(2)
    cards = facts_cards(good) + facts_cards(bad)
    # Break the second post's last card at the SQL level: kind must be one of three.
    cards[-1] = Card.model_construct(**{**cards[-1].model_dump(), "kind": "essay"})
    with pytest.raises(sqlite3.IntegrityError):
        db.add([good, bad], cards)
    assert db.totals() == {"posts": 1, "cards": 5, "reviews": 0}  # all of post 1, none of 2


def test_cards_of_an_unknown_post_are_refused(db):
    post = make_post(1)
    with pytest.raises(ValueError, match="not passed"):
        db.add([], facts_cards(post))


# ---- the user's edits survive re-adding -------------------------------------------------------
# Edits go through `Store.update_card_text`, the call the review UI makes (browse calls it
# directly, the review screen through `Session.edit`; test_session.py covers that path).

def edit_first(st, cards, front="Who invented the Kalman filter? (my words)",
               back="Rudolf Kálmán, 1960 — see my notes"):
    return st.update_card_text(st.resolve(cards[0].id), front=front, back=back)


def added_graded_and_edited(db):
    """A post added and graded, then its first card edited: (post, cards, snapshot, edited)."""
    post, cards, before = added_and_graded(db, now=NOW)
    return post, cards, before, edit_first(db, cards)


def test_a_user_edit_survives_readding_the_same_cards(db):
    post, cards, before, edited = added_graded_and_edited(db)
    assert edited.edited_at is not None and edited.to_dict()["edited"] is True
    # The same generation again, with a new tag: the tag is taken, the text is not.
    again = [c.model_copy(update={"tags": [*c.tags, "reviewed"]}) for c in cards]
    report = db.add([post], again, now=NOW + timedelta(days=1))
    assert (report.new, report.retired, report.edits_kept) == (0, 0, 1)
    kept = db.card(cards[0].id)
    assert (kept.front, kept.back) == (edited.front, edited.back)
    assert "reviewed" in kept.tags and kept.edited_at == edited.edited_at
    assert snapshot(db, [c.id for c in cards]) == before  # state and review log intact
    assert [c.front for c in db.cards()][1:] == [c.front for c in cards[1:]]
    assert db.card(cards[1].id).edited_at is None


def test_a_user_edit_survives_a_changed_generated_text_and_reverts_to_the_latest(db):
    post, cards, before, edited = added_graded_and_edited(db)
    # Same id, new generated back; then a reworded question (new id) whose text is far from
    # the user's but close to the generated text the edit replaced.
    changed = [cards[0].model_copy(update={"back": "Rudolf E. Kálmán"}), *cards[1:]]
    report = db.add([post], changed, now=NOW + timedelta(days=1))
    assert (report.new, report.retired, report.edits_kept) == (0, 0, 1)
    reworded = make_card(post, "Who proposed the Kalman filter, in 1960?", "Rudolf E. Kálmán")
    report = db.add([post], [reworded, *cards[1:]], now=NOW + timedelta(days=2))
    assert (report.new, report.retired, report.edits_kept) == (0, 0, 1)
    assert db.resolve(reworded.id) == edited.rowid  # matched to the edited card: an alias
    kept = db.card(reworded.id)
    assert (kept.id, kept.front, kept.back) == (cards[0].id, edited.front, edited.back)
    assert snapshot(db, [c.id for c in cards]) == before
    # Revert: the latest generated text comes back, and re-adding updates it again.
    assert db.revert_edit(edited.rowid) is True
    reverted = db.card(edited.rowid)
    assert (reverted.front, reverted.back, reverted.edited_at) == (reworded.front,
                                                                   reworded.back, None)
    assert db.revert_edit(edited.rowid) is False  # nothing left to revert
    report = db.add([post], [reworded.model_copy(update={"back": "R. E. Kálmán"}), *cards[1:]])
    assert (report.updated, report.edits_kept) == (1, 0)
    assert db.card(edited.rowid).back == "R. E. Kálmán"
    assert snapshot(db, [c.id for c in cards]) == before


def test_an_edited_card_that_is_not_produced_is_retired_with_its_text(db):
    post = make_post(1)
    cards = facts_cards(post)
    db.add([post], cards, now=NOW)
    edited = edit_first(db, cards)
    assert db.add([post], cards[1:]).retired == 1
    assert (db.card(edited.rowid).front, db.card(edited.rowid).retired_at is not None) == (
        edited.front, True)
    report = db.add([post], cards)  # produced again: restored, still with the user's text
    assert (report.restored, report.edits_kept) == (1, 1)
    assert db.card(edited.rowid).front == edited.front


def test_saving_unchanged_or_generated_text_is_not_an_edit(db):
    post = make_post(1)
    cards = facts_cards(post)
    db.add([post], cards, now=NOW)
    rowid = db.resolve(cards[0].id)
    same = db.update_card_text(rowid, front=cards[0].front + "\n", back=" " + cards[0].back)
    assert same.edited_at is None and same.updated_at == NOW
    edit_first(db, cards)
    edit_first(db, cards, back="second thoughts")  # a second edit: still the same original
    back = db.update_card_text(rowid, front=cards[0].front, back=cards[0].back)
    assert back.edited_at is None and db.revert_edit(rowid) is False
    # The generator catching up with the user's text ends the edit too.
    edit_first(db, cards)
    ours = cards[0].model_copy(update={"back": "Rudolf Kálmán, 1960 — see my notes",
                                       "front": "Who invented the Kalman filter? (my words)"})
    report = db.add([post], [ours, *cards[1:]])
    assert report.edits_kept == 0 and db.card(rowid).edited_at is None


def test_an_edited_cloze_card_keeps_its_sentence(db):
    post = make_post(1)
    cloze = make_card(post, "The [...] filter estimates a state.",
                      "The Kalman filter estimates a state.", kind="cloze").model_copy(
        update={"cloze": "The {{c1::Kalman}} filter estimates a state."})
    db.add([post], [cloze], now=NOW)
    rowid = db.resolve(cloze.id)
    edited = db.update_card_text(rowid, front="The [...] filter estimates a hidden state.",
                                 back="The Kalman filter estimates a hidden state.",
                                 cloze="The {{c1::Kalman}} filter estimates a hidden state.")
    assert db.add([post], [cloze]).edits_kept == 1
    assert db.card(rowid).cloze == edited.cloze
    assert db.revert_edit(rowid) and db.card(rowid).cloze == cloze.cloze


def test_migration_from_schema_1_keeps_edits_made_before_it(tmp_path):
    """A database written before edits were recorded: upgraded (after a backup), and a card
    edited back then (changed after its post was last added) is recognised as edited."""
    path = tmp_path / "study.db"
    post = make_post(1)
    cards = facts_cards(post)
    with open_store(path) as st:
        st.set_setting("fuzz", "off")
        st.add([post], cards, now=NOW)
        grade_all(st, cards)
        before = snapshot(st, [c.id for c in cards])
    # Back to schema 1, then edit as studykit did at schema 1 (text and updated_at only).
    raw = sqlite3.connect(path)
    raw.execute("ALTER TABLE cards DROP COLUMN generated")
    raw.execute("ALTER TABLE cards DROP COLUMN edited_at")
    raw.execute("PRAGMA user_version = 1")
    raw.execute("UPDATE cards SET front = 'My own question?', updated_at = ? WHERE card_id = ?",
                ((NOW + timedelta(hours=1)).isoformat(timespec="microseconds"), cards[0].id))
    raw.commit()
    raw.close()
    with open_store(path) as st:
        assert st.version == schema_mod.latest_version()
        assert st.card(cards[0].id).edited_at == NOW + timedelta(hours=1)
        assert [c.edited_at for c in st.cards()][1:] == [None] * 4
        with pytest.raises(StoreError, match="add its post again"):
            st.revert_edit(st.resolve(cards[0].id))
        report = st.add([post], cards, now=NOW + timedelta(days=1))
        assert (report.edits_kept, report.new, report.retired) == (1, 0, 0)
        assert st.card(cards[0].id).front == "My own question?"
        assert snapshot(st, [c.id for c in cards]) == before
        assert st.revert_edit(st.resolve(cards[0].id))  # the generated text is known now
        assert st.card(cards[0].id).front == cards[0].front
    backup = sqlite3.connect(tmp_path / "study.db.bak-1")
    try:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
        assert backup.execute("SELECT count(*) FROM review_log").fetchone()[0] == 5
    finally:
        backup.close()


# ---- looking up and filtering ----------------------------------------------------------------

def test_resolve_by_id_alias_and_prefix(db):
    post = make_post(1)
    cards = facts_cards(post)
    db.add([post], cards)
    first = cards[0].id
    assert db.resolve(first) == db.resolve(first[:8]) == db.resolve(first.upper())
    with pytest.raises(CardNotFound, match="no card 'ffffffffzz'"):
        db.resolve("ffffffffzz")
    with pytest.raises(CardNotFound):
        db.resolve(first[:3])  # too short to be a prefix


def test_an_ambiguous_prefix_is_refused(db):
    post = make_post(1)
    cards = [make_card(post, f"Question {i}?", "yes").model_copy(update={"id": f"abcd{i:012x}"})
             for i in range(3)]
    db.add([post], cards)
    with pytest.raises(CardNotFound, match="ambiguous.*abcd000000000000"):
        db.resolve("abcd")
    assert db.resolve("abcd000000000002") == db.card(cards[2].id).rowid


def test_filters_by_series_post_tag_and_search(db):
    a, b = make_post(1, "Signal Processing"), make_post(2, "Optimization Methods")
    db.add([a, b], facts_cards(a) + facts_cards(b)[:2]
           + [make_card(b, "Which 100% trick_of_the_trade?", "x", kind="cloze")])
    assert len(db.cards(CardFilter(series="signal-processing"))) == 5
    assert len(db.cards(CardFilter(series="Optimization Methods"))) == 3
    assert len(db.cards(CardFilter(post="post-2"))) == 3
    assert len(db.cards(CardFilter(post="https://blog.example/1/"))) == 5
    assert len(db.cards(CardFilter(tag="kind::cloze"))) == 1
    assert len(db.cards(CardFilter(tag="cloze"))) == 1
    assert len(db.cards(CardFilter(search="kalman"))) == 2
    assert len(db.cards(CardFilter(search="100%"))) == 1  # % and _ are literal
    assert len(db.cards(CardFilter(search="trick_of"))) == 1
    assert len(db.cards(CardFilter(search="1_0"))) == 0
    assert db.cards(CardFilter(series="nope")) == []


def test_stored_card_json_has_the_card_contract_and_state(db):
    post = make_post(1)
    db.add([post], facts_cards(post))
    data = db.cards()[0].to_dict()
    for key in ("id", "kind", "front", "back", "series", "post_title", "post_url", "tags",
                "state", "due", "suspended", "retired"):
        assert key in data
    assert data["state"] == "new" and data["due"] is None
    json.dumps(data)


def test_settings_round_trip_and_validation(db):
    assert db.settings().desired_retention == 0.9
    assert db.set_setting("desired_retention", "0.85") == "0.85"
    assert db.set_setting("learning_steps", "30s, 5m 1h") == "30s 5m 1h"
    settings = db.settings()
    assert settings.desired_retention == 0.85
    assert [s.total_seconds() for s in settings.learning_steps] == [30, 300, 3600]
    with pytest.raises(SettingsError, match="between 0.70 and 0.99"):
        db.set_setting("desired_retention", "1.5")
    with pytest.raises(SettingsError, match="unknown setting"):
        db.set_setting("colour", "blue")
    db.unset_setting("desired_retention")
    assert db.settings().desired_retention == 0.9
