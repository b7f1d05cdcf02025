"""`studykit inspect`: what extraction found in each post and what became of it.

For every post: the formulas and claims found (every candidate card), each with its kind,
the ranker's value and the features that moved it most (name and amount), and either the
card it became or why it did not; for a cloze, the span it blanks, with the deletion
model's value and what moved it.
"""

from __future__ import annotations

from typing import Any

from studykit import ranker
from studykit.card_making import SUBTERM_KEY, card_id
from studykit.cards import Selection
from studykit.extract import Extraction
from studykit.generate import GenerateResult
from studykit.deletions import ranked_targets, span_features
from studykit.models import Card, CardKind, Claim, post_key


def report(result: GenerateResult) -> list[dict[str, Any]]:
    """One dict per post: the claims and formulas, each with its fate."""
    return [_post_report(e, s) for e, s in zip(result.extractions, result.selections)]


def _post_report(extraction: Extraction, selection: Selection) -> dict[str, Any]:
    post = extraction.post
    key = post_key(post)
    by_id = {c.id: c for c in selection.cards}

    def card_for(kinds: tuple[str, ...], content: str) -> Card | None:
        return next((by_id[i] for k in kinds if (i := card_id(key, k, content)) in by_id), None)

    model = ranker.load()
    formulas = []
    for f in extraction.formulas:
        card = card_for(("formula",), f.latex)
        paired = None if card else next(  # asked on its companion's card (cards.formula_pair_card)
            (c for c in selection.cards if c.kind == "formula" and f"$${f.latex}$$" in c.back), None)
        drill = card_for(("cloze",), SUBTERM_KEY + f.latex)
        shown = card or paired
        formulas.append({
            "latex": f.latex, "label": f.label, "section": f.section, "value": f.score,
            "because": _because(model, f.features),
            "card": shown.id if shown else None,
            "paired": bool(paired),
            "subterm_cloze": drill.id if drill else None,
            "why_not": "" if shown else (f.dropped.value if f.dropped else "not chosen"),
        })
    claims = []
    for c in sorted(extraction.claims, key=lambda c: c.position):
        card = card_for(("qa", "cloze"), c.sentence) if not c.dropped else None
        claims.append({
            "sentence": c.sentence, "kind": c.kind, "origin": c.origin.value,
            "value": c.score if not c.dropped or c.features else None,
            "because": _because(model, c.features),
            "section": c.section, "context": c.context,
            "card": {"id": card.id, "kind": card.kind} if card else None,
            "why_not": "" if card else (c.dropped.value if c.dropped else "not chosen"),
            "blank": _blank(c) if card and card.kind == CardKind.CLOZE else None,
        })
    return {
        "title": post.title, "series": post.series, "url": post.url, "words": extraction.words,
        "budget": selection.budget, "cards": len(selection.cards),
        "notes": list(post.notes), "formulas": formulas, "claims": claims,
    }


def _because(model: ranker.Model, features: dict[str, float]) -> list[dict[str, Any]]:
    """The features that moved a candidate's value most, with their amounts."""
    return [{"feature": name, "amount": amount} for name, amount in model.contributions(features)]


def _blank(claim: Claim) -> dict[str, Any] | None:
    """The span a cloze card blanks, its deletion-model value and what moved it."""
    spans = ranked_targets(claim)
    if not spans or spans[0] not in claim.target_features:
        return None
    model, features = ranker.load_deletion(), span_features(claim, spans[0])
    return {"span": spans[0], "value": round(model.value(features), 2), "because": _because(model, features),
            "others": spans[1:]}


def _reasons(because: list[dict[str, Any]]) -> str:
    return ", ".join(f"{b['feature']} {b['amount']:+.2f}" for b in because) or "-"


def render(posts: list[dict[str, Any]], show_dropped: bool = True) -> str:
    """The report as text for a terminal."""
    out: list[str] = []
    for p in posts:
        out.append(f"== {p['title']}  [{p['series']}]")
        out.append(f"   {p['words']} words, budget {p['budget']} cards, made {p['cards']}")
        out.extend(f"   note: {n}" for n in p["notes"])
        for f in p["formulas"]:
            mark = "CARD" if f["card"] else "skip"
            label = f["label"] or f["section"] or "(no label)"
            drill = "  (+ cloze on its key term)" if f.get("subterm_cloze") else ""
            drill += "  (asked together with the formula before it)" if f.get("paired") else ""
            out.append(f"   {mark} formula  {f['value']:5.2f}  {label}: {_short(f['latex'], 70)}{drill}")
            detail = _reasons(f["because"]) if f["card"] else f"{f['why_not']} (value from: {_reasons(f['because'])})"
            out.append(f"           {detail}")
        for c in p["claims"]:
            if not c["card"] and not show_dropped:
                continue
            mark = c["card"]["kind"].upper() if c["card"] else "skip"
            value = f"{c['value']:5.2f}" if c["value"] is not None else "    -"
            out.append(f"   {mark:7} {c['kind']:<10} {value}  {_short(c['sentence'], 90)}")
            detail = _reasons(c["because"]) if c["card"] else f"{c['why_not']} (value from: {_reasons(c['because'])})"
            out.append(f"           {detail}")
            if c.get("blank"):
                b = c["blank"]
                out.append(f"           blank {_short(b['span'], 40)!r} {b['value']:+.2f}: {_reasons(b['because'])}")
        out.append("")
    return "\n".join(out)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
