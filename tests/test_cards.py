"""Card writing: contract fields, stable ids, cloze safety, budget, dedupe."""

import re

import pytest

from studykit import cloze
from studykit.card_making import card_id, post_key
from studykit.cards import CardOptions, budget, claim_card, select_cards
from studykit.formula_cards import formula_card
from studykit.extract import extract
from studykit.models import Claim, Formula, Post
from studykit.sources.markdown import read_markdown_file

from .conftest import FIXTURES

CONTRACT = {"id", "kind", "front", "back", "series", "post_title", "post_url", "tags"}


@pytest.fixture(scope="module")
def post():
    return read_markdown_file(FIXTURES / "articles" / "sequence-models.md")


@pytest.fixture(scope="module")
def cards(post, nlp):
    return select_cards(extract(post, nlp), CardOptions(min_cards=10, per_1k_words=30)).cards


def test_every_card_has_the_contract_fields_and_no_empty_side(cards):
    assert len(cards) >= 5  # enough to check every kind of card
    for c in cards:
        d = c.contract_dict()
        assert CONTRACT <= d.keys()
        assert d["front"].strip() and d["back"].strip()
        assert ("cloze" in d) == (c.kind == "cloze")
        assert all(" " not in t for t in d["tags"])


def test_tags_name_series_post_and_kind(cards):
    c = cards[0]
    assert c.series == "Sequence Models"
    assert "series::sequence-models" in c.tags
    assert "post::gated-units-and-the-vanishing-gradient" in c.tags
    assert f"kind::{c.kind}" in c.tags


def test_ids_are_stable_across_runs_and_unique(post, nlp, cards):
    again = select_cards(extract(post, nlp), CardOptions(min_cards=10, per_1k_words=30)).cards
    assert [c.id for c in again] == [c.id for c in cards]
    assert len({c.id for c in cards}) == len(cards)


def test_id_depends_on_post_and_content_not_on_the_run():
    assert card_id("s/p", "cloze", "Text A") == card_id("s/p", "cloze", "  text   a ")
    assert card_id("s/p", "cloze", "Text A") != card_id("s/q", "cloze", "Text A")
    assert card_id("s/p", "cloze", "Text A") != card_id("s/p", "qa", "Text A")


def test_same_article_from_feed_or_file_has_the_same_post_key():
    a = Post(title="Sequence Models (2): Gated Units", url="file:///a.md", body="", series="Sequence Models")
    b = Post(title="Gated Units", url="https://x.example/p/", body="", series="Sequence Models")
    assert post_key(a) == post_key(b) == "sequence-models/gated-units"


def test_cloze_cards_delete_a_real_term(cards):
    cloze = [c for c in cards if c.kind == "cloze"]
    assert cloze
    for c in cloze:
        deletions = re.findall(r"\{\{c\d+::(.*?)\}\}", c.cloze)
        assert deletions and all(len(d) > 2 for d in deletions)
        assert "[...]" in c.front
        assert all(d not in c.front.replace("[...]", "") or d in c.back for d in deletions)


def test_qa_answer_never_appears_in_the_question(cards):
    qa = [c for c in cards if c.kind == "qa"]
    assert qa
    for c in qa:
        assert c.back.lower() not in c.front.lower()


def test_formula_card_keeps_latex_verbatim(cards):
    formulas = [c for c in cards if c.kind == "formula"]
    assert any(c.back.startswith("$$f_t = \\sigma(W_f [h_{t-1}, x_t] + b_f)$$") for c in formulas)
    assert any("forget gate" in c.front for c in formulas)


def test_cloze_never_deletes_inside_math_and_escapes_double_braces():
    post = Post(title="T", url="u", body="")
    claim = Claim(sentence="The set $\\{a_{i}\\}$ holds {{x}} and Adam {{ok}} values.", kind="key_point",
                  cloze_targets=["a_{i}", "Adam {{ok}}"])
    card = claim_card(post, claim, frozenset({"cloze"}))
    assert card.cloze.count("{{c1::") == 1
    assert "{{c1::Adam {{ok} }}}" in card.cloze  # '}}' inside a deletion written '} }'
    assert "$\\{a_{i}\\}$" in card.cloze


@pytest.mark.parametrize("sentence, acronym, words", [
    ("A hidden Markov model (HMM) emits one symbol per state.", "HMM", "hidden Markov model"),
    ("Gated Recurrent Units (GRUs) merge the forget and input gates.", "GRUs", "Gated Recurrent Units"),
    ("Long Short-Term Memory (LSTM) adds a cell state to the hidden state.", "LSTM",
     "Long Short-Term Memory"),
])
def test_an_acronym_the_card_spells_out_is_not_the_deletion(sentence, acronym, words):
    claim = Claim(sentence=sentence, kind="definition", cloze_targets=[acronym, words])
    card = claim_card(Post(title="T", url="u", body=""), claim, frozenset({"cloze"}))
    assert card.cloze == sentence.replace(words, f"{{{{c1::{words}}}}}")


@pytest.mark.parametrize("sentence, acronym", [
    ("The HMM emits one symbol per state.", "HMM"),
    ("Graphs pass updated node states to a GNN layer.", "GNN"),  # 'updated node states' is not beside it
    ("Each step sends new labels to the SNL queue, then waits.", "SNL"),  # nor 'sends new labels'
])
def test_an_acronym_not_spelled_out_may_be_the_deletion(sentence, acronym):
    claim = Claim(sentence=sentence, kind="definition", cloze_targets=[acronym])
    card = claim_card(Post(title="T", url="u", body=""), claim, frozenset({"cloze"}))
    assert card.cloze == sentence.replace(acronym, f"{{{{c1::{acronym}}}}}", 1)


def test_whole_inline_formula_can_be_a_deletion():
    claim = Claim(sentence="Sensible defaults are $\\tau = 4$ for most teachers.", kind="number",
                  cloze_targets=["$\\tau = 4$"])
    card = claim_card(Post(title="T", url="u", body=""), claim, frozenset({"cloze"}))
    assert card.cloze == "Sensible defaults are {{c1::$\\tau = 4$}} for most teachers."


def test_formula_card_asks_for_the_left_side():
    f = Formula(latex="\\mathcal{L}_{KD} \\;=\\; -\\sum_c p_c \\log q_c", display=True, section="Loss")
    card = formula_card(Post(title="Distillation", url="u", body=""), f)
    assert "$\\mathcal{L}_{KD}$" in card.front
    assert card.back == "$$\\mathcal{L}_{KD} \\;=\\; -\\sum_c p_c \\log q_c$$"


def test_budget_scales_with_words_and_respects_the_cap():
    opts = CardOptions(per_1k_words=8, min_cards=10)
    assert budget(3000, opts) == 24
    assert budget(1200, opts) == 10          # the floor
    assert budget(300, opts) == 3            # a short post cannot be inflated past ~10 per 1k
    assert budget(3000, CardOptions(per_1k_words=8, max_cards=5)) == 5


def test_near_duplicate_claims_make_one_card(nlp):
    body = ("## A\n\nThe update gate decides how much of the old state is kept at each step.\n\n"
            "## B\n\nThe update gate decides how much of the old state is kept at every step.\n")
    cards = select_cards(extract(Post(title="T", url="u", body=body), nlp), CardOptions(min_cards=10, min_value=-9.0)).cards
    texts = [c.back for c in cards if "update gate" in c.back]
    assert len(texts) == 1


def test_kinds_option_limits_card_kinds(post, nlp):
    only = select_cards(extract(post, nlp), CardOptions(kinds=frozenset({"formula"}), min_cards=10)).cards
    assert only and {c.kind for c in only} == {"formula"}


def test_one_number_stated_twice_makes_one_card(nlp):
    body = ("## Size\n\nThe small model has exactly 25% fewer parameters than the large one.\n\n"
            "## Speed\n\nTraining the small model runs about 30% faster on the same hardware.\n\n"
            "## Summary\n\n- **25%** fewer parameters than the large model.\n")
    post = Post(title="Small models", url="file:///s.md", body=body)
    cards = select_cards(extract(post, nlp), CardOptions(min_cards=10)).cards
    about_25 = [c for c in cards if "25%" in (c.back + (c.cloze or ""))]
    assert len(about_25) == 1
    assert any("30%" in (c.back + (c.cloze or "")) for c in cards)


def test_a_deletion_is_a_phrase_not_a_whole_clause():
    post = Post(title="Forecasting", url="file:///f.md", body="x")
    long_target = "Train separate heads to predict each future step of the horizon directly"
    claim = Claim(sentence=f"Direct — How: {long_target}.; Trade-off: more parameters.", kind="number",
                  cloze_targets=[long_target, "more parameters"])
    card = claim_card(post, claim, frozenset({"cloze"}))
    assert card is not None and "{{c1::more parameters}}" in card.cloze


def test_a_long_formula_also_gets_a_cloze_on_its_key_term():
    from studykit.formula_cards import formula_cloze_card

    post = Post(title="GRU — Gates", url="file:///gru.md", body="x", series="Time Series")
    formula = Formula(latex=r"h_t = (1 - z_t)\odot h_{t-1} \;+\; z_t \odot \tilde h_t", display=True,
                      label="Linear interpolation")
    card = formula_cloze_card(post, formula)
    assert card.kind == "cloze" and card.claim_kind == "formula"
    assert card.front == ("GRU — Linear interpolation: complete the formula\n"
                          r"$$h_t = (1 - z_t)\odot h_{t-1} \;+\; \boxed{?}$$")
    assert card.cloze == r"$$h_t = (1 - z_t)\odot h_{t-1} \;+\; {{c1::z_t \odot \tilde h_t}}$$"
    assert card.back == f"$${formula.latex}$$"
    assert card.id != formula_card(post, formula).id
    assert formula_cloze_card(post, Formula(latex="x = a + b", display=True)) is None


def test_one_formula_cloze_per_post_within_the_budget(nlp):
    post = read_markdown_file(FIXTURES / "articles" / "heat-equation.md")
    extraction = extract(post, nlp)
    every_formula = CardOptions(formula_share=1.0, per_1k_words=30)  # room for all three formulas
    cards = select_cards(extraction, every_formula).cards
    drills = [c for c in cards if c.kind == "cloze" and c.claim_kind == "formula"]
    assert len(drills) == 1 and "{{c1::" in drills[0].cloze and drills[0].cloze.startswith("$$")
    assert len(cards) <= budget(extraction.words, every_formula)
    none = select_cards(extract(post, nlp), CardOptions(formula_share=1.0, per_1k_words=30,
                                                        formula_clozes=0)).cards
    assert not any(c.kind == "cloze" and c.claim_kind == "formula" for c in none)


def test_formula_cloze_cards_need_the_cloze_kind(nlp):
    post = read_markdown_file(FIXTURES / "articles" / "heat-equation.md")
    cards = select_cards(extract(post, nlp), CardOptions(min_cards=10, kinds=frozenset({"qa", "formula"}))).cards
    assert cards and {c.kind for c in cards} <= {"qa", "formula"}


def _formula_cards(nlp, body):
    post = Post(title="Losses", url="file:///losses.md", body=body)
    return [c for c in select_cards(extract(post, nlp), CardOptions(formula_share=1.0)).cards
            if c.kind == "formula"]


def test_two_formulas_written_together_make_one_card(nlp):
    body = ("## Gradients\n\nOnce the error signals are known, the parameter gradients of every layer follow:\n"
            "$$\\frac{\\partial \\mathcal{L}}{\\partial \\mathbf{W}^{(l)}} = \\delta^{(l)} h^{(l-1)T}$$\n"
            "$$\\frac{\\partial \\mathcal{L}}{\\partial \\mathbf{b}^{(l)}} = \\delta^{(l)}$$\n"
            "Each weight gradient is an outer product of two cached vectors.\n")
    cards = _formula_cards(nlp, body)
    assert len(cards) == 1
    back = cards[0].back
    assert back.index("\\mathbf{W}^{(l)}") < back.index("\\mathbf{b}^{(l)}") < back.index("outer product")
    assert "two formulas" in cards[0].front and "parameter gradients" in cards[0].front


def test_one_left_side_given_twice_in_a_section_is_asked_as_a_pair(nlp):
    body = ("## Loss functions\n\nFor regression problems we typically use the mean-squared error,\n"
            "$$\\mathcal{L} = \\tfrac{1}{2}\\|\\hat y - y\\|^2,$$\n"
            "while for classification problems we use the cross-entropy on top of a softmax,\n"
            "$$\\mathcal{L} = -\\sum_c y_c \\log \\hat y_c.$$\n\n"
            "## Another section\n\nThe regularised objective adds a weight penalty to the data term,\n"
            "$$\\mathcal{L} = \\mathcal{L}_0 + \\lambda \\|w\\|^2.$$\n")
    cards = _formula_cards(nlp, body)
    assert len(cards) == 2  # the pair, and the same left side in another section on its own
    pair = next(c for c in cards if "two formulas for $\\mathcal{L}$" in c.front)
    assert "mean-squared error" in pair.front and "cross-entropy" in pair.front
    assert pair.back.count("$$") == 4 and "\\lambda" not in pair.back


def test_a_claim_already_on_a_formula_card_is_not_carded_again(nlp):
    body = ("## Temperature\n\nA temperature $\\tau$ flattens the teacher distribution over classes:\n"
            "$$\\sigma(z_i; \\tau) = \\frac{\\exp(z_i / \\tau)}{\\sum_j \\exp(z_j / \\tau)}$$\n"
            "The **temperature** controls how much inter-class structure the student gets to see.\n")
    post = Post(title="Distillation", url="file:///kd.md", body=body)
    selection = select_cards(extract(post, nlp), CardOptions(min_cards=10))
    formula = next(c for c in selection.cards if c.kind == "formula")
    assert "inter-class structure" in formula.back
    assert not any("inter-class" in c.front for c in selection.cards if c.kind != "formula")
    claim = next(c for c in selection.claims if "inter-class" in c.sentence)
    assert claim.dropped == "already on the back of a formula card"


def test_control_characters_never_reach_card_text():
    post = Post(title="Bells", url="file:///b.md", body="x")
    claim = Claim(sentence="The \x1b[31mred\x1b[0m kernel rings the bell\x07 at every step of the scan.",
                  kind="key_point", cloze_targets=["kernel"])
    card = claim_card(post, claim, frozenset({"cloze"}))
    for text in (card.front, card.back, card.cloze):
        assert "\x1b" not in text and "\x07" not in text and text.startswith("The red ")


def test_a_double_colon_never_splits_a_deletion_into_answer_and_hint():
    post = Post(title="C++", url="file:///cpp.md", body="x")
    claim = Claim(sentence="The container std::vector grows its buffer geometrically on every reallocation.",
                  kind="key_point", cloze_targets=["std::vector", "buffer"])
    card = claim_card(post, claim, frozenset({"cloze"}))
    assert "{{c1::buffer}}" in card.cloze and "{{c1::std" not in card.cloze
    from studykit.cloze import safe_answer as _cloze_safe
    assert "::" not in _cloze_safe("a::b + c")


def test_a_formula_pair_keeps_the_first_formulas_id_and_fits_a_card(nlp):
    from studykit.formula_cards import formula_pair_card

    post = Post(title="A very long post title about losses — and more", url="u", body="", series="S")
    long_words = " ".join(["regression with $x_i$ and $y_i$ terms"] * 12)
    first = Formula(latex="\\mathcal{L} = \\tfrac{1}{2}\\|\\hat y - y\\|^2", display=True, section="Losses",
                    label="Regression loss", context=long_words + ",")
    second = Formula(latex="\\mathcal{L} = -\\sum_c y_c \\log \\hat y_c", display=True, section="Losses",
                     label="Classification loss", context="while for classification " + long_words + ",")
    pair = formula_pair_card(post, first, second)
    assert len(pair.front) <= 380 and pair.id == formula_card(post, first).id
    assert " — Losses:" in pair.front  # two labels: the section names both
    assert all(line.count("$") % 2 == 0 for line in pair.front.split("\n"))


def test_a_source_sentence_loses_its_control_characters_too():
    post = Post(title="Bells", url="file:///b.md", body="x")
    claim = Claim(sentence="The kernel rings the bell\x07 at every step of the scan.", kind="key_point",
                  cloze_targets=["kernel"])
    assert "\x07" not in claim_card(post, claim, frozenset({"cloze"})).source_sentence


def test_formula_fronts_and_ids_stay_sound_at_the_edges(nlp):
    from studykit.formula_cards import formula_cloze_card
    from studykit.formula_cards import trim as _trim

    trimmed = _trim("It costs \\$5 per hour and $x + y$ grows with every extra hour of compute", 7)
    assert trimmed == "It costs \\$5 per hour and …"  # the escaped dollar is no formula
    assert _trim("$" + " + ".join(f"a_{i}" for i in range(60)) + "$", 10) == ""
    post = Post(title="Linear models", url="u", body="")
    long_section = "A very long section heading " * 12
    card = formula_card(post, Formula(latex="y = Wx + b", display=True, section=long_section.strip()))
    assert len(card.front) <= 380 and card.front.startswith("Linear models: what is $y$?")
    huge = Formula(latex="L = " + " + ".join(f"\\alpha_{{{i}}} x_{{{i}}}^2" for i in range(40)), display=True)
    assert formula_cloze_card(post, huge) is None
    body = "## Models\n\nThe first model is given by\n$$y = W x + b$$\n\nThe second model is given by\n$$Y = W X + B$$\n"
    cards = select_cards(extract(Post(title="Cases", url="file:///c.md", body=body), nlp),
                         CardOptions(formula_share=1.0)).cards
    ids = [c.id for c in cards]
    assert len([c for c in cards if c.kind == "formula"]) == 2 and len(ids) == len(set(ids))


def test_a_formula_without_name_or_left_side_is_asked_by_its_words_or_section():
    post = Post(title="Matrices", url="file:///m.md", body="x")
    matrix = "\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}"
    led = formula_card(post, Formula(latex=matrix, display=True, section="Rotation", context="Stack the pairs:"))
    alone = formula_card(post, Formula(latex=matrix, display=True, section="Rotation"))
    assert "what formula do these words lead to?" in led.front and "“Stack the pairs:”" in led.front
    assert "what formula does this section give?" in alone.front and "Rotation" in alone.front
    assert not any("comes next" in c.front for c in (led, alone))


def test_a_deletion_that_stands_elsewhere_on_the_card_is_not_asked():
    post = Post(title="Experts", url="file:///e.md", body="x")
    claim = Claim(sentence="The first MoE work ran MoE layers as branches, which made GPUs slow.",
                  kind="key_point", context="Mixture of experts", cloze_targets=["MoE", "GPUs"])
    card = claim_card(post, claim, frozenset({"cloze"}))
    assert "{{c1::GPUs}}" in card.cloze and "{{c1::MoE}}" not in card.cloze
    in_context = Claim(sentence="Routing sends each token to a few experts.", kind="key_point",
                       context="Routing", cloze_targets=["Routing", "experts"])
    assert "{{c1::experts}}" in claim_card(post, in_context, frozenset({"cloze"})).cloze


def test_a_dated_claim_also_asks_its_year_unless_the_year_only_cites_a_source():
    post = Post(title="Gates", url="file:///g.md", body="x")

    def deletions(sentence, kind, targets):
        claim = Claim(sentence=sentence, kind=kind, years=[t for t in targets if t.isdigit()], cloze_targets=targets)
        return [d[1] for d in cloze.DELETION.findall(claim_card(post, claim, frozenset({"cloze"})).cloze)]

    assert deletions("The GRU was proposed by Cho in 2014.", "date", ["GRU", "2014"]) == ["GRU", "2014"]
    assert deletions("Gates learn long gaps in sequences (Chung et al., 2014).", "date", ["long gaps", "2014"]) == [
        "long gaps"]
    assert deletions("Nesterov (1983) proved that momentum accelerates.", "date", ["momentum", "1983"]) == ["momentum"]
    assert deletions("Decoders repeat themselves, see Chen et al., 2019 and Park et al. 2020.", "date",
                     ["Decoders", "2019", "2020"]) == ["Decoders"]
    assert deletions("Shazeer et al. (2017, with Hinton among them) scaled gating to a 137B LSTM.", "date",
                     ["137B LSTM", "2017"]) == ["137B LSTM"]
    # a person is never a second deletion: 'who' is rarely worth a card of its own
    assert deletions("Cho proposed the GRU as a lighter LSTM.", "person", ["GRU", "Cho"]) == ["GRU"]


def test_a_year_from_the_posts_own_on_is_no_second_blank():
    from datetime import datetime

    post = Post(title="Kernels", url="file:///k.md", body="x", published=datetime(2025, 3, 1))
    undated = Post(title="Kernels", url="file:///k.md", body="x")

    def deletions(sentence, targets, on=post):
        claim = Claim(sentence=sentence, kind="date", years=[t for t in targets if t.isdigit()], cloze_targets=targets)
        return [d[1] for d in cloze.DELETION.findall(claim_card(on, claim, frozenset({"cloze"})).cloze)]

    # the writer's now ('a frontier in 2026') is no date of the subject's history; 1964 is
    assert deletions("Kernels are an active research frontier in 2026.", ["research frontier", "2026"]) == [
        "research frontier"]
    assert deletions("Kernels became a research frontier again in 2025.", ["research frontier", "2025"]) == [
        "research frontier"]  # the post's own year is its now too
    assert deletions("Polyak introduced the heavy-ball method in 1964.", ["heavy-ball method", "1964"]) == [
        "heavy-ball method", "1964"]
    assert deletions("Kernels are an active research frontier in 2026.", ["research frontier", "2026"], undated) == [
        "research frontier", "2026"]


def test_a_number_the_card_shows_elsewhere_is_not_asked():
    post = Post(title="Sampling", url="file:///s.md", body="x")

    def blanked(sentence, targets=("6 words", "sampling pool")):
        claim = Claim(sentence=sentence, kind="number", cloze_targets=list(targets), context="Batch size 4096")
        return cloze.DELETION.search(claim_card(post, claim, frozenset({"cloze"})).cloze).group(2)

    assert blanked("Having set $K = 6$, each step limits the sampling pool to 6 words.") == "sampling pool"
    assert blanked("Each step limits the sampling pool to 6 words.") == "6 words"
    # the value a formula sets is given away by the same number in words; a formula's own power is no number
    assert blanked("With $p = 92\\%$ the sampler keeps the fewest words that reach 92% of the mass.",
                   ("$p = 92\\%$", "fewest words")) == "fewest words"
    assert blanked("The sampler keeps the fewest words that reach $p = 92\\%$ of the probability mass.",
                   ("$p = 92\\%$", "fewest words")) == "$p = 92\\%$"
    assert blanked("The squared weight $W^2$ feeds the 2 hidden layers of the network.",
                   ("$W^2$", "hidden layers")) == "$W^2$"
    # other numbers are no answer: '3' and '1' are not '1e-3', '0.5' not '-0.5', '50 epochs' not 'ResNet-50';
    # nor is the context, which a card may leave off
    for sentence, target in (("Train for 3 epochs on 1 GPU at a learning rate of 1e-3.", "1e-3"),
                             ("A win scores 0.5 and a loss scores -0.5 in this game.", "-0.5"),
                             ("ResNet-50 reaches 76% top-1 accuracy after 50 epochs.", "ResNet-50"),
                             ("Warm the learning rate up over 4096 steps.", "4096 steps")):
        assert blanked(sentence, (target, "learning rate", "game", "accuracy")) == target


def test_the_keep_filter_drops_what_it_gives_too_little_and_nothing_when_neutral(post, nlp):
    from studykit import ranker
    from studykit.models import Drop

    hedged = ranker.Model(weights={"hedge": -9.0}, bias=2.0, selection={"threshold": 0.5})
    body = ("## Gates\n\nThe update gate might keep most of the old state in a trained unit.\n\n"
            "The reset gate decides how much of the old state enters the candidate state.\n")
    extraction = extract(Post(title="Gates", url="file:///g.md", body=body), nlp)
    select_cards(extraction, CardOptions(keep_filter=hedged, min_value=-9.0))
    might = next(c for c in extraction.claims if "might" in c.sentence and c.origin.name == "SENTENCE")
    assert might.dropped is Drop.LIKELY_DISCARDED
    neutral = ranker.Model(weights={"hedge": -9.0}, bias=2.0, selection={"threshold": 0.0})
    again = extract(Post(title="Gates", url="file:///g.md", body=body), nlp)
    select_cards(again, CardOptions(keep_filter=neutral, min_value=-9.0))
    assert not any(c.dropped is Drop.LIKELY_DISCARDED for c in again.claims)


def test_the_keep_filter_weight_puts_a_card_a_learner_keeps_first(nlp):
    from studykit import ranker

    body = ("## Gates\n\nThe update gate might keep most of the old state in a trained unit.\n\n"
            "The reset gate decides how much of the old state enters the candidate state.\n")

    def only_card(weight: float) -> str:
        extraction = extract(Post(title="Gates", url="file:///g.md", body=body), nlp)
        for claim in extraction.claims:
            claim.score = 0.5 if "might" in claim.sentence else 0.0  # the hedged claim is worth more
        keep = ranker.Model(weights={"hedge": -9.0}, bias=2.0, selection={"threshold": 0.0, "weight": weight})
        options = CardOptions(min_cards=1, max_cards=1, kinds=frozenset({"cloze"}), keep_filter=keep,
                              section_spread=0.0, new_term_gain=0.0, covered_term_cost=0.0, blank_weight=0.0)
        (card,) = select_cards(extraction, options).cards
        return card.source_sentence

    assert "might" in only_card(0.0)
    assert "reset gate" in only_card(2.0)  # a learner would likely throw the hedged card away


def test_a_claim_whose_best_blank_is_poor_must_clear_the_floor_with_its_blank_counted(nlp):
    from studykit.deletions import BEST_BLANK
    from studykit.models import Drop

    body = ("## Gates\n\nThe update gate keeps most of the old state in a trained recurrent unit.\n\n"
            "The reset gate decides how much of the old state enters the candidate state.\n")

    def dropped(blank: float, score: float = -2.0) -> Drop | None:
        extraction = extract(Post(title="Gates", url="file:///g.md", body=body), nlp)
        claim = next(c for c in extraction.claims if "update gate" in c.sentence and not c.dropped)
        claim.score, claim.features[BEST_BLANK] = score, blank
        select_cards(extraction, CardOptions(kinds=frozenset({"cloze"}), min_value=-2.5, blank_weight=2.0))
        return claim.dropped

    assert dropped(blank=0.5) is None  # an even chance: the claim's own value decides
    assert dropped(blank=0.1) is Drop.LOW_VALUE  # -2.0 + 2.0 * (0.1 - 0.5) is under the floor
    assert dropped(blank=0.1, score=-1.0) is None


def test_a_definition_is_asked_with_the_writers_own_verb(nlp):
    body = ("## Parts\n\nSkip connections are a path that carries the input around each block unchanged.\n\n"
            "Layer normalisation is a step that rescales the features of each token to zero mean.\n")
    post = Post(title="Deep nets", url="file:///d.md", body=body)
    fronts = [c.front for c in select_cards(extract(post, nlp), CardOptions(min_cards=3)).cards if c.kind == "qa"]
    assert any(f.endswith("Deep nets: what are skip connections?") for f in fronts), fronts
    assert any(f.endswith("Deep nets: what is layer normalisation?") for f in fronts), fronts
