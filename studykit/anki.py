"""Cards -> Anki: an .apkg package (genanki) or Anki's tab-separated text, updating, never duplicating.

Owns the two note types, deck names and ids, tags, note GUIDs and note mod times. Card
text becomes field HTML in `field_html`.

Why re-exports update instead of duplicating:
- The note types have hard-coded ids, names, field names and template names. Anki matches
  a note type by id and compares field and template names; change any of them and the
  notes already in Anki no longer match (their updates are refused as conflicting).
- A note's GUID is `genanki.guid_for(card.id)`; `card.id` is stable per post and claim,
  so the same card always lands on the same note, whatever its text says today.
- Anki replaces an existing note only when the incoming note is newer (its mod time).
  Each note's mod is the card's last-changed time from `updated_at` (or a `card.updated_at`
  attribute), else the export time. Review history lives on Anki's cards and is kept.

Usage (CLI and TUI are meant to be one-liners)::

    summary = export_apkg(cards, Path("cards.apkg"))
    print(summary)  # "Wrote 120 notes (134 cards) in 3 decks to cards.apkg"
"""

from __future__ import annotations

import html
import itertools
import os
import re
import sqlite3
import time
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from hashlib import sha256
from pathlib import Path
from typing import IO, Any

import genanki  # type: ignore[import-untyped]

from studykit import cloze, sanitize
from studykit.field_html import field_html, revealed
from studykit.models import Card
from studykit.outputs import atomic_write, check_target
from studykit.sanitize import FIELD_CONTROLS
from studykit.series import slugify

DEFAULT_ROOT = "Studykit"

# Hard-coded once, never to change (see the module docstring).
BASIC_MODEL_ID = 1644320457
CLOZE_MODEL_ID = 1074256402
BASIC_NOTETYPE = "Studykit Basic"
CLOZE_NOTETYPE = "Studykit Cloze"
BASIC_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Back Extra", "Context", "Source")

CSS = """\
.card {
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.55; text-align: left;
  color: #1f2328; background-color: #ffffff;
  max-width: 40em; margin: 0 auto; padding: 1em 1.2em;
  overflow-wrap: break-word;
}
.sk-context { font-size: 0.68em; color: #59636e; letter-spacing: 0.02em; margin-bottom: 0.9em; }
.sk-question, .sk-answer { font-size: 1em; }
.sk-answer { margin-top: 0.2em; }
hr#answer { border: none; border-top: 1px solid #d1d9e0; margin: 1em 0; }
.sk-extra { margin-top: 0.9em; color: #424a53; font-size: 0.92em; }
.sk-source { margin-top: 1.4em; font-size: 0.65em; color: #59636e; word-break: break-all; }
.sk-source a { color: #0969da; text-decoration: none; }
.cloze { font-weight: 600; color: #0550ae; }
code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.88em; background: rgba(175, 184, 193, 0.22); padding: 0.1em 0.3em; border-radius: 4px;
}
mjx-container[display="true"], .MathJax_Display { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
@media (max-width: 600px) {
  .card { font-size: 18px; padding: 0.7em 0.8em; }
}
.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card { color: #e6edf3; background-color: #1e1e1e; }
.nightMode .sk-context, .night_mode .sk-context,
.nightMode .sk-source, .night_mode .sk-source { color: #9198a1; }
.nightMode .sk-extra, .night_mode .sk-extra { color: #c9d1d9; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #3d444d; }
.nightMode .sk-source a, .night_mode .sk-source a { color: #4493f8; }
.nightMode .cloze, .night_mode .cloze { color: #79c0ff; }
.nightMode code, .night_mode code { background: rgba(101, 108, 118, 0.35); }
"""

_CONTEXT = '{{#Context}}<div class="sk-context">{{Context}}</div>{{/Context}}\n'
_SOURCE = '{{#Source}}<div class="sk-source">{{Source}}</div>{{/Source}}'


def _note_type(model_id: int, name: str, fields: tuple[str, ...], template: str, qfmt: str, afmt: str,
               **options: object) -> genanki.Model:
    return genanki.Model(model_id, name, fields=[{"name": field} for field in fields],
                         templates=[{"name": template, "qfmt": qfmt, "afmt": afmt}], css=CSS, **options)


BASIC_MODEL = _note_type(
    BASIC_MODEL_ID, BASIC_NOTETYPE, BASIC_FIELDS, "Card",
    _CONTEXT + '<div class="sk-question">{{Front}}</div>',
    '{{FrontSide}}\n<hr id="answer">\n<div class="sk-answer">{{Back}}</div>\n' + _SOURCE,
)
CLOZE_MODEL = _note_type(
    CLOZE_MODEL_ID, CLOZE_NOTETYPE, CLOZE_FIELDS, "Cloze",
    _CONTEXT + '<div class="sk-question">{{cloze:Text}}</div>',
    _CONTEXT + '<div class="sk-question">{{cloze:Text}}</div>\n'
    '{{#Back Extra}}<div class="sk-extra">{{Back Extra}}</div>{{/Back Extra}}\n' + _SOURCE,
    model_type=genanki.Model.CLOZE,
)
_MODELS = {BASIC_NOTETYPE: BASIC_MODEL, CLOZE_NOTETYPE: CLOZE_MODEL}

Timestamp = datetime | float | int


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: notes, the cards Anki will make of them, and their decks."""

    notes: int
    cards_expected: int
    decks: tuple[str, ...]
    path: Path

    def __str__(self) -> str:
        return (f"Wrote {self.notes} notes ({self.cards_expected} cards) in {len(self.decks)} "
                f"deck{'s' if len(self.decks) != 1 else ''} to {self.path}")


@dataclass(frozen=True)
class AnkiNote:
    """One card as an Anki note: fields are final, sanitized HTML."""

    card_id: str
    guid: str
    notetype: str  # BASIC_NOTETYPE or CLOZE_NOTETYPE
    deck: str
    fields: tuple[str, str, str, str]
    tags: tuple[str, ...]
    cards: int  # cards Anki makes of the note (one per cloze number)


def note_guid(card_id: str) -> str:
    """The GUID of a card's note: from the stable card id, never from the text."""
    guid: str = genanki.guid_for(card_id)
    return guid


def deck_id(name: str) -> int:
    """A deck id derived from the deck's full name: the same on every run."""
    digest = int.from_bytes(sha256(f"studykit-deck:{name}".encode()).digest()[:8], "big")
    return (1 << 31) + digest % (1 << 40)


def deck_name(card: Card, *, deck_root: str = DEFAULT_ROOT, post_level: bool = False) -> str:
    """`Root::Series` (the card's `deck`, else its series), `Root::Series::Post title` with `post_level`."""
    parts = [p for p in (_deck_part(x) for x in deck_root.split("::")) if p]
    parts += [_deck_part(x) or "Untitled" for x in (card.deck or card.series).split("::")]
    if post_level:
        parts.append(_deck_part(card.post_title) or "Untitled")
    return "::".join(parts)


def note_tags(card: Card) -> tuple[str, ...]:
    """The card's tags without spaces, plus `series::`, `post::` and `kind::` tags if missing."""
    tags = [t for t in (_tag(t) for t in card.tags) if t]
    have = {t.split("::", 1)[0] for t in tags if "::" in t}
    defaults = {"series": slugify(card.series), "post": slugify(card.post_title), "kind": card.kind}
    tags += [f"{key}::{value}" for key, value in defaults.items() if key not in have]
    return tuple(dict.fromkeys(tags))


def to_anki_note(card: Card, *, deck_root: str = DEFAULT_ROOT, post_level: bool = False) -> AnkiNote:
    """A card as an Anki note. A cloze card without a usable deletion becomes a Basic note."""
    context = _context_html(card.series, card.post_title)
    source = _source_html(card.post_url)
    deck = deck_name(card, deck_root=deck_root, post_level=post_level)
    if card.kind == "cloze" and card.cloze:
        text = field_html(card.cloze, cloze=True)
        ordinals = cloze.ordinals(text)
        if ordinals:
            shown = revealed(card.cloze)
            extra = "" if _same_text(shown, card.back) else field_html(card.back)  # no repeat of Text
            return AnkiNote(card.id, note_guid(card.id), CLOZE_NOTETYPE, deck, (text, extra, context, source),
                            note_tags(card), len(ordinals))
    fields = (field_html(card.front), field_html(card.back), context, source)
    return AnkiNote(card.id, note_guid(card.id), BASIC_NOTETYPE, deck, fields, note_tags(card), 1)


def export_apkg(cards: Iterable[Card], path: str | os.PathLike[str], *, deck_root: str = DEFAULT_ROOT,
                post_level: bool = False, updated_at: Mapping[str, Timestamp] | None = None,
                timestamp: Timestamp | None = None) -> ExportSummary:
    """Write `cards` to an Anki package at `path` (atomically) and say what was written.

    `updated_at` maps card ids to when each card's text last changed (datetime or epoch
    seconds; naive datetimes are local time); it becomes the note's mod time, so Anki
    replaces a note only when the card changed since the last import (and never
    overwrites an edit made in Anki after that). Cards not in it use the card's own
    `updated_at` attribute if it has one, else `timestamp`. `timestamp` (default: now) is
    the package time: note types, card rows and note ids; fix it for byte-stable builds.
    Cards sharing an id are exported once (the first one wins).
    """
    target = check_target(path)
    ts = time.time() if timestamp is None else _epoch(timestamp)
    updated_at = updated_at or {}
    decks: dict[str, genanki.Deck] = {}
    count = 0
    for card, note in _notes(cards, deck_root, post_level):
        changed = updated_at.get(card.id, getattr(card, "updated_at", None))
        deck = decks.get(note.deck)
        if deck is None:
            deck = decks[note.deck] = genanki.Deck(deck_id(note.deck), note.deck)
        deck.add_note(_Note(model=_MODELS[note.notetype], fields=list(note.fields), tags=list(note.tags),
                            guid=note.guid, mod=int(ts if changed is None else _epoch(changed))))
        count += note.cards
    package = genanki.Package(list(decks.values()))
    atomic_write(target, lambda f: _write_package(package, f, ts))
    notes = sum(len(d.notes) for d in decks.values())
    return ExportSummary(notes, count, tuple(sorted(decks)), target)


TSV_COLUMNS = ("guid", "notetype", "deck", "Front | Text", "Back | Back Extra", "Context", "Source", "tags")


def export_tsv(cards: Iterable[Card], path: str | os.PathLike[str], *, deck_root: str = DEFAULT_ROOT,
               post_level: bool = False) -> ExportSummary:
    """Write `cards` as Anki's tab-separated text import (File > Import), atomically.

    Header lines tell Anki the separator, that fields are HTML, and which columns hold the
    GUID, note type, deck and tags. GUIDs, fields and tags are those of `export_apkg`, so
    both formats update the same notes. Anki looks the note types up by name
    ("Studykit Basic", "Studykit Cloze"): they must exist in the collection, which one
    import of an .apkg from `export_apkg` sets up. Text imports carry no mod times; Anki's
    "existing notes" import option (default: update) decides.
    """
    target = check_target(path)
    lines = ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#deck column:3",
             "#tags column:8", "#columns:" + "\t".join(TSV_COLUMNS)]
    decks: set[str] = set()
    notes = count = 0
    for _, note in _notes(cards, deck_root, post_level):
        row = (note.guid, note.notetype, note.deck, *note.fields, " ".join(note.tags))
        lines.append("\t".join(_tsv_field(v) for v in row))
        decks.add(note.deck)
        notes += 1
        count += note.cards
    data = ("\n".join(lines) + "\n").encode("utf-8")
    atomic_write(target, lambda f: f.write(data))
    return ExportSummary(notes, count, tuple(sorted(decks)), target)


# --- fields -----------------------------------------------------------------------------

_TAG_UNSAFE = re.compile(r"[<>\"'&\\]")
_LOCAL_PATH = re.compile(r"(?i)file:|[/~.]|[a-z]:\\")


@lru_cache(maxsize=512)  # the same for every card of a post
def _context_html(series: str, title: str) -> str:
    title, series = title.strip(), series.strip()
    if not series or title.lower().startswith(series.lower()):
        return field_html(title)
    return field_html(f"{series} · {title}" if title else series)


@lru_cache(maxsize=512)
def _source_html(url: str) -> str:
    url = FIELD_CONTROLS.sub("", url).strip()
    if sanitize.safe_url(url):
        href = html.escape(url, quote=True)
        return sanitize.clean_html(f'<a href="{href}">{href}</a>')
    if _LOCAL_PATH.match(url):  # a local post: its path, as text
        return sanitize.clean_html(html.escape(sanitize.strip_markup(url), quote=False))
    return ""  # javascript:, data:, mailto:, ... never reach a card


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _deck_part(name: str) -> str:
    return " ".join(sanitize.strip_markup(FIELD_CONTROLS.sub("", name)).replace("::", ":").split())


def _tag(tag: str) -> str:
    """No spaces (they separate tags) and no HTML-special characters."""
    return "_".join(_TAG_UNSAFE.sub("", sanitize.strip_markup(FIELD_CONTROLS.sub("", tag))).split())


# --- writing ----------------------------------------------------------------------------


class _Note(genanki.Note):  # type: ignore[misc]
    """A genanki note with its own mod time (genanki gives every note the package time)."""

    def __init__(self, *, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def _notes(cards: Iterable[Card], deck_root: str, post_level: bool) -> Iterable[tuple[Card, AnkiNote]]:
    seen: set[str] = set()
    for card in cards:
        if card.id in seen:
            continue
        seen.add(card.id)
        yield card, to_anki_note(card, deck_root=deck_root, post_level=post_level)


def _epoch(value: Timestamp) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _write_package(package: genanki.Package, f: IO[bytes], timestamp: float) -> None:
    """genanki's `write_to_file`, minus its leaked temporary database: built in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        conn.commit()
        data = conn.serialize()
    finally:
        conn.close()
    with zipfile.ZipFile(f, "w") as z:
        for name, content in (("collection.anki2", data), ("media", b"{}")):
            # A fixed entry date: the same cards and timestamp give the same bytes.
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content,
                       compress_type=zipfile.ZIP_DEFLATED)


def _tsv_field(value: str) -> str:
    """A TSV cell Anki's reader takes verbatim: quoted when it holds `"` or starts with `#`."""
    value = value.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    if '"' in value or value.startswith("#"):
        return '"' + value.replace('"', '""') + '"'
    return value
