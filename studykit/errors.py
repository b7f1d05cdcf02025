"""Errors studykit raises on purpose. Every message names the input and says what to do.

The CLI catches `StudykitError` and prints its message as one line, never a traceback.
"""

from __future__ import annotations


class StudykitError(Exception):
    """Base class: a problem the user can act on."""


class SourceError(StudykitError):
    """A source (file, folder, feed or URL) could not be read or understood."""

    def __init__(self, source: str, reason: str, hint: str = "") -> None:
        self.source = source
        self.reason = reason
        self.hint = hint
        message = f"{source}: {reason}"
        if hint:
            message += f" ({hint})"
        # Reasons quote pages, feeds and servers (titles, headers): keep escapes off the terminal.
        super().__init__(_printable(message))


def _printable(text: str) -> str:
    from studykit.sanitize import strip_controls

    return strip_controls(text).replace("\n", " ").replace("\t", " ")


class FetchError(SourceError):
    """An HTTP fetch failed: refused scheme, timeout, bad status, too large, ..."""


class ModelLoadWarning(UserWarning):
    """The configured spaCy model is missing; a blank English pipeline is used."""
