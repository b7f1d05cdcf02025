"""Which words a post is about, and how central each sentence is to them.

A word weighs more the more often the post uses it, and more again when the author put
it in bold, a heading or the title. A sentence's salience is the weight of its distinct
content words, damped by its length, scaled so the post's most central sentence gets 1.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from spacy.tokens import Span

from studykit import latex

CONTENT_POS = {"NOUN", "PROPN", "ADJ", "VERB"}
WORD = re.compile(r"[A-Za-z][\w\-]{2,}")


def content_words(sent: Span) -> set[str]:
    return {t.lower_ for t in sent
            if t.pos_ in CONTENT_POS and not t.is_stop and len(t.text) > 2
            and not latex.PLACEHOLDER_RE.fullmatch(t.text)}


def term_weights(sentences: list[set[str]], emphasised: list[str]) -> dict[str, float]:
    """log-frequency weights, boosted for words of bold terms, headings and the title."""
    counts = Counter(w for words in sentences for w in words)
    boost = Counter(w.lower() for text in emphasised for w in WORD.findall(text))
    return {w: math.log1p(n) * (1.0 + min(boost[w], 3) * 0.5) for w, n in counts.items()}


def sentence_salience(sentences: list[set[str]], weights: dict[str, float]) -> list[float]:
    # fsum: a set's order changes with the hash seed, and a plain sum's last digits with it
    raw = [math.fsum(weights.get(w, 0.0) for w in words) / math.sqrt(len(words) or 1)
           for words in sentences]
    top = max(raw, default=0.0) or 1.0
    return [r / top for r in raw]
