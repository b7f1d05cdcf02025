"""Where studykit keeps its files: the data directory and the study database.

`data_dir()` is platformdirs' per-user data directory ("studykit"), or `STUDYKIT_HOME`
when set (a folder: one naming a file is refused). The study database is
`<data dir>/studykit.db` unless `--db PATH` or `STUDYKIT_DB` names another file. Nothing
here creates files; the store does that. `kind_of` names what a path that is no regular
file is, for the messages of sources and outputs alike.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

from studykit.errors import StudykitError

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a folder"))


def kind_of(mode: int) -> str:
    """What a file of this `st_mode` is, for a message: "a FIFO (named pipe)", "a folder"..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")

APP_NAME = "studykit"
DB_NAME = "studykit.db"


def data_dir() -> Path:
    """The directory for studykit's own files (`STUDYKIT_HOME` overrides platformdirs)."""
    home = os.environ.get("STUDYKIT_HOME", "").strip()
    if home:
        path = Path(home).expanduser()
        if path.exists() and not path.is_dir():
            raise StudykitError(f"STUDYKIT_HOME={home} is a file, not a folder: point it at a "
                                "folder for studykit's files, or unset it")
        return path
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The study database: `override` (e.g. `--db`), else `STUDYKIT_DB`, else the data dir."""
    if override is not None and str(override).strip():
        return Path(override).expanduser()
    env = os.environ.get("STUDYKIT_DB", "").strip()
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_NAME
