"""The largest page and feed studykit reads within its limits: bytes, seconds, peak memory.

Serves on 127.0.0.1 (a real HTTP server, tests/http_server.py):

- a page just under the fetch size cap (`fetch`'s `max_bytes`, 10,000,000 bytes by
  default): paragraphs of prose up to the cap, read with `load_source(url)`;
- a feed of `--entries` entries (default 2,000), each with a few paragraphs of
  `content:encoded`, whose links all fail (404) so every entry falls back to the feed's own
  text: the feed is fetched, parsed and every entry converted, without 2,000 page fetches;
- one page 1 byte over the cap, to show it is refused by the limit.

Then the whole generation (spaCy and card selection) on hostile posts written to a
temporary folder: one paragraph of 2.5 MB, 40,000 short paragraphs (4.2 MB), 10,000
headings, a 726-byte YAML alias bomb; and a real article of ../shared/corpus repeated 1, 2,
4 and 8 times in one post, to show the cost grows linearly with a post's size (up to the
post budget of `studykit.limits`).

Each case runs in a fresh child interpreter so its peak RSS (`VmHWM`, or ru_maxrss) is its
own.

    .venv/bin/python benchmarks/limits.py            # plain report
    .venv/bin/python benchmarks/limits.py --json     # one JSON object
    .venv/bin/python benchmarks/limits.py --no-posts # the source stage only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
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

PEAK_KIB = textwrap.dedent("""
    import resource

    def peak_kib():
        try:
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
""")

CHILD = PEAK_KIB + textwrap.dedent("""
    import json, sys, time
    from studykit.errors import SourceError
    from studykit.sources.load import load_source

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


GENERATE_CHILD = PEAK_KIB + textwrap.dedent("""
    import json, sys, time
    from studykit.generate import generate

    t0 = time.perf_counter()
    result = generate([sys.argv[1]])
    print(json.dumps({"seconds": time.perf_counter() - t0, "cards": len(result.cards),
                      "posts": len(result.posts), "errors": [str(e) for e in result.errors],
                      "notes": [n for p in result.posts for n in p.notes],
                      "peak_rss_kib": peak_kib()}))
""")
SENTENCE = "The {0} layer number {1} maps the query to a key in {2}."


def _sentence(i: int) -> str:
    words = ["attention", "gradient", "network", "weight", "value"]
    return SENTENCE.format(words[i % 5], i, 1900 + i % 120)


# Posts that once broke or stalled a run: name -> (file name, its text when asked for).
HOSTILE_POSTS = {
    "one paragraph, 2.5 MB": ("one.html", lambda: "<html><head><title>One</title></head><body><article><p>"
                              + " ".join(_sentence(i) for i in range(43_000)) + "</p></article></body></html>"),
    "40,000 paragraphs": ("many.html", lambda: "<html><head><title>Many</title></head><body><article>"
                          + "".join(f"<p>{_sentence(i)} It is short.</p>" for i in range(40_000))
                          + "</article></body></html>"),
    "10,000 headings": ("headings.md", lambda: "---\ntitle: Headings\n---\n"
                        + "".join(f"## Heading {i}\n\n{_sentence(i)}\n\n" for i in range(10_000))),
    "YAML alias bomb": ("bomb.md", lambda: "---\na: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
        + "---\nSome body text.\n"),
}


def hostile_post(folder: Path, name: str) -> Path:
    """One post of `HOSTILE_POSTS`, written to `folder`."""
    file, text = HOSTILE_POSTS[name]
    (folder / file).write_text(text(), encoding="utf-8")
    return folder / file


def hostile_posts(folder: Path) -> dict[str, Path]:
    """Every post that once broke or stalled a run, written to `folder`."""
    return {name: hostile_post(folder, name) for name in HOSTILE_POSTS}


def scaled_article(folder: Path) -> dict[int, Path]:
    """The longest Markdown article of the shared corpus, its body repeated 1, 2, 4, 8 times."""
    corpus = REPO.parent / "shared" / "corpus" / "articles"
    if not corpus.is_dir():
        return {}
    article = max(corpus.rglob("*.md"), key=lambda p: p.stat().st_size)
    _, front, body = article.read_text(encoding="utf-8").split("---", 2)
    out = {}
    for times in (1, 2, 4, 8):
        path = folder / f"article-x{times}.md"
        path.write_text(f"---{front}---\n" + "\n\n".join([body] * times), encoding="utf-8")
        out[times] = path
    return out


def run_generate(path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", GENERATE_CHILD, str(path)], capture_output=True,
                         text=True, env=env, check=True, timeout=1800)
    return {"bytes": path.stat().st_size, **json.loads(out.stdout)}


def post_report(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hostile = {name: run_generate(path) for name, path in hostile_posts(folder).items()}
        scaled = {times: run_generate(path) for times, path in scaled_article(folder).items()}
    return {"hostile": hostile, "scaled": scaled}


def print_posts(report: dict) -> None:
    print("\ngeneration of hostile posts (each in a fresh interpreter, model load included):")
    for name, r in report["hostile"].items():
        said = (r["notes"] or r["errors"] or [""])[0]
        print(f"  {name:>22}: {r['bytes']:>10,} bytes, {r['seconds']:6.1f} s, peak RSS "
              f"{r['peak_rss_kib'] / 1024:5.0f} MiB, {r['cards']} cards; {said[:110]}")
    if report["scaled"]:
        base = report["scaled"][1]["seconds"]
        print("a real article repeated in one post (cost should grow linearly):")
        for times, r in report["scaled"].items():
            print(f"  x{times}: {r['bytes']:>9,} bytes, {r['seconds']:6.1f} s ({r['seconds'] / base:4.2f}x), "
                  f"peak RSS {r['peak_rss_kib'] / 1024:5.0f} MiB, {r['cards']} cards")


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
    parser.add_argument("--no-posts", action="store_true", help="skip the generation cases")
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
    if not args.no_posts:
        report["posts"] = post_report(args)

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
    if "posts" in report:
        print_posts(report["posts"])


if __name__ == "__main__":
    main()
