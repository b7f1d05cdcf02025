"""Table rows -> claims: a row with a number or a bold cell states 'Row — Column: value'.

Also the words of a row, comparable with a sentence's content words, so rows and
sentences are weighed on one scale (`salience`), and each row's name for key terms.
"""

from __future__ import annotations

import re

from studykit import blocks as blocks_mod
from studykit import latex, salience, stop_words
from studykit.claims import opener
from studykit.inline_markdown import strip_inline
from studykit.models import Claim, ClaimKind, Origin
from studykit.sections import describes_article, section_context

_BARE_CELLS = frozenset({"yes", "no", "true", "false", "none", "n/a", "both", "neither", "all",
                         "baseline", "same", "high", "low", "medium", "undisclosed", "unknown", "tbd",
                         "not reported"})
MAX_CELL_TARGET_WORDS = 5  # a cell worth deleting names a thing; a longer one explains


def table_claims(doc: blocks_mod.Document, position: int, title: str) -> list[Claim]:
    """Table rows with a number or a bold cell become claims: 'Row — Column: value'."""
    return [claim for rows in blocks_mod.tables(doc) for block in rows
            if (claim := _row_claim(doc, block, position, title))]


def row_words(row: str) -> set[str]:
    """A table row's content words, comparable with `salience.content_words` of sentences."""
    words = salience.WORD.findall(re.sub(r"\$[^$]*\$", " ", row))
    return {w.lower() for w in words if w.lower() not in stop_words.TABLE_ROW}


def row_names(doc: blocks_mod.Document) -> dict[int, str]:
    """Each table row's name: its first cell, or its second when the first repeats down the
    table ("Vanishing | Residual connections", "Vanishing | ReLU activation")."""
    names: dict[int, str] = {}
    for table in blocks_mod.tables(doc):
        firsts = [r.cells[0] for r in table]
        for row in table:
            repeats = firsts.count(row.cells[0]) > 1 and len(row.cells) > 1
            names[row.index] = row.cells[1] if repeats else row.cells[0]
    return names


def _row_claim(doc: blocks_mod.Document, block: blocks_mod.Block, position: int, title: str) -> Claim | None:
    cells = block.cells  # stripped already
    pairs = [(h, v) for h, v in zip(block.header[1:], cells[1:]) if v and h]  # none without a header
    if (not pairs or not cells[0] or re.fullmatch(r"\d{1,3}", cells[0]) or describes_article(block)
            or blocks_mod.names_code(block) or blocks_mod.is_example_table(doc, block)):
        return None  # a row named '3' names nothing; '2024' or '$d_H$' do
    short = [v for _, v in pairs if len(v.split()) <= MAX_CELL_TARGET_WORDS]
    words = {v: latex.PLACEHOLDER_RE.sub("", v) for v in short}
    targets = ([b for b in block.bold if b != cells[0]]
               or [v for v in short if re.search(r"\d", words[v])]
               or [v for v in short if re.search(r"[A-Za-z]{3}", words[v])
                   and v.strip(" ()").lower() not in _BARE_CELLS
                   and opener(v) is None])  # no pronoun opens it
    if not targets:
        return None
    sentence = doc.restore(f"{cells[0]} — " + "; ".join(f"{h}: {v}" for h, v in pairs))
    return Claim(
        sentence=sentence, kind=ClaimKind.NUMBER, section=block.section, position=position + block.index,
        context=section_context(block.section, title), origin=Origin.TABLE_ROW,
        features={"bold_term": float(bool(block.bold)), "short": float(len(pairs) <= 3)},
        cloze_targets=[doc.restore(strip_inline(t)) for t in targets[:1]])
