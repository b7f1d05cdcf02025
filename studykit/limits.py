"""Every size and time budget studykit keeps against hostile or broken input, in one place.

Each limit is enforced where its data is read (named beside it) and listed with its value
in docs/threat-model.md. A post over a budget is cut with a note that names it and says
what to do; the rest of the run goes on.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from studykit.errors import StudykitError

# A post's body (studykit/sources/gate.py). The longest article of the corpus is under
# 100,000 characters; past this the rest of the post is not read.
POST_CHARACTERS = 300_000
# Paragraphs (blank-line separated blocks) of one post read (studykit/sources/gate.py).
POST_BLOCKS = 3_000
# Headings of one post read (studykit/sources/gate.py): key terms are found per heading.
POST_HEADINGS = 600
# Characters handed to spaCy at once (studykit/nlp.py): one piece of a longer paragraph,
# which goes in pieces, or one batch of shorter ones. Far below spaCy's own
# 1,000,000-character limit (error E088); spaCy's memory grows with a batch's tokens.
NLP_PIECE = 20_000
# One formula's LaTeX (studykit/formulas.py): a longer one makes no card.
FORMULA_CHARACTERS = 4_000
# Front matter of a Markdown post (studykit/sources/markdown.py); YAML aliases are refused.
FRONT_MATTER_CHARACTERS = 65_536
# A local document read whole: a file, or standard input (studykit/sources/markdown.py,
# studykit/sources/stdin.py).
DOCUMENT_BYTES = 20_000_000
# A whole HTTP response, headers to last byte (studykit/sources/fetch.py), beside the
# per-read timeout: a server trickling bytes cannot hold a run.
RESPONSE_SECONDS = 60.0
# Entries read from one feed per run (studykit/sources/feed.py): the newest first.
# `STUDYKIT_FEED_ENTRIES` (1 to 100,000) raises or lowers it.
FEED_ENTRIES = 200
FEED_ENTRIES_VARIABLE = "STUDYKIT_FEED_ENTRIES"
# A post's publication date, from front matter, a page or a feed entry
# (studykit/sources/dates.py), and a deck spec's `since` (studykit/deckspec.py): a date
# outside this range is no date, so none overflows when converted, compared or stored.
EARLIEST_DATE = datetime(1000, 1, 1, tzinfo=timezone.utc)
LATEST_DATE = datetime(9000, 1, 1, tzinfo=timezone.utc)


def feed_entries() -> int:
    """The feed entry budget: `STUDYKIT_FEED_ENTRIES` when it is a whole number from 1 to
    100,000, else `FEED_ENTRIES` (a bad value is refused with an error naming it)."""
    raw = os.environ.get(FEED_ENTRIES_VARIABLE, "").strip()
    if not raw:
        return FEED_ENTRIES
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise StudykitError(f"{FEED_ENTRIES_VARIABLE}={raw[:20]!r}: expected a whole number "
                            "from 1 to 100,000 (entries read per feed)")
    return int(raw)
