"""training/train_ranker.py on a small corpus of our own: it learns, and it is reproducible."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from tests.conftest import load_script
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import load_script

from studykit import ranker
from studykit.models import Formula

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "training"
SCRIPT = ROOT / "training" / "train_ranker.py"


@pytest.fixture(scope="module")
def trainer():
    return load_script(SCRIPT, "train_ranker")


@pytest.fixture(scope="module")
def articles(trainer):
    return trainer.load_articles(FIXTURE / "gold", FIXTURE)


def test_every_planted_key_sentence_is_labelled_and_nothing_else(trainer, articles):
    for article in articles:
        sentences = [c for c in trainer.candidates(article.extraction)
                     if not isinstance(c, Formula) and c.origin.name == "SENTENCE"]
        positive = [c.sentence for c in sentences if trainer.label(c, article.gold)]
        assert len(positive) == 2, (article.name, positive)  # the definition and the dated credit
        assert sum(" is " in s for s in positive) == 1 and sum(s.startswith("In 1") for s in positive) == 1


def test_a_model_trained_on_other_posts_ranks_the_planted_facts_above_the_filler(trainer, articles):
    for held_out in articles:
        model = trainer.train([a for a in articles if a is not held_out])
        values = {c.sentence: model.value(c.features) for c in trainer.candidates(held_out.extraction)
                  if not isinstance(c, Formula) and c.origin.name == "SENTENCE"}
        key = [v for s, v in values.items() if trainer.label_text(s, held_out.gold)]
        filler = [v for s, v in values.items() if not trainer.label_text(s, held_out.gold)]
        assert key and filler, held_out.name
        assert min(key) > max(filler), held_out.name


def test_the_model_file_is_the_same_bytes_on_every_run(trainer, articles):
    first = trainer.model_json(trainer.train(articles))
    code = ("import sys, importlib.util; from pathlib import Path; "
            f"spec = importlib.util.spec_from_file_location('t', {str(SCRIPT)!r}); "
            "t = importlib.util.module_from_spec(spec); sys.modules['t'] = t; spec.loader.exec_module(t); "
            f"f = Path({str(FIXTURE)!r}); "
            "sys.stdout.write(t.model_json(t.train(t.load_articles(f / 'gold', f))))")
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first
    # and it is a file the runtime reads back as the same model
    model = ranker.Model.from_dict(json.loads(first))
    assert trainer.model_json(model) == first


def test_the_shipped_model_is_written_as_the_trainer_writes_it(trainer):
    shipped = (ROOT / "studykit" / "data" / "ranker.json").read_text("utf-8")
    assert trainer.model_json(ranker.Model.from_dict(json.loads(shipped))) == shipped
    assert ranker.load().weights and set(ranker.load().selection) >= {"min_value", "section_spread"}


def test_the_shipped_keep_filter_is_written_as_the_trainer_writes_it(trainer):
    shipped = (ROOT / "studykit" / "data" / "keep_filter.json").read_text("utf-8")
    assert trainer.model_json(ranker.Model.from_dict(json.loads(shipped))) == shipped
    assert set(ranker.load_keep().selection) == {"threshold", "weight"}


def test_out_of_fold_figures_recompute_best_blanks_per_fold_and_put_them_back(trainer, articles):
    """The trainer's out-of-fold figures use, for each fold, a deletion model fitted without it
    (here a hand-made one that finds every blank poor) and leave the claims as they were."""
    scorer_path = ROOT.parent / "shared" / "tools" / "score_cards.py"
    if not scorer_path.is_file():
        pytest.skip("../shared/tools/score_cards.py is absent")
    from studykit.deletions import BEST_BLANK

    scorer = trainer.load_scorer(ROOT.parent / "shared")
    before = {id(c): c.features.get(BEST_BLANK) for a in articles for c in a.extraction.claims}
    folds: list[str] = []
    held_out: list[float] = []
    poor = ranker.Model(weights={}, bias=-5.0, selection={})

    def blank_model(key, fold):
        folds.append(fold)
        return poor

    real_cards_of = trainer.cards_of

    def cards_of(article, model, keep=None):  # what a held-out article is carded with
        blanks = [c.features[BEST_BLANK] for c in article.extraction.claims if BEST_BLANK in c.features]
        held_out.extend(blanks)
        return real_cards_of(article, model, keep)

    trainer.cards_of = cards_of
    try:
        scores = trainer.out_of_fold(articles, lambda a: a.name, scorer, blank_model)
    finally:
        trainer.cards_of = real_cards_of
    assert folds == [a.name for a in articles]
    assert held_out and all(blank < 0.01 for blank in held_out)
    assert len(scores) == len(articles) and all(s["cards"] > 0 for s in scores)
    assert {id(c): c.features.get(BEST_BLANK) for a in articles for c in a.extraction.claims} == before
