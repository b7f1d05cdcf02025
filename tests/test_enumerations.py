"""Lists of bold-named items and small two-column tables become one 'name them all' claim."""

import re

from studykit import blocks
from studykit.cards import claim_card
from studykit.enumerations import enumeration_claims, item_name
from studykit.sections import describes_article
from studykit.models import Post

GATES = """
## Anatomy

A gated unit computes its next state in three steps.

**(1) Keep gate** — how much of the past to keep:
$$k_t = \\sigma(W_k x_t)$$
A sigmoid between 0 and 1.

**(2) Write gate** — what to write:
$$w_t = \\sigma(W_w x_t)$$

**(3) Mix** — the new state blends old and new.

## Afterwards

Plain prose again.
"""

MYTHS = """
## Common misreadings

- **"Gates are free."** They cost parameters.
- **"Depth always helps."** It does not.
- **"More data fixes it."** Sometimes.
"""

UNANNOUNCED = """
## Ways to regularise

- **Dropout** drops units at random.
- **Weight decay** shrinks weights.
- **Early stopping** ends training when validation loss rises.
"""

TABLE = """
## Temperature

| Temperature | Effect |
| --- | --- |
| $T \\to 0$ | one-hot |
| $T = 1$ | plain softmax |
| $T \\to \\infty$ | uniform |
"""

WHAT_YOU_LEARN = """
## What you will learn

- **Gates** and why they help.
- **Parameters** and how to count them.
- **Speed** and where it comes from.
"""


def claims_of(markdown: str):
    doc = blocks.parse(markdown)
    return enumeration_claims(doc, describes_article, 0, lambda section: section)


def test_announced_steps_become_one_ordered_question():
    (claim,) = claims_of(GATES)
    assert claim.kind == "enumeration"
    assert claim.question == "A gated unit computes its next state in three steps — name all 3 in order."
    assert claim.answer == "1. Keep gate; 2. Write gate; 3. Mix"
    assert claim.context == "Anatomy"


def test_an_announced_count_is_a_feature_a_bare_list_lacks():
    (announced,) = claims_of(GATES)
    (bare,) = claims_of(UNANNOUNCED)
    assert bare.question == "Name the 3 listed under “Ways to regularise”."
    assert bare.answer == "Dropout; Weight decay; Early stopping"
    assert announced.features == {"list_announced": 1.0, "list_counted": 1.0}
    assert bare.features == {"list_announced": 0.0, "list_counted": 0.0}


def test_quoted_myths_and_the_article_outline_are_not_lists_to_learn():
    assert claims_of(MYTHS) == []
    assert claims_of(WHAT_YOU_LEARN) == []


def test_two_items_are_not_an_enumeration():
    two = "## Pair\n\n- **Alpha** one thing here.\n- **Beta** another thing.\n"
    assert claims_of(two) == []


def test_a_two_column_table_is_asked_as_its_mapping():
    (claim,) = claims_of(TABLE)
    assert claim.question.startswith("Temperature → Effect: what goes with each of $T \\to 0$, $T = 1$")
    assert claim.answer == "$T \\to 0$: one-hot; $T = 1$: plain softmax; $T \\to \\infty$: uniform"


def test_item_names_lose_numbering_and_trailing_punctuation():
    doc = blocks.parse("**(2) Reset gate** — what to forget.")
    assert item_name(doc.blocks[0]) == "Reset gate"
    doc = blocks.parse("**42** is a number.")
    assert item_name(doc.blocks[0]) == ""


def test_an_enumeration_becomes_a_qa_card_that_does_not_leak_its_answer():
    (claim,) = claims_of(GATES)
    post = Post(title="Gated units", url="file:///gated.md", body=GATES)
    card = claim_card(post, claim, frozenset({"qa", "cloze", "formula"}))
    assert card is not None and card.kind == "qa"
    assert card.front.startswith("[Anatomy] ")
    assert card.back == claim.answer
    for name in re.split(r"; \d\. |^\d\. ", card.back):
        assert not name or name.lower() not in card.front.lower()


def test_statements_and_numbered_exercises_are_not_names_to_learn():
    statements = ("## Pipeline\n\n- **Embeddings are shared.** Reused.\n"
                  "- **Feedback closes the loop.** Online.\n- **Features matter.** Always.\n")
    exercises = ("## Practice\n\n- **Exercise 1.** Prove it.\n- **Exercise 2.** Prove more.\n"
                 "- **Exercise 3.** Prove all.\n")
    assert claims_of(statements) == [] and claims_of(exercises) == []


def test_a_results_table_is_left_to_its_rows():
    results = "## Results\n\n| Setup | Top-1 |\n| --- | --- |\n| Teacher | 73.3% |\n| Student | 71.4% (+1.6) |\n"
    assert claims_of(results) == []


def test_the_few_words_that_finish_a_name_stay_with_it():
    md = ("## Loop\n\nThe four essentials:\n\n1. **Gradient clipping** (`max_norm=1.0`) — catches spikes.\n"
          "2. **Orthogonal init** of `weight_hh` — keeps the spectral radius near 1.\n"
          "3. **Layer norm** in the head — decouples the scale.\n"
          "4. **Dropout between layers** (PyTorch applies it between stacked layers, not across time).\n")
    (claim,) = claims_of(md)
    assert claim.answer == ("Gradient clipping (max_norm=1.0); Orthogonal init of weight_hh; "
                            "Layer norm in the head; Dropout between layers")


def test_a_table_under_a_formula_is_left_to_the_formula_card():
    md = ("## Temperature\n\n$$p_i = \\frac{e^{z_i / T}}{\\sum_j e^{z_j / T}}$$\n\n"
          "| Temperature | Effect |\n| --- | --- |\n| low | one-hot |\n| high | uniform |\n")
    assert claims_of(md) == []


def test_an_intro_that_leans_on_the_sentence_before_is_mended_or_left_out():
    md = ("## Recurrence\n\nThis single design choice gives RNNs three features:\n\n"
          "- **Any length** of input.\n- **Shared weights** across steps.\n- **Memory** of the past.\n")
    (claim,) = claims_of(md)
    assert claim.question.startswith("The single design choice gives RNNs three features — name all 3")
    md = md.replace("This single design choice gives", "This gives")
    (claim,) = claims_of(md)
    assert claim.question == "Name the 3 listed under “Recurrence”."


def test_a_wrong_count_repeated_keys_and_credits_do_not_reach_a_list_card():
    miscounted = ("## Steps\n\nTraining takes four steps:\n\n- **Warm up** first.\n- **Train** next.\n"
                  "- **Cool down** last.\n")
    (claim,) = claims_of(miscounted)
    assert claim.question == "Name the 3 listed under “Steps”."
    repeated = "## T\n\n| Level | Effect |\n| --- | --- |\n| Low | sharp |\n| High | flat |\n| Low | peaky |\n"
    (claim,) = claims_of(repeated)  # never "what goes with Low, High, Low?"
    assert claim.question.endswith("each of Low, High?") and claim.answer == "Low: sharp, peaky; High: flat"
    credited = ("## Tricks\n\n- **Forget bias** in 2014 by Jozefowicz — helps.\n- **Clipping** of norms — helps.\n"
                "- **Dropout** between layers — helps.\n")
    (claim,) = claims_of(credited)
    assert claim.answer == "Forget bias; Clipping of norms; Dropout between layers"


def test_rows_grouped_by_their_first_cell_are_asked_as_one_mapping():
    grouped = ("## Fixes\n\n| Problem | Fix | Why |\n| --- | --- | --- |\n"
               "| Vanishing | Skip connections | identity path |\n| Vanishing | Normalisation | stable scale |\n"
               "| Exploding | Clipping | bounded step |\n| Both | Careful init | right variance |\n")
    (claim,) = claims_of(grouped)
    assert claim.question == "Problem → Fix: what goes with each of Vanishing, Exploding, Both?"
    assert claim.answer == "Vanishing: Skip connections, Normalisation; Exploding: Clipping; Both: Careful init"
    crossed = ("## Advice\n\n| Similarity | Data | Advice |\n| --- | --- | --- |\n| High | Many | Tune all |\n"
               "| High | Few | Tune head |\n| Low | Many | Tune all |\n| Low | Few | Start over |\n")
    assert claims_of(crossed) == []  # two factors crossed: 'High' maps to nothing alone


def test_a_table_mapping_gets_the_salience_of_the_rows_it_stands_for(nlp):
    from studykit.extract import extract

    body = ("## Fixes\n\nDeep networks fail in two ways and each failure has its fixes.\n\n"
            "| Problem | Fix | Why |\n| --- | --- | --- |\n"
            "| Vanishing | Skip connections | identity path for the gradient |\n"
            "| Vanishing | Normalisation | stable activation scale |\n"
            "| Exploding | Gradient clipping | bounded update step |\n")
    claims = extract(Post(title="Deep nets", url="file:///d.md", body=body), nlp).claims
    mapping = next(c for c in claims if c.kind == "enumeration")
    assert mapping.features["mapping"] == 1.0 and mapping.features["salience"] > 0.5


def test_a_heading_that_counts_otherwise_makes_no_list_card():
    md = ("## The three gates\n\n- **Forget gate** drops memory.\n- **Input gate** writes memory.\n"
          "- **Candidate** proposes content.\n- **Output gate** exposes memory.\n")
    assert claims_of(md) == []
    assert len(claims_of(md.replace("The three gates", "The gates"))) == 1


def test_a_numbered_heading_that_counts_right_keeps_its_list_card():
    md = ("## 2 Three gates\n\n- **Forget gate** drops memory.\n- **Input gate** writes memory.\n"
          "- **Output gate** exposes memory.\n")
    assert len(claims_of(md)) == 1


def test_a_heading_whose_number_is_its_count_keeps_it():
    md = ("## 4 Gates that matter\n\n- **Forget gate** drops memory.\n- **Input gate** writes memory.\n"
          "- **Output gate** exposes memory.\n")
    assert claims_of(md) == []  # four announced, three listed
