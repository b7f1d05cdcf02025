"""Lists and small tables -> one claim each: the set of things a teacher asks for whole.

A run of list items or paragraphs that open with a bold name ("**(1) Update gate** — ...",
"1. **Train the teacher** on ...") is asked as "name all N", the names being the answer.
A small table that maps keys to values ("Temperature | Effect", or rows grouped by their
first cell) is asked as its mapping.
Single items and rows stay claims of their own; these cards hold what no single
sentence does: how many there are, and which.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from studykit import blocks as blocks_mod
from studykit import numbers
from studykit.blocks import BlockKind
from studykit.inline_markdown import strip_inline
from studykit.models import Claim, ClaimKind, Origin
from studykit.sentences import split

MIN_ITEMS, MAX_ITEMS = 3, 8
MAX_NAME_WORDS = 6
MAX_TABLE_ROWS = 8

_LEADING_BOLD = re.compile(r"^\*\*([^*]{2,100}?)\*\*")
_COUNT_WORDS = re.compile(r"\b(?:two|three|four|five|six|seven|eight|[2-8])\s+(?:\w+\s+){0,2}?"
                          r"(?:steps?|stages?|parts?|families|kinds?|types?|ways?|gates?|"
                          r"components?|ingredients?|reasons?|rules?|phases?|pieces?|"
                          r"properties|pillars?|things|ideas?|tricks?|essentials?|modes?|"
                          r"categories|classes|levels?|layers?|variants?|options?)\b", re.I)


def enumeration_claims(doc: blocks_mod.Document, skip: Callable[[blocks_mod.Block], bool] | None,
                       position: int, context_of: Callable[[str], str]) -> list[Claim]:
    """One claim for each run of bold-named items and each small two-column table.

    `skip` tells the blocks of sections that describe the article (no cards from them);
    `context_of(section)` gives the card context for a section heading.
    """
    found = []
    for run in _bold_runs(doc):
        claim = _run_claim(doc, run, position, context_of)
        if claim is not None:
            found.append(claim)
    for table in _small_tables(doc):
        claim = _table_claim(doc, table, position, context_of)
        if claim is not None:
            found.append(claim)
    return [c for c in found if not (skip and skip(doc.blocks[c.position - position]))
            and not blocks_mod.RECAP_HEADING.match(c.section)]  # a recap lists bare names


def item_name(block: blocks_mod.Block) -> str:
    """'**(1) Update gate** — how much ...' -> 'Update gate'; '' when the block has none."""
    if block.kind not in (BlockKind.ITEM, BlockKind.PARAGRAPH):
        return ""
    m = _LEADING_BOLD.match(block.text)
    if not m:
        return ""
    name = blocks_mod.NUMBERED.sub("", strip_inline(m.group(1)).strip()).strip(" .:—–-")
    if (len(name.split()) > MAX_NAME_WORDS or not re.search(r"[A-Za-z]{2}", name)
            or len(name) < 3 or name[:1] in "\"“'‘"):  # a quoted myth is no name
        return ""
    return name


def _bold_runs(doc: blocks_mod.Document) -> list[list[blocks_mod.Block]]:
    """Consecutive named blocks of one kind and section; other prose ends a run of items,
    while paragraphs may have math and explanation between them."""
    runs: list[list[blocks_mod.Block]] = []
    run: list[blocks_mod.Block] = []
    for block in doc.blocks:
        name = item_name(block)
        same = run and block.section == run[0].section and block.kind == run[0].kind
        if name and (same or not run):
            run.append(block)
            continue
        between = (run and run[0].kind is BlockKind.PARAGRAPH and block.section == run[0].section
                   and block.kind in (BlockKind.PARAGRAPH, BlockKind.MATH) and not name)
        if between:
            continue
        if MIN_ITEMS <= len(run) <= MAX_ITEMS:
            runs.append(run)
        run = [block] if name else []
    if MIN_ITEMS <= len(run) <= MAX_ITEMS:
        runs.append(run)
    return runs


MAX_QUALIFIER_WORDS = 5
_QUALIFIER_START = re.compile(r"^\s+(?:\(|(?:of|in|on|for|with|at|from|over|per|via|inside|between)\b)")


def _qualifier(doc: blocks_mod.Document, block: blocks_mod.Block) -> str:
    """The few words that finish an item's name: '**Orthogonal init** of `weight_hh` — ...'
    -> ' of weight_hh'; '**Gradient clipping** (`max_norm=1.0`) — ...' -> ' (max_norm=1.0)'."""
    lead = _LEADING_BOLD.match(block.text)
    if lead is None:
        return ""
    rest = block.text[lead.end():]
    words = re.split(r"\s[—–-]\s|[:;.!?]\s|[:;.!?]$|,\s", strip_inline(rest), maxsplit=1)[0]
    words = words.rstrip()
    if (not words or not words[:1].isspace() or len(words.split()) > MAX_QUALIFIER_WORDS
            or not _QUALIFIER_START.match(words) or re.search(r"\bby\b", words) or numbers.MODERN_YEAR.search(words)):
        return ""  # "**Dropout** drops units" goes on to say something: no qualifier
    if words.count("(") != words.count(")"):
        return ""
    return " " + doc.restore(words.strip())


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 **{str(i): i for i in range(2, 9)}}


def _intro(doc: blocks_mod.Document, first: blocks_mod.Block, n: int) -> str:
    """The sentence that announces a list ('GRU computes h_t in four steps.'), if any."""
    if first.index == 0:
        return ""
    prev = doc.blocks[first.index - 1]
    if prev.kind is not BlockKind.PARAGRAPH or prev.section != first.section or item_name(prev):
        return ""
    last = split(prev.plain)[-1]
    if len(last.split()) > 30 or not (last.endswith(":") or _COUNT_WORDS.search(last)):
        return ""
    if _miscounts(last, n):
        return ""  # "Four steps:" above three items: the list is not what the sentence counts
    if re.match(r"(?i)(?:it|they|we|you)\b", last):
        return ""
    # "This single design choice gives ..." -> "The single design choice gives ..."
    last = re.sub(r"^(?:This|That|These|Those)\s+(?!is\b|are\b|was\b|were\b|gives\b|means\b)", "The ", last)
    if re.match(r"(?i)(?:this|that|these|those)\b", last):
        return ""
    return doc.restore(last)


# '2.1 ', '3. ', or a bare '2 ' before a spelled-out count ('## 2 Three gates'); '4 Steps to
# train' keeps its count
_HEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)+\.?|\d+\.)\s+|^\s*\d+\s+(?=(?:two|three|four|five|six|seven|eight)\b)",
                             re.I)


def _miscounts(text: str, n: int) -> bool:
    m = _COUNT_WORDS.search(text)
    return m is not None and _NUMBER_WORDS.get(m.group(0).split()[0].lower(), n) != n


def _run_claim(doc: blocks_mod.Document, run: list[blocks_mod.Block], position: int,
               context_of: Callable[[str], str]) -> Claim | None:
    names = [doc.restore(item_name(b)) for b in run]
    if len({n.lower() for n in names}) < len(names) or not _names_things(names):
        return None
    names = [name + _qualifier(doc, b) for name, b in zip(names, run)]
    first = run[0]
    n = len(names)
    intro = _intro(doc, first, n)
    ordered = "in order" if _is_ordered(run, intro) else ""
    if intro:
        ask = intro.rstrip(" :.") + f" — name all {n}{' ' + ordered if ordered else ''}."
    elif _miscounts(_HEADING_NUMBER.sub("", strip_inline(first.section)), n):
        return None  # 'Name the 4 listed under “The three gates”' confuses more than it asks
    else:
        ask = f"Name the {n} listed under “{strip_inline(first.section)}”{' ' + ordered if ordered else ''}."
    if any(name.lower() in ask.lower() for name in names):
        return None  # the question would give the answer away
    answer = "; ".join(f"{i}. {name}" if ordered else name for i, name in enumerate(names, 1))
    return Claim(
        sentence=f"{ask} {answer}", kind=ClaimKind.ENUMERATION, section=first.section,
        position=position + first.index, context=context_of(first.section), origin=Origin.LIST,
        features={"list_announced": float(bool(intro)),
                  "list_counted": float(bool(intro and _COUNT_WORDS.search(intro)))},
        question=ask, answer=answer, term=names[0])


_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|does|do|can|will|closes|makes|gives)\b", re.I)


def _names_things(names: list[str]) -> bool:
    """'Update gate; Reset gate' names things; 'Embeddings are shared infrastructure' states
    something, and 'Exercise 11; Exercise 12' only numbers them."""
    if any(_FINITE_VERB.search(n) for n in names):
        return False
    if all(blocks_mod.is_writeup_label(n) or re.match(r"(?i)parts? \d", n) for n in names):
        return False  # "Symptoms; Causes; Fixes", "Parts 1-4; Part 5": the write-up's parts, not things
    stems = {re.sub(r"\s*\d+[a-z]?$", "", n).lower() for n in names}
    return not (len(stems) == 1 and len(names) > 1)


def _is_ordered(run: list[blocks_mod.Block], intro: str) -> bool:
    """Numbered names ('(1) Update gate') or an intro that announces steps."""
    return all((m := _LEADING_BOLD.match(b.text)) and blocks_mod.NUMBERED.match(strip_inline(m.group(1)))
               for b in run) or bool(re.search(r"\b(?:steps?|stages?|phases?)\b", intro, re.I))




def _small_tables(doc: blocks_mod.Document) -> list[list[blocks_mod.Block]]:
    """Tables of 2-8 rows (rows in document order) that map a key to a value: two columns,
    or a first column that groups the rows ('Vanishing | ReLU', 'Vanishing | Residual', ...)."""
    return [rows for rows in blocks_mod.tables(doc)
            if 2 <= len(rows) <= MAX_TABLE_ROWS and (blocks_mod.is_two_column(rows) or _grouped(rows))
            and not all(blocks_mod.names_code(r) for r in rows)
            and not blocks_mod.is_example_table(doc, rows[0]) and not _explains_formula(doc, rows[0])]


def _grouped(rows: list[blocks_mod.Block]) -> bool:
    """A first column that repeats over distinct second cells: the rows fall into groups.
    When the second column repeats too, the table crosses two factors and maps nothing."""
    if len(rows[0].header) < 2 or not all(len(r.cells) >= 2 and all(r.cells[:2]) for r in rows):
        return False
    firsts = [r.cells[0].lower() for r in rows]
    seconds = [r.cells[1].lower() for r in rows]
    return len(set(firsts)) < len(firsts) and len(set(seconds)) == len(seconds)


def _explains_formula(doc: blocks_mod.Document, row: blocks_mod.Block) -> bool:
    """A table right under a display formula is that formula card's explanation."""
    before = [b for b in doc.blocks[:row.index] if b.kind is not BlockKind.TABLE_HEADER]
    return bool(before) and before[-1].kind is BlockKind.MATH


def _table_claim(doc: blocks_mod.Document, rows: list[blocks_mod.Block], position: int,
                 context_of: Callable[[str], str]) -> Claim | None:
    key, value, pairs = blocks_mod.mapping_text(doc, rows)
    if not key or not value:
        return None
    values = [v for _, v in pairs]
    if sum(blocks_mod.is_measure(v) for v in values) * 2 > len(values):
        return None  # a results table: its best row, as a claim of its own, is the card
    if _grouped(rows):
        groups: dict[str, list[str]] = {}
        for k, v in pairs:
            groups.setdefault(k, []).append(v)
        pairs = [(k, ", ".join(vs)) for k, vs in groups.items()]
    keys = [k for k, _ in pairs]
    if len({k.lower() for k in keys}) < len(keys):
        return None  # "what goes with Low, High, Low?" has no answer
    ask = f"{key} → {value}: what goes with each of {', '.join(keys)}?"
    answer = blocks_mod.mapping_answer(pairs)
    if len(ask) > 300 or len(answer) > 300:
        return None
    first = rows[0]
    return Claim(
        sentence=f"{key} → {value}: {answer}", kind=ClaimKind.ENUMERATION, section=first.section,
        position=position + first.index, context=context_of(first.section),
        origin=Origin.MAPPING,
        question=ask, answer=answer, term=key)
