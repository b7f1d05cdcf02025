"""What each LaTeX math command prints as in Unicode, and its spacing class.

Data only: `unicode_math` reads these tables. A symbol's class (`Atom`) decides the space
around it the way TeX's own spacing table does: relations and binary operators get a space
on each side, punctuation one after, ordinary symbols none.
"""

from __future__ import annotations

from enum import Enum


class Atom(Enum):
    """TeX's atom classes, which decide spacing between neighbours."""

    ORD = "ord"        # letters, digits, Greek, ∞
    OP = "op"          # large operators: ∑ ∏ ∫
    BIN = "bin"        # binary operators: + − · ×
    REL = "rel"        # relations and arrows: = ≤ → ∼
    OPEN = "open"      # ( [ ⟨
    CLOSE = "close"    # ) ] ⟩
    PUNCT = "punct"    # , ;
    FUNC = "func"      # operator names: log, exp, max
    INNER = "inner"    # a fraction
    SPACE = "space"    # an explicit space or line break


GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

_ORD = {
    "infty": "∞", "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃", "nexists": "∄",
    "neg": "¬", "lnot": "¬", "emptyset": "∅", "varnothing": "∅", "ell": "ℓ", "hbar": "ħ",
    "prime": "′", "top": "⊤", "bot": "⊥", "angle": "∠", "cdots": "⋯", "ldots": "…", "dots": "…",
    "dotsc": "…", "dotsb": "⋯", "vdots": "⋮", "ddots": "⋱", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ",
    "wp": "℘", "dagger": "†", "ddagger": "‡", "checkmark": "✓", "square": "□", "triangle": "△",
    "|": "‖", "Vert": "‖", "vert": "|", "%": "%", "$": "$", "&": "&", "#": "#", "_": "_",
    "backslash": "∖", "star": "⋆", "circ": "∘", "degree": "°", "imath": "ı", "jmath": "ȷ",
}

_OP = {
    "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮",
    "bigcup": "⋃", "bigcap": "⋂", "bigoplus": "⨁", "bigotimes": "⨂", "bigvee": "⋁",
    "bigwedge": "⋀", "bigsqcup": "⨆",
}

_BIN = {
    "cdot": "·", "times": "×", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "ominus": "⊖",
    "pm": "±", "mp": "∓", "div": "÷", "ast": "∗", "cup": "∪", "cap": "∩", "wedge": "∧",
    "land": "∧", "vee": "∨", "lor": "∨", "setminus": "∖", "bullet": "•", "oslash": "⊘",
    "sqcup": "⊔", "sqcap": "⊓", "circledast": "⊛", "diamond": "⋄", "wr": "≀",
}

_REL = {
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝", "in": "∈",
    "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "leftrightarrow": "↔", "Leftrightarrow": "⇔", "iff": "⟺",
    "implies": "⟹", "impliedby": "⟸", "mapsto": "↦", "longrightarrow": "⟶",
    "longleftarrow": "⟵", "Longrightarrow": "⟹", "Longleftarrow": "⟸", "longmapsto": "⟼",
    "ll": "≪", "gg": "≫", "lesssim": "≲", "gtrsim": "≳", "leqslant": "⩽", "geqslant": "⩾",
    "perp": "⊥", "parallel": "∥", "mid": "|", "nmid": "∤", "models": "⊨", "vdash": "⊢",
    "prec": "≺", "succ": "≻", "preceq": "⪯", "succeq": "⪰", "coloneqq": "≔", "triangleq": "≜",
    "doteq": "≐", "uparrow": "↑", "downarrow": "↓", "Uparrow": "⇑", "Downarrow": "⇓",
    "hookrightarrow": "↪", "rightleftharpoons": "⇌", "sqsubseteq": "⊑", "asymp": "≍",
    "lll": "⋘", "ggg": "⋙", "nleq": "≰", "ngeq": "≱", "nsim": "≁", "colon": ":",
}

_OPEN = {"langle": "⟨", "lfloor": "⌊", "lceil": "⌈", "lvert": "|", "lVert": "‖", "{": "{"}
_CLOSE = {"rangle": "⟩", "rfloor": "⌋", "rceil": "⌉", "rvert": "|", "rVert": "‖", "}": "}"}

SYMBOLS: dict[str, tuple[str, Atom]] = {
    **{name: (char, Atom.ORD) for name, char in {**GREEK, **_ORD}.items()},
    **{name: (char, Atom.OP) for name, char in _OP.items()},
    **{name: (char, Atom.BIN) for name, char in _BIN.items()},
    **{name: (char, Atom.REL) for name, char in _REL.items()},
    **{name: (char, Atom.OPEN) for name, char in _OPEN.items()},
    **{name: (char, Atom.CLOSE) for name, char in _CLOSE.items()},
}

# Plain characters of math mode and their classes (anything else is ordinary).
CHARACTERS: dict[str, Atom] = {
    "+": Atom.BIN, "-": Atom.BIN, "*": Atom.BIN, "=": Atom.REL, "<": Atom.REL, ">": Atom.REL,
    ":": Atom.REL, ",": Atom.PUNCT, ";": Atom.PUNCT, ".": Atom.PUNCT, "(": Atom.OPEN, "[": Atom.OPEN,
    ")": Atom.CLOSE, "]": Atom.CLOSE, "!": Atom.CLOSE, "?": Atom.CLOSE,
}

OPERATOR_NAMES = frozenset(
    "log ln lg exp sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan max min "
    "sup inf lim limsup liminf arg argmax argmin det dim ker deg gcd lcm Pr hom mod bmod "
    "softmax sgn sign tr trace diag rank erf".split()
)

# Operator names whose subscript says over what (max over θ), not an argument to wrap.
LIMIT_LIKE = ("max", "min", "sup", "inf", "lim", "arg", "det")

# \quad and \qquad are no-break spaces, which survive the collapsing of ordinary ones.
SPACES = {",": " ", ":": " ", ";": " ", ">": " ", " ": " ", "quad": "\u00a0\u00a0", "qquad": "\u00a0\u00a0\u00a0",
          "enspace": " ", "thinspace": " ", "medspace": " ", "thickspace": " ",
          "!": "", "negthinspace": "", "negmedspace": "", "negthickspace": ""}

# Commands that only change size or style: printed as nothing.
IGNORED = frozenset(
    "displaystyle textstyle scriptstyle scriptscriptstyle limits nolimits nonumber notag "
    "big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm Bigm middle "
    "centering hline strut mathstrut allowbreak nobreak relax tiny small large Large "
    "normalsize".split()
)
DROPPED_WITH_ARGUMENT = frozenset("color label hspace vspace phantom hphantom vphantom".split())

ACCENTS = {
    "hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303",
    "overleftarrow": "\u20d6", "bar": "\u0304", "overline": "\u0305", "vec": "\u20d7", "overrightarrow": "\u20d7",
    "dot": "\u0307", "ddot": "\u0308", "check": "\u030c", "breve": "\u0306", "acute": "\u0301",
    "grave": "\u0300", "underline": "\u0332", "mathring": "\u030a",
}


class Font(Enum):
    """Math alphabets: letters of the styled fonts map to their Unicode blocks."""

    BOLD = "bold"
    CALLIGRAPHIC = "calligraphic"
    BLACKBOARD = "blackboard"
    FRAKTUR = "fraktur"


FONT_COMMANDS = {
    "mathbf": Font.BOLD, "boldsymbol": Font.BOLD, "bm": Font.BOLD, "pmb": Font.BOLD,
    "bf": Font.BOLD, "mathcal": Font.CALLIGRAPHIC, "mathscr": Font.CALLIGRAPHIC,
    "mathbb": Font.BLACKBOARD, "Bbb": Font.BLACKBOARD, "mathfrak": Font.FRAKTUR,
}
PLAIN_FONT_COMMANDS = frozenset("mathrm mathit mathsf mathtt mathnormal rm it emph".split())
TEXT_COMMANDS = frozenset(
    "text textrm textnormal textit textbf textsf texttt textup mbox hbox".split()
)

# First code point of each alphabet (capitals, small letters), and the letters Unicode keeps
# elsewhere (the "holes" in the Mathematical Alphanumeric Symbols block).
_ALPHABETS = {
    Font.BOLD: (0x1D400, 0x1D41A),
    Font.CALLIGRAPHIC: (0x1D49C, 0x1D4B6),
    Font.BLACKBOARD: (0x1D538, 0x1D552),
    Font.FRAKTUR: (0x1D504, 0x1D51E),
}
_HOLES = {
    Font.CALLIGRAPHIC: dict(zip("BEFHILMRego", "ℬℰℱℋℐℒℳℛℯℊℴ")),
    Font.BLACKBOARD: dict(zip("CHNPQRZ", "ℂℍℕℙℚℝℤ")),
    Font.FRAKTUR: dict(zip("CHIRZ", "ℭℌℑℜℨ")),
}
_BOLD_DIGIT, _BLACKBOARD_DIGIT = 0x1D7CE, 0x1D7D8
_BOLD_GREEK = {**{chr(0x3B1 + i): chr(0x1D6C2 + i) for i in range(25)},
               **{chr(0x391 + i): chr(0x1D6A8 + i) for i in range(25) if i != 17},
               "ϵ": "𝛜", "ϑ": "𝛝", "ϕ": "𝛟", "ϱ": "𝛠", "ϖ": "𝛡"}


def styled(char: str, font: Font) -> str:
    """`char` in the math alphabet `font` (itself when the alphabet lacks it)."""
    if char in _HOLES.get(font, {}):
        return _HOLES[font][char]
    if "A" <= char <= "Z" or "a" <= char <= "z":
        capital, small = _ALPHABETS[font]
        base, first = (capital, "A") if char <= "Z" else (small, "a")
        return chr(base + ord(char) - ord(first))
    if char.isdigit() and char.isascii() and font in (Font.BOLD, Font.BLACKBOARD):
        return chr((_BOLD_DIGIT if font is Font.BOLD else _BLACKBOARD_DIGIT) + int(char))
    if font is Font.BOLD:
        return _BOLD_GREEK.get(char, char)
    return char


SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφϕχ",
                      "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵩᵪ"))
SUPERSCRIPTS = {
    **dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyz",
               "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ")),
    **dict(zip("ABDEGHIJKLMNOPRTUVW", "ᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ")),
    **dict(zip("βγδθιφϕχεϵ", "ᵝᵞᵟᶿᶥᵠᵠᵡᵋᵋ")),
    "⊤": "ᵀ", "′": "′", "*": "*", "∗": "*", "†": "†",
}
