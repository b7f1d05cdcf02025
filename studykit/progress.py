"""How long-running work (a build, an extraction) reports what it is doing.

The work calls a `Progress`; the CLI decides whether that draws bars, prints lines or says
nothing. `SilentProgress` is for `--quiet` and library use, `LineProgress` turns every report
into one line for a plain `Callable[[str], None]` (what `studykit.generate` takes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    """Where a build reports what it is doing (the CLI draws bars or prints lines)."""

    def log(self, message: str, important: bool = False) -> None:
        """One thing that happened; `important` ones (notes) are worth showing beside a bar."""

    def start(self, label: str, total: int) -> None:
        """A counted phase begins: `total` items."""

    def advance(self, message: str, steps: int = 1) -> None:
        """`steps` items of the current phase are done."""


class SilentProgress:
    """Progress that reports nothing (`--quiet`, library use)."""

    def __enter__(self) -> SilentProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def log(self, message: str, important: bool = False) -> None:
        pass

    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, message: str, steps: int = 1) -> None:
        pass


class LineProgress(SilentProgress):
    """Progress as one line per thing done, handed to `say` (phase starts are not told)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self._say = say

    def log(self, message: str, important: bool = False) -> None:
        self._say(message)

    def advance(self, message: str, steps: int = 1) -> None:
        self._say(message)
