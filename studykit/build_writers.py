"""Writing a spec's outputs: the study store, the Anki package and the JSONL file.

A file output whose content would not change is not rewritten (its digest is kept in the
build cache). Each writer reports what it did in the spec's report and returns False when
it failed (the failure is in the report; the other outputs are still written).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from studykit.build_report import Failure, SpecReport, shown_path
from studykit.build_versions import anki_code_version
from studykit.cache import BuildCache
from studykit.deckspec import DeckSpec
from studykit.errors import StudykitError
from studykit.models import Card, Post
from studykit.outputs import OutputError, atomic_write
from studykit.progress import Progress

if TYPE_CHECKING:
    from studykit.store import Store


def to_store(store: Store, posts: list[Post], cards: list[Card], updated: dict[str, float],
             report: SpecReport, progress: Progress) -> bool:
    """Add the posts and cards to the study store; `updated` (Anki mod times) becomes when
    the store saw each card's text change."""
    try:
        added = store.add(posts, cards, progress=progress.log)
        for stored in store.cards():
            if stored.id in updated:
                updated[stored.id] = (stored.updated_at or stored.added_at).timestamp()
    except StudykitError as exc:
        report.failed.append(Failure(str(store.path), str(exc)))
        return False
    report.outputs.append({"kind": "store", "path": str(store.path), "written": True, **added.to_dict()})
    progress.log(f"stored {len(cards)} card(s) in {store.path}")
    return True


def write_apkg(spec: DeckSpec, cards: list[Card], digests: dict[str, str], updated: dict[str, float],
               cache: BuildCache, report: SpecReport, progress: Progress) -> bool:
    path = spec.output_path(spec.outputs.anki or "")
    entry: dict[str, Any] = {"kind": "anki", "path": shown_path(path), "written": False,
                             "notes": len(updated)}
    if not cards:
        report.notes.append(f"{shown_path(path)}: no cards, so no Anki package written")
        report.outputs.append(entry)
        return True
    stamps = {c.id: updated[c.id] for c in cards}
    digest = _output_digest([spec.deck_root, anki_code_version(),
                             [(c.id, digests[c.id], stamps[c.id]) for c in cards]])
    try:
        if not cache.output_unchanged(path, digest):
            from studykit.anki import export_apkg

            path.parent.mkdir(parents=True, exist_ok=True)
            # The package time is the newest change: the same cards give the same bytes.
            summary = export_apkg(cards, path, deck_root=spec.deck_root, updated_at=stamps,
                                  timestamp=max(stamps.values()))
            cache.put_output(path, digest)
            entry.update(written=True, notes=summary.notes)
            progress.log(f"wrote {shown_path(path)}: {summary.notes} notes")
    except (StudykitError, OSError) as exc:
        report.failed.append(Failure(shown_path(path), f"cannot write the Anki package: {exc}"))
        return False
    report.outputs.append(entry)
    return True


def write_jsonl(spec: DeckSpec, cards: list[Card], digests: dict[str, str], cache: BuildCache,
                report: SpecReport, progress: Progress) -> bool:
    path = spec.output_path(spec.outputs.jsonl or "")
    digest = _output_digest(["jsonl", [(c.id, digests[c.id], c.score) for c in cards]])
    entry: dict[str, Any] = {"kind": "jsonl", "path": shown_path(path), "written": False,
                             "cards": len(cards)}
    try:
        if not cache.output_unchanged(path, digest):
            data = "".join(json.dumps(c.contract_dict(), ensure_ascii=False) + "\n" for c in cards).encode()
            if not (path.is_file() and path.read_bytes() == data):
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, data)
                entry["written"] = True
                progress.log(f"wrote {shown_path(path)}: {len(cards)} cards")
            cache.put_output(path, digest)
    except (OutputError, OSError) as exc:
        report.failed.append(Failure(shown_path(path), f"cannot write: {getattr(exc, 'strerror', None) or exc}"))
        return False
    report.outputs.append(entry)
    return True


def _output_digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()
