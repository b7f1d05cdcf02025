"""Claims and formulas -> cards: question/answer, cloze and formula cards.

Owns card wording, stable ids, tags, near-duplicate removal and the per-post budget
(cards per 1,000 words of prose). Card ids hash the post's key and the claim's own
text, never the run, so the same post gives the same ids on every run.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field

from functools import lru_cache
from typing import TYPE_CHECKING

from studykit import series as series_mod
from studykit.blocks import mentions
from studykit.models import Card, Claim, Formula, Post
from studykit.ranking import rank_claims
from studykit.sanitize import strip_controls
from studykit.subterms import key_subterm

if TYPE_CHECKING:  # extraction pulls in spaCy; card options and ids must not
    from studykit.extract import Extraction

BLANK = "[...]"
MAX_ANSWER_WORDS = 30
MAX_FRONT_CHARS = 380  # a longer card is a wall of text nobody reviews
SUBTERM_KEY = "subterm|"  # a formula cloze's id is its formula's, told apart by this prefix


@dataclass
class CardOptions:
    """How many cards of which kinds a post gets."""

    per_1k_words: float = 9.5
    min_cards: int = 10
    max_cards: int | None = None
    kinds: frozenset[str] = frozenset({"qa", "cloze", "formula"})
    min_score: float = 1.0
    formula_share: float = 0.55
    formula_clozes: int = 1  # long formulas that also get a cloze on their key sub-term
    section_spread: float = 0.75  # score a claim loses for each better claim of its section
    new_term_gain: float = 0.75  # ... gains for each key term of the post no card names yet
    covered_term_cost: float = 0.75  # ... and loses for each one a card already names


@dataclass
class SeriesMemory:
    """What earlier posts of a series already put on cards (for near-duplicate removal)."""

    claims: list[set[str]] = field(default_factory=list)
    formulas: set[str] = field(default_factory=set)


@dataclass
class Selection:
    """The cards of one post, and why each left-out claim was left out."""

    cards: list[Card]
    claims: list[Claim] = field(default_factory=list)
    budget: int = 0


def short_title(post: Post) -> str:
    """'GRU — Lightweight Gates and ...' -> 'GRU': the post's topic for card context."""
    _, _, title = series_mod.split_title(post.title)
    return re.split(r"\s+[—–]\s+|\s+--\s+|:\s+", title)[0].strip() or title


def post_key(post: Post) -> str:
    """Stable key of a post: series and title slugs (same article from feed or file)."""
    _, _, title = series_mod.split_title(post.title)
    return f"{series_mod.slugify(post.series)}/{series_mod.slugify(title)}"


def card_id(key: str, kind: str, content: str) -> str:
    norm = re.sub(r"\s+", " ", content.strip().lower())
    return hashlib.sha1(f"{key}|{kind}|{norm}".encode()).hexdigest()[:16]


def budget(words: int, options: CardOptions) -> int:
    """Cards a post may get: per 1,000 words, with a floor that a short post cannot inflate."""
    floor = max(3, min(options.min_cards, math.floor(9.5 * words / 1000)))
    n = max(floor, round(options.per_1k_words * words / 1000))
    return min(n, options.max_cards) if options.max_cards else n


def select_cards(extraction: Extraction, options: CardOptions | None = None,
                 memory: SeriesMemory | None = None) -> Selection:
    """The best cards of one post within its budget, in reading order.

    With `memory`, claims and formulas that earlier posts of the series already carded
    are skipped, and this post's cards are added to it.
    """
    options = options or CardOptions()
    memory = memory if memory is not None else SeriesMemory()
    post = extraction.post
    total = budget(extraction.words, options)
    chosen: list[tuple[int, Card]] = []
    if "formula" in options.kinds:
        limit = math.ceil(total * options.formula_share)
        fresh = [f for f in extraction.formulas if latex_key(f.latex) not in memory.formulas]
        ranked = sorted(fresh, key=lambda f: (-formula_weight(f), f.position))
        fronts: dict[str, int] = {}
        for group in _companions(sorted(ranked[:limit], key=lambda f: f.position), fresh):
            formula = group[0]
            card = formula_card(post, formula) if len(group) == 1 else formula_pair_card(post, *group)
            n = fronts[card.front] = fronts.get(card.front, 0) + 1
            if n > 1:  # two formulas after the same words: say which one is asked for
                card.front += f" (formula {n} after these words)"
            chosen.append((formula.position, card))
            memory.formulas.update(latex_key(f.latex) for f in group)
        drills = [(f, c) for f in ranked[:limit] if (c := formula_cloze_card(post, f)) is not None]
        for formula, card in drills[:options.formula_clozes if "cloze" in options.kinds else 0]:
            chosen.append((formula.position, card))
    seen = memory.claims
    backs = " ".join(c.back for _, c in chosen if c.kind == "formula")
    facts: list[tuple[set[str], set[str]]] = []
    asked: set[str] = set()
    def offer(claim: Claim) -> bool:
        """Make the claim's card if it fits and adds something; say whether it did."""
        if len(chosen) >= total:
            claim.dropped = f"over the budget of {total} cards"
            return False
        if claim.score < options.min_score:
            claim.dropped = f"score {claim.score} below {options.min_score}"
            return False
        if claim.sentence and claim.sentence in backs:
            claim.dropped = "already on the back of a formula card"
            return False
        words = _word_set(claim.sentence)
        if any(_jaccard(words, s) > 0.6 for s in seen):
            claim.dropped = "near-duplicate of a claim already on a card (this post or its series)"
            return False
        fact = _quantity_fact(claim.sentence)
        if fact[0] and any(_same_quantity_fact(fact, f) for f in facts):
            claim.dropped = "states a number already on a card ('25% fewer parameters' twice)"
            return False
        card = claim_card(post, claim, options.kinds)
        if card is None:
            claim.dropped = "no short answer or cloze target in it"
            return False
        if card.front in asked:
            claim.dropped = "asks the same question as a card already made"
            return False
        asked.add(card.front)
        seen.append(words)
        facts.append(fact)
        chosen.append((claim.position * 1000, card))
        return True

    rank_claims(extraction.claims, extraction.terms, options.section_spread,
                options.new_term_gain, options.covered_term_cost, accept=offer)
    chosen.sort(key=lambda pc: pc[0])
    ids: set[str] = set()
    for _, card in chosen:  # ids ignore case: '$Y = WX$' after '$y = Wx$' needs its own
        while card.id in ids:
            card.id = card_id(post_key(post), card.kind, card.id)
        ids.add(card.id)
    return Selection([c for _, c in chosen], extraction.claims, total)


_DERIVATION = re.compile(r"^(?:so|thus|hence|then|therefore|which gives|substituting|expanding|"
                         r"plugging|rearranging|it follows|we get|this gives)\b", re.I)


_SETUP = re.compile(r"^(?:consider|suppose|assume|if|let|for a single|for one)\b", re.I)
_ATTRIBUTED = re.compile(r"\b(?:1[89]\d\d|20[0-3]\d)\b|\bet al\b"
                         r"|\b(?!(?:It|That|Here|There|What|Let|He|She|Who|This)\b)[A-Z][a-z]+(?:'s|’s)\s")
FORMULA_SETUP_PENALTY = 1.0
FORMULA_CONTINUES_PENALTY = 1.0
FORMULA_ATTRIBUTED_BONUS = 1.0


def formula_weight(formula: Formula) -> float:
    """How likely a formula is a key result rather than a step of a derivation."""
    weight = 2.0 if formula.label else 0.0
    body = re.sub(r"\s+", "", formula.latex)
    if "\\tag" in body:
        weight += 1.0  # authors number the equations they refer back to
    if re.search(r"\\(?:mathcal|operatorname|text|mathrm)\{", body.split("=")[0]):
        weight += 1.0
    if len(body) < 15:
        weight -= 1.0
    if _DERIVATION.match(formula.context.strip()):
        weight -= 1.0
    if _SETUP.match(formula.context.strip()):
        weight -= FORMULA_SETUP_PENALTY
    if formula.continues:
        weight -= FORMULA_CONTINUES_PENALTY  # the second of a pair is usually its companion
    if _ATTRIBUTED.search(formula.context):
        weight += FORMULA_ATTRIBUTED_BONUS  # "Glorot and Bengio (2010) compromise:" names a result
    return weight


_QUANTITY = re.compile(r"(?<![\d,.])(\d[\d,.]*)\s?(%|×|x\b|percent\b|[kKMB]\b)")


def _quantity_fact(sentence: str) -> tuple[set[str], set[str]]:
    """The sentence's quantities ('25%') and word stems, to spot one number stated twice."""
    quantities = {n.rstrip(".,") + ("%" if unit == "percent" else unit.lower())
                  for n, unit in _QUANTITY.findall(sentence)}
    stems = {w[:5] for w in re.findall(r"[a-z]{4,}", sentence.lower()) if w not in _stop_words()}
    return (quantities, stems) if quantities else (set(), set())


def _same_quantity_fact(a: tuple[set[str], set[str]], b: tuple[set[str], set[str]]) -> bool:
    return bool(a[0] & b[0]) and len(a[1] & b[1]) >= 2


def latex_key(latex: str) -> str:
    """Formulas equal up to spacing compare equal."""
    return re.sub(r"\\[,;:!]|\\q?quad|\s+", "", latex)


def _word_set(text: str) -> set[str]:
    return set(re.findall(r"\w{3,}", text.lower()))


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _card(post: Post, kind: str, key: str, front: str, back: str, **extra) -> Card:
    # a control character from the page would reach the JSON, the store and the terminal
    front, back = strip_controls(front), strip_controls(back)
    for field_name in ("cloze", "source_sentence"):
        if extra.get(field_name):
            extra[field_name] = strip_controls(extra[field_name])
    pkey = post_key(post)
    slug = pkey.split("/", 1)[1]
    return Card(
        id=card_id(pkey, kind, key), kind=kind, front=front, back=back, series=post.series,
        post_title=post.title, post_url=post.url, deck=post.series,
        tags=[f"series::{series_mod.slugify(post.series)}", f"post::{slug}", f"kind::{kind}"],
        **extra,
    )


def formula_card(post: Post, formula: Formula) -> Card:
    """Ask for a display formula by its name, its left-hand side and the words before it."""
    topic = short_title(post)
    lhs = _left_side(formula.latex)
    if formula.label:
        ask = f"what is the formula for {_lower_first(formula.label)}?"
        if lhs:
            ask += f" (${lhs}$ = ?)"
    elif lhs:
        ask = f"what is ${lhs}$?"
    else:
        ask = "which formula comes next?"
    where = formula.section if formula.section and formula.section != formula.label else ""
    head = _head(topic, where, ask)
    weak_label = len(formula.label.split()) == 1  # "combine" (from "Step 3 — combine.") names a step
    if formula.context and (not formula.context.endswith((".", "!", "?")) or weak_label):
        front = _quoting(head, [formula.context])
    elif not formula.label and not lhs and formula.context:
        front = _quoting(head, [formula.context], "After: ")
    else:
        front = head
    back = f"$${formula.latex}$$"
    if formula.explanation:
        back += f"\n{formula.explanation}"
    return _card(post, "formula", formula.latex, front, back,
                 source_sentence=formula.context, claim_kind="formula")


def _companions(chosen: list[Formula], every: list[Formula]) -> list[list[Formula]]:
    """Chosen formulas in reading order, each grouped with the one before it when the two
    are a pair: written one right under the other, or the same left-hand side given twice
    in one section, each after its own words (a loss for regression, then for
    classification; a vanilla RNN's Jacobian, then GRU's)."""
    following = {id(a): b for a, b in zip(every, every[1:])}
    groups: list[list[Formula]] = []
    for formula in chosen:
        last = groups[-1] if groups else None
        if last and len(last) == 1 and following.get(id(last[0])) is formula and _pair(last[0], formula):
            last.append(formula)
        else:
            groups.append([formula])
    return groups


def _pair(first: Formula, second: Formula) -> bool:
    if first.section != second.section:
        return False
    if second.continues:
        return True
    side = _left_side(first.latex)
    return bool(side and side == _left_side(second.latex) and first.context and second.context
                and second.context != first.context)


def formula_pair_card(post: Post, first: Formula, second: Formula) -> Card:
    """One card for two companion formulas: asked together, each shown with what the
    text says about it."""
    sides = [_left_side(first.latex), _left_side(second.latex)]
    if sides[0] and sides[0] == sides[1]:
        ask = f"what are the two formulas for ${sides[0]}$?"
    elif all(sides):
        ask = f"what are ${sides[0]}$ and ${sides[1]}$?"
    else:
        ask = "which two formulas come next?"
    labels = {f.label for f in (first, second) if f.label}
    where = labels.pop() if len(labels) == 1 else first.section  # two labels: their section names both
    head = _head(short_title(post), where, ask)
    contexts = [first.context] if second.continues else [first.context, second.context]
    back = "\n".join(part for f in (first, second) for part in (f"$${f.latex}$$", f.explanation) if part)
    # the first formula's key: its card keeps its id whether or not its companion is chosen
    return _card(post, "formula", first.latex, _quoting(head, contexts), back,
                 source_sentence=first.context, claim_kind="formula")


FRONT_SUFFIX_ROOM = 30  # for " (formula 2 after these words)"


def _head(topic: str, where: str, ask: str) -> str:
    """'GRU — Why GRU is Lighter: what is $P$?'; a heading too long for a card is left out."""
    head = f"{topic}{f' — {where}' if where else ''}: {ask}"
    return head if len(head) <= MAX_FRONT_CHARS - FRONT_SUFFIX_ROOM else f"{topic}: {ask}"


def _quoting(head: str, contexts: list[str], prefix: str = "") -> str:
    """`head` and the words before the formula(s), quoted and trimmed to fit a card front."""
    for words in (35, 20, 10):
        quoted = " … ".join(f"“{trimmed}”" for c in contexts if (trimmed := _trim(c, words)))
        front = f"{head}\n{prefix}{quoted}" if quoted else head
        if len(front) <= MAX_FRONT_CHARS - FRONT_SUFFIX_ROOM:
            return front
    return head


def formula_cloze_card(post: Post, formula: Formula) -> Card | None:
    """A cloze on the key sub-term of a long display formula (see `subterms`), or None."""
    split = key_subterm(formula.latex)
    if split is None:
        return None
    before, term, after = split
    where = formula.label or formula.section
    front = (f"{short_title(post)}{f' — {where}' if where else ''}: complete the formula\n"
             f"$${before}\\boxed{{?}}{after}$$")
    if len(front) > MAX_FRONT_CHARS:
        return None  # a formula too long to read as a card front
    deletion = _cloze_safe(term) + (" " if term.endswith("}") else "")
    card = _card(post, "cloze", SUBTERM_KEY + formula.latex, front, f"$${formula.latex}$$",
                 cloze=f"$${before}{{{{c1::{deletion}}}}}{after}$$",
                 source_sentence=formula.context, claim_kind="formula")
    return card


_RELATION = re.compile(r"=|\\approx(?![a-z])|\\propto(?![a-z])|\\equiv(?![a-z])|\\le(?:q)?(?![a-z])|\\ge(?:q)?(?![a-z])")


def _left_side(formula: str) -> str:
    """The short left-hand side of `a = b` (or a ≈ b, a ≤ b; top level only), or ""."""
    depth = 0
    for i, ch in enumerate(formula):
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif depth == 0 and _RELATION.match(formula, i):
            if ch == "=" and formula[i - 1:i] in ("<", ">", "!", "\\"):
                continue
            lhs = re.sub(r"(?:\\[,;:!]|\\q?quad|&|\s)+$", "", formula[:i]).strip()
            if 0 < len(lhs) <= 40 and "\\\\" not in lhs and "\\begin" not in lhs:
                return lhs
            return ""
    return ""


def _with_context(claim: Claim, text: str) -> str:
    """'[Section] sentence' when the sentence does not name its section's topic itself."""
    if claim.context and not mentions(claim.sentence, claim.context):
        return f"[{claim.context}] {text}"
    return text


def claim_card(post: Post, claim: Claim, kinds: frozenset[str]) -> Card | None:
    """A QA card for a definition with a short answer, else a cloze on the best target."""
    if "qa" in kinds and claim.question and claim.answer:
        front = _with_context(claim, f"{claim.question}")
        return _card(post, "qa", claim.sentence, front, claim.answer,
                     source_sentence=claim.sentence, claim_kind=claim.kind, score=claim.score)
    if ("qa" in kinds and claim.kind == "definition" and claim.term and claim.answer
            and len(claim.answer.split()) <= MAX_ANSWER_WORDS
            and claim.term.lower() not in claim.answer.lower()):
        front = _with_context(claim, f"{short_title(post)}: what is {_lower_first(claim.term)}?")
        return _card(post, "qa", claim.sentence, front, claim.answer,
                     source_sentence=claim.sentence, claim_kind=claim.kind, score=claim.score)
    if "cloze" not in kinds:
        return None
    targets = [t for t in claim.cloze_targets if _deletable(claim.sentence, t)]
    if not targets:
        return None
    groups = targets[:1]
    if claim.kind in ("date", "person"):
        # Who and when are two facts of one sentence: a second cloze group (c2).
        second = [t for t in targets[1:] if t in claim.people + claim.years and t not in targets[0]]
        groups += second[:1]
    cloze, front = claim.sentence, claim.sentence
    for i, target in enumerate(groups, start=1):
        cloze = _replace_outside_math(cloze, target, f"{{{{c{i}::{_cloze_safe(target)}}}}}")
        front = _replace_outside_math(front, target, BLANK)
    back = claim.sentence
    if len(_with_context(claim, front)) <= MAX_FRONT_CHARS:
        front, back, cloze = (_with_context(claim, t) for t in (front, back, cloze))
    if len(front) > MAX_FRONT_CHARS or len(back) > MAX_FRONT_CHARS:
        return None
    return _card(post, "cloze", claim.sentence, front, back, cloze=cloze,
                 source_sentence=claim.sentence, claim_kind=claim.kind, score=claim.score)


MAX_DELETION_WORDS = 8  # a longer deletion asks to recite a sentence


def _deletable(sentence: str, target: str) -> bool:
    words = re.findall(r"\w+", target.lower())
    return (len(target.strip()) > 2 and target.strip() != sentence.strip() and "::" not in target
            and (target.startswith("$") or len(target.split()) <= MAX_DELETION_WORDS)
            and not all(w in _stop_words() for w in words)
            and _outside_math_index(sentence, target) >= 0)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _is_whole_math(text: str, i: int, target: str) -> bool:
    return target.startswith("$") and (i, i + len(target)) in _math_ranges(text)


def _math_ranges(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\$\$.+?\$\$|\$[^$]+\$", text, flags=re.S)]


def _outside_math_index(text: str, target: str) -> int:
    """Where `target` stands as whole words outside math (never '.grad' from 'grad')."""
    ranges = _math_ranges(text)
    start = 0
    while (i := text.find(target, start)) >= 0:
        whole = _boundary(text, i - 1) and _boundary(text, i + len(target))
        if whole and (_is_whole_math(text, i, target) or not any(a <= i < b for a, b in ranges)):
            return i
        start = i + 1
    return -1


def _boundary(text: str, i: int) -> bool:
    """A word ends at `i`: '.grad' and 'optimizer.step' hold no word 'grad' or 'optimizer',
    while a sentence's full stop ends one."""
    if i < 0 or i >= len(text):
        return True
    if text[i] == ".":
        return not (i + 1 < len(text) and text[i + 1].isalnum())
    return not (text[i].isalnum() or text[i] == "_")


def _replace_outside_math(text: str, target: str, replacement: str) -> str:
    i = _outside_math_index(text, target)
    return text if i < 0 else text[:i] + replacement + text[i + len(target):]


def _cloze_safe(text: str) -> str:
    """A `}}` inside a deletion would end the cloze early in Anki, and a `::` would start
    its hint; math reads `: :` as `::`."""
    return re.sub(r"\}(?=\})", "} ", text).replace("::", ": :")  # "}}}" too: every brace pair split


def _lower_first(text: str) -> str:
    """'Temperature' -> 'temperature'; names and acronyms ('AdamW', 'Boris Polyak') stay."""
    words = text.split()
    if not words:
        return text
    first = words[0]
    proper = any(ch.isupper() or ch.isdigit() for ch in first[1:])
    name = len(words) > 1 and all(w[:1].isupper() for w in words)
    return text if proper or name else text[:1].lower() + text[1:]


def _trim(text: str, max_words: int) -> str:
    """The first `max_words` words, never cutting a `$...$` formula in two."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", cut)]
    if len(dollars) % 2:
        cut = cut[:dollars[-1]].rstrip()
    return cut + " …" if cut else ""
