"""What can go wrong with the study database, and how it is told: one line that names the
file, says what happened and what to do, never a traceback.

`database_error` maps an SQLite error to the StoreError that says so (damaged, busy,
read-only, disk full, a refused change); `guard_public_methods` applies it to every
public method of a class whose instances have a `path`.
"""

from __future__ import annotations

import functools
import glob
import inspect
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from studykit.errors import StudykitError

_Class = TypeVar("_Class", bound=type)
_Method = TypeVar("_Method", bound=Callable[..., Any])

# Less free space than this, and an I/O error of SQLite is the disk being full: SQLite says
# "disk is full" only when a write runs out of room, not when its -shm file cannot be made.
FULL = 1 << 20
_WHERE_ELSE = "set STUDYKIT_HOME to a folder you can write (or pass --db FILE)"


class StoreError(StudykitError):
    """The study database cannot be opened, read or written as asked."""


class CardNotFound(StoreError):
    """No card has the id (or alias, or prefix) the user gave."""


class StoreDamaged(StoreError):
    """SQLite finds the database file damaged; it is refused and left untouched."""


class StoreReadOnly(StoreError):
    """The database file, or its folder, cannot be written; nothing was changed."""


class DiskFull(StoreError):
    """The disk of the database is full; the change under way was rolled back."""


class ChangeRefused(StoreError, sqlite3.IntegrityError):
    """A write broke one of the schema's rules (a CHECK, a foreign key) and was rolled back.
    Still a sqlite3.IntegrityError, for callers of the library that catch that."""


def database_error(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    """The StoreError for an SQLite error on `path`: what went wrong and what to do."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StoreDamaged(damaged_message(path, str(exc)))
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreError(f"{path}: database is busy ({exc}); try again")
    if code == sqlite3.SQLITE_FULL or (code == sqlite3.SQLITE_IOERR and _space_left(path) < FULL):
        return disk_full(path, str(exc))
    place = read_only_place(path)
    if code == sqlite3.SQLITE_READONLY or (code == sqlite3.SQLITE_CANTOPEN and place):
        return read_only(place or path, path, str(exc))
    if isinstance(exc, sqlite3.IntegrityError):
        return ChangeRefused(f"{path}: the database refused the change ({exc}); nothing was "
                             f"written. If it happens again, check the file with "
                             f"`sqlite3 {path} 'PRAGMA integrity_check'`")
    return StoreError(f"{path}: cannot use the database ({exc})")


def read_only_place(path: Path) -> Path | None:
    """The database file, or else the folder it is in (where SQLite writes its -wal and
    -shm files), when it cannot be written; None when both can."""
    if path.exists() and not os.access(path, os.W_OK):
        return path
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    if folder is not None and not os.access(folder, os.W_OK):
        return folder
    return None


def _space_left(path: Path) -> int:
    """Bytes free for us on the disk of `path` (a lot, when that cannot be told)."""
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), path.parent)
    try:
        found = os.statvfs(folder)
    except OSError:
        return FULL
    return found.f_bavail * found.f_frsize


def read_only_message(place: Path, what: str, detail: str) -> str:
    """Say that `place` cannot be written, so `what` cannot be (nothing was changed)."""
    return (f"{place} is read-only: studykit cannot write {what} ({detail}); nothing was "
            f"changed. Check its permissions, or {_WHERE_ELSE}")


def read_only(place: Path, path: Path, detail: str) -> StoreReadOnly:
    """The database `path` cannot be written because `place` (it, or its folder) cannot."""
    what = "it" if place == path else f"{path.name} (or its -wal and -shm files) in it"
    return StoreReadOnly(read_only_message(place, what, detail))


def disk_full(path: Path, detail: str) -> DiskFull:
    return DiskFull(f"{path}: the disk is full ({detail}); the last change was not saved, "
                    "nothing else was lost: free some space and try again")


def damaged_message(path: Path, detail: str) -> str:
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


def _guarded(method: _Method) -> _Method:
    """`method` with SQLite errors turned into StoreError: a damaged or busy file is named in
    one line, never a traceback (generators too: they fail while iterated)."""
    if inspect.isgeneratorfunction(method):
        @functools.wraps(method)
        def generator(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(self, *args, **kwargs)
            except StoreError:
                raise  # from a guarded method it called (ChangeRefused is an sqlite3 error too)
            except sqlite3.DatabaseError as exc:
                raise database_error(self.path, exc) from None
        return cast(_Method, generator)

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise  # from a guarded method it called (ChangeRefused is an sqlite3 error too)
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from None
    return cast(_Method, call)


def guard_public_methods(cls: _Class) -> _Class:
    """Wrap every public method of `cls` in `_guarded`, methods added later included."""
    for name, value in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(value):
            setattr(cls, name, _guarded(value))
    return cls
