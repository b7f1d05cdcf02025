"""Fit the deletion model on our labels of cloze deletions, and report it out of fold.

    .venv/bin/python training/train_deletions.py [--shared ../shared] [--no-write]

A cloze card blanks one span of its sentence. `training/deletion_labels.jsonl` holds our
labels of the spans studykit could blank in the cloze cards of the dev decks, one line per
span: `{"article", "key", "target", "label"}`, where `key` is the sentence's
`candidate_key`, `target` the span's `text_key` (no text of the articles is kept here) and
`label` one of `LABELS`: "good" (a term, name or number a learner would want to recall,
cued by the rest of the sentence), "trivial" (a common word, a guessable phrase, the post's
own topic, an incidental citation) or "bad_form" (cuts a clause, carries a verb, ambiguous).

A logistic regression over `studykit.deletion_features` and the claim's own features
(`deletions.span_features`) predicts "good"; a cloze blanks the span it values most
(`studykit.deletions`). Figures, leave one article out and leave
one writer out, per writer and overall: how often the span the card blanks is good, with
the rules' order (the first deletable span, what studykit blanked before the model) and
with the model, beside how many sentences have a good span at all. Writes
`studykit/data/deletion.json` (same bytes for the same data).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_ranker as tr  # noqa: E402
from keep_filter import candidate_key, text_key  # noqa: E402

from studykit import deletions, ranker  # noqa: E402
from studykit.models import Claim  # noqa: E402

LABEL_FILE = tr.ROOT / "training" / "deletion_labels.jsonl"
MODEL_FILE = tr.ROOT / "studykit" / "data" / "deletion.json"
LABELS = ("good", "trivial", "bad_form")


@dataclass
class Sentence:
    """A labelled sentence: its article's writer, the spans in card order, and their labels."""

    article: str
    writer: str
    targets: list[str]  # deletable spans, in the order the rules list them
    features: list[dict[str, float]]
    good: list[int]  # 1 good, 0 trivial or bad form
    claim_features: dict[str, float]  # the ranker's features of the sentence


def read_labels(path: Path = LABEL_FILE) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    bad = [r for r in rows if r["label"] not in LABELS]
    if bad:
        raise SystemExit(f"{path}: {len(bad)} label(s) outside {LABELS}, e.g. {bad[0]}")
    return rows


def sentences(articles: list[tr.Article], rows: list[dict]) -> list[Sentence]:
    """Each labelled sentence that today's extraction still has, with its labelled spans."""
    wanted: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for r in rows:
        wanted[(r["article"], r["key"])][r["target"]] = r["label"]
    found = []
    for article in articles:
        for claim in article.extraction.claims:
            labels = wanted.get((article.gold["article"], candidate_key(claim)))
            if not labels or not isinstance(claim, Claim) or claim.dropped:
                continue
            spans = [t for t in deletions.deletable_targets(claim) if text_key(t) in labels and t in claim.target_features]
            if spans:
                found.append(Sentence(article.name, article.writer, spans,
                                      [deletions.span_features(claim, t) for t in spans],
                                      [int(labels[text_key(t)] == "good") for t in spans], claim.features))
                wanted.pop((article.gold["article"], candidate_key(claim)))
    return found


def feature_names(found: list[Sentence]) -> list[str]:
    return sorted({n for s in found for f in s.features for n in f})


def fit(found: list[Sentence], names: list[str]) -> ranker.Model:
    x = np.array([[f.get(n, 0.0) for n in names] for s in found for f in s.features])
    y = np.array([g for s in found for g in s.good])
    return tr.logistic_model(x, y, names, {})


def out_of_fold(found: list[Sentence], names: list[str], key) -> list[list[float]]:
    """Each sentence's spans' probabilities under the model fitted without its fold."""
    models = {}
    for s in found:
        if key(s) not in models:
            models[key(s)] = fit([o for o in found if key(o) != key(s)], names)
    return [[models[key(s)].probability(f) for f in s.features] for s in found]


def blank_models(articles: list[tr.Article]) -> "tr.BlankModels":
    """`(key, fold) -> the deletion model fitted on the span labels of every article outside
    that fold`: what `train_ranker.out_of_fold` computes a held-out article's best blanks with."""
    found = sentences(articles, read_labels())
    names = feature_names(found)
    cache: dict[frozenset[str], ranker.Model] = {}

    def model(key, fold: str) -> ranker.Model:
        seen = frozenset(a.name for a in articles if key(a) != fold)
        if seen not in cache:
            cache[seen] = fit([s for s in found if s.article in seen], names)
        return cache[seen]
    return model


def figures(found: list[Sentence], probabilities: list[list[float]]) -> None:
    """How often the blank is good with the rules' order and with the model."""
    rules = sum(s.good[0] for s in found)
    best = [deletions.order(p, s.features)[0] for s, p in zip(found, probabilities)]
    model = sum(s.good[i] for s, i in zip(found, best))
    any_good = sum(max(s.good) for s in found)
    print(f"  blank is good: rules {rules}/{len(found)} ({rules / len(found):.0%}), "
          f"model {model}/{len(found)} ({model / len(found):.0%}); a good span exists in {any_good}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=tr.ROOT.parent / "shared")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    rows = read_labels()
    print("extracting the dev articles ...", file=sys.stderr)
    articles = tr.load_articles(args.shared / "eval-dev", args.shared)
    found = sentences(articles, rows)
    names = feature_names(found)
    spans = [g for s in found for g in s.good]
    print(f"{len(rows)} labelled spans, {len(found)} sentences and {len(spans)} spans match today's extraction; "
          f"{sum(spans)} good; labels {dict(Counter(r['label'] for r in rows))}")
    print("per writer:", dict(Counter(s.writer for s in found)))
    print("\n## leave one article out")
    by_article = out_of_fold(found, names, lambda s: s.article)
    figures(found, by_article)
    print("\n## leave one writer out")
    by_writer = out_of_fold(found, names, lambda s: s.writer)
    figures(found, by_writer)
    for writer in sorted({s.writer for s in found}):
        print(f"writer {writer}, leave one article out / leave one writer out:")
        for folds in (by_article, by_writer):
            mine = [(s, p) for s, p in zip(found, folds) if s.writer == writer]
            figures([s for s, _ in mine], [p for _, p in mine])
    full = fit(found, names)
    tr.show_weights("weights (good)", full)
    if not args.no_write:
        tr.write_model(full, MODEL_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
