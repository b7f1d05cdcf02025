"""Local Markdown posts (studykit.sources.markdown) read from real files in tmp_path."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studykit.errors import SourceError
from studykit.models import Post
from studykit.sources.load import load_source
from studykit.sources.markdown import read_markdown_file

try:
    from tests.conftest import FIXTURES
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import FIXTURES

UTC = timezone.utc


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def only_post(path: Path) -> Post:
    """The one item load_source yields for `path`, which must be a Post."""
    items = list(load_source(str(path)))
    assert len(items) == 1, items
    assert isinstance(items[0], Post), items[0]
    return items[0]


def only_error(path: Path) -> SourceError:
    items = list(load_source(str(path)))
    assert len(items) == 1, items
    assert isinstance(items[0], SourceError), items[0]
    return items[0]


# ------------------------------------------------------------------ YAML front matter

def test_yaml_front_matter_fields(tmp_path):
    path = write(tmp_path, "feature-maps.md", """---
title: "Kernel Tricks (2): Feature Maps"
date: 2024-03-05T09:30:00Z
series: "Kernel Tricks"
series_order: 2
tags:
  - kernels
  - linear-algebra
description: "Why a kernel is an inner product in disguise."
---

A kernel is an inner product between feature maps.
""")
    post = only_post(path)
    assert post.title == "Kernel Tricks (2): Feature Maps"
    assert post.series == "Kernel Tricks"
    assert post.part == 2
    assert post.tags == ["kernels", "linear-algebra"]
    assert post.summary == "Why a kernel is an inner product in disguise."
    assert post.published == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert post.published.tzinfo is not None
    assert post.body.startswith("A kernel is an inner product")
    assert "---" not in post.body and "series_order" not in post.body
    assert post.url == path.resolve().as_uri()
    assert post.source == str(path)


@pytest.mark.parametrize("raw, expected", [
    ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),                       # YAML date
    ("2024-03-05 09:00:00", datetime(2024, 3, 5, 9, 0, tzinfo=UTC)),        # naive datetime
    ("2024-03-05T09:00:00+02:00", datetime(2024, 3, 5, 7, 0, tzinfo=UTC)),  # offset kept exact
    ('"2024-03-05T09:00:00Z"', datetime(2024, 3, 5, 9, 0, tzinfo=UTC)),     # quoted text
])
def test_yaml_dates_become_aware_datetimes(tmp_path, raw, expected):
    post = only_post(write(tmp_path, "dated.md", f"---\ntitle: Dated\ndate: {raw}\n---\nText.\n"))
    assert isinstance(post.published, datetime)
    assert post.published.utcoffset() is not None, "dates must be timezone-aware"
    assert post.published == expected


def test_unparseable_date_is_no_date_not_an_error(tmp_path):
    post = only_post(write(tmp_path, "d.md", "---\ntitle: Dated\ndate: sometime in spring\n---\nText.\n"))
    assert post.published is None


def test_series_slug_gives_human_name(tmp_path):
    post = only_post(write(tmp_path, "p.md",
                           "---\ntitle: Feature Maps\nseries: kernel-tricks\nseries_order: 3\n---\nText.\n"))
    assert post.series == "Kernel Tricks"
    assert post.part == 3


def test_series_slug_loses_to_the_human_name_in_the_title(tmp_path):
    post = only_post(write(tmp_path, "gru.md", """---
title: "Time Series Forecasting (3): GRU"
series: time-series
series_order: 3
---
Text.
"""))
    assert post.series == "Time Series Forecasting"
    assert post.part == 3


def test_human_series_name_is_kept(tmp_path):
    post = only_post(write(tmp_path, "p.md", "---\ntitle: Feature Maps\nseries: Kernel Tricks for ML\n---\nText.\n"))
    assert post.series == "Kernel Tricks for ML"
    assert post.part is None


def test_tags_as_comma_separated_string(tmp_path):
    post = only_post(write(tmp_path, "p.md", "---\ntitle: T\ntags: alpha, beta , gamma,\n---\nText.\n"))
    assert post.tags == ["alpha", "beta", "gamma"]


def test_post_without_series_is_standalone(tmp_path):
    post = only_post(write(tmp_path, "p.md", "---\ntitle: A Lone Post\n---\nText.\n"))
    assert post.series == "Standalone"
    assert post.part is None
    assert post.tags == []
    assert post.published is None


# ------------------------------------------------------------------ TOML front matter

def test_toml_front_matter_fields(tmp_path):
    post = only_post(write(tmp_path, "toml-post.md", """+++
title = "Sparse Matrices"
date = 2024-03-05T10:30:00+02:00
series = "numerical-linear-algebra"
series_order = 4
tags = ["sparse", "storage"]
description = "CSR and CSC layouts."
+++

Compressed sparse row storage keeps three arrays.
"""))
    assert post.title == "Sparse Matrices"
    assert post.series == "Numerical Linear Algebra"
    assert post.part == 4
    assert post.tags == ["sparse", "storage"]
    assert post.summary == "CSR and CSC layouts."
    assert post.published is not None and post.published.utcoffset() is not None
    assert post.published == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert post.published.utcoffset() == timedelta(0)
    assert post.body.startswith("Compressed sparse row storage")
    assert "+++" not in post.body


def test_toml_local_date_is_midnight_utc(tmp_path):
    post = only_post(write(tmp_path, "p.md", '+++\ntitle = "T"\ndate = 2023-12-24\ntags = "a, b"\n+++\nText.\n'))
    assert post.published == datetime(2023, 12, 24, tzinfo=UTC)
    assert post.tags == ["a", "b"]


def test_yaml_front_matter_with_crlf_line_endings(tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(b'---\r\ntitle: "Windows Post"\r\ndate: 2024-01-02\r\ntags: [a, b]\r\n---\r\nBody text.\r\n')
    post = only_post(path)
    assert post.title == "Windows Post"
    assert post.tags == ["a", "b"]
    assert post.body.startswith("Body text.")


def test_toml_front_matter_with_crlf_line_endings(tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(b'+++\r\ntitle = "Windows Post"\r\ntags = ["a", "b"]\r\n+++\r\nBody text.\r\n')
    post = only_post(path)
    assert post.title == "Windows Post"
    assert post.tags == ["a", "b"]


# ------------------------------------------------------------------ no front matter

def test_no_front_matter_title_from_first_heading(tmp_path):
    post = only_post(write(tmp_path, "notes.md", "Intro line.\n\n# The Real Title\n\n## Section\n\nText.\n"))
    assert post.title == "The Real Title"
    assert post.series == "Standalone"
    assert post.published is None
    assert "Intro line." in post.body


def test_no_front_matter_no_heading_title_from_file_stem(tmp_path):
    post = only_post(write(tmp_path, "queue-theory-notes.md", "## Only a subheading\n\nLittle's law.\n"))
    assert post.title == "queue-theory-notes"


def test_comment_inside_a_code_fence_is_not_the_title(tmp_path):
    post = only_post(write(tmp_path, "setup.md",
                           "Intro.\n\n```bash\n# install the package first\npip install thing\n```\n\n"
                           "# The Real Title\n\nText.\n"))
    assert post.title == "The Real Title"


def test_front_matter_without_title_falls_back_to_heading(tmp_path):
    post = only_post(write(tmp_path, "x.md", "---\ntags: [a]\n---\n# Heading Title\n\nText.\n"))
    assert post.title == "Heading Title"
    assert post.tags == ["a"]


# ------------------------------------------------------------------ errors

def test_unclosed_front_matter_is_a_source_error_naming_the_file(tmp_path):
    path = write(tmp_path, "unclosed.md", "---\ntitle: Never closed\n\nBody text that goes on.\n")
    error = only_error(path)
    assert error.source == str(path)
    assert str(path) in str(error)
    assert "never closed" in error.reason


def test_unclosed_front_matter_raises_from_the_reader(tmp_path):
    path = write(tmp_path, "unclosed.md", "+++\ntitle = 'x'\n")
    with pytest.raises(SourceError) as info:
        read_markdown_file(path)
    assert info.value.source == str(path)


@pytest.mark.parametrize("front", [
    "---\ntitle: [unclosed\n---\n",            # broken YAML flow sequence
    "---\ntitle: a: b: c\n---\n",               # mapping values not allowed
    '+++\ntitle = "no closing quote\n+++\n',    # broken TOML
])
def test_invalid_front_matter_is_a_source_error_naming_the_file(tmp_path, front):
    path = write(tmp_path, "broken.md", front + "Body.\n")
    error = only_error(path)
    assert error.source == str(path)
    assert str(path) in str(error)
    assert "front matter" in error.reason
    assert "\n" not in str(error), "errors are one line"


def test_front_matter_that_is_not_a_mapping(tmp_path):
    path = write(tmp_path, "list.md", "---\n- a\n- b\n---\nBody.\n")
    error = only_error(path)
    assert error.source == str(path)
    assert "mapping" in error.reason


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    error = only_error(path)
    assert error.source == str(path)
    assert "binary" in error.reason


# ------------------------------------------------------------------ body

def test_body_keeps_math_verbatim(tmp_path):
    inline = r"$\alpha_t = \frac{1}{1 + e^{-x}}$"
    display = r"""$$
\mathcal{L}(\theta) = -\sum_{i=1}^{N} \log p_\theta(y_i \mid x_i) + \lambda \|\theta\|_2^2
$$"""
    bracket = r"\[ \nabla_\theta J = \mathbb{E}\left[ \nabla_\theta \log \pi_\theta(a|s) \, Q(s,a) \right] \]"
    text = (f"---\ntitle: Math\n---\nThe rate {inline} with *emphasis* and `x_1`.\n\n"
            f"{display}\n\nAlso {bracket} and underscores like a_b_c.\n")
    post = only_post(write(tmp_path, "math.md", text))
    assert inline in post.body
    assert display in post.body
    assert bracket in post.body
    assert "a_b_c" in post.body


def test_fixture_article_reads_fully():
    """The hand-written fixture article: slug series with a human title, math and all."""
    post = read_markdown_file(FIXTURES / "articles" / "heat-equation.md")
    assert post.title == "Numerical PDEs (2): The Heat Equation"
    assert post.series == "Numerical PDEs"
    assert post.part == 2
    assert post.published == datetime(2024, 5, 14, 8, 0, tzinfo=UTC)
    assert r"$$r = \frac{\alpha \, \Delta t}{\Delta x^2}$$" in post.body
    assert post.body.rstrip().endswith("limit on the mesh ratio.")
