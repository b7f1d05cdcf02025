"""Card identity: which stored card a produced card is, when a post is added again.

A produced card is the stored card with its id, or else the one it is an alias of; an
unknown card that is a close edit (text similarity, `SIMILAR`) of a card of the same post
that was not produced this time takes over that card, its id becoming an alias; the rest
are new. Cards of the post no longer produced are retired (kept with their history, hidden
from review) unless the user restored them for good (`keep`). A card whose text the user
edited keeps the user's text: the new generated text is only remembered beside it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from studykit.models import Card, Post
from studykit.reading_order import sort_key
from studykit.store.records import AddReport
from studykit.store.rows import TEXT_FIELDS, CardRow, CardText, Rows, card_values

# A card whose text changed is the same card when front+back are this similar (difflib).
SIMILAR = 0.75

PostRef = tuple[str, str, str]  # (series, title, url): how a card names its post


def cards_by_post(posts: Sequence[Post], cards: Sequence[Card]) -> list[tuple[Post, list[Card]]]:
    """Each post, in reading order, with its cards; a card of a post not passed is refused."""
    by_post: dict[PostRef, list[Card]] = {}
    for card in cards:
        by_post.setdefault((card.series, card.post_title, card.post_url), []).append(card)
    known = {(p.series, p.title, p.url) for p in posts}
    if stray := [k for k in by_post if k not in known]:
        raise ValueError(f"cards of a post that was not passed: {stray[0][1]!r}")
    return [(post, by_post.get((post.series, post.title, post.url), []))
            for post in sorted(posts, key=sort_key)]


@dataclass
class _Matching:
    """Which stored card (row id) each produced card of a post is; cards with positions."""

    matched: dict[int, tuple[Card, int]] = field(default_factory=dict)
    unmatched: list[tuple[Card, int]] = field(default_factory=list)
    took_over: set[int] = field(default_factory=set)  # indexes of `unmatched` now matched


def sync_post(rows: Rows, post: Post, cards: list[Card], stamp: str) -> AddReport:
    """Store `post` and its produced `cards` (inside the caller's transaction)."""
    report = AddReport()
    post_id, created = rows.upsert_post(post, stamp)
    if created:
        report.posts_new = 1
    else:
        report.posts_updated = 1
    old = rows.cards_of_post(post_id)
    matching = _match_ids(rows, cards, old)
    _match_aliases(rows, rows.aliases_of_post(post_id), matching)
    _match_edits(rows, old, matching)
    for rowid, (card, position) in matching.matched.items():
        _refresh(rows, old.get(rowid) or _row(rows, rowid), card, position, post_id, stamp,
                 report)
    for i, (card, position) in enumerate(matching.unmatched):
        if i not in matching.took_over:
            rows.drop_alias(card.id)  # its own card now
            rows.insert_card(card.id, card_values(card, position), post_id, stamp)
            report.new += 1
    gone = [rowid for rowid, o in old.items()
            if rowid not in matching.matched and o.retired_at is None and not o.keep]
    rows.retire(gone, stamp)
    report.retired = len(gone)
    return report


def _match_ids(rows: Rows, cards: list[Card], old: dict[int, CardRow]) -> _Matching:
    """Cards whose id is a stored card's, of this post or (its key and URL both changed)
    another one; the others are left in `unmatched`, to be tried by alias. Exact ids go
    first, so that an alias can never take a row that its own id claims."""
    ids = {o.card_id: rowid for rowid, o in old.items()}
    matching = _Matching()
    seen: set[str] = set()
    for position, card in enumerate(cards):
        if card.id in seen:
            continue
        seen.add(card.id)
        rowid = ids.get(card.id)
        if rowid is None:
            rowid = rows.card_named(card.id)
        if rowid is not None:
            matching.matched[rowid] = (card, position)
        else:
            matching.unmatched.append((card, position))
    return matching


def _match_aliases(rows: Rows, aliases: dict[str, int], matching: _Matching) -> None:
    """Unmatched cards whose id is an alias of a stored card not matched yet."""
    unmatched: list[tuple[Card, int]] = []
    for card, position in matching.unmatched:
        rowid = aliases.get(card.id)
        if rowid is None:
            rowid = rows.card_aliased(card.id)
        if rowid is not None and rowid not in matching.matched:
            matching.matched[rowid] = (card, position)
        else:
            unmatched.append((card, position))
    matching.unmatched = unmatched


def _match_edits(rows: Rows, old: dict[int, CardRow], matching: _Matching) -> None:
    """Edited cards: an unknown card close to a card of the post that was not produced
    takes it over, the closest pairs first; its id becomes an alias of that card."""
    candidates = [o for rowid, o in old.items() if rowid not in matching.matched]
    pairs = sorted(((s, i, o.id) for i, (card, _) in enumerate(matching.unmatched)
                    for o in candidates
                    if o.kind == card.kind and (s := match_score(card, o)) >= SIMILAR),
                   reverse=True)
    for _, i, rowid in pairs:
        if i in matching.took_over or rowid in matching.matched:
            continue
        matching.took_over.add(i)
        matching.matched[rowid] = matching.unmatched[i]
        rows.set_alias(matching.unmatched[i][0].id, rowid)


def _row(rows: Rows, rowid: int) -> CardRow:
    row = rows.card_row(rowid)
    assert row is not None  # matched through its id or an alias, in this transaction
    return row


def _refresh(rows: Rows, before: CardRow, card: Card, position: int, post_id: int,
             stamp: str, report: AddReport) -> None:
    """Give a matched stored card the produced card's text, unless the user edited it."""
    values = card_values(card, position)
    generated = CardText.of(card)
    edit: dict[str, str | None] = {"edited_at": None, "generated": None}
    if before.edited_at is not None and not before.text.says_same_as(generated):
        # The user's text wins; the generated text is kept for `revert_edit`.
        values.update(kind=before.kind, front=before.front, back=before.back,
                      cloze=before.cloze)
        edit = {"edited_at": before.edited_at, "generated": generated.to_json()}
        report.edits_kept += 1
    if before.retired_at is not None:
        report.restored += 1
    elif any(getattr(before, f) != values[f] for f in TEXT_FIELDS):
        report.updated += 1
    else:
        report.unchanged += 1
    rows.refresh_card(before.id, values, edit, post_id, stamp)


def similarity(new: Card, old: CardText) -> float:
    """How close two cards' front+back are (difflib's ratio, 0 below `SIMILAR`); the same
    short answer under a reworded question counts as `SIMILAR`."""
    a, b = f"{new.front}\n{new.back}", f"{old.front}\n{old.back}"
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        score = 0.0
    else:
        score = matcher.ratio()
    answer = re.sub(r"\W+", " ", new.back.lower()).strip()
    same_answer = answer == re.sub(r"\W+", " ", old.back.lower()).strip()
    if score < SIMILAR and len(answer) >= 3 and same_answer:
        front = difflib.SequenceMatcher(None, new.front, old.front, autojunk=False).ratio()
        score = max(score, SIMILAR if front >= 0.5 else 0.0)
    return score


def match_score(new: Card, old: CardRow) -> float:
    """How similar a produced card is to a stored one: to its text, or (for a card the user
    edited) to the generated text the edit replaced, whichever is closer."""
    score = similarity(new, old.text)
    if (generated := old.generated_text()) is not None:
        score = max(score, similarity(new, generated))
    return score
