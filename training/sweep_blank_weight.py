"""How much a claim's best blank should weigh in the pick, measured fully out of fold.

    .venv/bin/python training/sweep_blank_weight.py [--shared ../shared] [WEIGHT ...]

For each held-out article (and each held-out writer) the deletion model is fitted without
that article's (writer's) span labels and every claim's `best_blank` recomputed with it,
the ranker fitted without it ranks, and the selection adds `blank_weight` x (best_blank -
0.5) (`train_ranker.out_of_fold`). Prints fact and formula recall per weight, leave one
article out and leave one writer out (the figures behind `train_ranker.SELECTION`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_deletions as td  # noqa: E402
import train_ranker as tr  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=tr.ROOT.parent / "shared")
    parser.add_argument("weights", nargs="*", type=float, default=[0.0, 1.0, 2.0, 3.0])
    args = parser.parse_args(argv)
    scorer = tr.load_scorer(args.shared)
    print("extracting the dev articles ...", file=sys.stderr)
    articles = tr.load_articles(args.shared / "eval-dev", args.shared)
    blank_model = td.blank_models(articles)
    folds = {"leave one article out": lambda a: a.name, "leave one writer out": lambda a: a.writer}
    for weight in args.weights:
        line = [f"blank_weight {weight:4}:"]
        for title, key in folds.items():
            scores = tr.out_of_fold(articles, key, scorer, blank_model, {"blank_weight": weight})
            line.append(f"{title} fact={tr.mean(s['fact_recall'] for s in scores)} "
                        f"formula={tr.mean(s['formula_recall'] for s in scores)}")
        print("  ".join(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
