"""Display formulas of a post, each named from the words around it.

A formula's label comes, in order, from: a bold lead-in of the paragraph just before it
("**(1) Update gate** — ..."), a naming phrase in that paragraph ("the X is given by",
"X is defined as", "X:"). Cards show the section heading beside it either way.
"""

from __future__ import annotations

import re
from itertools import dropwhile, islice, takewhile

from studykit import latex, limits
from studykit.blocks import (PROSE_KINDS, Block, BlockKind, Document, bold_lead, follows_math, precedes_math,
                             previous_block)
from studykit.inline_markdown import strip_inline
from studykit.sentences import SentenceStart, split, split_prose
from studykit.claims import talks_about_article
from studykit.models import Drop, Formula

_NUMBERING = re.compile(r"^\s*(?:\(?\d+[a-z]?[.)]|step\s*\d+[:.]?|\(\w\))\s*", re.I)
_NAMING = (
    re.compile(r"(?:^|[,;] |\. )(?:(?:so|and|then|thus|hence) )?(?:the |a |an |our )?(?P<n>[A-Za-z][\w\s\-'’]{2,60}?)\s+"
               r"(?:(?:is|are) (?:given|defined|computed|written|expressed|obtained)(?: by| as)?"
               r"|reads|becomes|can be written(?: as)?)\s*[:,]?\s*$", re.I),
    re.compile(r"(?:^|\. )(?:the |a |an )?(?P<n>[A-Za-z][\w\-'’]*(?:\s+[\w\-'’]+){0,3})\s*:\s*$", re.I),
)
_WEAK_LABELS = {"this", "that", "it", "we", "so", "then", "thus", "hence", "which", "here",
                "where", "counting", "formally", "concretely", "explicitly", "note",
                "in short", "in practice", "for example", "e.g", "i.e", "equivalently"}
MIN_LATEX_CHARS = 6
# what only lays out or colours text: `\text{The dog chased}`, `\hspace{1em}`, `&`, `\\`
_LAYOUT = re.compile(r"\\(?:text\w*|mathrm|color|hspace|vspace|begin|end)\s*\{[^{}]*\}|\\(?:quad|qquad|[,;:! \\])|[&\s\d.,\-]")
MAX_EXPLANATION_WORDS = 40
MAX_EXPLANATION_ITEMS = 4
MIN_LEAD_IN_WORDS = 3


def formulas_of(doc: Document) -> list[Formula]:
    """Every distinct display formula, labelled; trivial ones (`$$x$$`) are skipped."""
    found: dict[str, Formula] = {}  # by their LaTeX, normalised
    for block in (b for b in doc.blocks if b.kind is BlockKind.MATH):
        span = doc.math[int(latex.PLACEHOLDER_RE.search(block.text).group(1))]  # type: ignore[union-attr]
        key = latex.normalise(span.latex)
        if key in found or len(key.replace(" ", "")) < MIN_LATEX_CHARS:
            continue
        above = previous_block(doc, block, skipping=(BlockKind.MATH,))  # other formulas between are skipped
        before = above if above is not None and above.kind in PROSE_KINDS else None
        context = _last_sentence(doc.restore(strip_inline(before.text))) if before else ""
        formula = Formula(latex=span.latex.strip(), display=True, label=label_for(before),
                          context=context, explanation=_explanation(doc, block),
                          section=block.section, position=block.index,
                          continues=follows_math(doc, block))
        if len(formula.latex) > limits.FORMULA_CHARACTERS:
            formula.dropped = Drop.TOO_LONG  # a wall of LaTeX is no card (and costs time)
        elif typeset_prose(formula.latex):
            formula.dropped = Drop.TYPESET_PROSE
        found[key] = formula
    return list(found.values())


def typeset_prose(source: str) -> bool:
    """An example sentence or a row of numbers set in math (`$$\\text{The dog chased another dog}$$`):
    without its text, layout and numbers no symbol, letter or operator is left to ask for."""
    left, rest = source, ""
    while left != rest:  # inner groups first: `\\text{a \\color{red}b}`
        left, rest = _LAYOUT.sub("", left), left
    return not left.strip("{}")


def _last_sentence(text: str) -> str:
    """The lead-in of a formula; a stub like "with" or "Then minimise" keeps the sentence before."""
    sentences = split(text, SentenceStart.CAPITAL)
    return " ".join(sentences[-2:]) if len(sentences[-1].split()) < MIN_LEAD_IN_WORDS else sentences[-1]


def _explanation(doc: Document, block: Block) -> str:
    """What the text right after a formula says about it: its first sentence, or the
    "where" list of its symbols ("- $\\alpha$: how much you trust the teacher")."""
    if table := _table_after(doc, block):
        return table
    # the paragraph right after a formula (no heading or other formula in between)
    after = next((b for b in doc.blocks[block.index + 1:block.index + 2] if b.kind in PROSE_KINDS), None)
    if after is None or _opens_next_formula(doc, after):
        return ""  # "**Step 4 — decode.** ..." is the next item, not this formula's explanation
    if after.kind is BlockKind.ITEM:
        items_after = takewhile(lambda b: b.kind is BlockKind.ITEM, doc.blocks[after.index:])
        firsts = (split_prose(doc.restore(b.plain))[0] for b in islice(items_after, MAX_EXPLANATION_ITEMS))
        # "Pass to the previous layer:" leads into the next formula
        items = [first.rstrip(". ") for first in takewhile(lambda f: not f.rstrip().endswith(":"), firsts)]
        text = "; ".join(items)  # no items: no explanation
        return text if len(text.split()) <= MAX_EXPLANATION_WORDS * 2 else items[0]
    sentences = split_prose(doc.restore(strip_inline(after.text)))
    text = sentences[0]
    if len(text.split()) > MAX_EXPLANATION_WORDS or not _complete(text):
        return ""  # "while for classification we use ...," leads into the next formula
    if talks_about_article(text):
        return ""  # "The left panel above shows ..." is about the figure
    second = sentences[1] if len(sentences) > 1 else ""
    if second and not _complete(second) and (precedes_math(doc, after) or not second.endswith(":")):
        second = ""
    if second and len((text + second).split()) <= MAX_EXPLANATION_WORDS:
        # a short second sentence usually finishes the explanation; one that opens a
        # list ("... in two stages:") still says who or how, so it ends with a period
        text += " " + (second[:-1].rstrip() + "." if second.endswith(":") else second)
    return text


def _opens_next_formula(doc: Document, after: Block) -> bool:
    """A paragraph with a bold lead that numbers a step ("**Step 4 — decode.**") or that
    runs into a display formula of its own opens the next item."""
    if after.kind is BlockKind.ITEM or not (lead := bold_lead(after.text)):
        return False
    return bool(_STEP_LEAD.match(lead)) or precedes_math(doc, after)


_STEP_LEAD = re.compile(r"^(?:step|stage|phase)\s*\d+|^\(?\d+[.)]", re.I)


def _complete(sentence: str) -> bool:
    return sentence.rstrip().endswith((".", "!", "?", ")", "\"", "”", "'", "’"))


MAX_TABLE_ROWS = 6


def _table_after(doc: Document, block: Block) -> str:
    """A small two-column table right after a formula says how it behaves
    ("Temperature | Effect": "$\\tau \\to 0$: One-hot; ..."): that table, as one line."""
    after = dropwhile(lambda b: b.kind is BlockKind.TABLE_HEADER, doc.blocks[block.index + 1:])
    rows = list(takewhile(lambda b: b.kind is BlockKind.TABLE, after))
    if not 0 < len(rows) <= MAX_TABLE_ROWS or any(len(r.header) != 2 or len(r.cells) != 2 or not all(r.cells)
                                                  for r in rows):
        return ""  # not a small 'key | value' table
    key, value = rows[0].header
    text = doc.restore(f"{key} → {value}: " + "; ".join(f"{r.cells[0]}: {r.cells[1]}" for r in rows))
    return text if len(text.split()) <= MAX_EXPLANATION_WORDS * 2 else ""


def label_for(before: Block | None) -> str:
    """A short name for the formula after block `before`, or "" when none is given."""
    if before is None:
        return ""
    if label := _clean(bold_lead(before.text)):
        return label
    last = split(strip_inline(before.text), SentenceStart.ANY)[-1]
    for pattern in _NAMING:
        if (m := pattern.search(last)) and (label := _clean(m.group("n"))):
            return label
    return ""


def _clean(label: str) -> str:
    label = _NUMBERING.sub("", strip_inline(label)).strip(" .:—–-")
    label = re.sub(r"\s+", " ", label)
    label = re.sub(r"\s+(?:is|are|reads|becomes|gives|equals)$", "", label, flags=re.I)
    weak = latex.PLACEHOLDER_RE.search(label) or label.lower() in _WEAK_LABELS or len(label.split()) > 8
    return "" if weak else label
