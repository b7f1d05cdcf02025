"""Extraction on an article written for these tests (tests/fixtures/articles/sequence-models.md)."""

import pytest

from studykit import ranker
from studykit.extract import extract
from studykit.models import CardKind, Drop, Origin, Post
from studykit.sources.markdown import read_markdown_file

from .conftest import FIXTURES


def _judged(nlp, text):
    """The claim `judge` makes of a one-sentence Markdown paragraph."""
    from studykit.blocks import parse
    from studykit.claims import judge

    block = parse(text).blocks[0]
    return judge(next(nlp(block.plain).sents), block.plain, block, 0)


def _claims(nlp, body, title="Post"):
    return extract(Post(title=title, url="file:///post.md", body=body), nlp).claims


def _live(nlp, body):
    """The sentences of a post's claims that were not dropped."""
    return [c.sentence for c in _claims(nlp, body) if not c.dropped]


@pytest.fixture(scope="module")
def extraction(nlp):
    return extract(read_markdown_file(FIXTURES / "articles" / "sequence-models.md"), nlp)


def claim_with(extraction, text):
    matches = [c for c in extraction.claims if text in c.sentence]
    assert matches, f"no claim holds {text!r}"
    return matches[0]


def test_definition_with_term_and_answer(extraction):
    c = claim_with(extraction, "A recurrent neural network is a network")
    assert c.kind == "definition" and not c.dropped
    assert c.term == "recurrent neural network"
    assert c.answer.startswith("a network that applies the same weights")


def test_dates_and_people(extraction):
    c = claim_with(extraction, "introduced the long short-term memory cell in 1997")
    assert c.kind == "date"
    assert "1997" in c.cloze_targets


def test_a_pronoun_is_never_resolved_to_the_person_who_did_something(extraction):
    assert not any(c.sentence.startswith("Sepp Hochreiter makes") for c in extraction.claims)
    # ... nor to the subject of a sentence further back
    assert not any(c.sentence.startswith("A recurrent neural network makes") for c in extraction.claims)
    leaning = [c for c in extraction.claims if "long-range dependencies" in c.sentence]
    assert leaning and all(not c.sentence.startswith("It ") or c.dropped for c in leaning)


def test_meta_talk_is_dropped_and_code_never_reaches_claims(extraction):
    assert claim_with(extraction, "In this article").dropped
    assert not any("this comment must never" in c.sentence for c in extraction.claims)
    assert not any("What You Will Learn" == c.section for c in extraction.claims)


def test_bold_lead_becomes_the_context_of_its_paragraph(extraction):
    c = claim_with(extraction, "caps the norm of the gradient")
    assert c.context == "Gradient clipping"
    assert c.sentence.startswith("Gradient clipping caps")  # 'It' resolved from the lead


def test_a_bold_lead_carries_over_its_formula(extraction):
    c = claim_with(extraction, "the cell erases its memory")
    assert c.context == "Forget gate"
    assert c.sentence.startswith("When $f_t$ is near 0")  # one sentence, not split at the math


def test_inline_math_restored_verbatim_in_claims(extraction):
    c = claim_with(extraction, "recurrent weight matrix")
    assert "$W$" in c.sentence and "$U$" in c.sentence and "MATHSPAN" not in c.sentence


def test_table_rows_become_number_claims(extraction):
    c = claim_with(extraction, "Plain RNN — Parameters: 1x; Speed: fastest")
    assert c.kind == "number" and c.cloze_targets == ["fastest"]


def test_dollar_amounts_are_prose_not_math(extraction):
    c = claim_with(extraction, "The total cost was $5")
    assert "$5 for the small model and $20" in c.sentence


def test_formulas_found_with_labels(extraction):
    assert [(f.label, f.latex) for f in extraction.formulas] == [
        ("recurrent update", "h_t = \\tanh(W h_{t-1} + U x_t + b)"),
        ("Forget gate", "f_t = \\sigma(W_f [h_{t-1}, x_t] + b_f)"),
    ]


def test_a_key_insight_quote_is_read_as_a_quote_and_valued(extraction):
    insight = claim_with(extraction, "additive cell update")
    assert insight.features["quote"] == 1.0 and not insight.dropped
    assert insight.score == pytest.approx(ranker.load().value(insight.features), abs=1e-3)


def test_prose_word_count_ignores_code(extraction):
    assert 200 < extraction.words < 400


def test_empty_and_mathless_posts_do_not_fail(nlp):
    assert extract(Post(title="Empty", url="u", body=""), nlp).claims == []
    e = extract(Post(title="Only math", url="u", body="$$a = b + c_1$$\n"), nlp)
    assert len(e.formulas) == 1 and e.claims == []


def test_year_sentences_become_real_questions(nlp):
    from studykit.questions import year_question

    def ask(text):
        return year_question(list(nlp(text).sents)[0])

    assert ask("Hochreiter and Schmidhuber introduced the long short-term memory cell in 1997.") == (
        "In what year did Hochreiter and Schmidhuber introduce the long short-term memory cell?", "1997")
    assert ask("Joseph Raphson published a simpler, purely algebraic formulation in 1690.") == (
        "In what year did Joseph Raphson publish a simpler, purely algebraic formulation?", "1690")
    assert ask("Kingma and Ba proposed Adam in 2014, and the paper appeared at ICLR in 2015.") is None
    assert ask("The filter is used in navigation since 1960.") is None


def test_a_date_claim_becomes_a_qa_card(extraction):
    from studykit.cards import claim_card

    c = claim_with(extraction, "introduced the long short-term memory cell in 1997")
    card = claim_card(extraction.post, c, frozenset({"qa", "cloze"}))
    assert card.kind == "qa" and card.back == "1997"
    assert card.front.endswith("In what year did Hochreiter and Schmidhuber introduce the long short-term memory cell?")


def test_meta_bold_leads_are_skipped_without_shifting_later_sentences(nlp):
    body = ("**Prerequisites:** linear algebra and calculus.\n\n"
            "The update gate keeps 25% of the old state in most trained models.\n\n"
            "See the figure above for the heatmap of all sixteen hidden units.\n")
    claims = extract(Post(title="T", url="u", body=body), nlp).claims
    assert [c.sentence for c in claims if not c.dropped] == [
        "The update gate keeps 25% of the old state in most trained models."]
    assert not any("linear algebra" in c.sentence for c in claims)
    assert any("figure above" in c.sentence and c.dropped for c in claims)


def test_quoted_myths_and_talk_about_the_post_make_no_cards(nlp):
    body = ("## Common pitfalls\n\n"
            "\"Rotary embeddings have no length limit.\"\n\n"
            "The post is a practitioner's brief with enough math to choose a scheme for 2024 models.\n\n"
            "Rotary embeddings rotate queries and keys by an angle proportional to position.\n")
    claims = _claims(nlp, body)
    live = [c.sentence for c in claims if not c.dropped]
    assert live == ["Rotary embeddings rotate queries and keys by an angle proportional to position."]
    myth = next(c for c in claims if "no length limit" in c.sentence)
    assert "quoted" in myth.dropped


@pytest.mark.parametrize("sentence, expected", [
    ("Train the teacher on the full dataset.", True),
    ("Deploy the student with a temperature of one.", True),
    ("The teacher is trained on the full dataset.", False),
    ("Distillation trains a small student to imitate a teacher.", False),
    ("When an LSTM forecaster underperforms, resist the urge to swap architectures.", True),
    ("Even strongly related tasks, like chest X-rays vs. chest CT, start back at zero.", False),
])
def test_a_step_to_follow_is_told_apart_from_a_fact(nlp, sentence, expected):
    from studykit.features import is_instruction

    assert is_instruction(next(nlp(sentence).sents)) is expected


def test_an_instruction_is_a_feature_of_its_claim(nlp):
    from studykit.blocks import parse
    from studykit.claims import judge

    def instruction(text):
        block = parse(text).blocks[0]
        return judge(next(nlp(text).sents), text, block, 0).features["instruction"]

    assert instruction("Clip the gradient norm to 1.0 before each optimizer step.") == 1.0
    assert instruction("Gradient clipping caps the gradient norm at 1.0 before each optimizer step.") == 0.0


@pytest.mark.parametrize("sentence, people", [
    ("The Jacobian is essentially the identity for most steps.", []),
    ("Sigmoid saturates quickly and so vanishes the gradient.", []),
    ("Rosenblatt's update only fires on mistakes.", ["Rosenblatt"]),
    ("Chung et al. (2014) found the two models indistinguishable.", ["Chung et al."]),
    ("Geoffrey Hinton proposed distillation with a temperature.", ["Geoffrey Hinton"]),
])
def test_people_are_names_credited_as_names(nlp, sentence, people):
    from studykit.blocks import parse
    from studykit.claims import judge

    claim = judge(next(nlp(sentence).sents), sentence, parse(sentence).blocks[0], 0)
    assert sorted(t for t, f in claim.target_features.items() if f["del_person"]) == people


def test_a_recap_ranks_below_the_body_sentence_it_repeats(nlp):
    body = ("## Gates\n\nA gated unit has two gates and one state, which makes it 25% smaller.\n\n"
            "## Summary\n\nA gated unit has two gates and one state, which makes it 25% smaller.\n")
    found = extract(Post(title="Gated units", url="file:///g.md", body=body), nlp).claims
    body_claim, recap = [c for c in found if c.sentence.startswith("A gated unit has")]
    assert recap.section == "Summary"
    assert recap.features["recap"] == 1.0 and body_claim.features["recap"] == 0.0


def test_a_lead_naming_a_published_method_lifts_its_sentences(nlp):
    body = ("## Fixes\n\n**WideRoPE (Doe et al., 2024).** Pushes useful context to 2 M tokens with "
            "little fine-tuning.\n\n**A plain idea.** Pushes useful context to 3 M tokens with "
            "little fine-tuning.\n")
    found = extract(Post(title="Context", url="file:///c.md", body=body), nlp).claims
    credited, plain = (next(c for c in found if f"{n} M tokens" in c.sentence) for n in (2, 3))
    assert credited.context == "WideRoPE (Doe et al., 2024)"
    assert credited.features["credited_lead"] == 1.0 and plain.features["credited_lead"] == 0.0


@pytest.mark.parametrize("sentence, first_target", [
    ("Whenever the model **wants** to remember, the Jacobian is essentially the identity.", "Jacobian"),
    ("Attention pooling often gives 1–3% RMSE improvement at the cost of one extra layer.", "1–3%"),
    ("Minsky and Papert's 1969 observation stalled connectionist research for a decade.", "1969"),
    ("Every issue with depth reduces to one quantity: the singular values of the Jacobian.", "Jacobian"),
    ("LSTM pulls ahead for one of three things: very long sequences (>200 steps) or big data.", ">200 steps"),
    ("Going from one example to five typically adds 10-20 percentage points of accuracy.",
     "10-20 percentage points"),
    ("The right pattern is Pipeline([scaler, model]) so that scaling is refit inside each fold.", "fold"),
])
def test_cloze_targets_are_things_not_stress_or_half_a_range(nlp, sentence, first_target):
    from studykit.blocks import parse
    from studykit.claims import judge

    block = parse(sentence).blocks[0]
    text = block.plain
    claim = judge(next(nlp(text).sents), text, block, 0)
    assert claim.cloze_targets[0] == first_target


@pytest.mark.parametrize("sentence, name", [
    ("Notice also that the decoder output repeats the first token, but the second time the target differs.",
     "Notice"),
    ("Notice also that the first time the word is read, the label is one, but the second time the label is two.",
     "Notice"),
])
def test_an_everyday_word_opening_the_sentence_is_no_deletion(nlp, sentence, name):
    from studykit import english

    claim = _judged(nlp, sentence)
    assert name not in claim.cloze_targets, claim.cloze_targets
    assert not english.is_everyday(name)  # capitalised inside a sentence, the word may be a name


def test_a_key_insight_label_is_neither_topic_nor_deletion(nlp):
    body = ("## Sharpness\n\n**Key insight:** the largest eigenvalue of the Hessian sets the ceiling "
            "for the step size of gradient descent.\n\n"
            "## What you will build a feel for\n\n- NeuMF (He et al., 2017) joins two paths.\n")
    found = extract(Post(title="Curvature", url="file:///c.md", body=body), nlp).claims
    (claim,) = [c for c in found if "eigenvalue" in c.sentence]
    assert claim.sentence.startswith("The largest eigenvalue")
    assert claim.context != "Key insight" and "Key insight" not in claim.cloze_targets
    assert not any("NeuMF" in c.sentence for c in found)


def test_two_claims_asking_the_same_question_make_one_card(nlp):
    body = ("## State\n\nThe hidden state is a learned summary of the inputs seen so far.\n\n"
            "## Again\n\nThe hidden state is a vector that the network carries from step to step.\n")
    post = Post(title="Recurrent nets", url="file:///r.md", body=body)
    from studykit.cards import CardOptions, select_cards

    cards = select_cards(extract(post, nlp), CardOptions(min_cards=10)).cards
    fronts = [c.front for c in cards]
    assert len(fronts) == len(set(fronts)) and any("hidden state" in f for f in fronts)


def test_the_same_question_under_two_sections_makes_one_card(nlp):
    # the section's name before each question differs; the question a learner answers does not
    body = ("## Memory\n\nThe hidden state is a learned summary of the inputs seen so far.\n\n"
            "## Training\n\nThe hidden state is a vector that the network carries from step to step.\n")
    post = Post(title="Recurrent nets", url="file:///r.md", body=body)
    from studykit.cards import CardOptions, select_cards

    fronts = [c.front for c in select_cards(extract(post, nlp), CardOptions(min_cards=10)).cards]
    asked = [f for f in fronts if f.endswith("what is hidden state?")]
    assert len(asked) == 1 and asked[0].startswith("[")


def test_key_terms_are_what_the_author_marked():
    from studykit.blocks import parse
    from studykit.extract import key_terms

    doc = parse("## 2 Reset gate\n\n**(1) Update gate** — what to keep.\n\n"
                "The **candidate state** mixes $x_t$ in.\n\n| Model | Gates |\n| --- | --- |\n"
                "| GRU | 2 |\n\n## What you will learn\n\n- **Secret term** here.\n")
    assert key_terms(doc) == ["reset gate", "update gate", "candidate state", "gru"]


def test_a_pronoun_led_opener_before_a_colon_leaves_the_statement_after_it(nlp):
    body = ("## Order\n\nAttention treats every token alike. That's what \"no sense of order\" "
            "means precisely: the function is equivariant to permutations of the input.\n")
    found = extract(Post(title="Attention", url="file:///a.md", body=body), nlp).claims
    (claim,) = [c for c in found if "equivariant" in c.sentence]
    assert claim.sentence == "The function is equivariant to permutations of the input."
    assert not claim.dropped


def test_a_function_being_called_names_no_term(nlp):
    from studykit.blocks import parse
    from studykit.claims import judge

    for text, named in [("Check that clipping is actually being called before optimizer.step() runs.", False),
                        ("The trick is called label smoothing in most papers.", True)]:
        claim = judge(next(nlp(text).sents), text, parse(text).blocks[0], 0)
        assert bool(claim.features["names_term"]) is named
        assert not named or claim.term == "label smoothing"


def test_exercises_references_and_unfinished_sentences_make_no_claims(nlp):
    body = ("## Schedules\n\n**Reference:** Learning-rate-free learning by adaptation (Doe, 2023).\n\n"
            "**Schedule:** linear warm-up over the first 5-10% of the training steps, then\n\n"
            "$$\\eta_t = \\eta_0 \\cos t$$\n\n"
            "Warm-up keeps the early updates of Adam small while its moment estimates settle.\n\n"
            "## Exercises\n\n**Exercise 1.** Show that the cosine schedule ends at zero rate.\n")
    live = _live(nlp, body)
    assert any(s.startswith("Warm-up keeps") for s in live)
    assert not any("Doe" in s or "cosine schedule ends" in s or s.endswith("then") for s in live)


def test_advice_after_a_colon_is_no_definition(nlp):
    from studykit.blocks import parse
    from studykit.claims import judge

    text = "Decoding strategy is a free lever: prefer nucleus sampling for chat and beam for translation."
    claim = judge(next(nlp(text).sents), text, parse(text).blocks[0], 0)
    assert claim.kind != "definition" and not claim.answer


def test_sentences_to_the_reader_are_candidates_and_hedges_a_feature(nlp):
    plain = _judged(nlp, "Layer normalisation keeps the scale of the activations stable across training.")
    hedged = _judged(nlp, "Layer normalisation might keep the scale of the activations stable across training.")
    assert hedged.features["hedge"] == 1.0 and plain.features["hedge"] == 0.0
    yours = _judged(nlp, "You keep the scale of the activations stable across training with layer norms.")
    assert not yours.dropped and yours.features["advice"] == 1.0 and plain.features["advice"] == 0.0
    assert not _judged(nlp, "As a baseline we'll use layer normalisation to keep the activations stable.").dropped
    # a pronoun that points back at the sentence before, or at the writers, still makes no card
    assert _judged(nlp, "It keeps the scale of the activations stable across training.").dropped is Drop.PRONOUN
    assert _judged(nlp, "We kept the scale of the activations stable across training.").dropped is Drop.PRONOUN


def test_a_sentence_about_the_writer_makes_no_card(nlp):
    for anecdote in ("Within an hour of training my small model wrote sentences that almost made sense.",
                     "Together with a friend I trained the network on a laptop over one weekend.",
                     "The results surprised me because the network had only two small layers."):
        assert _judged(nlp, anecdote).dropped is Drop.ABOUT_WRITER
    # a numeral, a variable, a name or a quotation is not the writer
    for other in ("The weight of edge i grows with the number of layers in the network.",
                  "Type I errors grow when the threshold of the test is set too low.",
                  "Stage I trains the encoder alone while the decoder waits for its turn.",
                  "The identity matrix I leaves every vector of the space unchanged.",
                  "World War I ended long before the first computers were ever built.",
                  'The tuned model replies "I cannot help with that" to most unsafe prompts.',
                  'A prompt such as "Tell me the capital of France" checks recall of facts.'):
        assert _judged(nlp, other).dropped is not Drop.ABOUT_WRITER, other


def test_a_table_row_deletes_a_short_cell_that_names_something(nlp):
    body = ("## Fixes\n\n| Problem | Solution | How it helps |\n| --- | --- | --- |\n"
            "| Exploding | Gradient clipping | Rescale $g$ when $\\|g\\| > c$. |\n"
            "| Vanishing | Residual connections | The gradient has an identity path around each block. |\n")
    found = extract(Post(title="Gradients", url="file:///g.md", body=body), nlp).claims
    rows = {c.sentence.split(" — ")[0]: c for c in found if c.origin is Origin.TABLE_ROW}
    assert rows["Exploding"].cloze_targets == ["Gradient clipping"]
    assert rows["Vanishing"].cloze_targets == ["Residual connections"]


def test_cloze_targets_skip_a_citation_year_and_the_bold_lead(nlp):
    body = ("## Landscape\n\nWide networks find flat basins of comparable depth (Choromanska et al., 2015).\n\n"
            "**Debugging dead training**: if the update gate is stuck near zero, the bias was badly initialised.\n")
    found = extract(Post(title="Landscape", url="file:///l.md", body=body), nlp).claims
    basins = next(c for c in found if "flat basins" in c.sentence)
    from studykit.cards import claim_card
    card = claim_card(Post(title="Landscape", url="file:///l.md", body=body), basins, frozenset({"cloze"}))
    assert "2015" in basins.cloze_targets and card is not None and "::2015}}" not in card.cloze  # no citation year
    tip = next(c for c in found if "stuck near zero" in c.sentence)
    assert tip.context == "Debugging dead training" and "Debugging dead training" not in tip.cloze_targets


def test_no_cloze_target_cuts_an_arrow_chain_of_steps(nlp):
    body = ("## Recipe\n\nThe usual recipe for a small model is: train a teacher -> prune the student -> "
            "distil to recover accuracy -> quantise.\n")
    recipe = extract(Post(title="Recipe", url="file:///r.md", body=body), nlp).claims[0]
    assert recipe.cloze_targets and not any("->" in t for t in recipe.cloze_targets)  # 'student -> distil' is no term


def test_an_inline_expression_is_a_cloze_target_and_a_bare_symbol_is_not(nlp):
    body = ("## Objective\n\nIn supervised learning the objective is to maximize $\\sum_i \\log p(y_i \\mid x_i)$ "
            "over the labelled pairs $x_i$, $y_i$ of the training set.\n")
    (claim,) = [c for c in _claims(nlp, body) if not c.dropped]
    assert "$\\sum_i \\log p(y_i \\mid x_i)$" in claim.cloze_targets
    assert not any(t in ("$x_i$", "$y_i$") for t in claim.cloze_targets)
    body = "A simple recurrent cell updates its memory as $h_t = \\tanh(W h_{t-1} + U x_t)$ at every step of the input.\n"
    (claim,) = [c for c in _claims(nlp, body) if not c.dropped]
    assert "$h_t = \\tanh(W h_{t-1} + U x_t)$" in claim.cloze_targets


def test_no_cloze_target_runs_across_a_sentence_end(nlp):
    from studykit import claims

    text = ("Nyquist showed that pulses pass through a channel of bandwidth 3 kHz. Kotelnikov proved a version in "
            "1933 for a band-limited signal, e.g. a voice line.")
    targets = ["bandwidth 3 kHz. Kotelnikov", "channel", "band-limited signal, e.g. a voice line"]
    assert claims._clean_targets(targets, text) == ["channel", "band-limited signal, e.g. a voice line"]
    named = "Rudolf E. Kalman published the filter in 1960, and Chen et al. Smith-style variants followed."
    assert claims._clean_targets(["Rudolf E. Kalman", "filter"], named) == ["Rudolf E. Kalman", "filter"]


def test_meta_openers_and_quoted_examples_are_not_facts(nlp):
    body = ("## Code\n\nBelow is a clean, complete implementation of the whole model.\n\n"
            "\"He said the food was not good\" shows why a reader needs the words after the verb.\n\n"
            "A bidirectional reader sees the words on both sides of every token at once.\n")
    found = extract(Post(title="Readers", url="file:///r.md", body=body), nlp).claims
    below = next(c for c in found if c.sentence.startswith("Below is"))
    quoted = next(c for c in found if "food" in c.sentence)
    plain = next(c for c in found if c.sentence.startswith("A bidirectional"))
    assert below.dropped and quoted.features["quoted_open"] == 1.0 and plain.features["quoted_open"] == 0.0


def test_words_that_point_above_or_below_on_the_page_make_no_card(nlp):
    for pointer in ("The samples above show that the network learns to close every bracket it opens.",
                    "Above, we can see how each token moves away from its neighbours as training goes on.",
                    "The two curves below compare the training loss of both optimisers on one task.",
                    "In the above animation each token moves away from its neighbours during training.",
                    "Nothing changes in the gradient computation that we have done above for one sample.",
                    "As discussed above, the gradient of a saturated sigmoid unit is close to zero.",
                    "The three loss curves below compare plain SGD with momentum on the same task."):
        assert _judged(nlp, pointer).dropped is Drop.ABOUT_ARTICLE, pointer
    for figure in ("The next image shows how the tokens are routed to the experts of one layer.",
                   "Input vectors are in red, output vectors are in blue and hidden states in green.",
                   "On the left, a small network learns to steer its attention across the digits of a number.",
                   "From left to right: one input to one output, one input to a sequence, a sequence to one.",
                   "Going back to our toy vocabulary, the following graphic walks through one step of beam search.",
                   "This visualisation tells you at a glance whether the embedding has learned any structure.",
                   "These visualizations show how the attention of one head moves as the layers go deeper."):
        assert _judged(nlp, figure).dropped is Drop.NEEDS_FIGURE, figure
    # 'above' and 'below' as comparisons, and a colour that is no mark of a plot, are about the subject
    for comparison in ("Keep the learning rate below 1e-3 when the batch holds fewer than eight samples.",
                       "The gradient norm of a clipped step never rises above the threshold you set.",
                       "This trick above all else keeps the training of very deep networks stable.",
                       "The error of the second model is seen below the diagonal of the confusion matrix.",
                       "Sparse models are in green computing a way to train more parameters per watt.",
                       "When they overlap, energy above the Nyquist frequency folds back into the band below it.",
                       "Each layer of the stack reads the output of the layer below.",
                       "The value above which gradients are clipped is called the clipping threshold.",
                       "The reward stays above -1 for as long as the pole stays upright on the cart.",
                       "At the top level, a transformer is a stack of identical encoder and decoder blocks.",
                       "In the bottom layers of a CNN, the filters respond to edges and colour blobs.",
                       "These visualization techniques help to debug the attention maps of a transformer."):
        assert _judged(nlp, comparison).dropped not in (Drop.ABOUT_ARTICLE, Drop.NEEDS_FIGURE), comparison


@pytest.mark.parametrize("text, drop", [
    # a 'here' points at a link or a spot on the page
    ("A longer derivation of the variance of this estimator can be found here.", "ABOUT_ARTICLE"),
    ("The activation of the highlighted unit here rises whenever a quote is opened.", "ABOUT_ARTICLE"),
    ("The weights of the trained encoder (download them here) fit on a single GPU.", "ABOUT_ARTICLE"),
    # 'Another' and 'The same' lean on the sentence before; 'Let's' narrates the post's next step
    ("Another useful trick is to clip the gradient norm before every update.", "PRONOUN"),
    ("The same schedule gives a different loss curve under a different optimiser.", "PRONOUN"),
    ("Let's now train the same network on a much larger dataset of recipes.", "PRONOUN"),
    ("Lets see what the second layer of the trained network responds to.", "PRONOUN"),
    ("Let us first look at how the encoder handles a sentence of ten tokens.", "PRONOUN"),
    # 'where' and 'there' hold the letters of 'here', not the word; 'another' inside, 'Both X
    # and Y', a definition's 'Let x be' and a verb 'lets' stand alone
    ("Dropout helps most where the training set is small and the network is wide.", None),
    ("The encoder reads the sentence, and there the decoder takes over for every token.", None),
    ("Gradient clipping is another trick that keeps the updates of a deep network small.", None),
    ("Another name for the logistic function is the sigmoid, after the shape of its curve.", None),
    ("Both LSTM and GRU keep a gated memory that survives long sequences.", None),
    ("Let x be the input vector and W the weight matrix of the first layer.", None),
    ("A residual connection lets the gradient reach the early layers unchanged.", None),
])
def test_a_sentence_that_points_at_the_page_or_leans_on_the_one_before_makes_no_card(nlp, text, drop):
    assert _judged(nlp, text).dropped is (Drop[drop] if drop else None)


def test_a_recap_heading_is_no_card_context_and_no_key_term():
    from studykit.blocks import parse
    from studykit.extract import key_terms
    from studykit.sections import section_context

    assert section_context("Summary") == "" and section_context("Key takeaways:") == ""
    assert section_context("Summary statistics of the data") == "Summary statistics of the data"
    assert "summary" not in key_terms(parse("## Summary\n\nText.\n\n## Gates\n\nText.\n"))


def test_a_yes_no_cell_is_never_the_deletion(nlp):
    body = ("## Compare\n\n| Feature | LSTM | GRU |\n| --- | --- | --- |\n"
            "| Separate cell state | Yes | No |\n| Gates | 3 | 2 |\n")
    found = extract(Post(title="Compare", url="file:///c.md", body=body), nlp).claims
    rows = [c for c in found if c.origin is Origin.TABLE_ROW]
    assert all(t.lower() not in ("yes", "no") for c in rows for t in c.cloze_targets)
    assert any(c.cloze_targets == ["3"] for c in rows)


def test_a_split_after_et_al_is_mended_and_the_name_keeps_its_full_stop(nlp):
    body = ("## Baselines\n\nChen et al. (ICLR 2019) used a plain baseline to argue that episodic "
            "training matters less than people thought.\n\n**Yes** — bag-of-words models still power "
            "search indexing at scale.\n")
    found = extract(Post(title="Few-shot", url="file:///f.md", body=body), nlp).claims
    chen = next(c for c in found if "episodic" in c.sentence)
    assert chen.sentence.startswith("Chen et al. (ICLR 2019) used")
    assert "Chen et al." in chen.cloze_targets or "2019" in chen.cloze_targets
    assert all(t not in ("Chen et al", "(ICLR") for t in chen.cloze_targets)
    yes = next(c for c in found if "bag-of-words" in c.sentence)
    assert yes.context != "Yes"


def test_a_definition_with_a_generic_answer_is_no_definition(nlp):
    from studykit.blocks import parse
    from studykit.claims import judge

    text = "Maximum Mean Discrepancy is the standard choice."
    assert judge(next(nlp(text).sents), text, parse(text).blocks[0], 0).kind != "definition"


def test_a_row_is_named_by_its_second_cell_when_the_first_repeats():
    from studykit.blocks import parse
    from studykit.extract import key_terms

    doc = parse("## Fixes\n\n| Problem | Solution |\n| --- | --- |\n| Vanishing | ReLU activation |\n"
                "| Vanishing | Residual connections |\n| Exploding | Gradient clipping |\n")
    terms = key_terms(doc)
    assert {"relu activation", "residual connections", "exploding"} <= set(terms)
    assert "vanishing" not in terms


def test_a_bold_clause_is_stress_not_a_deletion(nlp):
    text = "**Adam's second moment decay implies a long warmup** because the estimate starts at zero."
    claim = _judged(nlp, text)
    assert "Adam's second moment decay implies a long warmup" not in claim.cloze_targets


def test_nothing_is_carded_from_exercises_at_any_depth(nlp):
    body = ("## Gradient descent\n\nGradient descent moves the **parameters** against the gradient at each step.\n"
            "The update rule of gradient descent is given by\n$$\\theta_{t+1} = \\theta_t - \\eta \\nabla L(\\theta_t)$$\n\n"
            "## Exercises\n\n### Computation\n\n"
            "**Exercise 5.** Consider the quadratic loss of a single weight with\n$$L(w) = 3 w^2 - 2 w + 7$$\n\n"
            "Newton's method always converges in exactly 1 step on this quadratic loss from 1990.\n")
    extraction = extract(Post(title="GD", url="file:///gd.md", body=body), nlp)
    assert [f.latex for f in extraction.formulas] == ["\\theta_{t+1} = \\theta_t - \\eta \\nabla L(\\theta_t)"]
    assert not any("Newton" in c.sentence for c in extraction.claims)


def test_a_lead_that_is_the_only_target_is_not_deleted(nlp):
    body = "## Evaluation\n\n**Offline:** chronological train/validation/test split (never shuffled!).\n"
    found = extract(Post(title="CTR", url="file:///ctr.md", body=body), nlp).claims
    claim = next(c for c in found if "chronological" in c.sentence)
    assert claim.context == "Offline" and "Offline" not in claim.cloze_targets


def test_a_sentence_leaning_on_the_one_before_is_merged_and_section_pointers_are_meta(nlp):
    body = ("## Choice\n\nIn about half of forecasting problems both architectures land within noise of each other. "
            "In that regime, pick the smaller recurrent model for its faster iteration speed.\n\n"
            "## Patching\n\nPatching shortens the input sequence by grouping consecutive steps into patches. "
            "We come back to this idea in Section 7 of the series.\n")
    found = extract(Post(title="Models", url="file:///m.md", body=body), nlp).claims
    regime = next(c for c in found if "In that regime" in c.sentence and not c.dropped)
    assert regime.sentence.startswith("In about half")
    patching = next(c for c in found if c.sentence.startswith("Patching") and not c.dropped)
    assert "Section 7" not in patching.sentence
    assert next(c for c in found if "Section 7" in c.sentence).dropped


def test_a_bold_lead_with_its_colon_inside_is_no_second_bold_term(nlp):
    def claim_of(lead_markup):
        body = f"## Constraints\n\n- {lead_markup} small devices cannot hold billions of parameters in memory.\n"
        found = extract(Post(title="Compression", url="file:///c.md", body=body), nlp).claims
        return next(c for c in found if "billions" in c.sentence)

    inside, outside = claim_of("**Memory:**"), claim_of("**Memory**:")
    assert inside.context == outside.context == "Memory"
    assert inside.features == outside.features


def test_rows_naming_code_make_no_claims_and_no_terms(nlp):
    from studykit.extract import key_terms
    from studykit.blocks import parse

    body = ("## Code\n\n| Module | Role |\n| --- | --- |\n| `KDLoss` | Soft KL with temperature, 2 terms. |\n"
            "| `Trainer` | One loop for 5 modes. |\n\n"
            "## Results\n\n| Setup | Acc |\n| --- | --- |\n| Baseline | 91.3% |\n| Distilled | **92.4%** |\n")
    found = extract(Post(title="KD", url="file:///kd.md", body=body), nlp).claims
    rows = [c.sentence for c in found if c.origin is Origin.TABLE_ROW]
    assert rows and all("KDLoss" not in r and "Trainer" not in r for r in rows)
    terms = key_terms(parse(body))
    assert "baseline" in terms and "kdloss" not in terms


def test_a_split_before_a_bracket_is_mended(nlp):
    body = ("## Failures\n\nAlmost always one of: an unbounded log-variance causing overflow in the KL; "
            "pixel values outside `[0, 1]` for the cross-entropy; or a learning rate that is too high.\n")
    found = extract(Post(title="VAE", url="file:///vae.md", body=body), nlp).claims
    claim = next(c for c in found if "unbounded" in c.sentence)
    assert claim.sentence.endswith("a learning rate that is too high.")


def test_a_split_before_an_equals_sign_is_mended(nlp):
    body = ("## Checks\n\nThe generated parser tests `flag != flag` before it returns the buffer length to the "
            "caller. A careful parser never compares a value with itself.\n\n"
            "Three tokens have 3! = 6 orderings, and a model without positions sees them all alike.\n")
    found = extract(Post(title="Parsers", url="file:///p.md", body=body), nlp).claims
    assert [c.sentence for c in found if c.origin is Origin.SENTENCE] == [
        "The generated parser tests flag != flag before it returns the buffer length to the caller.",
        "A careful parser never compares a value with itself.",
        "Three tokens have 3! = 6 orderings, and a model without positions sees them all alike."]


def test_a_split_before_inline_math_is_mended(nlp):
    body = ("## Labels\n\nThe method differs in two ways: 1) We do not know the true labels $y_i$ so as a "
            "stand-in we use the sampled action $a_i$, and 2) We scale each loss term by the return.\n")
    found = extract(Post(title="Bandits", url="file:///b.md", body=body), nlp).claims
    assert not any(c.sentence.startswith("$y_i$") for c in found), [c.sentence for c in found]
    assert any("the true labels $y_i$ so as a stand-in" in c.sentence for c in found)


def test_the_outline_a_paragraph_announces_is_not_a_fact(nlp):
    body = ("This article is the foundation of the series. It covers the three things you need:\n\n"
            "1. The **formal definitions** of domain and task;\n2. The **taxonomy** of the methods;\n"
            "3. A **runnable implementation** of feature transfer with alignment.\n\n"
            "## Domains\n\nA domain is a feature space together with a marginal distribution over it.\n")
    found = extract(Post(title="Transfer", url="file:///t.md", body=body), nlp).claims
    assert not any("runnable" in c.sentence or "taxonomy" in c.sentence for c in found)
    assert any(c.sentence.startswith("A domain is") for c in found)


def test_a_deletion_never_cuts_a_quotation_in_two(nlp):
    text = 'For time series we usually want richer positional information than just "step index" alone.'
    claim = _judged(nlp, text)
    assert claim.cloze_targets and all(t.count('"') % 2 == 0 for t in claim.cloze_targets)


def test_a_deletion_never_holds_the_bold_lead(nlp):
    body = ("## Serving\n\n2. **Stateful streaming** — cache `(h_t, C_t)` between calls and only feed "
            "the new observation.\n")
    found = extract(Post(title="LSTM", url="file:///lstm.md", body=body), nlp).claims
    claim = next(c for c in found if "cache" in c.sentence)
    assert claim.context == "Stateful streaming"
    assert not any("stateful" in t.lower() for t in claim.cloze_targets)


def test_a_magnitude_with_k_or_m_is_a_quantity(nlp):
    assert _judged(nlp, "Below about 1M interactions the plain factorisation model wins.").features["quantity"] == 1
    assert _judged(nlp, "A subword vocabulary of 50k entries covers almost any English text.").features["quantity"] == 1


@pytest.mark.parametrize("text, is_term", [
    ("After the regime shift at step forty both gates **saturate towards 0** in every unit.", False),
    ("When the update gate opens wide the cell **fully refreshes** with the new content.", False),
    ("Under mild conditions the decomposition of the tensor is **essentially unique** up to scaling.", False),
    ("The **update gate** decides how much of the old state the cell keeps at each step.", True),
    ("Training with **early stopping** halts when the validation loss stops improving.", True),
    ("**GRUs simplify LSTMs** to two gates and one state with a quarter fewer parameters.", False),
])
def test_a_bold_phrase_that_stresses_what_happens_names_no_term(nlp, text, is_term):
    claim = _judged(nlp, text)
    assert bool(claim.features["bold_term"]) == is_term
    if not is_term:
        assert text.split("**")[1] not in claim.cloze_targets


def test_a_caption_walking_through_panels_is_no_fact(nlp):
    body = ("## Sampling\n\n![p](x.png)\n*Left: the Gumbel(0,1) density; middle: inverse-CDF sampling; "
            "right: 20k samples drawn with the histogram matching the density.*\n")
    found = extract(Post(title="Gumbel", url="file:///g.md", body=body), nlp).claims
    assert all(c.dropped for c in found if c.sentence.startswith("Left"))
    body = ("## Weights\n\n**Right panel.** Tasks with raw losses spanning two orders of magnitude end up "
            "contributing comparable weighted losses.\n")
    assert not [c for c in extract(Post(title="MTL", url="file:///m.md", body=body), nlp).claims if not c.dropped]


def test_the_words_finishing_a_formula_sentence_are_no_claim(nlp):
    body = ("## Forward pass\n\nAt layer $l$ the network computes\n$$z^{(l)} = W^{(l)} h^{(l-1)} + b^{(l)}$$\n"
            "with the weight matrix $W^{(l)}$ of shape $d_l \\times d_{l-1}$ and the bias vector of length $d_l$.\n\n"
            "The forward pass caches every activation because backpropagation needs it later.\n")
    found = extract(Post(title="Backprop", url="file:///bp.md", body=body), nlp).claims
    tail = next(c for c in found if "weight matrix" in c.sentence)
    assert tail.dropped == "finishes the sentence of the display formula above"
    assert not next(c for c in found if "caches" in c.sentence).dropped


def test_a_table_row_named_by_a_bare_number_makes_no_claim(nlp):
    body = ("## Results\n\n| Setup | Top-1 |\n| --- | --- |\n| Teacher | 73.3% |\n| From scratch | 69.8% |\n"
            "| Distilled | **71.4%** (+1.6) |\n\n"
            "## Generations\n\n| Generation | Acc |\n| --- | --- |\n| 1 (baseline) | 74.3% |\n| 2 | 75.2% |\n"
            "| 3 | 75.4% |\n\n"
            "## Timeline\n\n| Year | Method |\n| --- | --- |\n| 2014 | Adam optimiser |\n| 2024 | Schedule-free |\n")
    rows = [c.sentence for c in extract(Post(title="KD", url="file:///kd.md", body=body), nlp).claims
            if c.origin is Origin.TABLE_ROW]
    assert any(r.startswith("Distilled") for r in rows) and any(r.startswith("Teacher") for r in rows)
    assert not any(r.startswith(("2 —", "3 —")) for r in rows)
    assert any(r.startswith("1 (baseline)") for r in rows) and any(r.startswith("2024") for r in rows)


def test_what_x_is_not_or_its_role_in_the_story_is_no_definition(nlp):
    body = ("## Themes\n\n**Positive-definiteness** is not a footnote of the theory of kernel machines.\n\n"
            "**Deep kernel learning**, due to four authors in 2016, is the conceptual bridge.\n\n"
            "**Dark knowledge** is a ranking of the wrong classes that a one-hot label cannot hold.\n")
    found = extract(Post(title="Kernels", url="file:///k.md", body=body), nlp).claims
    kinds = {c.sentence.split()[0]: c for c in found}
    assert kinds["Positive-definiteness"].kind != "definition" and not kinds["Positive-definiteness"].answer
    assert not kinds["Deep"].answer
    assert kinds["Dark"].kind == "definition" and kinds["Dark"].answer.startswith("a ranking")


def test_series_maps_and_whats_next_with_a_curly_apostrophe_make_no_claims(nlp):
    body = ("## Series concept map\n\n- **Parts 1-4 (theory):** what kernels are and why they exist.\n"
            "- **Part 8 (synthesis):** how to decide between kernels and deep nets.\n\n"
            "## What’s next\n\nFor Bayesian optimisation, read the 2018 tutorial by Frazier on arXiv.\n\n"
            "## Kernels\n\nA kernel computes an inner product in a feature space without building it.\n")
    live = _live(nlp, body)
    assert live == ["A kernel computes an inner product in a feature space without building it."]


def test_write_up_labels_are_no_topic_and_no_deletion(nlp):
    body = ("## Pathology 1: overfit\n\n**Symptoms.** Train accuracy nears one while the test accuracy collapses.\n\n"
            "**Causes.** The bandwidth of the kernel is far too narrow for the data.\n\n"
            "**Fixes.** Gather more training data or widen the bandwidth of the kernel.\n\n"
            "## Decoding\n\n**Pros:** fast. Cons: drifts into degenerate loops and dull, predictable text.\n")
    found = extract(Post(title="Kernels", url="file:///k.md", body=body), nlp).claims
    causes = next(c for c in found if "bandwidth of the kernel is" in c.sentence)
    assert causes.context == "Pathology 1: overfit — Causes"
    cons = next(c for c in found if "degenerate loops" in c.sentence)
    assert "Cons" not in cons.cloze_targets


def test_only_a_heading_that_is_nothing_but_references_or_exercises_covers_its_subsections(nlp):
    body = ("# References and borrowing in Rust\n\n## Ownership\n\nA reference borrows a value without taking "
            "ownership of it.\n\n## Reference implementation\n\n### Forward pass\n\nThe forward pass caches every "
            "activation for later.\n\n## References\n\n### Papers\n\nThe original paper introduced the borrow checker.\n")
    live = [c.sentence for c in extract(Post(title="Rust", url="file:///r.md", body=body), nlp).claims
            if not c.dropped]
    assert len(live) == 2 and not any("borrow checker" in s for s in live)


def test_a_list_announced_by_lets_look_is_no_outline(nlp):
    body = ("## Gates\n\nThe GRU cell controls its memory with gates. Let's look at the three gates:\n\n"
            "- **Update gate** keeps the old state.\n- **Reset gate** forgets history.\n"
            "- **Candidate** proposes new content.\n")
    found = extract(Post(title="GRU", url="file:///g.md", body=body), nlp).claims
    assert any("keeps the old state" in c.sentence and not c.dropped for c in found)


def test_sentences_ending_in_a_closing_quote_or_bracket_stay_apart(nlp):
    from studykit.sentences import mend as sentences

    text = ('The paper was titled "Attention is all you need." "Attention" here means a weighted lookup. '
            'They reported it in a table (see their Table 2.) 2014 was also the year of the encoder.')
    assert len(sentences(nlp(text))) == 4


def test_a_row_with_an_empty_first_cell_and_a_lead_inside_a_longer_word(nlp):
    body = ("## Results\n\n| Model | Acc | Params |\n| --- | --- | --- |\n|  | 72.0% | 3M |\n| Small | 70.1% | 1M |\n\n"
            "## Optimisers\n\n**Adam:** AdamW decouples the weight decay from the adaptive gradient step.\n")
    found = extract(Post(title="Models", url="file:///m.md", body=body), nlp).claims
    assert not any(c.sentence.startswith(" —") or c.sentence.startswith("—") for c in found)
    adamw = next(c for c in found if "decouples" in c.sentence)
    assert adamw.context == "Adam" and "AdamW" in adamw.cloze_targets


def test_a_bold_phrase_around_a_formula_is_stress(nlp):
    text = "The last update is the heart of the cell and it is **linear in $h_{t-1}$** at every step."
    claim = _judged(nlp, text)
    assert claim.features["bold_term"] == 0.0


def test_this_noun_leans_on_the_sentence_before(nlp):
    body = ("## Unfolding\n\nSometimes you flatten a tensor into a matrix so that the matrix tools apply. "
            "This operation is called **unfolding** or **matricization**.\n")
    claim = next(c for c in _claims(nlp, body) if "called" in c.sentence and not c.dropped)
    assert claim.sentence.startswith("Sometimes you flatten a tensor")


def test_chapter_and_panel_pointers_and_undisclosed_cells_make_no_cards(nlp):
    body = ("## Next\n\nNext chapter we move from convolutions to a model built from fully connected blocks.\n\n"
            "## Sampling\n\nIn panel (c) above the nucleus has five tokens because they cover 85% of the mass.\n\n"
            "## Models\n\n| Model | Parameters | Data |\n| --- | --- | --- |\n| GPT-4 | (undisclosed) | (undisclosed) |\n")
    assert _live(nlp, body) == []


def test_a_sentence_with_two_subjects_is_no_definition_and_a_coloured_curve_is_figure_talk(nlp):
    lost = _judged(nlp, "Sample popular items more often — if a user ignored a hit, that is a strong negative signal.")
    assert lost.kind != "definition" and not lost.answer
    body = ("## Fine-tuning\n\nThe blue \"fine-tuned\" curve is why freezing low layers is the default recipe.\n")
    assert _live(nlp, body) == []


def test_headings_about_the_article_are_told_from_headings_about_the_subject(nlp):
    body = ("## References and borrowing in Rust\n\nA reference borrows a value without taking ownership of it.\n\n"
            "## Exercises (with answers)\n\n### Problem 1\n\nShow that the borrow checker rejects two mutable loans.\n\n"
            "## Contents of a Docker image\n\nAn image stacks read-only layers under one writable layer.\n")
    live = _live(nlp, body)
    assert len(live) == 2 and not any("borrow checker" in s for s in live)


def test_a_merge_too_long_for_one_card_keeps_both_sentences(nlp):
    body = ("## Backpropagation through time\n\nTo train a recurrent network, practitioners conceptually replicate "
            "the recurrent computational graph across every individual timestep of the training sequence, sharing "
            "identical parameter matrices between all replicated copies. This transformation is conventionally "
            "called unrolling, and it converts the cyclic architecture into an equivalent feedforward computational "
            "graph amenable to standard backpropagation.\n")
    live = _live(nlp, body)
    assert len(live) == 2 and live[1].startswith("The transformation is conventionally called")


def test_sentence_ends_inside_brackets_are_told_from_abbreviations(nlp):
    from studykit.sentences import mend as sentences

    assert len(sentences(nlp("Warmup helps a lot (Goyal et al., 2017.) because early steps are noisy."))) == 2
    assert len(sentences(nlp("Layer norm helps too (cf. Ba et al.) since the scale is fixed."))) == 1
    assert len(sentences(nlp("Ba et. al (2016) introduced layer norm to keep the scale of activations fixed."))) == 1
    assert len(sentences(nlp("The top words cover only ca. two thirds of the probability mass in that case."))) == 1


def test_a_taylor_series_list_is_no_outline_and_a_red_curve_is_figure_talk(nlp):
    body = ("## Expansion\n\nThe series has three terms:\n\n- **Constant** term of the expansion.\n"
            "- **Linear** term of the expansion.\n- **Quadratic** term of the expansion.\n\n"
            "## Plot\n\nThe red curve shows the loss of the model that was trained without any warmup.\n")
    found = _claims(nlp, body)
    assert any("Linear term of the expansion" in c.sentence and not c.dropped for c in found)
    assert all(c.dropped for c in found if "red curve" in c.sentence)


def test_colour_keys_of_a_figure_and_a_resources_list_make_no_cards(nlp):
    body = ("## Training\n\nThe arrows (in blue) carry gradients back through the unrolled network.\n\n"
            "Several units fire on the white pixels along the edge of the moving paddle.\n\n"
            "On each green dot we also mark the gradient of the loss for that one sample.\n\n"
            "A black box model hides how the gradients flow through the unrolled network.\n\n"
            "## Some resources\n\nSparse Routing: Fast Training of Many Experts at Scale (Mar 2021)\n")
    live = _live(nlp, body)
    assert live == ["A black box model hides how the gradients flow through the unrolled network."]


def test_a_list_item_that_finishes_its_lead_in_is_no_card_alone(nlp):
    body = ("## Summary of sparse models\n\nCompared with a dense network of the same quality, sparse models:\n\n"
            "- Are trained much faster than the dense network of the same quality.\n"
            "- Need a lot of memory because every expert is loaded at once.\n\n"
            "## Routing\n\nEach router sends a token to the two experts with the highest gate values.\n")
    live = _live(nlp, body)
    assert "Each router sends a token to the two experts with the highest gate values." in live
    assert not any(s.startswith(("Are trained", "Need a lot")) for s in live)


def test_a_sentence_that_announces_what_follows_makes_no_card(nlp):
    body = ("## Training\n\nA later study of sparse routers tried three ways of balancing the load between experts:\n\n"
            "- An auxiliary loss on the router.\n- Capacity limits.\n\n"
            "Balancing the load keeps every expert busy during training.\n")
    live = _live(nlp, body)
    assert "Balancing the load keeps every expert busy during training." in live
    assert not any("three ways" in s for s in live)


def test_they_is_never_replaced_by_a_subject_that_names_nothing(nlp):
    body = ("## Gates\n\nThe same goes for gated recurrent units. They are not free to train on "
            "long sequences either.\n\nGated units learn when to forget the running state. "
            "They are slower to train than plain recurrent units.\n")
    live = _live(nlp, body)
    assert not any(s.startswith("The same are") for s in live)
    assert "Gated units are slower to train than plain recurrent units." in live


def test_a_deletion_never_leaves_a_bracket_open(nlp):
    from studykit.blocks import parse
    from studykit.claims import judge

    for text, kept in [("To train it, we unroll the network and run Truncated Unrolled Descent (TUD) "
                        "on the copies.", "Truncated Unrolled Descent"),
                       ("Most chat models now use RoPE (LLaMA, GPT-NeoX) or ALiBi because they extrapolate "
                        "to longer inputs.", "RoPE")]:
        targets = judge(next(nlp(text).sents), text, parse(text).blocks[0], 0).cloze_targets
        assert kept in targets
        assert all(t.count("(") == t.count(")") for t in targets), targets


def test_this_before_a_noun_becomes_the_and_this_before_a_verb_is_no_determiner(nlp):
    from studykit.claims import resolve_pronoun

    for text, resolved in [("This gate decides how much of the old state survives.",
                            "The gate decides how much of the old state survives."),
                           ("This means the gradient vanishes over long sequences.", None),
                           ("This shows that the model overfits the small dataset.", None),
                           ("These gates decide what the cell keeps and what it forgets.",
                            "The gates decide what the cell keeps and what it forgets."),
                           # 'these' takes a plural: a singular noun after it is a misread verb
                           ("These help the optimiser settle into a flat minimum.", None),
                           ("These work just like the ones of the previous layer.", None),
                           ("These loss curves flatten after the first epoch.",
                            "The loss curves flatten after the first epoch.")]:
        assert resolve_pronoun(text, "", next(nlp(text).sents)) == resolved


def test_an_it_that_stands_for_a_clause_is_not_replaced_by_the_previous_subject(nlp):
    from studykit.claims import resolve_pronoun

    for text in ["It is known that gated networks train faster on long sequences.",
                 "It is hard to find a good learning rate without a range test.",
                 "It seems that the optimiser has settled into a flat minimum."]:
        assert resolve_pronoun(text, "The encoder", next(nlp(text).sents)) is None, text
    for text in ["It computes a weighted sum of the values for every query.",
                 "It turns the input into a sequence of embeddings.", "It looks at every token of the input."]:
        assert resolve_pronoun(text, "The attention layer", next(nlp(text).sents)) == "The attention layer" + text[2:]


def test_a_plain_reference_or_panel_label_paragraph_is_no_fact(nlp):
    body = ("## Schedules\n\nWarmup keeps the early updates small while the optimiser statistics settle.\n\n"
            "Reference: Gentle Warmups for Large Batches (Doe et al., 2031, arXiv:3101.00001).\n\n"
            "Left: the loss curve with warmup. Right: the same run without warmup diverges at step 200.\n")
    found = [c.sentence for c in extract(Post(title="LR", url="file:///lr.md", body=body), nlp).claims]
    assert any(s.startswith("Warmup keeps") for s in found)
    assert not any("Gentle Warmups" in s or "diverges at step 200" in s for s in found), found


def test_so_far_is_no_leading_so():
    from studykit.claims import clean_sentence

    assert clean_sentence("So far we have judged each action by the final score.").startswith("So far we")
    assert clean_sentence("So, the gradient vanishes over long sequences.") == "The gradient vanishes over long sequences."


def test_an_unclosed_bracket_is_cut_back_to_the_closed_part():
    from studykit.claims import _closed_brackets

    assert _closed_brackets("(ICLR") == "ICLR"
    assert _closed_brackets("Unrolled Descent (TUD (1990") == "Unrolled Descent"
    assert _closed_brackets("a (b (c) d") == "a"
    assert _closed_brackets("noisy) transition") == "transition"
    assert _closed_brackets("recurrent), transformers") == "transformers"
    assert _closed_brackets("(a) b)") == "(a) b"
    assert _closed_brackets("gated units (GRU)") == "gated units (GRU)"


def test_a_gerund_subject_stands_for_they_and_it(nlp):
    body = ("## Overfitting\n\nOverfitting happens when the model memorises the noise of its training set. "
            "It is worse on small datasets with many features.\n")
    assert "Overfitting is worse on small datasets with many features." in _live(nlp, body)


def test_a_figure_in_html_is_a_caption_and_makes_no_card(nlp):
    from studykit.blocks import BlockKind, parse

    body = ("## Gates\n\nThe update gate decides how much of the old state the cell keeps at each step.\n\n"
            '<div class="fig">\n<img src="gates.png">\n<div class="note">Each <b>blue</b> line is one gate of '
            "the cell, plotted over one hundred steps of training.</div>\n</div>\n\n"
            '<figure><img src="cell.png"><figcaption>The reset gate of the cell, drawn as a switch in the '
            "loop.</figcaption></figure>\n\n"
            '<div class="note">The forget gate of the cell resets its memory when a new sequence starts.</div>\n')
    doc = parse(body)
    captions = [b.text for b in doc.blocks if b.kind is BlockKind.CAPTION]
    assert captions == ["Each blue line is one gate of the cell, plotted over one hundred steps of training.",
                        "The reset gate of the cell, drawn as a switch in the loop."]
    live = _live(nlp, body)
    assert live == ["The update gate decides how much of the old state the cell keeps at each step.",
                    "The forget gate of the cell resets its memory when a new sequence starts."]


def test_this_as_a_pronoun_is_never_replaced_by_the_previous_subject(nlp):
    body = ("## Decoding\n\nThe sampled words of a greedy decoder soon repeat the same short phrase again. "
            "This is a very common problem of maximum-likelihood decoding in language models.\n")
    live = _live(nlp, body)
    assert not any(s.startswith("The sampled words is") for s in live)
    assert any(s.startswith("The sampled words") and "This is a very common problem" in s for s in live)


@pytest.mark.parametrize("narration", [
    "Let's see how it changes the loss curve on our dataset.",
    # the connective goes from the card's text, and what is left opens with the writers
    "So we trained the same model on a corpus ten times larger than the first one.",
    "Therefore, our schedule must keep the learning rate small for the first thousand steps.",
])
def test_a_narration_is_not_merged_into_the_sentence_before(nlp, narration):
    first = "Weight decay shrinks every weight toward zero at each step of training."
    live = _live(nlp, f"{first} {narration}\n")
    assert first in live and not any(s.startswith("Weight decay") and s != first for s in live)
    assert not any("Let's" in s for s in live)


@pytest.mark.parametrize("second", [
    "The approach can be much more efficient when the action space has thousands of dimensions.",
    "The authors also trained the same architecture on twelve languages at once.",
])
def test_a_sentence_whose_subject_is_a_bare_the_noun_joins_the_sentence_that_names_it(nlp, second):
    body = f"Evolution strategies perturb the weights with random noise and keep what improves the reward. {second}\n"
    live = _live(nlp, body)
    assert not any(s.startswith("The ") for s in live)
    assert any(s.startswith("Evolution strategies") and s.endswith(second) for s in live)


def test_a_sentence_with_a_this_that_points_back_joins_the_sentence_before(nlp):
    first = "Gradient clipping rescales the gradient whenever its norm exceeds a fixed threshold."
    second = "Most transformer training recipes apply this rule at every optimiser step."
    live = _live(nlp, f"{first} {second}\n")
    assert f"{first} {second}" in live and second not in live
    other = "Most transformer training recipes apply a warmup of a few thousand optimiser steps."
    assert other in _live(nlp, f"{first} {other}\n")


def test_a_the_noun_with_words_of_its_own_stands_alone(nlp):
    body = ("Evolution strategies perturb the weights with random noise and keep what improves the reward. "
            "The approach of Salimans and colleagues scales to thousands of workers without a parameter server.\n")
    assert any(s.startswith("The approach of Salimans") for s in _live(nlp, body))


def test_a_question_asked_twice_is_asked_by_the_sentence_that_first_asks_it(nlp):
    # the later 'X is ...' is valued higher here: the first one still makes the question card,
    # and the later one, which may say something new of X, a cloze
    body = ("## Memory\n\nThe hidden state is a learned summary of the inputs seen so far.\n\n"
            "## Training\n\nThe hidden state is a vector that the network carries from step to step.\n")
    extraction = extract(Post(title="Recurrent nets", url="file:///r.md", body=body), nlp)
    from studykit.cards import CardOptions, select_cards

    first, later = sorted((c for c in extraction.claims if not c.dropped), key=lambda c: c.position)
    first.score, later.score = -1.0, 3.0
    cards = select_cards(extraction, CardOptions(min_cards=10)).cards
    (card,) = [c for c in cards if c.front.endswith("what is hidden state?")]
    assert card.back == first.answer and later.dropped is None
    (cloze,) = [c for c in cards if c.source_sentence == later.sentence]
    assert cloze.kind is CardKind.CLOZE and "{{c1::" in (cloze.cloze or "")


def test_a_question_the_writer_asks_twice_makes_one_card_and_no_cloze_of_the_question(nlp):
    body = ("## Warm-up\n\nWhy does learning rate warmup help? It keeps the early updates of Adam small.\n\n"
            "## Recap\n\nWhy does learning rate warmup help? It keeps the early updates of Adam small.\n")
    extraction = extract(Post(title="Schedules", url="file:///s.md", body=body), nlp)
    from studykit.cards import CardOptions, select_cards

    asked = sorted((c for c in extraction.claims if c.origin is Origin.ASKED), key=lambda c: c.position)
    cards = select_cards(extraction, CardOptions(min_cards=10)).cards
    assert len(asked) == 2 and asked[1].dropped is Drop.SAME_QUESTION
    assert not any("Why does" in (c.cloze or "") for c in cards)


def test_a_pair_of_the_sentence_that_asks_a_question_does_not_ask_it_again(nlp):
    body = ("A recurrent neural network is a network that applies the same weights at every time step. "
            "Sepp Hochreiter analysed the vanishing gradient problem of such networks in 1991.\n")
    extraction = extract(Post(title="Recurrent nets", url="file:///r.md", body=body), nlp)
    from studykit.cards import CardOptions, select_cards

    pair = next(c for c in extraction.claims if c.origin is Origin.PAIR)
    pair.score = 5.0  # valued above the sentence alone, it still does not ask the sentence's question
    cards = select_cards(extraction, CardOptions(min_cards=10)).cards
    assert pair.dropped is Drop.SAME_QUESTION
    assert [c.kind for c in cards if c.front.endswith("what is recurrent neural network?")] == [CardKind.QA]


def test_an_answer_is_not_merged_into_a_short_question_before_it(nlp):
    # 'It ...' leans on the question; merged, the card would ask 'What is this second term?'
    body = ("The score function estimator multiplies two terms. What is this second term? "
            "It is a vector that points to where the log-probability of the sample grows fastest.\n")
    assert not any("What is this" in s for s in _live(nlp, body))
    body = ("Why use a class token for classification? It sits at position 0 of every input, so "
            "attention lets it gather the whole sequence by the last layer.\n")
    (asked,) = [c for c in _claims(nlp, body) if not c.dropped and c.question]
    assert asked.question.startswith("Why use a class token") and asked.origin.name == "ASKED"


@pytest.mark.parametrize("text, drop", [
    # sampled names or a listing of words: nothing is stated
    ("Marlowe Tessaly Brennick Odalie Farrow Quenby Lisette Corwin Aldessa Tamsin Orrick Velma", "NAME_LIST"),
    ("Berlin Paris Vienna Madrid Lisbon Prague Warsaw Dublin Oslo Athens Rome Bern", "NAME_LIST"),
    # a verbless item that names a method still says what it does
    ("AdaGrad — per-coordinate step sizes from the running sum of squared gradients.", None),
    ("Rudolf Kalman and Richard Bucy published the continuous-time filter in 1961.", None),
])
def test_a_run_of_names_without_a_verb_makes_no_card(nlp, text, drop):
    assert _judged(nlp, text).dropped is (Drop[drop] if drop else None)


@pytest.mark.parametrize("interjection", ["Okay, ", "Great, ", "Alright, ", "Anyway, ", "Well, "])
def test_an_opening_interjection_is_narration_and_what_follows_it_is_judged(nlp, interjection):
    # a chatty writer's 'Okay, so we ...' or 'Great, it ...' narrates the post; a statement after it stays
    first = "Beam search keeps the four most likely sequences at every step of the decoder."
    live = _live(nlp, f"{first} {interjection}it finds a sequence with a higher total probability.\n")
    assert "Beam search finds a sequence with a higher total probability." in live  # 'it' read as an opener
    assert not any(interjection.strip(", ") in s for s in live)
    assert _live(nlp, f"{first} {interjection}so we have seen how the decoder keeps its beams.\n") == [first]
    assert _live(nlp, f"{first} {interjection}so now we have seen how the decoder keeps its beams.\n") == [first]
    third = "the length penalty divides the score by the number of generated tokens."
    assert third[0].upper() + third[1:] in _live(nlp, f"{first} {interjection}{third}\n")
    # a word that only looks like one is no interjection
    assert _judged(nlp, "Well-tuned learning rates matter more than the choice of optimiser in most runs."
                   ).sentence.startswith("Well-tuned")


@pytest.mark.parametrize("connective", ["Conversely, ", "On the other hand, ", "However, ", "In contrast, "])
def test_a_leading_contrast_goes_from_the_card_and_a_we_behind_it_is_narration(nlp, connective):
    first = "A low sampling temperature sharpens the softmax and the samples grow conservative."
    second = "a high temperature flattens the distribution and the samples grow more varied."
    live = _live(nlp, f"{first} {connective}{second}\n")
    assert second[0].upper() + second[1:] in live and not any(connective.strip(", ") in s for s in live)
    assert _live(nlp, f"{first} {connective}we raise the temperature when the samples repeat themselves.\n") == [first]
    # 'however' that is no connective stays
    assert _judged(nlp, "However large the batch, the noise of each step shrinks only with its square root."
                   ).sentence.startswith("However large")
