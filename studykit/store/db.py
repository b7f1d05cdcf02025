"""The database layer: one open SQLite file, its connection settings, its transactions.

Opening checks the file (an SQLite file of studykit, not of a newer one), switches it to
WAL and runs the migrations it lacks (`schema.py`), copying it to `<db>.bak-<version>`
first. Connection settings: busy timeout, foreign keys, synchronous=FULL. Writes run in
`BEGIN IMMEDIATE` transactions, so two processes can write at once: one waits for the
other (up to the busy timeout) and nothing is lost. The first write of an open file runs
`verify()` (SQLite's quick_check) first: writing over damaged pages spreads the damage.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import Self

from studykit.schedule import utc
from studykit.store import schema
from studykit.store.errors import (StoreDamaged, StoreError, StoreReadOnly,
                                   damaged_message, database_error, disk_full,
                                   guard_public_methods, read_only_message, read_only_place)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
_READ_ONLY_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)


def instant_text(value: datetime) -> str:
    """The one text form of an instant in the database: sortable UTC ISO 8601."""
    return utc(value).isoformat(timespec="microseconds")


def read_instant(text: str | None) -> datetime | None:
    """The instant `instant_text` wrote (None stays None)."""
    return None if text is None else datetime.fromisoformat(text).astimezone(timezone.utc)


def read_set_instant(text: str) -> datetime:
    """The instant of a NOT NULL column."""
    value = read_instant(text)
    assert value is not None
    return value


def _folder_error(folder: Path, exc: OSError) -> StoreError:
    """Why the folder of the database cannot be made."""
    if exc.errno in _READ_ONLY_ERRNOS:
        place = read_only_place(folder) or folder
        what = "it" if place == folder else f"the folder {folder} in it"
        return StoreReadOnly(read_only_message(place, what, exc.strerror or str(exc)))
    if exc.errno == errno.ENOSPC:
        return disk_full(folder, exc.strerror or str(exc))
    return StoreError(f"{folder}: cannot create folder: {exc.strerror}")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()),
                       folder)
        raise StoreError(f"{blocker} is a file, not a folder: the study database cannot go in "
                         f"{folder} (pass --db FILE, or point STUDYKIT_HOME at a folder)") from None
    except OSError as exc:
        raise _folder_error(folder, exc) from None


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


@guard_public_methods
class Database:
    """One open study database file. Use as a context manager, or call `close()`.

    Every public method turns SQLite errors into StoreError (`StoreDamaged` for a damaged
    file, `StoreReadOnly`, `DiskFull`).
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
            error = database_error(self.path, exc) if isinstance(exc, sqlite3.DatabaseError) \
                else None
            if error is None or type(error) is StoreError:
                error = StoreError(f"{self.path}: cannot open: {exc}")
            raise error from None
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
            error = database_error(self.path, exc)
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

    def __enter__(self) -> Self:
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
            raise StoreDamaged(damaged_message(self.path, self._checked))

    def _quick_check(self) -> str:
        """'ok', or SQLite's first complaint about the file. On a connection of its own, so
        that the store's own queries go on meanwhile (and `close` can interrupt it)."""
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        self._checking = conn
        try:
            rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        except sqlite3.DatabaseError as exc:
            error = database_error(self.path, exc)
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
                raise database_error(self.path, exc) from None
            try:
                yield self._conn
            except BaseException:
                self._roll_back()
                raise
            else:
                try:
                    self._conn.execute("COMMIT")
                except sqlite3.Error:
                    self._roll_back()
                    raise

    def _roll_back(self) -> None:
        """End a failed transaction. SQLite may have rolled it back itself (a full disk)."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

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
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_version(self) -> None:
        """Refuse, without writing anything, a newer schema or another program's database."""
        version = self.version
        latest = schema.latest_version()
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
        if version == schema.latest_version():
            return
        if version > 0:
            self.verify()  # a damaged file would be copied damaged, then written into
            self.backup(Path(f"{self.path}.bak-{version}"))
        with self._write() as c:
            current = c.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            for number, statements in schema.MIGRATIONS:
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
