"""Post -> formulas and ranked claims. The only stage that runs spaCy.

Math is protected with placeholders before the pipeline (see `blocks.parse`) and put
back after, so the tokenizer never splits inside `$...$`. All prose of all posts goes
through one `nlp.pipe` call. Sentences are read in order (`_Reader`): a pronoun is
resolved from the sentence before, a sentence that leans on the one before is merged
with it, and two adjacent sentences are also offered as a pair.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from studykit import blocks as blocks_mod
from studykit import claims as claims_mod
from studykit import cloze, english, latex, salience, sentences, stop_words
from studykit import nlp as nlp_mod
from studykit.asked import asked_claim, asks, next_question
from studykit.blocks import PROSE_KINDS, BlockKind
from studykit.errors import PostStep, SourceError, post_failed
from studykit.formulas import formulas_of
from studykit.inline_markdown import strip_inline
from studykit.models import Claim, Drop, Formula, Origin, Post
from studykit.features import Standing
from studykit.post_features import describe
from studykit.sections import (RECAP_SECTIONS, SKIPPED_SECTIONS, about_article, describes_article,
                               section_context, section_topic, without_number)
from studykit.table_claims import row_names, row_words, table_claims

__all__ = ["PROSE_KINDS", "SKIPPED_SECTIONS", "Extraction", "JudgedClaim", "extract", "extract_all", "key_terms",
           "prose_words"]

_LABEL_LEADS = frozenset({"yes", "no", "note", "tip", "warning", "caution", "aside", "answer",
                          "short answer", "update", "edit", "example", "remember", "hint"})
# "**Reference:** Defazio & Mishchenko (2023)" points to a source; it states nothing
_SOURCE_LEAD = re.compile(r"^(?:references?|paper|source|citation|see also|further reading|code|"
                          r"link|slides|video)s?$|^parts? \d"  # "**Part 8 (synthesis):**" maps the series
                          r"|^(?:left|right|middle|top|bottom|centre|center)(?: panel)?$", re.I)  # the figure's
MAX_TERM_WORDS = 4


class JudgedClaim(NamedTuple):
    """A claim of a post, with its content words (what its salience is counted on) and where it stands."""

    claim: Claim
    words: set[str]
    at: Standing


class _Previous(NamedTuple):
    """A sentence read so far in its paragraph: its span, its claim, and where it is in `judged`."""

    sent: Span
    claim: Claim
    judged_at: int  # not `index`: a tuple has that method


@dataclass
class Extraction:
    """What a post yields before cards are written."""

    post: Post
    formulas: list[Formula]
    claims: list[Claim] = field(default_factory=list)
    words: int = 0
    terms: list[str] = field(default_factory=list)  # what the post names as its key terms


def prose_words(body: str) -> int:
    """Words of prose (code removed), as the density measure counts them."""
    return len(re.sub(r"```.*?```", "", body, flags=re.S).split())


def extract_all(posts: Iterable[Post], nlp: Language | None = None, batch_size: int = 64,
                progress: Callable[[str], None] | None = None,
                errors: list[SourceError] | None = None) -> list[Extraction]:
    """Extract every post, sharing one spaCy pipe over all of their prose. With `errors`, a
    post that fails is reported there and left out; without, its exception propagates."""
    nlp = nlp or nlp_mod.load()
    prepared = []
    for post in posts:
        doc = blocks_mod.parse(post.body)
        skipped = about_article(doc)
        prose = [b for b in doc.blocks if (b.kind in PROSE_KINDS or asks(b)) and b.index not in skipped]
        prepared.append((post, doc, prose, skipped))
    spacy_docs = nlp_mod.pipe(nlp, [b.plain for _, _, prose, _ in prepared for b in prose], batch_size=batch_size)
    results = []
    for i, (post, doc, prose, skipped) in enumerate(prepared, start=1):
        own_docs = iter(list(islice(spacy_docs, len(prose))))  # in step even if this post fails
        try:
            results.append(_extract_post(post, doc, prose, skipped, own_docs))
        except Exception as exc:  # noqa: BLE001 (one post's failure must not end the run)
            if errors is None:
                raise
            errors.append(post_failed(post, PostStep.EXTRACT, exc))
            continue
        if progress:
            progress(f"extracted {i}/{len(prepared)}: {post.title}")
    return results


def extract(post: Post, nlp: Language | None = None) -> Extraction:
    return extract_all([post], nlp)[0]


def _extract_post(post: Post, doc: blocks_mod.Document, prose: list[blocks_mod.Block],
                  skipped: set[int], spacy_docs: Iterator[Doc]) -> Extraction:
    formulas = [f for f in formulas_of(doc) if f.position not in skipped
                and not SKIPPED_SECTIONS.match(f.label)]  # "**Exercise 5.** ... $$...$$"
    extraction = Extraction(post, formulas, words=prose_words(post.body), terms=key_terms(doc))
    reader = _Reader(doc, post.title)
    for block in prose:
        reader.read(block, next(spacy_docs))  # one doc per prose block, consumed in step
    judged = reader.restored()
    judged += [JudgedClaim(c, row_words(c.sentence), Standing())
               for c in table_claims(doc, reader.position, post.title)]
    describe(judged, doc, post.title, extraction.terms, extraction.formulas)
    extraction.claims = [c for c, _, _ in judged]
    return extraction


class _Reader:
    """Reads a post's prose blocks in order into claims (`judged`), each with its content
    words and where it stands."""

    def __init__(self, doc: blocks_mod.Document, title: str) -> None:
        self.doc, self.title = doc, title
        self.position = 0  # sentences read, the claims' reading order
        self.lead = ""  # the bold lead of the paragraph (a formula between keeps it)
        self.heading: tuple[Span, int] | None = None  # the last question heading, and its block
        self.judged: list[JudgedClaim] = []

    def read(self, block: blocks_mod.Block, spacy_doc: Doc) -> None:
        doc = self.doc
        if block.kind is BlockKind.HEADING:  # a question heading: the paragraph under it answers
            self.heading = (list(spacy_doc.sents)[-1], block.index)
            return
        opens = _opens_section(doc, block)
        after_math = blocks_mod.follows_math(doc, block)
        lead = blocks_mod.bold_lead(block.text) or (self.lead if after_math else "")
        if claims_mod.is_insight_marker(lead) or lead.lower() in _LABEL_LEADS:
            lead = ""  # "**Key insight:** X", "**Yes** — ...": the marker is no topic
        self.lead = lead
        if SKIPPED_SECTIONS.match(lead) or _SOURCE_LEAD.match(lead or block.plain.partition(":")[0].strip()):
            return  # "**Prerequisites:** ...", "Reference: ..." describe the article, not the subject
        previous_subject = section_topic(lead or block.section) if opens or lead or after_math else ""
        previous: _Previous | None = None
        # the sentence before, when it asks something; first the heading right above
        question = (self.heading[0], self.position) if self.heading and self.heading[1] == block.index - 1 else None
        block_sentences = sentences.mend(spacy_doc)
        for i, sent in enumerate(block_sentences):
            if lead and i == 0 and _is_only(sent.text, lead):
                question = (sent, self.position)
                self.position += 1
                if english.words(sent.text) != english.words(strip_inline(lead)):
                    # "**Tip**: start with X." - 'It' is X; after the lead alone it is the lead
                    previous_subject = ""
                continue
            claim, sent, merged = self._claim(block, i, sent, previous, previous_subject)
            previous_subject = subject = claims_mod.subject_of(sent)  # "It" refers to the sentence just before
            self.position += 1
            if not merged and previous is not None and (pair := _paired(previous, claim, sent, block, doc)):
                at = replace(self.judged[previous.judged_at].at, merged=False, single=False)
                words = salience.content_words(sent.doc[previous.sent.start:sent.end])
                self.judged.append(JudgedClaim(pair, words, at))
            if claim is not None:
                previous = _Previous(sent, claim, len(self.judged))
                at = Standing(
                    opens=opens and i == 0, lead=lead, merged=merged, follows_math=after_math,
                    resolved=claim.sentence != claims_mod.clean_sentence(sent.text),
                    level=len(block.path), subject=subject, first_in_block=i == 0,
                    single=len(block_sentences) == 1)
                self.judged.append(JudgedClaim(claim, salience.content_words(sent), at))
                if question is not None and (asked := asked_claim(question, block_sentences[i:], claim, block, doc)):
                    self.judged.append(JudgedClaim(asked[0], salience.content_words(asked[1]),
                                                   replace(at, merged=False, single=False)))
            question = next_question(sent, self.position - 1, question)

    def _claim(self, block: blocks_mod.Block, i: int, sent: Span, previous: _Previous | None,
               previous_subject: str) -> tuple[Claim | None, Span, bool]:
        """The sentence's claim (merged with the one before when it leans on it), the span it
        covers, and whether it was merged."""
        claim = _claim(sent, block, self.position, previous_subject, self.doc, self.title)
        merged = False
        if claim is not None and previous is not None and _leans_on_previous(sent, claim):
            joined = _merged(previous, sent, block, self.doc, self.title)
            if joined is not None and not _runs_into_formula(self.doc, block, sent):
                previous.claim.dropped = Drop.MERGED
                self.judged[previous.judged_at] = self.judged[previous.judged_at]._replace(words=set())
                claim, merged, sent = joined, True, sent.doc[previous.sent.start:sent.end]
        if claim is not None and not claim.dropped:
            _apply_lead(claim, self.doc, self.lead)
            claim.dropped = _unfinished_here(self.doc, block, i, sent)
        return claim, sent, merged

    def restored(self) -> list[JudgedClaim]:
        """The claims read, math restored, each with its content words and where it stands."""
        return [JudgedClaim(_restored(c, self.doc), w, at) for c, w, at in self.judged]


def _unfinished_here(doc: blocks_mod.Document, block: blocks_mod.Block, i: int, sent: Span) -> Drop | None:
    """Why a sentence is no statement where it stands: it goes on in a formula, finishes the
    formula's sentence, or finishes a list's lead-in."""
    if _runs_into_formula(doc, block, sent):
        return Drop.RUNS_INTO_FORMULA
    if i == 0 and blocks_mod.follows_math(doc, block) and sent.text.lstrip()[:1].islower():
        # "with $W \in ...$", "so the student can ...": the formula's own sentence
        return Drop.FINISHES_FORMULA
    if i == 0 and _predicate_of_lead_in(doc, block, sent):
        return Drop.NO_SUBJECT
    return None


def key_terms(doc: blocks_mod.Document) -> list[str]:
    """The terms the author marked: heading topics, short bold terms, bold leads and the
    first cells of table rows (outside the sections that describe the article)."""
    found: dict[str, None] = {}
    names = row_names(doc)
    for block in doc.blocks:
        if describes_article(block):
            continue
        candidates = [blocks_mod.bold_lead(block.text)]
        if block.kind is BlockKind.HEADING and not RECAP_SECTIONS.match(block.section):
            candidates.append(section_topic(strip_inline(block.text)))
        candidates += [b for b in block.bold
                       if len(b.split()) <= MAX_TERM_WORDS and claims_mod.is_term_like(b)]
        if block.kind is BlockKind.TABLE and not blocks_mod.names_code(block):
            candidates.append(names.get(block.index, block.cells[0]))
        for term in candidates:
            term = without_number(strip_inline(term)).strip(" .:")
            term = re.sub(r"^\(\d+\)\s*", "", term)
            short = len(term) < 4 and not term.isupper()  # "not", "all"; "KD", "GRU" stay
            if (re.search(r"[A-Za-z]{2}", term) and not short and term.lower() not in stop_words.english()
                    and not latex.PLACEHOLDER_RE.search(term)):
                found.setdefault(term.lower())
    return list(found)


def _runs_into_formula(doc: blocks_mod.Document, block: blocks_mod.Block, sent: Span) -> bool:
    """'... a tone at frequency f shows up at' + display formula: not a statement alone
    (one closed by a colon is a lead-in, which `claims` drops already)."""
    return (blocks_mod.precedes_math(doc, block) and sent.end == len(sent.doc)
            and not sent.text.rstrip().endswith((".", "!", "?", ":")))


def _predicate_of_lead_in(doc: blocks_mod.Document, block: blocks_mod.Block, sent: Span) -> bool:
    """'In summary, MoEs:' then '- Are pretrained much faster ...': a list item that opens
    with a verb and has no subject of its own finishes the lead-in's sentence."""
    if (block.kind is not BlockKind.ITEM or not sent.doc.has_annotation("DEP") or sent[0].pos_ not in ("VERB", "AUX")
            or any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in sent.root.children)):
        return False
    before = blocks_mod.previous_block(doc, block, skipping=(BlockKind.ITEM,))
    return before is not None and before.kind is BlockKind.PARAGRAPH and before.plain.rstrip().endswith(":")


def _is_only(sentence: str, lead: str) -> bool:
    """True when a sentence is just its paragraph's bold lead (maybe with a rhetorical tag)."""
    lead_words, sent_words = english.words(strip_inline(lead)), english.words(sentence)
    n = len(lead_words)
    # the words after the lead, which opens the sentence or follows its first word
    rest = next((sent_words[k + n:] for k in (0, 1) if sent_words[k:k + n] == lead_words), None)
    return rest is not None and (len(rest) < 3 or "?" in sentence)


def _apply_lead(claim: Claim, doc: blocks_mod.Document, lead: str) -> None:
    """A bold lead names what its paragraph is about: it becomes the claim's context."""
    if lead:
        named = doc.restore(strip_inline(lead))
        part = bool(claim.context) and blocks_mod.is_writeup_label(lead)  # "Pathology 1: overfit — Fixes"
        claim.context = f"{claim.context} — {named}" if part else named
        _drop_targets_in_context(claim)


def _drop_targets_in_context(claim: Claim) -> None:
    """The card shows its context: deleting it, a part of it or a phrase holding it asks for a
    heading (whole words: 'Stateful streaming — cache' holds 'Stateful streaming'; 'AdamW' is not 'Adam')."""
    context = claim.context.lower()
    claim.cloze_targets = [t for t in claim.cloze_targets
                           if not cloze.word_count(t.lower(), context) and not cloze.word_count(context, t.lower())]
    claim.target_features = {t: f for t, f in claim.target_features.items() if t in claim.cloze_targets}


def _opens_section(doc: blocks_mod.Document, block: blocks_mod.Block) -> bool:
    """True for the first prose block under a heading (its 'This' is the heading's topic)."""
    between = set(BlockKind) - {BlockKind.HEADING, *PROSE_KINDS}  # formulas, tables, captions
    prev = blocks_mod.previous_block(doc, block, skipping=between)
    return prev is not None and prev.kind is BlockKind.HEADING


def _claim(sent: Span, block: blocks_mod.Block, position: int, previous_subject: str,
           doc: blocks_mod.Document, title: str) -> Claim | None:
    if not re.search(r"[A-Za-z]{3}", sent.text):
        return None
    text = claims_mod.clean_sentence(sent.text)
    resolved = claims_mod.resolve_pronoun(text, previous_subject, sent)
    if resolved is not None:
        text = resolved
    elif (tail := _after_colon(sent)) is not None:
        sent, text = tail, claims_mod.clean_sentence(tail.text)
    claim = claims_mod.judge(sent, text, block, position, doc.inline_math(text))
    claim.context = section_context(block.section, title)
    return claim


def _after_colon(sent: Span) -> Span | None:
    """'That's what "no sense of order" means: the function is equivariant ...' -> the
    statement after the colon, when the words before it lean on the previous sentence."""
    after = next((t.i + 1 for t in sent if t.text == ":"), sent.end)  # no colon: nothing after one
    tail = sent.doc[after:sent.end]
    short = len(tail.text.split()) < claims_mod.MIN_WORDS
    return None if short or claims_mod.opener(tail.text) is not None else tail


# nouns that, bare after 'The' as a sentence's subject, name something the sentence before
# introduced ('The approach can be much more efficient ...': which approach?)
_REFERRING_NOUNS = frozenset({"approach", "method", "idea", "technique", "trick", "algorithm", "expression",
                              "equation", "formula", "term", "result", "authors", "paper", "setup", "scheme",
                              "procedure", "intuition", "reason", "answer", "solution"})


def _refers_back(sent: Span) -> bool:
    """'The approach ...' (a bare 'the' noun subject) or 'Most recipes apply this rule', 'Adam
    does exactly this' (a 'this' past the first word): it names what the sentence before said."""
    bare_the = (len(sent) >= 3 and sent[0].lower_ == "the" and sent[1].lower_ in _REFERRING_NOUNS
                and sent[1].dep_ in ("nsubj", "nsubjpass") and [t.i for t in sent[1].children] == [sent[0].i])
    return bare_the or any(t.lower_ in ("this", "these") and (t.pos_ == "PRON" or t.dep_ == "det" and t.head.pos_ == "NOUN")
                           for t in sent[1:])


def _leans_on_previous(sent: Span, claim: Claim) -> bool:
    """A sentence that only makes sense after the one before it ('It ...', 'This operation
    is called unfolding', 'The approach ...')."""
    # 'We', "Let's", 'He' point at people, not at the sentence before ("Let's see" on a card)
    return ((claim.dropped is Drop.PRONOUN
             and claims_mod.opener(claim.sentence) not in (claims_mod.Opener.WRITERS, claims_mod.Opener.PERSON))
            or (len(sent) > 1 and sent[0].lower_ in ("this", "these", "that", "those")
                and sent[1].pos_ in ("NOUN", "ADJ") and claim.sentence.startswith("The "))
            or _refers_back(sent))


MAX_MERGED_CHARS = 330  # a merged claim must still fit a card front with its context


def _merged(previous: _Previous, sent: Span, block: blocks_mod.Block, doc: blocks_mod.Document,
            title: str) -> Claim | None:
    """The previous sentence and this one as one claim, when short enough to stay one card.
    A short question is no sentence to merge into: a question and its answer are `asked`'s,
    which cards them only when the question stands alone ('What is this second term?' does not)."""
    if previous.claim.dropped not in (None, Drop.TOO_SHORT) or previous.claim.sentence.endswith("?"):
        return None
    text = previous.claim.sentence + " " + claims_mod.clean_sentence(sent.text, keep_markers=True)
    if len(doc.restore(text)) > MAX_MERGED_CHARS:
        return None  # too long for one card: each sentence stays a claim of its own
    span = sent.doc[previous.sent.start:sent.end]
    claim = claims_mod.judge(span, text, block, previous.claim.position, doc.inline_math(text))
    claim.context = section_context(block.section, title)
    return None if claim.dropped else claim


MAX_PAIR_CHARS = 300


def _paired(previous: _Previous, claim: Claim | None, sent: Span, block: blocks_mod.Block,
            doc: blocks_mod.Document) -> Claim | None:
    """Two adjacent live sentences of a paragraph as one more candidate: a statement and the
    sentence that completes it ('X is not guaranteed to find Y. Z does.') make one card."""
    if claim is None or claim.dropped or previous.claim.dropped:
        return None
    text = f"{previous.claim.sentence} {claim.sentence}"
    if len(doc.restore(text)) > MAX_PAIR_CHARS:
        return None
    span = sent.doc[previous.sent.start:sent.end]
    pair = claims_mod.judge(span, text, block, previous.claim.position, doc.inline_math(text))
    if pair.dropped:
        return None
    pair.context, pair.origin, pair.end_position = previous.claim.context, Origin.PAIR, claim.position
    _drop_targets_in_context(pair)  # an empty context overlaps no target
    return pair


def _restored(claim: Claim, doc: blocks_mod.Document) -> Claim:
    """Math back in every text field of a claim."""
    return claim.model_copy(update={
        "sentence": doc.restore(claim.sentence),
        "term": doc.restore(claim.term),
        "answer": doc.restore(claim.answer),
        "question": doc.restore(claim.question),
        "cloze_targets": [doc.restore(t) for t in claim.cloze_targets],
        "target_features": {doc.restore(t): f for t, f in claim.target_features.items()},
    })
