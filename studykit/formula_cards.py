"""Formula cards: a display formula asked by its name, its left-hand side and the words
before it; two companion formulas asked together; a cloze on a long formula's key term.
"""

from __future__ import annotations

import re

from studykit import cloze
from studykit.card_making import MAX_FRONT_CHARS, SUBTERM_KEY, lower_first, new_card, short_title
from studykit.latex import left_side
from studykit.models import Card, CardKind, Formula, Post
from studykit.subterms import key_subterm

FRONT_SUFFIX_ROOM = 30  # for " (formula 2 after these words)"


def formula_card(post: Post, formula: Formula) -> Card:
    """Ask for a display formula by its name, its left-hand side and the words before it."""
    lhs = left_side(formula.latex)
    if formula.label:
        ask = f"what is the formula for {lower_first(formula.label)}?"
        if lhs:
            ask += f" (${lhs}$ = ?)"
    elif lhs:
        ask = f"what is ${lhs}$?"
    else:  # no name and no left side: the words that lead to it, or its section, ask for it
        ask = "what formula do these words lead to?" if formula.context else "what formula does this section give?"
    where = formula.section if formula.section != formula.label else ""
    weak_label = len(formula.label.split()) == 1  # "combine" (from "Step 3 — combine.") names a step
    # the words before it are quoted when they run into it, when the label is weak, or when nothing else names it
    quote = formula.context and (not formula.context.endswith((".", "!", "?")) or weak_label or not (formula.label or lhs))
    front = _front(post, where, ask, [formula.context] if quote else [])
    back = "\n".join(part for part in (f"$${formula.latex}$$", formula.explanation) if part)
    return new_card(post, CardKind.FORMULA, formula.latex, front, back,
                 source_sentence=formula.context, claim_kind="formula")


def companions(chosen: list[Formula], every: list[Formula]) -> list[list[Formula]]:
    """Chosen formulas in reading order, each grouped with the one before it when the two
    are a pair: written one right under the other, or the same left-hand side given twice
    in one section, each after its own words (a loss for regression, then for
    classification; a vanilla RNN's Jacobian, then GRU's)."""
    following = {id(a): b for a, b in zip(every, every[1:])}
    groups: list[list[Formula]] = []
    for formula in chosen:
        last = groups[-1] if groups else None
        if last and len(last) == 1 and following.get(id(last[0])) is formula and _pair(last[0], formula):
            last.append(formula)
        else:
            groups.append([formula])
    return groups


def _pair(first: Formula, second: Formula) -> bool:
    side = left_side(first.latex)
    same_side = bool(side) and side == left_side(second.latex)
    own_words = bool(first.context) and second.context not in ("", first.context)  # each after words of its own
    return first.section == second.section and (second.continues or (same_side and own_words))


def formula_pair_card(post: Post, first: Formula, second: Formula) -> Card:
    """One card for two companion formulas: asked together, each shown with what the
    text says about it."""
    sides = [left_side(first.latex), left_side(second.latex)]
    if sides[0] and sides[0] == sides[1]:
        ask = f"what are the two formulas for ${sides[0]}$?"
    elif all(sides):
        ask = f"what are ${sides[0]}$ and ${sides[1]}$?"
    else:
        ask = ("what two formulas do these words lead to?" if first.context
               else "what two formulas does this section give?")
    labels = {f.label for f in (first, second) if f.label}
    where = labels.pop() if len(labels) == 1 else first.section  # two labels: their section names both
    contexts = [first.context] if second.continues else [first.context, second.context]
    back = "\n".join(part for f in (first, second) for part in (f"$${f.latex}$$", f.explanation) if part)
    # the first formula's key: its card keeps its id whether or not its companion is chosen
    return new_card(post, CardKind.FORMULA, first.latex, _front(post, where, ask, contexts), back,
                 source_sentence=first.context, claim_kind="formula")


def _front(post: Post, where: str, ask: str, contexts: list[str]) -> str:
    """'GRU — Why GRU is Lighter: what is $P$?' (a heading `where` too long for a card is left out),
    then the words before the formula(s), `contexts`, quoted and trimmed to fit a card front."""
    topic = short_title(post)
    head = f"{topic}{f' — {where}' if where else ''}: {ask}"
    head = head if len(head) <= MAX_FRONT_CHARS - FRONT_SUFFIX_ROOM else f"{topic}: {ask}"
    for words in (35, 20, 10):
        quoted = " … ".join(f"“{trimmed}”" for c in contexts if (trimmed := trim(c, words)))
        front = f"{head}\n{quoted}" if quoted else head
        if len(front) <= MAX_FRONT_CHARS - FRONT_SUFFIX_ROOM:
            return front
    return head


def formula_cloze_card(post: Post, formula: Formula) -> Card | None:
    """A cloze on the key sub-term of a long display formula (see `subterms`), or None."""
    split = key_subterm(formula.latex)
    if split is None:
        return None
    before, term, after = split
    where = formula.label or formula.section
    front = (f"{short_title(post)}{f' — {where}' if where else ''}: complete the formula\n"
             f"$${before}\\boxed{{?}}{after}$$")
    if len(front) > MAX_FRONT_CHARS:
        return None  # a formula too long to read as a card front
    deletion = cloze.safe_answer(term) + (" " if term.endswith("}") else "")
    return new_card(post, CardKind.CLOZE, SUBTERM_KEY + formula.latex, front, f"$${formula.latex}$$",
                    cloze=f"$${before}{cloze.deletion(1, deletion)}{after}$$",
                    source_sentence=formula.context, claim_kind="formula")


def trim(text: str, max_words: int) -> str:
    """The first `max_words` words, never cutting a `$...$` formula in two."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", cut)]
    if len(dollars) % 2:
        cut = cut[:dollars[-1]].rstrip()
    return cut + " …" if cut else ""
