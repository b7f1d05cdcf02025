"""Speed of the Anki export beside bare genanki.

Usage (from the repo root, with the project's venv):

    .venv/bin/python benchmarks/anki_export.py [--cards 10000] [--repeat 3] [--json]

Synthesises `--cards` cards (100 per post, 5 series; half question/answer, 30 % cloze,
20 % formula; inline and display math, `**bold**`, cloze deletions on math) and prints:

1. **studykit**: `studykit.anki.export_apkg` end to end (field HTML: math to MathJax,
   emphasis, escaping, nh3 sanitizing; tags, decks, GUIDs, per-note mod times; the
   package built in memory and written atomically, deflate-compressed).
2. **field HTML only**: `to_anki_note` over every card, the part of (1) genanki does not do.
3. **bare genanki**: the same cards as genanki notes of the same note types with the raw
   text as fields (no conversion, no sanitizing), same decks and GUIDs, written with
   `genanki.Package.write_to_file` (uncompressed zip): the floor any genanki export pays.
4. **ratio**: (1) / (3), and the package sizes.

Each figure is the best and median of `--repeat` runs (time.perf_counter). It prints
figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import genanki  # noqa: E402

from studykit.anki import BASIC_MODEL, CLOZE_MODEL, deck_id, deck_name, export_apkg, to_anki_note  # noqa: E402
from studykit.models import Card  # noqa: E402

SERIES = ["Time Series Forecasting", "NLP", "Optimization Methods", "Deep Learning", "Probability"]
TIMESTAMP = 1_736_500_000.0


def synthesise(n: int) -> list[Card]:
    """`n` cards that look like studykit's: every kind, math everywhere."""
    cards = []
    for i in range(n):
        post = i // 100
        series = SERIES[post % len(SERIES)]
        title = f"Part {post}: Gated Units and the $\\beta$ Schedule"
        slug = series.lower().replace(" ", "-")
        common = dict(series=series, post_title=title, post_url=f"https://blog.example.org/{slug}/part-{post}/",
                      deck=series, source_sentence="", claim_kind="definition")
        kind = "qa" if i % 10 < 5 else "cloze" if i % 10 < 8 else "formula"
        tags = [f"series::{slug}", f"post::part-{post}", f"kind::{kind}"]
        if kind == "qa":
            card = Card(id=f"{i:016x}", kind="qa", tags=tags, **common,
                        front=f"[Gates] What does the **update gate** $z_t = \\sigma(W_z x_t + U_z h_{{t-1}})$ "
                              f"decide in cell {i}?",
                        back="How much of the previous state $h_{t-1}$ is kept, *per unit*.")
        elif kind == "cloze":
            sentence = (f"In {1990 + i % 30}, the {{{{c1::$\\ell_{{2}}$ penalty}}}} on $w_{{i,j}}$ was paired "
                        f"with {{{{c2::weight decay $\\lambda_{{t_{{k}} }}$}}}} for model {i}.")
            card = Card(id=f"{i:016x}", kind="cloze", tags=tags, **common, cloze=sentence,
                        front=sentence.replace("{{c1::", "").replace("{{c2::", "").replace("}}", ""),
                        back=sentence.replace("{{c1::", "").replace("{{c2::", "").replace("}}", ""))
        else:
            card = Card(id=f"{i:016x}", kind="formula", tags=tags, **common,
                        front=f"Attention: what is the formula for scaled dot-product attention {i}?",
                        back="$$\\mathrm{Attention}(Q,K,V) = \\mathrm{softmax}\\left(\\frac{QK^\\top}"
                             "{\\sqrt{d_k}}\\right) V$$\nScaling by $\\sqrt{d_k}$ keeps the *logits* small.")
        cards.append(card)
    return cards


def bare_genanki(cards: list[Card], path: Path) -> None:
    """The same cards through genanki alone: raw text as fields, no studykit logic."""
    decks: dict[str, genanki.Deck] = {}
    for card in cards:
        name = deck_name(card)
        deck = decks.get(name) or decks.setdefault(name, genanki.Deck(deck_id(name), name))
        if card.kind == "cloze":
            note = genanki.Note(model=CLOZE_MODEL, fields=[card.cloze, "", card.series, card.post_url],
                                tags=card.tags, guid=genanki.guid_for(card.id))
        else:
            note = genanki.Note(model=BASIC_MODEL, fields=[card.front, card.back, card.series, card.post_url],
                                tags=card.tags, guid=genanki.guid_for(card.id))
        deck.add_note(note)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # raw text such as `a<b` makes genanki warn about HTML
        genanki.Package(list(decks.values())).write_to_file(str(path), timestamp=TIMESTAMP)


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()

    cards = synthesise(args.cards)
    with tempfile.TemporaryDirectory() as tmp:
        ours, bare = Path(tmp) / "studykit.apkg", Path(tmp) / "genanki.apkg"
        old_tempdir, tempfile.tempdir = tempfile.tempdir, tmp  # genanki leaves its temporary database behind
        try:
            summaries = []
            t_ours = timed(lambda: summaries.append(export_apkg(cards, ours, timestamp=TIMESTAMP)), args.repeat)
            t_fields = timed(lambda: [to_anki_note(c) for c in cards], args.repeat)
            t_bare = timed(lambda: bare_genanki(cards, bare), args.repeat)
        finally:
            tempfile.tempdir = old_tempdir
        size_ours, size_bare = ours.stat().st_size, bare.stat().st_size
    summary = summaries[-1]
    best = {"studykit": min(t_ours), "fields": min(t_fields), "genanki": min(t_bare)}
    median = {"studykit": statistics.median(t_ours), "fields": statistics.median(t_fields),
              "genanki": statistics.median(t_bare)}
    figures = {
        "cards": len(cards), "notes": summary.notes, "anki_cards": summary.cards_expected,
        "decks": len(summary.decks), "repeat": args.repeat,
        "best_s": best, "median_s": median,
        "cards_per_s_studykit": len(cards) / best["studykit"],
        "ratio_studykit_to_genanki": best["studykit"] / best["genanki"],
        "ratio_median": median["studykit"] / median["genanki"],
        "size_bytes": {"studykit": size_ours, "genanki": size_bare},
        "python": platform.python_version(), "cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"Python {figures['python']}, {figures['cpus']} CPU(s), load average {figures['load_average']:.2f}")
    print(f"{figures['cards']:,} cards -> {figures['notes']:,} notes, {figures['anki_cards']:,} Anki cards, "
          f"{figures['decks']} decks; best / median of {args.repeat}")
    print(f"  studykit export_apkg   {best['studykit']:7.3f} s / {median['studykit']:7.3f} s   "
          f"({figures['cards_per_s_studykit']:,.0f} cards/s)")
    print(f"  field HTML only        {best['fields']:7.3f} s / {median['fields']:7.3f} s   "
          f"({1e6 * best['fields'] / len(cards):.0f} us per card)")
    print(f"  bare genanki           {best['genanki']:7.3f} s / {median['genanki']:7.3f} s")
    print(f"  ratio studykit/genanki {figures['ratio_studykit_to_genanki']:7.2f} x (median "
          f"{figures['ratio_median']:.2f} x)")
    print(f"  package size           {size_ours / 1e6:.2f} MB (deflate) vs {size_bare / 1e6:.2f} MB (genanki, stored)")


if __name__ == "__main__":
    main()
