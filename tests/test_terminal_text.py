import pytest
from rich.text import Text

from studykit.terminal_text import card_text, clean, latex_to_unicode


@pytest.mark.parametrize("source, expected", [
    (r"h_t = (1 - z_t)\odot h_{t-1}", "hₜ = (1 - zₜ)⊙hₜ₋₁"),
    (r"w_{i-1}", "wᵢ₋₁"),                              # braces kept: not 'w_i-1'
    (r"\sum_{i=1}^{n} x_i^2", "∑ᵢ₌₁ⁿ xᵢ²"),
    (r"\alpha \beta \to \infty", "αβ→∞"),
    (r"\sqrt{d_k}", "√(dₖ)"),
    (r"\operatorname{Var}(w) = \frac{2}{n_{\text{in}} + n_{\text{out}}}", "Var(w) = 2/(nᵢₙ + nₒᵤₜ)"),
    (r"P_{\text{GRU}} = \tfrac{3}{4}\,P_{\text{LSTM}}", "P_(GRU) = 3/4 P_(LSTM)"),
    (r"\mathcal{L}_{\text{KD}}", "ℒ_(KD)"),
    (r"\frac{1}{2}\|x\|^2", "1/2 ‖x‖²"),
])
def test_latex_to_unicode(source, expected):
    assert latex_to_unicode(source) == expected


def test_unreadable_latex_falls_back_to_its_source():
    assert latex_to_unicode(r"\frac{a}{b") == r"\frac{a}{b"
    assert latex_to_unicode(r"\unknownmacro{x}_{y}") in (r"\unknownmacro{x}_{y}", "x_y", "xᵧ", "x_(y)")


def test_card_text_renders_math_and_emphasis_as_styles():
    t = card_text("The **update gate** $z_t$ keeps *old* state.")
    assert isinstance(t, Text)
    assert t.plain == "The update gate zₜ keeps old state."
    styles = {t.plain[s.start:s.end]: s.style for s in t.spans}
    assert styles["update gate"] == "bold" and styles["zₜ"] == "italic" and styles["old"] == "italic"


def test_markup_and_escape_sequences_from_a_page_are_inert():
    hostile = "[bold red]boom[/] \x1b[2J\x1b]0;title\x07 \x1b[31mred\x1b[0m \x07\x9b done"
    t = card_text(hostile)
    assert "[bold red]boom[/]" in t.plain          # shown literally, not interpreted
    assert "\x1b" not in t.plain and "\x07" not in t.plain and "\x9b" not in t.plain
    assert t.plain.endswith("red  done")
    assert not t.spans


def test_clean_keeps_newlines_and_tabs():
    assert clean("a\tb\nc\x00d\x7f") == "a\tb\ncd"
