"""The data that flows through the pipeline: Post -> Formula/Claim -> Card.

Every stage is a plain function over these pydantic models, so a script can
build, inspect or serialise any intermediate result.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from studykit import series as series_mod


class CardKind(StrEnum):
    """What a card asks: a question, a deletion, or a formula. The value is the JSON's `kind`."""

    QA = "qa"
    CLOZE = "cloze"
    FORMULA = "formula"


class ClaimKind(StrEnum):
    """What kind of fact a claim states. The value is a card's `claim_kind`."""

    DEFINITION = "definition"
    DATE = "date"
    PERSON = "person"
    NUMBER = "number"
    COMPARISON = "comparison"
    MECHANISM = "mechanism"
    KEY_POINT = "key_point"


class Drop(str, Enum):
    """Why a candidate became no card. The value is what `inspect` prints."""

    TOO_SHORT = "too short to stand alone"
    TOO_LONG = "too long for one card"
    LEAD_IN = "a lead-in or a question, not a statement"
    UNFINISHED = "unfinished: it stops mid-sentence"
    ABOUT_ARTICLE = "talks about the article, not the subject"
    ABOUT_WRITER = "about the writer ('I', 'my'): an anecdote, not a fact of the subject"
    NEEDS_FIGURE = "points at a figure: the card would need the picture"
    QUOTATION = "a quoted statement (often a myth the author debunks), not the author's claim"
    PRONOUN = "starts with words that lean on the sentence before ('It', 'Another') or point at people ('We', 'He')"
    MOSTLY_MATH = "mostly math"
    NAME_LIST = "a run of names with no verb (a listing or program output), not a statement"
    TYPESET_PROSE = "prose or numbers typeset as math, not a formula"
    NO_SUBJECT = "no subject of its own: it finishes the sentence of the list's lead-in"
    MERGED = "merged with the sentence after it"
    RUNS_INTO_FORMULA = "unfinished: the sentence goes on in a display formula"
    FINISHES_FORMULA = "finishes the sentence of the display formula above"
    OVER_BUDGET = "over the post's card budget"
    LOW_VALUE = "valued below the least a card must be worth"
    LIKELY_DISCARDED = "a learner would likely throw this card away (the keep filter)"
    ON_FORMULA_CARD = "already on the back of a formula card"
    NEAR_DUPLICATE = "near-duplicate of a claim already on a card (this post or its series)"
    SAME_NUMBER = "states a number already on a card"
    NO_ANSWER = "no short answer or cloze target in it"
    SAME_QUESTION = "asks a question another claim of the post asks first"
    OVERLAPS = "shares a sentence with a card already made"
    FORMULA_SHARE = "over the formula share of the budget"
    IN_SERIES = "already carded in an earlier post of the series"


# what the pick decides (a candidate can stand alone but makes no card this time); every other
# drop is about the sentence or formula itself and holds whatever the pick does
SELECTION_DROPS = frozenset({Drop.OVERLAPS, Drop.OVER_BUDGET, Drop.LOW_VALUE, Drop.LIKELY_DISCARDED,
                             Drop.ON_FORMULA_CARD, Drop.NEAR_DUPLICATE, Drop.SAME_NUMBER, Drop.NO_ANSWER,
                             Drop.SAME_QUESTION, Drop.FORMULA_SHARE, Drop.IN_SERIES})


class Origin(str, Enum):
    """What part of a post a claim comes from."""

    SENTENCE = "sentence"
    TABLE_ROW = "table row"
    PAIR = "two adjacent sentences"
    ASKED = "a question the post asks and its answer"


def content_hash(text: str) -> str:
    """A short, stable fingerprint of a post body (used to skip unchanged posts)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Models are built on first use, not at import: the review UI starts ~0.1 s sooner.
_LAZY = ConfigDict(defer_build=True)


class Post(BaseModel):
    """One article, whatever it came from (feed entry, web page, Markdown file)."""

    model_config = _LAZY

    title: str
    url: str = Field(description="Canonical link; a file:// URL for local files")
    body: str = Field(description="Markdown-ish text; math kept verbatim between its delimiters")
    published: datetime | None = None
    series: str = "Standalone"
    part: int | None = None
    tags: list[str] = Field(default_factory=list)
    summary: str = ""
    source: str = Field(default="", description="What the user named: path or URL")
    notes: list[str] = Field(
        default_factory=list, description="What went wrong but was recovered, for the user"
    )

    @property
    def hash(self) -> str:
        return content_hash(self.title + "\n" + self.body)


def post_key(post: Post) -> str:
    """Stable key of a post: series and title slugs (same article from feed or file)."""
    _, _, title = series_mod.split_title(post.title)
    return f"{series_mod.slugify(post.series)}/{series_mod.slugify(title)}"


class Formula(BaseModel):
    """A math span of a post: display equations become formula cards."""

    model_config = _LAZY

    latex: str
    display: bool
    label: str = Field(default="", description="A name from nearby words, e.g. 'update gate'")
    context: str = Field(default="", description="The sentence or lead-in before it")
    explanation: str = Field(default="", description="The sentence right after it, if it explains it")
    section: str = ""
    position: int = 0
    continues: bool = Field(default=False, description="Right after another display formula")
    features: dict[str, float] = Field(default_factory=dict, description="What the ranker reads")
    score: float = Field(default=0.0, description="The ranker's value (log-odds of a key formula)")
    dropped: Drop | None = None


class Claim(BaseModel):
    """A sentence worth remembering, with what kind of fact it states."""

    model_config = _LAZY

    sentence: str = Field(description="Plain sentence, math restored as $...$")
    kind: ClaimKind
    term: str = Field(default="", description="The key term or answer span of the claim")
    answer: str = Field(default="", description="The short answer a card asks for")
    question: str = Field(default="", description="A question whose answer is `answer`")
    score: float = Field(default=0.0, description="The ranker's value (log-odds of a key fact)")
    section: str = ""
    context: str = Field(default="", description="Section topic shown before the sentence")
    position: int = 0
    origin: Origin = Origin.SENTENCE
    end_position: int | None = Field(default=None, description="A pair's second sentence")
    features: dict[str, float] = Field(default_factory=dict, description="What the ranker reads")
    dropped: Drop | None = None
    cloze_targets: list[str] = Field(default_factory=list, description="Spans worth deleting")
    target_features: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="What the deletion model reads of each cloze target")
    years: list[str] = Field(default_factory=list, description="Years the claim names")


class Card(BaseModel):
    """A flashcard. The field names of the JSON contract must not change."""

    model_config = _LAZY

    id: str
    kind: CardKind
    front: str
    back: str
    cloze: str | None = None
    series: str
    post_title: str
    post_url: str
    tags: list[str] = Field(default_factory=list)
    deck: str = ""
    source_sentence: str = ""
    claim_kind: str = ""
    score: float = 0.0

    def contract_dict(self) -> dict[str, Any]:
        """The card as one JSON object of `studykit generate --format jsonl`."""
        data = self.model_dump()
        if data["cloze"] is None:
            del data["cloze"]
        return data
