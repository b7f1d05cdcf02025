"""Errors studykit raises on purpose. Every message names the input and says what to do.

The CLI catches `StudykitError` and prints its message as one line, never a traceback.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studykit.models import Post

# What a run says of a post that failed while the others went on (see `post_failed`).
OTHER_POSTS_GO_ON = "the other posts go on"


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


class PostStep(Enum):
    """The steps of making a post's cards that can fail for one post alone."""

    EXTRACT = "could not be extracted"
    SELECT = "its cards could not be made"


def post_failed(post: Post, step: PostStep, why: str | BaseException,
                hint: str = OTHER_POSTS_GO_ON) -> SourceError:
    """The one way to say that `post` failed at `step` and was left out: "<source>: its cards
    could not be made (ValueError: ...) (the other posts go on)"."""
    if isinstance(why, BaseException):
        why = f"{type(why).__name__}: {why}"
    return SourceError(post.source or post.url, f"{step.value} ({why})", hint)


class FetchError(SourceError):
    """An HTTP fetch failed: refused scheme, timeout, bad status, too large, ..."""


class ModelLoadWarning(UserWarning):
    """The configured spaCy model is missing; a blank English pipeline is used."""
