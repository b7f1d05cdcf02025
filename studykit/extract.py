"""Post -> formulas and ranked claims. The only stage that runs spaCy.

Math is protected with placeholders before the pipeline (see `blocks.parse`) and put
back after, so the tokenizer never splits inside `$...$`. All prose of all posts goes
through one `nlp.pipe` call.
"""

from __future__ import annotations

import re
from itertools import islice
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from spacy.language import Language

from studykit import blocks as blocks_mod
from studykit import claims as claims_mod
from studykit import features, latex, numbers, ranker, salience
from studykit import nlp as nlp_mod
from studykit.enumerations import enumeration_claims
from studykit.formulas import formulas_of
from studykit.latex import left_side
from studykit.errors import SourceError
from studykit.models import Claim, Drop, Formula, Origin, Post

PROSE_KINDS = ("paragraph", "item", "quote", "caption")
_QUESTION_HEADING = re.compile(r"^(?:why|how|what|when|where|which|who|is|are|do|does|can|should)\b", re.I)
_HEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.|step \d+:?|part \d+:?)\s+", re.I)
# Sections that describe the article rather than the subject.
_OPENS_ABOUT_ARTICLE = (  # a heading that opens with these is about the article
    r"what you(?: will|'ll|’ll) (?:learn|build|get|need|see)|prerequisites?|further reading|"
    r"bibliography|table of contents|acknowledge?ments?|about the author|"
    r"related (?:posts|articles|reading)|series navigation|next up|what'?s next|where to go (?:next|from here)|"
    r"learning objectives|in this (?:article|post)|quiz(?:zes)?|homework|proofs? of the exercises|"
    r"(?:some |more |additional |useful |further )?resources|citations?")
_NAMES_ABOUT_ARTICLE = r"references?|contents|exercises?"  # ... only when it is the whole heading
SKIPPED_SECTIONS = re.compile(rf"^(?:{_OPENS_ABOUT_ARTICLE}|{_NAMES_ABOUT_ARTICLE})\b", re.I)  # also leads
_ARTICLE_HEADING = re.compile(  # 'Exercises (with answers)', 'References & further reading'
    rf"^(?:{_OPENS_ABOUT_ARTICLE})\b|^(?:{_NAMES_ABOUT_ARTICLE})"
    rf"(?:\s*(?:&|and|,)\s*(?:{_OPENS_ABOUT_ARTICLE}|{_NAMES_ABOUT_ARTICLE}|solutions|answers|hints))*"
    r"(?:\s+(?:in|for|of) (?:this|the) (?:article|post|part|chapter|section|series))?$", re.I)

RECAP_SECTIONS = blocks_mod.RECAP_HEADING  # the body's sentence, not the recap's, is the card
_LABEL_LEADS = frozenset({"yes", "no", "note", "tip", "warning", "caution", "aside", "answer",
                          "short answer", "update", "edit", "example", "remember", "hint"})
_BARE_CELLS = frozenset({"yes", "no", "true", "false", "none", "n/a", "both", "neither", "all",
                         "baseline", "same", "high", "low", "medium", "undisclosed", "unknown", "tbd",
                         "not reported"})
MAX_CELL_TARGET_WORDS = 5  # a cell worth deleting names a thing; a longer one explains
# "**Reference:** Defazio & Mishchenko (2023)" points to a source; it states nothing
_SOURCE_LEAD = re.compile(r"^(?:references?|paper|source|citation|see also|further reading|code|"
                          r"link|slides|video)s?$|^parts? \d"  # "**Part 8 (synthesis):**" maps the series
                          r"|^(?:left|right|middle|top|bottom|centre|center)(?: panel)?$", re.I)  # the figure's


@dataclass
class Extraction:
    """What a post yields before cards are written."""

    post: Post
    formulas: list[Formula]
    claims: list[Claim] = field(default_factory=list)
    words: int = 0
    terms: list[str] = field(default_factory=list)  # what the post names as its key terms


def describes_article(block: blocks_mod.Block) -> bool:
    """True for a block under a heading that describes the article (or sets exercises),
    at any depth: '### Computation' under '## Exercises' is skipped too."""
    # '## Exercises' covers its '### Computation'; '## References and borrowing in Rust' and
    # '## Contents of a Docker image' are about the subject
    return any(_is_article_heading(h) for h in block.path or (block.section,))


def _is_article_heading(heading: str) -> bool:
    name = _HEADING_NUMBER.sub("", heading).replace("’", "'")
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip(" :?.!")
    return bool(_ARTICLE_HEADING.search(name))


_SELF_REFERENCE = re.compile(r"\bthis (?:article|post|series|guide|tutorial|chapter)\b(?!-)", re.I)


def outline_items(doc: blocks_mod.Document) -> set[int]:
    """The list items a paragraph about the article announces ('This article ... covers the
    seven things you need:'): the post's outline, not facts."""
    found: set[int] = set()
    announced = False
    for block in doc.blocks:
        if block.kind == "item":
            if announced:
                found.add(block.index)
        else:
            announced = (block.kind == "paragraph" and block.plain.rstrip().endswith(":")
                         and bool(_SELF_REFERENCE.search(block.plain)))
    return found


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
    texts: list[str] = []
    for post in posts:
        doc = blocks_mod.parse(post.body)
        skipped = _about_article(doc)
        prose = [b for b in doc.blocks if b.kind in PROSE_KINDS and b.index not in skipped]
        prepared.append((post, doc, prose, skipped))
        texts.extend(b.plain for b in prose)
    spacy_docs = nlp_mod.pipe(nlp, texts, batch_size=batch_size)
    results = []
    for i, (post, doc, prose, skipped) in enumerate(prepared, start=1):
        own_docs = iter(list(islice(spacy_docs, len(prose))))  # in step even if this post fails
        try:
            results.append(_extract_post(post, doc, prose, skipped, own_docs))
        except Exception as exc:  # noqa: BLE001 (one post's failure must not end the run)
            if errors is None:
                raise
            errors.append(SourceError(post.source or post.url, f"could not be extracted "
                                      f"({type(exc).__name__}: {exc})", "the other posts go on"))
            continue
        if progress:
            progress(f"extracted {i}/{len(prepared)}: {post.title}")
    return results


def extract(post: Post, nlp: Language | None = None) -> Extraction:
    return extract_all([post], nlp)[0]


def _about_article(doc: blocks_mod.Document) -> set[int]:
    """Indices of the blocks that describe the article: its skipped sections and its outline."""
    outline = outline_items(doc)
    return {b.index for b in doc.blocks if b.index in outline or describes_article(b)}


def _extract_post(post: Post, doc: blocks_mod.Document, prose: list[blocks_mod.Block],
                  skipped: set[int], spacy_docs: Iterator) -> Extraction:
    formulas = [f for f in formulas_of(doc) if f.position not in skipped
                and not SKIPPED_SECTIONS.match(f.label)]  # "**Exercise 5.** ... $$...$$"
    extraction = Extraction(post, formulas, words=prose_words(post.body), terms=key_terms(doc))
    position = 0
    lead = ""
    judged: list[tuple[Claim, set[str]]] = []
    where: dict[int, _Where] = {}  # id(claim) -> where it stands
    for block in prose:
        opens = _opens_section(doc, block)
        lead = blocks_mod.bold_lead(block.text) or (lead if _follows_math(doc, block) else "")
        if claims_mod.is_insight_marker(lead) or lead.lower() in _LABEL_LEADS:
            lead = ""  # "**Key insight:** X", "**Yes** — ...": the marker is no topic
        spacy_doc = next(spacy_docs)  # one doc per prose block, consumed in step
        if lead and (SKIPPED_SECTIONS.match(lead) or _SOURCE_LEAD.match(lead)):
            continue  # "**Prerequisites:** ..." describes the article, not the subject
        topical = opens or lead or _follows_math(doc, block)
        previous_subject = section_topic(lead or block.section) if topical else ""
        previous: tuple | None = None  # (sentence span, its claim, index in judged)
        block_sentences = sentences(spacy_doc)
        for i, sent in enumerate(block_sentences):
            if lead and i == 0 and _is_only(sent.text, lead):
                position += 1
                if not _names_only(sent.text, lead):
                    previous_subject = ""  # "**Tip**: start with X." - 'It' is X, not the lead
                continue
            claim = _claim(sent, block, position, previous_subject, doc, post.title)
            merged = False
            if claim is not None and previous is not None and _leans_on_previous(sent, claim):
                joined = _merged(previous, sent, block, doc, post.title)
                if joined is not None and not _runs_into_formula(doc, block, sent):
                    previous[1].dropped = Drop.MERGED
                    judged[previous[2]] = (previous[1], set())
                    claim, merged = joined, True
                    sent = sent.doc[previous[0].start:sent.end]
            if claim is not None and not claim.dropped:
                _apply_lead(claim, doc, lead)
                if _runs_into_formula(doc, block, sent):
                    claim.dropped = Drop.RUNS_INTO_FORMULA
                elif i == 0 and _follows_math(doc, block) and sent.text.lstrip()[:1].islower():
                    # "with $W \in ...$", "so the student can ...": the formula's own sentence
                    claim.dropped = Drop.FINISHES_FORMULA
                elif i == 0 and _predicate_of_lead_in(doc, block, sent):
                    claim.dropped = Drop.NO_SUBJECT
            pair = _paired(previous, claim, sent, block, doc) if not merged else None
            subject = claims_mod.subject_of(sent)
            previous_subject = subject  # "It" refers to the sentence just before
            position += 1
            if pair is not None:
                judged.append((pair, salience.content_words(sent.doc[previous[0].start:sent.end])))
                where[id(pair)] = replace(where[id(previous[1])], merged=False, single=False)
            if claim is not None:
                previous = (sent, claim, len(judged))
                judged.append((claim, salience.content_words(sent)))
                where[id(claim)] = _Where(
                    opens=opens and i == 0, lead=lead, merged=merged, follows_math=_follows_math(doc, block),
                    resolved=claim.sentence != claims_mod.clean_sentence(sent.text.strip()), level=len(block.path),
                    subject=subject, first_in_block=i == 0, single=len(block_sentences) == 1)
    restored = [(_restored(c, doc), w) for c, w in judged]
    where = {id(new): where[id(old)] for (old, _), (new, _) in zip(judged, restored)}
    judged = restored
    judged += [(c, _row_words(c.sentence)) for c in _table_claims(doc, position, post.title)]
    lists = enumeration_claims(doc, lambda b: b.index in skipped, position,
                               lambda section: section_context(section, post.title))
    # a table's mapping competes with the table's own rows, so it is scored as they are
    judged += [(c, _row_words(c.sentence)) for c in lists if c.origin is Origin.MAPPING]
    judged += [(c, set()) for c in lists if c.origin is not Origin.MAPPING]
    _describe(judged, where, doc, post.title, extraction)
    extraction.claims = [c for c, _ in judged]
    return extraction


@dataclass
class _Where:
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


def _describe(judged: list[tuple[Claim, set[str]]], where: dict[int, _Where],
              doc: blocks_mod.Document, title: str, extraction: Extraction) -> None:
    """Give every live claim and formula its context features and the model's value."""
    emphasised = [title] + [b.text for b in doc.blocks if b.kind == "heading"]
    emphasised += [term for b in doc.blocks for term in b.bold]
    words = [w for _, w in judged]
    weights = salience.term_weights(words, emphasised)
    values = salience.sentence_salience(words, weights)
    terms = [re.compile(rf"(?<!\w){re.escape(t)}(?!\w)") for t in extraction.terms]
    title_words = {w.lower() for w in re.findall(r"[A-Za-z][\w\-]{3,}", title)} - claims_mod.STOP_WORDS
    last = max((c.position for c, _ in judged), default=0) or 1
    live = [(c, v) for (c, _), v in zip(judged, values) if not c.dropped]
    seen: dict[str, int] = {}
    model = ranker.load()
    for claim, value in live:
        at = where.get(id(claim), _Where())
        low = claim.sentence.lower()
        index = seen[claim.section] = seen.get(claim.section, -1) + 1
        claim.features.update(features.context_features(
            opens_section=at.opens, under_lead=bool(at.lead), credited_lead=bool(numbers.YEAR.search(at.lead) or "et al" in at.lead),
            recap=bool(RECAP_SECTIONS.match(claim.section)), level=at.level, index_in_section=index,
            position=claim.position / last, salience=value,
            key_terms=sum(bool(p.search(low)) for p in terms),
            title_share=len(title_words & set(re.findall(r"[a-z][\w\-]{3,}", low))) / (len(title_words) or 1),
            section_named=bool(claim.section) and blocks_mod.mentions(claim.sentence, claim.section),
            resolved=at.resolved, merged=at.merged, follows_math=at.follows_math))
        claim.features.update(_origin_features(claim))
        claim.features.update(_subject_features(at.subject, claim, terms))
        claim.features["para_first"] = float(at.first_in_block)
        claim.features["para_single"] = float(at.single)
        claim.score = round(model.value(claim.features), 3)
    in_section: dict[str, int] = {}
    for formula in extraction.formulas:
        in_section[formula.section] = in_section.get(formula.section, 0) + 1
    seen = {}
    for formula in extraction.formulas:
        text = f"{formula.section} {formula.label} {formula.context}".lower()
        formula.features = features.formula_features(
            formula.latex, formula.label, formula.context, formula.explanation,
            bool(left_side(formula.latex)), formula.continues, bool(RECAP_SECTIONS.match(formula.section)),
            salience=0.0, key_terms=sum(bool(p.search(text)) for p in terms))
        index = seen[formula.section] = seen.get(formula.section, -1) + 1
        formula.features["formula_first_in_section"] = float(index == 0)
        formula.features["formula_crowded_section"] = float(in_section[formula.section] >= 3)
        formula.score = round(model.value(formula.features), 3)


def _subject_features(subject: str, claim: Claim, terms: list[re.Pattern[str]]) -> dict[str, float]:
    """Is the sentence about one of the post's own terms (its subject, or its first words)?"""
    opening = " ".join(claim.sentence.split()[:4]).lower()
    return {
        "subject_key_term": float(bool(subject) and any(p.search(subject.lower()) for p in terms)),
        "opens_with_key_term": float(any(p.search(opening) for p in terms)),
        "subject_section": float(bool(subject) and bool(claim.section)
                                 and blocks_mod.mentions(subject, claim.section)),
    }


def _origin_features(claim: Claim) -> dict[str, float]:
    return {"table_row": float(claim.origin is Origin.TABLE_ROW),
            "named_list": float(claim.origin is Origin.LIST),
            "mapping": float(claim.origin is Origin.MAPPING),
            "pair": float(claim.origin is Origin.PAIR)}


def key_terms(doc: blocks_mod.Document) -> list[str]:
    """The terms the author marked: heading topics, short bold terms, bold leads and the
    first cells of table rows (outside the sections that describe the article)."""
    found: dict[str, None] = {}
    row_names = _row_names(doc)
    for block in doc.blocks:
        if describes_article(block):
            continue
        candidates = [blocks_mod.bold_lead(block.text)]
        if block.kind == "heading" and not RECAP_SECTIONS.match(block.section):
            candidates.append(section_topic(blocks_mod.strip_inline(block.text)))
        candidates += [b for b in block.bold
                       if len(b.split()) <= MAX_TERM_WORDS and claims_mod.is_term_like(b)]
        if block.kind == "table" and block.cells and not blocks_mod.names_code(block):
            candidates.append(row_names.get(block.index, block.cells[0]))
        for term in candidates:
            term = _HEADING_NUMBER.sub("", blocks_mod.strip_inline(term)).strip(" .:")
            term = re.sub(r"^\(\d+\)\s*", "", term)
            short = len(term) < 4 and not term.isupper()  # "not", "all"; "KD", "GRU" stay
            if (len(term) >= 2 and re.search(r"[A-Za-z]{2}", term) and not short
                    and term.lower() not in claims_mod.STOP_WORDS
                    and not latex.PLACEHOLDER_RE.search(term)):
                found.setdefault(term.lower())
    return list(found)


MAX_TERM_WORDS = 4


def _row_names(doc: blocks_mod.Document) -> dict[int, str]:
    """Each table row's name: its first cell, or its second when the first repeats down the
    table ("Vanishing | Residual connections", "Vanishing | ReLU activation")."""
    names: dict[int, str] = {}
    for table in blocks_mod.tables(doc):
        firsts = [r.cells[0] for r in table]
        for row in table:
            repeats = firsts.count(row.cells[0]) > 1 and len(row.cells) > 1
            names[row.index] = row.cells[1] if repeats else row.cells[0]
    return names


_ENDS_SENTENCE = re.compile(r"[.!?:][\"”’')\]]*$")


def sentences(doc) -> list:
    """spaCy's sentences, with wrong splits mended: a 'sentence' that starts in lower case
    or with a symbol ('[0, 1] for BCE') after one that did not end a sentence (. ! ? or :,
    maybe inside a closing quote or bracket), or that follows an 'et al.', continues it."""
    merged: list = []
    previous = ""  # the last spaCy sentence's text: the merged span may be long
    for sent in doc.sents:
        text = sent.text.strip()
        if merged and ((not text[:1].isupper() and not _ENDS_SENTENCE.search(previous))
                       or _ABBREVIATION_END.search(previous)):
            merged[-1] = doc[merged[-1].start:sent.end]
        else:
            merged.append(sent)
        previous = sent.text.rstrip()
    return merged


# 'Warmup helps (Goyal et al., 2017.)' ends a sentence; '(cf. Ba et al.)' and 'et al.' do not
_ABBREVIATION_END = re.compile(r"\b(?:et al|cf|e\.g|i\.e|vs)\.[)\]]?$")


def _runs_into_formula(doc: blocks_mod.Document, block: blocks_mod.Block, sent) -> bool:
    """'... a tone at frequency f shows up at' + display formula: not a statement alone.
    A sentence closed by a colon ('The GRU merges the two gates:') is whole."""
    following = doc.blocks[block.index + 1:block.index + 2]
    return (bool(following) and following[0].kind == "math"
            and sent.end == len(sent.doc) and not sent.text.rstrip().endswith((".", "!", "?", ":")))


def _predicate_of_lead_in(doc: blocks_mod.Document, block: blocks_mod.Block, sent) -> bool:
    """'In summary, MoEs:' then '- Are pretrained much faster ...': a list item that opens
    with a verb and has no subject of its own finishes the lead-in's sentence."""
    if block.kind != "item" or not sent.doc.has_annotation("DEP") or sent[0].pos_ not in ("VERB", "AUX"):
        return False
    if any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in sent.root.children):
        return False
    before = next((b for b in reversed(doc.blocks[:block.index]) if b.kind != "item"), None)
    return before is not None and before.kind == "paragraph" and before.plain.rstrip().endswith(":")


def _follows_math(doc: blocks_mod.Document, block: blocks_mod.Block) -> bool:
    return block.index > 0 and doc.blocks[block.index - 1].kind == "math"


def _is_only(sentence: str, lead: str) -> bool:
    """True when a sentence is just its paragraph's bold lead (maybe with a rhetorical tag)."""
    lead_words, sent_words = _words(blocks_mod.strip_inline(lead)), _words(sentence)
    rest = sent_words[len(lead_words):] if sent_words[:len(lead_words)] == lead_words else None
    if rest is None:
        rest = sent_words[1 + len(lead_words):] if sent_words[1:1 + len(lead_words)] == lead_words else None
    return rest is not None and (len(rest) < 3 or "?" in sentence)


def _names_only(sentence: str, lead: str) -> bool:
    """'**Gradient clipping.**' alone: the lead is the topic a following 'It' refers to."""
    return _words(sentence) == _words(blocks_mod.strip_inline(lead))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _apply_lead(claim: Claim, doc: blocks_mod.Document, lead: str) -> None:
    """A bold lead names what its paragraph is about: it becomes the claim's context."""
    if lead:
        section = claim.context
        claim.context = doc.restore(blocks_mod.strip_inline(lead))
        if blocks_mod.is_writeup_label(lead) and section:
            claim.context = f"{section} — {claim.context}"  # "Pathology 1: overfit — Fixes"
        # the lead is the card's context; deleting it (or a phrase holding it) asks for a heading
        claim.cloze_targets = [t for t in claim.cloze_targets if not _overlaps(t, claim.context)]


def _overlaps(target: str, lead: str) -> bool:
    """'Stateful streaming — cache' holds the lead 'Stateful streaming'; 'AdamW' is not 'Adam'."""
    def within(a: str, b: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(a)}(?!\w)", b, re.I) is not None
    return within(lead, target) or within(target, lead)


def section_topic(heading: str) -> str:
    """The noun phrase a heading names ("CRD: contrastive ..." -> "CRD"), or ""."""
    heading = _HEADING_NUMBER.sub("", heading).strip()
    topic = re.split(r"\s*[:—–(]\s*|\s+-\s+", heading)[0].strip()
    if not topic or _QUESTION_HEADING.match(topic) or len(topic.split()) > 5:
        return ""
    return topic


def section_context(heading: str, title: str = "") -> str:
    """The heading as card context: numbering removed; none when it repeats the title or
    only says where in the post it is ("Summary", "Key takeaways")."""
    heading = _HEADING_NUMBER.sub("", heading).strip()
    if title and heading and (heading.lower() in title.lower() or title.lower() in heading.lower()):
        return ""
    if RECAP_SECTIONS.fullmatch(heading.rstrip(" :")):
        return ""
    return heading



def _opens_section(doc: blocks_mod.Document, block: blocks_mod.Block) -> bool:
    """True for the first prose block under a heading (its 'This' is the heading's topic)."""
    for prev in reversed(doc.blocks[:block.index]):
        if prev.kind == "heading":
            return True
        if prev.kind in PROSE_KINDS:
            return False
    return False


def _row_words(row: str) -> set[str]:
    """A table row's content words, comparable with `salience.content_words` of sentences."""
    words = re.findall(r"[A-Za-z][\w\-]{2,}", re.sub(r"\$[^$]*\$", " ", row))
    return {w.lower() for w in words if w.lower() not in _STOP}


_STOP = frozenset("the and for with from that this are was were has have its not but can".split())


def _table_claims(doc: blocks_mod.Document, position: int, title: str) -> list[Claim]:
    """Table rows with a number or a bold cell become claims: 'Row — Column: value'."""
    found = []
    for rows in blocks_mod.tables(doc):
        # in a results table the author bolds the headline result; the other rows back it up
        headline = blocks_mod.is_results_table(rows) and any(r.bold for r in rows)
        found += [claim for block in rows if (claim := _row_claim(doc, block, position, title, headline))]
    return found


def _row_claim(doc: blocks_mod.Document, block: blocks_mod.Block, position: int, title: str,
               headline: bool) -> Claim | None:
    if (not block.header or describes_article(block) or blocks_mod.names_code(block)
            or blocks_mod.is_example_table(doc, block) or (headline and not block.bold)):
        return None
    cells = block.cells
    pairs = [(h, v) for h, v in zip(block.header[1:], cells[1:]) if v and h]
    if not cells[0].strip() or re.fullmatch(r"\d{1,3}", cells[0].strip()) or not pairs:
        return None  # a row named '3' names nothing; '2024' or '$d_H$' do
    short = [v for _, v in pairs if len(v.split()) <= MAX_CELL_TARGET_WORDS]
    words = {v: latex.PLACEHOLDER_RE.sub("", v) for v in short}
    targets = ([b for b in block.bold if b != cells[0]]
               or [v for v in short if re.search(r"\d", words[v])]
               or [v for v in short if re.search(r"[A-Za-z]{3}", words[v])
                   and v.strip(" ()").lower() not in _BARE_CELLS
                   and not claims_mod.starts_with_pronoun(v)])
    if not targets:
        return None
    sentence = doc.restore(f"{cells[0]} — " + "; ".join(f"{h}: {v}" for h, v in pairs))
    return Claim(
        sentence=sentence, kind="number", section=block.section, position=position + block.index,
        context=section_context(block.section, title), origin=Origin.TABLE_ROW,
        features={"bold_term": float(bool(block.bold)), "short": float(len(pairs) <= 3)},
        cloze_targets=[doc.restore(blocks_mod.strip_inline(t)) for t in targets[:1]])


def _claim(sent, block, position: int, previous_subject: str,
           doc: blocks_mod.Document, title: str) -> Claim | None:
    raw = sent.text.strip()
    if not raw or not re.search(r"[A-Za-z]{3}", raw):
        return None
    text = claims_mod.clean_sentence(raw)
    resolved = claims_mod.resolve_pronoun(text, previous_subject, sent)
    if resolved is not None:
        text = resolved
    elif (tail := _after_colon(sent)) is not None:
        sent, text = tail, claims_mod.clean_sentence(tail.text)
    inline_math = [doc.math[int(i)].latex for i in latex.PLACEHOLDER_RE.findall(text)
                   if int(i) < len(doc.math)]
    claim = claims_mod.judge(sent, text, block, position, inline_math)
    claim.context = section_context(block.section, title)
    return claim


def _after_colon(sent):
    """'That's what "no sense of order" means: the function is equivariant ...' -> the
    statement after the colon, when the words before it lean on the previous sentence."""
    colon = next((t for t in sent if t.text == ":"), None)
    if colon is None or colon.i + 1 >= sent.end:
        return None
    tail = sent.doc[colon.i + 1:sent.end]
    text = tail.text.strip()
    if len(text.split()) < claims_mod.MIN_WORDS or claims_mod.starts_with_pronoun(text):
        return None
    return tail


_CONTRAST_START = re.compile(r"^(?:others|the others?|in contrast|by contrast|conversely|"
                             r"meanwhile|whereas|on the other hand)\b", re.I)


_PERSONAL = frozenset({"i", "we", "our", "us", "you", "your", "he", "she", "my"})


def _leans_on_previous(sent, claim: Claim) -> bool:
    """A sentence that only makes sense after the one before it ('It ...', 'Others ...',
    'This operation is called unfolding')."""
    return ((claim.dropped is Drop.PRONOUN and sent[0].lower_ not in _PERSONAL)  # 'I', 'we' point back at nothing
            or bool(_CONTRAST_START.match(sent.text.strip()))
            or (len(sent) > 1 and sent[0].lower_ in ("this", "these", "that", "those")
                and sent[1].pos_ in ("NOUN", "ADJ") and claim.sentence.startswith("The ")))


MAX_MERGED_CHARS = 330  # a merged claim must still fit a card front with its context


def _merged(previous: tuple, sent, block, doc: blocks_mod.Document, title: str) -> Claim | None:
    """The previous sentence and this one as one claim, when short enough to stay one card."""
    prev_sent, prev_claim, _ = previous
    if prev_claim.dropped and prev_claim.dropped is not Drop.TOO_SHORT:
        return None
    span = sent.doc[prev_sent.start:sent.end]
    text = prev_claim.sentence + " " + claims_mod.clean_sentence(sent.text, keep_markers=True)
    if len(doc.restore(text)) > MAX_MERGED_CHARS:
        return None  # too long for one card: each sentence stays a claim of its own
    inline_math = [doc.math[int(i)].latex for i in latex.PLACEHOLDER_RE.findall(text)
                   if int(i) < len(doc.math)]
    claim = claims_mod.judge(span, text, block, prev_claim.position, inline_math)
    claim.context = section_context(block.section, title)
    return None if claim.dropped else claim


MAX_PAIR_CHARS = 300


def _paired(previous: tuple | None, claim: Claim | None, sent, block, doc: blocks_mod.Document) -> Claim | None:
    """Two adjacent live sentences of a paragraph as one more candidate: a statement and the
    sentence that completes it ('X is not guaranteed to find Y. Z does.') make one card."""
    if previous is None or claim is None or claim.dropped:
        return None
    prev_sent, prev_claim, _ = previous
    if prev_claim.dropped or prev_claim.origin is not Origin.SENTENCE:
        return None
    text = f"{prev_claim.sentence} {claim.sentence}"
    if len(doc.restore(text)) > MAX_PAIR_CHARS:
        return None
    inline_math = [doc.math[int(i)].latex for i in latex.PLACEHOLDER_RE.findall(text)
                   if int(i) < len(doc.math)]
    pair = claims_mod.judge(sent.doc[prev_sent.start:sent.end], text, block, prev_claim.position, inline_math)
    if pair.dropped:
        return None
    pair.context, pair.origin, pair.end_position = prev_claim.context, Origin.PAIR, claim.position
    pair.cloze_targets = [t for t in pair.cloze_targets if not _overlaps(t, pair.context)] if pair.context else pair.cloze_targets
    return pair


def _restored(claim: Claim, doc: blocks_mod.Document) -> Claim:
    """Math back in every text field of a claim."""
    return claim.model_copy(update={
        "sentence": doc.restore(claim.sentence),
        "term": doc.restore(claim.term),
        "answer": doc.restore(claim.answer),
        "cloze_targets": [doc.restore(t) for t in claim.cloze_targets],
    })
