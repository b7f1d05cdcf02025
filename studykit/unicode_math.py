"""LaTeX math as one line (or a few) of Unicode, the way a textbook would print it.

Owns the parsing of a formula's LaTeX into atoms and the spacing between them. Spacing
follows TeX's own rules rather than the source's whitespace: a space on each side of a
relation, arrow or binary operator, one after a comma, none between ordinary symbols
("QKᵀ"), and none inside sub- and superscripts. Operator names keep a space before their
argument ("log p(x)") and wrap a fraction or sum they apply to in parentheses
("log(p(x)/q(x))"). Scripts use Unicode sub/superscript letters when every character has
one, else `_(...)`. Unknown commands keep their name. Input that does not parse (unbalanced
braces, nesting past a bound) raises `Unreadable`; callers show the source instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from studykit.math_layout import Node, join, operand, script_text
from studykit.math_symbols import (
    ACCENTS, CHARACTERS, DROPPED_WITH_ARGUMENT, FONT_COMMANDS, IGNORED, OPERATOR_NAMES,
    PLAIN_FONT_COMMANDS, SPACES, SUPERSCRIPTS, SYMBOLS, TEXT_COMMANDS, Atom, Font, styled,
)

MAX_DEPTH = 60
_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[0-9]+(?:\.[0-9]+)?|\s+|.", re.S)
_MATRICES = {"matrix": ("[", "]"), "pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("{", "}"),
             "vmatrix": ("|", "|"), "Vmatrix": ("‖", "‖"), "smallmatrix": ("[", "]"), "array": ("[", "]")}


class Unreadable(ValueError):
    """The LaTeX does not parse (unbalanced braces, nesting too deep)."""


@dataclass
class _Parser:
    tokens: list[str]
    pos: int = 0
    depth: int = 0
    font: Font | None = None
    tags: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ token stream
    def peek(self) -> str | None:
        while self.pos < len(self.tokens) and self.tokens[self.pos].isspace():
            self.pos += 1
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise Unreadable("formula ends early")
        self.pos += 1
        return token

    def raw_group(self) -> str:
        """The verbatim text of a `{...}` argument (or of one token)."""
        if self.peek() != "{":
            return self.take() if self.peek() is not None else ""
        self.take()
        depth, start = 1, self.pos
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            depth += (token == "{") - (token == "}")
            self.pos += 1
            if depth == 0:
                return "".join(self.tokens[start:self.pos - 1])
        raise Unreadable("unbalanced braces")

    # ------------------------------------------------------------------ lists and arguments
    def parse_list(self, stops: frozenset[str] = frozenset()) -> list[Node]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unreadable("nested too deeply")
        nodes: list[Node] = []
        while (token := self.peek()) is not None and token not in stops:
            if token == "}":
                raise Unreadable("unbalanced braces")
            if token in "_^":
                self.take()
                self.attach_script(nodes, token)
            else:
                nodes.extend(self.parse_atom())
        self.depth -= 1
        return nodes

    def argument(self, script: bool = False) -> list[Node]:
        """One argument: a `{...}` group, or a single token."""
        saved = self.font
        if script:
            self.font = None  # a script reads best in plain letters
        try:
            if self.peek() == "{":
                self.take()
                nodes = self.parse_list(frozenset("}"))
                self.take()
                return nodes
            if self.peek() is None:
                return []
            return self.parse_atom()
        finally:
            self.font = saved

    def attach_script(self, nodes: list[Node], mark: str) -> None:
        body = self.argument(script=True)
        if not nodes or nodes[-1].atom is Atom.SPACE:
            nodes.append(Node("", Atom.ORD))
        nodes[-1].text += script_text(body, mark)
        nodes[-1].fraction = False

    # ------------------------------------------------------------------ atoms
    def parse_atom(self) -> list[Node]:
        token = self.take()
        if token == "{":
            nodes = self.parse_list(frozenset("}"))
            self.take()
            if len(nodes) <= 1:
                return nodes  # `{=}` still reads as a relation
            return [Node(join(nodes), Atom.ORD)]
        if token == "&":
            return [Node(" ", Atom.SPACE)]
        if token == "~":
            return [Node(" ", Atom.SPACE)]
        if token == "\\\\":
            return [Node("\n", Atom.SPACE)]
        if token.startswith("\\"):
            return self.command(token[1:].rstrip("*"))
        if token == "'":
            return [Node("′", Atom.ORD)]
        if self.font is not None:
            token = "".join(styled(c, self.font) for c in token)
        return [Node(token, CHARACTERS.get(token, Atom.ORD))]

    def command(self, name: str) -> list[Node]:
        if name in SYMBOLS:
            char, atom = SYMBOLS[name]
            return [Node(styled(char, self.font) if self.font else char, atom)]
        if name in SPACES:
            return [Node(SPACES[name], Atom.SPACE)] if SPACES[name] else []
        if name in OPERATOR_NAMES:
            return [Node(name, Atom.FUNC)]
        if name in IGNORED:
            return []
        if name in DROPPED_WITH_ARGUMENT:
            self.raw_group()
            return []
        handler = _COMMANDS.get(name)
        if handler is not None:
            return handler(self, name)
        return self.unknown(name)

    def unknown(self, name: str) -> list[Node]:
        """An unknown command keeps its name; `{...}` arguments follow it in parentheses."""
        args = []
        while self.peek() == "{":
            args.append(join(self.argument()))
        return [Node(f"{name}({', '.join(args)})" if args else name, Atom.FUNC if not args else Atom.ORD)]

    # ------------------------------------------------------------------ structures
    def fraction(self, name: str) -> list[Node]:
        numerator, denominator = self.argument(), self.argument()
        text = f"{operand(numerator, numerator=True)}/{operand(denominator)}"
        return [Node(text, Atom.INNER, fraction=True)]

    def binomial(self, name: str) -> list[Node]:
        n, k = join(self.argument()), join(self.argument())
        return [Node(f"C({n}, {k})", Atom.ORD)]

    def root(self, name: str) -> list[Node]:
        index = ""
        if self.peek() == "[":
            self.take()
            index = join(self.parse_list(frozenset("]")))
            self.take()
            index = "".join(SUPERSCRIPTS.get(c, c) for c in index)
        body = self.argument()
        return [Node(f"{index}√{operand(body)}", Atom.ORD)]

    def accent(self, name: str) -> list[Node]:
        body = join(self.argument())
        mark = ACCENTS[name]
        if len(body) == 1:
            return [Node(body + mark, Atom.ORD)]
        label = {"overrightarrow": "vec", "overleftarrow": "leftvec", "widehat": "hat", "widetilde": "tilde",
                 "overline": "bar", "underline": "underline"}.get(name, name)
        return [Node(f"{label}({body})", Atom.ORD)]

    def styled_group(self, name: str) -> list[Node]:
        saved = self.font
        self.font = FONT_COMMANDS.get(name)
        try:
            nodes = self.argument()
        finally:
            self.font = saved
        atom = Atom.FUNC if name == "operatorname" else Atom.ORD
        return [Node(join(nodes), atom)] if nodes else []

    def text(self, name: str) -> list[Node]:
        raw = self.raw_group()
        raw = re.sub(r"\\([_%&#$ {}])", r"\1", raw)
        raw = re.sub(r"\$([^$]*)\$", lambda m: render(m.group(1)), raw)
        raw = re.sub(r"\\[A-Za-z]+\s*", "", raw)
        return [Node(re.sub(r"\s+", " ", raw), Atom.ORD)] if raw else []

    def brace(self, name: str) -> list[Node]:
        body = join(self.argument())
        mark = "_" if name.startswith("under") else "^"
        if self.peek() == mark:
            self.take()
            return [Node(f"{body} [{join(self.argument())}]", Atom.ORD)]
        return [Node(body, Atom.ORD)]

    def over_under(self, name: str) -> list[Node]:
        above = self.argument(script=True)
        nodes = self.argument()
        if not nodes:
            return []
        mark = "_" if name == "underset" else "^"
        nodes[-1].text += script_text(above, mark)
        return nodes

    def tag(self, name: str) -> list[Node]:
        self.tags.append(join(self.argument()))
        return []

    def delimited(self, name: str) -> list[Node]:
        """`\\left( ... \\right)`: one atom, its delimiters as written (`.` prints nothing)."""
        opening = _delimiter(self.take())
        inner = self.parse_list(frozenset({"\\right"}))
        if self.peek() == "\\right":
            self.take()
            closing = _delimiter(self.take()) if self.peek() is not None else ""
        else:
            closing = ""
        return [Node(f"{opening}{join(inner)}{closing}", Atom.ORD)]

    def negation(self, name: str) -> list[Node]:
        nodes = self.parse_atom() if self.peek() is not None else []
        if nodes:
            nodes[0].text += "\u0338"
        return nodes

    def stray_right(self, name: str) -> list[Node]:
        return [Node(_delimiter(self.take()), Atom.CLOSE)] if self.peek() is not None else []

    def environment(self, name: str) -> list[Node]:
        env = self.raw_group().rstrip("*")
        if env == "array" and self.peek() == "{":
            self.raw_group()  # the column specification
        rows = self.rows()
        if env in _MATRICES:
            left, right = _MATRICES[env]
            cells = ["; ".join(", ".join(c for c in row if c) for row in rows if any(row))]
            return [Node(f"{left}{cells[0]}{right}", Atom.ORD)]
        if env == "cases":
            lines = [", ".join(c for c in row if c).rstrip(",;") for row in rows if any(row)]
            return [Node("{ " + "; ".join(lines) + " }", Atom.ORD)]
        lines = [_aligned_row(row) for row in rows]
        return [Node("\n".join(line for line in lines if line), Atom.ORD)]

    def rows(self) -> list[list[str]]:
        """The cells of an environment, row by row, up to its `\\end{...}`."""
        rows: list[list[str]] = [[]]
        stops = frozenset({"&", "\\\\", "\\end"})
        while True:
            rows[-1].append(join(self.parse_list(stops)).strip())
            token = self.peek()
            if token is None:
                return rows
            self.take()
            if token == "\\end":
                self.raw_group()
                return rows
            if token == "\\\\":
                rows.append([])


_COMMANDS: dict[str, Callable[[_Parser, str], list[Node]]] = {
    **{name: _Parser.fraction for name in ("frac", "dfrac", "tfrac", "cfrac")},
    **{name: _Parser.binomial for name in ("binom", "dbinom", "tbinom")},
    **{name: _Parser.accent for name in ACCENTS},
    **{name: _Parser.styled_group for name in (*FONT_COMMANDS, *PLAIN_FONT_COMMANDS, "operatorname")},
    **{name: _Parser.text for name in TEXT_COMMANDS},
    **{name: _Parser.brace for name in ("underbrace", "overbrace")},
    **{name: _Parser.over_under for name in ("overset", "underset", "stackrel")},
    "sqrt": _Parser.root, "tag": _Parser.tag, "left": _Parser.delimited,
    "right": _Parser.stray_right, "not": _Parser.negation, "begin": _Parser.environment,
    "boxed": _Parser.styled_group, "textcolor": lambda p, n: (p.raw_group(), p.argument())[1],
}


def _delimiter(token: str) -> str:
    if token == ".":
        return ""
    if token.startswith("\\"):
        name = token[1:]
        return SYMBOLS[name][0] if name in SYMBOLS else name
    return token


def _aligned_row(cells: list[str]) -> str:
    """An aligned row: the first `&` only aligns; later ones separate a comment column."""
    if not cells:
        return ""
    head = " ".join(c for c in cells[:2] if c)
    return "   ".join(c for c in [head, *cells[2:]] if c).strip()


def render(latex: str) -> str:
    """The formula as Unicode text; raises `Unreadable` when it does not parse."""
    parser = _Parser(_TOKEN.findall(latex))
    nodes = parser.parse_list()
    text = join(nodes).replace("\u00a0", " ").strip()
    if parser.tags:
        text = f"{text}   ({', '.join(parser.tags)})"
    return text
