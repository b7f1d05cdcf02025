"""The formula renderer: exact strings for formulas of our own, and rules every formula of
the dev set must keep (read from ../shared/eval-dev when it is there)."""

import json
import re
from pathlib import Path

import pytest

from studykit.terminal_text import latex_to_unicode
from studykit.unicode_math import MAX_DEPTH, Unreadable, render

EVAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval-dev"
FIXTURES = Path(__file__).parent / "fixtures" / "formulas.tex"

LETTER_THEN_RELATION = re.compile(r"[^\W\d_][=<>≤≥←→∼≈∈≠≡∝⇒⇐⇔↔⟶⟵↦≲≳]")
ARROW_IN_A_WORD = re.compile(r"(?:[^\W\d_][\u20d6\u20d7]){2,}")
STRAY_TAG = re.compile(r",\s*\d+\s*$")


@pytest.mark.parametrize("source, expected", [
    (r"h_t = (1 - z_t)\odot h_{t-1}", "hₜ = (1 - zₜ) ⊙ hₜ₋₁"),
    (r"w_{i-1}", "wᵢ₋₁"),
    (r"\sum_{i=1}^{n} x_i^2", "∑ᵢ₌₁ⁿ xᵢ²"),
    (r"\alpha \beta \to \infty", "αβ → ∞"),
    (r"\sqrt{d_k}", "√dₖ"),
    (r"\operatorname{Var}(w) = \frac{2}{n_{\text{in}} + n_{\text{out}}}", "Var(w) = 2/(nᵢₙ + nₒᵤₜ)"),
    (r"P_{\text{GRU}} = \tfrac{3}{4}\,P_{\text{LSTM}}", "P_(GRU) = 3/4 P_(LSTM)"),
    (r"\mathcal{L}_{\text{KD}}", "ℒ_(KD)"),
    (r"\frac{1}{2}\|x\|^2", "1/2 ‖x‖²"),
    (r"D_{\mathrm{KL}}(p \| q) = \sum_x p(x) \log \frac{p(x)}{q(x)}", "D_(KL)(p‖q) = ∑ₓ p(x) log(p(x)/q(x))"),
    (r"\log D(x) + \log(1 - D(G(z)))", "log D(x) + log(1 - D(G(z)))"),
    (r"\mathbf{w} \leftarrow \mathbf{w} - \eta \nabla_{\mathbf{w}} L", "𝐰 ← 𝐰 - η∇_𝐰 L"),
    (r"x \sim p_r", "x ∼ pᵣ"),
    (r"1 \leq i \leq K", "1 ≤ i ≤ K"),
    (r"\vec{king} - \vec{man} + \vec{woman} \approx \vec{queen}", "vec(king) - vec(man) + vec(woman) ≈ vec(queen)"),
    (r"e = mc^2 \tag{3}", "e = mc²   (3)"),
    (r"\log p(x) \geq \underbrace{\mathbb{E}_{q}[\log p(x, z) - \log q(z)]}_{\text{ELBO}}", "log p(x) ≥ 𝔼_q[log p(x, z) - log q(z)] [ELBO]"),
    (r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}", "softmax(z)ᵢ = e^(zᵢ)/(∑ⱼ e^(zⱼ))"),
    (r"\log \sum_{j} e^{z_j} - z_i", "log(∑ⱼ e^(zⱼ)) - zᵢ"),
    (r"\frac{\partial L}{\partial w} = -\frac{1}{n}\sum_i x_i (y_i - \hat{y}_i)", "∂L/∂w = -1/n ∑ᵢ xᵢ(yᵢ - ŷᵢ)"),
    (r"\hat{\theta} = \arg\max_\theta \prod_{i} p(x_i \mid \theta)", "θ̂ = arg max_θ ∏ᵢ p(xᵢ | θ)"),
    (r"\lim_{n \to \infty} (1 + \tfrac{1}{n})^n = e", "lim_(n → ∞) (1 + 1/n)ⁿ = e"),
    (r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", "f(x) = { x, x > 0; 0, otherwise }"),
    (r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}^{-1}", "[a, b; c, d]⁻¹"),
    (r"\exp(-\lambda t)", "exp(-λt)"),
    (r"\frac{a+b}{2m}", "(a + b)/(2m)"),
    (r"\foo{x} + 1", "foo(x) + 1"),
    (r"\mathbb{R}^{d \times k}", "ℝ^(d×k)"),
    (r"\sigma(x) = \frac{1}{1 + e^{-x}}", "σ(x) = 1/(1 + e⁻ˣ)"),
])
def test_formula_reads_like_a_textbook(source, expected):
    assert latex_to_unicode(source) == expected


def _gold_formulas() -> list[str]:
    if not EVAL_DEV.is_dir():
        return []
    return [m["latex"] for f in sorted(EVAL_DEV.glob("*.json"))
            for m in json.loads(f.read_text("utf-8")).get("formulas", [])]


def _fixture_formulas() -> list[str]:
    blocks = FIXTURES.read_text("utf-8").split("\n%%\n")
    return [b.strip() for b in blocks if b.strip() and not b.startswith("%")]


def _defects(rendered: str) -> list[str]:
    checks = {"letter then relation": LETTER_THEN_RELATION, "arrow on every letter": ARROW_IN_A_WORD,
              "stray tag": STRAY_TAG}
    found = [name for name, pattern in checks.items() if pattern.search(rendered)]
    return found + (["LaTeX left"] if "\\" in rendered else [])


def test_every_fixture_formula_renders_cleanly():
    formulas = _fixture_formulas()
    assert len(formulas) >= 10
    failures = {f: (latex_to_unicode(f), _defects(latex_to_unicode(f))) for f in formulas}
    assert {f: d for f, d in failures.items() if d[1]} == {}


def test_every_gold_formula_renders_cleanly():
    formulas = _gold_formulas()
    if not formulas:
        pytest.skip("../shared/eval-dev is not here")
    failures = {f: (latex_to_unicode(f), _defects(latex_to_unicode(f))) for f in formulas}
    assert {f: d for f, d in failures.items() if d[1]} == {}


def test_the_checks_catch_what_they_name():
    assert _defects("x≤y") == ["letter then relation"]
    assert _defects("k⃗i⃗n⃗g⃗") == ["arrow on every letter"]
    assert _defects("a = b, 1") == ["stray tag"]


@pytest.mark.parametrize("source", [r"\frac{a}{b", "x_{", "}", r"\left(", r"\begin{cases} a"])
def test_malformed_latex_shows_its_source_or_a_best_effort(source):
    out = latex_to_unicode(source)
    assert out  # never empty, never an exception
    if "{" in source and source.count("{") != source.count("}"):
        assert out == source.strip()


def test_nesting_is_bounded():
    deep = "{" * (MAX_DEPTH + 5) + "x" + "}" * (MAX_DEPTH + 5)
    with pytest.raises(Unreadable):
        render(deep)
    assert latex_to_unicode(deep) == deep
