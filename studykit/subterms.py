"""The key sub-term of a long display formula, for a cloze that asks for one piece of it.

A formula card asks for a whole equation; for a long one, recalling one term of it is the
better drill ("L = α·τ²·L_KD + [?]"). The key term is the last top-level additive term of
the right-hand side, which is usually what the formula adds to a known base. Formulas with one
term, several lines or environments have no key sub-term.
"""

from __future__ import annotations

import re

MIN_FORMULA_CHARS = 40  # shorter formulas are asked whole
MIN_TERM_CHARS = 4
_OPEN, _CLOSE = "{([", "})]"
_SPACING = ("\\qquad", "\\quad", "\\,", "\\;", "\\:", "\\!")
_TAG = re.compile(r"\\tag\{[^{}]*\}")


def key_subterm(latex: str) -> tuple[str, str, str] | None:
    """(before, term, after) with `before + term + after == latex`, or None."""
    body = _TAG.sub(lambda m: " " * len(m.group(0)), latex)
    if len(re.sub(r"\s+", "", body)) < MIN_FORMULA_CHARS or "\\\\" in body or "\\begin" in body:
        return None
    equals = _top_level(body, "=")
    if len(equals) != 1:
        return None
    start = equals[0] + 1
    cuts = [i for i in _top_level(body, "+-") if i > start and _is_binary(body, i, start)]
    if not cuts:
        return None
    bounds = [start] + [i + 1 for i in cuts]
    ends = cuts + [len(body)]
    terms = []
    for a, b in zip(bounds, ends):
        text = body[a:b]
        lead = len(text) - len(_strip_head(text))
        core = _strip_tail(_strip_head(text))
        if core:
            terms.append((a + lead, a + lead + len(core)))
    if len(terms) < 2:
        return None
    # The last term is usually what the formula adds to a known base (ALiBi's "- m|i-j|");
    # a stub like "+ c" leaves the longest term instead.
    a, b = terms[-1]
    if _size(latex[a:b]) < MIN_TERM_CHARS:
        a, b = max(terms, key=lambda t: _size(latex[t[0]:t[1]]))
    term = latex[a:b]
    if _size(term) < MIN_TERM_CHARS or _unbalanced(term):
        return None
    return latex[:a], term, latex[b:]


def _top_level(text: str, chars: str) -> list[int]:
    """Positions of `chars` outside any brackets. Brackets are kept on a stack: `( [ {`,
    `\\{`, `\\left<x>`/`\\right<x>` (`\\left.` too), `\\langle`, `\\lVert`; a bar (`|`, `\\|`,
    `\\Vert`) closes the same bar on top of the stack and otherwise opens one."""
    stack: list[str] = []
    found = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            m = _COMMAND.match(text, i)
            word = m.group(1) if m else ""
            end = m.end() if m else i + 2
            if word in ("left", "bigl", "Bigl", "biggl", "Biggl"):
                stack.append("(")
                end = _skip_delimiter(text, end)
            elif word in ("right", "bigr", "Bigr", "biggr", "Biggr"):
                _close(stack)
                end = _skip_delimiter(text, end)
            elif word in ("langle", "lVert", "lvert", "lfloor", "lceil") or text.startswith("\\{", i):
                stack.append("(")
            elif word in ("rangle", "rVert", "rvert", "rfloor", "rceil") or text.startswith("\\}", i):
                _close(stack)
            elif word in ("Vert", "vert") or text.startswith("\\|", i):
                _bar(stack, "‖")
            i = end
            continue
        if ch == "|":
            _bar(stack, "|")
        elif ch in _OPEN:
            stack.append(ch)
        elif ch in _CLOSE:
            _close(stack)
        elif not stack and ch in chars:
            found.append(i)
        i += 1
    return found


_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def _skip_delimiter(text: str, i: int) -> int:
    """Past the delimiter after `\\left`/`\\right`: `(`, `.`, `|`, `\\{`, `\\langle`, ..."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i < len(text) and text[i] == "\\":
        m = _COMMAND.match(text, i)
        return m.end() if m else i + 1
    return i + 1 if i < len(text) else i


def _close(stack: list[str]) -> None:
    """A closing bracket also closes bars opened inside it ("p(y|x)" is a conditional)."""
    while stack and stack[-1] in ("|", "‖"):
        stack.pop()
    if stack:
        stack.pop()


def _bar(stack: list[str], bar: str) -> None:
    if stack and stack[-1] == bar:
        stack.pop()
    else:
        stack.append(bar)


def _strip_head(text: str) -> str:
    """Leading spaces and spacing commands off (a loop: a regex ending in `+` is quadratic)."""
    while True:
        text = text.lstrip()
        spacing = next((s for s in _SPACING if text.startswith(s)), None)
        if spacing is None:
            return text
        text = text[len(spacing):]


def _strip_tail(text: str) -> str:
    """Trailing spaces, spacing commands and sentence punctuation off."""
    while True:
        text = text.rstrip()
        spacing = next((s for s in _SPACING if text.endswith(s) and not text.endswith("\\" + s)), None)
        if spacing is not None:
            text = text[:-len(spacing)]
        elif text.endswith((".", ",")) and not text.endswith(("\\.", "\\,")):
            text = text[:-1]
        else:
            return text


def _size(latex: str) -> int:
    return len(re.sub(r"\s+|\\[,;:!]", "", latex))


def _is_binary(text: str, i: int, start: int) -> bool:
    """A `+`/`-` between two terms, not a sign right after `=`, `(`, `^` or `_`."""
    before = text[start:i].rstrip()
    return bool(before) and before[-1] not in "=(^_{,&"


def _unbalanced(term: str) -> bool:
    """True when the term opens or closes a bracket it does not also close or open."""
    return bool(_top_level("(" + term + ")x", "x") != [len(term) + 2]) or _depth_dips(term)


def _depth_dips(term: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}|]", "", term):
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if depth < 0:
            return True
    return depth != 0
