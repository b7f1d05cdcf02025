"""A question a post asks and the sentence that answers it become one question card."""

from studykit.cards import select_cards
from studykit.extract import extract
from studykit.models import CardKind, Origin, Post

BODY = """# Caching

## Eviction

Why does an LRU cache evict the oldest entry first? Entries that were used recently are the likeliest ones to be read again soon.
Kernels keep page tables in memory.

Why do caches need a write policy? Two reasons. Writes must reach the disk before a crash, and readers must see them.

What limits the hit rate of a small cache? Its size limits how much of the working set it holds. This bounds
the hit rate whatever the policy. Kernels also cache directory entries.

**Q: How large should a write buffer be?** A: Twice the peak burst, so a burst never blocks the writer.

Why does this work? The buffer absorbs the burst while the disk catches up.

What is it good for? Latency, mostly.

Eviction needs bookkeeping. What is the trick? A second list keeps the order of use.

Caches speed up reads. Why not cache every row? Memory is finite and stale entries cost correctness.

## Why do caches fill up over time?

Every miss brings one more entry in, and nothing leaves until the eviction policy runs.

## Why does this matter?

Full caches evict entries that readers still want, and the hit rate falls.
"""


def _asked(nlp, body=BODY):
    extraction = extract(Post(title="Caching notes", url="file:///caching.md", body=body), nlp)
    return extraction, {c.question: c for c in extraction.claims if c.origin is Origin.ASKED}


def test_a_question_and_the_sentence_after_it_make_one_candidate(nlp):
    _, asked = _asked(nlp)
    claim = asked["Why does an LRU cache evict the oldest entry first?"]
    assert claim.answer == "Entries that were used recently are the likeliest ones to be read again soon."
    assert claim.sentence == f"{claim.question} {claim.answer}"
    assert claim.end_position == claim.position + 1
    assert claim.features["asked"] == 1.0


def test_an_answer_goes_on_while_it_only_starts_or_the_next_sentence_points_back(nlp):
    _, asked = _asked(nlp)
    short = asked["Why do caches need a write policy?"]
    assert short.answer == "Two reasons. Writes must reach the disk before a crash, and readers must see them."
    assert short.end_position == short.position + 2
    pointing = asked["What limits the hit rate of a small cache?"]
    assert pointing.answer == ("Its size limits how much of the working set it holds. "
                               "This bounds the hit rate whatever the policy.")


def test_a_bold_faq_question_opens_its_answer_without_its_labels(nlp):
    _, asked = _asked(nlp)
    assert asked["How large should a write buffer be?"].answer == (
        "Twice the peak burst, so a burst never blocks the writer.")


def test_a_question_that_points_back_or_names_nothing_asks_nothing(nlp):
    _, asked = _asked(nlp)
    assert "Why does this work?" not in asked  # 'this' is on another card, not this one
    assert "What is it good for?" not in asked
    assert "What is the trick?" not in asked  # 'the trick' is one the post set up before
    assert "Why not cache every row?" in asked  # after a statement in its paragraph
    assert "Why does this matter?" not in asked  # nor does a heading that points back
    assert len(asked) == 6


def test_the_card_asks_the_writers_question(nlp):
    extraction, asked = _asked(nlp)
    cards = select_cards(extraction).cards
    question = asked["Why does an LRU cache evict the oldest entry first?"]
    card = next(c for c in cards if c.source_sentence == question.sentence)
    assert card.kind is CardKind.QA
    assert card.front.endswith("Caching notes: Why does an LRU cache evict the oldest entry first?")
    assert card.back == "Entries that were used recently are the likeliest ones to be read again soon."


def test_math_in_a_question_is_restored(nlp):
    body = "# T\n\nWhy is $k = 2$ enough for the gate? Two experts already let the gate learn to route.\n"
    _, asked = _asked(nlp, body)
    assert list(asked) == ["Why is $k = 2$ enough for the gate?"]


def test_a_question_heading_is_answered_by_the_paragraph_under_it(nlp):
    extraction, asked = _asked(nlp)
    claim = asked["Why do caches fill up over time?"]
    assert claim.answer == "Every miss brings one more entry in, and nothing leaves until the eviction policy runs."
    answer = next(c for c in extraction.claims if c.origin is Origin.SENTENCE and c.sentence == claim.answer)
    assert claim.position == answer.position  # one sentence of the post: one card at most


def test_a_question_card_is_worth_its_answers_card_at_least(nlp):
    extraction, asked = _asked(nlp)
    question = asked["Why does an LRU cache evict the oldest entry first?"]
    answer = next(c for c in extraction.claims if c.origin is Origin.SENTENCE and c.sentence == question.answer)
    answer.score, question.score = 5.0, -2.0  # the model would rather card the answer alone
    cards = select_cards(extraction).cards
    assert [c.kind for c in cards if c.source_sentence == question.sentence] == [CardKind.QA]
    assert not [c for c in cards if c.source_sentence == answer.sentence]
