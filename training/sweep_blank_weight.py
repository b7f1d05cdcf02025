"""How much a claim's best blank should weigh in the pick, measured fully out of fold.

    .venv/bin/python training/sweep_blank_weight.py [--shared ../shared] [WEIGHT ...]

`train_ranker.py` computes every claim's `best_blank` with the shipped deletion model,
which saw the span labels of every dev article. Here, for each held-out article (and each
held-out writer), `best_blank` is computed again with a deletion model fitted without
that article's (writer's) labels, the ranker fitted without it ranks, and the selection
adds `blank_weight` x (best_blank - 0.5). Prints fact and formula recall per weight, leave
one article out and leave one writer out (the figures behind `train_ranker.SELECTION`).
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_deletions as td  # noqa: E402
import train_ranker as tr  # noqa: E402

from studykit import deletions, ranker  # noqa: E402
from studykit.deletions import BEST_BLANK  # noqa: E402


def out_of_fold_blanks(articles: list[tr.Article], found: list[td.Sentence], names: list[str],
                       key: Callable[[tr.Article], str]) -> list[tr.Article]:
    """Copies of the articles whose best_blank comes from a deletion model fitted without their fold."""
    fold_of = {a.name: key(a) for a in articles}
    models: dict[str, ranker.Model] = {}
    out = []
    for article in articles:
        fold = key(article)
        if fold not in models:
            models[fold] = td.fit([s for s in found if fold_of[s.article] != fold], names)
        held_out = copy.deepcopy(article)
        for claim in held_out.extraction.claims:
            if BEST_BLANK in claim.features:
                claim.features[BEST_BLANK] = deletions.best_blank(claim, models[fold]) or 0.0
        out.append(held_out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=tr.ROOT.parent / "shared")
    parser.add_argument("weights", nargs="*", type=float, default=[0.0, 1.0, 2.0, 3.0])
    args = parser.parse_args(argv)
    scorer = tr.load_scorer(args.shared)
    print("extracting the dev articles ...", file=sys.stderr)
    articles = tr.load_articles(args.shared / "eval-dev", args.shared)
    found = td.sentences(articles, td.read_labels())
    names = td.feature_names(found)
    folds = {"leave one article out": lambda a: a.name, "leave one writer out": lambda a: a.writer}
    runs = {title: (out_of_fold_blanks(articles, found, names, key), tr.folds(articles, key))
            for title, key in folds.items()}
    for weight in args.weights:
        line = [f"blank_weight {weight:4}:"]
        for title, (held_out, models) in runs.items():
            scores = [scorer.score(a.gold, tr.cards_of(a, ranker.Model(m.weights, m.bias, {**m.selection,
                                                                                              "blank_weight": weight})),
                                   scorer.prose_words(str(a.gold_path), a.gold))
                      for a, m in zip(held_out, models)]
            line.append(f"{title} fact={tr.mean(s['fact_recall'] for s in scores)} "
                        f"formula={tr.mean(s['formula_recall'] for s in scores)}")
        print("  ".join(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
