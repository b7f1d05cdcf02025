"""RSS/Atom feeds (studykit.sources.feed via load_source): real files in tmp_path and a real
HTTP server on 127.0.0.1 (tests/http_server.py)."""

from __future__ import annotations

import shutil
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest

from studykit.errors import SourceError
from studykit.models import Post
from studykit.sources.load import load_source

try:
    from tests.conftest import DATA, FIXTURES
    from tests.http_server import RouteServer
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA, FIXTURES
    from http_server import RouteServer

UTC = timezone.utc
HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
CANARY = "CANARY-7f3a9 this text must never be read through a feed link"


def closed_port_url(path: str = "/post/") -> str:
    """An http URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def rss(items: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Test Notes</title>
    <link>https://notes.example/</link>
    <description>Feed written by the tests.</description>
{items}
  </channel>
</rss>
"""


def item(title: str, link: str | None, *, date: str = "", categories: tuple[str, ...] = (),
         description: str = "") -> str:
    parts = [f"<title>{title}</title>"]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    parts += [f"<category>{c}</category>" for c in categories]
    if description:
        parts.append(f"<description>{_escape(description)}</description>")
    return "    <item>" + "".join(parts) + "</item>"


def _escape(html: str) -> str:
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def load(source: str | Path) -> list[Post | SourceError]:
    return list(load_source(str(source)))


def posts_by_title(items) -> dict[str, Post]:
    return {p.title: p for p in items if isinstance(p, Post)}


@pytest.fixture
def blog(tmp_path) -> Path:
    """A local blog folder: the two hand-written fixture articles under posts/."""
    root = tmp_path / "blog"
    (root / "posts").mkdir(parents=True)
    for name in ("heat-equation.md", "bloom-filters.html"):
        shutil.copy(FIXTURES / "articles" / name, root / "posts" / name)
    return root


# ------------------------------------------------------------------ local feeds

def test_local_rss_entries_link_to_local_md_and_html(blog):
    feed = blog / "feed.xml"
    feed.write_text(rss("\n".join([
        item("Numerical PDEs (2): The Heat Equation", "posts/heat-equation.md",
             date="Tue, 14 May 2024 08:00:00 +0000", categories=("Physics", "PDE"),
             description="<p>Short summary of the heat post.</p>"),
        item("Data Structures (4): Bloom Filters", "posts/bloom-filters.html",
             date="Sun, 02 Jun 2024 10:00:00 +0000", categories=("Hashing",),
             description="<p>Short summary of the Bloom post.</p>"),
    ])), encoding="utf-8")
    items = load(feed)
    assert all(isinstance(i, Post) for i in items), items
    posts = posts_by_title(items)
    assert set(posts) == {"Numerical PDEs (2): The Heat Equation", "Data Structures (4): Bloom Filters"}

    heat = posts["Numerical PDEs (2): The Heat Equation"]
    assert heat.series == "Numerical PDEs" and heat.part == 2
    assert heat.published == datetime(2024, 5, 14, 8, 0, tzinfo=UTC)
    assert {"Physics", "PDE"} <= set(heat.tags)
    assert "Crank" in heat.body and "Short summary" not in heat.body  # the full article
    assert r"\frac{\partial u}{\partial t}" in heat.body
    assert heat.url == (blog / "posts" / "heat-equation.md").resolve().as_uri()
    assert heat.notes == []

    bloom = posts["Data Structures (4): Bloom Filters"]
    assert bloom.series == "Data Structures" and bloom.part == 4
    assert bloom.published == datetime(2024, 6, 2, 10, 0, tzinfo=UTC)
    assert "Hashing" in bloom.tags
    assert "Cassandra" in bloom.body and "Copyright" not in bloom.body  # article, not chrome
    assert r"k^{*} = \frac{m}{n} \ln 2" in bloom.body
    assert bloom.notes == []


def test_local_atom_feed(blog):
    feed = blog / "atom.xml"
    feed.write_text("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Test Notes</title>
  <id>urn:test:notes</id>
  <updated>2024-06-02T10:00:00Z</updated>
  <entry>
    <title>Data Structures (4): Bloom Filters</title>
    <link href="posts/bloom-filters.html"/>
    <id>urn:test:bloom</id>
    <published>2024-06-02T10:00:00Z</published>
    <updated>2024-06-03T10:00:00Z</updated>
    <category term="Hashing"/>
    <category term="Probability"/>
    <summary>A short summary.</summary>
  </entry>
  <entry>
    <title>Graph Search (1): Breadth-First Search</title>
    <link href="%s"/>
    <id>urn:test:bfs</id>
    <updated>2024-07-01T12:00:00Z</updated>
    <category term="Graphs"/>
    <summary>Summary of BFS.</summary>
    <content type="html">&lt;p&gt;Breadth-first search visits vertices in order of their distance from the source, using a FIFO queue.&lt;/p&gt;</content>
  </entry>
</feed>
""" % closed_port_url("/en/graph-search/bfs/"), encoding="utf-8")
    posts = posts_by_title(load(feed))
    assert set(posts) == {"Data Structures (4): Bloom Filters", "Graph Search (1): Breadth-First Search"}

    bloom = posts["Data Structures (4): Bloom Filters"]
    assert "Cassandra" in bloom.body  # the local file behind the relative link
    assert {"Hashing", "Probability"} <= set(bloom.tags)
    assert bloom.series == "Data Structures" and bloom.part == 4
    assert bloom.published == datetime(2024, 6, 2, 10, 0, tzinfo=UTC)

    bfs = posts["Graph Search (1): Breadth-First Search"]
    assert bfs.series == "Graph Search" and bfs.part == 1
    assert bfs.published == datetime(2024, 7, 1, 12, 0, tzinfo=UTC)  # <updated> when no <published>
    assert bfs.tags == ["Graphs"]
    assert "FIFO queue" in bfs.body  # the entry's content wins over its shorter summary
    assert len(bfs.notes) == 1 and "full article unavailable" in bfs.notes[0]


@pytest.mark.parametrize("link", ["../secret.md", "../../etc/passwd", "posts/../../secret.md"])
def test_relative_link_escaping_the_feed_folder_is_refused(blog, link):
    (blog.parent / "secret.md").write_text(f"---\ntitle: Secret\n---\n{CANARY}\n", encoding="utf-8")
    feed = blog / "feed.xml"
    feed.write_text(rss(item("Escaping Entry", link, categories=("X",),
                             description="<p>The feed's own summary stands in.</p>")), encoding="utf-8")
    items = load(feed)
    assert len(items) == 1 and isinstance(items[0], Post), items
    post = items[0]
    assert CANARY not in post.body and "root:" not in post.body
    assert "feed's own summary stands in" in post.body
    assert post.title == "Escaping Entry"
    assert post.tags == ["X"]
    assert len(post.notes) == 1
    assert "full article unavailable" in post.notes[0] and "refused" in post.notes[0]


def test_file_url_links_are_refused(blog):
    secret = blog / "posts" / "secret.md"  # inside the feed's folder, yet file:// is still refused
    secret.write_text(f"---\ntitle: Secret\n---\n{CANARY}\n", encoding="utf-8")
    feed = blog / "feed.xml"
    feed.write_text(rss(item("File Link Entry", secret.resolve().as_uri(),
                             description="<p>Summary of the file link entry.</p>")), encoding="utf-8")
    items = load(feed)
    assert len(items) == 1 and isinstance(items[0], Post), items
    post = items[0]
    assert CANARY not in post.body
    assert "Summary of the file link entry" in post.body
    assert any("file" in n and "refused" in n for n in post.notes), post.notes


def test_percent_encoded_relative_link_finds_the_local_file(blog):
    (blog / "posts" / "my post.md").write_text("---\ntitle: Spaced Post\n---\nThe spaced body text.\n",
                                               encoding="utf-8")
    feed = blog / "feed.xml"
    feed.write_text(rss(item("Spaced Post", "posts/my%20post.md", description="<p>Summary.</p>")),
                    encoding="utf-8")
    [post] = load(feed)
    assert isinstance(post, Post)
    assert "The spaced body text." in post.body
    assert post.notes == []


def test_missing_local_file_falls_back_to_summary(blog):
    feed = blog / "feed.xml"
    feed.write_text(rss(item("Gone Post", "posts/not-there.md",
                             description="<p>Only the summary is left.</p>")), encoding="utf-8")
    [post] = load(feed)
    assert isinstance(post, Post)
    assert post.body.strip() == "Only the summary is left."
    assert len(post.notes) == 1 and "full article unavailable" in post.notes[0]


def test_http_404_falls_back_to_the_feed_text_with_a_note(blog):
    server = RouteServer({})  # every path is a 404
    with server as base:
        feed = blog / "feed.xml"
        feed.write_text(rss(item(
            "Queues (2): Little's Law", base + "/en/queues/littles-law/",
            date="Mon, 01 Jul 2024 09:00:00 +0000", categories=("Queueing",),
            description="<p>Little's law says that <strong>L = λW</strong> holds for every stable queue.</p>",
        )), encoding="utf-8")
        items = load(feed)
    assert server.paths() == ["/en/queues/littles-law/"]  # it really tried the link
    assert len(items) == 1 and isinstance(items[0], Post), items
    post = items[0]
    assert "holds for every stable queue" in post.body
    assert "<strong>" not in post.body  # the HTML summary became text
    assert post.title == "Queues (2): Little's Law"
    assert post.series == "Queues" and post.part == 2
    assert post.published == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
    assert post.tags == ["Queueing"]
    assert post.url == base + "/en/queues/littles-law/"
    assert len(post.notes) == 1
    assert "full article unavailable" in post.notes[0] and "404" in post.notes[0]


def test_connection_refused_falls_back_to_the_feed_text_with_a_note(blog):
    link = closed_port_url("/en/queues/littles-law/")
    feed = blog / "feed.xml"
    feed.write_text(rss(item("Little's Law", link,
                             description="<p>Little's law relates queue length and waiting time.</p>")),
                    encoding="utf-8")
    items = load(feed)
    assert len(items) == 1 and isinstance(items[0], Post), items
    post = items[0]
    assert "relates queue length and waiting time" in post.body
    assert len(post.notes) == 1
    assert "full article unavailable" in post.notes[0] and "connect" in post.notes[0]


def test_entry_without_text_and_a_failing_link_is_a_source_error(blog):
    link = closed_port_url("/en/empty/")
    feed = blog / "feed.xml"
    feed.write_text(rss("\n".join([
        item("Entry Without Text", link),
        item("Entry With Text", closed_port_url("/en/other/"), description="<p>Some words.</p>"),
    ])), encoding="utf-8")
    items = load(feed)
    errors = [i for i in items if isinstance(i, SourceError)]
    posts = [i for i in items if isinstance(i, Post)]
    assert len(items) == 2 and len(errors) == 1 and len(posts) == 1, items
    error = errors[0]
    assert error.source == link
    assert "Entry Without Text" in str(error)
    assert posts[0].title == "Entry With Text"


def test_entry_without_link_and_without_text_is_a_source_error(blog):
    feed = blog / "feed.xml"
    feed.write_text(rss(item("Linkless", None)), encoding="utf-8")
    items = load(feed)
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert "Linkless" in str(items[0])


@pytest.mark.parametrize("layout", ["self", "mutual"])
def test_local_feed_linking_back_to_a_feed_does_not_recurse(tmp_path, layout):
    first = tmp_path / "feed.xml"
    target = "feed.xml" if layout == "self" else "other.xml"
    first.write_text(rss(item("Loop", target, description="<p>The loop's own summary.</p>")), encoding="utf-8")
    if layout == "mutual":
        (tmp_path / "other.xml").write_text(
            rss(item("Loop Back", "feed.xml", description="<p>Back again.</p>")), encoding="utf-8")
    items = load(first)  # must end, with no exception
    assert len(items) == 1, items
    assert isinstance(items[0], (Post, SourceError))


# ------------------------------------------------------------------ feeds over HTTP

def test_http_feed_links_to_article_pages_on_the_same_server():
    bloom_page = (FIXTURES / "articles" / "bloom-filters.html").read_bytes()
    adam_page = (DATA / "posts" / "optimization-methods" / "02-momentum-and-adam.html").read_bytes()
    routes = {
        "/en/data-structures/bloom-filters/": (200, HTML, bloom_page),
        "/en/optimization/momentum-and-adam/": (200, HTML, adam_page),
    }
    server = RouteServer(routes)
    with server as base:
        bloom_summary = "<p>A Bloom filter answers membership queries.</p>"
        adam_summary = "<p>Momentum and Adam in one paragraph.</p>"
        server.routes["/index.xml"] = (200, RSS, rss("\n".join([
            item("Data Structures (4): Bloom Filters", base + "/en/data-structures/bloom-filters/",
                 date="Sun, 02 Jun 2024 10:00:00 +0000", categories=("Hashing",), description=bloom_summary),
            item("Optimization Methods (2): Momentum and Adam", base + "/en/optimization/momentum-and-adam/",
                 date="Tue, 18 Nov 2025 09:00:00 +0000", categories=("Optimizers",), description=adam_summary),
            item("Vanished Post", base + "/en/gone/", description="<p>Only this summary survives.</p>"),
        ])).encode())
        items = load(base + "/index.xml")
    assert set(server.paths()) == {"/index.xml", "/en/data-structures/bloom-filters/",
                                   "/en/optimization/momentum-and-adam/", "/en/gone/"}
    assert all(isinstance(i, Post) for i in items), items
    posts = posts_by_title(items)
    assert len(posts) == 3

    bloom = posts["Data Structures (4): Bloom Filters"]
    assert bloom.url == base + "/en/data-structures/bloom-filters/"
    assert bloom.series == "Data Structures" and bloom.part == 4
    assert "Hashing" in bloom.tags
    assert bloom.notes == []
    assert len(bloom.body) > 10 * len(bloom_summary)
    assert "Cassandra" in bloom.body and "All rights reserved" not in bloom.body

    adam = posts["Optimization Methods (2): Momentum and Adam"]
    assert adam.notes == []
    assert adam.series == "Optimization Methods" and adam.part == 2
    assert len(adam.body) > 10 * len(adam_summary)

    gone = posts["Vanished Post"]
    assert gone.body.strip() == "Only this summary survives."
    assert len(gone.notes) == 1 and "404" in gone.notes[0]


def test_http_feed_with_relative_link_is_not_read_from_disk(tmp_path, monkeypatch):
    """A remote feed's non-http link must never be opened as a local file."""
    (tmp_path / "secret.md").write_text(f"---\ntitle: Secret\n---\n{CANARY}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    server = RouteServer({"/index.xml": (200, RSS, rss(item(
        "Relative", "secret.md", description="<p>Summary text.</p>")).encode())})
    with server as base:
        items = load(base + "/index.xml")
    assert len(items) == 1, items
    assert not (isinstance(items[0], Post) and CANARY in items[0].body)


# ------------------------------------------------------------------ not a feed

@pytest.mark.parametrize("name, content", [
    ("garbage.xml", '<?xml version="1.0"?>\n<not-closed <<< &&& >>>'),
    ("truncated.xml", '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                      "<title>Broken</title><description>unterminated"),
    ("plain.rss", "hello, this is not XML at all\n"),
    ("empty.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'),
])
def test_malformed_or_empty_feed_file_gives_one_source_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    items = load(path)
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert items[0].source == str(path)
    assert "\n" not in str(items[0])


def test_html_page_given_as_a_feed_gives_one_source_error(tmp_path):
    path = tmp_path / "feed.xml"
    shutil.copy(FIXTURES / "articles" / "bloom-filters.html", path)
    items = load(path)
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert items[0].source == str(path)
    assert "feed" in items[0].reason


def test_malformed_feed_over_http_gives_one_source_error():
    server = RouteServer({"/index.xml": (200, RSS, b'<?xml version="1.0"?>\n<rss version="2.0"><channel><<<')})
    with server as base:
        items = load(base + "/index.xml")
    assert len(items) == 1 and isinstance(items[0], SourceError), items
    assert items[0].source == base + "/index.xml"


def test_sample_feed_reads_every_local_article():
    """The bundled sample: 7 entries, each the full local article, none a fallback."""
    items = load(DATA / "feed.xml")
    assert len(items) == 7
    assert all(isinstance(i, Post) and not i.notes for i in items), items
    assert {p.series for p in items} == {"Signal Processing", "Optimization Methods", "Standalone"}
    for post in items:
        assert len(post.body) > 1500, post.title  # far longer than any feed description
        assert post.url.startswith("file://")
