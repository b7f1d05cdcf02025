"""The order in which a post's claims are offered to its card budget.

Each claim brings its own score. Picking by score alone fills a deck with five cards about
the post's favourite topic, so the order is built greedily, one claim at a time: a claim
loses `section_spread` for every claim of its section already picked, gains for key terms
of the post (headings, bold terms, bold leads, table rows) that no earlier pick named, and
loses for terms the deck already covers. Maximal marginal relevance, in summarisation terms.
"""

from __future__ import annotations

from collections.abc import Iterable

from studykit.models import Claim

MAX_COUNTED_TERMS = 2  # a claim naming many terms is not worth many claims


def rank_claims(claims: list[Claim], terms: Iterable[str], section_spread: float,
                new_term_gain: float, covered_term_cost: float) -> list[Claim]:
    """Live claims best first (in the greedy order), then the dropped ones."""
    key_terms = [t.lower() for t in terms]
    live = [c for c in claims if not c.dropped]
    named = {id(c): _terms_in(c, key_terms) for c in live}
    covered: set[str] = set()
    picked_in: dict[str, int] = {}
    order: list[Claim] = []

    def gain(claim: Claim) -> float:
        own = named[id(claim)]
        new = min(len(own - covered), MAX_COUNTED_TERMS)
        old = min(len(own & covered), MAX_COUNTED_TERMS)
        return (claim.score - section_spread * picked_in.get(claim.section, 0)
                + new_term_gain * new - covered_term_cost * old)

    while live:
        best = max(live, key=gain)
        live.remove(best)
        order.append(best)
        covered |= named[id(best)]
        picked_in[best.section] = picked_in.get(best.section, 0) + 1
    return order + [c for c in claims if c.dropped]


def _terms_in(claim: Claim, terms: list[str]) -> set[str]:
    text = f"{claim.sentence} {claim.context}".lower()
    return {t for t in terms if t in text}
