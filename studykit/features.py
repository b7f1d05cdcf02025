"""What a candidate card is described by: the one home of ranking features.

Every sentence, list, table row and display formula of a post is a candidate; these
functions describe it with named numbers a reader can check (structure, the post's own
key terms, how distinctive its words are against general English, syntax, length, and
the defects that make a learner throw a card away). The learned model in `ranker` turns
them into a value; nothing here weighs one feature against another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Span

from studykit import doc_index, english, latex, numbers
from studykit.models import Formula
from studykit.ranker import Features

MAX_WORDS = 55
COUNT_CAP = 3  # a sentence naming many key terms is not worth many cards

_COMPARISON = re.compile(r"\b(?:than|outperform\w*|faster|slower|better|worse|compared (?:to|with)|"
                         r"vs\.?|versus|whereas|unlike|instead of|rather than)\b", re.I)
_MECHANISM = re.compile(r"\b(?:because|so that|which means|therefore|prevents?|causes?|leads? to|"
                        r"allows?|enables?|ensures?|in order to)\b", re.I)
_KEY_PHRASE = re.compile(r"\b(?:key|core|main|central|crucial(?:ly)?|important|essential|"
                         r"fundamental|always|never|surprising(?:ly)?)\b", re.I)
_HEDGE = re.compile(r"\b(?:might|perhaps|arguably|possibly|probably|maybe)\b", re.I)
_READER = re.compile(r"\b(?:you|your|you're|you'll|yourself)\b", re.I)
_EXAMPLE = re.compile(r"\b(?:for instance|e\.g\.|example|suppose|imagine|say we|consider|toy)\b", re.I)
_DEICTIC_START = re.compile(r"^(?:this|that|these|those|it|its|they|here|there|such|the above|"
                            r"the following|then|so|and|but|or)\b", re.I)


def sentence_features(sent: Span, text: str, kind: str, bold_terms: list[str], stressed: bool,
                      math_sources: list[str]) -> Features:
    """The syntax, length and defect features of one sentence (math as placeholders in `text`)."""
    prose = latex.PLACEHOLDER_RE.sub(" ", text)
    words = len(text.split())
    ents = [e for e in doc_index.ents(sent) if not latex.PLACEHOLDER_RE.search(e.text)]
    numeric_math = [m for m in math_sources if numbers.NUMERIC_MATH.search(m)]
    f: Features = {
        "bold_term": float(bool(bold_terms)),
        "bold_term_opens": float(bool(bold_terms) and text.startswith(bold_terms[0])),
        "bold_stress": float(stressed and not bold_terms),
        "year": float(bool(numbers.YEAR.search(prose))),
        "person": float(any(e.label_ == "PERSON" for e in ents)),
        "quantity": float(bool(numbers.QUANTITY.search(prose) or numeric_math
                               or any(e.label_ in ("PERCENT", "QUANTITY", "MONEY") for e in ents))),
        "number": float(any(not numbers.is_year(m.group(0)) for m in numbers.NUMBER.finditer(prose))),
        "comparison": float(bool(_COMPARISON.search(prose) or any(t.tag_ in ("JJR", "RBR") for t in sent))),
        "mechanism": float(bool(_MECHANISM.search(prose))),
        "key_phrase": float(bool(_KEY_PHRASE.search(prose))),
        "hedge": float(bool(_HEDGE.search(prose))),
        "advice": float(bool(_READER.search(prose))),
        "example_talk": float(bool(_EXAMPLE.search(prose))),
        "deictic_start": float(bool(_DEICTIC_START.match(text.strip()))),
        "quoted_open": float(text[:1] in "\"“'‘"),
        "inline_math": min(len(math_sources), COUNT_CAP) / COUNT_CAP,
        "notation": float(bool(math_sources) and len(math_sources) * 4 >= words),
        "assignment": float(any("=" in m for m in math_sources) and not numeric_math),
        "words": min(words, MAX_WORDS) / MAX_WORDS,
        "short": float(words < 10),
        "long": float(words > 35),
        "item": float(kind == "item"),
        "quote": float(kind == "quote"),
        "instruction": float(is_instruction(sent)),
        "proper_noun": min(sum(t.pos_ == "PROPN" and not latex.PLACEHOLDER_RE.fullmatch(t.text) for t in sent),
                           COUNT_CAP) / COUNT_CAP,
        "no_verb": float(not any(t.pos_ in ("VERB", "AUX") for t in sent)),
        "names_share": sum(t.pos_ == "PROPN" for t in sent) / max(len(sent), 1),
        "parenthesis": float("(" in prose),
    }
    f.update(distinctiveness(t.text for t in sent if t.is_alpha and not t.is_stop))
    return f


def distinctiveness(words: Iterable[str]) -> Features:
    """How far a text's content words are from everyday English (rare ones name things)."""
    zipfs = [english.zipf(w) for w in words if len(w) > 2]
    rare = sum(z < english.RARE_ZIPF for z in zipfs)
    return {"rare_words": min(rare, COUNT_CAP) / COUNT_CAP, "rare_share": rare / (len(zipfs) or 1)}


@dataclass
class Standing:
    """Where a sentence's claim stands in its post (what its context features read)."""

    opens: bool = False
    lead: str = ""
    merged: bool = False
    follows_math: bool = False
    resolved: bool = False
    level: int = 0
    subject: str = ""
    first_in_block: bool = False
    single: bool = False


def context_features(at: Standing, *, recap: bool, index_in_section: int, position: float, salience: float,
                     key_terms: int, title_share: float, section_named: bool) -> Features:
    """Where a candidate stands in its post (its `Standing` and its section) and what of the post's own terms it names."""
    return {
        "opens_section": float(at.opens),
        "under_lead": float(bool(at.lead)),
        "credited_lead": float(bool(numbers.YEAR.search(at.lead) or "et al" in at.lead)),
        "recap": float(recap),
        "deep_section": float(at.level >= 3),
        "section_start": 1.0 - min(index_in_section, 5) / 5,
        "post_end": float(position > 0.9),
        "salience": salience,
        "key_terms": min(key_terms, COUNT_CAP) / COUNT_CAP,
        "title_words": title_share,
        "on_section_topic": float(section_named),
        "resolved_pronoun": float(at.resolved),
        "merged": float(at.merged),
        "follows_math": float(at.follows_math),
    }


def is_instruction(sent: Span) -> bool:
    """'Train the teacher on ...', 'Instead of X, match Y': a step to follow, not a fact."""
    if not sent.doc.has_annotation("DEP"):
        return False
    root = sent.root
    if (root.tag_ == "VB" and root.i > sent.start and sent.doc[root.i - 1].text == ","
            and sent[0].lower_ in _CLAUSE_OPENERS):
        return True  # 'When the model underperforms, resist ...': a base-form verb after the clause
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "aux", "auxpass") for c in root.children):
        return False
    if root.tag_ in ("VB", "VBP"):
        return all(c.dep_ in _ADVERBIAL for c in root.lefts)
    # the small model sometimes misses the verb: 'Lower the rate, double-check ...'
    first = next((t for t in sent if not t.is_punct and not t.is_space), None)
    return first is not None and first.tag_ == "VB" and first.dep_ in ("advcl", "ccomp") and first.i == sent.start


_CLAUSE_OPENERS = {"when", "whenever", "if", "unless", "for", "to", "after", "before", "once", "since",
                   "while", "in", "at", "with", "on", "during", "because", "as"}
_ADVERBIAL = {"prep", "advcl", "advmod", "npadvmod", "punct", "mark", "cc", "intj"}


def formula_features(formula: Formula, recap: bool, key_terms: int) -> Features:
    """A display formula: named or not, with a left-hand side or not, continuing the one above, how
    long, explained by the text after it, how it is introduced."""
    body = re.sub(r"\s+", "", formula.latex)
    lead = formula.context.strip()
    return {
        "formula": 1.0,
        "formula_labelled": float(bool(formula.label)),
        "formula_short": float(len(body) < 15),
        "formula_long": float(len(body) > 120),
        "formula_has_lhs": float(bool(latex.left_side(formula.latex))),
        "formula_continues": float(formula.continues),
        "formula_explained": float(bool(formula.explanation)),
        "formula_lead_colon": float(lead.endswith(":")),
        "formula_no_lead": float(not lead),
        "recap": float(recap),
        "key_terms": min(key_terms, COUNT_CAP) / COUNT_CAP,
    }
