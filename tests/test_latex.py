from studykit import latex


def spans(text):
    return [(s.latex, s.display, s.delimiter) for s in latex.find_math(text)]


def test_inline_and_display_dollars():
    text = "The gate $z_t$ mixes:\n\n$$h_t = (1 - z_t) h_{t-1}$$\n\nDone."
    assert spans(text) == [("z_t", False, "$"), ("h_t = (1 - z_t) h_{t-1}", True, "$$")]


def test_dollar_amounts_in_prose_are_not_math():
    assert latex.find_math("A sensor that costs $5 and another at $20 each.") == []
    assert latex.find_math("It costs $5, but $x$ is math.")[0].latex == "x"


def test_kramdown_inline_double_dollar_is_inline():
    (span,) = latex.find_math("where $$a^2$$ is the square of the side")
    assert span.display is False and span.latex == "a^2"


def test_mathjax_delimiters_and_environments():
    text = r"Inline \(a_i\) and display \[\sum_i a_i\] and \begin{align}x &= 1\\ y &= 2\end{align}"
    found = spans(text)
    assert found[0] == ("a_i", False, "\\(")
    assert found[1] == (r"\sum_i a_i", True, "\\[")
    assert found[2][0].startswith(r"\begin{align}") and found[2][1] is True


def test_multiline_display_kept_verbatim():
    body = "$$\n\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}\n$$"
    (span,) = latex.find_math(body)
    assert span.latex == "\n\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}\n"


def test_escaped_dollar_is_not_a_delimiter():
    assert latex.find_math(r"Price \$5 and \$6") == []


def test_protect_and_restore_roundtrip():
    text = "Let $x_t$ be the input and $$y = W x$$ the output."
    protected, found = latex.protect(text)
    assert "$" not in protected and protected.count("MATHSPAN") == 2
    assert latex.restore(protected, found, dollars=False) == text
    # kramdown's inline $$ is inline math: the card contract writes it as $...$
    assert latex.restore(protected, found) == "Let $x_t$ be the input and $y = W x$ the output."


def test_unclosed_dollar_is_left_alone():
    assert latex.find_math("an unclosed $x and nothing else") == []


def test_double_dollar_that_opens_or_closes_its_line_is_display():
    text = "A long product of terms:$$a = \\prod_t b_t$$\nso it vanishes, while $$x^2$$ stays inline."
    assert spans(text) == [("a = \\prod_t b_t", True, "$$"), ("x^2", False, "$$")]


def test_kramdown_escaped_inline_math_is_ordinary_inline_math():
    text = r"we maximize \\( \sum\_i A\_i \log p(y\_i \mid x\_i) \\) over the batch"
    (span,) = latex.find_math(text)
    assert span.latex == r"\sum_i A_i \log p(y_i \mid x_i)" and not span.display
    protected, found = latex.protect(text)
    assert latex.restore(protected, found) == r"we maximize $\sum_i A_i \log p(y_i \mid x_i)$ over the batch"
    assert latex.restore(protected, found, dollars=False) == text
