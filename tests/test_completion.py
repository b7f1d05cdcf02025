"""Shell completion: the scripts click writes for bash, zsh and fish (as the README tells users
to install them), and what they complete, through the real entry point."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def entry_point(env: dict[str, str]) -> str:
    run = subprocess.run([sys.executable, "-c", "from studykit.cli import run; run()"],
                         capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nosort -F _studykit_completion studykit"),
    ("zsh", "#compdef studykit"),
    ("fish", "complete --no-files --command studykit"),
])
def test_each_shell_gets_a_completion_script(shell, marker):
    script = entry_point({"_STUDYKIT_COMPLETE": f"{shell}_source"})
    assert marker in script and "_STUDYKIT_COMPLETE" in script


def test_commands_complete_by_prefix():
    out = entry_point({"_STUDYKIT_COMPLETE": "bash_complete", "COMP_WORDS": "studykit gen", "COMP_CWORD": "1"})
    assert out.split() == ["plain,generate"]


def test_sources_complete_as_file_names_and_ratings_by_name():
    out = entry_point({"_STUDYKIT_COMPLETE": "bash_complete", "COMP_WORDS": "studykit add po", "COMP_CWORD": "2"})
    assert out.split() == ["file,po"]  # the shell lists the matching files itself
    out = entry_point({"_STUDYKIT_COMPLETE": "bash_complete",
                       "COMP_WORDS": "studykit grade abc123 g", "COMP_CWORD": "3"})
    assert "plain,good" in out.split()
