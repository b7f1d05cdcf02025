"""Fit the card ranker on the gold facts of ../shared/eval-dev and report it out of fold.

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python training/train_ranker.py [--shared ../shared] [--no-write]

Every live candidate of a dev article (sentence, sentence pair, list, table row, display
formula) is a row: its features (`studykit.features`) and a label, 1 when the text its
card would show holds every keyword of a gold fact, or its LaTeX holds a gold formula
(normalised as the shared scorer normalises). A logistic regression learns the weights.
Figures are measured as `score_dev.sh` measures them (the shared scorer, on the cards
`select_cards` makes), three ways: leave one article out, leave one writer out, and in
sample. Out of fold means fully out of fold: the cloze-blank model behind the
`best_blank` feature (`train_deletions.py`) is fitted without the held-out fold's span
labels too, and every claim's `best_blank` recomputed with it (`out_of_fold`). The model
fitted on every article is written to `studykit/data/ranker.json`, the same bytes for the
same data; with `wordfreq` installed the general-English word list
`studykit/data/english_zipf.txt` is written too.

`training/card_labels.jsonl` holds keep/discard labels of generated cards (see
`training/keep_filter.py`).
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studykit import deletions, ranker  # noqa: E402
from studykit.deletions import BEST_BLANK  # noqa: E402
from studykit.cards import CardOptions, SeriesMemory, select_cards  # noqa: E402
from studykit.extract import Extraction, extract_all  # noqa: E402
from studykit.models import SELECTION_DROPS, Formula  # noqa: E402
from studykit.sources.load import load_source  # noqa: E402

WEIGHTS = ROOT / "studykit" / "data" / "ranker.json"
WORD_LIST = ROOT / "studykit" / "data" / "english_zipf.txt"
C = 0.5  # inverse L2 strength: small data, many correlated features
DIGITS = 4  # weights are rounded so that a re-run writes the same bytes
# Selection settings, chosen by their leave-one-article-out figures (formula_prior: a formula
# card's value over a sentence card's; fully out of fold 1.0 / 1.25 / 1.5 / 1.75 / 2.0 gave fact
# recall 0.616 / 0.616 / 0.616 / 0.609 / 0.609 by article, 0.578 for all by writer, formula recall
# 0.953 / 0.975 / 0.994 / 0.994 / 0.994 by article: 1.5, the least that keeps formula recall at 0.994;
# blank_weight: what a cloze claim's best blank adds, (quality - 0.5) times it; fully out of fold
# (training/sweep_blank_weight.py) 1 / 2 / 3 gave fact recall 0.590 / 0.600 / 0.597 leaving one
# article out and 0.556 / 0.562 / 0.543 leaving one writer out; min_value: the least value a
# claim needs, its blank counted; fully out of fold -3.0 / -2.5 / -2.25 / -2.0 gave 0.619 / 0.619 /
# 0.606 / 0.590 by article and 0.587 / 0.584 / 0.565 / 0.559 by writer, karpathy falling to 0.433
# by article at -2.0: -2.5 is the least that keeps every article's figure, and it leaves out the
# cards of poor blanks that -3.0 lets in (Karpathy's decks: 5.7-6.7 cards per 1,000 words, not 9).
SELECTION = {"section_spread": 0.6, "new_term_gain": 0.5, "covered_term_cost": 0.5, "min_value": -2.5,
             "formula_prior": 1.5, "blank_weight": 2.0}


@dataclass
class Article:
    """A gold file, its post extracted, and where it comes from."""

    name: str
    writer: str
    gold: dict
    gold_path: Path
    extraction: Extraction


def writer_of(article: str) -> str:
    """corpus/other/<blog>/... is <blog>; everything else is the chenk.top blog."""
    parts = article.split("/")
    return parts[2] if parts[:2] == ["corpus", "other"] and len(parts) > 3 else "chenk.top"


def load_articles(gold_dir: Path, root: Path) -> list[Article]:
    """Every gold file of `gold_dir` with its article (a path relative to `root`) extracted."""
    golds = sorted(gold_dir.glob("*.json"))
    posts, meta = [], []
    for path in golds:
        gold = json.loads(path.read_text("utf-8"))
        post = next(p for p in load_source(str(root / gold["article"])) if hasattr(p, "body"))
        posts.append(post)
        meta.append((path, gold))
    extractions = extract_all(posts)
    return [Article(path.stem, writer_of(gold["article"]), gold, path, ex)
            for (path, gold), ex in zip(meta, extractions)]


def norm_text(text: str) -> str:
    """Lower case, no emphasis marks, hyphens as spaces: how the shared scorer compares text."""
    text = text.lower().replace("**", "").replace("`", "")
    text = re.sub(r"[\u2010-\u2015\-]", " ", text)
    text = re.sub(r"(?<![\\\w])[*_](?=\w)|(?<=\w)[*_](?![\w{])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def norm_latex(text: str) -> str:
    """LaTeX without spacing macros and whitespace: how the shared scorer compares formulas."""
    text = re.sub(r"\\[,;:! ]|\\quad|\\qquad|\\left|\\right|\\big|\\Big|\\bigg|\\Bigg", "", text)
    return re.sub(r"\s+", "", text).replace("$", "")


def candidates(extraction: Extraction) -> list:
    """The live candidates of a post: what the model ranks."""
    return [c for c in [*extraction.claims, *extraction.formulas] if not c.dropped]


def label(candidate, gold: dict) -> int:
    """1 when the candidate's card would hold a gold fact's keywords or a gold formula."""
    if isinstance(candidate, Formula):
        text = norm_latex(candidate.latex)
        return int(any((g := norm_latex(m["latex"])) and g in text for m in gold.get("formulas", [])))
    return label_text(f"{candidate.context} {candidate.sentence}", gold)


def label_text(text: str, gold: dict) -> int:
    """1 when the text holds every keyword of one gold fact."""
    text = norm_text(text)
    return int(any(all(norm_text(k) in text for k in f["keywords"]) for f in gold["facts"]))


def feature_names(articles: list[Article]) -> list[str]:
    return sorted({n for a in articles for c in candidates(a.extraction) for n in c.features})


def dataset(articles: list[Article], names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and the index of the article of every candidate."""
    rows, labels, owner = [], [], []
    for i, article in enumerate(articles):
        for c in candidates(article.extraction):
            rows.append([c.features.get(n, 0.0) for n in names])
            labels.append(label(c, article.gold))
            owner.append(i)
    return np.array(rows), np.array(labels), np.array(owner)


def fit(x: np.ndarray, y: np.ndarray, names: list[str]) -> ranker.Model:
    return logistic_model(x, y, names, SELECTION)


def logistic_model(x: np.ndarray, y: np.ndarray, names: list[str], selection: dict[str, float]) -> ranker.Model:
    """A logistic regression (lbfgs, L2) as a shipped model: deterministic for the same rows,
    weights rounded so that a re-fit writes the same bytes. Every model of `training/` is one."""
    model = LogisticRegression(C=C, max_iter=10000, solver="lbfgs").fit(x, y)
    weights = {n: round(float(w), DIGITS) for n, w in zip(names, model.coef_[0])}
    return ranker.Model(weights=weights, bias=round(float(model.intercept_[0]), DIGITS), selection=dict(selection))


def train(articles: list[Article]) -> ranker.Model:
    """The model fitted on every candidate of every article."""
    names = feature_names(articles)
    x, y, _ = dataset(articles, names)
    return fit(x, y, names)


BlankModels = Callable[[Callable[[Article], str], str], ranker.Model]


def out_of_fold(articles: list[Article], key: Callable[[Article], str], scorer,
                blank_model: BlankModels | None = None, selection: dict[str, float] | None = None,
                cards: Callable[[Article, ranker.Model, str], list[dict]] | None = None) -> list[dict]:
    """The shared scorer's figures for each article, fully out of fold: the ranker fitted
    without the articles of its fold and, with `blank_model(key, fold)` (a deletion model
    fitted without that fold's span labels), every claim's `best_blank` recomputed with it,
    in the rows the ranker learns from and in the held-out cards alike. `selection`
    overrides settings of the pick; `cards(article, model, fold)` makes a held-out article's
    cards (default: `cards_of`), while the fold's best blanks are in place."""
    names = feature_names(articles)
    saved = {id(c): c.features[BEST_BLANK] for a in articles for c in a.extraction.claims
             if BEST_BLANK in c.features}
    scores: dict[str, dict] = {}
    try:
        for fold in dict.fromkeys(key(a) for a in articles):
            if blank_model is not None:
                deletion = blank_model(key, fold)
                for a in articles:
                    for c in a.extraction.claims:
                        if id(c) in saved:
                            c.features[BEST_BLANK] = deletions.best_blank(c, deletion) or 0.0
            x, y, owner = dataset(articles, names)
            train_rows = np.array([key(articles[o]) != fold for o in owner])
            model = fit(x[train_rows], y[train_rows], names)
            model = ranker.Model(model.weights, model.bias, {**model.selection, **(selection or {})})
            for a in articles:
                if key(a) == fold:
                    made = cards(a, model, fold) if cards else cards_of(a, model)
                    scores[a.name] = scorer.score(a.gold, made, scorer.prose_words(str(a.gold_path), a.gold))
    finally:
        for a in articles:
            for c in a.extraction.claims:
                if id(c) in saved:
                    c.features[BEST_BLANK] = saved[id(c)]
    return [scores[a.name] for a in articles]


def cards_of(article: Article, model: ranker.Model, keep: ranker.Model | None = None) -> list[dict]:
    """The cards `generate` would make of the article with `model` ranking its candidates and
    `keep` as the keep filter (none without it)."""
    return picked(article, model, keep)[1]


def picked(article: Article, model: ranker.Model, keep: ranker.Model | None = None) -> tuple[list, list[dict]]:
    """The candidates that became cards, and the cards, with `model` ranking and `keep` as
    the keep filter (none without it)."""
    extraction = copy.deepcopy(article.extraction)
    for c in [*extraction.claims, *extraction.formulas]:
        if c.dropped is None or c.dropped in SELECTION_DROPS:
            c.dropped = None
            c.score = model.value(c.features)
    options = CardOptions(**model.selection, keep_filter=keep, use_keep_filter=keep is not None)
    cards = [card.contract_dict() for card in select_cards(extraction, options, SeriesMemory()).cards]
    chosen = [c for c in [*extraction.claims, *extraction.formulas] if c.features and c.dropped is None]
    return chosen, cards


def model_json(model: ranker.Model) -> str:
    """The model file's text: sorted keys, rounded numbers, so equal models are equal bytes."""
    data = {"bias": model.bias, "selection": model.selection, "weights": dict(sorted(model.weights.items()))}
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def show_weights(title: str, model: ranker.Model, top: int | None = None) -> None:
    """The model's weights, largest first (the `top` largest), and its bias."""
    print(f"\n## {title}")
    for name, weight in sorted(model.weights.items(), key=lambda nw: -abs(nw[1]))[:top]:
        print(f"{name:24} {weight:+.3f}")
    print(f"{'(bias)':24} {model.bias:+.3f}")


def write_model(model: ranker.Model, path: Path) -> None:
    path.write_text(model_json(model), "utf-8")
    print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


def word_list_text() -> str | None:
    """General-English Zipf frequencies of common words (wordfreq) in half-point bands."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:
        return None
    bands: dict[float, list[str]] = defaultdict(list)
    for word, freq in get_frequency_dict("en", wordlist="best").items():
        zipf = math.log10(freq) + 9
        if zipf >= 3.0 and re.fullmatch(r"[a-z][a-z\-]*", word):
            bands[math.floor(zipf * 2) / 2].append(word)
    lines = ["# Zipf frequency band<TAB>words: wordfreq 3.1.1 'best' English list (CC BY-SA 4.0),",
             "# words at Zipf 3.0 and above; written by training/train_ranker.py"]
    lines += [f"{band}\t{' '.join(sorted(words))}" for band, words in sorted(bands.items(), reverse=True)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ reporting (needs the shared scorer)

def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("score_cards", shared / "tools" / "score_cards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def evaluate(articles: list[Article], models: list[ranker.Model], scorer) -> list[dict]:
    """The shared scorer's figures for each article's cards under its model."""
    return [scorer.score(a.gold, cards_of(a, m), scorer.prose_words(str(a.gold_path), a.gold))
            for a, m in zip(articles, models)]


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--no-write", action="store_true", help="report only; keep the shipped files")
    args = parser.parse_args(argv)
    words = word_list_text()
    if not args.no_write and words is not None:
        WORD_LIST.write_text(words, "utf-8")
        print(f"wrote {WORD_LIST.relative_to(ROOT)}", file=sys.stderr)
    scorer = load_scorer(args.shared)
    print("extracting the dev articles ...", file=sys.stderr)
    articles = load_articles(args.shared / "eval-dev", args.shared)
    full = train(articles)
    _, y, _ = dataset(articles, feature_names(articles))
    print(f"{len(articles)} articles, {len(y)} candidates, {int(y.sum())} positive, {len(full.weights)} features")
    import train_deletions  # it reads this module: imported once both are loaded
    blank_model = train_deletions.blank_models(articles)
    report("leave one article out", articles, out_of_fold(articles, lambda a: a.name, scorer, blank_model))
    report("leave one writer out", articles, out_of_fold(articles, lambda a: a.writer, scorer, blank_model))
    report("in sample (the shipped model)", articles, evaluate(articles, [full] * len(articles), scorer))
    show_weights("weights", full)
    if not args.no_write:
        write_model(full, WEIGHTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
