"""The one gate every post passes on its way in, whatever source it came from.

Owns: cleaning every string of a post (title, series, tags, URL, summary, source name, body)
of terminal escapes, control characters and invisible bidi/zero-width characters, so
nothing from a page reaches the terminal, the store or Anki as it was sent; disarming text
that Anki would read as a cloze deletion (`{{c1::…}}`); and cutting a body over the post
budget (`limits`) at a paragraph, with a note that names the post and says what to do.
"""

from __future__ import annotations

import re

from studykit import cloze, limits
from studykit.models import Post
from studykit.sanitize import strip_controls

_HEADING = re.compile(r"^#{1,6} ", re.M)
# Half of a UTF-16 pair alone (YAML's "\ud800", JSON's too) is no character: it cannot be
# written as UTF-8 to a terminal, a file or the store.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def admit(post: Post) -> Post:
    """The post with every string cleaned and its body within the post budget."""
    body, note = _within_budget(text(post.body))
    cleaned = post.model_copy(update={
        "title": line(post.title), "series": line(post.series), "url": line(post.url),
        "source": line(post.source), "summary": text(post.summary), "body": body,
        "tags": [t for t in (line(tag) for tag in post.tags) if t],
        "notes": [line(n) for n in post.notes] + ([note] if note else []),
    })
    return cleaned


def line(value: str) -> str:
    """A one-line field: cleaned, whitespace runs (newlines too) as one space."""
    return re.sub(r"\s+", " ", text(value)).strip()


def text(value: str) -> str:
    """Free text: cleaned, newlines kept, cloze syntax from the source disarmed, a lone
    surrogate made U+FFFD (as undecodable bytes are)."""
    return cloze.LENIENT_OPENING.sub(r"{ {\1", strip_controls(_LONE_SURROGATE.sub("\ufffd", value)))


def _within_budget(body: str) -> tuple[str, str]:
    """The body cut at the first paragraph past any budget, and a note saying so."""
    cut, why = len(body), ""
    if len(body) > limits.POST_CHARACTERS:
        cut, why = limits.POST_CHARACTERS, f"{len(body):,} characters, over the {limits.POST_CHARACTERS:,} read"
    paragraphs = [m.start() for m in re.finditer(r"\n\s*\n", body[:cut])]
    if len(paragraphs) >= limits.POST_BLOCKS:
        cut, why = paragraphs[limits.POST_BLOCKS - 1], f"over {limits.POST_BLOCKS:,} paragraphs"
    headings = [m.start() for m in _HEADING.finditer(body[:cut])]
    if len(headings) > limits.POST_HEADINGS:
        cut, why = headings[limits.POST_HEADINGS], f"over {limits.POST_HEADINGS:,} headings"
    if not why:
        return body, ""
    paragraph_end = body.rfind("\n\n", 0, cut)
    cut = paragraph_end if paragraph_end > cut // 2 else cut
    return body[:cut], (f"the post is too long ({why}): only its first {cut:,} characters "
                        "are read; split it into several posts to study the rest")
