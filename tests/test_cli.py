"""The `studykit generate` command on the bundled sample blog (data/).

The console script (`studykit.cli:run`) runs in a real subprocess where exit codes and the
stdout/stderr split matter; the rest uses click's CliRunner on `studykit.cli.main`, which
keeps stderr apart too and shares the loaded spaCy model across tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from studykit.cli import main

try:
    from tests.conftest import DATA
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA

FEED = DATA / "feed.xml"
SOFTMAX = DATA / "posts" / "standalone" / "softmax-temperature.md"
CONTRACT = ("id", "kind", "front", "back", "series", "post_title", "post_url", "tags")
KINDS = {"qa", "cloze", "formula"}
SAMPLE_SERIES = {"Signal Processing", "Optimization Methods", "Standalone"}


def start(*args: str, home: Path, cwd: Path) -> subprocess.Popen[str]:
    """The real console entry point in a fresh interpreter, started in the background."""
    env = {**os.environ, "STUDYKIT_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [sys.executable, "-c", "from studykit.cli import run; run()", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env, cwd=cwd,
    )


def finish(proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    try:
        stdout, stderr = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def studykit(*args: str, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return finish(start(*args, home=home, cwd=cwd))


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def jsonl_rows(text: str) -> list[dict]:
    lines = text.splitlines()
    assert lines, "no cards"
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory):
    """Two independent runs over the sample feed: one to a file, one to a pipe."""
    work = tmp_path_factory.mktemp("cli")
    out = work / "out.jsonl"
    # two separate interpreters, run side by side to save time
    procs = [start("generate", str(FEED), "--format", "jsonl", "-o", str(out), home=work / "home", cwd=work),
             start("generate", str(FEED), home=work / "home", cwd=work)]
    to_file, to_pipe = [finish(p) for p in procs]
    return to_file, out, to_pipe


@pytest.fixture(scope="module")
def sample_cards(sample_runs) -> list[dict]:
    to_file, out, _ = sample_runs
    assert to_file.returncode == 0, to_file.stderr
    return jsonl_rows(out.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the card contract

def test_jsonl_to_file_writes_contract_cards(sample_runs, sample_cards):
    to_file, _, _ = sample_runs
    assert to_file.stdout == ""  # the cards went to the file
    for card in sample_cards:
        for field in CONTRACT:
            assert field in card, (field, card)
        assert card["kind"] in KINDS
        for field in ("id", "front", "back", "series", "post_title", "post_url"):
            assert isinstance(card[field], str) and card[field].strip(), (field, card)
        assert isinstance(card["tags"], list) and all(isinstance(t, str) for t in card["tags"])
        assert f"kind::{card['kind']}" in card["tags"]
        assert any(t.startswith("series::") for t in card["tags"])
        assert any(t.startswith("post::") for t in card["tags"])
        assert all(" " not in t for t in card["tags"])
        if card["kind"] == "cloze":
            assert "{{c1::" in card["cloze"], card
        else:
            assert "cloze" not in card or card["cloze"] is None
        if card["kind"] == "formula":
            assert "$$" in card["back"]


def test_sample_cards_cover_every_post_and_series(sample_cards):
    assert {c["series"] for c in sample_cards} == SAMPLE_SERIES
    assert len({c["post_title"] for c in sample_cards}) == 7
    assert {c["kind"] for c in sample_cards} >= {"cloze", "formula"}
    assert len({c["id"] for c in sample_cards}) == len(sample_cards), "card ids must be unique"
    standalone = {c["post_url"] for c in sample_cards if c["series"] == "Standalone"}
    assert standalone == {SOFTMAX.resolve().as_uri()}


def test_two_runs_give_identical_ids_and_output(sample_runs, sample_cards):
    _, out, to_pipe = sample_runs
    assert to_pipe.returncode == 0, to_pipe.stderr
    # jsonl is the default when stdout is not a terminal
    piped = jsonl_rows(to_pipe.stdout)
    assert [c["id"] for c in piped] == [c["id"] for c in sample_cards]
    assert to_pipe.stdout == out.read_text(encoding="utf-8")


def test_stdout_carries_only_cards_and_stderr_the_progress(sample_runs, sample_cards):
    to_file, _, to_pipe = sample_runs
    for line in to_pipe.stdout.splitlines():
        assert isinstance(json.loads(line), dict)
    for run in (to_file, to_pipe):
        assert "Traceback" not in run.stderr
        assert "7 post(s)" in run.stderr
        assert f"{len(sample_cards)} cards" in run.stderr
        for line in run.stderr.splitlines():
            assert not line.lstrip().startswith("{"), line
    assert str(Path(to_file.args[-1])) in to_file.stderr  # "... to out.jsonl"


# ------------------------------------------------------------------ formats and options

def test_json_format_is_an_array_of_the_same_cards():
    as_json = cli("generate", str(SOFTMAX), "--format", "json")
    as_jsonl = cli("generate", str(SOFTMAX), "--format", "jsonl")
    assert as_json.exit_code == 0 and as_jsonl.exit_code == 0, as_json.stderr
    cards = json.loads(as_json.stdout)
    assert isinstance(cards, list) and len(cards) >= 5
    assert cards == jsonl_rows(as_jsonl.stdout)


def test_table_format_prints_text():
    table = cli("generate", str(SOFTMAX), "--format", "table")
    cards = jsonl_rows(cli("generate", str(SOFTMAX), "--format", "jsonl").stdout)
    assert table.exit_code == 0, table.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(table.stdout)
    assert not table.stdout.lstrip().startswith("{")
    for card in cards:
        assert f"[{card['kind']}] " in table.stdout
        assert card["front"] in table.stdout
        assert card["back"] in table.stdout
    assert table.stdout.count("Standalone / A Short Guide to Softmax Temperature") == len(cards)


def test_kinds_formula_gives_only_formula_cards():
    result = cli("generate", str(DATA / "posts" / "signal-processing"), "--kinds", "formula")
    assert result.exit_code == 0, result.stderr
    cards = jsonl_rows(result.stdout)
    assert {c["kind"] for c in cards} == {"formula"}
    assert len({c["post_title"] for c in cards}) == 3


def test_kinds_qa_and_cloze_give_no_formula_cards():
    result = cli("generate", str(SOFTMAX), "--kinds", "qa, cloze")
    assert result.exit_code == 0, result.stderr
    cards = jsonl_rows(result.stdout)
    assert {c["kind"] for c in cards} <= {"qa", "cloze"}


def test_max_cards_caps_each_post():
    result = cli("generate", str(DATA / "posts" / "optimization-methods"), "--max-cards", "2")
    assert result.exit_code == 0, result.stderr
    cards = jsonl_rows(result.stdout)
    per_post: dict[str, int] = {}
    for card in cards:
        per_post[card["post_title"]] = per_post.get(card["post_title"], 0) + 1
    assert len(per_post) == 3
    assert max(per_post.values()) <= 2


def test_quiet_silences_progress():
    result = cli("generate", str(SOFTMAX), "-q")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert jsonl_rows(result.stdout)


def test_bogus_kind_is_a_usage_error():
    result = cli("generate", str(SOFTMAX), "--kinds", "qa,bogus")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "bogus" in result.stderr


def test_no_source_is_a_usage_error():
    result = cli("generate")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_unwritable_output_file_is_a_clean_error(tmp_path):
    target = tmp_path / "no-such-dir" / "cards.jsonl"
    result = CliRunner().invoke(main, ["generate", str(SOFTMAX), "-o", str(target)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(target) in result.stderr
    assert not target.exists()


# ------------------------------------------------------------------ failing sources

def test_missing_source_exits_1_with_a_one_line_error(tmp_path):
    missing = tmp_path / "no-such-post.md"
    result = studykit("generate", str(missing), home=tmp_path / "home", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    naming = [line for line in result.stderr.splitlines() if str(missing) in line]
    assert len(naming) == 1, result.stderr
    assert "error" in naming[0].lower()


def test_one_good_and_one_missing_source_exits_0(tmp_path):
    missing = tmp_path / "missing-post.md"
    result = cli("generate", str(SOFTMAX), str(missing))
    assert result.exit_code == 0
    cards = jsonl_rows(result.stdout)
    assert {c["post_title"] for c in cards} == {"A Short Guide to Softmax Temperature"}
    errors = [line for line in result.stderr.splitlines() if str(missing) in line]
    assert len(errors) == 1 and "error" in errors[0].lower()
    assert str(missing) not in result.stdout


# ------------------------------------------------------------------ --anki and inspect

def test_generate_anki_writes_a_deck_package_and_no_cards_on_stdout(tmp_path):
    import zipfile

    out = tmp_path / "softmax.apkg"
    result = cli("generate", str(SOFTMAX), "--anki", str(out), "--deck-root", "Study")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "notes" in result.stderr and str(out) in result.stderr
    with zipfile.ZipFile(out) as z:
        assert {"collection.anki2", "media"} <= set(z.namelist())


def test_generate_anki_into_a_missing_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["generate", str(SOFTMAX), "--anki", str(tmp_path / "no" / "x.apkg")])
    assert result.exit_code != 0
    assert "Traceback" not in (result.stdout + result.stderr)


def test_inspect_shows_claims_their_fate_and_reasons():
    result = cli("inspect", str(SOFTMAX))
    assert result.exit_code == 0, result.stderr
    assert "== A Short Guide to Softmax Temperature" in result.stdout
    assert "CARD formula" in result.stdout and "skip" in result.stdout
    report = json.loads(cli("inspect", str(SOFTMAX), "--json").stdout)
    (post,) = report
    made = [c for c in post["claims"] if c["card"]]
    skipped = [c for c in post["claims"] if not c["card"]]
    assert made and skipped and all(c["why_not"] for c in skipped)
    # each card's value is explained by the features that moved it, with their amounts
    for claim in made:
        assert claim["because"] and all(isinstance(b["amount"], float) and b["feature"] for b in claim["because"])
    assert "value from: " in result.stdout
    # a cloze names the span it blanks, its value and what moved it; the span is the card's deletion
    clozes = [c for c in made if c["card"]["kind"] == "cloze"]
    assert clozes and all(c["blank"]["span"] in c["sentence"] and c["blank"]["because"] for c in clozes)
    made_cards = {c["id"]: c for c in map(json.loads, cli("generate", str(SOFTMAX), "--format", "jsonl").stdout.splitlines())}
    for claim in clozes:
        assert f"{{{{c1::{claim['blank']['span']}" in made_cards[claim["card"]["id"]]["cloze"], claim["blank"]
    assert "blank '" in result.stdout or 'blank "' in result.stdout
    assert post["cards"] == len(made) + sum(bool(f["card"] and not f["paired"]) + bool(f["subterm_cloze"])
                                            for f in post["formulas"])


def test_inspect_names_the_formula_that_also_got_a_cloze_on_its_key_term(tmp_path):
    heat = tmp_path / "heat.md"
    heat.write_text("---\ntitle: Heat\n---\n## The update rule\n\nThe explicit scheme advances every grid "
                    "point in time with the **update rule**\n"
                    "$$u_i^{n+1} = u_i^n + r \\left( u_{i+1}^n - 2 u_i^n + u_{i-1}^n \\right)$$\n"
                    "Each new value depends on three old values of the previous time step.\n", encoding="utf-8")
    result = cli("inspect", str(heat))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("(+ cloze on its key term)") == 1
    (post,) = json.loads(cli("inspect", str(heat), "--json").stdout)
    assert sum(bool(f["subterm_cloze"]) for f in post["formulas"]) == 1


def test_inspect_shows_a_formula_asked_on_its_companions_card(tmp_path):
    post = tmp_path / "gradients.md"
    post.write_text("---\ntitle: Gradients\n---\n## Parameter gradients\n\nOnce the error signals are known, "
                    "the parameter gradients of every layer follow:\n"
                    "$$\\frac{\\partial L}{\\partial W} = \\delta h^T$$\n$$\\frac{\\partial L}{\\partial b} = \\delta$$\n"
                    "Each weight gradient is an outer product of two cached vectors.\n", encoding="utf-8")
    result = cli("inspect", str(post))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("CARD formula") == 2 and "(asked together with the formula before it)" in result.stdout
    (report,) = json.loads(cli("inspect", str(post), "--json").stdout)
    first, second = report["formulas"]
    assert first["card"] == second["card"] and second["paired"] and not first["paired"]
