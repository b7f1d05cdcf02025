"""Deck specs: the TOML files in `decks/` that `studykit build` runs.

A spec names its sources, the filters that pick posts and cards, and its outputs::

    name = "Sample blog"                 # optional; default: the file name
    deck_root = "Studykit"               # Anki decks are <deck_root>::<Series>
    sources = ["../data/feed.xml", "https://example.org/index.xml", "~/notes/posts/"]

    [filters]                            # all optional
    include_series = ["Signal Processing"]
    exclude_series = []
    since = 2025-01-01
    max_cards_per_post = 12
    per_1k = 9.5
    kinds = ["qa", "cloze", "formula"]

    [outputs]                            # at least one
    anki = "out/sample.apkg"
    jsonl = "out/sample.jsonl"
    store = false

Relative paths (sources and outputs) are relative to the spec file. Unknown keys are
errors. Every problem becomes a `SpecError` naming the file, the key and what is expected.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Annotated, Any

from pydantic_core import ErrorDetails
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError,
                      field_validator, model_validator)

from studykit import limits
from studykit.cards import CardOptions
from studykit.errors import StudykitError
from studykit.models import CardKind
from studykit.series import slugify

SOURCE_HINT = "a feed URL or file, an article URL or file, or a folder of posts"
_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def is_url(text: str) -> bool:
    """True for `scheme://...` (what studykit.sources.load treats as a URL)."""
    return bool(_URL.match(text))


def _check_source(source: str) -> str:
    if not source:
        raise ValueError(f"expected {SOURCE_HINT}, got an empty string")
    match = _URL.match(source)
    if match and match.group(1).lower() not in ("http", "https"):
        raise ValueError(f"expected an http:// or https:// URL or a local path, got {source!r}")
    return source


Source = Annotated[str, AfterValidator(_check_source)]


EARLIEST_SINCE = limits.EARLIEST_DATE
LATEST_SINCE = limits.LATEST_DATE
_SINCE_RANGE = (f"expected a date from {EARLIEST_SINCE:%Y-%m-%d} to before "
                f"{LATEST_SINCE:%Y-%m-%d}")


class SpecError(StudykitError):
    """A deck spec cannot be read or is not valid (a usage error: `build` exits 2)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Filters(_Strict):
    """Which posts of the sources go in the deck, and which cards each gets."""

    include_series: list[str] = Field(default_factory=list,
                                      description="only these series (names or slugs)")
    exclude_series: list[str] = Field(default_factory=list, description="never these series")
    since: datetime | None = Field(default=None, description="only posts published on or after")
    max_cards_per_post: int | None = Field(default=None, ge=1)
    per_1k: float = Field(default=CardOptions.per_1k_words, ge=0.5, le=50)
    kinds: list[CardKind] = Field(default_factory=lambda: list(CardKind), min_length=1)

    @field_validator("since", mode="before")
    @classmethod
    def _since(cls, value: Any) -> Any:
        """TOML dates, local and offset date-times, and ISO text all become UTC instants,
        from EARLIEST_SINCE to before LATEST_SINCE (the dates a Markdown post can carry)."""
        out_of_range = ValueError(f"{_SINCE_RANGE}, got "
                                  + (value.isoformat() if isinstance(value, date) else repr(value)))
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                raise ValueError("expected a date such as 2025-01-01") from None
        if isinstance(value, datetime):
            try:
                value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
            except OverflowError:  # 9999-12-31T23:59:59-10:00 is past datetime's end in UTC
                raise out_of_range from None
        elif isinstance(value, date):
            value = datetime.combine(value, time(), tzinfo=timezone.utc)
        else:
            raise ValueError("expected a date such as 2025-01-01")
        if not EARLIEST_SINCE <= value < LATEST_SINCE:
            raise out_of_range
        return value

    def card_options(self) -> CardOptions:
        return CardOptions(per_1k_words=self.per_1k, max_cards=self.max_cards_per_post,
                           kinds=frozenset(self.kinds))

    def keeps(self, series: str, published: datetime | None) -> bool:
        """True when a post of `series` published at `published` passes the filters.
        Posts without a date pass `since` (local Markdown often has none)."""
        if self.include_series and not _matches(series, self.include_series):
            return False
        if self.exclude_series and _matches(series, self.exclude_series):
            return False
        if self.since is None or published is None:
            return True
        if published.tzinfo is None:  # naive times are taken as UTC, as the readers do
            published = published.replace(tzinfo=timezone.utc)
        return published >= self.since


def _matches(series: str, names: list[str]) -> bool:
    slug = slugify(series)
    return any(slugify(name) == slug for name in names)


class Outputs(_Strict):
    """What a build writes: paths relative to the spec file."""

    anki: str | None = Field(default=None, description="an Anki package path ending in .apkg")
    jsonl: str | None = Field(default=None, description="a JSONL path (the card contract)")
    store: bool = Field(default=False, description="also add the cards to the study store")

    @field_validator("anki")
    @classmethod
    def _apkg(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().endswith(".apkg"):
            raise ValueError("expected a file name ending in .apkg")
        return value

    @field_validator("anki", "jsonl")
    @classmethod
    def _not_empty(cls, value: str | None) -> str | None:
        if value is not None and not value:
            raise ValueError("expected a file path")
        return value

    @model_validator(mode="after")
    def _something(self) -> Outputs:
        if not (self.anki or self.jsonl or self.store):
            raise ValueError("expected at least one of anki = \"FILE.apkg\", jsonl = \"FILE.jsonl\" "
                             "or store = true")
        return self


class DeckSpec(_Strict):
    """One deck spec file, validated. `file` is where it was read from."""

    name: str = ""
    deck_root: str = Field(default="Studykit", min_length=1)
    sources: list[Source] = Field(min_length=1)
    filters: Filters = Field(default_factory=Filters)
    outputs: Outputs

    _file: Path = PrivateAttr(default_factory=lambda: Path("deck.toml"))

    @field_validator("sources", mode="before")
    @classmethod
    def _source_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"expected a list of sources ({SOURCE_HINT}), e.g. [\"{value}\"]")
        return value

    @property
    def file(self) -> Path:
        return self._file

    @property
    def title(self) -> str:
        return self.name or self.file.stem

    def resolve(self, location: str) -> str:
        """A source or output as written in the spec, made absolute (URLs stay as they are)."""
        if _URL.match(location):
            return location
        path = Path(location).expanduser()
        return str(path if path.is_absolute() else (self.file.parent / path).resolve())

    def output_path(self, location: str) -> Path:
        return Path(self.resolve(location))


def load_spec(path: str | Path) -> DeckSpec:
    """Read and validate one spec file; a SpecError says file, key and what is expected."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise SpecError(f"{path}: not UTF-8 text (a deck spec is a TOML file)") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from None
    try:
        spec = DeckSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError("\n".join(f"{path}: {_describe(e)}" for e in exc.errors())) from None
    spec._file = path.resolve()
    return spec


def find_specs(targets: list[str] | tuple[str, ...], default_dir: str | Path = "decks") -> list[Path]:
    """Spec files named (a folder stands for its *.toml), or all of `default_dir`."""
    found: list[Path] = []
    for target in targets or [str(default_dir)]:
        path = Path(target).expanduser()
        if path.is_dir():
            specs = sorted(path.glob("*.toml"))
            if not specs:
                raise SpecError(f"{path}: no deck specs (*.toml) in this folder; "
                                "see decks/sample.toml for one")
            found += specs
        elif path.is_file():
            found.append(path)
        elif not targets:
            raise SpecError(f"no {path}/ folder here: name deck spec files, or run in the folder "
                            "that holds decks/")
        else:
            raise SpecError(f"{path}: no such deck spec file or folder")
    return list(dict.fromkeys(found))


_SECTIONS: dict[tuple[str, ...], type[BaseModel]] = {
    (): DeckSpec, ("filters",): Filters, ("outputs",): Outputs}


def _describe(error: ErrorDetails) -> str:
    """One pydantic error as `key 'sources[1]': expected ..., got ...`."""
    loc = list(error["loc"])
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        model = _SECTIONS.get(tuple(str(p) for p in loc[:-1]))
        allowed = ", ".join(model.model_fields) if model else ""
        return f"key '{_key(loc)}': unknown key" + (f" (expected one of: {allowed})" if allowed else "")
    if kind == "missing":
        return f"key '{_key(loc)}': missing (expected {_expected(loc)})"
    message = re.sub(r"^Value error, ", "", error["msg"])
    message = re.sub(r"^Input should be", "expected", message)
    message = re.sub(r"^expected greater than or equal to", "expected a number of at least", message)
    message = re.sub(r"^expected less than or equal to", "expected a number of at most", message)
    if kind == "string_type" and loc[:1] == ["sources"]:
        message = f"expected {SOURCE_HINT}, as a string"
    message = re.sub(r"^(List|String) should have at least 1 (item|character).*",
                     lambda m: "expected at least one " + ("item" if m.group(1) == "List" else "character"),
                     message)
    if not loc:
        return message
    shown = "" if "got" in message or isinstance(given, dict) else f", got {given!r}"
    return f"key '{_key(loc)}': {message}{shown}"


def _expected(loc: list[str | int]) -> str:
    if loc == ["sources"]:
        return f"a list of sources: {SOURCE_HINT}"
    if loc == ["outputs"]:
        return "an [outputs] table with anki, jsonl or store"
    return "a value"


def _key(loc: list[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
