"""The study store: one SQLite file with posts, cards, card state and the review log.

Owns every SQLite call in studykit: the schema and its numbered migrations (recorded in
`PRAGMA user_version`; the file is copied to `<db>.bak-<version>` before a migration),
connection settings (WAL, busy timeout, foreign keys, synchronous=FULL) and transactions.
Writes run in `BEGIN IMMEDIATE` transactions, so two processes can write at once: one
waits for the other (up to the busy timeout) and nothing is lost.

Review history is never thrown away: cards are never deleted (a card no longer produced is
retired), and the review log is append-only except for `undo_review`, which removes the
last grade of a card and puts back the state recorded before it.

What the user typed is never thrown away either: a card whose text was edited
(`update_card_text`) keeps that text when its post is added again; the generated text is
kept beside it (`cards.generated`), and `revert_edit` puts it back.
"""

from __future__ import annotations

import difflib
import functools
import glob
import inspect
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studykit import paths
from studykit.errors import StudykitError
from studykit.models import Card, Post
from studykit.schedule import (FSRS_VERSION, STATE_NAMES, Settings, SettingsError, now_utc,
                               parse_setting, utc)
from studykit.series import slugify

if TYPE_CHECKING:
    from studykit.schedule import Review

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# A card whose text changed is the same card when front+back are this similar (difflib).
SIMILAR = 0.75


class StoreError(StudykitError):
    """The study database cannot be opened, read or written as asked."""


class CardNotFound(StoreError):
    """No card has the id (or alias, or prefix) the user gave."""


class StoreDamaged(StoreError):
    """SQLite finds the database file damaged; it is refused and left untouched."""


class ChangeRefused(StoreError, sqlite3.IntegrityError):
    """A write broke one of the schema's rules (a CHECK, a foreign key) and was rolled back.
    Still a sqlite3.IntegrityError, for callers of the library that catch that."""


def _database_error(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    """The StoreError for an SQLite error on `path`: what went wrong and what to do."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StoreDamaged(_damaged_message(path, str(exc)))
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreError(f"{path}: database is busy ({exc}); try again")
    if isinstance(exc, sqlite3.IntegrityError):
        return ChangeRefused(f"{path}: the database refused the change ({exc}); nothing was "
                          f"written. If it happens again, check the file with "
                          f"`sqlite3 {path} 'PRAGMA integrity_check'`")
    return StoreError(f"{path}: cannot use the database ({exc})")


def _damaged_message(path: Path, detail: str) -> str:
    """Say the file is damaged and how to get a working store back (one line)."""
    detail = " ".join(detail.split())  # quick_check's report spans lines
    detail = detail if len(detail) <= 160 else detail[:160] + "…"
    text = f"{path} is damaged (SQLite: {detail}); it was left untouched. "
    aside = f"move it aside (with any {path.name}-wal and {path.name}-shm beside it)"
    backups = _backups(path)
    if backups:
        return text + (f"To restore the backup: {aside}, then copy {backups[-1]} to {path} (the "
                       "backup was made before the last schema upgrade: later cards and grades "
                       "are not in it)")
    return text + (f"There is no backup ({path.name}.bak-N is made only before a schema "
                   f"upgrade): {aside} and add your sources again to start a new store; "
                   f"`sqlite3 {path} .recover` may save its grades")


def _backups(path: Path) -> list[Path]:
    """The `<db>.bak-<version>` copies made before migrations, oldest schema first."""
    found = []
    for name in glob.glob(glob.escape(str(path)) + ".bak-*"):
        if m := re.fullmatch(r"\.bak-(\d+)", name[len(str(path)):]):
            found.append((int(m.group(1)), Path(name)))
    return [p for _, p in sorted(found)]


def _guarded(method: Callable) -> Callable:
    """`method` with SQLite errors turned into StoreError: a damaged or busy file is named in
    one line, never a traceback (generators too: they fail while iterated)."""
    if inspect.isgeneratorfunction(method):
        @functools.wraps(method)
        def generator(self: Store, *args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(self, *args, **kwargs)
            except StoreError:
                raise  # from a guarded method it called (ChangeRefused is an sqlite3 error too)
            except sqlite3.DatabaseError as exc:
                raise _database_error(self.path, exc) from None
        return generator

    @functools.wraps(method)
    def call(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise  # from a guarded method it called (ChangeRefused is an sqlite3 error too)
        except sqlite3.DatabaseError as exc:
            raise _database_error(self.path, exc) from None
    return call


def _guard_public_methods(cls: type) -> type:
    """Wrap every public method of `cls` in `_guarded`, methods added later included."""
    for name, value in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(value):
            setattr(cls, name, _guarded(value))
    return cls


# ---- schema ---------------------------------------------------------------------------------
# Migration N brings a database from user_version N-1 to N. Never edit a released migration:
# append a new one.

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
    return MIGRATIONS[-1][0]


def _iso(value: datetime) -> str:
    """The one text form of an instant in the database: sortable UTC ISO 8601."""
    return utc(value).isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(timezone.utc)


# ---- records --------------------------------------------------------------------------------

@dataclass
class StoredCard:
    """A card as the store holds it: its content, where it comes from, and its state."""

    rowid: int
    id: str
    kind: str
    front: str
    back: str
    cloze: str | None
    series: str
    post_title: str
    post_url: str
    post_key: str
    tags: list[str]
    deck: str
    source_sentence: str
    state: str
    due: datetime | None
    fsrs: dict | None
    suspended: bool
    buried_until: datetime | None
    retired_at: datetime | None
    added_at: datetime
    updated_at: datetime | None = None  # when its text (or retirement) last changed
    edited_at: datetime | None = None  # when the user last edited its text (None: generated)

    def to_card(self) -> Card:
        return Card(id=self.id, kind=self.kind, front=self.front, back=self.back,  # type: ignore[arg-type]
                    cloze=self.cloze, series=self.series, post_title=self.post_title,
                    post_url=self.post_url, tags=self.tags, deck=self.deck,
                    source_sentence=self.source_sentence)

    def to_dict(self) -> dict[str, Any]:
        data = self.to_card().contract_dict()
        data.update(
            state=self.state, due=self.due.isoformat() if self.due else None,
            suspended=self.suspended,
            buried_until=self.buried_until.isoformat() if self.buried_until else None,
            retired=self.retired_at is not None, edited=self.edited_at is not None,
            post_key=self.post_key,
            stability=(self.fsrs or {}).get("stability"),
            difficulty=(self.fsrs or {}).get("difficulty"),
        )
        return data


@dataclass
class AddReport:
    """What `Store.add` did, counted in cards (and posts)."""

    posts_new: int = 0
    posts_updated: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    edits_kept: int = 0  # of the cards above: user-edited ones whose text was not replaced

    def __iadd__(self, other: AddReport) -> AddReport:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class DeckCount:
    """One post's cards due now, for the decks list of the review UI."""

    series: str
    post_key: str
    post_title: str
    new: int
    learning: int
    review: int
    cards: int


@dataclass(frozen=True)
class QueueEntry:
    rowid: int
    id: str
    series: str
    state: int
    due: datetime | None


@dataclass
class Queue:
    """Cards to study now, in the order to show them, within today's limits."""

    learning: list[QueueEntry] = field(default_factory=list)
    review: list[QueueEntry] = field(default_factory=list)
    new: list[QueueEntry] = field(default_factory=list)
    review_over_limit: int = 0
    new_over_limit: int = 0

    def entries(self) -> list[QueueEntry]:
        return self.learning + self.review + self.new


@dataclass(frozen=True)
class CardFilter:
    """Which cards a queue or a listing covers; None means any."""

    series: str | None = None
    post: str | None = None
    tag: str | None = None
    search: str | None = None

    def sql(self) -> tuple[str, dict[str, Any]]:
        """An SQL condition on `c` (cards) and its parameters."""
        parts, args = [], {}
        if self.series:
            parts.append("c.post IN (SELECT id FROM posts WHERE series_slug = :f_series)")
            args["f_series"] = slugify(self.series)
        if self.post:
            parts.append("c.post IN (SELECT id FROM posts WHERE key = :f_post OR url = :f_post"
                         " OR key LIKE '%/' || :f_post OR lower(title) = lower(:f_post))")
            args["f_post"] = self.post
        if self.tag:
            parts.append("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = :f_tag"
                         " OR value LIKE '%::' || :f_tag)")
            args["f_tag"] = self.tag
        if self.search:
            parts.append("(c.front LIKE :f_search ESCAPE '\\' OR c.back LIKE :f_search ESCAPE '\\'"
                         " OR c.cloze LIKE :f_search ESCAPE '\\')")
            args["f_search"] = "%" + re.sub(r"([%_\\])", r"\\\1", self.search) + "%"
        return (" AND " + " AND ".join(parts)) if parts else "", args


_CARD_SELECT = """
    SELECT c.id, c.card_id, c.kind, c.front, c.back, c.cloze, c.series, p.title, p.url, p.key,
           c.tags, c.deck, c.source_sentence, s.state, s.due, s.fsrs, s.suspended,
           s.buried_until, c.retired_at, c.added_at, c.updated_at, c.edited_at
    FROM cards c JOIN card_state s ON s.card = c.id JOIN posts p ON p.id = c.post
"""


def _stored(row: sqlite3.Row | tuple) -> StoredCard:
    return StoredCard(
        rowid=row[0], id=row[1], kind=row[2], front=row[3], back=row[4], cloze=row[5],
        series=row[6], post_title=row[7], post_url=row[8], post_key=row[9],
        tags=json.loads(row[10]), deck=row[11], source_sentence=row[12],
        state=STATE_NAMES[row[13]], due=_dt(row[14]),
        fsrs=json.loads(row[15]) if row[15] else None, suspended=bool(row[16]),
        buried_until=_dt(row[17]), retired_at=_dt(row[18]), added_at=_dt(row[19]),  # type: ignore[arg-type]
        updated_at=_dt(row[20]), edited_at=_dt(row[21]),
    )


# ---- opening ---------------------------------------------------------------------------------

def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    """The store at `path` (default: `paths.db_path()`), created and migrated as needed."""
    return Store(paths.db_path(path))


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()),
                       folder)
        raise StoreError(f"{blocker} is a file, not a folder: the study database cannot go in "
                         f"{folder} (pass --db FILE, or point STUDYKIT_HOME at a folder)") from None
    except OSError as exc:
        raise StoreError(f"{folder}: cannot create folder: {exc.strerror}") from None


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file (pass --db FILE)")
    if path.exists() and path.stat().st_size > 0:
        try:
            with path.open("rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"{path}: cannot read: {exc.strerror}") from None
        if header != SQLITE_HEADER:
            raise StoreError(f"{path} is not a studykit database (not an SQLite file); "
                             "it was left untouched: pass another --db path")


@_guard_public_methods
class Store:
    """One open study database. Use as a context manager, or call `close()`.

    Every public method turns SQLite errors into StoreError (`StoreDamaged` for a damaged
    file), and the first write of an open store runs `verify()` first.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        _check_file(self.path)
        _make_folder(self.path.parent)
        self._lock = threading.RLock()
        self._verify_lock = threading.Lock()
        self._checked: str | None = None  # quick_check's verdict, once it ran
        self._checking: sqlite3.Connection | None = None  # while quick_check runs
        try:
            self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                         isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open: {exc}") from None
        try:
            self._configure()
            self._check_version()  # before WAL: a file we refuse must stay byte for byte
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except StoreError:
            self._conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            error = _database_error(self.path, exc)
            if type(error) is StoreError:
                error = StoreError(f"{self.path}: not a usable studykit database ({exc})")
            raise error from None
        except BaseException:
            self._conn.close()
            raise

    def _configure(self) -> None:
        c = self._conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        # FULL: a grade survives a power cut too; it costs ~0.4 ms per commit here.
        c.execute("PRAGMA synchronous = FULL")
        # Queue queries join card_state to cards; a 64 MB page cache (allocated as used)
        # keeps a large collection's rows in memory instead of re-reading them.
        c.execute("PRAGMA cache_size = -65536")

    def close(self) -> None:
        self.stop_verify()
        with self._lock:
            self._conn.close()

    def stop_verify(self) -> None:
        """Interrupt a `verify()` running in another thread (an app quitting before its
        check ended); there it fails with StoreError, and the next write checks again."""
        checking = self._checking
        if checking is not None:
            with suppress(sqlite3.ProgrammingError):  # it just finished and closed
                checking.interrupt()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- transactions ----

    def verify(self) -> None:
        """Refuse a damaged file (StoreDamaged) before anything is written into it: writing
        over damaged pages spreads the damage. `PRAGMA quick_check` reads the whole file
        (1-2 s for 230 MB), so it runs once per open store, before its first write."""
        with self._verify_lock:
            if self._checked is None:
                self._checked = self._quick_check()
        if self._checked != "ok":
            raise StoreDamaged(_damaged_message(self.path, self._checked))

    def _quick_check(self) -> str:
        """'ok', or SQLite's first complaint about the file. On a connection of its own, so
        that the store's own queries go on meanwhile (and `close` can interrupt it)."""
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        self._checking = conn
        try:
            rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        except sqlite3.DatabaseError as exc:
            error = _database_error(self.path, exc)
            if not isinstance(error, StoreDamaged):
                raise error from None  # busy or interrupted: no verdict on the file
            return str(exc)
        finally:
            self._checking = None
            conn.close()
        return str(rows[0][0]) if rows else "ok"

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so it never deadlocks."""
        self.verify()  # outside the lock: readers go on while a review app checks in a worker
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path}: database is busy ({exc}); try again") from None
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            else:
                try:
                    self._conn.execute("COMMIT")
                except sqlite3.Error:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    # ---- migrations ----

    @property
    def version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_version(self) -> None:
        """Refuse, without writing anything, a newer schema or another program's database."""
        version = self.version
        latest = latest_version()
        if version > latest:
            raise StoreError(
                f"{self.path} was written by a newer studykit (schema {version}, this one knows "
                f"up to {latest}); upgrade studykit to open it")
        if version == 0:
            tables = [r[0] for r in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            if tables:
                raise StoreError(f"{self.path} is an SQLite file of another program (tables: "
                                 f"{', '.join(tables[:5])}); it was left untouched: "
                                 "pass another --db")

    def _migrate(self) -> None:
        version = self.version
        if version == latest_version():
            return
        if version > 0:
            self.verify()  # a damaged file would be copied damaged, then written into
            self.backup(Path(f"{self.path}.bak-{version}"))
        with self._write() as c:
            current = c.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            for number, statements in MIGRATIONS:
                if number <= current:
                    continue
                for statement in statements:
                    c.execute(statement)
                c.execute(f"PRAGMA user_version = {number}")

    def backup(self, target: Path) -> Path:
        """A consistent copy of the database (WAL included) at `target`, written atomically."""
        tmp = target.with_name(target.name + ".tmp")
        dest = sqlite3.connect(tmp)
        try:
            with self._lock:
                self._conn.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
        return target

    def integrity_check(self) -> str:
        return ", ".join(r[0] for r in self._conn.execute("PRAGMA integrity_check"))

    # ---- settings ----

    def settings(self) -> Settings:
        with self._lock:
            rows = dict(self._conn.execute("SELECT key, value FROM settings").fetchall())
        try:
            return Settings.from_text(rows)
        except SettingsError as exc:  # stored by an older studykit that allowed it
            key = str(exc).split(" ", 1)[0]
            raise StoreError(f"{self.path}: stored setting {exc}; set it again with `studykit "
                             f"config {key} VALUE` or `studykit config --unset {key}`") from None

    def set_setting(self, key: str, value: str) -> str:
        """Store setting `key` (validated); returns the value in its canonical text form."""
        from studykit.schedule import SETTINGS

        parsed = parse_setting(key, value)  # refuses unknown keys and bad values
        text = SETTINGS[key][1](parsed)
        with self._write() as c:
            c.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, text))
        return text

    def unset_setting(self, key: str) -> None:
        """Forget a stored setting: its default applies again."""
        parse_setting(key, Settings().as_text().get(key, ""))  # refuses unknown keys
        with self._write() as c:
            c.execute("DELETE FROM settings WHERE key = ?", (key,))

    # ---- adding cards ----

    def add(self, posts: Sequence[Post], cards: Sequence[Card], now: datetime | None = None,
            progress: Callable[[str], None] | None = None) -> AddReport:
        """Store the cards of `posts`, keeping every card's state and history.

        Each post is synced in its own transaction (never half-added): a card whose id (or an
        alias of it) is known keeps its state and gets the new text; an unknown card that is
        a close edit of a card of the same post that was not produced this time takes over
        that card (its id becomes an alias); the rest are new. Cards of the post that are no
        longer produced are retired (kept, with their history, hidden from review).

        A card whose text the user edited keeps the user's text: the new generated text is
        only remembered (for `revert_edit`), and the card counts in `edits_kept`.
        """
        stamp = _iso(now or now_utc())
        by_post: dict[tuple[str, str, str], list[Card]] = {}
        for card in cards:
            by_post.setdefault((card.series, card.post_title, card.post_url), []).append(card)
        known = {(p.series, p.title, p.url) for p in posts}
        if stray := [k for k in by_post if k not in known]:
            raise ValueError(f"cards of a post that was not passed: {stray[0][1]!r}")
        ordered = sorted(posts, key=lambda p: (p.series, p.part if p.part is not None else 1 << 30,
                                               p.published.isoformat() if p.published else "",
                                               p.title))
        report = AddReport()
        for post in ordered:
            with self._write() as c:
                mine = by_post.get((post.series, post.title, post.url), [])
                one = _sync_post(c, post, mine, stamp)
            if progress:
                progress(f"stored {post.title}: {one.new} new, {one.updated} updated, "
                         f"{one.retired} retired")
            report += one
        return report

    # ---- looking cards up ----

    def resolve(self, ref: str) -> int:
        """The row id of the card named by its id, an alias, or a unique id prefix (4+ chars)."""
        ref = ref.strip().lower()
        with self._lock:
            c = self._conn
            row = c.execute("SELECT id FROM cards WHERE card_id = ?", (ref,)).fetchone() or \
                c.execute("SELECT card FROM card_aliases WHERE alias = ?", (ref,)).fetchone()
            if row:
                return row[0]
            if len(ref) >= 4 and re.fullmatch(r"[0-9a-f]+", ref):
                rows = c.execute("SELECT id, card_id FROM cards WHERE card_id >= ? AND card_id < ? "
                                 "LIMIT 6", (ref, ref + "g")).fetchall()
                if len(rows) == 1:
                    return rows[0][0]
                if rows:
                    raise CardNotFound(f"card id {ref!r} is ambiguous: "
                                       f"{', '.join(r[1] for r in rows[:5])}; give more of it")
        raise CardNotFound(f"no card {ref!r} in {self.path} "
                           "(`studykit cards --search TEXT` lists card ids)")

    def card(self, ref: str | int) -> StoredCard:
        rowid = ref if isinstance(ref, int) else self.resolve(ref)
        with self._lock:
            row = self._conn.execute(_CARD_SELECT + " WHERE c.id = ?", (rowid,)).fetchone()
        if row is None:
            raise CardNotFound(f"no card with row id {rowid} in {self.path}")
        return _stored(row)

    def cards(self, where: CardFilter | None = None, include_retired: bool = False,
              limit: int | None = None) -> list[StoredCard]:
        """Cards in the order they were added (series, part, reading order)."""
        cond, args = (where or CardFilter()).sql()
        if not include_retired:
            cond += " AND c.retired_at IS NULL"
        sql = _CARD_SELECT + f" WHERE 1 {cond} ORDER BY c.id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            return [_stored(r) for r in self._conn.execute(sql, args)]

    # ---- suspend, bury, restore ----

    def set_suspended(self, rowid: int, suspended: bool) -> bool:
        """Suspend (or unsuspend) a card; returns whether anything changed."""
        with self._write() as c:
            cur = c.execute("UPDATE card_state SET suspended = ?, updated_at = ? "
                            "WHERE card = ? AND suspended != ?",
                            (int(suspended), _iso(now_utc()), rowid, int(suspended)))
            return cur.rowcount > 0

    def bury(self, rowid: int, until: datetime | None) -> None:
        """Hide a card from the queue until `until` (None: unbury)."""
        with self._write() as c:
            c.execute("UPDATE card_state SET buried_until = ?, updated_at = ? WHERE card = ?",
                      (_iso(until) if until else None, _iso(now_utc()), rowid))

    def restore(self, rowid: int) -> bool:
        """Bring a retired card back to review and keep it there even when no longer produced."""
        with self._write() as c:
            cur = c.execute("UPDATE cards SET retired_at = NULL, keep = 1, updated_at = ? "
                            "WHERE id = ? AND (retired_at IS NOT NULL OR keep = 0)",
                            (_iso(now_utc()), rowid))
            return cur.rowcount > 0

    # ---- the due queue ----

    def queue(self, now: datetime, *, new_limit: int, review_limit: int,
              where: CardFilter | None = None, learn_until: datetime | None = None,
              count_over_limit: bool = False) -> Queue:
        """Due learning cards (by due time), due reviews (most overdue first, at most
        `review_limit`) and new cards (in the order added, at most `new_limit`)."""
        cond, args = (where or CardFilter()).sql()
        args.update(now=_iso(now), until=_iso(learn_until or now))
        base = ("SELECT s.card, c.card_id, c.series, s.state, s.due FROM card_state s "
                "JOIN cards c ON c.id = s.card WHERE s.suspended = 0 AND c.retired_at IS NULL "
                "AND (s.buried_until IS NULL OR s.buried_until <= :now)" + cond)
        queue = Queue()
        with self._read() as c:
            def fetch(sql: str, extra: dict[str, Any]) -> list[QueueEntry]:
                return [QueueEntry(r[0], r[1], r[2], r[3], _dt(r[4]))
                        for r in c.execute(sql, {**args, **extra})]

            queue.learning = fetch(base + " AND s.state IN (1, 3) AND s.due <= :until "
                                   "ORDER BY s.due", {})
            queue.review = fetch(base + " AND s.state = 2 AND s.due <= :now ORDER BY s.due "
                                 "LIMIT :n", {"n": max(review_limit, 0)})
            # New cards have no due date: (due, card) is the order of the queue index.
            queue.new = fetch(base + " AND s.state = 0 ORDER BY s.due, s.card LIMIT :n",
                              {"n": max(new_limit, 0)})
            if count_over_limit:
                count = "SELECT count(*) FROM (" + base + " AND {})"
                due = "s.state = 2 AND s.due <= :now"
                reviews = c.execute(count.format(due), args).fetchone()[0]
                new = c.execute(count.format("s.state = 0"), args).fetchone()[0]
                queue.review_over_limit = reviews - len(queue.review)
                queue.new_over_limit = new - len(queue.new)
        return queue

    def done_since(self, start: datetime) -> dict[str, int]:
        """Grades since `start` by the card's state before them (new, learning, review, ...)."""
        with self._lock:
            rows = self._conn.execute("SELECT kind, count(*) FROM review_log "
                                      "WHERE reviewed_at >= ? GROUP BY kind",
                                      (_iso(start),)).fetchall()
        return {kind: 0 for kind in ("new", "learning", "review", "relearning")} | dict(rows)

    def next_due(self, where: CardFilter | None = None) -> datetime | None:
        cond, args = (where or CardFilter()).sql()
        with self._lock:
            row = self._conn.execute(
                "SELECT min(s.due) FROM card_state s JOIN cards c ON c.id = s.card "
                "WHERE s.suspended = 0 AND s.state > 0 AND c.retired_at IS NULL" + cond,
                args).fetchone()
        return _dt(row[0])

    # ---- grading ----

    def record_review(self, rowid: int, grade: Callable[[dict | None], Review]) -> tuple[int, str]:
        """Grade a card in one transaction: read its state, `grade(state)`, log, save.

        `grade` gets the FSRS state (None for a new card) read inside the write lock, so two
        processes grading the same card cannot lose either grade. Returns the log row id and
        the card's id.
        """
        with self._write() as c:
            row = c.execute("SELECT s.fsrs, c.retired_at, c.card_id FROM card_state s "
                            "JOIN cards c ON c.id = s.card WHERE s.card = ?", (rowid,)).fetchone()
            if row is None:
                raise CardNotFound(f"no card with row id {rowid} in {self.path}")
            if row[1] is not None:
                raise StoreError(f"card {row[2]} is retired (its post no longer produces it); "
                                 f"`studykit restore {row[2]}` brings it back")
            review = grade(json.loads(row[0]) if row[0] else None)
            after = review.after.to_dict()
            due = _iso(review.due)
            cur = c.execute(
                "INSERT INTO review_log (card, rating, reviewed_at, duration_ms, kind, "
                "state_before, due_after, fsrs_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (rowid, review.rating, _iso(review.reviewed_at), review.duration_ms, review.kind,
                 json.dumps(review.before) if review.before is not None else None, due,
                 FSRS_VERSION))
            c.execute("UPDATE card_state SET state = ?, due = ?, fsrs = ?, fsrs_version = ?, "
                      "buried_until = NULL, updated_at = ? WHERE card = ?",
                      (review.state, due, json.dumps(after), FSRS_VERSION,
                       _iso(review.reviewed_at), rowid))
            return cur.lastrowid, row[2]  # type: ignore[return-value]

    def undo_review(self, log_id: int) -> int:
        """Remove grade `log_id` (the card's latest) and restore the state before it."""
        with self._write() as c:
            row = c.execute("SELECT card, state_before FROM review_log WHERE id = ?",
                            (log_id,)).fetchone()
            if row is None:
                raise StoreError(f"grade {log_id} is not in the review log (already undone?)")
            rowid, before = row
            latest = c.execute("SELECT max(id) FROM review_log WHERE card = ?",
                               (rowid,)).fetchone()[0]
            if latest != log_id:
                raise StoreError("cannot undo: the card was graded again after that grade")
            c.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
            self._put_state(c, rowid, json.loads(before) if before else None)
            return rowid

    def _put_state(self, c: sqlite3.Connection, rowid: int, data: dict | None) -> None:
        c.execute("UPDATE card_state SET state = ?, due = ?, fsrs = ?, fsrs_version = ?, "
                  "updated_at = ? WHERE card = ?",
                  (0 if data is None else int(data["state"]),
                   None if data is None else _iso(datetime.fromisoformat(data["due"])),
                   None if data is None else json.dumps(data),
                   None if data is None else FSRS_VERSION, _iso(now_utc()), rowid))

    def put_states(self, states: dict[int, dict | None]) -> None:
        """Overwrite the FSRS state of cards (after a rebuild from the log), in one transaction."""
        with self._write() as c:
            for rowid, data in states.items():
                self._put_state(c, rowid, data)

    def history(self, rowid: int | None = None) -> Iterator[tuple[int, int, datetime, datetime]]:
        """(card row id, rating, reviewed_at, due_after) of logged grades, by card then time."""
        sql = "SELECT card, rating, reviewed_at, due_after FROM review_log"
        args: tuple = ()
        if rowid is not None:
            sql, args = sql + " WHERE card = ?", (rowid,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY card, reviewed_at, id", args).fetchall()
        for card, rating, at, due in rows:
            yield card, rating, _dt(at), _dt(due)  # type: ignore[misc]

    # ---- statistics ----

    def state_counts(self) -> list[tuple[str, int, bool, int, int, int]]:
        """Rows (series, state, retired?, cards, of which suspended, of which buried now)."""
        now = _iso(now_utc())
        with self._lock:
            rows = self._conn.execute(
                "SELECT c.series, s.state, c.retired_at IS NOT NULL, count(*), sum(s.suspended), "
                "sum(s.buried_until IS NOT NULL AND s.buried_until > ?) FROM cards c "
                "JOIN card_state s ON s.card = c.id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                (now,)).fetchall()
        return [(r[0], r[1], bool(r[2]), r[3], r[4], r[5]) for r in rows]

    def grades_since(self, start: datetime) -> list[tuple[datetime, int, str]]:
        with self._lock:
            rows = self._conn.execute("SELECT reviewed_at, rating, kind FROM review_log "
                                      "WHERE reviewed_at >= ?", (_iso(start),)).fetchall()
        return [(_dt(at), rating, kind) for at, rating, kind in rows]  # type: ignore[misc]

    def retention(self, since: datetime | None = None) -> tuple[int, int]:
        """(reviews of review-state cards, of which passed) since `since` (None: ever)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT count(*), coalesce(sum(rating > 1), 0) FROM review_log "
                "WHERE kind = 'review' AND reviewed_at >= ?",
                (_iso(since) if since else "",)).fetchone()
        return row[0], row[1]

    def due_dates(self, before: datetime) -> list[datetime]:
        """Due dates of active, unsuspended cards that are not new, up to `before`."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT s.due FROM card_state s JOIN cards c ON c.id = s.card WHERE s.state > 0 "
                "AND s.suspended = 0 AND c.retired_at IS NULL AND s.due < ?", (_iso(before),))
            return [_dt(r[0]) for r in rows]  # type: ignore[misc]

    def totals(self) -> dict[str, int]:
        with self._lock:
            c = self._conn
            return {"posts": c.execute("SELECT count(*) FROM posts").fetchone()[0],
                    "cards": c.execute("SELECT count(*) FROM cards").fetchone()[0],
                    "reviews": c.execute("SELECT count(*) FROM review_log").fetchone()[0]}

    # ---- for the review UI: decks with their due counts, editing a card's text ----

    def deck_counts(self, now: datetime) -> list[DeckCount]:
        """Per post, in reading order: its cards that are new, learning-due and review-due at
        `now` (active, unsuspended and unburied cards; daily limits not applied)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT p.series, p.key, p.title, sum(s.state = 0), "
                "sum(s.state IN (1, 3) AND s.due <= :now), sum(s.state = 2 AND s.due <= :now), "
                "count(*) FROM cards c JOIN card_state s ON s.card = c.id "
                "JOIN posts p ON p.id = c.post WHERE c.retired_at IS NULL AND s.suspended = 0 "
                "AND (s.buried_until IS NULL OR s.buried_until <= :now) GROUP BY p.id "
                "ORDER BY p.series, coalesce(p.part, 1 << 30), p.published, p.title",
                {"now": _iso(now)}).fetchall()
        return [DeckCount(*row) for row in rows]

    def update_card_text(self, rowid: int, *, front: str, back: str,
                         cloze: str | None = None) -> StoredCard:
        """Change what a card says (its state and review history stay); returns the card.

        The card is marked as edited by the user, so re-adding its post keeps this text
        (`revert_edit` puts the generated text back). Saving the text unchanged changes
        nothing; saving the generated text again clears the mark.
        """
        if not front.strip() or not back.strip():
            raise StoreError("a card needs both a front and a back")
        with self._write() as c:
            row = c.execute("SELECT kind, front, back, cloze, edited_at, generated FROM cards "
                            "WHERE id = ?", (rowid,)).fetchone()
            if row is None:
                raise CardNotFound(f"no card with row id {rowid} in {self.path}")
            kind, edited_at, generated = row[0], row[4], row[5]
            if kind == "cloze" and not re.search(r"\{\{c\d+::", cloze or ""):
                raise StoreError("a cloze card's text needs a deletion like {{c1::answer}}")
            cloze = cloze if kind == "cloze" else None
            new = {"front": front, "back": back, "cloze": cloze}
            current = {"kind": kind, "front": row[1], "back": row[2], "cloze": row[3]}
            if _same_text(current, new):
                return self.card(rowid)
            original = json.loads(generated) if generated else None
            if edited_at is None:
                original = current  # the first edit: what it replaces is the generated text
            if original is not None and original["kind"] == kind and _same_text(original, new):
                edited_at = original = None  # back to the generated text: no longer an edit
            else:
                edited_at = _iso(now_utc())
            c.execute("UPDATE cards SET front = ?, back = ?, cloze = ?, edited_at = ?, "
                      "generated = ?, updated_at = ? WHERE id = ?",
                      (front, back, cloze, edited_at,
                       json.dumps(original, ensure_ascii=False) if original else None,
                       _iso(now_utc()), rowid))
        return self.card(rowid)

    def revert_edit(self, rowid: int) -> bool:
        """Put back the generated text of a card the user edited (state and history stay).

        Returns False when the card's text is not an edit. A card whose edit predates the
        schema that records edits has no generated text until its post is added again.
        """
        with self._write() as c:
            row = c.execute("SELECT card_id, edited_at, generated FROM cards WHERE id = ?",
                            (rowid,)).fetchone()
            if row is None:
                raise CardNotFound(f"no card with row id {rowid} in {self.path}")
            if row[1] is None:
                return False
            if row[2] is None:
                raise StoreError(f"card {row[0]}: its generated text is not known yet (it was "
                                 "edited before studykit kept it); add its post again first")
            original = json.loads(row[2])
            c.execute("UPDATE cards SET kind = ?, front = ?, back = ?, cloze = ?, "
                      "edited_at = NULL, generated = NULL, updated_at = ? WHERE id = ?",
                      (original["kind"], original["front"], original["back"], original["cloze"],
                       _iso(now_utc()), rowid))
            return True


# ---- syncing one post (inside its transaction) ---------------------------------------------

_TEXT_FIELDS = ("kind", "front", "back", "cloze", "series", "tags", "deck")


def _same_text(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two texts of a card of kind `a["kind"]` say the same (ends stripped; a cloze
    card by its cloze sentence, from which the review UI makes front and back)."""
    if a["kind"] == "cloze" and a.get("cloze") and b.get("cloze"):
        return a["cloze"].strip() == b["cloze"].strip()
    return a["front"].strip() == b["front"].strip() and a["back"].strip() == b["back"].strip()


def _generated_text(card: Card) -> dict[str, Any]:
    return {"kind": card.kind, "front": card.front, "back": card.back, "cloze": card.cloze}


def _card_values(card: Card, position: int) -> dict[str, Any]:
    return {"kind": card.kind, "front": card.front, "back": card.back, "cloze": card.cloze,
            "series": card.series, "tags": json.dumps(card.tags, ensure_ascii=False),
            "deck": card.deck, "source_sentence": card.source_sentence,
            "claim_kind": card.claim_kind, "score": float(card.score), "position": position}


def _upsert_post(c: sqlite3.Connection, post: Post, stamp: str) -> tuple[int, bool]:
    from studykit.cards import post_key  # here: cards imports spaCy, which most commands skip

    key = post_key(post)
    row = c.execute("SELECT id FROM posts WHERE key = ?", (key,)).fetchone()
    if row is None and post.url:
        # Same article under a new key (its series or title changed): the URL still says so.
        rows = c.execute("SELECT id FROM posts WHERE url = ?", (post.url,)).fetchall()
        row = rows[0] if len(rows) == 1 else None
    values = {"key": key, "title": post.title, "url": post.url, "series": post.series,
              "series_slug": slugify(post.series), "part": post.part,
              "published": post.published.isoformat() if post.published else None,
              "tags": json.dumps(post.tags, ensure_ascii=False), "content_hash": post.hash,
              "source": post.source, "stamp": stamp}
    if row is None:
        cur = c.execute(
            "INSERT INTO posts (key, title, url, series, series_slug, part, published, tags, "
            "content_hash, source, added_at, updated_at) VALUES (:key, :title, :url, :series, "
            ":series_slug, :part, :published, :tags, :content_hash, :source, :stamp, :stamp)",
            values)
        return cur.lastrowid, True  # type: ignore[return-value]
    c.execute("UPDATE posts SET key = :key, title = :title, url = :url, series = :series, "
              "series_slug = :series_slug, part = :part, published = :published, tags = :tags, "
              "content_hash = :content_hash, source = :source, updated_at = :stamp "
              "WHERE id = :id", {**values, "id": row[0]})
    return row[0], False


def _similarity(new: Card, old: dict[str, Any]) -> float:
    a, b = f"{new.front}\n{new.back}", f"{old['front']}\n{old['back']}"
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        score = 0.0
    else:
        score = matcher.ratio()
    # The same short answer with a reworded question is still the same card.
    answer = re.sub(r"\W+", " ", new.back.lower()).strip()
    same_answer = answer == re.sub(r"\W+", " ", old["back"].lower()).strip()
    if score < SIMILAR and len(answer) >= 3 and same_answer:
        front = difflib.SequenceMatcher(None, new.front, old["front"], autojunk=False).ratio()
        score = max(score, SIMILAR if front >= 0.5 else 0.0)
    return score


def _match_score(new: Card, old: dict[str, Any]) -> float:
    """How similar a produced card is to a stored one: to its text, or (for a card the user
    edited) to the generated text the edit replaced, whichever is closer."""
    score = _similarity(new, old)
    if old["generated"]:
        score = max(score, _similarity(new, json.loads(old["generated"])))
    return score


def _sync_post(c: sqlite3.Connection, post: Post, cards: list[Card], stamp: str) -> AddReport:
    report = AddReport()
    post_id, created = _upsert_post(c, post, stamp)
    if created:
        report.posts_new = 1
    else:
        report.posts_updated = 1
    cols = ("id", "card_id") + _TEXT_FIELDS + ("retired_at", "keep", "edited_at", "generated")
    old = {r[0]: dict(zip(cols, r, strict=True)) for r in c.execute(
        f"SELECT {', '.join(cols)} FROM cards WHERE post = ?", (post_id,))}
    ids = {o["card_id"]: rowid for rowid, o in old.items()}
    aliases = dict(c.execute("SELECT a.alias, a.card FROM card_aliases a JOIN cards x "
                             "ON x.id = a.card WHERE x.post = ?", (post_id,)).fetchall())
    matched: dict[int, tuple[Card, int]] = {}  # old row id -> (card, position)
    by_alias: list[tuple[Card, int]] = []
    seen: set[str] = set()
    # Exact ids first, so an alias can never take a row that its own id claims.
    for position, card in enumerate(cards):
        if card.id in seen:
            continue
        seen.add(card.id)
        rowid = ids.get(card.id)
        if rowid is None:  # known under another post (its key and URL both changed): adopt it
            row = c.execute("SELECT id FROM cards WHERE card_id = ?", (card.id,)).fetchone()
            rowid = row[0] if row else None
        if rowid is not None:
            matched[rowid] = (card, position)
        else:
            by_alias.append((card, position))
    unmatched: list[tuple[Card, int]] = []
    for card, position in by_alias:
        rowid = aliases.get(card.id)
        if rowid is None:
            row = c.execute("SELECT card FROM card_aliases WHERE alias = ?", (card.id,)).fetchone()
            rowid = row[0] if row else None
        if rowid is not None and rowid not in matched:
            matched[rowid] = (card, position)
        else:
            unmatched.append((card, position))
    # Edited cards: an unknown card close to a card of the post that was not produced.
    candidates = [o for rowid, o in old.items() if rowid not in matched]
    pairs = sorted(((s, i, o["id"]) for i, (card, _) in enumerate(unmatched) for o in candidates
                    if o["kind"] == card.kind and (s := _match_score(card, o)) >= SIMILAR),
                   reverse=True)
    taken_new: set[int] = set()
    for _, i, rowid in pairs:
        if i in taken_new or rowid in matched:
            continue
        taken_new.add(i)
        matched[rowid] = unmatched[i]
        c.execute("INSERT OR REPLACE INTO card_aliases (alias, card) VALUES (?, ?)",
                  (unmatched[i][0].id, rowid))
    for rowid, (card, position) in matched.items():
        before = old.get(rowid) or dict(zip(cols, c.execute(
            f"SELECT {', '.join(cols)} FROM cards WHERE id = ?", (rowid,)).fetchone(), strict=True))
        values = _card_values(card, position)
        edit = {"edited_at": None, "generated": None}
        if before["edited_at"] is not None and not _same_text(before, _generated_text(card)):
            # The user's text wins; the generated text is kept for `revert_edit`.
            values.update({f: before[f] for f in ("kind", "front", "back", "cloze")})
            edit = {"edited_at": before["edited_at"],
                    "generated": json.dumps(_generated_text(card), ensure_ascii=False)}
            report.edits_kept += 1
        changed = any(before[f] != values[f] for f in _TEXT_FIELDS)
        if before["retired_at"] is not None:
            report.restored += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
        c.execute("UPDATE cards SET post = :post, kind = :kind, front = :front, back = :back, "
                  "cloze = :cloze, series = :series, tags = :tags, deck = :deck, "
                  "source_sentence = :source_sentence, claim_kind = :claim_kind, score = :score, "
                  "position = :position, retired_at = NULL, edited_at = :edited_at, "
                  "generated = :generated, updated_at = :stamp WHERE id = :id",
                  {**values, **edit, "post": post_id, "stamp": stamp, "id": rowid})
    for i, (card, position) in enumerate(unmatched):
        if i in taken_new:
            continue
        values = _card_values(card, position)
        c.execute("DELETE FROM card_aliases WHERE alias = ?", (card.id,))  # its own card now
        cur = c.execute(
            "INSERT INTO cards (card_id, post, position, kind, front, back, cloze, series, tags, "
            "deck, source_sentence, claim_kind, score, added_at, updated_at) VALUES (:card_id, "
            ":post, :position, :kind, :front, :back, :cloze, :series, :tags, :deck, "
            ":source_sentence, :claim_kind, :score, :stamp, :stamp)",
            {**values, "card_id": card.id, "post": post_id, "stamp": stamp})
        c.execute("INSERT INTO card_state (card, updated_at) VALUES (?, ?)", (cur.lastrowid, stamp))
        report.new += 1
    gone = [rowid for rowid, o in old.items()
            if rowid not in matched and o["retired_at"] is None and not o["keep"]]
    c.executemany("UPDATE cards SET retired_at = ?, updated_at = ? WHERE id = ?",
                  [(stamp, stamp, rowid) for rowid in gone])
    report.retired = len(gone)
    return report
