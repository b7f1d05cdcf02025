"""The largest page and feed studykit reads within its limits: bytes, seconds, peak memory.

Serves on 127.0.0.1 (a real HTTP server, tests/http_server.py):

- a page just under the fetch size cap (`fetch`'s `max_bytes`, 10,000,000 bytes by
  default): paragraphs of prose up to the cap, read with `load_source(url)`;
- a feed of `--entries` entries (default 2,000), each with a few paragraphs of
  `content:encoded`, whose links all fail (404) so every entry falls back to the feed's own
  text: the feed is fetched, parsed and every entry converted, without 2,000 page fetches;
- one page 1 byte over the cap, to show it is refused by the limit.

Each case runs in a fresh child interpreter so its peak RSS (`VmHWM`, or ru_maxrss) is its
own. No NLP runs: this measures the source stage (fetch, parse, extraction to Markdown).

    .venv/bin/python benchmarks/limits.py            # plain report
    .venv/bin/python benchmarks/limits.py --json     # one JSON object
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from studykit.sources.fetch import fetch  # noqa: E402
from tests.http_server import RouteServer  # noqa: E402

MAX_BYTES = fetch.__kwdefaults__["max_bytes"]
PARAGRAPH = (
    "<p>Attention is a mechanism that weights the values by the similarity of the queries and "
    "the keys; the transformer, introduced by Vaswani and colleagues in 2017, stacks it with "
    "feed-forward layers, and $\\mathrm{softmax}(QK^\\top/\\sqrt{d_k})V$ is its core.</p>\n"
)

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from studykit.errors import SourceError
    from studykit.sources.load import load_source

    def peak_kib():
        try:
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    url = sys.argv[1]
    base = peak_kib()
    t0 = time.perf_counter()
    items = list(load_source(url))
    seconds = time.perf_counter() - t0
    posts = [i for i in items if not isinstance(i, SourceError)]
    errors = [str(i) for i in items if isinstance(i, SourceError)]
    print(json.dumps({"seconds": seconds, "posts": len(posts), "errors": len(errors),
                      "first_error": errors[0] if errors else "",
                      "body_chars": sum(len(p.body) for p in posts),
                      "peak_rss_kib": peak_kib(), "rss_after_import_kib": base}))
""")


def big_page(limit: int) -> bytes:
    head = b"<html><head><title>The largest page</title></head><body><article><h1>Largest</h1>\n"
    tail = b"</article></body></html>\n"
    para = PARAGRAPH.encode()
    n = (limit - len(head) - len(tail)) // len(para)
    body = head + para * n + tail
    return body + b" " * (limit - len(body))  # exactly `limit` bytes


def big_feed(entries: int) -> bytes:
    items = []
    for i in range(entries):
        content = PARAGRAPH * 4
        items.append(
            f"<item><title>Entry {i}</title><link>/missing/{i}</link>"
            f"<pubDate>Mon, 02 Mar 2026 12:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Big</title>'
            + "".join(items) + "</channel></rss>").encode()


def run_child(url: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", CHILD, url], capture_output=True, text=True,
                         env=env, check=True, timeout=900)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000, help="feed entries (default 2000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    page, feed, over = big_page(MAX_BYTES), big_feed(args.entries), big_page(MAX_BYTES + 1)
    html = {"Content-Type": "text/html; charset=utf-8"}
    routes = {"/page": (200, html, page), "/over": (200, html, over),
              "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, feed)}
    report = {"max_bytes": MAX_BYTES, "load_average": os.getloadavg()}
    with RouteServer(routes) as base:
        report["page"] = {"bytes": len(page), **run_child(base + "/page")}
        report["feed"] = {"bytes": len(feed), "entries": args.entries, **run_child(base + "/feed.xml")}
        report["over_cap"] = {"bytes": len(over), **run_child(base + "/over")}

    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"fetch size cap: {MAX_BYTES:,} bytes; load average {report['load_average'][0]:.2f}")
    for name in ("page", "feed", "over_cap"):
        r = report[name]
        extra = f", {r['entries']} entries" if name == "feed" else ""
        outcome = (f"{r['posts']} post(s), {r['body_chars']:,} body chars" if r["posts"]
                   else f"refused: {r['first_error']}")
        print(f"{name:>8}: {r['bytes']:>12,} bytes{extra} in {r['seconds']:.2f} s, peak RSS "
              f"{r['peak_rss_kib'] / 1024:.0f} MiB (after imports {r['rss_after_import_kib'] / 1024:.0f} MiB); "
              f"{outcome}")


if __name__ == "__main__":
    main()
