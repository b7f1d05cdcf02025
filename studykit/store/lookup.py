"""Finding cards: by id, alias or id prefix, and listing them through a CardFilter, as
`StoredCard` records (text, post, state)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from studykit.schedule import STATE_NAMES
from studykit.store.db import read_instant, read_set_instant
from studykit.store.errors import CardNotFound
from studykit.store.records import CardFilter, StoredCard

_CARD_SELECT = """
    SELECT c.id, c.card_id, c.kind, c.front, c.back, c.cloze, c.series, p.title, p.url, p.key,
           c.tags, c.deck, c.source_sentence, s.state, s.due, s.fsrs, s.suspended,
           s.buried_until, c.retired_at, c.added_at, c.updated_at, c.edited_at
    FROM cards c JOIN card_state s ON s.card = c.id JOIN posts p ON p.id = c.post
"""


def _stored(row: sqlite3.Row | tuple[Any, ...]) -> StoredCard:
    return StoredCard(
        rowid=row[0], id=row[1], kind=row[2], front=row[3], back=row[4], cloze=row[5],
        series=row[6], post_title=row[7], post_url=row[8], post_key=row[9],
        tags=json.loads(row[10]), deck=row[11], source_sentence=row[12],
        state=STATE_NAMES[row[13]], due=read_instant(row[14]),
        fsrs=json.loads(row[15]) if row[15] else None, suspended=bool(row[16]),
        buried_until=read_instant(row[17]), retired_at=read_instant(row[18]), added_at=read_set_instant(row[19]),
        updated_at=read_instant(row[20]), edited_at=read_instant(row[21]),
    )


def resolve(c: sqlite3.Connection, ref: str, path: Path) -> int:
    """The row id of the card named by its id, an alias, or a unique id prefix (4+ chars)."""
    ref = ref.strip().lower()
    row = c.execute("SELECT id FROM cards WHERE card_id = ?", (ref,)).fetchone() or \
        c.execute("SELECT card FROM card_aliases WHERE alias = ?", (ref,)).fetchone()
    if row:
        return int(row[0])
    if len(ref) >= 4 and re.fullmatch(r"[0-9a-f]+", ref):
        rows = c.execute("SELECT id, card_id FROM cards WHERE card_id >= ? AND card_id < ? "
                         "LIMIT 6", (ref, ref + "g")).fetchall()
        if len(rows) == 1:
            return int(rows[0][0])
        if rows:
            raise CardNotFound(f"card id {ref!r} is ambiguous: "
                               f"{', '.join(r[1] for r in rows[:5])}; give more of it")
    raise CardNotFound(f"no card {ref!r} in {path} "
                       "(`studykit cards --search TEXT` lists card ids)")


def card(c: sqlite3.Connection, rowid: int, path: Path) -> StoredCard:
    row = c.execute(_CARD_SELECT + " WHERE c.id = ?", (rowid,)).fetchone()
    if row is None:
        raise CardNotFound(f"no card with row id {rowid} in {path}")
    return _stored(row)


def cards(c: sqlite3.Connection, where: CardFilter | None, include_retired: bool,
          limit: int | None) -> list[StoredCard]:
    """Cards in the order they were added (series, part, reading order)."""
    cond, args = (where or CardFilter()).sql()
    if not include_retired:
        cond += " AND c.retired_at IS NULL"
    sql = _CARD_SELECT + f" WHERE 1 {cond} ORDER BY c.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_stored(r) for r in c.execute(sql, args)]
