"""Claims and formulas -> the cards of a post: which candidates become cards, and the
question/answer and cloze cards of claims.

Owns the per-post budget (cards per 1,000 words of prose), near-duplicate removal and
the picking of candidates in the ranker's order. Formula cards are worded in
`formula_cards`; ids, tags and what every card shares come from `card_making`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studykit import cloze, english, latex, numbers, ranker, stop_words
from studykit.deletions import BEST_BLANK, ranked_targets
from studykit.blocks import mentions
from studykit.card_making import MAX_FRONT_CHARS, card_id, lower_first, new_card, short_title
from studykit.formula_cards import companions, formula_card, formula_cloze_card, formula_pair_card
from studykit.models import SELECTION_DROPS, Card, CardKind, Claim, ClaimKind, Drop, Formula, Origin, Post, post_key
from studykit.ranking import rank_claims

if TYPE_CHECKING:  # extraction pulls in spaCy; card options and ids must not
    from studykit.extract import Extraction

BLANK = "[...]"
MAX_ANSWER_WORDS = 30


@dataclass
class CardOptions:
    """How many cards of which kinds a post gets. Unset selection settings come from the
    model file (`ranker`), where training chose them out of fold."""

    per_1k_words: float = 9.5
    min_cards: int = 10
    max_cards: int | None = None
    kinds: frozenset[str] = frozenset({"qa", "cloze", "formula"})
    min_value: float | None = None  # least value a candidate needs to become a card (a claim's blank counted)
    formula_share: float = 0.7  # a derivation-heavy post is mostly its formulas
    formula_prior: float | None = None  # value a formula card gets over a sentence card
    formula_clozes: int = 1  # long formulas that also get a cloze on their key sub-term
    section_spread: float | None = None  # value a candidate loses for each card of its section
    new_term_gain: float | None = None  # ... gains for each key term of the post no card names yet
    covered_term_cost: float | None = None  # ... and loses for each one a card already names
    blank_weight: float | None = None  # value a claim gains per unit of its best blank's quality
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
        if formula.dropped is None or formula.dropped in SELECTION_DROPS:  # too long, prose: never a card
            formula.dropped = Drop.IN_SERIES if latex.spacing_free(formula.latex) in memory.formulas else None
    # a question the post asks ties its answer's card (`_Picker.value`) and holds more: it goes first
    claims = sorted(extraction.claims, key=lambda c: c.origin is not Origin.ASKED)
    candidates: list[Claim | Formula] = [*formulas, *claims]
    rank_claims(candidates, extraction.terms, options.setting("section_spread"),
                options.setting("new_term_gain"), options.setting("covered_term_cost"),
                accept=picker.offer, text_of=_candidate_text, value_of=picker.value)
    return picker.selection()


def _asked_before(claims: list[Claim], post: Post, kinds: frozenset[str]) -> set[int]:
    """Each question is asked by the post's first claim that asks it (in any section); a pair of that sentence or
    the writer's question asked again is dropped. The ids of the later 'X is ...': clozes, they may say more of X."""
    first: dict[str, Claim] = {}
    later: set[int] = set()
    for claim in sorted(claims, key=lambda c: c.position):
        if not claim.dropped and asks_question(claim, kinds):
            asker = first.setdefault(question_of(post, claim), claim)
            if asker is not claim and (asker.position == claim.position or claim.question):
                claim.dropped = Drop.SAME_QUESTION  # a pair of the sentence that asks it; the writer's question again
            elif asker is not claim:
                later.add(id(claim))
    return later


def _sentences_of(claim: Claim) -> range:
    if claim.origin is Origin.TABLE_ROW:
        return range(0)  # a table row stands apart from the prose sentences
    return range(claim.position, (claim.end_position or claim.position) + 1)


def _candidate_text(candidate: Claim | Formula) -> str:
    return f"{candidate.label if isinstance(candidate, Formula) else candidate.sentence} {candidate.context}"


class _Picker:
    """Takes candidates in the ranker's order while the budget lasts, and makes their cards."""

    def __init__(self, extraction: Extraction, options: CardOptions, memory: SeriesMemory) -> None:
        self.extraction, self.post, self.options, self.memory = extraction, extraction.post, options, memory
        self.total = total = budget(extraction.words, options)
        self.drill_limit = options.formula_clozes if {"cloze", "formula"} <= options.kinds else 0
        self.drills: list[tuple[Formula, Card]] = []  # formula clozes of the best formulas taken
        self.formula_limit = math.ceil(total * options.formula_share)
        self.min_value = options.setting("min_value")
        self.formula_prior = options.setting("formula_prior")
        self.blank_weight = options.setting("blank_weight")
        self.keep = keep = (options.keep_filter or ranker.load_keep()) if options.use_keep_filter else None
        self.keep_threshold = keep.selection.get("threshold", 0.0) if keep else 0.0
        self.keep_weight = keep.selection.get("weight", 0.0) if keep else 0.0
        self.keep_values: dict[int, float] = {}
        self.formulas: list[Formula] = []
        self.cards: list[tuple[int, Card]] = []
        self.facts: list[tuple[set[str], set[str]]] = []
        self.sentences: set[int] = set()  # positions of the sentences already on cards
        self.fresh = [f for f in extraction.formulas if not f.dropped]
        self.said = [c for c in extraction.claims if c.origin is Origin.SENTENCE and not c.dropped]
        self.asked_before = _asked_before(extraction.claims, self.post, options.kinds)  # they make clozes

    def value(self, candidate: Claim | Formula) -> float:
        """The model's value, plus the prior a formula card gets over a sentence card; for a
        claim with spans to blank, how far its best blank is from an even chance of being good;
        and how far the keep filter's probability that a learner keeps the card is from even.
        A question the post asks is worth its answer's card at least: its card holds the
        answer and the question."""
        if isinstance(candidate, Claim) and candidate.origin is Origin.ASKED:
            answers = [c for c in self.said if c.position in _sentences_of(candidate)]
            return max(self._value(c) for c in [candidate, *answers])
        return self._value(candidate)

    def _value(self, candidate: Claim | Formula) -> float:
        keep = self._keep_value(candidate)
        if isinstance(candidate, Formula):
            return candidate.score + self.formula_prior + keep
        blank = candidate.features.get(BEST_BLANK)
        if blank is None or "cloze" not in self.options.kinds or asks_question(candidate, self._kinds(candidate)):
            return candidate.score + keep  # its card blanks nothing
        return candidate.score + self.blank_weight * (blank - 0.5) + keep

    def _kinds(self, claim: Claim) -> frozenset[str]:
        return self.options.kinds - {"qa"} if id(claim) in self.asked_before else self.options.kinds

    def _keep_value(self, candidate: Claim | Formula) -> float:
        """What the keep filter adds to a candidate's value (asked once per candidate: the
        ranking asks for values again and again)."""
        if not self.keep or not self.keep_weight:
            return 0.0
        if id(candidate) not in self.keep_values:
            self.keep_values[id(candidate)] = self.keep_weight * (self.keep.probability(candidate.features) - 0.5)
        return self.keep_values[id(candidate)]

    def used(self) -> int:
        return len(self.cards) + len(self._groups()) + len(self.drills)

    def _groups(self, *more: Formula) -> list[list[Formula]]:
        """The formula cards of the formulas taken (and `more`): companions share one."""
        return companions(sorted([*self.formulas, *more], key=lambda f: f.position), self.fresh)

    def offer(self, candidate: Claim | Formula) -> bool:
        """Make the candidate's card if it fits and adds something; say whether it did."""
        if self.used() + self._cost(candidate) > self.total:
            candidate.dropped = Drop.OVER_BUDGET
        elif (candidate.score if isinstance(candidate, Formula) else self._value(candidate)) < self.min_value:
            candidate.dropped = Drop.LOW_VALUE
        elif self.keep is not None and self.keep.probability(candidate.features) < self.keep_threshold:
            candidate.dropped = Drop.LIKELY_DISCARDED
        elif not isinstance(candidate, Formula):
            candidate.dropped = self._take_claim(candidate)
        elif len(self.formulas) >= self.formula_limit:
            candidate.dropped = Drop.FORMULA_SHARE
        else:  # the formula is taken (offered live, it stays live); its card is made in `selection`
            self.formulas.append(candidate)
            if len(self.drills) < self.drill_limit and self.used() < self.total:
                drill = formula_cloze_card(self.post, candidate)
                if drill is not None:  # the most valued long formula also gets a cloze on its key term
                    self.drills.append((candidate, drill))
        return candidate.dropped is None

    def _cost(self, candidate: Claim | Formula) -> int:
        """Cards the candidate adds: none for a formula asked on its companion's card."""
        return len(self._groups(candidate)) - len(self._groups()) if isinstance(candidate, Formula) else 1

    def _take_claim(self, claim: Claim) -> Drop | None:
        """Make the claim's card and note what it covers, or say why it adds nothing."""
        sentences = set(_sentences_of(claim))
        if sentences & self.sentences:
            return Drop.OVERLAPS
        if claim.sentence and claim.sentence in " ".join(f.explanation for f in self.formulas):
            return Drop.ON_FORMULA_CARD
        words = {w for w in english.words(claim.sentence) if len(w) >= 3}
        if words and any(len(words & s) / len(words | s) > 0.6 for s in self.memory.claims if s):  # Jaccard
            return Drop.NEAR_DUPLICATE
        fact = _quantity_fact(claim.sentence)
        if fact[0] and any(fact[0] & f[0] and len(fact[1] & f[1]) >= 2 for f in self.facts):  # one number, twice
            return Drop.SAME_NUMBER
        card = claim_card(self.post, claim, self._kinds(claim))
        if card is None:
            return Drop.NO_ANSWER
        self.sentences |= sentences
        self.memory.claims.append(words)
        self.facts.append(fact)
        self.cards.append((claim.position * 1000, card))
        return None

    def selection(self) -> Selection:
        """The cards made, formula cards and the formula cloze added, in reading order."""
        chosen = list(self.cards)
        fronts: dict[str, int] = {}
        for group in self._groups():
            card = formula_card(self.post, *group) if len(group) == 1 else formula_pair_card(self.post, *group)
            n = fronts[card.front] = fronts.get(card.front, 0) + 1
            if n > 1:  # two formulas after the same words: say which one is asked for
                card.front += f" (formula {n} after these words)"
            chosen.append((group[0].position, card))
            self.memory.formulas.update(latex.spacing_free(f.latex) for f in group)
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
    stems = {w[:5] for w in re.findall(r"[a-z]{4,}", sentence.lower()) if w not in stop_words.english()}
    return quantities, stems


def _with_context(claim: Claim, text: str) -> str:
    """'[Section] sentence' when the sentence does not name its section's topic itself."""
    return f"[{claim.context}] {text}" if claim.context and not mentions(claim.sentence, claim.context) else text


def claim_card(post: Post, claim: Claim, kinds: frozenset[str],
               deletion_model: ranker.Model | None = None) -> Card | None:
    """A QA card for a definition with a short answer, else a cloze on the best target
    (`ranked_targets`: the span the deletion model, `deletion_model` or the shipped one, values
    most; the post's topic last)."""
    if asks_question(claim, kinds):
        return new_card(post, CardKind.QA, claim.sentence, _with_context(claim, question_of(post, claim)), claim.answer,
                        source_sentence=claim.sentence, claim_kind=claim.kind, score=claim.score)
    targets = ranked_targets(claim, deletion_model) if "cloze" in kinds else []
    if not targets:
        return None
    groups = targets[:1]
    if claim.kind is ClaimKind.DATE:
        # when is a fact of its own: a second group (c2) on the year, unless it cites a source or is the writer's
        # now ('a frontier in 2026'); never on a person (readers threw those away; the tagger finds 'Adam')
        now = post.published.year if post.published else math.inf
        groups += [t for t in targets[1:] if t in claim.years and t not in targets[0]
                   and not numbers.cited(t, claim.sentence) and int(t) < now][:1]
    deletions = front = back = claim.sentence
    for i, target in enumerate(groups, start=1):
        deletions = cloze.replace_outside_math(deletions, target, cloze.deletion(i, cloze.safe_answer(target)))
        front = cloze.replace_outside_math(front, target, BLANK)
    if len(_with_context(claim, front)) <= MAX_FRONT_CHARS:
        front, back, deletions = (_with_context(claim, t) for t in (front, back, deletions))
    if len(front) > MAX_FRONT_CHARS or len(back) > MAX_FRONT_CHARS:
        return None
    return new_card(post, CardKind.CLOZE, claim.sentence, front, back, cloze=deletions,
                    source_sentence=claim.sentence, claim_kind=claim.kind, score=claim.score)


def question_of(post: Post, claim: Claim) -> str:
    """What a question card asks, before its section's name."""
    if claim.question and claim.answer:
        # the writer's own question may lean on the post's subject ('Why 47B and not 56B?')
        return f"{short_title(post)}: {claim.question}" if claim.origin is Origin.ASKED else claim.question
    return f"{short_title(post)}: what {_copula(claim)} {lower_first(claim.term)}?"


def asks_question(claim: Claim, kinds: frozenset[str]) -> bool:
    """Whether the claim's card is a question card rather than a cloze."""
    return "qa" in kinds and (bool(claim.question and claim.answer) or _short_definition(claim))


def _short_definition(claim: Claim) -> bool:
    """'X is a Y' with a short Y that does not say X again: asked 'what is X?' (or 'what are X?', `_copula`)."""
    return (claim.kind is ClaimKind.DEFINITION and bool(claim.term and claim.answer)
            and len(claim.answer.split()) <= MAX_ANSWER_WORDS and claim.term.lower() not in claim.answer.lower())


def _copula(claim: Claim) -> str:
    """The writer's own verb: 'Skip connections are ...' is asked 'what are skip connections?'."""
    return "are" if re.search(rf"{re.escape(claim.term)}\s+are\b", claim.sentence) else "is"
