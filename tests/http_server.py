"""A small real HTTP server for tests (no mocks): routes in, recorded requests out.

    server = RouteServer({
        "/page": (200, {"Content-Type": "text/html"}, b"<p>hi</p>"),
        "/busy": [(429, {"Retry-After": "1"}, b""), (200, {...}, b"ok")],  # served in order, last repeats
        "/slow": lambda h: (time.sleep(2), h.reply(200, {}, b"late")),     # callable answers itself
    })
    with server as base_url:
        fetch(base_url + "/page")
    assert server.requests[0].headers["user-agent"].startswith("studykit/")

It is a `ThreadingHTTPServer` on 127.0.0.1, port 0, running in a daemon thread. Unknown paths
get a 404. Header names in recorded requests are lower-cased. A callable route gets the request
handler and answers with `handler.reply(status, headers, body)` or by writing to it directly
(then send `Connection: close` and set `handler.close_connection = True`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = tuple[int, Mapping[str, str], bytes]
Route = Reply | list[Reply] | Callable[[BaseHTTPRequestHandler], None]

_NO_BODY_STATUSES = {204, 304}


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]


class RouteServer:
    """Serve `routes` (path -> Route) while used as a context manager yielding the base URL."""

    def __init__(self, routes: Mapping[str, Route]) -> None:
        self.routes: dict[str, Route] = dict(routes)
        self.requests: list[RecordedRequest] = []
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> str:
        self._server = _Server(("127.0.0.1", 0), _make_handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True  # fast shutdown
        )
        self._thread.start()
        return self.base_url

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def _record(self, handler: BaseHTTPRequestHandler) -> Route | None:
        """Record the request and pick the route that answers it."""
        path = handler.path
        with self._lock:
            self.requests.append(
                RecordedRequest(handler.command, path, {k.lower(): v for k, v in handler.headers.items()})
            )
            key = path if path in self.routes else path.split("?", 1)[0]
            route = self.routes.get(key)
            if isinstance(route, list):
                index = self._served.get(key, 0)
                self._served[key] = index + 1
                route = route[min(index, len(route) - 1)]
        return route


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping must not hold up the test

    def handle_error(self, request, client_address) -> None:
        pass  # clients that time out on purpose close their socket; that is not a failure


def _make_handler(owner: RouteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            route = owner._record(self)
            if route is None:
                self.reply(404, {"Content-Type": "text/plain"}, b"not found")
            elif callable(route):
                route(self)
            else:
                self.reply(*route)

        def reply(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status not in _NO_BODY_STATUSES and not any(k.lower() == "content-length" for k in headers):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status not in _NO_BODY_STATUSES:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    return Handler


def trickle(chunk: bytes, times: int, every: float) -> Callable[[BaseHTTPRequestHandler], None]:
    """A route that sends a 200 HTML reply `chunk` by `chunk`, `times` times, one every
    `every` seconds: a server too slow for any deadline. A client that hangs up ends it."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        try:
            for _ in range(times):
                handler.wfile.write(chunk)
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            pass  # the client gave up: what a slow server is for

    return answer
