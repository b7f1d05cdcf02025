"""studykit.sources.load.load_source: folders, files, URLs and the errors each can give."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studykit.errors import SourceError
from studykit.models import Post
from studykit.sources.load import load_source

try:
    from tests.conftest import FIXTURES
    from tests.http_server import RouteServer
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import FIXTURES
    from http_server import RouteServer

HTML = {"Content-Type": "text/html; charset=utf-8"}


def load(source: str | Path) -> list[Post | SourceError]:
    return list(load_source(str(source)))


def md(title: str, text: str = "Some prose.") -> str:
    return f"---\ntitle: {title}\n---\n\n{text}\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    """A Hugo-like content folder with posts, section indexes, readmes and hidden folders."""
    root = tmp_path / "content"
    (root / "posts" / "pdes").mkdir(parents=True)
    (root / "posts" / "structures").mkdir(parents=True)
    shutil.copy(FIXTURES / "articles" / "heat-equation.md", root / "posts" / "pdes" / "heat-equation.md")
    shutil.copy(FIXTURES / "articles" / "bloom-filters.html", root / "posts" / "structures" / "bloom-filters.html")
    (root / "posts" / "queues.markdown").write_text(md("Queues"), encoding="utf-8")
    # not posts:
    (root / "README.md").write_text(md("Readme Not A Post"), encoding="utf-8")
    (root / "posts" / "_index.md").write_text(md("Section Index"), encoding="utf-8")
    (root / "posts" / "CHANGELOG.md").write_text(md("Changelog"), encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "notes.md").write_text(md("Git Internal"), encoding="utf-8")
    (root / "posts" / ".drafts").mkdir()
    (root / "posts" / ".drafts" / "draft.md").write_text(md("Hidden Draft"), encoding="utf-8")
    (root / "posts" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / "posts" / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return root


def test_folder_reads_md_and_html_and_skips_the_rest(folder):
    items = load(folder)
    assert all(isinstance(i, Post) for i in items), items
    titles = sorted(p.title for p in items)
    assert titles == ["Data Structures (4): Bloom Filters", "Numerical PDEs (2): The Heat Equation", "Queues"]
    bloom = next(p for p in items if p.title.startswith("Data Structures"))
    assert "Cassandra" in bloom.body
    assert bloom.url == (folder / "posts" / "structures" / "bloom-filters.html").resolve().as_uri()


def test_folder_inside_a_dot_folder_is_still_read(tmp_path):
    root = tmp_path / ".config" / "blog"
    root.mkdir(parents=True)
    (root / "one.md").write_text(md("One"), encoding="utf-8")
    assert [p.title for p in load(root)] == ["One"]


def test_bad_file_in_a_folder_is_reported_and_the_rest_is_read(tmp_path):
    (tmp_path / "good.md").write_text(md("Good Post"), encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [broken\n---\nBody.\n", encoding="utf-8")
    items = load(tmp_path)
    posts = [i for i in items if isinstance(i, Post)]
    errors = [i for i in items if isinstance(i, SourceError)]
    assert [p.title for p in posts] == ["Good Post"]
    assert len(errors) == 1 and errors[0].source == str(bad)


def test_folder_without_posts_is_a_source_error(tmp_path):
    (tmp_path / "README.md").write_text(md("Readme"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("plain text", encoding="utf-8")
    items = load(tmp_path)
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert items[0].source == str(tmp_path)


def test_missing_path_is_a_source_error_naming_it(tmp_path):
    missing = tmp_path / "no-such-post.md"
    items = load(missing)
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert items[0].source == str(missing)
    assert str(missing) in str(items[0])


def test_load_source_yields_errors_instead_of_raising(tmp_path):
    gen = load_source(str(tmp_path / "missing"))
    first = next(gen)  # must not raise
    assert isinstance(first, SourceError)
    with pytest.raises(StopIteration):
        next(gen)


@pytest.mark.parametrize("name, content", [
    ("notes.txt", "Plain notes, not Markdown, HTML or a feed.\n"),
    ("table.csv", "a,b\n1,2\n"),
    ("config.json", '{"title": "not a post"}\n'),
])
def test_unsupported_file_type_is_a_source_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    items = load(path)
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert items[0].source == str(path)
    assert "not a Markdown, HTML or feed file" in items[0].reason


def test_binary_file_of_unknown_type_is_refused(tmp_path):
    path = tmp_path / "archive.bin"
    path.write_bytes(bytes(range(256)) * 4)
    items = load(path)
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert "binary" in items[0].reason


def test_html_content_with_an_unknown_suffix_is_read_as_a_page(tmp_path):
    path = tmp_path / "saved-page.txt"
    shutil.copy(FIXTURES / "articles" / "bloom-filters.html", path)
    items = load(path)
    assert len(items) == 1 and isinstance(items[0], Post), items
    assert items[0].title == "Data Structures (4): Bloom Filters"


def test_feed_content_with_an_unknown_suffix_is_read_as_a_feed(tmp_path):
    (tmp_path / "a.md").write_text(md("Linked Post", "The linked article body."), encoding="utf-8")
    path = tmp_path / "feed.txt"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                    "<item><title>Linked Post</title><link>a.md</link></item></channel></rss>",
                    encoding="utf-8")
    items = load(path)
    assert len(items) == 1 and isinstance(items[0], Post), items
    assert "The linked article body." in items[0].body


@pytest.mark.parametrize("url", [
    "ftp://example.org/post.md",
    "file:///etc/passwd",
    "gopher://example.org/1/post",
])
def test_url_that_is_not_http_is_a_source_error(url):
    items = load(url)
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert items[0].source == url
    assert "http" in items[0].reason
    assert "root:" not in str(items[0])


def test_http_url_of_an_article_page(tmp_path):
    page = (FIXTURES / "articles" / "bloom-filters.html").read_bytes()
    server = RouteServer({"/en/data-structures/bloom-filters/": (200, HTML, page)})
    with server as base:
        items = load(base + "/en/data-structures/bloom-filters/")
    assert len(items) == 1 and isinstance(items[0], Post), items
    post = items[0]
    assert post.title == "Data Structures (4): Bloom Filters"
    assert post.url == base + "/en/data-structures/bloom-filters/"
    assert post.source == base + "/en/data-structures/bloom-filters/"
    assert "Cassandra" in post.body and "Related posts" not in post.body


def test_http_url_that_fails_is_a_source_error_naming_it():
    server = RouteServer({})
    with server as base:
        items = load(base + "/missing/")
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert items[0].source == base + "/missing/"
    assert "404" in items[0].reason
