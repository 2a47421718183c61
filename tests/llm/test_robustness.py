"""Imperfect answers, as real models give them: each test that can be read is kept, on its
own; the rest become placeholders with a reason, never a test."""

from __future__ import annotations

import json

import pytest

from testgen.llm.stub import Fault, json_answer
from testgen.llm.structured import parse_output, repair_json


def _test(name: str) -> dict:
    return {"test_name": name, "test_code": f"def {name}():\n    assert f(2) == 4\n",
            "imports": ["from toy.mod import f"]}


FIVE = [_test(f"test_f_{n}") for n in range(5)]

CORPUS = {
    "raw newlines in strings": (
        '{"tests": [{"test_name": "test_f", "test_code": "def test_f():\n    assert f(2) == 4\n",'
        ' "imports": ["from toy.mod import f"]}]}', 1),
    "trailing commas": (
        '{"tests": [{"test_name": "test_f", "test_code": "def test_f():\\n    assert f(2) == 4",'
        ' "imports": ["from toy.mod import f",],},],}', 1),
    "triple-quoted strings": (
        '{"tests": [{"test_name": "test_f", "test_code": """def test_f():\n    assert f(2) == 4\n"""'
        '}]}', 1),
    "markdown fence": ("Here you go:\n```json\n" + json_answer([_test("test_f")]) + "\n```\n", 1),
    "prose before the JSON": ("Sure! These tests cover f.\n\n" + json_answer([_test("test_f")]),
                              1),
    "one broken among five": (json.dumps({"tests": [*FIVE[:2], {"test_name": "test_f_x"},
                                                    *FIVE[2:]]}), 5),
    "a mangled test among five": (
        json_answer(FIVE[:2])[:-2] + ', {"test_name": "test_bad", "test_code": 12 34},'
        + json_answer(FIVE[2:])[len('{"tests": ['):], 5),
}


@pytest.mark.parametrize("kind", sorted(CORPUS))
def test_every_readable_test_of_an_imperfect_answer_is_kept(kind):
    text, expected = CORPUS[kind]
    parsed = parse_output(text)
    assert len(parsed.tests) == expected
    assert all(t.test_code.startswith("def test_") for t in parsed.tests)


def test_a_truncated_answer_keeps_its_complete_tests():
    text = json_answer(FIVE)
    cut = text[: text.index('"test_f_4"') + 20]
    parsed = parse_output(cut, truncated=True)
    assert [t.test_name for t in parsed.tests] == [f"test_f_{n}" for n in range(4)]
    assert parsed.method == "salvaged-json"


def test_repairing_valid_json_changes_nothing():
    text = json_answer(FIVE)
    assert repair_json(text) == text


def test_an_answer_cut_at_max_tokens_is_asked_again_in_halves(make_engine, stub_llm, toy):
    first, second = toy.definition("first"), toy.definition("second")
    stub_llm.script(Fault.truncated(toy.answer({"messages": [{"content": "def first(x)\n"
                                                                        "def second(x)"}]}),
                                    keep=0.3))
    stub_llm.responder = toy.answer

    result = make_engine().generate([toy.job([first, second])])

    assert stub_llm.request_count == 3
    made = {c.definition: c.status for c in next(iter(result.values()))}
    assert made == {first.key: "pending", second.key: "pending"}


def test_json_mode_asks_for_the_test_schema(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    make_engine().generate([toy.job([toy.definition("f")])])
    body = stub_llm.requests[0].body
    assert body["response_format"]["type"] == "json_schema"
    assert "tests" in body["response_format"]["json_schema"]["schema"]["properties"]


def test_provider_options_are_passed_through(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    make_engine(options={"top_p": 0.5, "extra_body": {"num_ctx": 8192}},
                json_mode="off").generate([toy.job([toy.definition("f")])])
    body = stub_llm.requests[0].body
    assert body["top_p"] == 0.5 and body["num_ctx"] == 8192
    assert "response_format" not in body


def test_a_model_with_tools_can_ask_for_a_definition(make_engine, stub_llm, toy):
    from testgen.engines import GenerationJob
    from testgen.model import Framework

    helper = toy.definition("helper")
    target = toy.definition("target")
    job = GenerationJob.for_file(toy.job([target]).source, [target], [target, helper],
                                 Framework("toytest", "toy"), "unit")
    stub_llm.script(Fault.tool_call("get_info", symbol="helper"))
    stub_llm.responder = toy.answer

    result = make_engine(tools=True).generate([job])

    assert stub_llm.request_count == 2
    assert stub_llm.requests[0].body["tools"][0]["function"]["name"] == "get_info"
    answered = [m for m in stub_llm.requests[1].messages if m["role"] == "tool"]
    assert "def helper(x)" in answered[0]["content"]
    assert {c.status for c in result[job.id] if c.definition == target.key} == {"pending"}
