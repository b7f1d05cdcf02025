"""studykit.sources.html: main-content extraction, Markdown conventions, verbatim math, metadata."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from studykit.sources.html import HtmlArticle, extract_article, fragment_to_markdown

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- chrome and content selection

CHROME_PAGE = page(
    """
    <header class="site-header"><a href="/">Lantern Notes</a><nav><a href="/archive">Archive</a></nav></header>
    <div class="breadcrumbs"><a href="/">Home</a> › Filters</div>
    <article>
      <h1>The Kalman Filter, Gently</h1>
      <nav class="toc"><a href="#predict">Jump to predict</a></nav>
      <p>A Kalman filter blends a <b>prediction</b> with a noisy <i>measurement</i>.</p>
      <div class="share-buttons"><a href="#">Tweet this</a><button>Copy link</button></div>
      <p>The blend weight is the gain.</p>
      <aside>Sponsored gyroscope deals</aside>
      <form><input name="email"><button>Subscribe</button></form>
      <div id="newsletter-box">Weekly signal digest</div>
      <section class="related-posts"><a href="/p">Particle filters explained</a></section>
      <div id="comments"><p>Great post, thanks!</p></div>
      <script>var tracker = "pageview-beacon";</script>
      <style>.x { color: hotpink }</style>
      <noscript>Enable javascript please</noscript>
      <iframe src="https://example.org/embed">Embedded player</iframe>
      <!-- editorial note: remember the covariance section -->
    </article>
    <div class="sidebar-widget">Popular tags cloud</div>
    <footer class="site-footer">Copyright Lantern Notes · Privacy</footer>
    """,
    head="<title>The Kalman Filter, Gently | Lantern Notes</title>",
)


def test_chrome_is_removed_and_content_kept():
    body = extract_article(CHROME_PAGE).body
    for kept in ("A Kalman filter blends a **prediction** with a noisy *measurement*.", "The blend weight is the gain."):
        assert kept in body
    for chrome in (
        "Lantern Notes", "Archive", "Home", "Jump to predict", "Tweet this", "Copy link", "Sponsored",
        "Subscribe", "Weekly signal digest", "Particle filters", "Great post", "pageview-beacon", "hotpink",
        "Enable javascript", "Embedded player", "editorial note", "Popular tags", "Copyright",
    ):
        assert chrome not in body, chrome


def test_h1_in_main_content_is_the_title_and_a_heading():
    article = extract_article(CHROME_PAGE)
    assert isinstance(article, HtmlArticle)
    assert article.title == "The Kalman Filter, Gently"
    assert article.body.startswith("# The Kalman Filter, Gently\n\n")


def test_prose_div_wins_over_article():
    html = page(
        '<article><div class="byline">By a made-up author</div>'
        '<div class="prose"><p>Only the prose counts.</p></div>'
        '<div class="article-end">Liked this piece?</div></article>'
    )
    assert extract_article(html).body == "Only the prose counts."


def test_main_and_role_main_and_entry_content_are_used_in_order():
    assert extract_article(page("<div>menu</div><main><p>In main.</p></main>")).body == "In main."
    assert extract_article(page('<div>menu</div><div role="main"><p>In role main.</p></div>')).body == "In role main."
    html = page('<div>menu</div><div class="entry-content"><p>In entry content.</p></div>')
    assert extract_article(html).body == "In entry content."


def test_fallback_picks_the_element_with_most_paragraph_text():
    html = page(
        "<div><p>Short teaser.</p></div>"
        "<div><p>The state estimate is a mean and a covariance.</p><p>Each step predicts and then corrects.</p></div>"
    )
    body = extract_article(html).body
    assert "The state estimate is a mean and a covariance." in body
    assert "Each step predicts and then corrects." in body
    assert "Short teaser" not in body


def test_image_alt_text_and_figcaptions_are_dropped():
    html = page(
        '<article><p>Before <img src="k.png" alt="ALT-TEXT diagram of the gain"> after.</p>'
        '<figure><img src="f.png" alt="ALT-TEXT second"><figcaption>CAPTION-TEXT here</figcaption></figure>'
        '<picture><source srcset="a.webp"><img src="a.png" alt="ALT-TEXT third"></picture>'
        '<svg><title>SVG-TITLE</title><text>SVG-TEXT</text></svg><p>End.</p></article>'
    )
    body = extract_article(html).body
    assert "ALT-TEXT" not in body and "CAPTION-TEXT" not in body and "SVG-" not in body
    assert body == "Before after.\n\nEnd."


def test_permalink_anchors_and_aria_hidden_decorations_are_dropped():
    html = page(
        '<article><h2 id="predict">Predict step<a class="heading-link" href="#predict">#</a></h2>'
        '<p>See <a href="https://example.org">the paper <span aria-hidden="true">↗</span></a>.</p></article>'
    )
    assert extract_article(html).body == "## Predict step\n\nSee the paper."


# ---------------------------------------------------------------- Markdown conventions

def test_headings_paragraphs_and_inline_markup():
    html = page(
        "<article><h2>Predict</h2><p>The   state\n  moves by <strong>F</strong> and <em>drifts</em>;"
        " call <code>predict(x, P)</code> then read <a href='/gain'>the gain</a>.</p>"
        "<h3>Update</h3><p>Correct with <b>K</b>.</p><h6>Tiny</h6></article>"
    )
    assert extract_article(html).body == (
        "## Predict\n\n"
        "The state moves by **F** and *drifts*; call `predict(x, P)` then read the gain.\n\n"
        "### Update\n\nCorrect with **K**.\n\n###### Tiny"
    )


def test_emphasis_spacing_is_moved_outside_the_markers():
    body = fragment_to_markdown("<p>a<strong> gain </strong>b <em></em>c</p>")
    assert body == "a **gain** b c"


def test_lists_nested_and_ordered():
    html = page(
        "<article><ul><li>Predict<ul><li>mean</li><li>covariance</li></ul></li><li>Update</li></ul>"
        "<ol><li>first</li><li>second</li></ol><ol start='4'><li>fourth</li></ol></article>"
    )
    assert extract_article(html).body == (
        "- Predict\n  - mean\n  - covariance\n- Update\n\n1. first\n2. second\n\n4. fourth"
    )


def test_blockquote_pre_hr_and_table():
    html = page(
        "<article><blockquote><p>All models are wrong.</p><p>Some are useful.</p></blockquote><hr>"
        '<pre><code class="language-python">def predict(x, P):\n    x = F @ x  # *not* bold\n\n    return x, P</code></pre>'
        "<table><thead><tr><th>Symbol</th><th>Meaning</th></tr></thead>"
        "<tbody><tr><td><code>K|G</code></td><td>gain | weight</td></tr><tr><td>P</td><td><b>covariance</b></td></tr></tbody></table>"
        "</article>"
    )
    assert extract_article(html).body == (
        "> All models are wrong.\n>\n> Some are useful.\n\n---\n\n"
        "```python\ndef predict(x, P):\n    x = F @ x  # *not* bold\n\n    return x, P\n```\n\n"
        "| Symbol | Meaning |\n|---|---|\n| `K\\|G` | gain \\| weight |\n| P | **covariance** |"
    )


def test_chroma_line_number_table_becomes_one_code_block():
    html = page(
        '<div class="prose"><div class="highlight"><div class="chroma"><table class="lntable"><tr>'
        '<td class="lntd"><pre class="chroma"><code><span class="lnt">1\n</span><span class="lnt">2\n</span></code></pre></td>'
        '<td class="lntd"><pre class="chroma"><code class="language-go" data-lang="go">'
        '<span class="line"><span class="cl">x := predict()\n</span></span>'
        '<span class="line"><span class="cl">y := update(x)\n</span></span></code></pre></td></tr></table></div></div></div>'
    )
    assert extract_article(html).body == "```go\nx := predict()\ny := update(x)\n```"


def test_table_without_header_row_uses_first_row():
    body = fragment_to_markdown("<table><tr><td>a</td><td>b</td></tr><tr><td>1</td></tr></table>")
    assert body == "| a | b |\n|---|---|\n| 1 |  |"


def test_fence_grows_when_code_contains_backticks():
    body = fragment_to_markdown("<pre>use ```fences``` inside</pre>")
    assert body == "````\nuse ```fences``` inside\n````"


def test_entities_are_decoded_and_space_before_punctuation_tidied():
    body = fragment_to_markdown("<p>Q &amp; A &lt;tag&gt; &ldquo;quoted&rdquo; see <a href=x>part 2</a>\n.</p>")
    assert body == "Q & A <tag> “quoted” see part 2."


# ---------------------------------------------------------------- math, verbatim

def test_hugo_math_spans_are_verbatim():
    html = page(
        '<div class="prose"><p>Weights <span class="math-inline">$a_{i}^{*}$</span>\nand '
        '<span class="math-inline">$\\frac{a}{b}$</span> mix.</p>'
        '<span class="math-block">$$x_{k|k} = x_{k|k-1} + K_k\\,(z_k - H x_{k|k-1})$$</span>'
        "<p>Then <strong>done</strong>.</p></div>"
    )
    assert extract_article(html).body == (
        "Weights $a_{i}^{*}$ and $\\frac{a}{b}$ mix.\n\n"
        "$$x_{k|k} = x_{k|k-1} + K_k\\,(z_k - H x_{k|k-1})$$\n\n"
        "Then **done**."
    )


def test_multiline_display_math_keeps_its_newlines_in_one_block():
    tex = "$$\n\\begin{aligned}\nP_{k|k-1} &= F P F^\\top + Q \\\\\nK_k &= P H^\\top S^{-1}\n\\end{aligned}\n$$"
    html = page(f'<div class="prose"><p>Before.</p><span class="math-block">{tex}</span><p>After.</p></div>')
    assert extract_article(html).body == f"Before.\n\n{tex}\n\nAfter."


def test_math_entities_are_decoded_but_nothing_else_changes():
    body = fragment_to_markdown('<p><span class="math-inline">$x &lt; y_{i} &amp;&amp; a^{*}_{j}$</span></p>')
    assert body == "$x < y_{i} && a^{*}_{j}$"


def test_raw_tex_text_is_kept_as_text():
    body = fragment_to_markdown(
        "<p>Inline \\(a_{i}^{*}\\) and $\\frac{a}{b}$ and *stars* and_under_scores.</p>"
        "<p>\\[\n\\hat x_k = F\\hat x_{k-1} \\\\\n\\hat y_k = H \\hat x_k\n\\]</p>"
    )
    assert body == (
        "Inline \\(a_{i}^{*}\\) and $\\frac{a}{b}$ and *stars* and_under_scores.\n\n"
        "\\[\n\\hat x_k = F\\hat x_{k-1} \\\\\n\\hat y_k = H \\hat x_k\n\\]"
    )


def test_raw_display_dollars_inside_a_paragraph_become_their_own_block():
    body = fragment_to_markdown("<p>The update is $$x^{+} = x^{-} + K\\nu$$ which corrects.</p>")
    assert body == "The update is\n\n$$x^{+} = x^{-} + K\\nu$$\n\nwhich corrects."


def test_mathjax_v2_scripts():
    html = page(
        '<article><p>Gain <script type="math/tex">K_{k}^{*}</script> here.</p>'
        '<script type="math/tex; mode=display">\\frac{a}{b} = P_{k} H^\\top</script>'
        '<span class="MathJax_Preview">K_k</span><span class="MathJax">rendered-copy</span>'
        "<script>console.log('not math')</script></article>"
    )
    assert extract_article(html).body == "Gain $K_{k}^{*}$ here.\n\n$$\\frac{a}{b} = P_{k} H^\\top$$"


KATEX_INLINE = (
    '<span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/MathML"><semantics>'
    "<mrow><msubsup><mi>a</mi><mi>i</mi><mo>∗</mo></msubsup></mrow>"
    '<annotation encoding="application/x-tex">a_{i}^{*}</annotation></semantics></math></span>'
    '<span class="katex-html" aria-hidden="true"><span class="base"><span class="mord">a∗i</span></span></span></span>'
)
KATEX_DISPLAY = (
    '<span class="katex-display"><span class="katex"><span class="katex-mathml"><math display="block"><semantics>'
    "<mfrac><mi>a</mi><mi>b</mi></mfrac>"
    '<annotation encoding="application/x-tex">\\frac{a}{b}</annotation></semantics></math></span>'
    '<span class="katex-html" aria-hidden="true"><span class="mord">ab</span></span></span></span>'
)


def test_katex_prerendered_html_uses_the_tex_annotation():
    body = fragment_to_markdown(f"<p>Weight {KATEX_INLINE} then</p><p>{KATEX_DISPLAY}</p>")
    assert body == "Weight $a_{i}^{*}$ then\n\n$$\\frac{a}{b}$$"


def test_mathml_with_tex_annotation():
    inline = (
        '<math><semantics><mi>x</mi><annotation encoding="application/x-tex">\\hat{x}_{k}</annotation>'
        "</semantics></math>"
    )
    block = (
        '<math display="block"><semantics><mi>P</mi>'
        '<annotation encoding="application/x-tex">P_{k|k} = (I - K H) P</annotation></semantics></math>'
    )
    assert fragment_to_markdown(f"<p>State {inline}.</p>{block}") == "State $\\hat{x}_{k}$.\n\n$$P_{k|k} = (I - K H) P$$"


def test_math_in_list_items_and_headings_stays_verbatim():
    html = '<ul><li>Gain <span class="math-inline">$K_{k}^{*}$</span></li></ul><h2>Why <span class="math-inline">$\\frac{a}{b}$</span></h2>'
    assert fragment_to_markdown(html) == "- Gain $K_{k}^{*}$\n\n## Why $\\frac{a}{b}$"


# ---------------------------------------------------------------- robustness

def test_deeply_nested_html_does_not_recurse():
    depth = 100_000
    html = page("<article>" + "<div>" * depth + "<p>Deep <b>kalman</b> text</p>" + "</div>" * depth + "<p>tail</p></article>")
    start = time.monotonic()
    article = extract_article(html)
    assert time.monotonic() - start < 10
    assert "Deep" in article.body and "kalman" in article.body and "tail" in article.body


def test_deeply_nested_inline_and_list_markup():
    depth = 20_000
    html = "<ul><li>" * depth + "leaf" + "</li></ul>" * depth + "<b>" * depth + "bold" + "</b>" * depth
    body = fragment_to_markdown(html)
    assert "leaf" in body and "bold" in body


def test_nested_tables_are_capped():
    html = "<table><tr><td>" * 30 + "core" + "</td></tr></table>" * 30
    assert "core" in fragment_to_markdown(html)


def test_empty_and_garbage_input():
    assert extract_article("").body == ""
    assert extract_article("<<<>>> not html").title == ""
    assert fragment_to_markdown("plain words") == "plain words"


# ---------------------------------------------------------------- metadata

META_HEAD = """
<title>Kalman Notes — Part 2 | Lantern Notes</title>
<meta property="og:title" content="Kalman Notes — Part 2">
<meta name="description" content="How the gain balances trust.">
<meta property="og:description" content="OG description">
<meta property="article:published_time" content="2024-03-05T10:30:00+02:00">
<meta property="article:tag" content="Filtering"><meta property="article:tag" content="Estimation">
<meta name="keywords" content="estimation, control theory">
<meta property="article:section" content="Signals 101">
"""


def test_metadata_from_meta_tags():
    article = extract_article(page('<div class="prose"><p>x</p></div>', META_HEAD))
    assert article.title == "Kalman Notes — Part 2"
    assert article.description == "How the gain balances trust."
    assert article.published == datetime(2024, 3, 5, 8, 30, tzinfo=timezone.utc)
    assert article.published.tzinfo is not None
    assert article.tags == ["Filtering", "Estimation", "control theory"]
    assert article.series == "Signals 101"


def test_title_from_h1_drops_permalink_but_keeps_real_hash():
    html = page('<article><h1>Kalman filters in C#<a class="anchor" href="#t">¶</a></h1><p>x</p></article>')
    assert extract_article(html).title == "Kalman filters in C#"


def test_title_falls_back_to_title_tag_without_site_suffix():
    assert extract_article(page("<p>x</p>", "<title>Kalman Gain | Lantern Notes</title>")).title == "Kalman Gain"
    assert extract_article(page("<p>x</p>", "<title>Kalman Gain · Lantern Notes</title>")).title == "Kalman Gain"
    head = '<title>Predict — Update - Lantern</title><meta property="og:site_name" content="Lantern">'
    assert extract_article(page("<p>x</p>", head)).title == "Predict — Update"
    assert extract_article(page("<p>x</p>", "<title>Predict — Update</title>")).title == "Predict — Update"


def test_published_from_json_ld_then_time_element():
    json_ld = '<script type="application/ld+json">{"@graph": [{"@type": "Article", "datePublished": "2023-11-02T08:00:00Z"}]}</script>'
    article = extract_article(page("<article><p>x</p></article>", json_ld))
    assert article.published == datetime(2023, 11, 2, 8, 0, tzinfo=timezone.utc)
    article = extract_article(page('<article><time datetime="2022-01-15">Jan 15</time><p>x</p></article>'))
    assert article.published == datetime(2022, 1, 15, tzinfo=timezone.utc)
    assert extract_article(page("<article><p>x</p></article>")).published is None


def test_description_falls_back_to_og_and_series_meta():
    head = '<meta property="og:description" content="From OG."><meta name="series" content="Filters from scratch">'
    article = extract_article(page("<p>x</p>", head))
    assert article.description == "From OG."
    assert article.series == "Filters from scratch"
    assert extract_article(page("<p>x</p>")).series == ""


# ---------------------------------------------------------------- real pages (read at run time)

def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus not available at {CORPUS}")
    return path


def front_matter_title(markdown: str) -> str:
    match = re.search(r'^title:\s*"?(.*?)"?\s*$', markdown, re.M)
    assert match, "markdown source has no title"
    return match.group(1)


@pytest.mark.parametrize(
    ("html_path", "md_path"),
    [
        ("html/time-series/gru.html", "articles/time-series/gru.md"),
        ("html/standalone/position-encoding-brief.html", "articles/standalone/position-encoding-brief.md"),
    ],
)
def test_corpus_display_math_matches_markdown_source(html_path, md_path):
    html = corpus_file(html_path).read_text(encoding="utf-8")
    markdown = corpus_file(md_path).read_text(encoding="utf-8")
    article = extract_article(html)
    blocks = re.findall(r"\$\$(.+?)\$\$", article.body, re.S)
    assert len(blocks) >= 5
    source = collapse(markdown)
    for block in blocks:
        assert collapse(block) in source, block
    assert article.title == front_matter_title(markdown)
    assert article.published is not None and article.published.tzinfo is not None
    assert article.tags


@pytest.mark.parametrize(
    "html_path",
    ["html/time-series/gru.html", "html/standalone/position-encoding-brief.html", "html/kernel-methods/08-deep-kernels-vs-dl.html"],
)
def test_corpus_body_has_no_site_chrome(html_path):
    html = corpus_file(html_path).read_text(encoding="utf-8")
    body = extract_article(html).body
    # Words that appear only in the site's header, share bar, sign-off and footer of these pages.
    for chrome in ("Skip to content", "Share on Twitter", "Copy link", "Liked this piece", "Follow on GitHub", "In this article", "Toggle dark mode"):
        assert chrome in html, f"fixture assumption: {chrome!r} is on the page"
        assert chrome not in body, chrome
    assert "Permalink" not in body and "\n#\n" not in body and "↗" not in body
    assert not re.search(r"</?(div|span|p|a|script)\b", body)


def test_corpus_html_only_article_has_substantial_body():
    html = corpus_file("html/kernel-methods/08-deep-kernels-vs-dl.html").read_text(encoding="utf-8")
    article = extract_article(html)
    assert len(article.body.split()) > 1000
    assert article.title.startswith("Kernel Methods (8)")
    assert "```python" in article.body
    assert re.search(r"^## ", article.body, re.M)
