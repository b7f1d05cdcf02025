"""How common a word is in general English (Zipf scale: 7 for 'the', 3 for rare words).

The list is wordfreq's (`studykit/data/english_zipf.txt`, written by
`training/train_ranker.py`), words at Zipf 3.0 and above; a word not in it is rarer. Read
once per process. Rare words name technical things: they make a sentence distinctive and a
cloze deletion worth recalling.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

RARE_ZIPF = 3.0  # below this a word is rare in general English (a technical term)


@lru_cache(maxsize=1)
def table() -> dict[str, float]:
    """Word -> Zipf frequency band."""
    text = resources.files("studykit.data").joinpath("english_zipf.txt").read_text("utf-8")
    rows = (line.split("\t", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {word: float(band) for band, words in rows for word in words.split()}


def words(text: str) -> list[str]:
    """The words of `text` in lower case, in order: runs of letters, digits and '_'."""
    return re.findall(r"\w+", text.lower())


def zipf(word: str) -> float:
    """The word's Zipf frequency; 0.0 when it is rarer than the list goes."""
    return table().get(word.lower(), 0.0)


EVERYDAY_ZIPF = 4.5  # 'history', 'game', 'mind' are 4.5 and above; 'gradient', 'dropout' are 3.0
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")


def is_everyday(phrase: str, opens_sentence: bool = False) -> bool:
    """'game', 'first time', 'few more notes': only everyday words, no name, number or math.
    Such a deletion asks for nothing a learner needs a card to recall (labelled cards: 5 kept
    of 28). A capital that only opens the sentence ('Notice ...') does not make a name."""
    if re.search(r"[\d$]", phrase):
        return False
    if opens_sentence:
        phrase = phrase[:1].lower() + phrase[1:]
    words = _WORD.findall(phrase)
    return bool(words) and all(w.islower() and zipf(w) >= EVERYDAY_ZIPF for w in words)
