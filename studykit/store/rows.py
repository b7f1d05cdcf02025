"""The rows that syncing and editing cards read and write (posts, cards, their aliases),
inside the caller's transaction: the card-identity policy (`sync.py`, `edits.py`) speaks
through this API and holds no SQL of its own."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, fields
from typing import Any

from studykit.models import Card, Post, post_key
from studykit.series import slugify
from studykit.schedule import CardState

# What a card says and where it is filed: a change to any of them is an update of the card.
TEXT_FIELDS = ("kind", "front", "back", "cloze", "series", "tags", "deck")


@dataclass(frozen=True)
class CardText:
    """What a card says; `generated` keeps one of these as JSON beside a user's edit."""

    kind: str
    front: str
    back: str
    cloze: str | None

    @classmethod
    def of(cls, card: Card) -> CardText:
        return cls(card.kind, card.front, card.back, card.cloze)

    @classmethod
    def from_json(cls, text: str) -> CardText:
        data = json.loads(text)
        return cls(data["kind"], data["front"], data["back"], data["cloze"])

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    def says_same_as(self, other: CardText) -> bool:
        """Whether `other` says the same as this text of a card of kind `self.kind` (ends
        stripped; a cloze card by its cloze sentence, from which the review UI makes front
        and back)."""
        if self.kind == "cloze" and self.cloze and other.cloze:
            return self.cloze.strip() == other.cloze.strip()
        return (self.front.strip() == other.front.strip()
                and self.back.strip() == other.back.strip())


@dataclass(frozen=True)
class CardRow:
    """A stored card as syncing sees it (tags as their JSON text)."""

    id: int
    card_id: str
    kind: str
    front: str
    back: str
    cloze: str | None
    series: str
    tags: str
    deck: str
    retired_at: str | None
    keep: int
    edited_at: str | None  # when the user edited its text; None: the generated text
    generated: str | None  # CardText JSON: the generated text an edit replaces

    @property
    def text(self) -> CardText:
        return CardText(self.kind, self.front, self.back, self.cloze)

    def generated_text(self) -> CardText | None:
        return CardText.from_json(self.generated) if self.generated else None


_CARD_COLUMNS = ", ".join(f.name for f in fields(CardRow))


def card_values(card: Card, position: int) -> dict[str, Any]:
    """The columns of a card row that the produced `card` sets."""
    return {"kind": card.kind, "front": card.front, "back": card.back, "cloze": card.cloze,
            "series": card.series, "tags": json.dumps(card.tags, ensure_ascii=False),
            "deck": card.deck, "source_sentence": card.source_sentence,
            "claim_kind": card.claim_kind, "score": float(card.score), "position": position}


class Rows:
    """Posts, cards and aliases on one connection, inside its open transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._c = connection

    # ---- posts ----

    def upsert_post(self, post: Post, stamp: str) -> tuple[int, bool]:
        """(row id, whether it is new) of `post`, found by its key, or else by its URL (the
        same article under a new key: its series or title changed)."""
        key = post_key(post)
        row = self._c.execute("SELECT id FROM posts WHERE key = ?", (key,)).fetchone()
        if row is None and post.url:
            rows = self._c.execute("SELECT id FROM posts WHERE url = ?", (post.url,)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        values = {"key": key, "title": post.title, "url": post.url, "series": post.series,
                  "series_slug": slugify(post.series), "part": post.part,
                  "published": post.published.isoformat() if post.published else None,
                  "tags": json.dumps(post.tags, ensure_ascii=False), "content_hash": post.hash,
                  "source": post.source, "stamp": stamp}
        if row is None:
            cur = self._c.execute(
                "INSERT INTO posts (key, title, url, series, series_slug, part, published, tags, "
                "content_hash, source, added_at, updated_at) VALUES (:key, :title, :url, :series, "
                ":series_slug, :part, :published, :tags, :content_hash, :source, :stamp, :stamp)",
                values)
            return _row_id(cur), True
        self._c.execute(
            "UPDATE posts SET key = :key, title = :title, url = :url, series = :series, "
            "series_slug = :series_slug, part = :part, published = :published, tags = :tags, "
            "content_hash = :content_hash, source = :source, updated_at = :stamp "
            "WHERE id = :id", {**values, "id": row[0]})
        return int(row[0]), False

    # ---- cards and aliases: reading ----

    def cards_of_post(self, post_id: int) -> dict[int, CardRow]:
        rows = self._c.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE post = ?", (post_id,))
        return {r[0]: CardRow(*r) for r in rows}

    def card_row(self, rowid: int) -> CardRow | None:
        row = self._c.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE id = ?",
                              (rowid,)).fetchone()
        return None if row is None else CardRow(*row)

    def aliases_of_post(self, post_id: int) -> dict[str, int]:
        """Alias -> card row id, for the cards of a post."""
        return dict(self._c.execute("SELECT a.alias, a.card FROM card_aliases a JOIN cards x "
                                    "ON x.id = a.card WHERE x.post = ?", (post_id,)).fetchall())

    def card_named(self, card_id: str) -> int | None:
        """The row id of the card whose id is `card_id`, whatever its post."""
        row = self._c.execute("SELECT id FROM cards WHERE card_id = ?", (card_id,)).fetchone()
        return int(row[0]) if row else None

    def card_aliased(self, alias: str) -> int | None:
        """The row id of the card that `alias` names, whatever its post."""
        row = self._c.execute("SELECT card FROM card_aliases WHERE alias = ?", (alias,)).fetchone()
        return int(row[0]) if row else None

    # ---- cards and aliases: writing ----

    def set_alias(self, alias: str, rowid: int) -> None:
        self._c.execute("INSERT OR REPLACE INTO card_aliases (alias, card) VALUES (?, ?)",
                        (alias, rowid))

    def drop_alias(self, alias: str) -> None:
        self._c.execute("DELETE FROM card_aliases WHERE alias = ?", (alias,))

    def refresh_card(self, rowid: int, values: dict[str, Any], edit: dict[str, str | None],
                     post_id: int, stamp: str) -> None:
        """Give an active (or restored) card the `card_values` and edit columns it now has."""
        self._c.execute(
            "UPDATE cards SET post = :post, kind = :kind, front = :front, back = :back, "
            "cloze = :cloze, series = :series, tags = :tags, deck = :deck, "
            "source_sentence = :source_sentence, claim_kind = :claim_kind, score = :score, "
            "position = :position, retired_at = NULL, edited_at = :edited_at, "
            "generated = :generated, updated_at = :stamp WHERE id = :id",
            {**values, **edit, "post": post_id, "stamp": stamp, "id": rowid})

    def insert_card(self, card_id: str, values: dict[str, Any], post_id: int,
                    stamp: str) -> int:
        """A new card with the `card_values` given, and its state: new."""
        cur = self._c.execute(
            "INSERT INTO cards (card_id, post, position, kind, front, back, cloze, series, tags, "
            "deck, source_sentence, claim_kind, score, added_at, updated_at) VALUES (:card_id, "
            ":post, :position, :kind, :front, :back, :cloze, :series, :tags, :deck, "
            ":source_sentence, :claim_kind, :score, :stamp, :stamp)",
            {**values, "card_id": card_id, "post": post_id, "stamp": stamp})
        rowid = _row_id(cur)
        self._c.execute("INSERT INTO card_state (card, state, updated_at) VALUES (?, ?, ?)",
                        (rowid, CardState.NEW, stamp))
        return rowid

    def retire(self, rowids: list[int], stamp: str) -> None:
        self._c.executemany("UPDATE cards SET retired_at = ?, updated_at = ? WHERE id = ?",
                            [(stamp, stamp, rowid) for rowid in rowids])

    def restore(self, rowid: int, stamp: str) -> bool:
        """Bring a retired card back and keep it even when no longer produced; returns
        whether anything changed."""
        cur = self._c.execute("UPDATE cards SET retired_at = NULL, keep = 1, updated_at = ? "
                              "WHERE id = ? AND (retired_at IS NOT NULL OR keep = 0)",
                              (stamp, rowid))
        return cur.rowcount > 0

    def set_text(self, rowid: int, text: CardText, edited_at: str | None,
                 generated: CardText | None, stamp: str) -> None:
        """Make a card say `text`; `edited_at` and `generated` record whether it is an edit."""
        self._c.execute("UPDATE cards SET kind = ?, front = ?, back = ?, cloze = ?, "
                        "edited_at = ?, generated = ?, updated_at = ? WHERE id = ?",
                        (text.kind, text.front, text.back, text.cloze, edited_at,
                         generated.to_json() if generated else None, stamp, rowid))


def _row_id(cursor: sqlite3.Cursor) -> int:
    assert cursor.lastrowid is not None  # after an INSERT
    return cursor.lastrowid
