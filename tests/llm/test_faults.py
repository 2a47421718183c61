"""Under every fault the stub injects, the run finishes with bounded retries and every
affected definition ends with a status and a reason."""

from __future__ import annotations

import json

import pytest

from testgen.engines import RepairRequest
from testgen.llm.provider import RetryPolicy
from testgen.llm.stub import Fault, json_answer

GOOD = json_answer([{"test_name": "test_double", "test_code":
                    "def test_double():\n    assert double(2) == 4\n"}])


def only(candidates):
    assert len(candidates) == 1, candidates
    return candidates[0]


def generate_one(engine, toy):
    job = toy.job([toy.definition("double")])
    return only(engine.generate([job])[job.id]), job


def test_429_is_retried_after_the_time_retry_after_asks(make_engine, stub_llm, toy, fake_clock):
    stub_llm.script(Fault.rate_limit(retry_after=7), GOOD)
    engine = make_engine(clock=fake_clock)

    candidate, _ = generate_one(engine, toy)

    assert candidate.status == "pending" and candidate.test_name == "test_double"
    assert stub_llm.request_count == 2
    assert fake_clock.sleeps and 7 <= fake_clock.sleeps[0] < 7.2
    assert engine.stats.retries == 1


@pytest.mark.parametrize("fault", [Fault.server_error(500), Fault.server_error(503),
                                   Fault.drop()], ids=["500", "503", "dropped"])
def test_server_errors_and_dropped_connections_are_retried(make_engine, stub_llm, toy, fault):
    stub_llm.script(fault, GOOD)
    engine = make_engine()

    candidate, _ = generate_one(engine, toy)

    assert candidate.status == "pending"
    assert stub_llm.request_count == 2


def test_a_request_that_times_out_is_retried(make_engine, stub_llm, toy):
    stub_llm.script(Fault.slow(3), GOOD)
    engine = make_engine(timeout=0.5)

    candidate, _ = generate_one(engine, toy)

    assert candidate.status == "pending"
    assert stub_llm.request_count == 2


def test_retries_are_bounded_and_the_definition_ends_as_an_error(make_engine, stub_llm, toy):
    stub_llm.responder = lambda body: Fault.server_error(500)
    engine = make_engine(retry=RetryPolicy(max_retries=3, base_delay=0.01))

    candidate, _ = generate_one(engine, toy)

    assert stub_llm.request_count == 4
    assert candidate.status == "error"
    assert "server error 500" in candidate.reason and "gave up after 4 tries" in candidate.reason
    assert candidate.code == ""


def test_persistent_timeouts_end_as_an_error_naming_the_timeout(make_engine, stub_llm, toy):
    stub_llm.responder = lambda body: Fault.slow(3)
    engine = make_engine(timeout=0.3, retry=RetryPolicy(max_retries=1, base_delay=0.01))

    candidate, _ = generate_one(engine, toy)

    assert stub_llm.request_count == 2
    assert candidate.status == "error" and "timed out" in candidate.reason


def test_a_retry_after_longer_than_the_policy_allows_moves_on_to_the_fallback(
        make_engine, stub_llm, toy):
    stub_llm.script(Fault.rate_limit(retry_after=3600), GOOD)
    engine = make_engine(fallbacks=["openai/gpt-4o"])

    candidate, _ = generate_one(engine, toy)

    assert candidate.status == "pending"
    assert [r.body["model"] for r in stub_llm.requests] == ["gpt-4o-mini", "gpt-4o"]
    assert candidate.model == "openai/gpt-4o"


def test_the_fallback_model_answers_when_the_primary_keeps_failing(make_engine, stub_llm, toy):
    stub_llm.responder = lambda body: (Fault.server_error(502) if body["model"] == "gpt-4o-mini"
                                       else GOOD)
    engine = make_engine(fallbacks=["openai/gpt-4o"],
                         retry=RetryPolicy(max_retries=1, base_delay=0.01))

    candidate, _ = generate_one(engine, toy)

    assert candidate.status == "pending"
    assert [r.body["model"] for r in stub_llm.requests] == ["gpt-4o-mini", "gpt-4o-mini",
                                                            "gpt-4o"]


def test_authentication_failure_is_not_retried_and_is_fatal_for_the_run(
        make_engine, stub_llm, toy):
    stub_llm.responder = lambda body: Fault.auth_error()
    engine = make_engine(parallel=1)
    job = toy.job([toy.definition("double"), toy.definition("triple", lines=60)])

    candidates = engine.generate([job])[job.id]

    assert stub_llm.request_count == 1  # the second request never goes to a refusing model
    assert [c.status for c in candidates] == ["error", "error"]
    assert all("authentication failed" in c.reason for c in candidates)
    assert engine.fatal_error is not None and engine.fatal_error.code == "TG301"
    assert engine.fatal_error.exit_code == 3


def test_truncated_json_is_an_error_candidate_without_the_raw_text(make_engine, stub_llm, toy):
    stub_llm.script(Fault.truncated(GOOD))
    engine = make_engine()

    candidate, _ = generate_one(engine, toy)

    assert candidate.status == "error"
    assert "truncated" in candidate.reason and "max_tokens" in candidate.reason
    assert "double(2)" not in candidate.reason and candidate.code == ""


def test_an_unusable_answer_is_not_cached_so_the_next_run_asks_again(make_engine, stub_llm, toy):
    stub_llm.script("I am sorry, I cannot help with that.", GOOD)
    engine = make_engine()
    job = toy.job([toy.definition("double")])

    first = only(engine.generate([job])[job.id])
    second = only(engine.generate([job])[job.id])

    assert first.status == "error" and "neither the JSON" in first.reason
    assert second.status == "pending"
    assert stub_llm.request_count == 2


@pytest.mark.parametrize("bad_code, feedback", [
    ("def test_double(:\n    assert double(2) == 4\n", "SyntaxError: invalid syntax (line 1)"),
    ("from toy.imaginary import helper\n\ndef test_double():\n    assert helper(2) == 4\n",
     "ModuleNotFoundError: No module named 'toy.imaginary'"),
    ("def test_double():\n    assert double(2) == 5\n", "AssertionError: assert 4 == 5"),
], ids=["does-not-compile", "hallucinated-import", "failing-test"])
def test_broken_tests_go_back_to_the_model_with_the_error_and_come_back_fixed(
        make_engine, stub_llm, toy, bad_code, feedback):
    stub_llm.script(json_answer([{"test_name": "test_double", "test_code": bad_code}]), GOOD)
    engine = make_engine()
    candidate, job = generate_one(engine, toy)
    assert candidate.status == "pending"  # the pipeline's compile/run step finds the fault
    candidate.status, candidate.reason = "failed", feedback

    repaired = engine.repair([RepairRequest(job, candidate, feedback)])

    fixed = repaired[candidate.id]
    assert fixed.status == "pending"
    assert fixed.code == "def test_double():\n    assert double(2) == 4\n"
    assert fixed.repaired_from == candidate.id
    repair_prompt = stub_llm.requests[-1].text
    assert feedback in repair_prompt and bad_code.strip() in repair_prompt
    assert "possible_bug" in repair_prompt


def test_a_repair_answer_saying_the_code_is_wrong_makes_a_possible_bug(
        make_engine, stub_llm, toy):
    stub_llm.script(GOOD, json.dumps({"possible_bug": "double(2) returns 5, the name says 4"}))
    engine = make_engine()
    candidate, job = generate_one(engine, toy)
    candidate.status = "failed"

    repaired = engine.repair([RepairRequest(job, candidate, "AssertionError: 5 != 4")])

    verdict = repaired[candidate.id]
    assert verdict.status == "possible-bug"
    assert verdict.reason == "double(2) returns 5, the name says 4"


def test_a_repair_that_cannot_be_parsed_keeps_the_failure_and_says_why(
        make_engine, stub_llm, toy):
    stub_llm.script(GOOD, Fault.truncated(GOOD))
    engine = make_engine()
    candidate, job = generate_one(engine, toy)
    candidate.status, candidate.reason = "failed", "AssertionError"

    repaired = engine.repair([RepairRequest(job, candidate, "AssertionError")])

    kept = repaired[candidate.id]
    assert kept.status == "failed"
    assert kept.reason.startswith("AssertionError (unusable repair answer")


def test_a_whole_batch_under_mixed_faults_finishes_with_a_status_for_everything(
        make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    stub_llm.script(Fault.rate_limit(0), Fault.drop(), Fault.truncated(GOOD), Fault.slow(3),
                    Fault.server_error(500), "not json at all")
    engine = make_engine(timeout=0.5, generation={"batch_size": 1})
    jobs = [toy.job([toy.definition(f"f{n}") for n in range(3)], file=f"toy/m{k}.toy")
            for k in range(3)]

    result = engine.generate(jobs)

    candidates = [c for job in jobs for c in result[job.id]]
    assert len(candidates) == 9
    assert all(c.status in ("pending", "error") for c in candidates)
    assert all(c.reason for c in candidates if c.status == "error")
    assert sum(c.status == "error" for c in candidates) == 2  # truncated + prose


def test_a_repair_that_returns_the_same_test_is_not_offered_again(make_engine, stub_llm, toy):
    stub_llm.script(GOOD, GOOD)
    engine = make_engine()
    candidate, job = generate_one(engine, toy)
    candidate.status = "failed"

    repaired = engine.repair([RepairRequest(job, candidate, "AssertionError")])

    assert repaired == {}
    assert stub_llm.request_count == 2


def test_an_answer_with_no_tests_is_skipped_and_cached(make_engine, stub_llm, toy):
    stub_llm.script('{"tests": []}')
    engine = make_engine()
    job = toy.job([toy.definition("double")])

    first = only(engine.generate([job])[job.id])
    second = only(engine.generate([job])[job.id])

    assert first.status == second.status == "skipped"
    assert first.reason == "the model wrote no test for it"
    assert stub_llm.request_count == 1


def test_a_cloud_model_without_any_key_fails_fast_with_what_to_do(
        make_engine, stub_llm, toy, memory_keyring):
    engine = make_engine(model="anthropic/claude-sonnet-4-5", api_base=None)
    job = toy.job([toy.definition("double")])

    [candidate] = engine.generate([job])[job.id]

    assert stub_llm.request_count == 0
    assert candidate.status == "error"
    assert "ANTHROPIC_API_KEY" in candidate.reason and "set-key anthropic" in candidate.reason
    assert engine.fatal_error is not None and engine.fatal_error.code == "TG301"
