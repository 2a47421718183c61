"""The naming rule for definitions that undo each other, shared by the offline engines."""

import pytest

from testgen.kit.inverses import inverse_of


@pytest.mark.parametrize("producer, consumer", [
    ("encode", "decode"), ("b64encode", "b64decode"), ("to_json", "from_json"),
    ("toJson", "fromJson"), ("encodeURI", "decodeURI"), ("formatMediaType", "parseMediaType"),
    ("toString", "parse"), ("dumps", "loads"), ("serialize", "parse"), ("Encode", "Decode"),
    ("encode_label", "decode_label"), ("sign", "verify"), ("stringify", "parse"),
    ("formatDate", "parseDate"),
])
def test_names_that_differ_by_one_word_of_a_pair_are_inverses(producer, consumer):
    assert inverse_of(producer, consumer)


@pytest.mark.parametrize("producer, consumer", [
    ("formatter", "parse"),  # the word is part of a longer one
    ("encode", "decoder"), ("encode", "parse"), ("alabel", "ulabel"),
    ("decode", "encode"),  # the direction matters: the producer holds the first word
    ("encode_label", "decode_name"), ("format", "decode"), ("formatDate", "parse"),
])
def test_other_names_are_not(producer, consumer):
    assert not inverse_of(producer, consumer)
