import pytest

from studykit import series


@pytest.mark.parametrize("title, expected", [
    ("Time Series Forecasting (8): Informer -- Efficient", ("Time Series Forecasting", 8, "Informer -- Efficient")),
    ("NLP (4): Attention Mechanism and Transformer", ("NLP", 4, "Attention Mechanism and Transformer")),
    ("Signal Processing, Part 2: Sampling", ("Signal Processing", 2, "Sampling")),
    ("Position Encoding Brief: From Sinusoidal to RoPE", (None, None, "Position Encoding Brief: From Sinusoidal to RoPE")),
])
def test_split_title(title, expected):
    assert series.split_title(title) == expected


def test_front_matter_slug_gives_way_to_the_title_name():
    assert series.resolve("Time Series Forecasting (3): GRU", "", "time-series", 3)[:2] == (
        "Time Series Forecasting", 3)


def test_front_matter_human_name_wins():
    assert series.resolve("Fourier", "", "Signal Processing", "1")[:2] == ("Signal Processing", 1)


def test_url_path_when_nothing_else():
    name, part, _ = series.resolve("Domain Adaptation", "https://x.example/en/transfer-learning/03-domain-adaptation/")
    assert (name, part) == ("Transfer Learning", 3)


def test_generic_url_folders_and_plain_titles_are_standalone():
    assert series.resolve("A Note", "https://x.example/posts/a-note/")[0] == "Standalone"
    assert series.resolve("A Note", "https://x.example/2024/a-note/")[0] == "Standalone"
    assert series.resolve("A Note", "https://x.example/en/standalone/a-note/")[0] == "Standalone"


def test_humanize_and_slugify():
    assert series.humanize("ml-math-derivations") == "ML Math Derivations"
    assert series.humanize("nlp") == "NLP"
    assert series.slugify("Time Series Forecasting") == "time-series-forecasting"
