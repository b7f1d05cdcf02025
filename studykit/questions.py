"""Turn simple factual sentences into real questions.

Only patterns the dependency parse makes safe are rewritten; anything else stays a
cloze card. Today: "X introduced Y in 1997." -> "In what year did X introduce Y?".
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from studykit import latex, numbers

MAX_WORDS = 22


def year_question(sent: Span) -> tuple[str, str] | None:
    """("In what year did Kingma and Ba propose Adam?", "2014") or None."""
    if (not sent.doc.has_annotation("DEP") or len(sent) > MAX_WORDS + 2
            or latex.PLACEHOLDER_RE.search(sent.text)):
        return None
    root = sent.root
    subject = [t for t in root.children if t.dep_ == "nsubj"]
    year_prep = [t for t in root.children if t.dep_ == "prep" and t.lower_ == "in"
                 and any(numbers.is_year(c.text) for c in t.children)]
    if (root.tag_ != "VBD" or root.pos_ != "VERB" or not root.lemma_
            or len(subject) != 1 or len(year_prep) != 1 or subject[0].pos_ == "PRON"):
        return None  # no simple past verb with one subject and one 'in <year>'
    year = next(c.text for c in year_prep[0].children if numbers.is_year(c.text))
    skip = set(range(year_prep[0].left_edge.i, year_prep[0].right_edge.i + 1))
    subj = sent.doc[subject[0].left_edge.i:subject[0].right_edge.i + 1].text
    words = sent[:-1] if sent[-1].is_punct else sent  # without its closing punctuation
    rest = [t for t in words if t.i > root.i and t.i not in skip and not (t.dep_ == "cc" and t.head == root)]
    if any(t.dep_ in ("conj", "advcl", "ccomp") and t.head == root for t in rest):
        return None  # two clauses: too much for one question
    obj = "".join(t.text_with_ws for t in rest).strip().rstrip(",;: ")
    obj = re.sub(r"\s+,", ",", re.sub(r",\s*,", ",", obj))
    return (f"In what year did {subj} {root.lemma_} {obj}?", year) if obj and year not in obj else None
