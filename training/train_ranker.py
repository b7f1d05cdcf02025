"""Fit the card ranker on the gold facts of ../shared/eval-dev and report it out of fold.

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python training/train_ranker.py [--shared ../shared] [--no-write]

Every live candidate of a dev article (sentence, list, table row, display formula) is a
row: its features (`studykit.features`) and a label, 1 when the text its card would show
holds every keyword of a gold fact, or its LaTeX holds a gold formula. A logistic
regression learns the weights. Figures are measured as `score_dev.sh` measures them
(the same scorer, on the cards `select_cards` makes), three ways: leave one article out,
leave one writer out, and in sample. The model fitted on every article is written to
`studykit/data/ranker.json`, the same bytes for the same data; with `wordfreq` installed
the general-English word list `studykit/data/english_zipf.txt` is written too.

`training/card_labels.jsonl` holds keep/discard labels of generated cards; the keep
filter fitted on them is reported out of fold (precision and recall of "discard").
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studykit import ranker  # noqa: E402
from studykit.cards import CardOptions, SeriesMemory, select_cards  # noqa: E402
from studykit.extract import Extraction, extract_all  # noqa: E402
from studykit.sources.load import load_source  # noqa: E402

WEIGHTS = ROOT / "studykit" / "data" / "ranker.json"
WORD_LIST = ROOT / "studykit" / "data" / "english_zipf.txt"
LABELS = ROOT / "training" / "card_labels.jsonl"
C = 0.5  # inverse L2 strength: small data, many correlated features
# Selection settings, chosen by their leave-one-article-out figures (formula_prior: a formula
# card's value over a sentence card's; 2.0 lifts formula recall from 0.89 to 0.96, facts unchanged).
SELECTION = {"section_spread": 0.6, "new_term_gain": 0.5, "covered_term_cost": 0.5, "min_value": -4.0,
             "formula_prior": 2.0}
DIGITS = 4


@dataclass
class Article:
    name: str
    writer: str
    gold: dict
    gold_path: Path
    extraction: Extraction
    words: int | None


def writer_of(article: str) -> str:
    parts = article.split("/")
    return parts[2] if parts[:2] == ["corpus", "other"] and len(parts) > 3 else "chenk.top"


def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("score_cards", shared / "tools" / "score_cards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def load_articles(shared: Path, scorer) -> list[Article]:
    golds = sorted((shared / "eval-dev").glob("*.json"))
    posts, meta = [], []
    for path in golds:
        gold = json.loads(path.read_text("utf-8"))
        post = next(p for p in load_source(str(shared / gold["article"])) if hasattr(p, "body"))
        posts.append(post)
        meta.append((path, gold))
    extractions = extract_all(posts)
    return [Article(path.stem, writer_of(gold["article"]), gold, path, ex, scorer.prose_words(str(path), gold))
            for (path, gold), ex in zip(meta, extractions)]


def candidates(extraction: Extraction) -> list:
    """The live candidates of a post: what the model ranks."""
    return [c for c in [*extraction.claims, *extraction.formulas] if not c.dropped]


def label(candidate, gold: dict, scorer) -> int:
    if hasattr(candidate, "latex"):
        text = scorer.norm_latex(candidate.latex)
        return int(any((g := scorer.norm_latex(m["latex"])) and g in text for m in gold.get("formulas", [])))
    text = scorer.norm_text(f"{candidate.context} {candidate.sentence}")
    return int(any(all(scorer.norm_text(k) in text for k in f["keywords"]) for f in gold["facts"]))


def matrix(articles: list[Article], names: list[str], scorer) -> tuple[np.ndarray, np.ndarray, list[int]]:
    rows, labels, owner = [], [], []
    for i, article in enumerate(articles):
        for c in candidates(article.extraction):
            rows.append([c.features.get(n, 0.0) for n in names])
            labels.append(label(c, article.gold, scorer))
            owner.append(i)
    return np.array(rows), np.array(labels), owner


def fit(x: np.ndarray, y: np.ndarray, names: list[str]) -> ranker.Model:
    model = LogisticRegression(C=C, max_iter=10000, solver="lbfgs")
    model.fit(x, y)
    weights = {n: round(float(w), DIGITS) for n, w in zip(names, model.coef_[0])}
    return ranker.Model(weights=weights, bias=round(float(model.intercept_[0]), DIGITS),
                        selection=dict(SELECTION))


def cards_of(article: Article, model: ranker.Model) -> list[dict]:
    """The cards `generate` would make of the article with `model` ranking its candidates."""
    extraction = copy.deepcopy(article.extraction)
    for c in [*extraction.claims, *extraction.formulas]:
        if c.dropped is None or c.dropped.name in _SELECTION_DROPS:
            c.dropped = None
            c.score = model.value(c.features)
    options = CardOptions(**model.selection)
    return [card.contract_dict() for card in select_cards(extraction, options, SeriesMemory()).cards]


_SELECTION_DROPS = {"OVERLAPS", "OVER_BUDGET", "LOW_VALUE", "ON_FORMULA_CARD", "NEAR_DUPLICATE", "SAME_NUMBER",
                    "NO_ANSWER", "SAME_QUESTION", "FORMULA_SHARE", "IN_SERIES"}


def evaluate(articles: list[Article], models: list[ranker.Model], scorer) -> list[dict]:
    return [scorer.score(a.gold, cards_of(a, m), a.words) for a, m in zip(articles, models)]


def mean(values) -> float | None:
    xs = [v for v in values if v is not None]
    return round(sum(xs) / len(xs), 3) if xs else None


def report(title: str, articles: list[Article], scores: list[dict]) -> None:
    print(f"\n## {title}")
    print(f"{'article':30} {'writer':17} cards per1k  fact formula flagged")
    for a, s in zip(articles, scores):
        print(f"{a.name:30} {a.writer:17} {s['cards']:5} {s['cards_per_1k_words']:5} {s['fact_recall']:5} "
              f"{s['formula_recall']!s:7} {s['flagged_rate']}")
    by_writer = defaultdict(list)
    for a, s in zip(articles, scores):
        by_writer[a.writer].append(s)
    for writer, rs in sorted(by_writer.items()):
        print(f"writer {writer:17} fact={mean(r['fact_recall'] for r in rs)} "
              f"formula={mean(r['formula_recall'] for r in rs)} flagged={mean(r['flagged_rate'] for r in rs)}")
    print(f"overall fact={mean(s['fact_recall'] for s in scores)} formula={mean(s['formula_recall'] for s in scores)} "
          f"flagged={mean(s['flagged_rate'] for s in scores)} "
          f"density_ok={sum(bool(s['density_ok']) for s in scores)}/{len(scores)}")


def feature_names(articles: list[Article]) -> list[str]:
    return sorted({n for a in articles for c in candidates(a.extraction) for n in c.features})


def folds(articles: list[Article], key) -> list[ranker.Model]:
    """For each article, a model fitted without the articles that share its fold key."""
    names = feature_names(articles)
    x, y, owner = matrix(articles, names, SCORER)
    models: dict[str, ranker.Model] = {}
    out = []
    for a in articles:
        k = key(a)
        if k not in models:
            keep = np.array([key(articles[o]) != k for o in owner])
            models[k] = fit(x[keep], y[keep], names)
        out.append(models[k])
    return out


def write_model(model: ranker.Model) -> None:
    data = {"bias": model.bias, "selection": model.selection,
            "weights": dict(sorted(model.weights.items()))}
    WEIGHTS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", "utf-8")


def write_word_list() -> bool:
    """General-English Zipf frequencies of common words, from wordfreq, in half-point bands."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:
        return False
    bands: dict[float, list[str]] = defaultdict(list)
    for word, freq in get_frequency_dict("en", wordlist="best").items():
        zipf = math.log10(freq) + 9
        if zipf >= 3.0 and re.fullmatch(r"[a-z][a-z\-]*", word):
            bands[math.floor(zipf * 2) / 2].append(word)
    lines = ["# Zipf frequency band<TAB>words: wordfreq 3.1.1 'best' English list (CC BY-SA 4.0),",
             "# words at Zipf 3.0 and above; written by training/train_ranker.py"]
    lines += [f"{band}\t{' '.join(sorted(words))}" for band, words in sorted(bands.items(), reverse=True)]
    WORD_LIST.write_text("\n".join(lines) + "\n", "utf-8")
    return True


def main() -> int:
    global SCORER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--no-write", action="store_true", help="report only; keep the shipped files")
    args = parser.parse_args()
    if not args.no_write and write_word_list():
        print(f"wrote {WORD_LIST.relative_to(ROOT)}", file=sys.stderr)
    SCORER = load_scorer(args.shared)
    print("extracting the dev articles ...", file=sys.stderr)
    articles = load_articles(args.shared, SCORER)
    names = feature_names(articles)
    x, y, _ = matrix(articles, names, SCORER)
    print(f"{len(articles)} articles, {len(y)} candidates, {int(y.sum())} positive, {len(names)} features")
    report("leave one article out", articles, evaluate(articles, folds(articles, lambda a: a.name), SCORER))
    report("leave one writer out", articles, evaluate(articles, folds(articles, lambda a: a.writer), SCORER))
    full = fit(x, y, names)
    report("in sample (the shipped model)", articles, evaluate(articles, [full] * len(articles), SCORER))
    print("\n## weights")
    for name, weight in sorted(full.weights.items(), key=lambda nw: -abs(nw[1])):
        print(f"{name:24} {weight:+.3f}")
    print(f"{'(bias)':24} {full.bias:+.3f}")
    if not args.no_write:
        write_model(full)
        print(f"wrote {WEIGHTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


SCORER = None

if __name__ == "__main__":
    sys.exit(main())
