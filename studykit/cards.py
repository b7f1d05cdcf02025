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
from studykit import numbers, ranker
from studykit.models import Card, Claim, Drop, Formula, Origin, Post
from studykit.models import post_key  # re-exported: its home is models, where the store reads it
from studykit.ranking import rank_claims
from studykit.sanitize import strip_controls
from studykit.latex import left_side
from studykit.subterms import key_subterm

if TYPE_CHECKING:  # extraction pulls in spaCy; card options and ids must not
    from studykit.extract import Extraction

BLANK = "[...]"
MAX_ANSWER_WORDS = 30
MAX_FRONT_CHARS = 380  # a longer card is a wall of text nobody reviews
SUBTERM_KEY = "subterm|"  # a formula cloze's id is its formula's, told apart by this prefix


@dataclass
class CardOptions:
    """How many cards of which kinds a post gets. Unset selection settings come from the
    model file (`ranker`), where training chose them out of fold."""

    per_1k_words: float = 9.5
    min_cards: int = 10
    max_cards: int | None = None
    kinds: frozenset[str] = frozenset({"qa", "cloze", "formula"})
    min_value: float | None = None  # least log-odds a candidate needs to become a card
    formula_share: float = 0.7  # a derivation-heavy post is mostly its formulas
    formula_prior: float | None = None  # value a formula card gets over a sentence card
    formula_clozes: int = 1  # long formulas that also get a cloze on their key sub-term
    section_spread: float | None = None  # value a candidate loses for each card of its section
    new_term_gain: float | None = None  # ... gains for each key term of the post no card names yet
    covered_term_cost: float | None = None  # ... and loses for each one a card already names
    keep_filter: ranker.Model | None = None  # who decides a card is kept; None: the shipped filter
    use_keep_filter: bool = True

    def setting(self, name: str) -> float:
        """An option, or the model's value for it when unset."""
        value = getattr(self, name)
        return float(value) if value is not None else float(ranker.load().selection[name])


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

    Claims and formulas compete on one scale, the model's value, picked greedily with
    diversity (`ranking`). With `memory`, claims and formulas that earlier posts of the
    series already carded are skipped, and this post's cards are added to it.
    """
    options = options or CardOptions()
    memory = memory if memory is not None else SeriesMemory()
    picker = _Picker(extraction, options, memory)
    formulas = list(extraction.formulas) if "formula" in options.kinds else []
    for formula in formulas:
        formula.dropped = Drop.IN_SERIES if latex_key(formula.latex) in memory.formulas else None
    rank_claims([*formulas, *extraction.claims], extraction.terms, options.setting("section_spread"),
                options.setting("new_term_gain"), options.setting("covered_term_cost"),
                accept=picker.offer, text_of=_candidate_text, value_of=picker.value)
    return picker.selection()


def _sentences_of(claim: Claim) -> range:
    if claim.origin is not Origin.SENTENCE and claim.origin is not Origin.PAIR:
        return range(0)  # lists and table rows stand apart from the prose sentences
    return range(claim.position, (claim.end_position or claim.position) + 1)


def _candidate_text(candidate: Claim | Formula) -> str:
    if isinstance(candidate, Formula):
        return f"{candidate.label} {candidate.context}"
    return f"{candidate.sentence} {candidate.context}"


class _Picker:
    """Takes candidates in the ranker's order while the budget lasts, and makes their cards."""

    def __init__(self, extraction: Extraction, options: CardOptions, memory: SeriesMemory) -> None:
        self.post, self.options, self.memory = extraction.post, options, memory
        self.extraction = extraction
        total = budget(extraction.words, options)
        self.total = total
        self.drill_limit = options.formula_clozes if {"cloze", "formula"} <= options.kinds else 0
        self.drills: list[tuple[Formula, Card]] = []  # formula clozes of the best formulas taken
        self.formula_limit = math.ceil(total * options.formula_share)
        self.min_value = options.setting("min_value")
        self.formula_prior = options.setting("formula_prior")
        keep = (options.keep_filter or ranker.load_keep()) if options.use_keep_filter else None
        self.keep = keep
        self.keep_threshold = keep.selection.get("threshold", 0.0) if keep else 0.0
        self.formulas: list[Formula] = []
        self.cards: list[tuple[int, Card]] = []
        self.facts: list[tuple[set[str], set[str]]] = []
        self.asked: set[str] = set()
        self.sentences: set[int] = set()  # positions of the sentences already on cards
        self.fresh = [f for f in extraction.formulas if not f.dropped]

    def value(self, candidate: Claim | Formula) -> float:
        """The model's value, plus the prior a formula card gets over a sentence card."""
        return candidate.score + (self.formula_prior if isinstance(candidate, Formula) else 0.0)

    def used(self) -> int:
        return len(self.cards) + len(self._groups()) + len(self.drills)

    def _groups(self) -> list[list[Formula]]:
        return _companions(sorted(self.formulas, key=lambda f: f.position), self.fresh)

    def offer(self, candidate: Claim | Formula) -> bool:
        """Make the candidate's card if it fits and adds something; say whether it did."""
        if self.used() + self._cost(candidate) > self.total:
            candidate.dropped = Drop.OVER_BUDGET
            return False
        if candidate.score < self.min_value:
            candidate.dropped = Drop.LOW_VALUE
            return False
        if self.keep is not None and self.keep.probability(candidate.features) < self.keep_threshold:
            candidate.dropped = Drop.LIKELY_DISCARDED
            return False
        if isinstance(candidate, Formula):
            if len(self.formulas) >= self.formula_limit:
                candidate.dropped = Drop.FORMULA_SHARE
                return False
            self.formulas.append(candidate)
            if len(self.drills) < self.drill_limit and self.used() < self.total:
                drill = formula_cloze_card(self.post, candidate)
                if drill is not None:  # the most valued long formula also gets a cloze on its key term
                    self.drills.append((candidate, drill))
            return True
        return self._offer_claim(candidate)

    def _cost(self, candidate: Claim | Formula) -> int:
        """Cards the candidate adds: none for a formula asked on its companion's card."""
        if not isinstance(candidate, Formula):
            return 1
        together = _companions(sorted([*self.formulas, candidate], key=lambda f: f.position), self.fresh)
        return len(together) - len(self._groups())

    def _offer_claim(self, claim: Claim) -> bool:
        sentences = set(_sentences_of(claim))
        if sentences & self.sentences:
            claim.dropped = Drop.OVERLAPS
            return False
        backs = " ".join(f.explanation for f in self.formulas)
        if claim.sentence and claim.sentence in backs:
            claim.dropped = Drop.ON_FORMULA_CARD
            return False
        words = _word_set(claim.sentence)
        if any(_jaccard(words, s) > 0.6 for s in self.memory.claims):
            claim.dropped = Drop.NEAR_DUPLICATE
            return False
        fact = _quantity_fact(claim.sentence)
        if fact[0] and any(_same_quantity_fact(fact, f) for f in self.facts):
            claim.dropped = Drop.SAME_NUMBER
            return False
        card = claim_card(self.post, claim, self.options.kinds)
        if card is None:
            claim.dropped = Drop.NO_ANSWER
            return False
        if card.front in self.asked:
            claim.dropped = Drop.SAME_QUESTION
            return False
        self.asked.add(card.front)
        self.sentences |= sentences
        self.memory.claims.append(words)
        self.facts.append(fact)
        self.cards.append((claim.position * 1000, card))
        return True

    def selection(self) -> Selection:
        """The cards made, formula cards and the formula cloze added, in reading order."""
        chosen = list(self.cards)
        fronts: dict[str, int] = {}
        for group in self._groups():
            formula = group[0]
            card = formula_card(self.post, formula) if len(group) == 1 else formula_pair_card(self.post, *group)
            n = fronts[card.front] = fronts.get(card.front, 0) + 1
            if n > 1:  # two formulas after the same words: say which one is asked for
                card.front += f" (formula {n} after these words)"
            chosen.append((formula.position, card))
            self.memory.formulas.update(latex_key(f.latex) for f in group)
        chosen += [(f.position, c) for f, c in self.drills]
        chosen.sort(key=lambda pc: pc[0])
        ids: set[str] = set()
        for _, card in chosen:  # ids ignore case: '$Y = WX$' after '$y = Wx$' needs its own
            while card.id in ids:
                card.id = card_id(post_key(self.post), card.kind, card.id)
            ids.add(card.id)
        return Selection([c for _, c in chosen], self.extraction.claims, self.total)




def _quantity_fact(sentence: str) -> tuple[set[str], set[str]]:
    """The sentence's quantities ('25%') and word stems, to spot one number stated twice."""
    quantities = {n.rstrip(".,") + ("%" if unit == "percent" else unit.lower())
                  for n, unit in numbers.QUANTITY.findall(sentence)}
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
    lhs = left_side(formula.latex)
    if formula.label:
        ask = f"what is the formula for {_lower_first(formula.label)}?"
        if lhs:
            ask += f" (${lhs}$ = ?)"
    elif lhs:
        ask = f"what is ${lhs}$?"
    else:  # no name and no left side: the words that lead to it, or its section, ask for it
        ask = "what formula do these words lead to?" if formula.context else "what formula does this section give?"
    where = formula.section if formula.section and formula.section != formula.label else ""
    head = _head(topic, where, ask)
    weak_label = len(formula.label.split()) == 1  # "combine" (from "Step 3 — combine.") names a step
    if formula.context and (not formula.context.endswith((".", "!", "?")) or weak_label):
        front = _quoting(head, [formula.context])
    elif not formula.label and not lhs and formula.context:
        front = _quoting(head, [formula.context])
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
    side = left_side(first.latex)
    return bool(side and side == left_side(second.latex) and first.context and second.context
                and second.context != first.context)


def formula_pair_card(post: Post, first: Formula, second: Formula) -> Card:
    """One card for two companion formulas: asked together, each shown with what the
    text says about it."""
    sides = [left_side(first.latex), left_side(second.latex)]
    if sides[0] and sides[0] == sides[1]:
        ask = f"what are the two formulas for ${sides[0]}$?"
    elif all(sides):
        ask = f"what are ${sides[0]}$ and ${sides[1]}$?"
    else:
        ask = ("what two formulas do these words lead to?" if first.context
               else "what two formulas does this section give?")
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
    targets = [t for t in claim.cloze_targets if _deletable(claim.sentence, t)
               and not _given_away(t, claim.sentence, claim.context)]
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


def _given_away(target: str, sentence: str, context: str) -> bool:
    """'The initial [...] work presented MoE layers': the answer stands elsewhere on the card."""
    pattern = re.compile(rf"(?<!\w){re.escape(target.lower())}(?!\w)")
    return len(pattern.findall(sentence.lower())) > 1 or bool(pattern.search(context.lower()))


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
