"""`build --jobs 2` and its workers under signals, with real processes: killed with -9 the
parent leaves no worker behind; SIGTERM stops it cleanly (no traceback, workers gone)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

try:
    from tests.conftest import DATA
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc for child processes")


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def start_build(tmp_path: Path, stderr: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """The build in the background; its output goes nowhere unless asked (a worker left
    alive would hold a pipe open and hang the reader)."""
    posts = tmp_path / "posts"
    posts.mkdir()
    sample = sorted((DATA / "posts").rglob("*.md"))
    for i in range(16):  # enough work for two workers to be busy a while
        text = sample[i % len(sample)].read_text()
        (posts / f"post-{i}.md").write_text(text.replace("title:", f"title: Copy {i} of", 1))
    spec = tmp_path / "deck.toml"
    spec.write_text('name = "Copies"\nsources = ["posts"]\n\n[outputs]\njsonl = "out.jsonl"\n')
    return subprocess.Popen([sys.executable, "-c", "from studykit.cli import run; run()", "build",
                             str(spec), "--jobs", "2", "--no-cache", "-q"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=stderr,
                            env={**os.environ, "STUDYKIT_HOME": str(tmp_path / "home")})


def wait_for_workers(parent: subprocess.Popen[bytes]) -> set[int]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and parent.poll() is None:
        workers = children(parent.pid)
        if len(workers) >= 2:
            time.sleep(1.5)  # let them load spaCy and take their chunks
            return children(parent.pid)
        time.sleep(0.1)
    pytest.fail("the build never started two workers")


def gone_within(pids: set[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not alive(pids)


def test_workers_die_with_a_parent_killed_hard(tmp_path):
    build = start_build(tmp_path)
    workers = wait_for_workers(build)
    build.kill()
    build.wait()
    assert gone_within(workers, 10), f"workers still alive: {alive(workers)}"


def test_sigterm_stops_the_build_and_its_workers_cleanly(tmp_path):
    log = tmp_path / "stderr.txt"
    with log.open("wb") as sink:
        build = start_build(tmp_path, stderr=sink.fileno())
        workers = wait_for_workers(build)
        build.send_signal(signal.SIGTERM)
        build.wait(timeout=30)
    err = log.read_bytes()
    assert build.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in err and b"terminated" in err
    assert gone_within(workers, 10)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
