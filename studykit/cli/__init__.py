"""The `studykit` command line: a thin layer over the library.

Output goes to stdout (or `-o FILE`); progress, notes and errors go to stderr, one line
each, so a script can pipe the cards and still see what happened.

`main` (the click group) and `run` (the console script `studykit.cli:run`) live in
`group`; importing the command modules below registers their commands on `main`.
"""

from __future__ import annotations

from studykit.cli import build_command, making, review_export, study  # noqa: F401 (they register)
from studykit.cli.group import main, run

__all__ = ["main", "run"]
