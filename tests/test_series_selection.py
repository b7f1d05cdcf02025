"""The one selection (studykit.series_selection) that generate and build share: the cards of
a series in the order given, cached cards reused with the memory saved after them, and a post
that fails reported in one wording while the others go on. Real posts, the real model."""

from __future__ import annotations

import copy

from studykit.cards import SeriesMemory
from studykit.errors import PostStep, SourceError, post_failed
from studykit.extract import Extraction, extract_all
from studykit.generate import generate, read_posts
from studykit.models import Post
from studykit.series_selection import Reused, select_series_cards

try:
    from tests.conftest import DATA
except ImportError:  # tests/ is not a package: pytest put it on sys.path instead
    from conftest import DATA

SERIES = DATA / "posts" / "signal-processing"


def series_extractions(nlp) -> list[Extraction]:
    posts, errors = read_posts([str(SERIES)])
    assert len(posts) == 3 and not errors
    return extract_all(sorted(posts, key=lambda p: p.part or 0), nlp)


def test_reused_cards_carry_the_series_on_from_their_saved_memory(nlp):
    extractions = series_extractions(nlp)
    by_post = {id(e.post): e for e in extractions}
    posts = [e.post for e in extractions]
    errors: list[SourceError] = []
    cold, after_first = [], []
    for done in select_series_cards(posts, lambda p: by_post[id(p)], None, errors):
        assert done.selection is not None and done.memory is not None
        cold.append(done)
        after_first = after_first or [copy.deepcopy(done.memory)]  # the series goes on changing it
    assert [d.post for d in cold] == posts and not errors
    assert after_first[0] != cold[-1].memory

    unpacked: list[int] = []

    def saved_memory() -> SeriesMemory:
        unpacked.append(1)
        return copy.deepcopy(after_first[0])

    first = Reused(cold[0].cards, saved_memory)
    warm = list(select_series_cards(posts, lambda p: first if p is posts[0] else by_post[id(p)],
                                    None, errors))
    assert [d.cards for d in warm] == [d.cards for d in cold] and not errors
    assert warm[0].selection is None and warm[0].memory is None
    assert unpacked == [1]  # unpacked once, when the second post needed it


def test_a_post_that_fails_is_reported_once_and_the_series_goes_on(nlp):
    extractions = series_extractions(nlp)
    broken = Post(title="Broken", url="https://x.example/broken", body="x",
                  series=extractions[0].post.series)
    gone = Post(title="Gone", url="https://x.example/gone", body="x", source="gone.md")
    material = {id(e.post): e for e in extractions}
    material[id(broken)] = Extraction(broken, [], [None], 100, [])  # a claim that breaks the selection
    material[id(gone)] = post_failed(gone, PostStep.EXTRACT, "see the note above", hint="")
    order = [broken, gone, *(e.post for e in extractions)]
    errors: list[SourceError] = []
    done = list(select_series_cards(order, lambda p: material[id(p)], None, errors))
    assert [d.post for d in done] == order[2:]
    broken_error, gone_error = [str(e) for e in errors]
    # which attribute of the broken claim is read first is the selection's business
    assert broken_error.startswith("https://x.example/broken: its cards could not be made "
                                   "(AttributeError: 'NoneType' object has no attribute ")
    assert broken_error.endswith(") (the other posts go on)")
    assert gone_error == "gone.md: could not be extracted (see the note above)"
    alone = list(select_series_cards([e.post for e in extractions], lambda p: material[id(p)], None, []))
    assert [d.cards for d in done] == [d.cards for d in alone]


def test_generate_over_two_workers_makes_the_cards_of_one_process():
    one = generate([str(SERIES)])
    two = generate([str(SERIES)], jobs=2)
    assert one.cards and [c.model_dump() for c in two.cards] == [c.model_dump() for c in one.cards]
    assert [p.url for p in two.posts] == [p.url for p in one.posts] and not two.errors
