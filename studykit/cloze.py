"""Anki's cloze syntax, `{{cN::answer}}`: the one home of reading and writing it, and of
where in a sentence a deletion may stand.

Anki ends a deletion at its first `}}` and reads a `::` inside one as the start of a hint,
so an answer is made safe before it is written (`safe_answer`). A deletion stands only on
whole words outside math, or on a whole formula.
"""

from __future__ import annotations

import re

from studykit import english, numbers, stop_words

OPENING = re.compile(r"\{\{c(\d+)::")
CLOSING = re.compile(r"\}\}(?!\})")  # the last `}}` of a run of braces
# One deletion: its number, answer and hint, as a reader shows it.
DELETION = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
# What Anki itself takes for an opening, case and spaces aside: a page's text must hold none.
LENIENT_OPENING = re.compile(r"\{\{(\s*c\d+\s*::)", re.I)
_NUMBERED = re.compile(r"\{\{c(\d+)::.+?\}\}", re.S)  # genanki's own rule for cloze cards
_BRACE_PAIR = re.compile(r"\}(?=\})")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.S)

MAX_DELETION_WORDS = 8  # a longer deletion asks to recite a sentence


def deletion(number: int, answer: str) -> str:
    """`{{cN::answer}}`; `answer` must already be safe."""
    return f"{{{{c{number}::{answer}}}}}"


def split_brace_pairs(text: str) -> str:
    """Every `}}` (and `}}}`) split into `} }`: none can end a deletion early."""
    return _BRACE_PAIR.sub("} ", text)


def safe_answer(text: str) -> str:
    """An answer that neither ends its deletion early nor starts a hint; math reads `: :`
    as `::`."""
    return split_brace_pairs(text).replace("::", ": :")


def ordinals(text: str) -> set[int]:
    """The cloze numbers of a field: Anki makes one card per number."""
    return {int(n) for n in _NUMBERED.findall(text) if int(n) > 0}


def deletable(sentence: str, target: str) -> bool:
    """A target a card may delete: short, not the whole sentence, more than stop words, its
    brackets outside math closed ('general probabilistic) transition' would leave 'possible
    (in [...]'; '$[0, 1)$' is an interval), and standing on whole words outside math (or a
    whole formula)."""
    prose = _MATH.sub(" ", target)
    return (len(target.strip()) > 2 and target.strip() != sentence.strip() and "::" not in target
            and unmatched(prose) == ([], []) and unmatched(prose, "[", "]") == ([], [])
            and (target.startswith("$") or len(target.split()) <= MAX_DELETION_WORDS)
            and not all(w in stop_words.english() for w in english.words(target))
            and outside_math_index(sentence, target) >= 0)


def unmatched(text: str, opening: str = "(", closing: str = ")") -> tuple[list[int], list[int]]:
    """Where `text` closes a bracket it never opened, and where it opens one it never closes."""
    closes: list[int] = []
    opens: list[int] = []
    for i, char in enumerate(text):
        if char == opening:
            opens.append(i)
        elif char == closing and opens:
            opens.pop()
        elif char == closing:
            closes.append(i)
    return closes, opens


def given_away(target: str, sentence: str, context: str) -> bool:
    """'The initial [...] work presented MoE layers': the answer stands elsewhere on the card,
    or the numbers of its words stand elsewhere in the sentence ('with $K = 6$ the pool holds
    [...]' blanks '6 words'; '$p = 92\\%$' beside '92%'), or it is an acronym the card spells
    out ('a Markov Decision Process ([...])')."""
    value = target if numbers.NUMERIC_MATH.search(target) else _MATH.sub(" ", target)  # not the power of '$W^2$'
    low, own = target.lower(), set(numbers.BARE.findall(value))
    return (word_count(sentence.lower(), low) > 1 or word_count(context.lower(), low) > 0
            or bool(own) and own <= set(numbers.BARE.findall(replace_outside_math(sentence, target, " ")))
            or spelled_out(target, f"{context} {sentence}"))


def word_count(text: str, target: str) -> int:
    """How often `target` stands in `text` with no word character on either side (what
    the regex (?<!\\w)target(?!\\w) finds; a plain scan: this is asked for every span)."""
    def word(i: int) -> bool:
        return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")
    count, start = 0, 0
    while target and (i := text.find(target, start)) >= 0:
        if not word(i - 1) and not word(i + len(target)):
            count, start = count + 1, i + len(target)  # matches do not overlap, as findall's
        else:
            start = i + 1
    return count


_ACRONYM = re.compile(r"[A-Z]{2,6}s?")
_WORDS = re.compile(r"[A-Za-z][\w']*")


def spelled_out(target: str, text: str) -> bool:
    """True when `target` is an acronym introduced beside its own words, in parentheses:
    'Markov Decision Process (MDP)' or 'MDP (Markov Decision Process)'. Hyphens split words
    ('Long Short-Term Memory (LSTM)')."""
    if not _ACRONYM.fullmatch(target):
        return False
    letters = target.removesuffix("s")
    for m in re.finditer(rf"(?<!\w){re.escape(target)}(?!\w)", text):
        head, tail = text[:m.start()].rstrip(), text[m.end():].lstrip()
        if head.endswith("("):
            words = _WORDS.findall(head[:-1].replace("-", " "))[-len(letters):]
        elif tail.startswith("("):
            words = _WORDS.findall(tail[1:].split(")")[0].replace("-", " "))
        else:
            continue
        if "".join(w[0] for w in words).upper() == letters:
            return True
    return False


def replace_outside_math(text: str, target: str, replacement: str) -> str:
    """`text` with the first deletable place of `target` replaced."""
    i = outside_math_index(text, target)
    return text if i < 0 else text[:i] + replacement + text[i + len(target):]


def outside_math_index(text: str, target: str) -> int:
    """Where `target` stands as whole words outside math (never '.grad' from 'grad')."""
    ranges = [m.span() for m in _MATH.finditer(text)]
    i = text.find(target)
    while i >= 0:  # each place of `target`, overlapping ones too
        whole = _boundary(text, i - 1) and _boundary(text, i + len(target)) and not _half_number(text, i, i + len(target))
        whole_math = target.startswith("$") and (i, i + len(target)) in ranges
        if whole and (whole_math or not any(a <= i < b for a, b in ranges)):
            return i
        i = text.find(target, i + 1)
    return -1


def _half_number(text: str, start: int, end: int) -> bool:
    """'[-[...]]' of '[-1,1]', '10-[...]' of '10-20%': a number cut from its sign or its range."""
    dashes = ("-", "–", "−")
    return (text[start:start + 1].isdigit() and text[start - 1:start] in dashes
            or text[end - 1:end].isdigit() and text[end:end + 1] in dashes and text[end + 1:end + 2].isdigit())


def _boundary(text: str, i: int) -> bool:
    """A word ends at `i`: '.grad' and 'optimizer.step' hold no word 'grad' or 'optimizer',
    while a sentence's full stop ends one."""
    if i < 0 or i >= len(text):
        return True
    if text[i] == ".":
        return not (i + 1 < len(text) and text[i + 1].isalnum())
    return not (text[i].isalnum() or text[i] == "_")
