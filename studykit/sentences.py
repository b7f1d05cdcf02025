"""Sentence boundaries: the one home of splitting prose into sentences.

Two tools. `split` and `split_prose` cut plain text at `. ! ?` without spaCy (formula
lead-ins and explanations, list intros); `mend` repairs the sentences spaCy found in a
paragraph. Where the next sentence may start is a `SentenceStart`: callers differ on
purpose (a lead-in may end in math; a formula's label may follow any boundary).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING

from studykit import latex

if TYPE_CHECKING:  # this module never loads spaCy itself
    from spacy.tokens import Doc, Span


class SentenceStart(Enum):
    """What may follow a sentence's `. ! ?` and whitespace for a new sentence to begin."""

    ANY = re.compile(r"(?<=[.!?])\s+")
    CAPITAL = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
    CAPITAL_OR_MATH = re.compile(r"(?<=[.!?])\s+(?=[A-Z$])")


# 'e.g. ResNet-8' and 'Fig. 3' go on: a full stop after one of these ends no sentence.
_PROSE_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|cf|vs|et al|et|ca|Fig|Eq|approx)\.)$", re.I)
# 'Warmup helps (Goyal et al., 2017.)' ends a sentence; '(cf. Ba et al.)', 'et al.' and the
# misspelt 'et. al' do not
_SPACY_ABBREVIATION = re.compile(r"\b(?:et al|et|cf|e\.g|i\.e|vs|ca)\.[)\]]?$")
_ENDS_SENTENCE = re.compile(r"[.!?:][\"”’')\]]*$")
# a sentence ends inside a phrase: '. ! ?' after a word of two letters or more, then a capital
# (an initial, 'Rudolf E. Kalman', and 'et al.', 'vs.' end none)
_END_INSIDE = re.compile(r"(?<!\bal)(?<!\bvs)(?<=\w\w)[.!?]\s+[A-Z]")


def ends_inside(phrase: str) -> bool:
    """True when a sentence ends inside `phrase` ('bandwidth B. Kotelnikov'): no one span."""
    return bool(_END_INSIDE.search(phrase))


def split(text: str, start: SentenceStart = SentenceStart.CAPITAL_OR_MATH) -> list[str]:
    """`text` (stripped) cut after each `. ! ?` where `start` says a sentence may begin."""
    return start.value.split(text.strip())


def split_prose(text: str) -> list[str]:
    """Sentences of prose, where an abbreviation ('e.g.', 'Fig.') ends no sentence."""
    merged: list[list[str]] = []
    for piece in split(text):
        if merged and _PROSE_ABBREVIATION.search(merged[-1][-1][-8:]):
            merged[-1].append(piece)  # "(e.g. ResNet-8 ...)" goes on
        else:
            merged.append([piece])
    return [" ".join(group) for group in merged]


def mend(doc: Doc) -> list[Span]:
    """spaCy's sentences, with wrong splits mended: a 'sentence' that starts in lower case,
    with a symbol ('[0, 1] for BCE') or with inline math ('$y_i$ so as ...': spaCy may cut
    before a formula) after one that did not end a sentence (. ! ? or :, maybe inside a
    closing quote or bracket), or that follows an 'et al.' or opens with '=' ('3! = 6'),
    continues it."""
    merged: list[Span] = []
    previous = ""  # the last spaCy sentence's text: the merged span may be long
    for sent in doc.sents:
        text = sent.text.strip()
        opens_sentence = text[:1].isupper() and not latex.PLACEHOLDER_RE.match(text)
        if merged and ((not opens_sentence and not _ENDS_SENTENCE.search(previous))
                       or _SPACY_ABBREVIATION.search(previous) or text.startswith("=")):
            merged[-1] = doc[merged[-1].start:sent.end]
        else:
            merged.append(sent)
        previous = sent.text.rstrip()
    return merged
