"""What a cloze deletion would ask for: the features of one span of a claim as the blank.

A claim lists the spans a cloze card could blank out (`Claim.cloze_targets`); each gets the
features here. `in_sentence` reads the span against its own sentence (its words' rarity,
numbers, names, syntax) when the claim is judged; `in_post` against the whole post (is it
the post's topic, a heading, a bold term, how often the post says it) once the post is
known. The deletion model (`ranker.load_deletion`, fitted by `training/train_deletions.py`
on our good/trivial labels of deletions) turns them into a value: the card blanks the
span of highest value (`deletions`).
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from studykit import deletions, doc_index, english, latex, numbers
from studykit.ranker import Features

MAX_WORDS = 6
MAX_ZIPF = 8.0  # 'the' is about 7.7
MAX_MENTIONS = 8
MAX_DENSITY = 3.0  # mentions per 1,000 characters: a post's topic term is said in almost every paragraph
_WORD = re.compile(r"[A-Za-z][A-Za-z\-'’]*")
_NAME_LABELS = ("PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "NORP", "EVENT", "LAW")
_FUNCTION_OPENERS = ("ADP", "CCONJ", "SCONJ", "ADV", "PART", "AUX", "VERB", "PRON")


def in_sentence(sent: Span, text: str, target: str, *, bold: list[str], people: list[str],
                term: str) -> Features:
    """The span `target` of the sentence `text` (math as placeholders; `sent` its parse)."""
    words = _WORD.findall(latex.PLACEHOLDER_RE.sub(" ", target))
    zipfs = [english.zipf(w) for w in words if len(w) > 2] or [MAX_ZIPF / 2]
    tokens = doc_index.phrase_tokens(sent, target)
    at = text.find(target)
    return {
        "del_words": min(len(target.split()), MAX_WORDS) / MAX_WORDS,
        "del_single": float(len(target.split()) == 1 and not any(c.isdigit() for c in target)),
        "del_rarest": 1.0 - min(zipfs) / MAX_ZIPF,
        "del_commonest": max(zipfs) / MAX_ZIPF,
        "del_everyday": float(english.is_everyday(target, opens_sentence=at == 0)),
        "del_digits": float(bool(re.search(r"\d", target))),
        "del_year": float(any(numbers.is_year(w) for w in target.split())),
        "del_percent": float("%" in target),
        "del_math": float(target.startswith("$") or bool(latex.PLACEHOLDER_RE.search(target))),
        "del_acronym": float(any(len(w) >= 2 and w.isupper() and w.isalpha() for w in words)),
        "del_capital": float(any(w[:1].isupper() for w in (words[1:] if at == 0 else words))),
        "del_person": float(target in people),
        "del_bold": float(target in bold),
        "del_term": float(bool(term) and target == term),
        "del_name": float(any(e.label_ in _NAME_LABELS and (e.text in target or target in e.text) for e in doc_index.ents(sent))),
        "del_verb": float(any(t.pos_ in ("VERB", "AUX") for t in tokens)),
        "del_function_opener": float(bool(tokens) and tokens[0].pos_ in _FUNCTION_OPENERS),
        "del_subject": float(any(t.dep_ in ("nsubj", "nsubjpass") for t in tokens)),
        "del_opens": float(at == 0),
        "del_position": max(at, 0) / max(len(text), 1),
        "del_cited": float(numbers.cited(target, text)),
        "del_hyphen": float("-" in target),
    }


class PostIndex:
    """What `in_post` reads of a post, indexed once: its words in order (where each stands),
    its headings', title's and bold terms' words."""

    def __init__(self, *, title: str, headings: list[str], bold_terms: list[str], post_text: str) -> None:
        self.title_words = {w.lower() for w in _WORD.findall(title)}
        self.bold = {tuple(english.words(b)) for b in bold_terms}
        self.words = english.words(post_text)
        self.chars = max(len(post_text), 1)
        self.at: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.at.setdefault(word, []).append(i)
        self.most = max((len(at) for w, at in self.at.items() if len(w) > 3 and english.zipf(w) < english.EVERYDAY_ZIPF),
                        default=1)
        self.headings_text = "\n".join(f" {' '.join(english.words(h))} " for h in headings)
        self._said: dict[tuple[str, ...], int] = {}

    def mentions(self, words: list[str]) -> int:
        """How often the post says these words in a row (each phrase counted once per post:
        a post may ask for the same phrase many times)."""
        key = tuple(words)
        if words and key not in self._said:
            # walk the places of the phrase's rarest word: a phrase opening with a word the post
            # says thousands of times stays cheap
            anchor = min(range(len(words)), key=lambda k: len(self.at.get(words[k], ())))
            self._said[key] = sum(self.words[i - anchor:i - anchor + len(words)] == words
                                  for i in self.at.get(words[anchor], []) if i >= anchor)
        return self._said.get(key, 0)

    def in_heading(self, words: list[str]) -> bool:
        return bool(words) and f" {' '.join(words)} " in self.headings_text


def in_post(target: str, post: PostIndex) -> Features:
    """The span against its post: its title, headings, bold terms, how often it is said."""
    words = english.words(target)
    long_words = {w for w in words if len(w) > 2}
    mentions = post.mentions(words)
    return {
        "del_in_title": len(long_words & post.title_words) / len(long_words) if long_words else 0.0,
        "del_in_heading": float(post.in_heading(words)),
        "del_bold_in_post": float(tuple(words) in post.bold),
        deletions.MENTIONS_FEATURE: min(mentions, MAX_MENTIONS) / MAX_MENTIONS,
        "del_topic_density": min(mentions * 1000 / post.chars, MAX_DENSITY) / MAX_DENSITY,
        deletions.TOPIC_SHARE_FEATURE: min(mentions / post.most, 1.0),
    }
