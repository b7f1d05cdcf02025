"""Greedy claim order: score first, then spread over sections and over the post's key terms."""

from studykit.models import Claim, Drop
from studykit.ranking import rank_claims


def claim(text, score, section="A", dropped=None):
    return Claim(sentence=text, kind="key_point", score=score, section=section, dropped=dropped)


def test_without_spread_or_terms_the_order_is_by_score():
    claims = [claim("low", 1.0), claim("high", 3.0), claim("mid", 2.0)]
    order = rank_claims(claims, [], 0.0, 0.0, 0.0)
    assert [c.sentence for c in order] == ["high", "mid", "low"]


def test_a_second_claim_of_a_section_waits_behind_other_sections():
    claims = [claim("a1", 3.0, "A"), claim("a2", 2.8, "A"), claim("b1", 2.5, "B")]
    order = rank_claims(claims, [], 0.75, 0.0, 0.0)
    assert [c.sentence for c in order] == ["a1", "b1", "a2"]


def test_a_claim_naming_a_term_no_card_names_yet_goes_first():
    claims = [claim("dropout drops units", 3.0, "A"),
              claim("dropout rescales the rest", 2.9, "B"),
              claim("weight decay shrinks weights", 2.6, "C")]
    order = rank_claims(claims, ["dropout", "weight decay"], 0.0, 0.75, 0.75)
    assert [c.sentence for c in order] == [
        "dropout drops units", "weight decay shrinks weights", "dropout rescales the rest"]


def test_dropped_claims_come_last_and_are_kept():
    claims = [claim("gone", 9.0, dropped=Drop.TOO_SHORT), claim("kept", 1.0)]
    order = rank_claims(claims, [], 0.75, 0.75, 0.75)
    assert [c.sentence for c in order] == ["kept", "gone"]


def test_a_claim_that_makes_no_card_does_not_count_against_its_section():
    claims = [claim("s1 best", 5.0, "S1"), claim("s1 twin", 4.9, "S1"), claim("s1 third", 4.5, "S1"),
              claim("s2 best", 3.2, "S2")]
    made = []

    def accept(c):
        if c.sentence == "s1 twin":  # say, a near-duplicate of the first
            return False
        made.append(c.sentence)
        return True

    rank_claims(claims, [], 1.0, 0.0, 0.0, accept=accept)
    # The twin was rejected, so 's1 third' pays for one card in S1, not two.
    assert made == ["s1 best", "s1 third", "s2 best"]


def test_terms_match_whole_words_only():
    claims = [claim("another notation is small", 3.0, "A"), claim("the dropout mask", 2.9, "B"),
              claim("no dropout here", 2.8, "C")]
    order = rank_claims(claims, ["not", "dropout"], 0.0, 1.0, 1.0)
    # 'not' is not in 'another'/'notation': the first claim gains nothing from it.
    assert [c.sentence for c in order] == ["the dropout mask", "another notation is small", "no dropout here"]


def test_the_lazy_order_is_the_greedy_order():
    import random

    rng = random.Random(7)
    terms = [f"term{i}" for i in range(12)]
    claims = [claim(" ".join(rng.sample(terms, rng.randint(0, 3))) or "plain", round(rng.uniform(0, 5), 2),
                    rng.choice("ABCD")) for _ in range(60)]

    def naive(claims, spread, gain, cost):
        live, covered, cards_in, order = list(claims), set(), {}, []
        named = {id(c): {t for t in terms if t in c.sentence.split()} for c in claims}

        def g(c):
            own = named[id(c)]
            return (c.score - spread * cards_in.get(c.section, 0) + gain * min(len(own - covered), 2)
                    - cost * min(len(own & covered), 2))
        while live:
            best = max(live, key=g)
            live.remove(best)
            order.append(best)
            covered |= named[id(best)]
            cards_in[best.section] = cards_in.get(best.section, 0) + 1
        return order

    lazy = rank_claims(claims, terms, 0.75, 0.75, 0.75)
    expected = naive(claims, 0.75, 0.75, 0.75)
    assert [(c.score, c.sentence) for c in lazy] == [(c.score, c.sentence) for c in expected]


def test_key_terms_are_found_as_whole_words_only():
    from studykit.ranking import KeyTerms

    terms = KeyTerms(["Adam", "k-means", "c++", "  "])
    assert terms.named("adamw and adam differ") == {0}
    assert terms.named("adamw decouples weight decay") == set()
    assert terms.named("run k-means on the c++ port") == {1, 2}
    assert terms.count("nothing here") == 0
