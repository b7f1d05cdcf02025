"""studykit.sources.fetch against a real local HTTP server (tests/http_server.py)."""

from __future__ import annotations

import socket
import time

import pytest

from studykit.errors import FetchError
from studykit.sources.fetch import USER_AGENT, FetchResult, fetch

try:
    from tests.http_server import RouteServer
except ImportError:  # tests/ is not importable as a package: pytest put it on sys.path instead
    from http_server import RouteServer

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = "<html><head><title>Kalman</title></head><body><p>Predict, then update — ü</p></body></html>".encode()


def test_200_html_is_decoded_and_described():
    server = RouteServer({"/post": (200, {**HTML, "ETag": '"v1"', "Last-Modified": "Tue, 01 Oct 2024 09:00:00 GMT"}, PAGE)})
    with server as base:
        result = fetch(base + "/post", timeout=5)
    assert isinstance(result, FetchResult)
    assert result.status == 200 and not result.not_modified
    assert result.url == base + "/post"
    assert result.content == PAGE
    assert "Predict, then update — ü" in result.text
    assert result.content_type.startswith("text/html")
    assert result.etag == '"v1"'
    assert result.last_modified == "Tue, 01 Oct 2024 09:00:00 GMT"
    assert server.requests[0].headers["user-agent"] == USER_AGENT


def test_conditional_request_returns_not_modified_on_304():
    server = RouteServer({"/post": (304, {"ETag": '"v1"'}, b"")})
    with server as base:
        result = fetch(base + "/post", etag='"v1"', last_modified="Tue, 01 Oct 2024 09:00:00 GMT", timeout=5)
    assert result.not_modified and result.status == 304
    assert result.content == b"" and result.text == ""
    assert result.etag == '"v1"'
    sent = server.requests[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 01 Oct 2024 09:00:00 GMT"


def test_no_conditional_headers_unless_asked():
    server = RouteServer({"/post": (200, HTML, PAGE)})
    with server as base:
        fetch(base + "/post", timeout=5)
    assert "if-none-match" not in server.requests[0].headers
    assert "if-modified-since" not in server.requests[0].headers


def test_redirects_are_followed_hop_by_hop():
    server = RouteServer({
        "/old": (301, {"Location": "/middle"}, b""),
        "/middle": (302, {"Location": "/new"}, b""),
        "/new": (200, HTML, PAGE),
    })
    with server as base:
        result = fetch(base + "/old", timeout=5)
    assert result.status == 200
    assert result.url == base + "/new"
    assert server.paths() == ["/old", "/middle", "/new"]


def test_redirect_loop_is_reported():
    server = RouteServer({"/a": (302, {"Location": "/b"}, b""), "/b": (302, {"Location": "/a"}, b"")})
    with server as base, pytest.raises(FetchError, match="redirect loop") as info:
        fetch(base + "/a", timeout=5)
    assert info.value.source == base + "/a"
    assert len(server.requests) == 2


def test_too_many_redirects():
    routes = {f"/r{i}": (302, {"Location": f"/r{i + 1}"}, b"") for i in range(10)}
    server = RouteServer(routes)
    with server as base, pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(base + "/r0", max_redirects=3, timeout=5)
    assert len(server.requests) == 4


def test_redirect_to_file_url_is_refused_before_following():
    server = RouteServer({"/sneaky": (302, {"Location": "file:///etc/passwd"}, b"")})
    with server as base, pytest.raises(FetchError, match="file") as info:
        fetch(base + "/sneaky", timeout=5)
    assert "http://" in info.value.hint
    assert server.paths() == ["/sneaky"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/notes.txt", "javascript:alert(1)", "example.org/post"])
def test_non_http_urls_are_refused_up_front(url):
    with pytest.raises(FetchError) as info:
        fetch(url)
    assert info.value.source == url
    assert "refusing" in info.value.reason
    assert info.value.hint


@pytest.mark.parametrize(("status", "hint_word"), [(404, "check the link"), (410, "check the link"), (500, "try again")])
def test_error_statuses_name_the_status(status, hint_word):
    server = RouteServer({"/x": (status, {"Content-Type": "text/plain"}, b"nope")})
    with server as base, pytest.raises(FetchError) as info:
        fetch(base + "/x", timeout=5)
    assert str(status) in info.value.reason
    assert hint_word in info.value.hint


def test_body_over_the_cap_is_refused_by_content_length():
    body = b"a" * 2_000_000
    server = RouteServer({"/big": (200, {"Content-Type": "text/plain"}, body)})
    with server as base, pytest.raises(FetchError, match="1,000,000-byte limit"):
        fetch(base + "/big", max_bytes=1_000_000, timeout=5)


def test_body_over_the_cap_is_refused_while_streaming():
    def no_length(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        for _ in range(40):
            handler.wfile.write(b"b" * 50_000)

    server = RouteServer({"/stream": no_length})
    with server as base, pytest.raises(FetchError, match="1,000,000-byte limit"):
        fetch(base + "/stream", max_bytes=1_000_000, timeout=5)


def test_body_at_the_cap_is_fine():
    server = RouteServer({"/ok": (200, {"Content-Type": "text/plain"}, b"c" * 1000)})
    with server as base:
        assert len(fetch(base + "/ok", max_bytes=1000, timeout=5).content) == 1000


def test_binary_content_type_is_refused():
    server = RouteServer({"/cover.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n\x00\x00")})
    with server as base, pytest.raises(FetchError, match="image/png"):
        fetch(base + "/cover.png", timeout=5)


def test_binary_body_without_content_type_is_refused():
    server = RouteServer({"/blob": (200, {}, b"\x00\x01\x02binary\x00" * 10)})
    with server as base, pytest.raises(FetchError, match="binary"):
        fetch(base + "/blob", timeout=5)


@pytest.mark.parametrize("content_type", ["application/rss+xml", "application/xml", "application/json", "text/plain"])
def test_textual_content_types_are_accepted(content_type):
    server = RouteServer({"/doc": (200, {"Content-Type": content_type}, b"<rss/>")})
    with server as base:
        assert fetch(base + "/doc", timeout=5).text == "<rss/>"


def test_429_with_retry_after_is_retried():
    server = RouteServer({"/busy": [(429, {"Retry-After": "1"}, b""), (200, HTML, PAGE)]})
    start = time.monotonic()
    with server as base:
        result = fetch(base + "/busy", timeout=5)
    assert result.status == 200
    assert time.monotonic() - start >= 0.9
    assert server.paths() == ["/busy", "/busy"]


def test_retry_wait_is_bounded_and_retries_are_limited():
    server = RouteServer({"/busy": (503, {"Retry-After": "3600"}, b"")})
    start = time.monotonic()
    with server as base, pytest.raises(FetchError, match="after 2 retries"):
        fetch(base + "/busy", max_retry_wait=0.5, timeout=5)
    elapsed = time.monotonic() - start
    assert 0.9 <= elapsed < 3
    assert len(server.requests) == 3


def test_retry_after_as_http_date_in_the_past_retries_at_once():
    server = RouteServer({"/busy": [(429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, b""), (200, HTML, PAGE)]})
    start = time.monotonic()
    with server as base:
        assert fetch(base + "/busy", timeout=5).status == 200
    assert time.monotonic() - start < 1


def test_429_without_retry_after_fails_at_once():
    server = RouteServer({"/busy": (429, {}, b"")})
    with server as base, pytest.raises(FetchError, match="429"):
        fetch(base + "/busy", timeout=5)
    assert len(server.requests) == 1


def test_timeout_is_reported():
    server = RouteServer({"/slow": lambda handler: (time.sleep(2), handler.reply(200, HTML, PAGE))})
    start = time.monotonic()
    with server as base, pytest.raises(FetchError, match=r"timed out after 0.5s"):
        fetch(base + "/slow", timeout=0.5)
    assert time.monotonic() - start < 1.8


def test_connection_refused_is_reported():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect") as info:
        fetch(f"http://127.0.0.1:{port}/post", timeout=2)
    assert info.value.hint


def test_unknown_charset_falls_back_to_utf8():
    server = RouteServer({"/odd": (200, {"Content-Type": "text/html; charset=no-such-charset"}, PAGE)})
    with server as base:
        assert "— ü" in fetch(base + "/odd", timeout=5).text


@pytest.mark.parametrize("charset", ["unicode_escape", "raw-unicode-escape", "utf-7", "undefined"])
def test_a_codec_that_is_not_a_charset_is_not_used(charset):
    # unicode_escape would read the page's backslashes as escapes: "\\u00e9" became "é"
    body = "<p>LaTeX: $\\alpha$ and \\u00e9, caf\u00e9 +AGEAYgBj-</p>".encode()
    server = RouteServer({"/p": (200, {"Content-Type": f"text/html; charset={charset}"}, body)})
    with server as base:
        assert fetch(base + "/p", timeout=5).text == body.decode("utf-8")


def test_latin1_charset_from_header():
    body = "<p>Le filtre de Kálmán: café</p>".encode("latin-1")
    server = RouteServer({"/fr": (200, {"Content-Type": "text/html; charset=ISO-8859-1"}, body)})
    with server as base:
        assert "Kálmán: café" in fetch(base + "/fr", timeout=5).text


def test_charset_from_meta_and_xml_declaration():
    html = '<html><head><meta charset="iso-8859-1"></head><body>café</body></html>'.encode("latin-1")
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>café</title></rss>'.encode("latin-1")
    server = RouteServer({"/h": (200, {"Content-Type": "text/html"}, html), "/x": (200, {"Content-Type": "application/rss+xml"}, xml)})
    with server as base:
        assert "café" in fetch(base + "/h", timeout=5).text
        assert "café" in fetch(base + "/x", timeout=5).text


def test_invalid_bytes_are_replaced_not_fatal():
    server = RouteServer({"/bad": (200, {"Content-Type": "text/plain; charset=utf-8"}, b"ok \xff\xfe end")})
    with server as base:
        text = fetch(base + "/bad", timeout=5).text
    assert text.startswith("ok ") and text.endswith(" end") and "\ufffd" in text
