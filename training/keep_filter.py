"""Fit the keep filter on our keep/discard labels of generated cards, and report it out of fold.

    .venv/bin/python training/keep_filter.py [--shared ../shared] [--no-write]

`training/card_labels.jsonl` holds one line per labelled card of the dev articles:
`{"article", "key", "kind", "label": "keep"|"discard", "reason"}`. `key` is `candidate_key`
of the card's sentence (or formula), so no text of the articles is kept here. The reasons
form a closed set (`REASONS`). The filter is a logistic regression over the ranker's own
features that predicts "a learner keeps this card"; a candidate it gives less than the
threshold makes no card, and the selection adds `weight` times (probability - 0.5) to a
candidate's value. Figures: leave-one-article-out precision and recall of the "discard"
decision, per writer and overall, how many labels still match a candidate, and for each
threshold and weight the fact recall and the share of kept labelled cards of the decks
(leave one article out, fully: ranker, deletion model and filter all fitted without the
held-out article); the setting shipped is the one keeping most without losing facts.
Writes `studykit/data/keep_filter.json` (same bytes for the same data).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_ranker as tr  # noqa: E402

from studykit import ranker  # noqa: E402
from studykit.models import Formula  # noqa: E402

LABELS = tr.ROOT / "training" / "card_labels.jsonl"
FILTER = tr.ROOT / "studykit" / "data" / "keep_filter.json"
REASONS = ("keep", "caption", "notation_setup", "worked_example", "fragment", "trivial_deletion",
           "needs_figure", "program_output", "other")
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4)
WEIGHTS = (1.0, 2.0, 3.0)  # value a candidate gains per unit of keep probability over 0.5
FACT_SLACK = 0.005  # out-of-fold fact recall a threshold may cost (under one fact in 21 articles)
MIN_PRECISION = 0.7  # of the "discard" decision: a filter wrong more often drops too many good cards


def candidate_key(candidate) -> str:
    """A candidate's sentence (or formula) as a key that survives changes of markup."""
    text = candidate.latex if isinstance(candidate, Formula) else candidate.sentence
    return text_key(text)


def text_key(text: str) -> str:
    return hashlib.sha1(re.sub(r"\W+", " ", text.lower()).strip().encode()).hexdigest()[:16]


def valid_label(label: str, reason: str) -> bool:
    """A reason from the closed set, and 'keep' exactly when the label keeps the card."""
    return reason in REASONS and (label == "keep") == (reason == "keep")


def read_labels(path: Path = LABELS) -> list[dict]:
    labels = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    bad = [row for row in labels if not valid_label(row["label"], row["reason"])]
    if bad:
        raise SystemExit(f"{path}: {len(bad)} label(s) outside the closed set, e.g. {bad[0]}")
    return labels


def joined(articles: list[tr.Article], labels: list[dict]) -> list[tuple[tr.Article, object, int, str]]:
    """(article, candidate, 1 for keep, reason) for every label that matches a live candidate."""
    by_article = {a.gold["article"]: a for a in articles}
    index = {}
    for a in articles:
        for c in [*a.extraction.claims, *a.extraction.formulas]:
            if c.features:
                index.setdefault((a.gold["article"], candidate_key(c)), c)
    rows = []
    for row in labels:
        c = index.get((row["article"], row["key"]))
        if c is not None and row["article"] in by_article:
            rows.append((by_article[row["article"]], c, int(row["label"] == "keep"), row["reason"]))
    return rows


def fit(x: np.ndarray, y: np.ndarray, names: list[str], threshold: float, weight: float = 0.0) -> ranker.Model:
    return tr.logistic_model(x, y, names, {"threshold": threshold, "weight": weight})


def out_of_fold(rows, names: list[str], key) -> np.ndarray:
    """Each row's keep probability from a filter fitted without the rows of its fold."""
    x = np.array([[c.features.get(n, 0.0) for n in names] for _, c, _, _ in rows])
    y = np.array([keep for _, _, keep, _ in rows])
    folds = np.array([key(a) for a, _, _, _ in rows])
    p = np.zeros(len(rows))
    for k in sorted(set(folds)):
        test = folds == k
        if len(set(y[~test])) < 2:
            p[test] = y[~test].mean()
            continue
        model = fit(x[~test], y[~test], names, 0.0)
        p[test] = [model.probability(dict(zip(names, row))) for row in x[test]]
    return p


def deck_figures(articles, labels, names, settings, scorer) -> list[tuple[float, float, float, float]]:
    """Fully out of fold, leaving one article out, for each (threshold, weight) of the filter:
    fact recall of the decks and the share of their labelled cards a learner keeps. The
    ranker, the deletion model behind `best_blank` and the filter are all fitted without the
    held-out article (`train_ranker.out_of_fold`)."""
    import train_deletions  # it reads train_ranker: imported once both are loaded

    blank_model = train_deletions.blank_models(articles)
    rows = joined(articles, labels)
    y = np.array([keep for _, _, keep, _ in rows])
    owner = np.array([a.name for a, _, _, _ in rows])
    label_of = {(a.name, candidate_key(c)): keep for a, c, keep, _ in rows}
    print("\n## decks, leave one article out: fact recall, formula recall, labelled cards kept")
    figures = []
    for t, w in settings:
        kept: list[int] = []

        def cards(article: tr.Article, model: ranker.Model, fold: str) -> list[dict]:
            keep = None
            if t > 0 or w > 0:  # features as they are in this fold (its best blanks)
                x = np.array([[c.features.get(n, 0.0) for n in names] for _, c, _, _ in rows])
                keep = fit(x[owner != fold], y[owner != fold], names, t, w)
            chosen, made = tr.picked(article, model, keep)
            kept.extend(label_of[k] for c in chosen if (k := (article.name, candidate_key(c))) in label_of)
            return made

        scores = tr.out_of_fold(articles, lambda a: a.name, scorer, blank_model, cards=cards)
        facts = [s["fact_recall"] for s in scores]
        print(f"threshold {t:4} weight {w:3}: fact={tr.mean(facts)} "
              f"formula={tr.mean(s['formula_recall'] for s in scores)} "
              f"kept={sum(kept)}/{len(kept)} ({sum(kept) / max(len(kept), 1):.0%})")
        figures.append((t, w, tr.mean(facts) or 0.0, sum(kept) / max(len(kept), 1)))
    return figures


def precision_recall(y: np.ndarray, p: np.ndarray, threshold: float) -> tuple[float, float]:
    """Of the "discard" decision (p < threshold): precision and recall against the labels."""
    flagged = p < threshold
    discard = y == 0
    tp = int((flagged & discard).sum())
    precision = tp / int(flagged.sum()) if flagged.sum() else 0.0
    recall = tp / int(discard.sum()) if discard.sum() else 0.0
    return round(float(precision), 3), round(float(recall), 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=tr.ROOT.parent / "shared")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    labels = read_labels()
    articles = tr.load_articles(args.shared / "eval-dev", args.shared)
    rows = joined(articles, labels)
    names = tr.feature_names(articles)
    y = np.array([keep for _, _, keep, _ in rows])
    print(f"{len(labels)} labels, {len(rows)} match a candidate of today's extraction, "
          f"{int(y.sum())} keep ({y.mean():.0%})")
    print("reasons:", dict(Counter(r for _, _, _, r in rows)))
    by_writer = Counter(a.writer for a, _, _, _ in rows)
    print("per writer:", dict(by_writer))
    p_article = out_of_fold(rows, names, lambda a: a.name)
    p_writer = out_of_fold(rows, names, lambda a: a.writer)
    print("\n## the 'discard' decision out of fold: precision / recall")
    print("threshold  leave-one-article-out  leave-one-writer-out")
    for t in THRESHOLDS:
        print(f"{t:9}  {precision_recall(y, p_article, t)!s:21}  {precision_recall(y, p_writer, t)}")
    precise = [t for t in THRESHOLDS if precision_recall(y, p_article, t)[0] >= MIN_PRECISION]
    groups = defaultdict(list)
    for (a, _, keep, _), p in zip(rows, p_article):
        groups[a.writer].append((keep, p))
    for writer, vs in sorted(groups.items()):
        yy, pp = np.array([k for k, _ in vs]), np.array([p for _, p in vs])
        print(f"writer {writer:17} labels={len(vs):3} keep={yy.mean():.0%} discard precision/recall "
              f"at 0.4: {precision_recall(yy, pp, 0.4)}")
    settings = [(0.0, 0.0), *((t, 0.0) for t in precise), *((0.0, w) for w in WEIGHTS)]
    figures = deck_figures(articles, labels, names, settings, tr.load_scorer(args.shared))
    # a setting ships only when its decks keep more labelled cards and lose no fact recall
    base_fact, base_kept = figures[0][2], figures[0][3]
    better = [f for f in figures[1:] if f[2] >= base_fact - FACT_SLACK and f[3] > base_kept]
    threshold, weight = max(better, key=lambda f: f[3])[:2] if better else (0.0, 0.0)
    print(f"\nchosen threshold {threshold}, weight {weight} (the setting whose decks keep the most labelled "
          "cards without losing fact recall; 0.0 and 0.0: the filter changes nothing)")
    x = np.array([[c.features.get(n, 0.0) for n in names] for _, c, _, _ in rows])
    model = fit(x, y, names, threshold, weight)
    tr.show_weights("weights (keep)", model, top=20)
    if not args.no_write:
        tr.write_model(model, FILTER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
