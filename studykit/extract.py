"""Post -> formulas and ranked claims. The only stage that runs spaCy.

Math is protected with placeholders before the pipeline (see `blocks.parse`) and put
back after, so the tokenizer never splits inside `$...$`. All prose of all posts goes
through one `nlp.pipe` call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language

from studykit import blocks as blocks_mod
from studykit import claims as claims_mod
from studykit import nlp as nlp_mod
from studykit.formulas import formulas_of
from studykit.models import Claim, Formula, Post

PROSE_KINDS = ("paragraph", "item", "quote", "caption")
# Sections that describe the article rather than the subject.
SKIPPED_SECTIONS = re.compile(
    r"^(?:what you will learn|what you'll learn|prerequisites?|references?|further reading|"
    r"bibliography|table of contents|contents|acknowledge?ments?|about the author|"
    r"related (?:posts|articles|reading)|series navigation|next up|what'?s next|"
    r"learning objectives|in this (?:article|post))\b", re.I)


@dataclass
class Extraction:
    """What a post yields before cards are written."""

    post: Post
    formulas: list[Formula]
    claims: list[Claim] = field(default_factory=list)
    words: int = 0


def prose_words(body: str) -> int:
    """Words of prose (code removed), as the density measure counts them."""
    return len(re.sub(r"```.*?```", "", body, flags=re.S).split())


def extract_all(posts: Iterable[Post], nlp: Language | None = None,
                batch_size: int = 64) -> list[Extraction]:
    """Extract every post, sharing one spaCy pipe over all of their prose."""
    nlp = nlp or nlp_mod.load()
    prepared = []
    texts: list[str] = []
    for post in posts:
        doc = blocks_mod.parse(post.body)
        prose = [b for b in doc.blocks
                 if b.kind in PROSE_KINDS and not SKIPPED_SECTIONS.match(b.section)]
        prepared.append((post, doc, prose))
        texts.extend(b.plain for b in prose)
    spacy_docs = iter(nlp.pipe(texts, batch_size=batch_size))
    results = []
    for post, doc, prose in prepared:
        extraction = Extraction(post, formulas_of(doc), words=prose_words(post.body))
        position = 0
        for block in prose:
            previous_subject = ""
            for sent in next(spacy_docs).sents:
                claim = _claim(sent, block, position, previous_subject)
                previous_subject = claims_mod.subject_of(sent) or previous_subject
                position += 1
                if claim is not None:
                    extraction.claims.append(_restored(claim, doc))
        results.append(extraction)
    return results


def extract(post: Post, nlp: Language | None = None) -> Extraction:
    return extract_all([post], nlp)[0]


def _claim(sent, block, position: int, previous_subject: str) -> Claim | None:
    raw = sent.text.strip()
    if not raw or not re.search(r"[A-Za-z]{3}", raw):
        return None
    text = claims_mod.clean_sentence(raw)
    resolved = claims_mod.resolve_pronoun(text, previous_subject)
    if resolved is not None:
        text = resolved
    return claims_mod.judge(sent, text, block, position)


def _restored(claim: Claim, doc: blocks_mod.Document) -> Claim:
    """Math back in every text field of a claim."""
    return claim.model_copy(update={
        "sentence": doc.restore(claim.sentence),
        "term": doc.restore(claim.term),
        "answer": doc.restore(claim.answer),
        "cloze_targets": [doc.restore(t) for t in claim.cloze_targets],
    })
