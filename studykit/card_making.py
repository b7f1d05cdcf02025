"""What every card is made of: its post's key and topic, a stable id, tags, and the rules
all kinds of card share (a front's size, a term's case).

A card's id hashes its post's key, its kind and its own key text (the claim's sentence, a
formula's LaTeX), never the run: the same post gives the same ids on every run, from a
feed or a file. Nothing here loads spaCy: the store and card options need ids cheaply.
"""

from __future__ import annotations

import hashlib
import re

from studykit import series as series_mod
from studykit.models import Card, CardKind, Post, post_key
from studykit.sanitize import strip_controls

MAX_FRONT_CHARS = 380  # a longer card is a wall of text nobody reviews
SUBTERM_KEY = "subterm|"  # a formula cloze's id is its formula's, told apart by this prefix


def short_title(post: Post) -> str:
    """'GRU — Lightweight Gates and ...' -> 'GRU': the post's topic for card context."""
    _, _, title = series_mod.split_title(post.title)
    return re.split(r"\s+[—–]\s+|\s+--\s+|:\s+", title)[0].strip() or title


def card_id(key: str, kind: str, content: str) -> str:
    norm = " ".join(content.lower().split())
    return hashlib.sha1(f"{key}|{kind}|{norm}".encode()).hexdigest()[:16]


def new_card(post: Post, kind: CardKind, key: str, front: str, back: str, *, cloze: str | None = None,
             source_sentence: str = "", claim_kind: str = "", score: float = 0.0) -> Card:
    """A card of `post`, its id from `key`, its text cleaned of control characters."""
    # a control character from the page would reach the JSON, the store and the terminal
    pkey = post_key(post)
    slug = pkey.split("/", 1)[1]
    return Card(
        id=card_id(pkey, kind, key), kind=kind, front=strip_controls(front), back=strip_controls(back),
        cloze=strip_controls(cloze) if cloze else cloze, series=post.series,
        post_title=post.title, post_url=post.url, deck=post.series,
        tags=[f"series::{series_mod.slugify(post.series)}", f"post::{slug}", f"kind::{kind}"],
        source_sentence=strip_controls(source_sentence), claim_kind=claim_kind, score=score,
    )


def lower_first(text: str) -> str:
    """'Temperature' -> 'temperature'; names and acronyms ('AdamW', 'Boris Polyak') stay."""
    words = text.split() or [""]  # a blank text stays as it is
    proper = any(ch.isupper() or ch.isdigit() for ch in words[0][1:])
    name = len(words) > 1 and all(w[:1].isupper() for w in words)
    return text if proper or name else text[:1].lower() + text[1:]
