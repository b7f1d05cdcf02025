"""A sentence's own noun chunks and entities, found in log time.

spaCy's `Span.noun_chunks` and `Span.ents` walk the whole doc on every call, so asking for
them sentence by sentence made a long paragraph quadratic in its length (a one-paragraph
page of 150,000 characters took minutes). The doc's chunks and entities are listed once,
kept on the doc, and each sentence takes its slice by binary search. `phrase_tokens` finds
the tokens of a phrase of a sentence by binary search over the doc's token offsets (listed once).
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Span, Token

_CHUNKS = "studykit.noun_chunks"
_ENTS = "studykit.ents"
_BOUNDS = "studykit.token_bounds"


def noun_chunks(sent: Span) -> list[Span]:
    """The sentence's noun chunks; none when the pipeline has no parser (the blank fallback)."""
    doc = sent.doc
    if not doc.has_annotation("DEP"):
        return []
    if _CHUNKS not in doc.user_data:
        doc.user_data[_CHUNKS] = list(doc.noun_chunks)
    return _within(doc.user_data[_CHUNKS], sent)


def ents(sent: Span) -> list[Span]:
    """The named entities inside the sentence."""
    doc = sent.doc
    if _ENTS not in doc.user_data:
        doc.user_data[_ENTS] = list(doc.ents)
    return _within(doc.user_data[_ENTS], sent)


def phrase_tokens(sent: Span, phrase: str) -> list[Token]:
    """The tokens of `phrase` where it first stands in `sent` ([] when it does not)."""
    doc = sent.doc
    if _BOUNDS not in doc.user_data:
        doc.user_data[_BOUNDS] = ([t.idx for t in doc], [t.idx + len(t.text) for t in doc], doc.text)
    starts, ends, text = doc.user_data[_BOUNDS]
    # the doc's text, kept once: `Span.text` joins the sentence's tokens anew on every call
    start = text.find(phrase, sent.start_char, sent.end_char)
    if start < 0 or not doc.has_annotation("TAG"):
        return []
    first = bisect_left(starts, start, sent.start, sent.end)
    last = first
    while last < sent.end and ends[last] <= start + len(phrase):
        last += 1
    return [doc[i] for i in range(first, last)]


def _within(spans: list[Span], sent: Span) -> list[Span]:
    first = bisect_left(spans, sent.start, key=_start)
    last = bisect_left(spans, sent.end, key=_start)
    return [s for s in spans[first:last] if s.end <= sent.end]


def _start(span: Span) -> int:
    return span.start
