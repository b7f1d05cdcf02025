import warnings

import pytest

from studykit import nlp as nlp_mod
from studykit.errors import ModelLoadWarning


def test_the_configured_model_has_a_parser(nlp):
    assert nlp_mod.has_parser(nlp)
    assert {"parser", "ner", "lemmatizer"} <= set(nlp.pipe_names)


def test_missing_model_falls_back_to_a_blank_pipeline_with_a_warning(monkeypatch):
    monkeypatch.setenv("STUDYKIT_SPACY_MODEL", "no_such_model_xyz")
    nlp_mod.load.cache_clear()
    try:
        with pytest.warns(ModelLoadWarning, match="no_such_model_xyz"):
            blank = nlp_mod.load()
        assert not nlp_mod.has_parser(blank)
        assert [s.text for s in blank("One sentence. Another one.").sents] == ["One sentence.", "Another one."]
    finally:
        nlp_mod.load.cache_clear()


def test_generation_still_works_on_the_blank_pipeline(monkeypatch):
    from studykit.cards import select_cards
    from studykit.extract import extract
    from studykit.models import Post

    monkeypatch.setenv("STUDYKIT_SPACY_MODEL", "blank")
    nlp_mod.load.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelLoadWarning)
            blank = nlp_mod.load()
        post = Post(title="T", url="https://x.example/t/", body=(
            "## Gates\n\nThe **update gate** decides how much of the old state to keep in 2014 models.\n\n"
            "$$z = \\sigma(W x)$$\n"))
        cards = select_cards(extract(post, blank)).cards
        assert any(c.kind == "formula" for c in cards)
        assert all(c.front and c.back for c in cards)
    finally:
        nlp_mod.load.cache_clear()
