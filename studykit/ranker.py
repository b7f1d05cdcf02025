"""The learned value of a candidate card: a logistic model whose weights are data.

`training/train_ranker.py` fits the weights on the gold facts of `eval-dev` and writes
`studykit/data/ranker.json`; this module only reads that file (once) and applies it, so
studykit needs no training library at run time. A candidate's value is the model's
log-odds that it states a fact a teacher would card; `contributions` says which features
moved it and by how much (`studykit inspect` shows them). Two more models of the same form:
the keep filter predicts whether a learner would keep the card at all, and the deletion
model which span of a sentence a cloze card should blank.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


WEIGHTS_FILE = "ranker.json"
KEEP_FILE = "keep_filter.json"
DELETION_FILE = "deletion.json"
Features = dict[str, float]


@dataclass(frozen=True)
class Model:
    """A logistic model: value = bias + sum(weight * feature)."""

    weights: dict[str, float]
    bias: float
    selection: dict[str, float]  # the selection's own settings, fitted beside the weights

    def value(self, features: Features) -> float:
        """Log-odds that the candidate holds a key fact (unknown features weigh nothing)."""
        return self.bias + sum(self.weights.get(name, 0.0) * x for name, x in features.items())

    def probability(self, features: Features) -> float:
        return logistic(self.value(features))

    def contributions(self, features: Features, top: int = 3) -> list[tuple[str, float]]:
        """The features that moved the value most, with their amounts, largest first."""
        amounts = [(name, self.weights.get(name, 0.0) * x) for name, x in features.items()]
        amounts = [(n, round(a, 2)) for n, a in amounts if abs(a) >= 0.005]
        return sorted(amounts, key=lambda na: (-abs(na[1]), na[0]))[:top]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        return cls(weights=dict(data["weights"]), bias=float(data["bias"]),
                   selection=dict(data.get("selection", {})))


def logistic(value: float) -> float:
    """Log-odds as a probability."""
    return 1.0 / (1.0 + math.exp(-value))


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped model (read once per process)."""
    return _read(WEIGHTS_FILE)


@lru_cache(maxsize=1)
def load_keep() -> Model:
    """The shipped keep filter: the probability that a learner keeps a candidate's card,
    fitted on our keep/discard labels (`training/keep_filter.py`); `selection["threshold"]`
    is the least probability a card needs."""
    return _read(KEEP_FILE)


@lru_cache(maxsize=1)
def load_deletion() -> Model:
    """The shipped deletion model: the log-odds that blanking a span makes a cloze worth
    studying (`training/train_deletions.py`)."""
    return _read(DELETION_FILE)


def _read(name: str) -> Model:
    text = resources.files("studykit.data").joinpath(name).read_text("utf-8")
    return Model.from_dict(json.loads(text))
