"""Strings shaped like what a name says it holds, shared by the offline engines."""

import pytest

from testgen.kit.shapes import SHAPES, shaped_strings, words


def _samples_of(word: str) -> list[str]:
    return [s for shape, samples in SHAPES if word in shape for s in samples]


@pytest.mark.parametrize("name, word", [
    ("url", "url"), ("base_url", "url"), ("url_prefix", "url"), ("baseUrl", "url"),
    ("parseURL", "url"), ("URLParser", "url"), ("ip-address", "ip"), ("ipv4Addr", "ipv4"),
    ("parse_version", "version"), ("SemverRange", "semver"), ("Version", "version"),
    ("email_address", "email"), ("CONTENT_TYPE", "contenttype"), ("media_type", "mediatype"),
])
def test_a_word_of_the_name_anywhere_in_it_asks_for_its_shape(name, word):
    assert set(_samples_of(word)) <= set(shaped_strings(name))


def test_a_name_that_names_no_shape_gets_no_strings():
    assert shaped_strings("convert", "text", "heck") == []
    assert shaped_strings() == []


@pytest.mark.parametrize("name", ["clipboard", "diversity", "profile_id", "hurl"])
def test_a_shape_word_inside_a_longer_word_asks_for_nothing(name):
    # "ip" in "clipboard", "ver" in "diversity", "file" in "profile", "url" in "hurl"
    assert shaped_strings(name) == []


def test_words_split_camel_snake_kebab_case_and_numbers():
    assert words("parseHTTP2Header_value-x") >= {"parse", "http", "http2", "2", "header",
                                                  "value", "x"}
    assert "parsehttp2headervaluex" in words("parseHTTP2Header_value-x")


def test_the_first_sample_is_the_first_of_the_first_shape_the_name_asks_for():
    assert shaped_strings("url")[0] == "https://example.com/a/b?c=1#d"
    assert shaped_strings("version")[0] == "1.2.3"
    assert shaped_strings("ip")[0] == "192.168.1.1"


def test_shapes_come_in_table_order_whichever_name_asked_first():
    url, version = _samples_of("url"), _samples_of("version")
    assert shaped_strings("version", "url") == url + version
    assert shaped_strings("url_version") == url + version


def test_a_sample_of_several_shapes_comes_once_at_its_first_place():
    # `accept` is a list of media ranges and one media type: both hold 'text/html; charset=…'
    found = shaped_strings("accept")
    assert found.count("text/html; charset=utf-8") == 1
    assert found.index("text/html; charset=utf-8") == 1
    assert "application/json" in found


def test_a_name_given_twice_or_two_names_of_one_shape_give_its_samples_once():
    assert shaped_strings("url", "href", "url") == _samples_of("url")
