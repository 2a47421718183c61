"""Reading tests out of model answers: JSON, fenced JSON, code fences, or a clear error."""

from __future__ import annotations

import json

import pytest

from testgen.llm.structured import OutputError
from testgen.llm.structured import parse_output as parse_any
from testgen.plugins import Plugins

LANGUAGES = Plugins.load()


def parse_output(text, **options):
    """Read an answer about Python code (the language names tests and imports)."""
    return parse_any(text, reader=options.pop("reader", LANGUAGES.language("python")),
                     **options)


TEST = {"test_name": "test_add", "test_code": "def test_add():\n    assert add(1, 2) == 3\n",
        "imports": ["from calc import add"], "coverage_lines": [3, "5-7", "x", True],
        "edge_cases_covered": ["typical"], "mocked_dependencies": []}


def test_plain_json_answer_gives_its_tests():
    parsed = parse_output(json.dumps({"tests": [TEST]}))

    assert parsed.method == "json"
    [test] = parsed.tests
    assert test.test_name == "test_add"
    assert test.imports == ("from calc import add",)
    assert test.coverage_lines == (3, 5, 6, 7)
    assert test.edge_cases_covered == ("typical",)


def test_json_inside_a_fence_after_prose_is_found():
    answer = "Here are the tests:\n\n```json\n" + json.dumps({"tests": [TEST]}) + "\n```\nEnjoy"

    parsed = parse_output(answer)

    assert parsed.method == "fenced-json"
    assert [t.test_name for t in parsed.tests] == ["test_add"]


def test_json_wrapped_in_prose_without_a_fence_is_found():
    parsed = parse_output("Sure! " + json.dumps({"tests": [TEST]}) + " Hope it helps.")

    assert [t.test_name for t in parsed.tests] == ["test_add"]


def test_code_fences_give_one_test_each_named_after_the_function():
    answer = ("Two tests:\n```python\nimport pytest\nfrom calc import add\n\n"
              "def test_adds_small_numbers():\n    assert add(1, 2) == 3\n```\n"
              "and\n```python\ndef test_rejects_text():\n    with pytest.raises(TypeError):\n"
              "        add('a', 1)\n```\n")

    parsed = parse_output(answer)

    assert parsed.method == "code-fences"
    assert [t.test_name for t in parsed.tests] == ["test_adds_small_numbers", "test_rejects_text"]
    assert parsed.tests[0].imports == ("import pytest", "from calc import add")
    assert parsed.tests[0].test_code.startswith("def test_adds_small_numbers")


@pytest.mark.parametrize("language, fence, name", [
    ("go", "```go\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 { t.Fatal() }\n}\n```", "TestAdd"),
    ("rust", "```rust\n#[test]\nfn adds_two() {\n    assert_eq!(add(1, 2), 3);\n}\n```", "adds_two"),
    ("javascript", "```ts\ntest('adds two numbers', () => {\n  expect(add(1, 2)).toBe(3);\n});\n```",
     "adds two numbers"),
])
def test_code_fences_of_other_languages_are_named_by_their_language(language, fence, name):
    assert [t.test_name for t in parse_any(fence, reader=LANGUAGES.language(language)).tests] == [name]


def test_truncated_json_is_an_error_that_says_so():
    whole = json.dumps({"tests": [TEST, TEST]})

    with pytest.raises(OutputError) as caught:
        parse_output(whole[: len(whole) // 2])

    assert "truncated" in caught.value.reason


def test_prose_without_tests_is_an_error():
    with pytest.raises(OutputError) as caught:
        parse_output("I cannot write tests for this function, sorry.")

    assert "neither" in caught.value.reason


def test_empty_answer_is_an_error():
    with pytest.raises(OutputError):
        parse_output("   ")


def test_a_test_without_code_is_dropped_and_the_rest_kept():
    parsed = parse_output(json.dumps({"tests": [{"test_name": "test_empty"}, TEST]}))

    assert [t.test_name for t in parsed.tests] == ["test_add"]
    assert parsed.problems and "test_code" in parsed.problems[0]


def test_an_answer_where_no_test_matches_the_schema_is_an_error():
    with pytest.raises(OutputError) as caught:
        parse_output(json.dumps({"tests": [{"name": "x", "code": 3}]}))

    assert "schema" in caught.value.reason


def test_a_missing_test_name_is_taken_from_the_code():
    parsed = parse_output(json.dumps({"tests": [{"test_code": "def test_from_code():\n  pass"}]}))

    assert parsed.tests[0].test_name == "test_from_code"


def test_imports_given_as_one_string_are_split_into_lines():
    raw = dict(TEST, imports="import os\nimport sys")

    assert parse_output(json.dumps({"tests": [raw]})).tests[0].imports == ("import os",
                                                                          "import sys")


def test_possible_bug_verdict_carries_one_line_of_evidence():
    parsed = parse_output('{"possible_bug": "add(2, 2) returns 5;\\n the docstring says 4"}')

    assert parsed.tests == []
    assert parsed.possible_bug == "add(2, 2) returns 5; the docstring says 4"


def test_definition_field_is_kept_for_batches():
    parsed = parse_output(json.dumps({"tests": [dict(TEST, definition="Cart.add")]}))

    assert parsed.tests[0].definition == "Cart.add"
