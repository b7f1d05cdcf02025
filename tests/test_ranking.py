"""Greedy claim order: score first, then spread over sections and over the post's key terms."""

from studykit.models import Claim
from studykit.ranking import rank_claims


def claim(text, score, section="A", dropped=""):
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
    claims = [claim("gone", 9.0, dropped="too short"), claim("kept", 1.0)]
    order = rank_claims(claims, [], 0.75, 0.75, 0.75)
    assert [c.sentence for c in order] == ["kept", "gone"]
