"""Stop words: the one home of the lists that tell function words from content words.

- `english()`: spaCy's English list, loaded on first use (importing spaCy costs about a
  second, and card ids, options and the store must not pay it).
- `TABLE_ROW`: the few words left out of a table row's words, which stand in for the
  content words spaCy finds in a sentence (`salience.content_words`).
"""

from __future__ import annotations

from functools import lru_cache

TABLE_ROW = frozenset("the and for with from that this are was were has have its not but can".split())


@lru_cache(maxsize=1)
def english() -> frozenset[str]:
    """spaCy's English stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
