from rich.text import Text

from studykit.terminal_text import card_text, clean, latex_to_unicode


def test_unreadable_latex_falls_back_to_its_source():
    assert latex_to_unicode(r"\frac{a}{b") == r"\frac{a}{b"
    assert latex_to_unicode(r"\unknownmacro{x}_{y}") == "unknownmacro(x)_y"  # the name stays


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
