"""Every size and time budget studykit keeps against hostile or broken input, in one place.

Each limit is enforced where its data is read (named beside it) and listed with its value
in docs/threat-model.md. A post over a budget is cut with a note that names it and says
what to do; the rest of the run goes on.
"""

from __future__ import annotations

# A post's body (studykit/sources/gate.py). The longest article of the corpus is under
# 100,000 characters; past this the rest of the post is not read.
POST_CHARACTERS = 300_000
# Paragraphs (blank-line separated blocks) of one post read (studykit/sources/gate.py).
POST_BLOCKS = 3_000
# Headings of one post read (studykit/sources/gate.py): key terms are found per heading.
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
