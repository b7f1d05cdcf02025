"""A user's edit of a card's text, and putting the generated text back.

An edited card is marked (`edited_at`) and keeps the text it replaced (`generated`), so
that adding its post again keeps the user's text (see `sync.py`) and `revert_edit` can
put the generated text back. State and review history never change with the text.
"""

from __future__ import annotations

import re
from pathlib import Path

from studykit.store.errors import CardNotFound, StoreError
from studykit.store.rows import CardRow, CardText, Rows


def check_text(front: str, back: str) -> None:
    """Refuse, before any transaction, a text a card cannot have."""
    if not front.strip() or not back.strip():
        raise StoreError("a card needs both a front and a back")


def edit_text(rows: Rows, rowid: int, front: str, back: str, cloze: str | None,
              path: Path, stamp: str) -> None:
    """Make a card say `front`/`back` (and `cloze`, for a cloze card), marked as the user's
    text; the generated text it replaces is kept. The unchanged text changes nothing; the
    generated text again clears the mark."""
    row = _card(rows, rowid, path)
    if row.kind == "cloze" and not re.search(r"\{\{c\d+::", cloze or ""):
        raise StoreError("a cloze card's text needs a deletion like {{c1::answer}}")
    new = CardText(row.kind, front, back, cloze if row.kind == "cloze" else None)
    if row.text.says_same_as(new):
        return
    # The first edit replaces the generated text; later ones keep what the first replaced.
    original = row.text if row.edited_at is None else row.generated_text()
    if original is not None and original.kind == row.kind and original.says_same_as(new):
        rows.set_text(rowid, new, None, None, stamp)  # back to the generated text
    else:
        rows.set_text(rowid, new, stamp, original, stamp)


def revert_edit(rows: Rows, rowid: int, path: Path, stamp: str) -> bool:
    """Put back the generated text of a card the user edited; False when it is not edited.
    A card edited before the schema kept edits has no generated text until its post is
    added again."""
    row = _card(rows, rowid, path)
    if row.edited_at is None:
        return False
    original = row.generated_text()
    if original is None:
        raise StoreError(f"card {row.card_id}: its generated text is not known yet (it was "
                         "edited before studykit kept it); add its post again first")
    rows.set_text(rowid, original, None, None, stamp)
    return True


def _card(rows: Rows, rowid: int, path: Path) -> CardRow:
    row = rows.card_row(rowid)
    if row is None:
        raise CardNotFound(f"no card with row id {rowid} in {path}")
    return row
