"""Property tests (Hypothesis) over what a server and a pipe can send (issue 14): random
bodies and headers served by a real HTTP server on 127.0.0.1 through
`studykit generate http://127.0.0.1:PORT/...`, and random bytes piped to
`studykit generate -`. Whatever comes in, the real CLI ends with exit 0 or 1, never a
traceback, and nothing it prints (cards, progress, errors) holds a control character, an
escape sequence or an invisible bidi/zero-width character."""

from __future__ import annotations

import codecs
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from studykit.cli import main
from tests.http_server import RouteServer

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060\ufeff"
ESCAPES = ["\x1b[2J", "\x1b]52;c;SGVsbG8=\x07", "\x1b[31m", "\x9b2J", "\x07", "\x00", "\r", "\x7f", "&#27;[2J",
           "&#x1b;]52;c;SGk=&#7;", "{{c1::", "}}"]
HOSTILE_TEXT = st.lists(st.one_of(st.characters(exclude_categories=("Cs",)),
                                  st.sampled_from([*INVISIBLE, *ESCAPES, " ", "\n", "\n\n"])),
                        max_size=40).map("".join)
SENTENCE = "The softmax function maps a vector of scores to probabilities that sum to one. "


def clean(text: str) -> bool:
    """No control character but tab and newline, no DEL or C1, no bidi or zero-width one."""
    return not any(c in INVISIBLE or (ord(c) < 32 and c not in "\t\n") or 0x7f <= ord(c) <= 0x9f
                   for c in text)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_survived(result: Result) -> None:
    """Exit 0 or 1 with no traceback; every card and every line printed is clean."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert clean(result.stderr), repr(result.stderr)
    for line in result.stdout.splitlines():
        card = json.loads(line)
        for text in strings(card):
            assert clean(text), repr(text)


def generate(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["generate", *args, "--format", "jsonl"], input=stdin)


# ---------------------------------------------------------------- documents

def html_page(title: str, series: str, body: str) -> str:
    return (f"<html><head><title>{title}</title><meta property='article:series' content='{series}'>"
            f"<meta property='article:published_time' content='{body[:30]}'></head>"
            f"<body><article><h1>{title}</h1><p>{SENTENCE}{body}</p><p>{SENTENCE}</p></article></body></html>")


def feed(title: str, body: str) -> str:
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>F</title><item><title>{title}</title>"
            f"<link>javascript:alert(1)</link><pubDate>{body[:20]}</pubDate>"
            f"<description><![CDATA[<p>{SENTENCE}{body}</p>]]></description></item></channel></rss>")


def markdown(title: str, series: str, body: str) -> str:
    return f"---\ntitle: {json.dumps(title)}\nseries: {json.dumps(series)}\n---\n# {title}\n\n{SENTENCE}{body}\n"


DOCUMENT = st.one_of(
    st.builds(html_page, HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_TEXT),
    st.builds(feed, HOSTILE_TEXT, HOSTILE_TEXT),
    st.builds(markdown, HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_TEXT),
    HOSTILE_TEXT,
)
ENCODINGS = ["utf-8", "utf-16", "utf-16-be", "utf-32", "latin-1", "cp1252", "shift_jis", "utf-7"]


def encoded(text: str, encoding: str) -> bytes:
    return codecs.encode(text, encoding, errors="replace")


BYTES = st.one_of(st.binary(max_size=300), st.builds(encoded, DOCUMENT, st.sampled_from(ENCODINGS)))


# ---------------------------------------------------------------- standard input

@settings(max_examples=30, deadline=None)
@given(data=BYTES)
# Once a traceback: YAML's escape for a lone surrogate, which UTF-8 cannot write.
@example(data=b'---\nseries: "\\ud800"\ntitle: "\\udfff"\n---\n' + SENTENCE.encode())
def test_any_bytes_piped_to_generate_dash(data: bytes) -> None:
    assert_survived(generate("-", "-q", stdin=data))


# ---------------------------------------------------------------- a server

CONTENT_TYPES = ["text/html", "application/rss+xml", "application/xml", "text/plain", "application/json",
                 "image/png", "application/octet-stream", "", "text/html; charset=utf-16",
                 "text/html; charset=bogus", "text/html; charset=idna", "text/html; charset=punycode",
                 "text/html; charset=undefined", "text/html; charset=unicode_escape", "text/html; charset=base64",
                 "text/html; charset=\x1b[2J"]
BAD_LOCATIONS = ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,<p>x</p>", "ftp://127.0.0.1/x",
                 "gopher://x", "//", "http://[::1", "\x1b[2J", "/r", "", "mailto:a@b"]


@st.composite
def replies(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["body", "body", "redirect", "truncated", "gzip", "status"]))
    headers = {"Content-Type": draw(st.sampled_from(CONTENT_TYPES))}
    extra = draw(st.dictionaries(st.sampled_from(["Content-Encoding", "Content-Language", "Retry-After",
                                                  "X-Title", "Link", "ETag", "Last-Modified"]),
                                 st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
                                 max_size=2))
    headers.update(extra)
    body = draw(BYTES)
    status = 200
    if kind == "redirect":
        status = draw(st.sampled_from([301, 302, 303, 307, 308]))
        headers["Location"] = draw(st.sampled_from(BAD_LOCATIONS))
    elif kind == "status":
        status = draw(st.sampled_from([204, 304, 400, 404, 410, 429, 500, 503, 999]))
    elif kind == "gzip":
        headers["Content-Encoding"] = draw(st.sampled_from(["gzip", "deflate", "br", "zstd", "x-bogus"]))
    return {"status": status, "headers": headers, "body": body, "truncated": kind == "truncated"}


class Replies:
    """The reply the server gives next, set by each example."""

    def __init__(self) -> None:
        self.reply: dict[str, Any] = {}
        self.lock = threading.Lock()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            reply = self.reply
        body = reply["body"]
        handler.send_response(reply["status"])
        for name, value in reply["headers"].items():
            handler.send_header(name, value)
        length = len(body) + (1000 if reply["truncated"] else 0)
        handler.send_header("Content-Length", str(length))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        try:
            handler.wfile.write(body)
        except OSError:
            pass  # the client hung up first (a refused Content-Type)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Replies]]:
    answer = Replies()
    with RouteServer({"/r": answer}) as base:
        yield base, answer


PAGE = html_page("Softmax", "Series", SENTENCE).encode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reply=replies())
# Once tracebacks: a body that is not the gzip its header says, a charset that cannot replace.
@example(reply={"status": 200, "headers": {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                "body": PAGE, "truncated": False})
@example(reply={"status": 200, "headers": {"Content-Type": "text/html; charset=idna"},
                "body": PAGE, "truncated": False})
# An escape codec as the charset: it read the page's backslashes as escapes (a warning, then garbage).
@example(reply={"status": 200, "headers": {"Content-Type": "text/html; charset=unicode_escape"},
                "body": b"\\\x01", "truncated": False})
def test_any_reply_from_a_server_through_generate(server: tuple[str, Replies], reply: dict[str, Any]) -> None:
    base, answer = server
    answer.reply = reply
    assert_survived(generate(base + "/r"))
