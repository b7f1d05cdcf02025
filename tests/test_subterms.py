"""The key sub-term of a long display formula: the last top-level additive term of its right side."""

import pytest

from studykit.subterms import key_subterm


@pytest.mark.parametrize("latex, term", [
    (r"\mathcal{L} \;=\; \alpha \cdot \tau^2 \cdot \mathcal{L}_{\text{KD}} \;+\; (1 - \alpha) \cdot \mathcal{L}_{\text{hard}}.",
     r"(1 - \alpha) \cdot \mathcal{L}_{\text{hard}}"),
    (r"\text{score}(i, j) = \frac{q_i^\top k_j}{\sqrt{d_k}} - m_h \cdot |i - j|", r"m_h \cdot |i - j|"),
    (r"\mathcal{L}_{\text{hint}} = \| W_r F_S - F_T \|_F^2 + \lambda \|W\|^2,", r"\lambda \|W\|^2"),
    (r"\delta = \bigl(W^{T}\delta^{(l+1)}\bigr) \odot \sigma'(z^{(l)}) + c \tag{5}",
     r"\bigl(W^{T}\delta^{(l+1)}\bigr) \odot \sigma'(z^{(l)})"),
])
def test_the_key_term_and_the_rest_rebuild_the_formula(latex, term):
    before, found, after = key_subterm(latex)
    assert found == term
    assert before + found + after == latex


@pytest.mark.parametrize("latex", [
    r"x = a + b",  # short: asked whole
    r"\mathcal{L}_{\text{KD}} \;=\; -\sum_c \sigma(z_c^T / \tau) \, \log \sigma(z_c^S / \tau).",  # one term
    r"a = \frac{1}{2} \sum_{i=1}^{n} (x_i + y_i)^2 = \frac{1}{2} \sum_{i=1}^{n} x_i^2 + y_i^2",  # a chain
    "\\begin{aligned} a &= b + c \\\\ d &= e + f + g + h + i + j + k \\end{aligned}",
])
def test_short_single_term_chained_and_multiline_formulas_have_none(latex):
    assert key_subterm(latex) is None


def test_norm_and_angle_delimiters_keep_a_term_whole():
    latex = (r"\mathrm{MMD} \;=\; \big\lVert \mathbb{E}[\phi(X_S)] - \mathbb{E}[\phi(X_T)] \big\rVert_{\mathcal{H}}"
             r" + \lambda \langle a - b, c \rangle")
    before, term, after = key_subterm(latex)
    assert term == r"\lambda \langle a - b, c \rangle"
    assert key_subterm(r"\mathrm{MMD} \;=\; \big\lVert \mathbb{E}[\phi(X_S)] - \mathbb{E}[\phi(X_T)] \big\rVert_{\mathcal{H}}.") is None


@pytest.mark.parametrize("latex, term", [
    (r"\mathcal{L}(w) = \max\{0,\; 1 - y_i \cdot f(x_i)\} + c_1 + \lambda w", r"\lambda w"),
    (r"J(\theta) = \|\theta\|^2 + \lambda \Vert \theta_1 - \theta_0 \Vert", r"\lambda \Vert \theta_1 - \theta_0 \Vert"),
    (r"f(x) = a_{0} + a_{1}x + \left. \frac{\partial g}{\partial y} \right|_{y=x} + b + c",
     r"\left. \frac{\partial g}{\partial y} \right|_{y=x}"),
    (r"\mathcal{L}(\theta) = a(y|x) + b_{k} + c(y|x) \cdot h_{long}", r"c(y|x) \cdot h_{long}"),
])
def test_braces_bars_and_left_right_pairs_keep_a_term_whole(latex, term):
    assert key_subterm(latex)[1] == term


def test_a_long_run_of_spacing_around_a_term_is_stripped():
    before, term, after = key_subterm("a = b_{1} + c_{22}" + " \\," * 20000 + ".")
    assert term == "c_{22}" and after == " \\," * 20000 + "."
