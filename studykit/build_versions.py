"""Fingerprints of the code that shapes what a build caches: change one and the cached work
it covers is done again (extractions and card selections; written Anki packages)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from studykit.spacy_model import model_names

# Bump to throw away every cached extraction and card selection. Code changes do that by
# themselves (see `extractor_version`, which also reads the ranker's data files); this is
# for the rest.
EXTRACTOR_VERSION = "1"
# Modules that cannot change what cards are made: editing them keeps the cache valid.
# (sanitize.py is not one: the gate and every card's text pass its strip_controls.)
_NOT_CARD_CODE = {"session.py", "schedule.py", "anki.py", "field_html.py", "export.py",
                  "due.py", "stats.py", "replay.py", "timespan.py",
                  "terminal_text.py", "explain.py", "paths.py", "errors.py",
                  "__init__.py", "build.py", "cache.py", "deckspec.py", "progress.py",
                  "extraction_pool.py", "build_plan.py", "build_report.py", "build_selection.py",
                  "build_sources.py", "build_versions.py", "build_writers.py"}
_PACKAGE = Path(__file__).resolve().parent  # studykit/


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A fingerprint of everything that shapes claims and cards: `EXTRACTOR_VERSION`, the
    spaCy model and version, the source of studykit's extraction and card modules, and the
    ranker's weights and word list."""
    from studykit import cards as cards_mod

    digest = hashlib.sha256()
    digest.update(f"{EXTRACTOR_VERSION}|{getattr(cards_mod, 'EXTRACTOR_VERSION', '')}|".encode())
    digest.update(f"{_model_identity()}|spacy=={distribution_version('spacy')}|".encode())
    model_data = sorted((_PACKAGE / "data").glob("*.json")) + sorted((_PACKAGE / "data").glob("*.txt"))
    for path in sorted(_PACKAGE.rglob("*.py")) + model_data:  # a retrained ranker changes cards too
        relative = path.relative_to(_PACKAGE).as_posix()
        if relative in _NOT_CARD_CODE or relative.startswith(("cli/", "tui/", "store/")):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def _model_identity() -> str:
    for name in model_names():
        if name == "blank":
            break
        if Path(name).is_dir():  # spaCy also loads a model from a folder
            meta = Path(name) / "meta.json"
            return f"{Path(name).resolve()}@{meta.stat().st_mtime_ns if meta.exists() else 0}"
        found = distribution_version(name)
        if found:
            return f"{name}=={found}"
    return "blank"


@lru_cache(maxsize=1)
def anki_code_version() -> str:
    """The code that writes an Anki package: a change rewrites every package."""
    digest = hashlib.sha256()
    for name in ("anki.py", "field_html.py", "cloze.py", "inline_markdown.py", "sanitize.py", "latex.py"):
        digest.update((_PACKAGE / name).read_bytes())
    return digest.hexdigest()[:16] + "|genanki==" + distribution_version("genanki")


def distribution_version(distribution: str) -> str:
    """The installed version of a distribution, "" when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""
