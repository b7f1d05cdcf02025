"""Years, numbers and quantities in prose: the one home of their patterns.

A year is 1600-2039 (a count like 2048 is not); a quantity is a number with a unit a card
can ask for ('25%', '4x', '137B', '10 times'); a citation is a parenthesis holding a year
('(Chen et al., 2019)').
"""

from __future__ import annotations

import re

_YEAR_DIGITS = r"(?:1[6-9]\d\d|20[0-3]\d)"
YEAR = re.compile(rf"\b({_YEAR_DIGITS})\b")
_CITATION = re.compile(rf"\([^()]*\b{_YEAR_DIGITS}[a-z]?\)")
# a number, maybe a range, maybe with the unit it counts
NUMBER = re.compile(
    r"(?<![\w.])[~≈<>≥≤]?\d[\d,.]*(?:\s?[–-]\s?\d[\d,.]*)?(?:\s?(?:%|×|x\b|k\b|M\b|B\b|ms\b|s\b|GB|MB|bits?\b|"
    r"times|fold|percent|points?|layers?|heads?|dimensions?|parameters?|steps?|epochs?|"
    r"tokens?|samples?|hours?|days?))?")
# the number and unit of a quantity: '25%', '4x', '137 B', '3 percent'
QUANTITY = re.compile(r"(?<![\d,.])(\d[\d,.]*)\s?(%|×|x\b|percent\b|times\b|fold\b|[kKMB]\b)")
NUMERIC_MATH = re.compile(r"=\s*-?\d")  # '$\tau = 4$' states a value
# a number read whole: '6', '-0.5', '1e-3', '1,000'; none in 'GPT-2' or 'x2'
BARE = re.compile(r"(?<![\w.\-])-?\d+(?:[.,]\d+)*(?:e-?\d+)?(?![\w.]\w)")
_CREDIT = re.compile(rf"\s*(?:et al\b\.?)?[\s,]*\(?{_YEAR_DIGITS}\b")


def is_year(text: str) -> bool:
    return bool(YEAR.fullmatch(text.strip()))


def cited(target: str, text: str) -> bool:
    """'(Chen et al., 2019)', 'Welleck et al. (2019)', 'Nesterov (1983)', 'Shao et al., 2017',
    'Shazeer et al. (2017, with ...)': it credits a source in passing."""
    at = text.find(target)
    after = text[at + len(target):] if at >= 0 else ""
    return (target.rstrip(".").endswith("et al") or any(target in c for c in _CITATION.findall(text))
            or bool(_CREDIT.match(after)) or at > 0 and text[:at].rstrip(" ,(").endswith(("et al", "et al.")))
