"""Property-based tests: arbitrary text and math never crash the pure stages, and cards
keep their invariants (stable ids, no empty side, cloze syntax intact)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studykit import blocks, latex
from studykit.cards import CardOptions, select_cards
from studykit.extract import extract
from studykit.models import Post
from studykit.terminal_text import card_text, latex_to_unicode

MATHY = st.lists(st.sampled_from(list("abxyz_^{}\\$()[]+-=*/ 0123\n|&") +
                                 ["\\frac", "\\sum", "\\alpha", "$$", "\\(", "\\)",
                                  "\\[", "\\]", "\\begin{align}", "\\end{align}"]),
                 max_size=60).map("".join)
PROSE = st.text(max_size=300)
WORDS = st.lists(st.sampled_from(
    ["The", "gate", "**update gate**", "keeps", "25%", "of", "the", "state", "in", "1997", ".",
     "Hinton", "showed", "that", "$z_t$", "$$h = W x$$", "\n\n", "## Gates\n\n", "- item",
     "| a | b |\n|---|---|\n| x | **1** |\n", "It", "This", "called", "**", "`code`", "$5", ":"]),
    max_size=60).map(" ".join)


@given(st.one_of(PROSE, MATHY))
def test_find_math_spans_are_ordered_non_overlapping_and_inside_the_text(text):
    spans = latex.find_math(text)
    last = 0
    for span in spans:
        assert last <= span.start < span.end <= len(text)
        assert span.latex in text[span.start:span.end]
        last = span.end


@given(st.one_of(PROSE, MATHY))
def test_protect_then_restore_gives_the_source_back(text):
    protected, spans = latex.protect(text)
    assert latex.restore(protected, spans, dollars=False) == text


@given(st.one_of(PROSE, MATHY, WORDS))
def test_block_parsing_never_fails(text):
    doc = blocks.parse(text)
    for block in doc.blocks:
        assert block.text.strip()
        doc.restore(block.text)


@given(st.one_of(PROSE, MATHY))
def test_unicode_rendering_never_fails_and_never_lets_escapes_through(text):
    rendered = card_text(text + "\x1b[31m").plain
    assert "\x1b" not in rendered
    latex_to_unicode(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(WORDS, PROSE, MATHY), title=st.text(min_size=1, max_size=40))
def test_cards_from_arbitrary_posts_have_two_sides_stable_ids_and_valid_cloze(nlp, body, title):
    post = Post(title=title, url="https://x.example/p/", body=body)
    options = CardOptions(min_cards=10, per_1k_words=50)
    first = select_cards(extract(post, nlp), options).cards
    second = select_cards(extract(post, nlp), options).cards
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)
    for card in first:
        assert card.front.strip() and card.back.strip()
        if card.kind == "cloze":
            assert re.search(r"\{\{c1::.+?\}\}", card.cloze, flags=re.S)
            for deletion in re.findall(r"\{\{c\d+::(.*?)\}\}", card.cloze, flags=re.S):
                assert "}}" not in deletion


@given(st.text(alphabet="ab _-é1\u0301", max_size=12), st.text(alphabet="ab _-é1\u0301", min_size=1, max_size=3))
def test_whole_word_count_finds_what_the_regex_finds(text, target):
    from studykit.cloze import word_count

    assert word_count(text, target) == len(re.findall(rf"(?<!\w){re.escape(target)}(?!\w)", text))
