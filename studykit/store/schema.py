"""The schema of the study database and its numbered migrations.

Migration N brings a database from `PRAGMA user_version` N-1 to N; `Database` runs the ones a
file lacks (after copying it to `<db>.bak-<version>`). Never edit a released migration:
append a new one.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, tuple[str, ...]]] = [
    (1, (
        """CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            url TEXT NOT NULL,
            series TEXT NOT NULL,
            series_slug TEXT NOT NULL,
            part INTEGER,
            published TEXT,
            tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
            content_hash TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX posts_url ON posts(url)",
        "CREATE INDEX posts_series ON posts(series_slug)",
        """CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL UNIQUE,
            post INTEGER NOT NULL REFERENCES posts(id),
            position INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('qa', 'cloze', 'formula')),
            front TEXT NOT NULL,
            back TEXT NOT NULL,
            cloze TEXT,
            series TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
            deck TEXT NOT NULL DEFAULT '',
            source_sentence TEXT NOT NULL DEFAULT '',
            claim_kind TEXT NOT NULL DEFAULT '',
            score REAL NOT NULL DEFAULT 0,
            retired_at TEXT,
            keep INTEGER NOT NULL DEFAULT 0 CHECK (keep IN (0, 1)),
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX cards_post ON cards(post)",
        """CREATE TABLE card_aliases (
            alias TEXT PRIMARY KEY,
            card INTEGER NOT NULL REFERENCES cards(id)
        ) STRICT, WITHOUT ROWID""",
        "CREATE INDEX card_aliases_card ON card_aliases(card)",
        """CREATE TABLE card_state (
            card INTEGER PRIMARY KEY REFERENCES cards(id),
            state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
            due TEXT,
            fsrs TEXT CHECK (fsrs IS NULL OR json_valid(fsrs)),
            fsrs_version TEXT,
            suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
            buried_until TEXT,
            updated_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX card_state_queue ON card_state(state, due) WHERE suspended = 0",
        """CREATE TABLE review_log (
            id INTEGER PRIMARY KEY,
            card INTEGER NOT NULL REFERENCES cards(id),
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at TEXT NOT NULL,
            duration_ms INTEGER,
            kind TEXT NOT NULL CHECK (kind IN ('new', 'learning', 'review', 'relearning')),
            state_before TEXT CHECK (state_before IS NULL OR json_valid(state_before)),
            due_after TEXT NOT NULL,
            fsrs_version TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX review_log_card ON review_log(card, id)",
        "CREATE INDEX review_log_time ON review_log(reviewed_at)",
        """CREATE TRIGGER review_log_append_only BEFORE UPDATE ON review_log
           BEGIN SELECT RAISE(ABORT, 'review_log is append-only'); END""",
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT""",
    )),
    # A card's text edited by the user: `edited_at` says when (NULL: the generated text), and
    # `generated` holds the latest generated text ({kind, front, back, cloze}) that the edit
    # replaces, so that re-adding the post never overwrites the edit and it can be reverted.
    (2, (
        "ALTER TABLE cards ADD COLUMN edited_at TEXT",
        "ALTER TABLE cards ADD COLUMN generated TEXT "
        "CHECK (generated IS NULL OR json_valid(generated))",
        # Edits made before this migration: every add stamps the post and all its cards with
        # the same instant, so a card changed after its post was last added was edited (or
        # restored, which is harmless: its text is then kept until the next add refills
        # `generated`). Their generated text is unknown until the post is added again.
        """UPDATE cards SET edited_at = updated_at WHERE retired_at IS NULL
           AND updated_at > (SELECT p.updated_at FROM posts p WHERE p.id = cards.post)""",
    )),
]


def latest_version() -> int:
    """The schema version this studykit writes: that of its last migration."""
    return MIGRATIONS[-1][0]

