"""A blind reading of generated cards: draw the sheet, then tally the reader's verdicts.

    .venv/bin/python training/reading.py sheet SOURCES... --tag AV [--n 40] [--seed 1] [--skip IDS.json]
    .venv/bin/python training/reading.py tally AV [--labels]

`sheet` makes the cards of SOURCES as `studykit generate` does, draws `--n` of them at
random (seeded; `--skip` leaves out the card ids of earlier sheets) and writes
`<tag>.md`, one card per entry as the study app shows it (the context line, the front
with "[...]" for a blank, the back), and `<tag>.json` (the cards drawn, in order), in
`--out` (default: the current folder). The reader sees only the sheet and writes
`<tag>.txt`, one line per card:

    AV01 | keep|discard | reason | alt: <a better blank> or none or - | why

with a reason from `keep_filter.REASONS`. `tally` checks every line and prints how many
cards were kept, the discards by reason and the keep rate by post and by card kind. With
`--labels` it prints the verdicts as lines of `training/card_labels.jsonl` for the cards
of posts under `--shared` (their `article` is the path relative to it).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from keep_filter import REASONS, text_key, valid_label  # noqa: E402

from studykit.cloze import DELETION  # noqa: E402
from studykit.generate import generate  # noqa: E402

_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_VERDICT = re.compile(r"^(?P<tag>[A-Z]+\d+)\s*\|\s*(?P<label>keep|discard)\s*\|\s*(?P<reason>\w+)\s*\|"
                      r"\s*(?P<alt>[^|]*)\|\s*(?P<why>.*)$")


def _is_formula(card: dict) -> bool:
    """A formula card, or a formula's cloze: its back opens with the formula."""
    return card["kind"] == "formula" or card.get("claim_kind") == "formula"


def entry(tag: str, card: dict) -> str:
    """One card of the sheet, as the study app shows it (a sentence's cloze: its blanks for a back)."""
    blanks = [m[1] for m in DELETION.findall(card.get("cloze") or "")]
    back = card["back"] if _is_formula(card) or not blanks else "blank(s): " + " | ".join(blanks)
    return (f"### {tag} ({card['kind']})\nContext (shown above the card): {card['series']} › {card['post_title']}\n"
            f"Front: {card['front']}\nBack: {back}\n")


def sheet(sources: list[str], tag: str, n: int, seed: int, skip: set[str], out: Path) -> list[dict]:
    """Draw `n` cards of `sources` (none of `skip`) and write `<tag>.md` and `<tag>.json`."""
    cards = [json.loads(json.dumps(c.contract_dict())) for c in generate(sources).cards]  # as `--format jsonl` writes
    pool = [c for c in cards if c["id"] not in skip]
    if len(pool) < n:
        raise SystemExit(f"reading: only {len(pool)} cards to draw from, {n} asked for")
    drawn = random.Random(seed).sample(pool, n)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{tag}.md").write_text("\n".join(entry(f"{tag}{i:02d}", c) for i, c in enumerate(drawn, 1)), "utf-8")
    (out / f"{tag}.json").write_text(json.dumps(drawn, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return drawn


def verdicts(text: str, tag: str, count: int) -> list[dict]:
    """The reader's lines for `tag`, one per card in sheet order; a clear error for any other
    (an `alt:` may not hold a '|': the line would not split into its five fields)."""
    tags = [f"{tag}{i:02d}" for i in range(1, count + 1)]
    found: dict[str, dict] = {}
    for line in (raw.strip() for raw in text.splitlines()):
        if not line.startswith(tag) or line.startswith("KEPT"):
            continue
        m = _VERDICT.match(line)
        if m is None or not valid_label(m["label"], m["reason"]):
            raise SystemExit(f"reading: cannot read the verdict {line!r} (reasons: {', '.join(REASONS)})")
        if m["tag"] not in tags or m["tag"] in found:
            raise SystemExit(f"reading: {m['tag']} is {'twice' if m['tag'] in found else 'not on the sheet'}")
        found[m["tag"]] = m.groupdict()
    if missing := [t for t in tags if t not in found]:
        raise SystemExit(f"reading: no verdict for {', '.join(missing)}")
    return [found[t] for t in tags]


def tally(cards: list[dict], said: list[dict]) -> str:
    """Kept, discards by reason, keep rate by post and by kind."""
    kept = sum(v["label"] == "keep" for v in said)
    lines = [f"KEPT {kept}/{len(said)} ({kept / len(said):.0%})",
             "discards: " + ", ".join(f"{r} {k}" for r, k in Counter(
                 v["reason"] for v in said if v["label"] == "discard").most_common())]
    for name, key in (("post", "post_title"), ("kind", "kind")):
        groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for card, v in zip(cards, said):
            groups[card[key]][0] += 1
            groups[card[key]][1] += v["label"] == "keep"
        lines += [f"by {name}: {g}: {k}/{n}" for g, (n, k) in sorted(groups.items())]
    return "\n".join(lines)


def labels(cards: list[dict], said: list[dict], shared: Path) -> list[dict]:
    """The verdicts as card labels of the posts under `shared` (keyed as `keep_filter` keys them)."""
    rows = []
    for card, v in zip(cards, said):
        url = urlparse(card["post_url"])
        path = Path(unquote(url.path))
        if url.scheme != "file" or not path.is_relative_to(shared.resolve()):
            print(f"reading: no label for {card['id']}: {card['post_url']} is not under {shared}", file=sys.stderr)
            continue
        formula = _DISPLAY.match(card["back"].strip()) if _is_formula(card) else None
        text = formula.group(1) if formula else card["source_sentence"]  # a formula's cards: its (first) formula
        rows.append({"article": str(path.relative_to(shared.resolve())), "key": text_key(text),
                     "kind": card["kind"], "label": v["label"], "reason": v["reason"]})
    return rows


def _tag(text: str) -> str:
    if not re.fullmatch(r"[A-Z]+", text):
        raise argparse.ArgumentTypeError(f"{text!r}: capital letters only, e.g. AV")
    return text


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number of cards, at least 1")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    draw = sub.add_parser("sheet")
    draw.add_argument("sources", nargs="+")
    draw.add_argument("--tag", required=True, type=_tag)
    draw.add_argument("--n", type=_count, default=40)
    draw.add_argument("--seed", type=int, default=1)
    draw.add_argument("--skip", type=Path, action="append", default=[], help="a <tag>.json of an earlier sheet")
    draw.add_argument("--out", type=Path, default=Path("."))
    count = sub.add_parser("tally")
    count.add_argument("tag")
    count.add_argument("--out", type=Path, default=Path("."))
    count.add_argument("--labels", action="store_true")
    count.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    args = parser.parse_args(argv)
    if args.command == "sheet":
        skip = {c["id"] for f in args.skip for c in json.loads(f.read_text("utf-8"))}
        drawn = sheet(args.sources, args.tag, args.n, args.seed, skip, args.out)
        print(f"wrote {args.out / (args.tag + '.md')} ({len(drawn)} cards) and {args.out / (args.tag + '.json')}")
        return 0
    files = [args.out / f"{args.tag}.json", args.out / f"{args.tag}.txt"]
    if missing := [str(f) for f in files if not f.is_file()]:
        raise SystemExit(f"reading: no {' or '.join(missing)} (draw the sheet first; the reader writes the .txt)")
    drawn = json.loads(files[0].read_text("utf-8"))
    said = verdicts(files[1].read_text("utf-8"), args.tag, len(drawn))
    print(tally(drawn, said), file=sys.stderr if args.labels else sys.stdout)  # stdout: the labels alone
    for row in labels(drawn, said, args.shared) if args.labels else []:
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
