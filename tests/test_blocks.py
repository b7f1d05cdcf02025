from studykit import blocks


def kinds(text):
    return [(b.kind, b.plain) for b in blocks.parse(text).blocks]


def test_code_fences_images_comments_and_shortcodes_are_not_prose():
    body = (
        "Intro line.\n\n"
        "```python\n# a comment\nx = 1\n```\n\n"
        "![alt text must vanish](https://x.example/a.png)\n\n"
        "<!-- hidden note -->\n{{< figure src=\"a.png\" >}}\n\n"
        "After the code.\n"
    )
    texts = " ".join(b.text for b in blocks.parse(body).blocks)
    assert "Intro line." in texts and "After the code." in texts
    for gone in ("a comment", "x = 1", "alt text", "hidden note", "figure src"):
        assert gone not in texts


def test_a_fence_after_blank_lines_does_not_swallow_the_rest():
    # Regression: the fence pattern once let its indentation group match newlines,
    # so the closing fence never matched and everything after the code vanished.
    body = "First.\n\n\n```\ncode\n```\n\nSecond paragraph.\n\n## Later\n\nThird.\n"
    assert [p for _, p in kinds(body)] == ["First.", "Second paragraph.", "Later", "Third."]


def test_headings_set_the_section_of_following_blocks():
    doc = blocks.parse("## Gates\n\nThe gate opens.\n\n### Reset gate\n\n- resets state\n")
    assert [(b.kind, b.section) for b in doc.blocks] == [
        ("heading", "Gates"), ("paragraph", "Gates"), ("heading", "Reset gate"), ("item", "Reset gate")]


def test_display_math_on_its_own_line_is_a_math_block_and_splits_the_paragraph():
    doc = blocks.parse("The update is:\n$$h_t = (1 - z_t) h_{t-1}$$\nwhere $z_t$ is a gate.\n")
    assert [b.kind for b in doc.blocks] == ["paragraph", "math", "paragraph"]
    assert doc.restore(doc.blocks[1].text) == "$$h_t = (1 - z_t) h_{t-1}$$"
    assert doc.restore(doc.blocks[2].text) == "where $z_t$ is a gate."


def test_math_is_protected_from_emphasis_stripping():
    doc = blocks.parse("The term $a_i * b_i$ and **bold** and *soft* words.\n")
    (block,) = doc.blocks
    assert doc.restore(block.plain) == "The term $a_i * b_i$ and bold and soft words."
    assert block.bold == ["bold"]


def test_tables_rows_know_their_header():
    doc = blocks.parse("| Model | Acc |\n|---|---|\n| Big | **91%** |\n| Small | 88% |\n")
    rows = [b for b in doc.blocks if b.kind == "table"]
    assert [r.cells for r in rows] == [["Big", "91%"], ["Small", "88%"]]
    assert all(r.header == ["Model", "Acc"] for r in rows)
    assert rows[0].bold == ["91%"]


def test_the_header_of_a_table_right_under_another_is_its_own():
    doc = blocks.parse("| Model | Acc |\n|---|---|\n| Big | 91% |\n\n| Year | Paper |\n|---|---|\n| 2017 | Transformer |\n")
    second = [b for b in doc.blocks if b.kind == "table_header"][1]
    assert second.cells == ["Year", "Paper"] and second.header == []
    assert [b.header for b in doc.blocks if b.kind == "table"] == [["Model", "Acc"], ["Year", "Paper"]]


def test_figure_captions_quotes_and_lists():
    body = "*Figure 2. Units act as slow integrators.*\n\n> **Key insight.** Gates help.\n\n1. first step\n2. second step\n"
    assert kinds(body) == [("caption", "Units act as slow integrators."),
                           ("quote", "Key insight. Gates help."),
                           ("item", "first step"), ("item", "second step")]


def test_links_keep_their_text_and_raw_tags_are_stripped():
    (block,) = blocks.parse("See [the paper](https://x.example) and <br/> <span>this</span>.\n").blocks
    assert block.plain == "See the paper and  this."


def test_a_heading_is_mentioned_by_its_acronym_not_by_a_filler_word():
    heading = "4 The XOR Problem"
    assert not blocks.mentions("Their result made the problem look hopeless for a decade.", heading)
    assert blocks.mentions("XOR is not linearly separable.", heading)
    assert blocks.mentions("A GRU has two gates.", "GRU gates")


def test_a_table_offered_as_an_example_is_told_apart():
    doc = blocks.parse("Take a classifier looking at a cat:\n\n| Class | Score |\n| --- | --- |\n"
                       "| Cat | 0.6 |\n\n## Results\n\nOn the test set:\n\n| Model | Acc |\n"
                       "| --- | --- |\n| Small | 91% |\n")
    cat, small = [b for b in doc.blocks if b.kind == "table"]
    assert blocks.is_example_table(doc, cat)
    assert not blocks.is_example_table(doc, small)


def test_a_heading_keeps_its_math():
    doc = blocks.parse("## $L$-smoothness and the bound $\\eta < 2/L$\n\nText here.\n")
    assert doc.blocks[1].section == "$L$-smoothness and the bound $\\eta < 2/L$"


def test_a_list_item_runs_on_over_its_continuation_lines():
    doc = blocks.parse("1. **Linear attention** (Performer): replace\n   the softmax with a kernel,\n"
                       "so attention becomes $O(n)$.\n2. **Patching** groups steps.\n\nA paragraph.\n")
    items = [b for b in doc.blocks if b.kind == "item"]
    assert [b.plain for b in items] == [
        "Linear attention (Performer): replace the softmax with a kernel, so attention becomes MATHSPAN0000Z.",
        "Patching groups steps."]
    assert doc.blocks[-1].kind == "paragraph" and doc.blocks[-1].plain == "A paragraph."


def test_each_block_knows_the_headings_it_sits_under():
    from studykit.blocks import parse

    doc = parse("# Title\n\n## Exercises\n\n### Computation\n\nSolve it.\n\n## Next\n\nBody text.\n")
    paths = {b.text: b.path for b in doc.blocks if b.kind == "paragraph"}
    assert paths == {"Solve it.": ("Title", "Exercises", "Computation"), "Body text.": ("Title", "Next")}


def test_display_formula_glued_to_its_sentence_is_a_math_block():
    doc = blocks.parse("The gradient picks up a product:$$g = \\prod_t f_t.$$\nso it can vanish.\n\n"
                "$$\na = 1\n$$$$\nb = 2\n$$")
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph", "math", "paragraph", "math", "math"]


def test_a_less_than_sign_inside_math_is_no_html_tag():
    doc = blocks.parse("Closed form:\n$$\\sum_{i<j} v_i v_j = \\frac{1}{2}\\left[s^2 - q\\right]$$\n> **Why.** It works.")
    (math,) = [b for b in doc.blocks if b.kind == "math"]
    assert "\\sum_{i<j} v_i v_j" in doc.restore(math.text)


def test_a_heading_written_in_html_is_a_heading():
    doc = blocks.parse('<h1 class="title">Decoding methods</h1>\n\nGreedy search picks the likeliest word.\n\n'
                "<H2>Beam search</h2>\n\nBeam search keeps several hypotheses.\n")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (blocks.BlockKind.HEADING, "Decoding methods"), (blocks.BlockKind.PARAGRAPH, "Greedy search picks the likeliest word."),
        (blocks.BlockKind.HEADING, "Beam search"), (blocks.BlockKind.PARAGRAPH, "Beam search keeps several hypotheses.")]
    assert doc.blocks[3].section == "Beam search"


def test_an_html_picture_block_is_a_caption_but_never_swallows_prose():
    def kinds(body):
        return [(b.kind.value, b.text) for b in blocks.parse(body).blocks]

    assert kinds("Prose leads in.\n<figure><img src=a.png><figcaption>A cat on a mat.</figcaption></figure>\n"
                 "Prose goes on.\n") == [("paragraph", "Prose leads in."), ("caption", "A cat on a mat."),
                                         ("paragraph", "Prose goes on.")]
    assert kinds('<p align="center"><img src=a.png></p>\nA line right after the picture.\n') == [
        ("paragraph", "A line right after the picture.")]
    long_prose = "This paragraph is real prose that sits beside a picture. " * 8
    assert kinds(f"<p><img src=a.png align=right> {long_prose}</p>\n")[0][0] == "paragraph"
    assert kinds("<table><tr><td><img src=a.png></td><td>Cell text</td></tr></table>\n")[0][0] != "caption"


def test_a_caption_element_is_a_caption_however_long_and_wherever_its_words_stand():
    def kinds(body):
        return [(b.kind.value, b.text) for b in blocks.parse(body).blocks]

    long_caption = "The left panel plots the loss of each run and the right panel its gradient norm. " * 5
    assert kinds(f'<div class="imgcap">\n<img src="runs.png">\n<div class="thecap" style="text-align:justify;">\n'
                 f"\t{long_caption}\n</div>\n</div>\n\nProse goes on.\n") == [
        ("caption", long_caption.strip()), ("paragraph", "Prose goes on.")]
    assert kinds(f"<figure>\n<img src=a.png>\n<figcaption>\n{long_caption}\n</figcaption>\n</figure>\n")[0][0] == "caption"
    # a class that only starts like one names no caption
    assert kinds("<div class=\"capsule\">\nA sentence of prose inside a styled box of the page.\n</div>\n")[0][0] == "paragraph"


def test_markdown_escapes_show_their_character_and_math_keeps_its_backslashes():
    doc = blocks.parse("The loss explodes\\! Use version \\>= 2 with $\\sum_i \\! x_i$ here.\n\n"
                       "\\# of layers matters less than width.\n")
    assert doc.restore(doc.blocks[0].plain) == "The loss explodes! Use version >= 2 with $\\sum_i \\! x_i$ here."
    # an escape that keeps a line from being a heading, list or quote still does
    assert [b.kind for b in doc.blocks] == [blocks.BlockKind.PARAGRAPH, blocks.BlockKind.PARAGRAPH]
    # every reader of inline text unescapes alike: table cells, headings, formula lead-ins
    doc = blocks.parse("## Wins\\!\n\n| Model | Speed-up |\n|---|---|\n| GRU | \\>= 2x |\n")
    assert doc.blocks[0].section == "Wins!" and doc.blocks[-1].cells == ["GRU", ">= 2x"]


def test_an_escaped_star_or_underscore_is_a_character_and_opens_no_emphasis():
    doc = blocks.parse("A frame holds 100,800 numbers (210\\*160\\*3), a \\_private\\_ name. "
                       "We call this the *credit assignment problem*.\n")
    assert doc.blocks[0].plain == ("A frame holds 100,800 numbers (210*160*3), a _private_ name. "
                                   "We call this the credit assignment problem.")
