from studykit import blocks, limits
from studykit.cards import CardOptions, select_cards
from studykit.formulas import formulas_of


def formulas(body):
    return formulas_of(blocks.parse(body))


def test_label_from_a_bold_lead_and_numbering_removed():
    (f,) = formulas("**(1) Update gate** — how much to keep:\n$$z_t = \\sigma(W_z x_t)$$\n")
    assert f.label == "Update gate"
    assert f.latex == "z_t = \\sigma(W_z x_t)"


def test_label_from_a_naming_phrase():
    (f,) = formulas("The scaled dot-product attention is defined as:\n\n$$A = \\mathrm{softmax}(QK^T)V$$\n")
    assert f.label == "scaled dot-product attention"
    # a connective after the comma is no part of the name: 'so the update' is the update
    (f,) = formulas("Its gradient is $a x$, so the update becomes\n\n$$x_{t+1} = (1 - \\eta a) x_t$$\n")
    assert f.label == "update"


def test_no_label_from_a_question_heading_but_the_section_is_kept():
    (f,) = formulas("## Why this fixes vanishing gradients\n\nIn GRU,\n$$J = \\operatorname{diag}(1 - z_t)$$\n")
    assert f.label == ""
    assert f.section == "Why this fixes vanishing gradients"


def test_context_and_explanation_sentences():
    (f,) = formulas("First sentence. The update is:\n$$h = W x + b$$\nwhere $W$ is a matrix. More text.\n")
    assert f.context == "The update is:"
    assert f.explanation == "where $W$ is a matrix. More text."  # a short second sentence finishes it


def test_an_explanation_may_point_at_its_formula_but_not_at_a_figure():
    term = "The first term above rewards reconstruction and the second keeps the posterior near the prior."
    (f,) = formulas(f"The loss is:\n$$L = E[\\log p(x|z)] - KL(q \\| p)$$\n{term}\n")
    assert f.explanation == term
    (g,) = formulas("The loss is:\n$$L = E[\\log p(x|z)] - KL(q \\| p)$$\nThe curves below show it falling.\n")
    assert g.explanation == ""


def test_a_long_second_sentence_stays_out_of_the_explanation():
    rest = "This second sentence " + "goes on and on " * 10 + "about other things."
    (f,) = formulas(f"The update is:\n$$h = W x + b$$\nwhere $W$ is a matrix. {rest}\n")
    assert f.explanation == "where $W$ is a matrix."


def test_trivial_and_repeated_formulas_are_skipped():
    found = formulas("$$x$$\n\nText.\n\n$$a = b + c_1$$\n\nAgain:\n\n$$a  =  b + c_1$$\n")
    assert [f.latex for f in found] == ["a = b + c_1"]


def test_inline_math_is_not_a_formula_card():
    assert formulas("Inline $E = mc^2$ only.\n") == []


def test_multiline_environment_kept_verbatim():
    body = "The filter:\n$$\n\\begin{aligned}\nx &= 1 \\\\\ny &= 2\n\\end{aligned}\n$$\n"
    (f,) = formulas(body)
    assert f.latex == "\\begin{aligned}\nx &= 1 \\\\\ny &= 2\n\\end{aligned}"


def test_a_where_list_after_a_formula_explains_its_symbols():
    body = ("In practice you want both:\n\n$$L = \\alpha L_{KD} + (1 - \\alpha) L_{hard}$$\n\n"
            "- $\\alpha$: how much you trust the teacher.\n- $L_{hard}$: cross-entropy with the label.\n\n"
            "Next paragraph.\n")
    (f,) = formulas(body)
    assert f.explanation == "$\\alpha$: how much you trust the teacher; $L_{hard}$: cross-entropy with the label"


def test_a_stub_lead_in_keeps_the_sentence_before_it():
    (f,) = formulas("Define a spatial attention map by summing channels. Then minimise\n$$L = \\sum_l \\|A_S - A_T\\|^2$$\n")
    assert f.context == "Define a spatial attention map by summing channels. Then minimise"


def test_a_companion_formula_is_told_from_the_one_it_continues():
    from studykit.extract import extract
    from studykit.models import Post

    text = ("Consider one neuron with n inputs:\n\n$$s = \\sum_i v_i u_i$$\n\n"
            "Smith and Jones (2010) balance both passes:\n\n$$q = \\frac{2}{a + b}$$\n\n"
            "$$p = \\frac{2}{a + b} + c$$\n")
    setup, credited, companion = formulas_of(blocks.parse(text))
    assert companion.continues and not credited.continues
    setup, credited, companion = extract(Post(title="Init", url="file:///i.md", body=text)).formulas
    assert companion.features["formula_continues"] == 1.0 and credited.features["formula_continues"] == 0.0


def test_an_explanation_never_includes_the_lead_in_of_the_next_formula():
    doc = blocks.parse(
        "For regression we use squared error,\n\n$$L = \\tfrac12 (y - t)^2$$\n\n"
        "while for classification we use cross-entropy,\n\n$$L = -\\sum_c t_c \\log y_c$$\n\n"
        "Match the student to the teacher:\n\n$$L_h = \\| W F_S - F_T \\|^2,$$\n\n"
        "where $W$ is a learned projection. Smith et al. trained this in two stages:\n\n"
        "1. Train the lower layers.\n2. Train the rest.\n\n"
        "Across many steps this product decays. In the gated cell,\n\n"
        "$$J = \\operatorname{diag}(1 - z_t) + R$$\n")
    squared, cross, hint, jacobian = formulas_of(doc)
    assert squared.explanation == "" and cross.explanation == ""
    assert hint.explanation == ("where $W$ is a learned projection. "
                                "Smith et al. trained this in two stages.")


def test_a_small_table_right_after_a_formula_is_its_explanation():
    doc = blocks.parse("A temperature $T$ flattens the distribution:\n\n"
                       "$$p_i = \\frac{e^{z_i / T}}{\\sum_j e^{z_j / T}}$$\n\n"
                       "| Temperature | Effect |\n| --- | --- |\n| $T \\to 0$ | One-hot |\n"
                       "| $T \\to \\infty$ | Uniform |\n")
    (formula,) = formulas_of(doc)
    assert formula.explanation == "Temperature → Effect: $T \\to 0$: One-hot; $T \\to \\infty$: Uniform"


def test_the_next_labelled_step_the_figure_and_abbreviations_are_handled_in_explanations():
    steps = ("**Step 3 — combine.** The context vector is a convex combination of encoder states.\n"
             "$$c_t = \\sum_j \\alpha_{tj} h_j$$\n"
             "**Step 4 — decode.** The decoder consumes the context vector with the previous output.\n"
             "$$s_t = \\text{RNN}(s_{t-1}, c_t)$$\n")
    combine, _ = formulas(steps)
    assert combine.label == "combine" and combine.explanation == ""
    figure = ("## PE\n\nThe original model uses a fixed sinusoidal scheme:\n"
              "$$PE_{p} = \\sin(p / 10000^{2i/d})$$\nThe left panel above shows the matrix as a heatmap.\n")
    (pe,) = formulas(figure)
    assert pe.explanation == ""
    abbreviated = ("## CRD\n\nTreat the teacher's view as the positive one:\n$$L = -\\log p(x)$$\n"
                   "This maximises mutual information. For small students (e.g. ResNet-8) it beats KD by 2%.\n")
    (crd,) = formulas(abbreviated)
    assert crd.explanation.endswith("it beats KD by 2%.")


def test_a_one_word_step_label_shows_its_lead_in_on_the_card():
    from studykit.formula_cards import formula_card
    from studykit.models import Formula, Post

    formula = Formula(latex="c_t = \\sum_j \\alpha_{tj} h_j", display=True, label="combine",
                      context="The context vector is a convex combination of encoder states.")
    card = formula_card(Post(title="Attention", url="u", body=""), formula)
    assert "convex combination" in card.front
    named = formula.model_copy(update={"label": "context vector"})
    assert "convex combination" not in formula_card(Post(title="Attention", url="u", body=""), named).front


def test_a_where_list_with_bold_symbols_and_an_intuition_paragraph_still_explain():
    where = ("The combined loss is given by\n$$L = \\alpha L_{KD} + (1 - \\alpha) L_{CE}$$\n"
             "- **$\\alpha$**: how much you trust the teacher.\n- **$L_{CE}$**: the hard-label loss.\n")
    (f,) = formulas(where)
    assert "how much you trust the teacher" in f.explanation
    intuition = ("The update rule is given by\n$$w \\leftarrow w - \\eta g$$\n\n"
                 "**Intuition:** each step moves the weights a little way downhill.\n")
    (g,) = formulas(intuition)
    assert "downhill" in g.explanation


def test_a_run_of_abbreviations_stays_one_sentence():
    from studykit.sentences import split_prose as _sentences

    pieces = _sentences("e.g. A " * 2000)
    assert len(pieces) == 1 and pieces[0].count("e.g.") == 2000


def test_a_sentence_or_a_row_of_numbers_set_in_math_is_no_formula():
    from studykit.extract import extract
    from studykit.models import Drop, Post

    body = ("## Positions\n\nTake the sentence:\n\n$$\\text{The cat sat on the mat}$$\n\n"
            "Its positions, then relative to the verb:\n\n"
            "$$\\begin{align*}&0 \\hspace{1em} 1 \\hspace{1em} 2\\\\&\\text{The \\color{red}cat sat}\\end{align*}$$\n\n"
            "The attention weights are:\n\n$$\\text{softmax}(q k^T)_i = \\frac{e^{s_i}}{\\sum_j e^{s_j}}$$\n")
    extraction = extract(Post(title="Positions", url="file:///p.md", body=body))
    sentence, table, weights = extraction.formulas
    assert sentence.dropped is table.dropped is Drop.TYPESET_PROSE
    assert weights.dropped is None
    # the pick keeps what extraction dropped for its form, and cards the real formula
    cards = select_cards(extraction, CardOptions(kinds={"formula"})).cards
    assert [c.back.split("$$")[1] for c in cards] == [weights.latex]
    assert sentence.dropped is table.dropped is Drop.TYPESET_PROSE


def test_a_formula_too_long_for_a_card_stays_out_of_the_pick():
    from studykit.extract import extract
    from studykit.models import Drop, Post

    wall = " + ".join(f"a_{{{i}}} x_{{{i}}}" for i in range(limits.FORMULA_CHARACTERS // 10))
    body = f"## Sums\n\nThe total is:\n\n$$y = {wall}$$\n\nThe mean is:\n\n$$m = \\frac{{1}}{{n}} \\sum_i y_i$$\n"
    extraction = extract(Post(title="Sums", url="file:///s.md", body=body))
    assert extraction.formulas[0].dropped is Drop.TOO_LONG
    cards = select_cards(extraction, CardOptions(kinds={"formula"})).cards
    assert cards and all(wall not in c.back for c in cards)
