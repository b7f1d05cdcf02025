"""Every size and time budget studykit keeps against hostile or broken input, in one place.

Each limit is enforced where its data is read (named beside it) and listed with its value
in docs/threat-model.md. A post over a budget is cut with a note that names it and says
what to do; the rest of the run goes on.
"""

from __future__ import annotations

# A post's prose reaching spaCy (studykit/extract.py). A long technical article is
# 50,000-150,000 characters; past this the rest of the post is not read.
POST_CHARACTERS = 600_000
# Blocks (paragraphs, list items, headings...) of one post read (studykit/extract.py).
POST_BLOCKS = 6_000
# Headings of one post that count as its key terms and sections (studykit/extract.py).
POST_HEADINGS = 600
# One piece of text handed to spaCy at once; a longer paragraph goes in pieces
# (studykit/nlp.py), far below spaCy's own 1,000,000-character limit (error E088).
NLP_PIECE = 20_000
# One formula's LaTeX (studykit/formulas.py): a longer one makes no card.
FORMULA_CHARACTERS = 4_000
# Front matter of a Markdown post (studykit/sources/markdown.py); YAML aliases are refused.
FRONT_MATTER_CHARACTERS = 65_536
# A whole HTTP response, headers to last byte (studykit/sources/fetch.py), beside the
# per-read timeout: a server trickling bytes cannot hold a run.
RESPONSE_SECONDS = 60.0
# Entries read from one feed per run (studykit/sources/feed.py): the newest first.
FEED_ENTRIES = 200
