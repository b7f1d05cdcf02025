"""The order in which a post's candidates (claims and formulas) are offered to its budget.

Each candidate brings its own value from the learned model (`ranker`), claims and
formulas on one scale. Picking by score alone fills a deck with five cards about
the post's favourite topic, so the order is built greedily, one claim at a time: a claim
loses `section_spread` for every card its section already has, gains for key terms of the
post (headings, bold terms, bold leads, table rows) that no card named yet, and loses for
terms the deck already covers. Maximal marginal relevance, in summarisation terms.

A claim's gain can only fall as cards are made, so the greedy pick is lazy: a claim is
re-scored only when it reaches the top of the heap (n log n, not n^2, on long pages).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from studykit.cloze import word_count

MAX_COUNTED_TERMS = 2  # a claim naming many terms is not worth many claims


class Candidate(Protocol):
    @property
    def score(self) -> float: ...

    @property
    def section(self) -> str: ...

    @property
    def dropped(self) -> object: ...


C = TypeVar("C", bound=Candidate)


class KeyTerms:
    """The post's key terms (lower case), found as whole words in a lower-cased text. A plain
    substring test goes first: most texts name none of the terms, and this is asked for every
    candidate and term (a regex per term cost more to compile than all the tests)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._terms = [t for t in (t.lower() for t in terms) if t.strip()]

    def named(self, text: str) -> set[int]:
        """The indices of the terms `text` (lower case) names."""
        return {i for i, term in enumerate(self._terms) if term in text and word_count(text, term)}

    def count(self, text: str) -> int:
        return len(self.named(text))


def rank_claims(claims: Sequence[C], terms: Iterable[str], section_spread: float,
                new_term_gain: float, covered_term_cost: float,
                accept: Callable[[C], bool] | None = None,
                text_of: Callable[[C], str] = lambda c: f"{c.sentence} {c.context}",  # type: ignore[attr-defined]
                value_of: Callable[[C], float] = lambda c: c.score) -> list[C]:
    """Live candidates in the greedy order, then the dropped ones.

    `accept(c)` is asked in that order whether the candidate became a card; only one that
    did counts against its section and covers its terms. Without it every one does.
    `text_of(c)` is the text whose key terms count; `value_of(c)` its value (its score).
    """
    key_terms = KeyTerms(terms)
    live = [c for c in claims if not c.dropped]
    named = [key_terms.named(text_of(c).lower()) for c in live]
    covered: set[int] = set()
    cards_in: dict[str, int] = {}

    def gain(i: int) -> float:
        claim, own = live[i], named[i]
        new = min(len(own - covered), MAX_COUNTED_TERMS)
        old = min(len(own & covered), MAX_COUNTED_TERMS)
        return (value_of(claim) - section_spread * cards_in.get(claim.section, 0)
                + new_term_gain * new - covered_term_cost * old)

    heap = [(-gain(i), i) for i in range(len(live))]
    heapq.heapify(heap)
    order: list[C] = []
    while heap:
        _, i = heapq.heappop(heap)
        fresh = gain(i)
        if heap and fresh < -heap[0][0]:
            heapq.heappush(heap, (-fresh, i))  # fell behind since it was scored: look again
            continue
        order.append(live[i])
        if accept is None or accept(live[i]):
            covered.update(named[i])
            cards_in[live[i].section] = cards_in.get(live[i].section, 0) + 1
    return order + [c for c in claims if c.dropped]
