"""testgen.kit.selection: which probes make a test of each type, and test names."""

from __future__ import annotations

from testgen.kit.selection import (
    TestNames, behaviour, camel, cut, fits, lines_in, select, snake, test_name,
)
from testgen.model import Probe


def probe(call: str, lines=(), outcome="return", value="1", category="typical",
          exception=None, message=None) -> Probe:
    return Probe(definition="m.py::f", call=call, covered_lines=frozenset(lines),
                 outcome=outcome, value=value if outcome == "return" else None,
                 category=category, exception=exception, message=message)


# ---------------------------------------------------------------------------- fits


def test_edge_cases_take_boundary_literal_and_default_inputs_only():
    kinds = {c: probe("f()", category=c) for c in ("boundary", "literal", "default",
                                                    "typical", "invalid")}
    assert {c for c, p in kinds.items() if fits(p, "edge-cases")} == {
        "boundary", "literal", "default"}


def test_negative_tests_take_only_calls_that_raised():
    raised = probe("f(-1)", outcome="raise", exception="ValueError")
    assert fits(raised, "negative") and not fits(probe("f(1)"), "negative")


def test_other_test_types_take_every_probe():
    assert all(fits(probe("f()", category="invalid"), t) for t in ("unit", "regression"))


# ---------------------------------------------------------------------------- select


def test_the_probe_running_most_new_lines_is_chosen_and_one_adding_none_is_not():
    small, big, inside = probe("f(1)", {2}), probe("f(2)", {2, 3, 4}), probe("f(3)", {3})
    assert select([small, big, inside], "unit") == [big]


def test_lines_outside_the_span_do_not_count():
    helper_heavy = probe("f(1)", {2, 40, 41, 42})
    own = probe("f(2)", {2, 3})
    assert select([helper_heavy, own], "unit", span=(1, 5)) == [own]


def test_a_probe_with_no_line_in_the_span_counts_all_its_lines():
    assert lines_in(probe("f()", {40, 41}), (1, 5)) == {40, 41}


def test_docstring_examples_come_first_in_unit_and_regression_tests():
    doc = probe("f(0)", {2}, category="doc-example")
    wide = probe("f(9)", {2, 3, 4, 5})
    assert select([wide, doc], "unit")[0] is doc
    assert select([wide, doc], "regression")[0] is doc
    assert select([wide, doc], "edge-cases") == []


def test_ties_prefer_typical_inputs_and_short_calls():
    boundary = probe("f(0)", {2}, category="boundary")
    long_call = probe("f(1, 2, 3)", {2})
    short = probe("f(1)", {2})
    assert select([boundary, long_call, short], "unit") == [short]


def test_a_second_exception_is_kept_though_it_runs_no_new_line():
    first = probe("f(-1)", {2, 3}, outcome="raise", exception="ValueError")
    other = probe("f(None)", {2}, outcome="raise", exception="TypeError")
    assert select([first, other], "negative") == [first, other]


def test_unit_tests_keep_the_other_answer_of_a_predicate_but_not_another_value():
    yes = probe("f(1)", {2, 3}, value="True")
    no = probe("f(2)", {2}, value="False")
    seven = probe("f(7)", {2}, value="7")
    assert select([yes, no, seven], "unit") == [yes, no]
    assert select([yes, seven], "regression") == [yes, seven]


def test_the_language_names_its_boolean_literals():
    yes, no = probe("f(1)", {2, 3}, value="yes"), probe("f(2)", {2}, value="no")
    assert select([yes, no], "unit") == [yes]
    assert select([yes, no], "unit", booleans=("yes", "no")) == [yes, no]


def test_invalid_inputs_are_not_added_for_their_behaviour_alone():
    good = probe("f(1)", {2, 3})
    invalid = probe("f(x)", {2}, outcome="raise", exception="TypeError", category="invalid")
    assert select([good, invalid], "regression") == [good]


def test_edge_cases_fill_up_with_distinct_behaviours():
    zero = probe("f(0)", {2, 3}, value="0", category="boundary")
    big = probe("f(10**9)", {2}, value="1000000000", category="boundary")
    same = probe("f(-0)", {2}, value="0", category="boundary")
    assert select([zero, big, same], "edge-cases") == [zero, big]


def test_the_limit_bounds_the_choice():
    probes = [probe(f"f({n})", {n}) for n in range(20)]
    assert len(select(probes, "unit")) == 6
    assert len(select(probes, "regression")) == 10
    assert len(select(probes, "unit", limit=3)) == 3


def test_behaviour_tells_exceptions_and_values_apart():
    assert behaviour(probe("f()", outcome="raise", exception="KeyError", message="k")) == (
        "raise", "KeyError", "k")
    assert behaviour(probe("f()", value="x" * 50)) == ("return", "x" * 40)


# ---------------------------------------------------------------------------- names


def test_parts_are_joined_as_whole_words():
    assert test_name("parse_price", "rejects", "empty_text") == \
        "test_parse_price_rejects_empty_text"


def test_names_are_identifier_safe():
    assert test_name("area", "with side-2.5", "", "__x__") == "test_area_with_side_2_5_x"


def test_a_long_name_is_cut_at_a_word_boundary():
    name = test_name("word_" * 30, max_length=22)
    assert name == "test_word_word_word_word"
    assert cut("abcdefghij", 4) == "abcd"


def test_a_taken_name_gets_the_distinguishing_words_first():
    names = TestNames()
    assert names.make("area") == "test_area"
    assert names.make("area", extra="side_3") == "test_area_side_3"


def test_a_taken_name_without_distinguishing_words_gets_a_counter():
    names = TestNames()
    assert [names.make("area"), names.make("area"), names.make("area")] == [
        "test_area", "test_area_2", "test_area_3"]
    assert names.make("area", extra="side_3") == "test_area_side_3"
    assert names.make("area", extra="side_3") == "test_area_4"


def test_names_already_in_the_file_are_not_reused():
    assert test_name("area", taken=["test_area"]) == "test_area_2"
    assert "test_x" in TestNames(taken=["test_x"])


def test_another_prefix_and_separator_for_other_conventions():
    names = TestNames(prefix="Test", separator="", max_length=40)
    assert names.make(camel("parse_price"), "Rejects", "Empty") == "TestParsePriceRejectsEmpty"


def test_snake_and_camel_turn_identifiers_into_words():
    assert snake("parsePrice") == "parse_price"
    assert snake("HTTP-Server 2") == "http_server_2"
    assert camel("parse_price") == "ParsePrice"
