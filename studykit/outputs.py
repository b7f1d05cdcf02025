"""The one way studykit writes a file the user asked for (`-o`, `--anki`, a spec's outputs).

Outputs are only ever regular files: a target that exists must be a regular file (a device,
FIFO, socket or folder is refused, never replaced), and its folder must exist. A file is
written to a temporary file beside it, synced, then renamed over it: a crash leaves the old
file or the new one, never half of one. `check_outputs` refuses, up front, a set of outputs
that would overwrite one another or the inputs of the same run (a spec, a source post).
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from studykit.errors import StudykitError
from studykit.paths import kind_of


class OutputError(StudykitError):
    """An output path studykit will not write."""


def check_target(path: str | os.PathLike[str]) -> Path:
    """`path` as a file studykit may write: absent, or a regular file, in an existing folder."""
    target = Path(path).expanduser()
    try:
        mode = target.stat().st_mode  # follows a symlink: what would really be replaced
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{target}: cannot be checked ({exc.strerror or exc})") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = kind_of(mode)
        hint = (f"give a file name such as {target / 'cards.apkg'}" if stat.S_ISDIR(mode)
                else "studykit writes only regular files; choose a file path")
        raise OutputError(f"{target}: is {kind}, not a file; {hint}")
    if not target.parent.is_dir():
        raise OutputError(f"{target}: the folder {target.parent} does not exist; create it or "
                          "choose another output path")
    return target


def check_targets(outputs: Iterable[tuple[str, Path]], inputs: Iterable[tuple[str, Path]]) -> None:
    """Refuse outputs (role, path) that name the same file, or one of the run's inputs."""
    taken: dict[Path, str] = {_same(path): role for role, path in inputs}
    for role, path in outputs:
        key = _same(path)
        if key in taken:
            raise OutputError(f"{path}: {role} would overwrite {taken[key]}; "
                              "give the output a file name of its own")
        taken[key] = role


def check_outputs(outputs: list[tuple[str, Path]], inputs: Iterable[tuple[str, Path]], *,
                  makes_folders: bool = False) -> None:
    """Refuse, before the slow part of a run, outputs (role, path) that would overwrite one
    another or an input (`check_targets`), or that are not regular files in an existing
    folder (`check_target`). `makes_folders`: the run creates missing folders, so only the
    targets that exist already are checked (a device or FIFO is still refused)."""
    check_targets(outputs, inputs)
    for _, path in outputs:
        if not makes_folders or path.exists():
            check_target(path)


def _same(path: Path) -> Path:
    return Path(os.path.realpath(path.expanduser()))


def atomic_write(target: Path, write: Callable[[IO[bytes]], object] | bytes) -> None:
    """Write `target` (checked with `check_target`) through a temporary file beside it."""
    target = check_target(target)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode follows the umask
        with os.fdopen(fd, "wb") as f:
            if isinstance(write, bytes):
                f.write(write)
            else:
                write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot write ({e.strerror or e}); check the folder's "
                          "permissions and free space") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
