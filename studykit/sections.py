"""Headings and the sections under them: which describe the article rather than its
subject, and what a heading gives a card (its topic, its context).

A section about the article (prerequisites, references, exercises, an outline the intro
announces) yields no card; a recap's sentence restates the body's, which stays the card.
"""

from __future__ import annotations

import re

from studykit.blocks import Block, BlockKind, Document

# Headings of a recap: it restates the body's points, whose own sentences are the cards.
RECAP_SECTIONS = re.compile(r"^(?:summary|(?:key )?takeaways|tl;?dr|conclusions?|recap|wrap-up|in summary)\b", re.I)
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
_SELF_REFERENCE = re.compile(r"\bthis (?:article|post|series|guide|tutorial|chapter)\b(?!-)", re.I)


def describes_article(block: Block) -> bool:
    """True for a block under a heading that describes the article (or sets exercises),
    at any depth: '### Computation' under '## Exercises' is skipped too."""
    # '## References and borrowing in Rust' and '## Contents of a Docker image' are about the subject
    return any(_is_article_heading(h) for h in block.path or (block.section,))


def _is_article_heading(heading: str) -> bool:
    name = _HEADING_NUMBER.sub("", heading).replace("’", "'")
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip(" :?.!")
    return bool(_ARTICLE_HEADING.search(name))


def outline_items(doc: Document) -> set[int]:
    """The list items a paragraph about the article announces ('This article ... covers the
    seven things you need:'): the post's outline, not facts."""
    found: set[int] = set()
    announced = False
    for block in doc.blocks:
        if block.kind is not BlockKind.ITEM:
            announced = (block.kind is BlockKind.PARAGRAPH and block.plain.rstrip().endswith(":")
                         and bool(_SELF_REFERENCE.search(block.plain)))
        elif announced:
            found.add(block.index)
    return found


def about_article(doc: Document) -> set[int]:
    """Indices of the blocks that describe the article: its skipped sections and its outline."""
    return outline_items(doc) | {b.index for b in doc.blocks if describes_article(b)}


def without_number(heading: str) -> str:
    """'2.1 Update gate', 'Step 3: decode' -> the heading without its numbering."""
    return _HEADING_NUMBER.sub("", heading)


def section_topic(heading: str) -> str:
    """The noun phrase a heading names ("CRD: contrastive ..." -> "CRD"), or ""."""
    heading = without_number(heading).strip()
    topic = re.split(r"\s*[:—–(]\s*|\s+-\s+", heading)[0].strip()
    return "" if not topic or _QUESTION_HEADING.match(topic) or len(topic.split()) > 5 else topic


def section_context(heading: str, title: str = "") -> str:
    """The heading as card context: numbering removed; none when it repeats the title or
    only says where in the post it is ("Summary", "Key takeaways")."""
    heading = without_number(heading).strip()
    repeats_title = bool(title) and (heading.lower() in title.lower() or title.lower() in heading.lower())
    return "" if repeats_title or RECAP_SECTIONS.fullmatch(heading.rstrip(" :")) else heading
