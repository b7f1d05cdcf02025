"""What a build tells: per source, per spec and in all (`studykit build --json` prints it)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from studykit.errors import SourceError


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path relative to the working directory when it is below it, else absolute."""
    path = Path(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class Failure:
    """Something that could not be read or written; the rest of the build went on."""

    source: str
    reason: str
    hint: str = ""

    @classmethod
    def of(cls, error: SourceError) -> Failure:
        return cls(error.source, error.reason, error.hint)

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}" + (f" ({self.hint})" if self.hint else "")


class SourceStatus(StrEnum):
    """How a source was read this run."""

    READ = "read"
    UNCHANGED = "unchanged"  # HTTP 304, or a local folder whose files did not change
    PARTIAL = "partial"      # some of it failed
    FAILED = "failed"


@dataclass
class SourceReport:
    source: str
    status: SourceStatus = SourceStatus.READ
    posts: int = 0
    kept: int = 0  # posts it did not give this time but had before (see `studykit.build`)


def _card_counts() -> dict[str, int]:
    return dict.fromkeys(("total", "new", "changed", "unchanged", "retired"), 0)


@dataclass
class SpecReport:
    """One deck spec: its sources, posts, cards and outputs."""

    spec: str
    name: str
    sources: list[SourceReport] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    posts_read: int = 0      # posts the sources gave this run
    posts_kept: int = 0      # posts kept from the last build (failed source, gone from a feed)
    posts_filtered: int = 0  # left out by the spec's filters
    posts: int = 0           # posts in the deck
    posts_extracted: int = 0  # went through spaCy this run
    posts_skipped: int = 0   # unchanged since the last build: claims (and cards) reused
    cards: dict[str, int] = field(default_factory=_card_counts)
    outputs: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed"] = [asdict(f) for f in self.failed]
        return data

    def render_text(self) -> str:
        """Its line in `studykit build`: posts, cards and the outputs written."""
        c = self.cards
        posts = (f"{self.posts} post(s) ({self.posts_extracted} extracted, {self.posts_skipped} unchanged"
                 + (f", {self.posts_filtered} filtered out" if self.posts_filtered else "")
                 + (f", {self.posts_kept} kept" if self.posts_kept else "") + ")")
        outputs = ", ".join(o["path"] + ("" if o["written"] else " (unchanged)") for o in self.outputs)
        return (f"{self.name}: {posts}, {c['total']} cards ({c['new']} new, {c['changed']} changed, "
                f"{c['retired']} retired)" + (f" -> {outputs}" if outputs else ""))


@dataclass
class BuildReport:
    specs: list[SpecReport]
    jobs: int = 1
    posts_extracted: int = 0  # distinct posts run through spaCy (shared by specs)
    http_requests: int = 0
    http_not_modified: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[tuple[str, Failure]]:
        return [(s.spec, f) for s in self.specs for f in s.failed]

    @property
    def exit_code(self) -> int:
        """0 when all went well, 1 when some source or output failed (the rest was built)."""
        return 1 if self.failed else 0

    def _total(self, name: str) -> int:
        return sum(int(getattr(s, name)) for s in self.specs)

    def to_dict(self) -> dict[str, Any]:
        cards = {k: sum(s.cards[k] for s in self.specs) for k in self.specs[0].cards} if self.specs else {}
        return {
            "exit_code": self.exit_code,
            "posts_read": self._total("posts_read"),
            "posts_kept": self._total("posts_kept"),
            "posts_filtered": self._total("posts_filtered"),
            "posts": self._total("posts"),
            "posts_extracted": self.posts_extracted,
            "posts_skipped": self._total("posts_skipped"),
            "posts_failed": len(self.failed),
            "failed": [{"spec": spec, **asdict(f)} for spec, f in self.failed],
            "cards": cards,
            "outputs": [{"spec": s.spec, **o} for s in self.specs for o in s.outputs],
            "http": {"requests": self.http_requests, "not_modified": self.http_not_modified},
            "jobs": self.jobs,
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
            "specs": [s.to_dict() for s in self.specs],
        }
