"""The web path on the real corpus pages: built Hugo HTML served by a local HTTP server.

The HTML pages and the Markdown sources come from different commits, so their prose
differs; their display formulas match, which is what is compared here. The corpus is
read at run time only (it is third-party text and is not copied into the repo).
"""

from __future__ import annotations

import re

import pytest

from studykit.errors import SourceError
from studykit.extract import extract
from studykit.generate import read_posts
from studykit.sources.markdown import read_markdown_file

try:
    from tests.http_server import RouteServer
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from http_server import RouteServer

HTML = {"Content-Type": "text/html; charset=utf-8"}
# corpus/html file -> the path it is served under on the local server (the URL path is the
# series fallback when a page's title names none, as on the live site)
PAGES = {
    "time-series/gru.html": "/en/time-series/gru/",
    "standalone/position-encoding-brief.html": "/en/standalone/position-encoding-brief/",
    "kernel-methods/08-deep-kernels-vs-dl.html": "/en/kernel-methods/08-deep-kernels-vs-dl/",
}
MARKDOWN_TWIN = {
    "time-series/gru.html": "time-series/gru.md",
    "standalone/position-encoding-brief.html": "standalone/position-encoding-brief.md",
}


def norm(latex: str) -> str:
    return re.sub(r"\s+", " ", latex).strip()


@pytest.fixture(scope="module")
def served(corpus):
    """{corpus html file: (Post, url)} read over HTTP from a real local server."""
    routes = {path: (200, HTML, (corpus / "html" / name).read_bytes()) for name, path in PAGES.items()}
    server = RouteServer(routes)
    with server as base:
        urls = {name: base + path for name, path in PAGES.items()}
        posts, errors = read_posts(list(urls.values()))
    assert errors == []
    assert sorted(server.paths()) == sorted(PAGES.values())
    by_url = {p.url: p for p in posts}
    assert set(by_url) == set(urls.values())
    return {name: (by_url[url], url) for name, url in urls.items()}


def test_gru_page_title_series_and_part(served, corpus):
    post, url = served["time-series/gru.html"]
    md = read_markdown_file(corpus / "articles" / "time-series" / "gru.md")
    assert post.series == "Time Series Forecasting"
    assert post.part == 3
    assert post.title == md.title  # the same article, whichever path it came by
    assert post.url == url
    assert post.published is not None and post.published.utcoffset() is not None
    assert post.notes == []


def test_position_encoding_page_is_standalone(served, corpus):
    post, _ = served["standalone/position-encoding-brief.html"]
    md = read_markdown_file(corpus / "articles" / "standalone" / "position-encoding-brief.md")
    assert post.series == "Standalone"
    assert post.part is None
    assert post.title == md.title


def test_kernel_page_has_only_html_and_gets_its_series_from_the_title(served):
    post, _ = served["kernel-methods/08-deep-kernels-vs-dl.html"]
    assert post.series == "Kernel Methods"
    assert post.part == 8
    assert len(post.body.split()) > 1000  # the whole article, not a teaser


@pytest.mark.parametrize("name", list(PAGES))
def test_page_chrome_is_dropped(served, corpus, name):
    post, _ = served[name]
    assert "<script" not in post.body and "<footer" not in post.body and "<nav" not in post.body
    assert "site-footer" not in post.body
    # every display block of the page survives as $$...$$ in the body
    page = (corpus / "html" / name).read_text(encoding="utf-8")
    blocks = len(re.findall(r"<(?:span|div|p)\b[^>]*\bmath-block\b", page))
    assert blocks >= 2
    assert post.body.count("$$") >= 2 * blocks


@pytest.mark.parametrize("name, minimum", [
    ("time-series/gru.html", 5),
    ("standalone/position-encoding-brief.html", 3),
])
def test_web_path_extracts_the_same_display_formulas_as_markdown(served, corpus, nlp, name, minimum):
    post, _ = served[name]
    md_post = read_markdown_file(corpus / "articles" / MARKDOWN_TWIN[name])
    html_formulas = {norm(f.latex) for f in extract(post, nlp).formulas}
    md_formulas = {norm(f.latex) for f in extract(md_post, nlp).formulas}
    assert len(html_formulas) >= minimum, html_formulas
    missing = html_formulas - md_formulas
    assert not missing, f"formulas from the HTML page not found in the Markdown source: {missing}"


def test_http_error_on_a_corpus_url_is_reported_by_name(corpus):
    server = RouteServer({})
    with server as base:
        posts, errors = read_posts([base + "/en/time-series/gru/"])
    assert posts == []
    assert len(errors) == 1 and isinstance(errors[0], SourceError)
    assert errors[0].source == base + "/en/time-series/gru/"
