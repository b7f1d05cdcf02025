"""The build cache (studykit.cache) and what keys it: conditional requests against a real
HTTP server, a damaged cache file, the series memory kept between runs, and the
extractor version that invalidates cached claims."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from studykit import build
from studykit import build_versions
from studykit.cache import BuildCache, CachingFetcher
from studykit.cards import SeriesMemory
from studykit.cli import main
from studykit.errors import FetchError

try:
    from tests.http_server import RouteServer
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from http_server import RouteServer

PAGE = b"<html><head><title>A page</title></head><body><p>Hello.</p></body></html>"
STAMP = "Wed, 01 Jan 2025 10:00:00 GMT"


def last_modified_route(handler) -> None:
    """A server with Last-Modified only (no ETag)."""
    if handler.headers.get("If-Modified-Since") == STAMP:
        handler.reply(304, {}, b"")
    else:
        handler.reply(200, {"Content-Type": "text/html", "Last-Modified": STAMP}, PAGE)


def test_fetcher_revalidates_with_last_modified_and_reuses_the_body(tmp_path):
    server = RouteServer({"/page": last_modified_route,
                          "/plain": (200, {"Content-Type": "text/html"}, PAGE)})
    with server as base, BuildCache(tmp_path / "c.sqlite") as cache:
        first = CachingFetcher(cache)
        assert first(base + "/page").text == PAGE.decode()
        assert first(base + "/page") is first(base + "/page")  # once per run
        assert first.requests == 1
        second = CachingFetcher(cache)
        again = second(base + "/page")
        assert again.not_modified and again.text == PAGE.decode() and again.content == PAGE
        assert (second.requests, second.not_modified) == (1, 1)
        assert server.requests[-1].headers["if-modified-since"] == STAMP
        # Without a validator nothing is cached: the next run asks again, unconditionally.
        second(base + "/plain")
        CachingFetcher(cache)(base + "/plain")
        assert "if-modified-since" not in server.requests[-1].headers
        cold = CachingFetcher(cache, revalidate=False)
        assert not cold(base + "/page").not_modified
        assert "if-modified-since" not in server.requests[-1].headers
        # A failure is not retried within the run (two specs naming one dead feed wait once).
        before = len(server.requests)
        for _ in range(2):
            with pytest.raises(FetchError, match="HTTP 404"):
                cold(base + "/gone")
        assert len(server.requests) == before + 1


def test_a_damaged_cache_file_is_moved_aside(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with BuildCache(path) as cache:
        assert "could not be read" in cache.notes[0]
        cache.put_extraction("h", "v", {"claims": []})
    assert (tmp_path / "c.sqlite.broken").is_file()
    with BuildCache(path) as cache:
        assert cache.extraction("h", "v") == {"claims": []} and cache.notes == []


def test_series_memory_survives_the_cache():
    memory = SeriesMemory(claims=[{"adam", "optimizer"}, {"momentum"}], formulas={"a=b", "c"})
    data = json.loads(json.dumps(build.memory_data(memory)))
    assert build.memory_from_data(data) == memory
    assert build.memory_from_data(build.memory_data(SeriesMemory())) == SeriesMemory()


def test_a_new_extractor_version_extracts_again(tmp_path, nlp, monkeypatch):
    (tmp_path / "post.md").write_text("---\ntitle: Dropout\n---\n\n**Dropout** is a regularization "
                                      "technique that zeroes random activations. It was described "
                                      "in 2012.\n", encoding="utf-8")
    (tmp_path / "s.toml").write_text('sources = ["post.md"]\n[outputs]\njsonl = "s.jsonl"\n')

    def extracted() -> int:
        result = CliRunner().invoke(main, ["build", "--json", str(tmp_path / "s.toml")])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["posts_extracted"]

    assert extracted() == 1
    assert extracted() == 0
    monkeypatch.setattr(build_versions, "EXTRACTOR_VERSION", build_versions.EXTRACTOR_VERSION + "-next")
    build_versions.extractor_version.cache_clear()
    try:
        assert extracted() == 1
    finally:
        monkeypatch.undo()
        build_versions.extractor_version.cache_clear()


def test_filters_match_series_by_name_or_slug_and_dates_in_any_zone():
    from datetime import date, datetime, timedelta, timezone

    from studykit.deckspec import Filters

    f = Filters(include_series=["time-series forecasting"], exclude_series=[], since=date(2025, 1, 1))
    assert f.since == datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert f.keeps("Time Series Forecasting", None)  # undated posts pass
    assert f.keeps("Time Series Forecasting", datetime(2025, 1, 1))  # naive: UTC
    assert not f.keeps("Time Series Forecasting", datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=2))))
    assert not f.keeps("NLP", datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert not Filters(exclude_series=["NLP"]).keeps("nlp", None)
    assert Filters(since="2025-01-01T12:00:00+02:00").since == datetime(2025, 1, 1, 10, tzinfo=timezone.utc)
    options = Filters(kinds=["cloze", "qa"], max_cards_per_post=3, per_1k=5).card_options()
    assert (options.kinds, options.max_cards, options.per_1k_words) == (frozenset({"qa", "cloze"}), 3, 5)
