"""Kramdown sources (Jekyll blogs) write inline math as `\\\\( ... \\\\)` with `\\_` for `_`: their
cards must hold ordinary `$...$` math, render it in the terminal, and reach Anki as MathJax.
Checked on a fixture post of our own and on the other writers' posts in ../shared/corpus/other
(skipped when absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studykit import latex
from studykit.field_html import field_html
from studykit.generate import generate
from studykit.terminal_text import card_text

FIXTURE = Path(__file__).parent / "fixtures" / "articles" / "kramdown-policy-gradients.md"
OTHER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "other"
ESCAPES = re.compile(r"(?<!\\)\\\$|\\_|\\\\\(|\\\\\)")  # `\\$$` closes a line, not a `\$`


def check(cards) -> None:
    sides = [(c, text) for c in cards for text in (c.front, c.back, c.cloze or "")]
    leaks = [text for _, text in sides if ESCAPES.search(text)]
    assert leaks == []
    math = [(c, s) for c, text in sides for s in latex.find_math(text) if s.delimiter in ("$", "$$")]
    assert math, "the cards hold some inline math"
    for card, span in math:
        if span.latex.count("{") != span.latex.count("}"):
            continue  # the writer's own broken LaTeX is shown as its source (test_unicode_math)
        shown = card_text(span.source).plain
        assert "$" not in shown and "\\" not in shown, (span.source, shown)
    for card, text in sides:
        html = field_html(text)
        assert "$" not in re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", "", html, flags=re.S), html


def test_a_kramdown_post_of_our_own():
    result = generate([str(FIXTURE)])
    assert result.cards
    check(result.cards)
    assert any("\\theta" in c.front + c.back for c in result.cards)


def test_the_other_writers_posts():
    if not OTHER.is_dir():
        pytest.skip("../shared/corpus/other is not here")
    posts = sorted(str(p) for p in OTHER.rglob("*.md") if p.name.lower() != "readme.md")
    result = generate(posts)
    assert len(result.posts) == len(posts)
    check(result.cards)
