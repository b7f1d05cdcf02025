"""Shared fixtures and helpers: paths to the sample data and the shared corpus, a loaded spaCy model, a
fake clock, and the check of a one-line `studykit: error:` refusal."""

from __future__ import annotations

import importlib.util
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

# Under CI the property tests draw the same examples on every run, so a landing is never
# decided by luck; a local run draws new ones each time and is where new cases are found.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
EVAL_DEV = SHARED / "eval-dev"
MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def one_error_line(stderr: str, *names: str) -> str:
    """The single `studykit: error:` line of a refusal; it names every one of `names`."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studykit: error: "), stderr
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def load_script(path: Path, name: str) -> ModuleType:
    """A script of training/ (not a package) loaded as module `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class Clock:
    """A fake clock the library and the app read; tests move it by hand."""

    def __init__(self, now: datetime = MONDAY_NOON) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real third-party corpus beside the repo; tests skip when it is absent."""
    if not (CORPUS / "articles").is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(scope="session")
def nlp():
    from studykit import nlp as nlp_mod

    return nlp_mod.load()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Every test gets its own data directory: no test touches the user's files."""
    monkeypatch.setenv("STUDYKIT_HOME", str(tmp_path / "studykit-home"))
