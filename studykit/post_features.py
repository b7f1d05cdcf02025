"""The context features of a post's claims and formulas, and the ranker's value of each.

A sentence's own features come from `claims`; here it gets those that depend on where it
stands in its post (`Standing`: opens a section, under a bold lead, merged, ...) and on the
post as a whole (salience, key terms, title words), each of its cloze spans gets its
post-level features (`deletion_features.in_post`), the claim its `best_blank`, and then
the model's value.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from studykit import blocks as blocks_mod
from studykit import deletion_features, features, ranker, salience, stop_words
from studykit.deletions import BEST_BLANK, best_blank
from studykit.models import Claim, Formula, Origin
from studykit.ranking import KeyTerms
from studykit.sections import RECAP_SECTIONS

if TYPE_CHECKING:  # extract calls `describe`: the import back is for the annotation only
    from studykit.extract import JudgedClaim


def describe(judged: list[JudgedClaim], doc: blocks_mod.Document,
             title: str, terms: list[str], formulas: list[Formula]) -> None:
    """Give every live claim and formula its context features and the model's value;
    `judged` holds each claim with its content words and where it stands."""
    headings = [b.text for b in doc.blocks if b.kind is blocks_mod.BlockKind.HEADING]
    bold_terms = [term for b in doc.blocks for term in b.bold]
    # the claims' spans have their math back by now: so must the post they are looked up in
    post = deletion_features.PostIndex(title=title, headings=[doc.restore(h) for h in headings],
                                       bold_terms=[doc.restore(b) for b in bold_terms],
                                       post_text="\n".join(doc.restore(b.text) for b in doc.blocks))
    words = [j.words for j in judged]
    values = salience.sentence_salience(words, salience.term_weights(words, [title, *headings, *bold_terms]))
    key_terms = KeyTerms(terms)
    model = ranker.load()
    live = [(j.claim, j.at, v) for j, v in zip(judged, values) if not j.claim.dropped]
    last = max((j.claim.position for j in judged), default=0) or 1
    title_words = {w.lower() for w in re.findall(r"[A-Za-z][\w\-]{3,}", title)} - stop_words.english()
    seen: dict[str, int] = {}
    for claim, at, value in live:
        low = claim.sentence.lower()
        index = seen[claim.section] = seen.get(claim.section, -1) + 1
        claim.features.update(features.context_features(
            at, recap=bool(RECAP_SECTIONS.match(claim.section)), index_in_section=index,
            position=claim.position / last, salience=value, key_terms=key_terms.count(low),
            title_share=len(title_words & set(re.findall(r"[a-z][\w\-]{3,}", low))) / (len(title_words) or 1),
            section_named=blocks_mod.mentions(claim.sentence, claim.section)))
        claim.features.update(_subject_features(at.subject, claim, key_terms))
        claim.features.update(table_row=float(claim.origin is Origin.TABLE_ROW), pair=float(claim.origin is Origin.PAIR),
                              para_first=float(at.first_in_block), para_single=float(at.single))
        for target, target_features in claim.target_features.items():
            target_features.update(deletion_features.in_post(target, post))
        if (blank := best_blank(claim)) is not None:
            claim.features[BEST_BLANK] = blank
        claim.score = round(model.value(claim.features), 3)
    _describe_formulas(formulas, key_terms, model)


def _describe_formulas(formulas: list[Formula], terms: KeyTerms, model: ranker.Model) -> None:
    seen: dict[str, int] = {}
    for formula in formulas:
        text = f"{formula.section} {formula.label} {formula.context}".lower()
        formula.features = features.formula_features(formula, bool(RECAP_SECTIONS.match(formula.section)),
                                                     key_terms=terms.count(text))
        index = seen[formula.section] = seen.get(formula.section, -1) + 1
        formula.features["formula_first_in_section"] = float(index == 0)
        formula.score = round(model.value(formula.features), 3)


def _subject_features(subject: str, claim: Claim, terms: KeyTerms) -> dict[str, float]:
    """Is the sentence about one of the post's own terms (its subject, or its first words)?"""
    opening = " ".join(claim.sentence.split()[:4]).lower()
    return {
        "subject_key_term": float(bool(terms.named(subject.lower()))),
        "opens_with_key_term": float(bool(terms.named(opening))),
        "subject_section": float(blocks_mod.mentions(subject, claim.section)),
    }
