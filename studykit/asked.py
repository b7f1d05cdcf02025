"""A question the post asks and the sentence that answers it, as one question candidate.

Writers ask the questions a reader should be able to answer: "Why 47B parameters and not
8 x 7B = 56B? That's because ...", a bold "**What is teacher forcing?**" opening its
answer, or a heading ("## Why does warmup help?") over it. The writer's question becomes
the card's front and the sentence after it the back. A question qualifies only when it
stands alone: it names something (a noun, a name, a number or a formula; "the trick"
names nothing) and points back at nothing ("Why does this work?", "What does it mean?").
The answer may point back at the question ("That's because ..."): the card shows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Span

from studykit import claims as claims_mod
from studykit import latex
from studykit.blocks import Block, BlockKind, Document
from studykit.models import Claim, Drop, Origin

ASKED = "asked"  # the feature that marks the candidate, for the ranker to weigh
MIN_QUESTION_WORDS = 4
MAX_ASKED_CHARS = 330  # the question and its answer must fit one card
MAX_ANSWER_SENTENCES = 3
SHORT_ANSWER_WORDS = 12  # an answer this short is only its start
_POINTING = frozenset({"it", "this", "that", "these", "those", "they", "them", "he", "she", "him", "her"})
_ANSWERABLE = (None, Drop.PRONOUN, Drop.TOO_SHORT)  # "That is because ...", "No." still answer it
_FAQ_LABEL = re.compile(r"^[QA]\s*:\s*")  # "Q: How do I ...?" "A: Use ..."


def _asks(text: str) -> bool:
    return text.rstrip().endswith("?")


def stands_alone(question: Span) -> bool:
    """A question a card can ask without the sentences around it."""
    words = [t for t in question if not t.is_punct]
    return (_asks(question.text) and len(words) >= MIN_QUESTION_WORDS
            and not any(t.lower_ in _POINTING and t.tag_ in ("PRP", "DT") for t in words)
            and any(t.pos_ in ("PROPN", "NUM") or t.pos_ == "NOUN" and t.lemma_.lower() not in claims_mod.GENERIC_HEADS
                    or latex.PLACEHOLDER_RE.fullmatch(t.text) for t in words))


def next_question(sent: Span, position: int, question: tuple[Span, int] | None) -> tuple[Span, int] | None:
    """The question open after `sent` (read at `position`): itself when it asks; the one
    before when it is only an answer's label ("A:")."""
    if _asks(sent.text):
        return sent, position
    return question if _FAQ_LABEL.fullmatch(sent.text.strip()) else None


def _goes_on(said: str, sent: Span) -> bool:
    """Whether `sent` still belongs to the answer `said`: the answer so far is only a start
    ("Two reasons.", "No.") or `sent` points back at it ("This causes ...")."""
    return not _asks(sent.text) and (
        len(said.split()) < SHORT_ANSWER_WORDS or sent[0].lower_ in _POINTING)


def asks(block: Block) -> bool:
    """A heading that asks ("## Why does warmup help?"): the paragraph under it answers."""
    return block.kind is BlockKind.HEADING and _asks(block.plain)


def asked_claim(question: tuple[Span, int], answer: Sequence[Span], answered: Claim, block: Block,
                doc: Document) -> tuple[Claim, Span] | None:
    """The question (its span and reading position) with its answer, as one candidate; None
    when either cannot make the card. `answer` is the sentence after the question (whose
    own claim is `answered`) and the rest of its paragraph: the answer takes as many of them
    as go on with it (`_goes_on`) and fit one card. Also the span the claim was judged on:
    the question and its answer, or the answer alone under a question heading."""
    asking, position = question
    if answered.dropped not in _ANSWERABLE or not stands_alone(asking):
        return None
    asked = _FAQ_LABEL.sub("", claims_mod.clean_sentence(asking.text))
    said, end = "", answer[0]
    for sent in answer[:MAX_ANSWER_SENTENCES]:
        more = f"{said} {_FAQ_LABEL.sub('', claims_mod.clean_sentence(sent.text))}".strip()
        more = more.removeprefix(asked).strip()  # the question is not its own answer
        if said and (not _goes_on(said, sent) or len(doc.restore(f"{asked} {more}")) > MAX_ASKED_CHARS
                     or len(f"{asked} {more}".split()) > claims_mod.MAX_WORDS):
            break
        said, end = more, sent
    text = f"{asked} {said}"
    if len(doc.restore(text)) > MAX_ASKED_CHARS:
        return None
    parsed = answer[0].doc
    span = parsed[(asking if asking.doc is parsed else answer[0]).start:end.end]
    claim = claims_mod.judge(span, text, block, position, doc.inline_math(text))
    if claim.dropped:
        return None
    claim.question, claim.answer = asked, said
    claim.origin, claim.end_position, claim.context = Origin.ASKED, answered.position + answer.index(end), answered.context
    claim.features[ASKED] = 1.0
    return claim, span
