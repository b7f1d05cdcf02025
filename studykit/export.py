"""Export cards from the study store to Anki (.apkg) or Anki's text import format (TSV).

Each note's modification time is the time its card's text last changed in the store, so
re-exporting updates exactly the notes whose text changed and Anki keeps their history.
"""

from __future__ import annotations

from pathlib import Path

from studykit.anki import ExportSummary, export_apkg, export_tsv
from studykit.errors import StudykitError
from studykit.store import CardFilter, Store

FORMATS = ("apkg", "tsv")


def format_for(path: Path, fmt: str | None) -> str:
    """The format asked for, else the one the file name suggests (.tsv/.txt: tsv)."""
    if fmt:
        return fmt
    return "tsv" if path.suffix.lower() in (".tsv", ".txt") else "apkg"


def export_store(store: Store, path: Path, *, where: CardFilter | None = None,
                 fmt: str | None = None, deck_root: str = "Studykit",
                 post_level: bool = False) -> ExportSummary:
    """Write every card of the store that `where` selects (retired cards stay out)."""
    stored = store.cards(where)
    if not stored:
        raise StudykitError("no cards to export (add some with `studykit add SOURCE`, "
                            "or check the --series/--post/--tag filter)")
    cards = [s.to_card() for s in stored]
    if format_for(path, fmt) == "tsv":
        return export_tsv(cards, path, deck_root=deck_root, post_level=post_level)
    updated = {s.id: s.updated_at or s.added_at for s in stored}
    return export_apkg(cards, path, deck_root=deck_root, post_level=post_level, updated_at=updated)
