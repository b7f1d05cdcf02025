"""The source `-`: one Markdown or HTML document, or a feed, piped on standard input.

What the bytes are is sniffed (a feed's root element, an HTML tag near the start, else
Markdown). A post read this way has no file to name it, so its URL is its front matter's
`url`/`permalink`, the page's canonical link, or `stdin:` and its title: re-adding the same
post from a pipe keeps its cards and their history.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from studykit import limits
from studykit.errors import SourceError
from studykit.models import Post
from studykit.sources.feed import looks_like_feed, parse_feed, posts_from_feed
from studykit.sources.markdown import decode_text, post_from_markdown
from studykit.sources.web import post_from_html

NAME = "<stdin>"
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|article|main)\b", re.I)


def read_stdin(stream: BinaryIO | None = None, load_article: Callable[[str], Post] | None = None
               ) -> Iterator[Post | SourceError]:
    """Posts of the document on standard input (feed entries' articles through
    `load_article`, which fetches URLs and reads paths relative to the working folder)."""
    stream = stream if stream is not None else sys.stdin.buffer
    if stream.isatty():
        print("studykit: reading a document from standard input (end it with Ctrl-D)", file=sys.stderr)
    raw = stream.read(limits.DOCUMENT_BYTES + 1)
    if len(raw) > limits.DOCUMENT_BYTES:
        raise SourceError(NAME, f"standard input holds over {limits.DOCUMENT_BYTES // 1_000_000} MB",
                          "pipe a single post or feed")
    text = decode_text(raw, NAME)
    if not text.strip():
        raise SourceError(NAME, "standard input is empty",
                          "pipe a document in, e.g. `cat post.md | studykit generate -`")
    if looks_like_feed(text[:4096].encode("utf-8")):
        if load_article is None:
            raise SourceError(NAME, "a feed on standard input needs a way to load its articles")
        yield from posts_from_feed(parse_feed(text.encode("utf-8"), NAME), NAME, load_article,
                                   local_dir=Path.cwd())
    elif _HTML_START.search(text[:2048]):
        yield _named(post_from_html(text, NAME, ""))
    else:
        yield _named(post_from_markdown(text, NAME, ""))


def _named(post: Post) -> Post:
    """A post without a URL of its own is known by its title."""
    if post.url and post.url != NAME:
        return post
    slug = re.sub(r"[^a-z0-9]+", "-", post.title.lower()).strip("-") or "untitled"
    return post.model_copy(update={"url": f"stdin:{slug}"})
