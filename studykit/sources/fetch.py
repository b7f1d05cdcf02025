"""A careful HTTP GET for article pages and feeds.

Owns: which URLs may be fetched (http/https only, on every redirect hop), redirect
following with loop and hop limits, conditional requests (ETag / Last-Modified),
polite retries on 429/503 with Retry-After, a hard cap on the body size, refusing binary
content, and decoding the body to text. Every failure is a `FetchError(url, reason, hint)`.
"""

from __future__ import annotations

import codecs
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

import httpx

from studykit import limits
from studykit.errors import FetchError

__all__ = ["USER_AGENT", "FetchResult", "Fetcher", "fetch"]


def _package_version() -> str:
    try:
        return version("studykit")
    except PackageNotFoundError:
        return "0.1"


USER_AGENT = f"studykit/{_package_version()} (+https://github.com/studykit/studykit)"
_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,text/*;q=0.8"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRYABLE = frozenset({429, 503})
_MAX_RETRIES = 2
_SNIFF_BYTES = 1024


@dataclass
class FetchResult:
    url: str
    status: int
    content: bytes
    text: str
    content_type: str
    etag: str | None
    last_modified: str | None
    not_modified: bool


# What loaders call to GET a URL: `fetch` itself, or a wrapper that adds conditional
# requests and a cache (see studykit.cache.CachingFetcher).
Fetcher = Callable[[str], FetchResult]


def fetch(
    url: str,
    *,
    timeout: float = 15.0,
    max_bytes: int = 10_000_000,
    max_redirects: int = 5,
    etag: str | None = None,
    last_modified: str | None = None,
    max_retry_wait: float = 10.0,
    client: httpx.Client | None = None,
    deadline: float = limits.RESPONSE_SECONDS,
) -> FetchResult:
    """GET `url` and return its decoded text, or raise FetchError saying what went wrong.
    `timeout` bounds each read; `deadline` the whole response."""
    _check_scheme(url, url)
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own_client = client is None
    client = client or httpx.Client(timeout=timeout, verify=_ssl_context())
    try:
        return _Fetch(client, url, headers, timeout, max_bytes, max_retry_wait, deadline).run(max_redirects)
    finally:
        if own_client:
            client.close()


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every fetch: loading the CA bundle takes ~45 ms, which
    dominated a feed of many articles when each fetch built its own."""
    return httpx.create_ssl_context()


def _check_scheme(original: str, target: str) -> None:
    scheme = target.split(":", 1)[0].lower() if ":" in target else ""
    if scheme in ("http", "https"):
        return
    where = "" if original == target else f" (redirected to {target})"
    raise FetchError(
        original,
        f"refusing to fetch a {scheme or 'scheme-less'} URL{where}",
        "only http:// and https:// URLs can be fetched; use a local path for files on disk",
    )


@dataclass
class _Fetch:
    """One fetch of `url`; `current` is the hop being requested. Errors always name `url`."""

    client: httpx.Client
    url: str
    headers: dict[str, str]
    timeout: float
    max_bytes: int
    max_retry_wait: float
    deadline: float
    started: float = 0.0  # when the current request began (monotonic seconds)

    def run(self, max_redirects: int) -> FetchResult:
        # Redirects are followed by hand so each hop's scheme is checked before it is requested.
        current, seen = self.url, {self.url}
        for _ in range(max_redirects + 1):
            result = self._with_retries(current)
            if isinstance(result, FetchResult):
                return result
            try:
                target = str(httpx.URL(current).join(result))
            except httpx.InvalidURL as exc:
                raise FetchError(self.url, f"invalid redirect target {result!r}", "the site is misconfigured") from exc
            _check_scheme(self.url, target)
            if target in seen:
                raise FetchError(self.url, f"redirect loop: {target} was already visited", "the site is misconfigured; open the link in a browser")
            seen.add(target)
            current = target
        raise FetchError(self.url, f"more than {max_redirects} redirects", "open the link in a browser and use the final URL")

    def _with_retries(self, current: str) -> FetchResult | str:
        """One hop: a FetchResult, or the Location to follow next."""
        for attempt in range(_MAX_RETRIES + 1):
            outcome = self._once(current)
            if not isinstance(outcome, float):
                return outcome
            if attempt < _MAX_RETRIES:
                time.sleep(min(outcome, self.max_retry_wait))
        raise FetchError(self.url, f"server still busy or rate limiting after {_MAX_RETRIES} retries", "try again later")

    def _once(self, current: str) -> FetchResult | str | float:
        """One request: a FetchResult, a Location (str) or a Retry-After delay in seconds (float)."""
        self.started = time.monotonic()
        try:
            with self.client.stream("GET", current, headers=self.headers, timeout=self.timeout, follow_redirects=False) as response:
                return self._handle(response)
        except httpx.TimeoutException as exc:
            raise FetchError(self.url, f"timed out after {self.timeout:g}s", "the server is slow or unreachable; try again later") from exc
        except httpx.DecodingError as exc:
            raise FetchError(self.url, f"the body could not be decoded as its Content-Encoding says ({exc})",
                             "the server sent a damaged compressed reply; try again later") from exc
        except httpx.RemoteProtocolError as exc:
            raise FetchError(self.url, f"the server broke off the response ({exc})",
                             "the reply was cut short or malformed; try again later") from exc
        except httpx.TransportError as exc:
            detail = str(exc) or type(exc).__name__
            raise FetchError(self.url, f"could not connect ({detail})", "check the URL and your network connection") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(self.url, f"invalid URL ({exc})", "check the link") from exc

    def _handle(self, response: httpx.Response) -> FetchResult | str | float:
        status = response.status_code
        if status in _REDIRECTS:
            if not response.headers.get("location"):
                raise FetchError(self.url, f"HTTP {status} redirect without a Location header", "the site is misconfigured")
            return response.headers["location"]
        if status in _RETRYABLE:
            delay = _retry_after(response.headers.get("retry-after"))
            if delay is not None:
                return delay
        if status == 304:
            result = _result(response, b"", "", not_modified=True)
            # Servers may omit validators on 304; the caller's still hold.
            result.etag = result.etag or self.headers.get("If-None-Match")
            result.last_modified = result.last_modified or self.headers.get("If-Modified-Since")
            return result
        if status >= 400:
            raise FetchError(self.url, f"HTTP {status} {response.reason_phrase}".strip(), _status_hint(status))
        content_type = response.headers.get("content-type", "")
        if content_type and not _is_textual(content_type):
            raise FetchError(self.url, f"not a text document (Content-Type: {content_type})", "studykit reads HTML pages and feeds only")
        content = self._read_capped(response)
        if _looks_binary(content, content_type):
            raise FetchError(self.url, "not a text document (the body looks binary)", "studykit reads HTML pages and feeds only")
        return _result(response, content, _decode(content, content_type), not_modified=False)

    def _read_capped(self, response: httpx.Response) -> bytes:
        too_big = FetchError(
            self.url, f"response is larger than the {self.max_bytes:,}-byte limit", "raise max_bytes if the page is really that big"
        )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise too_big
            if time.monotonic() - self.started > self.deadline:
                raise FetchError(self.url, f"the response took over {self.deadline:g}s "
                                 f"({len(body):,} bytes so far)", "the server is too slow; try again later")
        return bytes(body)


def _result(response: httpx.Response, content: bytes, text: str, *, not_modified: bool) -> FetchResult:
    return FetchResult(
        url=str(response.url),
        status=response.status_code,
        content=content,
        text=text,
        content_type=response.headers.get("content-type", ""),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        not_modified=not_modified,
    )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)


def _looks_binary(content: bytes, content_type: str) -> bool:
    """NUL bytes near the start mean binary, whatever the Content-Type says (UTF-16/32 aside)."""
    if b"\x00" not in content[:_SNIFF_BYTES]:
        return False
    header = _HEADER_CHARSET.search(content_type)
    wide = (header and header.group(1).lower().startswith(("utf-16", "utf-32"))) or content.startswith(
        (b"\xff\xfe", b"\xfe\xff"))
    return not wide


def _status_hint(status: int) -> str:
    if status in (404, 410):
        return "check the link: the page may have moved or been removed"
    if status in (401, 403):
        return "the page needs a login or refuses automated clients"
    if status == 429:
        return "the server is rate limiting; try again later"
    if status >= 500:
        return "the server had a problem; try again later"
    return "check the link"


def _is_textual(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return (
        mime.startswith("text/")
        or mime.endswith("/xml")
        or mime.endswith("+xml")
        or mime == "application/json"
        or mime.endswith("+json")
    )


_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_DOCUMENT_CHARSET = re.compile(
    r"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.I
)
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _decode(content: bytes, content_type: str) -> str:
    """Decode with the header charset, else the document's own declaration, else UTF-8."""
    bom = next((name for mark, name in _BOMS if content.startswith(mark)), None)
    header = _HEADER_CHARSET.search(content_type)
    declared = _DOCUMENT_CHARSET.search(content[:4096].decode("ascii", errors="replace"))
    candidates = [bom, header and header.group(1), declared and (declared.group(1) or declared.group(2)), "utf-8"]
    for name in candidates:
        if not name:
            continue
        if name.lower().replace("_", "-").startswith(("utf-16", "utf-32")) and not bom and b"\x00" not in content[:_SNIFF_BYTES]:
            continue  # a wrong label: UTF-16/32 text is full of NUL bytes, this is 8-bit text

        codec = _web_codec(name)
        if codec is None:
            continue  # unknown, or not a character set a page can be written in: next guess
        try:
            return content.decode(codec, errors="replace")
        except UnicodeError:
            continue  # a codec that cannot replace: next guess
    return content.decode("utf-8", errors="replace")


# Python codecs that decode something other than a page's characters: escapes, domain names,
# placeholders. A server naming one as its charset gets the next guess instead.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined",
                           "utf-7", "mbcs", "oem"})


def _web_codec(name: str) -> str | None:
    """The Python codec of a declared charset, or None when it is unknown or not a charset."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if info.name.replace("_", "-") in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name
