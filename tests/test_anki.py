"""Anki export, checked by Anki itself: packages and TSV files imported into real collections."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import genanki
import pytest

from studykit.anki import (
    BASIC_NOTETYPE,
    CLOZE_NOTETYPE,
    deck_id,
    export_apkg,
    export_tsv,
    note_guid,
)
from studykit.errors import StudykitError
from studykit.field_html import field_html
from studykit.outputs import atomic_write
from studykit.models import Card

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions
ImportCsvRequest = anki_collection.ImportCsvRequest

T0 = datetime(2025, 1, 10, 12, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=3)
NLP_URL = "https://blog.example.org/nlp/attention/"


def card(id: str, kind: str = "qa", *, front: str = "Q?", back: str = "A", cloze: str | None = None,
         series: str = "NLP", title: str = "Attention Is All You Need", url: str = NLP_URL) -> Card:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return Card(id=id, kind=kind, front=front, back=back, cloze=cloze, series=series, post_title=title,
                post_url=url, deck=series, tags=[f"series::{series.lower().replace(' ', '-')}",
                                                 f"post::{slug}", f"kind::{kind}"])


def first_post() -> list[Card]:
    return [
        card("qa1", front="What does $\\text{softmax}(x_i)$ normalise?", back="The **scores** $s_{ij}$"),
        card("cz1", "cloze", front="The [...] was proposed by [...].", back="The GRU was proposed by Cho in 2014.",
             cloze="The {{c1::GRU}} was proposed by Cho in {{c2::2014}}."),
        card("fm1", "formula", front="Attention: what is the formula for scaled dot-product attention?",
             back="$$\\mathrm{Attention}(Q, K, V) = \\mathrm{softmax}\\left(\\frac{QK^T}{\\sqrt{d_k}}\\right)V\n$$\n"
                  "Scaling by $\\sqrt{d_k}$ keeps the logits small."),
    ]


def second_post() -> list[Card]:
    kw = {"series": "Time Series Forecasting", "title": "ARIMA Basics", "url": "https://blog.example.org/ts/arima/"}
    return [card("ts1", front="What does the I in ARIMA stand for?", back="Integrated", **kw),
            card("ts2", "cloze", back="ARIMA models difference the series.",
                 cloze="ARIMA models {{c1::difference}} the series.", **kw)]


def import_apkg(col, path: Path):
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def notes_by_guid(col) -> dict:
    return {n.guid: n for n in (col.get_note(nid) for nid in col.find_notes(""))}


@pytest.fixture
def col(tmp_path):
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def test_package_imports_with_decks_tags_mathjax_and_one_card_per_cloze_number(tmp_path, col):
    summary = export_apkg(first_post(), tmp_path / "nlp.apkg", updated_at=dict.fromkeys(["qa1", "cz1", "fm1"], T0))
    log = import_apkg(col, summary.path)

    assert (len(log.new), col.note_count(), col.card_count()) == (3, 3, 4)  # c1 + c2 = two cards
    assert (summary.notes, summary.cards_expected, summary.decks) == (3, 4, ("Studykit::NLP",))
    assert "Studykit::NLP" in {d.name for d in col.decks.all_names_and_ids()}
    notes = notes_by_guid(col)
    qa, cz, fm = (notes[note_guid(i)] for i in ("qa1", "cz1", "fm1"))
    assert qa.note_type()["name"] == BASIC_NOTETYPE and cz.note_type()["name"] == CLOZE_NOTETYPE
    assert qa["Front"] == "What does \\(\\text{softmax}(x_i)\\) normalise?"
    assert qa["Back"] == "The <b>scores</b> \\(s_{ij}\\)"
    assert qa["Context"] == "NLP · Attention Is All You Need"
    assert f'<a href="{NLP_URL}"' in qa["Source"]
    assert cz["Text"] == "The {{c1::GRU}} was proposed by Cho in {{c2::2014}}."
    assert sorted(qa.tags) == ["kind::qa", "post::attention-is-all-you-need", "series::nlp"]
    assert "kind::cloze" in cz.tags
    # Formula: the display formula on one line, then the explanation.
    assert re.fullmatch(r"\\\[\\mathrm\{Attention\}\(Q, K, V\) = [^\n<]*\\\]Scaling by \\\(\\sqrt\{d_k\}\\\) "
                        r"keeps the logits small\.", fm["Back"]), fm["Back"]
    # Anki itself renders the deletions: c1 hides the GRU, c2 the year.
    questions = sorted(c.question() for c in cz.cards())
    assert any("[...]" in q and "2014" in q and "GRU" not in q.split("sk-question")[1] for q in questions)
    assert all(c.did == col.decks.id_for_name("Studykit::NLP") for c in cz.cards())


def test_reexport_updates_changed_notes_adds_new_ones_and_keeps_review_history(tmp_path, col):
    cards = first_post()
    import_apkg(col, export_apkg(cards, tmp_path / "v1.apkg", updated_at=dict.fromkeys(["qa1", "cz1", "fm1"], T0),
                                 timestamp=T0).path)
    notes = notes_by_guid(col)
    reviewed = notes[note_guid("cz1")].cards()[0]
    reviewed.start_timer()
    col.sched.answerCard(reviewed, 3)
    card_ids = {c.id for n in notes.values() for c in n.cards()}
    assert col.db.scalar("select count() from revlog where cid = ?", reviewed.id) == 1

    cards[0] = cards[0].model_copy(update={"back": "The normalised scores"})  # qa1's text changed
    updated = {"qa1": T1, "cz1": T0, "fm1": T0, "ts1": T1, "ts2": T1}
    log = import_apkg(col, export_apkg(cards + second_post(), tmp_path / "v2.apkg", updated_at=updated).path)

    assert (len(log.updated), len(log.new), len(log.duplicate)) == (1, 2, 2)
    assert (col.note_count(), col.card_count()) == (5, 6)  # nothing duplicated
    notes = notes_by_guid(col)
    assert notes[note_guid("qa1")]["Back"] == "The normalised scores"
    assert notes[note_guid("ts2")]["Text"] == "ARIMA models {{c1::difference}} the series."
    assert "Studykit::Time Series Forecasting" in {d.name for d in col.decks.all_names_and_ids()}
    assert "series::time-series-forecasting" in notes[note_guid("ts1")].tags
    assert card_ids <= {c.id for n in notes.values() for c in n.cards()}  # the old cards are the same cards
    again = col.get_card(reviewed.id)
    assert again.reps == 1 and again.type != 0  # still reviewed, not new again
    assert col.db.scalar("select count() from revlog where cid = ?", reviewed.id) == 1


def test_a_change_without_a_newer_mod_time_is_refused_by_anki(tmp_path, col):
    cards = first_post()
    import_apkg(col, export_apkg(cards, tmp_path / "v1.apkg", updated_at=dict.fromkeys(["qa1"], T0)).path)
    cards[0] = cards[0].model_copy(update={"back": "changed"})
    log = import_apkg(col, export_apkg(cards, tmp_path / "v2.apkg", updated_at={"qa1": T0}).path)
    assert notes_by_guid(col)[note_guid("qa1")]["Back"] != "changed"  # same mod: Anki keeps its note
    assert len(log.duplicate) >= 1
    log = import_apkg(col, export_apkg(cards, tmp_path / "v3.apkg").path)  # default mod: now
    assert notes_by_guid(col)[note_guid("qa1")]["Back"] == "changed"
    assert col.note_count() == 3


def test_post_level_decks_and_stable_deck_ids(tmp_path, col):
    summary = export_apkg(first_post() + second_post(), tmp_path / "p.apkg", deck_root="Blogs::Reading",
                          post_level=True)
    import_apkg(col, summary.path)
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {"Blogs::Reading::NLP::Attention Is All You Need",
            "Blogs::Reading::Time Series Forecasting::ARIMA Basics"} <= names
    assert summary.decks == ("Blogs::Reading::NLP::Attention Is All You Need",
                             "Blogs::Reading::Time Series Forecasting::ARIMA Basics")
    assert deck_id("Studykit::NLP") == deck_id("Studykit::NLP") != deck_id("Studykit::NLP::Other")


def test_hostile_html_never_reaches_a_note_field(tmp_path, col):
    hostile = ('<script>alert("x")</script><iframe src="https://evil.example/">frame</iframe>'
               '<style>body{display:none}</style><img src=x onerror=alert(1)>'
               '<a href="javascript:alert(2)">click</a><b onclick="steal()">bold</b> text')
    cards = [card("h1", front=hostile + " $a<b$?", back=hostile, title="Evil <script>x()</script> post",
                  url="javascript:alert(3)"),
             card("h2", "cloze", back="x", cloze="The {{c1::" + hostile + "}} is here " + hostile),
             card("h3", front="`<script>run()</script>` and <SCRIPT SRC=//evil.example/x.js></SCRIPT>",
                  back="<svg onload=alert(4)><script>y()</script></svg>ok", series="<i onmouseover=z()>S</i>")]
    import_apkg(col, export_apkg(cards, tmp_path / "h.apkg").path)
    fields = [f for n in notes_by_guid(col).values() for f in n.fields]
    assert len(fields) == 12
    for field in fields:
        low = field.lower()
        for bad in ("<script", "script>", "<iframe", "<style", "<svg", "<img", "onerror", "onclick", "onload",
                    "onmouseover", "javascript:", "alert(", "evil.example"):
            assert bad not in low, (bad, field)
        for tag in re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)([^>]*)>", field):
            assert tag[0] in {"b", "i", "code", "br", "a"}, field
            assert re.fullmatch(r'(\s+(href="https?://[^"]*"|rel="noopener noreferrer"))*', tag[1]), field
    assert not [t for n in notes_by_guid(col).values() for t in n.tags if "<" in t or ">" in t]
    assert not [d.name for d in col.decks.all_names_and_ids() if "<" in d.name or "onmouseover" in d.name]
    h1 = notes_by_guid(col)[note_guid("h1")]
    assert h1["Front"].endswith("text \\(a&lt;b\\)?")  # prose kept, math kept (escaped)
    assert h1["Source"] == ""


def test_cloze_math_braces_are_split_and_anki_makes_the_right_cards(tmp_path, col):
    written_by_cards_py = "Set {{c1::$w_{t_{i} }$}} and {{c2::$\\hat{y}_{t}$}} by {{c3::Adam}}."
    unsplit = "Then {{c1::$\\frac{a}{b_{i}}$}} and $x^{y^{z}}$ outside."
    cards = [card("m1", "cloze", back="x", cloze=written_by_cards_py),
             card("m2", "cloze", back="x", cloze=unsplit)]
    summary = export_apkg(cards, tmp_path / "m.apkg")
    import_apkg(col, summary.path)
    notes = notes_by_guid(col)
    m1, m2 = notes[note_guid("m1")], notes[note_guid("m2")]
    assert m1["Text"] == "Set {{c1::\\(w_{t_{i} }\\)}} and {{c2::\\(\\hat{y}_{t}\\)}} by {{c3::Adam}}."
    assert m2["Text"] == "Then {{c1::\\(\\frac{a}{b_{i} }\\)}} and \\(x^{y^{z} }\\) outside."
    assert (len(m1.cards()), len(m2.cards()), summary.cards_expected) == (3, 1, 4)
    answer = m2.cards()[0].answer()
    assert "\\frac{a}{b_{i} }" in answer and "outside" in answer  # the deletion did not end early


def test_math_is_never_emphasis_and_stays_on_one_line():
    html = field_html("Use $a_{i}*b_{j}*c$ and $x_1 + y_1$ with *real* and **bold** `a*b*c` ok")
    assert html == ("Use \\(a_{i}*b_{j}*c\\) and \\(x_1 + y_1\\) with <i>real</i> and <b>bold</b> "
                    "<code>a*b*c</code> ok")
    assert field_html("snake_case and learning_rate, 2*3*4") == "snake_case and learning_rate, 2*3*4"
    display = field_html("Loss:\n$$\nL = \\sum_i\n  (y_i - \\hat y_i)^2\n$$\nwhere $i < n$.")
    assert display == "Loss:<br>\\[L = \\sum_i (y_i - \\hat y_i)^2\\]where \\(i &lt; n\\)."


def test_tsv_headers_and_round_trip_update_through_anki(tmp_path, col):
    hash_id = next(f"id{i}" for i in range(10_000) if note_guid(f"id{i}").startswith("#"))
    cards = first_post()
    import_apkg(col, export_apkg(cards, tmp_path / "setup.apkg").path)  # creates the note types

    cards[0] = cards[0].model_copy(update={"back": 'Changed "quoted" answer'})
    extra = card(hash_id, front="A note whose GUID starts with #?", back="yes", title="ARIMA Basics",
                 series="Time Series Forecasting")
    summary = export_tsv(cards + second_post() + [extra], tmp_path / "cards.txt")
    lines = summary.path.read_text(encoding="utf-8").splitlines()
    assert lines[:6] == ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2",
                         "#deck column:3", "#tags column:8"]
    assert lines[6].startswith("#columns:guid\tnotetype\tdeck\t")
    assert (summary.notes, summary.cards_expected) == (6, 7)
    assert all(len(line.split("\t")) == 8 for line in lines[7:])

    metadata = col.get_csv_metadata(str(summary.path), None)
    assert (metadata.guid_column, metadata.tags_column, metadata.is_html) == (1, 8, True)
    log = col.import_csv(ImportCsvRequest(path=str(summary.path), metadata=metadata)).log
    assert not log.missing_notetype and (len(log.new), len(log.updated)) == (3, 1), log
    assert (col.note_count(), col.card_count()) == (6, 7)
    notes = notes_by_guid(col)
    assert notes[note_guid("qa1")]["Back"] == 'Changed "quoted" answer'
    assert notes[note_guid(hash_id)]["Front"] == "A note whose GUID starts with #?"
    ts2 = notes[note_guid("ts2")]
    assert ts2.note_type()["name"] == CLOZE_NOTETYPE and "kind::cloze" in ts2.tags
    assert col.decks.name(ts2.cards()[0].did) == "Studykit::Time Series Forecasting"


def test_same_card_id_same_guid_whatever_the_text():
    a = card("k1", back="one")
    b = card("k1", back="two", title="Another title")
    assert note_guid(a.id) == note_guid(b.id) == genanki.guid_for("k1")


def test_same_cards_and_timestamp_give_the_same_bytes(tmp_path):
    one = export_apkg(first_post(), tmp_path / "one.apkg", timestamp=T0)
    two = export_apkg(first_post(), tmp_path / "two.apkg", timestamp=T0)
    assert one.path.read_bytes() == two.path.read_bytes()


def test_refuses_a_missing_folder_and_never_leaves_a_half_file(tmp_path):
    with pytest.raises(StudykitError, match="does not exist"):
        export_apkg(first_post(), tmp_path / "missing" / "cards.apkg")
    with pytest.raises(StudykitError, match="is a folder"):
        export_tsv(first_post(), tmp_path)
    target = tmp_path / "cards.apkg"
    target.write_bytes(b"previous export")

    def crash(f):
        f.write(b"half a zip")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(target, crash)
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.apkg"]


def test_a_cloze_inside_a_display_formula_hides_only_its_term_in_anki(tmp_path, col):
    drill = card("fz1", "cloze", front="GRU: complete the formula\n$$h_t = (1 - z_t)\\odot h_{t-1} + \\boxed{?}$$",
                 back="$$h_t = (1 - z_t)\\odot h_{t-1} + z_t \\odot \\tilde{h}_{t} $$",
                 cloze="$$h_t = (1 - z_t)\\odot h_{t-1} + {{c1::z_t \\odot \\tilde{h}_{t} }}$$")
    import_apkg(col, export_apkg([drill], tmp_path / "drill.apkg", updated_at={"fz1": T0}).path)
    (note,) = notes_by_guid(col).values()
    assert note["Text"].startswith("\\[h_t = (1 - z_t)\\odot h_{t-1} + {{c1::")
    (anki_card,) = note.cards()
    question, answer = anki_card.question(), anki_card.answer()
    assert "[...]" in question and "\\tilde{h}" not in question
    assert "\\tilde{h}" in answer and "(1 - z_t)" in answer
