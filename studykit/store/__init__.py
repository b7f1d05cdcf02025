"""The study store: one SQLite file with posts, cards, card state and the review log.

Owns every SQLite call in studykit. Its parts: `db` (the file, connection, transactions,
migrations of `schema`), `errors` (what goes wrong, told in one line), `records` (what it
hands out, `CardState`), `sync` and `edits` (card identity and the user's edits, over the
row API of `rows`), `lookup`, `queue`, `grades`, `stats`, and `study_store.Store`, which
puts them together.
"""

from __future__ import annotations

from studykit.store.db import BUSY_TIMEOUT_MS, SQLITE_HEADER
from studykit.store.errors import (CardNotFound, ChangeRefused, DiskFull, StoreDamaged,
                                   StoreError, StoreReadOnly)
from studykit.store.records import (AddReport, CardFilter, CardState, DeckCount, Queue,
                                    QueueEntry, StoredCard)
from studykit.store.grades import LoggedGrade
from studykit.store.schema import MIGRATIONS, latest_version
from studykit.store.study_store import Store, open_store
from studykit.store.sync import SIMILAR

__all__ = [
    "BUSY_TIMEOUT_MS", "MIGRATIONS", "SIMILAR", "SQLITE_HEADER", "AddReport", "CardFilter",
    "CardNotFound", "CardState", "ChangeRefused", "DeckCount", "DiskFull", "LoggedGrade", "Queue",
    "QueueEntry", "Store", "StoreDamaged", "StoreError", "StoreReadOnly", "StoredCard",
    "latest_version", "open_store",
]
