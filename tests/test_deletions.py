"""Which span a cloze blanks: the deletion model's features, its ranking, and its training."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from tests.conftest import load_script
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import load_script

from studykit import deletions, ranker
from studykit.cards import claim_card
from studykit.extract import extract
from studykit.models import Claim, ClaimKind, Post

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "training"
SCRIPT = ROOT / "training" / "train_deletions.py"

POST = """---
title: "Notes on Sourdough"
---
## Starters

A **levain** is the portion of starter mixed into the dough, fed a few hours before the bake.

## Proofing

Bakers proof sourdough at about 24 °C, and a levain that doubles in four hours is ready to use.
The bench was covered in flour and the radio was playing old songs all afternoon.
"""


def _claim(extraction, opening: str) -> Claim:
    return next(c for c in extraction.claims if c.sentence.startswith(opening) and not c.dropped)


@pytest.fixture(scope="module")
def sourdough(nlp):
    return extract(Post(title="Notes on Sourdough", url="file:///sourdough.md",
                        body=POST.split("---", 2)[2]), nlp)


def test_every_deletable_span_of_a_judged_sentence_has_its_features(sourdough):
    claim = _claim(sourdough, "Bakers proof")
    spans = deletions.deletable_targets(claim)
    assert spans and all(claim.target_features.get(t) for t in spans)
    levain = claim.target_features["levain"]
    assert levain["del_bold_in_post"] == 1.0  # bold where the post defines it
    assert levain["del_mentions"] > 0 and levain["del_single"] == 1.0
    temperature = next(t for t in spans if "24" in t)
    assert claim.target_features[temperature]["del_digits"] == 1.0


def test_a_lone_number_is_no_lone_word(nlp):
    from studykit import deletion_features

    sent = next(nlp("A levain doubles in 4 hours at a warm room temperature.").sents)

    def span(target: str) -> dict[str, float]:
        return deletion_features.in_sentence(sent, sent.text, target, bold=[], people=[], term="")
    assert span("4")["del_single"] == 0.0 and span("4")["del_digits"] == 1.0
    assert span("levain")["del_single"] == 1.0 and span("room temperature")["del_single"] == 0.0


def test_the_shipped_model_blanks_a_term_or_number_rather_than_an_everyday_word(sourdough):
    claim = _claim(sourdough, "Bakers proof")
    first = deletions.ranked_targets(claim)[0]
    assert first == "levain" or "24" in first, deletions.ranked_targets(claim)
    card = claim_card(sourdough.post, claim, frozenset({"cloze"}))
    assert card is not None and f"{{{{c1::{first}}}}}" in card.cloze


def _hand_made(features: dict[str, dict[str, float]]) -> Claim:
    return Claim(sentence="The update gate blends the old state with the new candidate state.",
                 kind=ClaimKind.KEY_POINT, cloze_targets=["update gate", "new candidate state", "old state"],
                 target_features=features)


def test_the_model_orders_the_spans_by_value_and_spans_without_features_keep_the_rules_order():
    model = ranker.Model(weights={"rare": 2.0, "long": -1.0}, bias=0.0, selection={})
    claim = _hand_made({"update gate": {"rare": 0.1}, "new candidate state": {"rare": 1.0, "long": 0.2},
                        "old state": {"rare": 0.5}})
    assert deletions.ranked_targets(claim, model) == ["new candidate state", "old state", "update gate"]
    card = claim_card(Post(title="T", url="u", body=""), claim, frozenset({"cloze"}), model)
    assert card is not None and "{{c1::new candidate state}}" in card.cloze
    no_features = _hand_made({"update gate": {"rare": 0.1}})  # two spans were never described
    assert deletions.ranked_targets(no_features, model) == ["update gate", "new candidate state", "old state"]


def test_the_shipped_deletion_model_is_written_as_the_trainer_writes_it(trainer):
    shipped = (ROOT / "studykit" / "data" / "deletion.json").read_text("utf-8")
    assert trainer.tr.model_json(ranker.Model.from_dict(json.loads(shipped))) == shipped
    assert ranker.load_deletion().weights


@pytest.fixture(scope="module")
def trainer():
    return load_script(SCRIPT, "train_deletions")


@pytest.fixture(scope="module")
def labelled(trainer):
    articles = trainer.tr.load_articles(FIXTURE / "gold", FIXTURE)
    return trainer.sentences(articles, trainer.read_labels(FIXTURE / "deletion_labels.jsonl"))


def test_a_model_trained_on_other_posts_blanks_a_good_span_of_the_held_out_post(trainer, labelled):
    names = trainer.feature_names(labelled)
    for article in sorted({s.article for s in labelled}):
        model = trainer.fit([s for s in labelled if s.article != article], names)
        held_out = [s for s in labelled if s.article == article and any(s.good)]
        assert held_out, article
        for sentence in held_out:
            values = [model.value(f) for f in sentence.features]
            assert sentence.good[values.index(max(values))], (article, sentence.targets)


def test_the_deletion_model_file_is_the_same_bytes_on_every_run(trainer, labelled):
    first = trainer.tr.model_json(trainer.fit(labelled, trainer.feature_names(labelled)))
    code = ("import sys, importlib.util; from pathlib import Path; "
            f"spec = importlib.util.spec_from_file_location('t', {str(SCRIPT)!r}); "
            "t = importlib.util.module_from_spec(spec); sys.modules['t'] = t; spec.loader.exec_module(t); "
            f"f = Path({str(FIXTURE)!r}); "
            "found = t.sentences(t.tr.load_articles(f / 'gold', f), t.read_labels(f / 'deletion_labels.jsonl')); "
            "sys.stdout.write(t.tr.model_json(t.fit(found, t.feature_names(found))))")
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first


def test_labels_outside_the_closed_set_are_refused(trainer, tmp_path):
    bad = tmp_path / "labels.jsonl"
    bad.write_text('{"article": "a", "key": "k", "target": "t", "label": "great"}\n', "utf-8")
    with pytest.raises(SystemExit, match="outside"):
        trainer.read_labels(bad)


def test_a_span_opening_with_an_abbreviation_asks_for_what_follows_it(nlp):
    body = ("## Decoding\n\nStrong open models, e.g. GPT2 and its successors, produce fluent text when "
            "decoded with nucleus sampling at p = 0.9.\n")
    extraction = extract(Post(title="Notes on Decoding", url="file:///decoding.md", body=body), nlp)
    claim = _claim(extraction, "Strong open models")
    assert "GPT2" in claim.cloze_targets
    assert not any(t.lower().startswith(("e.g", "i.e")) for t in claim.cloze_targets), claim.cloze_targets


def test_between_claims_of_equal_value_the_one_with_the_better_blank_is_carded_first(sourdough):
    from studykit.cards import CardOptions, select_cards

    def only_card(better: str, blank_weight: float) -> str:
        extraction = copy.deepcopy(sourdough)
        live = [c for c in extraction.claims if not c.dropped]
        for claim in live:
            claim.score = 0.0
            claim.features["best_blank"] = 0.9 if claim.sentence.startswith(better) else 0.2
        options = CardOptions(min_cards=1, max_cards=1, kinds=frozenset({"cloze"}), section_spread=0.0,
                              new_term_gain=0.0, covered_term_cost=0.0, blank_weight=blank_weight,
                              use_keep_filter=False)
        (card,) = select_cards(extraction, options).cards
        return card.source_sentence

    for better in ("A levain", "Bakers proof"):
        assert only_card(better, blank_weight=2.0).startswith(better)


def test_the_posts_own_topic_is_blanked_only_when_the_sentence_has_nothing_else_to_ask():
    model = ranker.Model(weights={"rare": 2.0}, bias=0.0, selection={})
    topic = {"rare": 1.0, "del_topic_share": 1.0, "del_mentions": 1.0}  # the post's most-said term
    claim = _hand_made({"update gate": topic, "new candidate state": {"rare": 0.4}, "old state": {"rare": 0.2}})
    assert deletions.ranked_targets(claim, model) == ["new candidate state", "old state", "update gate"]
    assert deletions.best_blank(claim, model) == round(model.probability({"rare": 0.4}), 3)  # valued by its blank
    card = claim_card(Post(title="T", url="u", body=""), claim, frozenset({"cloze"}), model)
    assert card is not None and "{{c1::new candidate state}}" in card.cloze
    alone = Claim(sentence=claim.sentence, kind=ClaimKind.KEY_POINT, cloze_targets=["update gate"],
                  target_features={"update gate": topic})
    assert deletions.ranked_targets(alone, model) == ["update gate"]
    # a term said as often as any other, but only a few times, is no topic: a short post has none
    rare_in_post = {"rare": 1.0, "del_topic_share": 1.0, "del_mentions": 0.25}
    claim = _hand_made({"update gate": rare_in_post, "new candidate state": {"rare": 0.4}, "old state": {"rare": 0.2}})
    assert deletions.ranked_targets(claim, model)[0] == "update gate"


def test_best_blank_is_the_models_probability_for_the_best_span_and_names_never_collide(sourdough):
    model = ranker.load_deletion()
    for claim in (c for c in sourdough.claims if not c.dropped and deletions.BEST_BLANK in c.features):
        spans = deletions.ranked_targets(claim)
        merged = [model.probability(deletions.span_features(claim, t)) for t in spans]
        assert claim.features[deletions.BEST_BLANK] == round(merged[0], 3)  # valued by the span it blanks
        assert merged[0] == max(merged) or claim.target_features[spans[merged.index(max(merged))]]["del_topic_share"] >= 0.9
        for t in spans:
            assert not set(claim.target_features[t]) & set(claim.features)


def test_a_claim_without_a_span_to_blank_has_no_best_blank():
    claim = _hand_made({"update gate": {"rare": 0.1}})  # spans without features: the rules pick
    assert deletions.best_blank(claim) is None
    bare = Claim(sentence="The update gate blends two states.", kind=ClaimKind.KEY_POINT)
    assert deletions.best_blank(bare) is None


def test_the_post_index_counts_whole_phrases_and_reads_math_and_bold_as_written():
    from studykit.deletion_features import PostIndex, in_post

    text = ("The attention head reads the attention weights. Attention weights sum to one. "
            "Self attention weights differ; attention is all. The rate $\\alpha$ is bold.")
    post = PostIndex(title="Notes on Attention", headings=["Attention weights"], bold_terms=["$\\alpha$"],
                     post_text=text)
    assert post.mentions(["attention", "weights"]) == 3
    assert post.mentions(["weights", "sum"]) == 1 and post.mentions(["head", "weights"]) == 0
    assert post.in_heading(["attention", "weights"]) and not post.in_heading(["weights", "sum"])
    assert in_post("$\\alpha$", post)["del_bold_in_post"] == 1.0
    assert in_post("attention weights", post)["del_in_heading"] == 1.0


def test_phrase_tokens_are_the_tokens_wholly_inside_the_phrase(nlp):
    from studykit import doc_index

    doc = nlp("Bakers proof sourdough at about 24 °C. A levain that doubles in four hours is ready, e.g. by noon.")
    for sent in doc.sents:
        text = sent.text
        for a in range(len(text)):
            for b in range(a + 1, min(len(text), a + 25) + 1):
                phrase, start = text[a:b], sent.start_char + text.find(text[a:b])
                inside = [t.i for t in sent if t.idx >= start and t.idx + len(t.text) <= start + len(phrase)]
                assert [t.i for t in doc_index.phrase_tokens(sent, phrase)] == inside, phrase


def test_a_blank_never_cuts_a_bracket_pair_in_two():
    from studykit.cloze import deletable

    sentence = "Each edge is a possible (usually noisy) transition between two states of the game."
    assert not deletable(sentence, "noisy) transition")
    assert not deletable(sentence, "possible (usually")
    assert deletable(sentence, "possible (usually noisy) transition")
    assert deletable(sentence, "transition")


def test_a_blank_never_cuts_a_number_from_its_sign_or_its_range():
    from studykit.cloze import deletable

    sentence = "Cell values lie in [-1,1] and a win scores -1 less than 10-20% of the time after 2024-2025."
    for half in ("1,1", "1", "10", "20%", "2024", "2025"):
        assert not deletable(sentence, half), half
    assert deletable("A decay of 0.99 keeps the average of the last hundred steps.", "0.99")
    assert deletable("The learning rate drops to 1e-4 after warmup.", "1e-4")


def test_brackets_must_close_outside_math_only():
    from studykit.cloze import deletable

    sentence = "Edges (usually noisy) join states (see below), and the rate lies in $[0, 1)$ here."
    assert not deletable(sentence, "noisy) join states (see")
    assert deletable(sentence, "$[0, 1)$")
