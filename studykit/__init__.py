"""studykit: technical articles in, spaced-repetition flashcards out.

The public API is importable from here; heavy parts (spaCy) load only when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "generate": "studykit.generate",
    "GenerateResult": "studykit.generate",
    "read_posts": "studykit.generate",
    "extract": "studykit.extract",
    "extract_all": "studykit.extract",
    "Extraction": "studykit.extract",
    "select_cards": "studykit.cards",
    "CardOptions": "studykit.cards",
    "load_source": "studykit.sources.load",
    "Post": "studykit.models",
    "Formula": "studykit.models",
    "Claim": "studykit.models",
    "Card": "studykit.models",
    "open_store": "studykit.store",
    "Store": "studykit.store",
    "CardFilter": "studykit.store",
    "Session": "studykit.session",
    "export_apkg": "studykit.anki",
    "export_tsv": "studykit.anki",
    "export_store": "studykit.export",
    "StudykitError": "studykit.errors",
    "SourceError": "studykit.errors",
    "FetchError": "studykit.errors",
}
__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'studykit' has no attribute {name!r}")
