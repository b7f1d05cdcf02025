"""Planning a spec's deck: for each post, what its cards can be had from.

A post's card selection is cached under a chain key (`chain_key`) that covers its text, the
options, the code and every earlier post of its series: when nothing upstream changed its
cards are reused as they are; else its cached claims and formulas are (no spaCy); else it
needs extracting.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from studykit.build_report import SpecReport
from studykit.cache import BuildCache
from studykit.cards import CardOptions
from studykit.deckspec import DeckSpec
from studykit.models import Post


@dataclass
class Entry:
    """A post of a spec's deck and how its cards will be had."""

    post: Post
    key: str                                          # chain key of its card selection
    selection: tuple[list[dict[str, Any]], bytes] | None = None  # cached (card dicts, packed memory)
    extraction: dict[str, Any] | None = None          # cached claims and formulas


@dataclass
class Plan:
    """One spec as the build goes: its posts in reading order and how each gets its cards."""

    spec: DeckSpec
    report: SpecReport
    posts: list[Post]
    entries: list[Entry] = field(default_factory=list)


def plan_entries(plan: Plan, cache: BuildCache, version: str, use_cache: bool) -> dict[str, Post]:
    """Fill `plan.entries`; return the posts that need spaCy, by content hash."""
    options = options_key(plan.spec.filters.card_options())
    chains: dict[str, str] = {}
    need: dict[str, Post] = {}
    for post in plan.posts:
        key = chain_key(chains.get(post.series, ""), version, post, options)
        chains[post.series] = key
        entry = Entry(post, key)
        if use_cache:
            entry.selection = cache.selection(key)
            if entry.selection is None:
                entry.extraction = cache.extraction(post.hash, version)
        if entry.selection is None and entry.extraction is None:
            need[post.hash] = post
        plan.entries.append(entry)
    return need


def chain_key(previous: str, version: str, post: Post, options: str) -> str:
    """What a post's cards depend on: its text and metadata, the options, the code, and
    (through `previous`, the key of the post before it in its series) every earlier post."""
    meta = post.model_dump(mode="json", exclude={"body", "notes", "source"})
    blob = json.dumps([previous, version, post.hash, meta, options], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def options_key(options: CardOptions) -> str:
    data = asdict(options)
    data["kinds"] = sorted(options.kinds)
    return json.dumps(data, sort_keys=True)
