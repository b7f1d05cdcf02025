from studykit.salience import sentence_salience


def test_a_sentences_salience_does_not_depend_on_the_order_of_its_words():
    # a set's order changes with the hash seed: its sum must not
    weights = {"huge": 1e16, "one": 1.0, "minus": -1e16, "other": 1.0}
    forward = sentence_salience([["huge", "one", "minus"], ["other"]], weights)  # type: ignore[list-item]
    backward = sentence_salience([["huge", "minus", "one"], ["other"]], weights)  # type: ignore[list-item]
    assert forward == backward == [1.0 / 3 ** 0.5, 1.0]
