import subprocess
import sys

import studykit


def test_every_public_name_resolves():
    for name in studykit.__all__:
        assert getattr(studykit, name) is not None, name


def test_unknown_names_raise_attribute_error():
    try:
        studykit.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_importing_the_package_and_cli_does_not_load_spacy():
    code = "import sys, studykit, studykit.cli, studykit.store; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
