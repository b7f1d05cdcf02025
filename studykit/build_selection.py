"""A spec's cards: each post's, in reading order, from the cache where nothing upstream
changed (`studykit.series_selection` makes the rest), and what changed since the last build."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import fields
from typing import Any, cast

from studykit.build_plan import Entry, Plan
from studykit.build_report import Failure, SpecReport
from studykit.cache import BuildCache, CardRecord
from studykit.cards import SeriesMemory
from studykit.errors import PostStep, SourceError, post_failed
from studykit.extraction_pool import ExtractionData, load_extraction
from studykit.models import Card, Post
from studykit.series_selection import Material, Reused, select_series_cards


def select_plan_cards(plan: Plan, fresh: dict[str, ExtractionData], cache: BuildCache,
                      failed: set[int]) -> list[Card]:
    """Every post's cards in reading order, from the cache where nothing upstream changed;
    the ids of posts that failed are added to `failed` (their cards are not made)."""
    entries = {id(e.post): e for e in plan.entries}

    def material(post: Post) -> Material:
        return _material(entries[id(post)], fresh, cache, plan.report)

    errors: list[SourceError] = []
    made: set[int] = set()
    cards: list[Card] = []
    for done in select_series_cards((e.post for e in plan.entries), material,
                                    plan.spec.filters.card_options(), errors):
        made.add(id(done.post))
        cards += done.cards
        if done.memory is None:
            continue  # reused: already in the cache
        snapshot = json.loads(json.dumps(memory_data(done.memory)))
        if memory_from_data(snapshot) == done.memory:  # else SeriesMemory grew a field we cannot keep
            cache.put_selection(entries[id(done.post)].key,
                                [c.model_dump(mode="json") for c in done.cards], snapshot)
    # The build reports a post's failure without the hint: its report says the rest went on.
    plan.report.failed += [Failure(error.source, error.reason) for error in errors]
    failed.update(id(e.post) for e in plan.entries if id(e.post) not in made)
    return cards


def _material(entry: Entry, fresh: dict[str, ExtractionData], cache: BuildCache,
              report: SpecReport) -> Material:
    """What `entry`'s cards are made from, counted in `report` as skipped or extracted."""
    if entry.selection is not None:
        card_dicts, memory_blob = entry.selection
        report.posts_skipped += 1
        return Reused([Card.model_validate(c) for c in card_dicts],
                      lambda: memory_from_data(cast(dict[str, Any], cache.unpack_memory(memory_blob))))
    if entry.extraction is not None:
        report.posts_skipped += 1
        return load_extraction(entry.post, entry.extraction)
    if entry.post.hash in fresh:
        report.posts_extracted += 1
        return load_extraction(entry.post, fresh[entry.post.hash])
    return post_failed(entry.post, PostStep.EXTRACT, "see the note above", hint="")


def memory_data(memory: SeriesMemory) -> dict[str, Any]:
    """A SeriesMemory as JSON-able data (sets become sorted lists)."""
    return {f.name: _plain(getattr(memory, f.name)) for f in fields(memory)}


def memory_from_data(data: dict[str, Any]) -> SeriesMemory:
    memory = SeriesMemory()
    for f in fields(memory):
        current = getattr(memory, f.name)
        value = data.get(f.name, current)
        if isinstance(current, set):
            value = set(value)
        elif isinstance(current, list) and value and isinstance(value[0], list):
            value = [set(v) for v in value]  # claims: a list of word sets
        setattr(memory, f.name, value)
    return memory


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def card_digest(card: Card) -> str:
    """Everything of a card but its score: a change here is a change Anki should pick up."""
    data = card.model_dump(exclude={"score"})
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:20]


def count_cards(cards: list[Card], before: dict[str, CardRecord], report: SpecReport
                ) -> dict[str, CardRecord]:
    """The record of each card (new, changed or as before), counted in `report.cards`."""
    now = time.time()
    records: dict[str, CardRecord] = {}
    counts = report.cards
    for card in cards:
        if card.id in records:
            continue
        digest = card_digest(card)
        previous = before.get(card.id)
        if previous is None:
            counts["new"] += 1
            records[card.id] = CardRecord(digest, now, now)
        elif previous.digest != digest:
            counts["changed"] += 1
            records[card.id] = CardRecord(digest, previous.first_seen, now)
        else:
            counts["unchanged"] += 1
            records[card.id] = previous
    counts["total"] = len(records)
    counts["retired"] = len(set(before) - set(records))
    return records
