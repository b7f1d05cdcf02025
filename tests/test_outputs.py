"""Outputs are only ever regular files the run may own (the real CLI, files in tmp_path):
a FIFO, a folder or an input of the same run is refused before any work, and left as it was."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from studykit.outputs import OutputError, atomic_write, check_outputs

try:
    from tests.conftest import DATA
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA

SOFTMAX = DATA / "posts" / "standalone" / "softmax-temperature.md"


def studykit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from studykit.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**os.environ, "STUDYKIT_HOME": str(cwd / "home")})


def refused(run: subprocess.CompletedProcess[str], *words: str, code: int = 1) -> None:
    assert run.returncode == code and "Traceback" not in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr


def test_generate_refuses_a_fifo_and_a_source_as_its_output(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    post = tmp_path / "post.md"
    post.write_bytes(SOFTMAX.read_bytes())
    refused(studykit("generate", str(post), "-o", str(fifo), cwd=tmp_path), "is a FIFO", "not a file")
    refused(studykit("generate", str(post), "--anki", str(fifo), cwd=tmp_path), "is a FIFO")
    refused(studykit("generate", str(post), "-o", str(post), cwd=tmp_path), "would overwrite the source")
    refused(studykit("generate", str(post), "-o", str(tmp_path / "x.apkg"), "--anki", str(tmp_path / "x.apkg"),
                     cwd=tmp_path), "would overwrite the -o output")
    assert stat.S_ISFIFO(fifo.stat().st_mode) and post.read_bytes() == SOFTMAX.read_bytes()


def test_export_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "deck.apkg"
    os.mkfifo(fifo)
    refused(studykit("export", "--anki", str(fifo), "--db", str(tmp_path / "s.db"), cwd=tmp_path), "is a FIFO")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def spec(path: Path, jsonl: str, anki: str | None = None, source: str = "post.md") -> Path:
    outputs = f'jsonl = "{jsonl}"' + (f'\nanki = "{anki}"' if anki else "")
    path.write_text(f'name = "T"\nsources = ["{source}"]\n\n[outputs]\n{outputs}\n')
    return path


def test_build_refuses_outputs_that_overwrite_its_inputs_or_each_other(tmp_path):
    (tmp_path / "post.md").write_bytes(SOFTMAX.read_bytes())
    os.mkfifo(tmp_path / "cards.fifo")
    cases = {
        "itself.toml": (("itself.toml",), "would overwrite the deck spec"),
        "source.toml": (("post.md",), "would overwrite the source"),
        "fifo.toml": (("cards.fifo",), "is a FIFO"),
    }
    for name, ((jsonl,), words) in cases.items():
        path = spec(tmp_path / name, jsonl)
        before = path.read_bytes()
        refused(studykit("build", str(path), "--db", str(tmp_path / "s.db"), cwd=tmp_path), words, code=2)
        assert path.read_bytes() == before
    one, two = spec(tmp_path / "one.toml", "same.jsonl"), spec(tmp_path / "two.toml", "same.jsonl")
    refused(studykit("build", str(one), str(two), "--db", str(tmp_path / "s.db"), cwd=tmp_path),
            "would overwrite the JSONL output of", code=2)
    assert not (tmp_path / "same.jsonl").exists()
    assert (tmp_path / "post.md").read_bytes() == SOFTMAX.read_bytes()
    assert stat.S_ISFIFO((tmp_path / "cards.fifo").stat().st_mode)


def test_atomic_write_replaces_only_a_regular_file(tmp_path):
    target = tmp_path / "cards.jsonl"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two" and sorted(p.name for p in tmp_path.iterdir()) == ["cards.jsonl"]


def test_check_outputs_leaves_missing_folders_to_a_run_that_makes_them(tmp_path):
    source = tmp_path / "post.md"
    source.write_text("x")
    fifo = tmp_path / "cards.fifo"
    os.mkfifo(fifo)
    nested = [("the JSONL output", tmp_path / "out" / "cards.jsonl")]
    with pytest.raises(OutputError, match="does not exist; create it"):
        check_outputs(nested, [])
    check_outputs(nested, [], makes_folders=True)  # build creates out/
    for makes_folders in (False, True):
        with pytest.raises(OutputError, match="is a FIFO"):
            check_outputs([("the -o output", fifo)], [], makes_folders=makes_folders)
        with pytest.raises(OutputError, match="the -o output would overwrite the source"):
            check_outputs([("the -o output", source)], [("the source", source)],
                          makes_folders=makes_folders)
