"""How the atoms of a formula are laid out as text: the space between neighbours (TeX's
spacing table), sub- and superscripts, and the parentheses a fraction part or an operator's
argument needs to read unambiguously on one line. `unicode_math` parses; this module joins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studykit.math_symbols import LIMIT_LIKE, SUBSCRIPTS, SUPERSCRIPTS, Atom

_TIGHT_BEFORE = (Atom.CLOSE, Atom.PUNCT)
_LOOSE_SCRIPT = re.compile(r"[_^][^()\s]$")


@dataclass
class Node:
    """One atom of output: its text, its spacing class, and what an operator may wrap."""

    text: str
    atom: Atom
    fraction: bool = False


def operand(nodes: list[Node], numerator: bool = False) -> str:
    """A fraction's part or a root's body, in parentheses unless it is one term: a single
    quantity (`x`, `p(x)`, `∂h`), or for a numerator a product of them (`QKᵀ`)."""
    text = join(nodes)
    units = _units(nodes)
    if units == 0 or units == 1 or (numerator and units < _COMPOUND):
        return text
    return f"({text})"


_COMPOUND = 1000


def _units(nodes: list[Node]) -> int:
    """How many juxtaposed quantities the atoms make; `_COMPOUND` when an operator,
    relation, comma or space joins them. A bracket right after a quantity is its argument,
    an operator name's argument is part of it, and `∂x`, `dx` are one quantity."""
    units, depth = 0, 0
    previous: Node | None = None
    for node in nodes:
        atom = node.atom
        if depth:
            depth += (atom is Atom.OPEN) - (atom is Atom.CLOSE)
        elif atom is Atom.OPEN:
            depth = 1
            units += previous is None or previous.atom not in (Atom.ORD, Atom.FUNC, Atom.CLOSE)
        elif atom in (Atom.ORD, Atom.FUNC):
            bound = previous is not None and (previous.atom is Atom.FUNC or previous.text in _DIFFERENTIALS)
            units += not bound
        else:
            return _COMPOUND
        previous = node
    return units


_DIFFERENTIALS = frozenset({"∂", "d", "∇", "δ", "Δ"})


def script_text(nodes: list[Node], mark: str) -> str:
    """A sub- or superscript: Unicode script letters when all exist, else `_x` or `_(...)`."""
    compact = "".join(n.text for n in nodes)
    table = SUBSCRIPTS if mark == "_" else SUPERSCRIPTS
    if compact and all(c in table for c in compact):
        return "".join(table[c] for c in compact)
    spaced = join(nodes, script=True)
    if not spaced:
        return ""
    return mark + (spaced if len(spaced) == 1 else f"({spaced})")


def _effective(nodes: list[Node]) -> list[Atom]:
    """Atom classes after TeX's rule: a binary operator with no left operand is unary, and
    binds to what follows like an opening bracket ("-∑", "(-x)")."""
    kinds: list[Atom] = []
    for i, node in enumerate(nodes):
        atom = node.atom
        if atom is Atom.BIN:
            before = next((k for k in reversed(kinds) if k is not Atom.SPACE), None)
            after = next((n.atom for n in nodes[i + 1:] if n.atom is not Atom.SPACE), None)
            if before in (None, Atom.BIN, Atom.REL, Atom.OPEN, Atom.PUNCT, Atom.OP, Atom.FUNC) \
                    or after in (None, Atom.REL, Atom.CLOSE, Atom.PUNCT):
                atom = Atom.OPEN if before is not None or after is not None else Atom.ORD
        kinds.append(atom)
    return kinds


def _gap(left: Atom, right: Atom, left_text: str, right_text: str) -> str:
    """The space between two neighbouring atoms (outside scripts)."""
    if Atom.SPACE in (left, right):
        return ""
    if _LOOSE_SCRIPT.search(left_text) and right in (Atom.ORD, Atom.FUNC) and right_text[:1].isalpha():
        return " "  # "∇_θ E", not "∇_θE"
    if left is Atom.REL and right is Atom.REL:
        return ""
    if Atom.REL in (left, right) or Atom.BIN in (left, right):
        return "" if right in _TIGHT_BEFORE and left is not Atom.REL else " "
    if left is Atom.PUNCT:
        return " "
    if left is Atom.FUNC:
        if left_text.startswith(LIMIT_LIKE) and left_text not in LIMIT_LIKE and right is not Atom.CLOSE:
            return " "  # "lim_(n → ∞) (1 + 1/n)ⁿ": the limit's script is not its argument
        return "" if right_text[:1] in "([‖|{⟨" or right is Atom.CLOSE else " "
    if left is Atom.OP:
        return "" if right in _TIGHT_BEFORE else " "
    if right in (Atom.OP, Atom.FUNC):
        return "" if left is Atom.OPEN else " "
    if Atom.INNER in (left, right):
        return "" if left is Atom.OPEN or right in _TIGHT_BEFORE else " "
    return ""


def _wrap_operator_arguments(nodes: list[Node]) -> list[Node]:
    """`log` before a fraction or a sum: parenthesise what it applies to (`max`, `lim` and
    the like read without: "max_θ ∑ᵢ …")."""
    out: list[Node] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        out.append(node)
        i += 1
        if node.atom is not Atom.FUNC or i >= len(nodes) or node.text.startswith(LIMIT_LIKE):
            continue
        if nodes[i].fraction:
            out.append(Node(f"({nodes[i].text})", Atom.ORD))
            i += 1
        elif nodes[i].atom is Atom.OP:
            end = _end_of_term(nodes, i + 1)
            out.append(Node(f"({join(nodes[i:end])})", Atom.ORD))
            i = end
    return out


def _end_of_term(nodes: list[Node], start: int) -> int:
    """Where the term from `start` ends: at the first operator, relation or comma outside
    brackets, or at a bracket closing one opened before it."""
    depth = 0
    for end in range(start, len(nodes)):
        atom = nodes[end].atom
        if atom is Atom.OPEN:
            depth += 1
        elif atom is Atom.CLOSE:
            if depth == 0:
                return end
            depth -= 1
        elif depth == 0 and atom in (Atom.BIN, Atom.REL, Atom.PUNCT):
            return end
    return len(nodes)


def join(nodes: list[Node], script: bool = False) -> str:
    """The atoms as text with TeX's spacing (inside scripts: a space around relations only)."""
    if not script:
        nodes = _wrap_operator_arguments(nodes)
    kinds = _effective(nodes)
    parts: list[str] = []
    for i, node in enumerate(nodes):
        if i:
            if script:
                spaced = Atom.REL in (kinds[i - 1], kinds[i]) and ":" not in (node.text, nodes[i - 1].text)
                parts.append(" " if spaced else "")
            else:
                parts.append(_gap(kinds[i - 1], kinds[i], nodes[i - 1].text, node.text))
        parts.append(node.text)
    text = re.sub(r"[ \t]*(\u00a0+)[ \t]*", r"\1", re.sub(r"[ \t]+", " ", "".join(parts)))
    return "\n".join(line.strip(" \t\u00a0") for line in text.split("\n"))
