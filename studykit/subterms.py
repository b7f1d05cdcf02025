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
_COMMAND_BRACKET = re.compile(r"\\(l|r)(?:Vert|vert|floor|ceil)(?![A-Za-z])|\\(langle|rangle)(?![A-Za-z])")
_HEAD = re.compile(r"^(?:\s|\\[,;:!]|\\q?quad)+")
_TAIL = re.compile(r"(?:\s|\\[,;:!]|\\q?quad|[.,])+$")
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
        lead = len(text) - len(_HEAD.sub("", text))
        core = _TAIL.sub("", _HEAD.sub("", text))
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
    """Positions of `chars` outside any brackets (commands and escaped characters skipped)."""
    depth, found = 0, []
    bars: set[str] = set()  # |x| and \|x\| open and close with the same sign
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            pair = _COMMAND_BRACKET.match(text, i)
            if pair:
                depth += 1 if (pair.group(1) or pair.group(2)) in ("l", "langle") else -1
                i = pair.end()
                continue
            if text.startswith("\\|", i):
                depth += -1 if "‖" in bars else 1
                bars ^= {"‖"}
                i += 2
                continue
            i += 1
            if i < len(text) and not text[i].isalpha():
                i += 1  # "\{", "\,"
            while i < len(text) and text[i].isalpha():
                i += 1
            continue
        if ch == "|":
            depth += -1 if "|" in bars else 1
            bars ^= {"|"}
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif depth == 0 and ch in chars:
            found.append(i)
        i += 1
    return found


def _size(latex: str) -> int:
    return len(re.sub(r"\s+|\\[,;:!]", "", latex))


def _is_binary(text: str, i: int, start: int) -> bool:
    """A `+`/`-` between two terms, not a sign right after `=`, `(`, `^` or `_`."""
    before = text[start:i].rstrip()
    return bool(before) and before[-1] not in "=(^_{,&"


def _unbalanced(term: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}]", "", term):
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if depth < 0:
            return True
    return depth != 0
