"""The LLM engine against the stub provider: batching, models, reuse, cache, budget,
concurrency, estimates."""

from __future__ import annotations

import subprocess
import sys

from testgen.llm.provider import ModelTarget, Provider
from testgen.llm.stub import Fault
from testgen.model import Prompt


def statuses(candidates):
    return [c.status for c in candidates]


def test_small_definitions_of_one_file_share_one_request(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    job = toy.job([toy.definition(n) for n in ("double", "triple", "halve")])

    candidates = make_engine().generate([job])[job.id]

    assert stub_llm.request_count == 1
    assert [c.id for c in candidates] == ["toy/mod.toy::double::test_double",
                                          "toy/mod.toy::triple::test_triple",
                                          "toy/mod.toy::halve::test_halve"]
    assert statuses(candidates) == ["pending"] * 3
    assert candidates[0].imports == ("from toy.mod import double",)
    assert candidates[0].model == toy.model
    assert candidates[0].details["edge_cases_covered"] == ["typical"]
    assert candidates[0].details["coverage_lines"] == [1, 2]
    assert candidates[0].engine == "llm"


def test_batches_hold_at_most_batch_size_definitions(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    job = toy.job([toy.definition(f"f{n}") for n in range(5)])

    make_engine(generation={"batch_size": 2}).generate([job])

    assert stub_llm.request_count == 3


def test_requests_released_together_set_off_one_spacing_apart(make_engine, stub_llm, toy,
                                                               fake_clock):
    from testgen.llm.provider import START_SPACING

    stub_llm.responder = toy.answer
    job = toy.job([toy.definition(f"f{n}") for n in range(4)])

    make_engine(generation={"batch_size": 1}, parallel=4, clock=fake_clock).generate([job])

    assert stub_llm.request_count == 4
    # The first goes at once; each of the other three waits for its turn, never longer
    # than the spacing of the requests before it.
    assert len(fake_clock.sleeps) == 3
    assert all(0 < s <= 3 * START_SPACING + 1e-9 for s in fake_clock.sleeps)
    assert sum(fake_clock.sleeps) <= 3 * START_SPACING + 1e-9


def test_a_large_definition_gets_a_request_of_its_own(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    job = toy.job([toy.definition("small"), toy.definition("large", lines=80),
                   toy.definition("tiny")])

    candidates = make_engine().generate([job])[job.id]

    assert stub_llm.request_count == 2
    assert statuses(candidates) == ["pending"] * 3


def test_the_prompt_holds_the_definition_code_and_probes_not_the_whole_file(
        make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    definition = toy.definition("double")
    job = toy.job([definition])
    job.source = job.source.__class__(job.source.path, job.source.rel_path, "toy",
                                      "WHOLE FILE TEXT " * 50, job.source.project_root)

    make_engine().generate([job])

    sent = stub_llm.requests[0].text
    assert definition.code in sent
    assert "# observed: toy/mod.toy::double(2) -> 4" in sent
    assert "WHOLE FILE TEXT" not in sent


def test_simple_definitions_go_to_the_small_model(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    job = toy.job([toy.definition("simple", lines=4, complexity=1),
                   toy.definition("involved", lines=12, complexity=6)])

    candidates = make_engine(small_model="openai/gpt-4o-mini-small").generate([job])[job.id]

    models = sorted(r.body["model"] for r in stub_llm.requests)
    assert models == ["gpt-4o-mini", "gpt-4o-mini-small"]
    assert {c.definition.split("::")[1]: c.model for c in candidates} == {
        "simple": "openai/gpt-4o-mini-small", "involved": "openai/gpt-4o-mini"}


def test_tests_of_a_batch_are_attributed_by_what_they_call_when_unlabelled(
        make_engine, stub_llm, toy):
    from testgen.llm.stub import json_answer

    stub_llm.script(json_answer([
        {"test_name": "test_it_works", "test_code": "def test_it_works():\n  assert halve(4) == 2"},
        {"test_name": "test_other", "test_code": "def test_other():\n  assert double(1) == 2"}]))
    job = toy.job([toy.definition("double"), toy.definition("halve")])

    candidates = make_engine().generate([job])[job.id]

    assert {c.test_name: c.definition for c in candidates} == {
        "test_other": "toy/mod.toy::double", "test_it_works": "toy/mod.toy::halve"}


def test_a_definition_the_answer_forgot_gets_an_error_with_a_reason(make_engine, stub_llm, toy):
    from testgen.llm.stub import json_answer

    stub_llm.script(json_answer([{"test_name": "test_double", "definition": "double",
                                  "test_code": "def test_double():\n  assert double(1) == 2"}]))
    job = toy.job([toy.definition("double"), toy.definition("halve")])

    candidates = make_engine().generate([job])[job.id]

    assert statuses(candidates) == ["pending", "skipped"]
    assert candidates[1].reason == "the model wrote no test for it"


def test_identical_definitions_are_generated_once_and_the_tests_reused(
        make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    first = toy.job([toy.definition("double", file="toy/mod.toy", content_hash="same")],
                    file="toy/mod.toy")
    copy = toy.job([toy.definition("double", file="vendor/mod.toy", content_hash="same")],
                   file="vendor/mod.toy")

    result = make_engine().generate([first, copy])

    assert stub_llm.request_count == 1
    [original] = result[first.id]
    [reused] = result[copy.id]
    assert reused.id == "vendor/mod.toy::double::test_double"
    assert reused.imports == ("from vendor.mod import double",)
    assert reused.reused_from == "toy/mod.toy::double"
    assert original.imports == ("from toy.mod import double",)


def test_the_same_test_name_in_two_types_of_one_file_is_renamed(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    definition = toy.definition("double")
    unit, edge = toy.job([definition], test_type="unit"), toy.job([definition],
                                                                  test_type="edge-cases")

    result = make_engine().generate([unit, edge])

    assert result[unit.id][0].test_name == "test_double"
    renamed = result[edge.id][0]
    assert renamed.test_name == "test_double_2"
    assert renamed.code.startswith("def test_double_2():")
    assert renamed.id == "toy/mod.toy::double::test_double_2"


def test_untestable_definitions_are_skipped_without_a_request(make_engine, stub_llm, toy):
    job = toy.job([toy.definition("hidden", testable=False)])

    [candidate] = make_engine().generate([job])[job.id]

    assert stub_llm.request_count == 0
    assert candidate.status == "skipped" and candidate.reason


def test_a_second_run_is_answered_by_the_cache_with_no_request(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    job = toy.job([toy.definition("double"), toy.definition("halve")])
    engine = make_engine()
    first = engine.generate([job])[job.id]
    stub_llm.reset()

    second = engine.generate([job])[job.id]

    assert stub_llm.request_count == 0
    assert [c.code for c in second] == [c.code for c in first]
    assert engine.stats.cached_requests == 1
    assert second[0].details["cached"] is True


def test_another_checkout_sharing_the_cache_makes_no_paid_request(
        make_engine, stub_llm, toy, tmp_path):
    stub_llm.responder = toy.answer
    shared = tmp_path / "shared-cache"
    job = toy.job([toy.definition("double")])
    make_engine(cache_dir=shared).generate([job])
    stub_llm.reset()

    other = make_engine(cache_dir=shared)
    other.generate([toy.job([toy.definition("double")])])

    assert stub_llm.request_count == 0
    assert other.stats.cost_usd == 0


def test_the_budget_stops_requests_before_the_cap_is_passed(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    jobs = [toy.job([toy.definition(f"f{n}")], file=f"toy/m{n}.toy") for n in range(8)]
    engine = make_engine(parallel=1)
    [(_, prompt)] = engine.render(jobs[:1])
    target = engine._target(toy.model, with_key=False)
    worst_case = engine.pricing.of_tokens(toy.model, engine.provider.count_tokens(prompt, target),
                                          1024)  # a request is priced at max_tokens out
    cap = 1.2 * worst_case
    engine.budget.cap = cap

    result = engine.generate(jobs)

    candidates = [c for job in jobs for c in result[job.id]]
    skipped = [c for c in candidates if c.status == "skipped"]
    assert 0 < engine.stats.cost_usd <= cap
    assert engine.stats.budget_exhausted
    assert skipped and all(c.reason == "budget" for c in skipped)
    assert stub_llm.request_count == len(candidates) - len(skipped) >= 1


def test_requests_run_concurrently_up_to_parallel(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    stub_llm.latency = 0.3
    jobs = [toy.job([toy.definition("f", lines=60)], file=f"toy/m{n}.toy") for n in range(12)]

    make_engine(parallel=4).generate(jobs)

    assert stub_llm.request_count == 12
    assert stub_llm.max_concurrent == 4


def test_requests_per_minute_limit_paces_the_requests(make_engine, stub_llm, toy, fake_clock):
    stub_llm.responder = toy.answer
    jobs = [toy.job([toy.definition("f")], file=f"toy/m{n}.toy") for n in range(4)]

    make_engine(requests_per_minute=2, clock=fake_clock, parallel=1).generate(jobs)

    assert stub_llm.request_count == 4
    assert sum(fake_clock.sleeps) == 60.0  # two go at once, then one every 30 s


def test_dry_run_makes_no_request(make_engine, stub_llm, toy):
    job = toy.job([toy.definition("double")])

    [candidate] = make_engine(dry_run=True).generate([job])[job.id]

    assert stub_llm.request_count == 0
    assert candidate.status == "skipped" and candidate.reason == "dry run"


def test_render_returns_the_prompts_without_sending_them(make_engine, stub_llm, toy):
    job = toy.job([toy.definition("double"), toy.definition("halve")])

    rendered = make_engine(dry_run=True).render([job])

    assert [(job_id, p.template) for job_id, p in rendered] == [(job.id, "toy/unit.j2")]
    assert "def double(x)" in rendered[0][1].user and "2 definitions" in rendered[0][1].user
    assert stub_llm.request_count == 0


def test_estimate_predicts_requests_tokens_and_dollars(make_engine, stub_llm, toy):
    jobs = [toy.job([toy.definition("double"), toy.definition("halve")]),
            toy.job([toy.definition("large", lines=80)], file="toy/big.toy")]

    estimate = make_engine(dry_run=True).estimate(jobs)

    assert estimate["requests"] == 2
    assert estimate["definitions"] == 3
    assert estimate["tokens_in"] > 50
    assert estimate["tokens_out"] == 3 * 450
    assert estimate["cost_usd"] > 0 and estimate["priced"]
    assert stub_llm.request_count == 0


def test_estimate_counts_cached_answers_as_free(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    job = toy.job([toy.definition("double")])
    engine = make_engine()
    engine.generate([job])

    estimate = engine.estimate([job])

    assert estimate["requests"] == 0 and estimate["cached_requests"] == 1
    assert estimate["cost_usd"] == 0


def test_an_unknown_model_price_counts_as_zero_with_one_warning(
        make_engine, stub_llm, toy, caplog):
    stub_llm.responder = toy.answer
    jobs = [toy.job([toy.definition("f", lines=60)], file=f"toy/m{n}.toy") for n in range(3)]

    engine = make_engine(model="openai/house-model-9000")
    engine.generate(jobs)

    assert stub_llm.request_count == 3
    assert engine.stats.cost_usd == 0
    warnings = [r for r in caplog.records if "no price known" in r.getMessage()]
    assert len(warnings) == 1 and "openai/house-model-9000" in warnings[0].getMessage()


def test_stats_count_tokens_latency_and_cost(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    events = []
    job = toy.job([toy.definition("double")])
    engine = make_engine()

    engine.generate([job], progress=lambda event, amount: events.append((event, amount)))

    stats = engine.stats
    assert stats.requests == 1 and stats.tokens_in > 0 and stats.tokens_out > 0
    assert stats.cost_usd > 0 and len(stats.latencies) == 1
    assert ("request", 1) in events
    assert any(e == "tokens" and n == stats.tokens_in + stats.tokens_out for e, n in events)
    assert any(e == "cost" and n == stats.cost_usd for e, n in events)


def test_anthropic_models_mark_the_system_prompt_cacheable():
    prompt = Prompt(system="stable instructions", user="the definition")

    anthropic = Provider.messages(prompt, ModelTarget("anthropic/claude-sonnet-4-5",
                                                      "anthropic"))
    openai = Provider.messages(prompt, ModelTarget("openai/gpt-4o-mini", "openai"))

    assert anthropic[0]["content"] == [{"type": "text", "text": "stable instructions",
                                        "cache_control": {"type": "ephemeral"}}]
    assert openai[0]["content"] == "stable instructions"
    assert anthropic[1] == openai[1] == {"role": "user", "content": "the definition"}


def test_importing_the_engine_does_not_import_litellm():
    code = "import testgen.engines.llm, testgen.cli.cache, testgen.cli.keys, sys; " \
           "assert 'litellm' not in sys.modules, 'litellm imported'"

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert proc.returncode == 0, proc.stderr


def test_a_fault_in_one_request_does_not_disturb_the_others(make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    stub_llm.script(Fault.auth_error())
    stub_llm.responder = toy.answer
    jobs = [toy.job([toy.definition("f", lines=60)], file=f"toy/m{n}.toy") for n in range(3)]

    result = make_engine(parallel=1, fallbacks=["openai/gpt-4o"]).generate(jobs)

    assert all(c.status == "pending" for job in jobs for c in result[job.id])


def test_a_language_without_prompt_templates_gets_the_generic_prompt(
        make_engine, stub_llm, toy, caplog):
    stub_llm.responder = toy.answer
    job = toy.job([toy.definition("double")])
    job.framework = job.framework.__class__("plaintest", "plain")
    for definition in job.definitions:
        definition.language = "plain"

    [candidate] = make_engine().generate([job])[job.id]

    assert candidate.status == "pending"
    sent = stub_llm.requests[0]
    assert "Definition double (toy/mod.toy:1)" in sent.text
    assert "- double(2) -> 4" in sent.text
    assert sum("using the generic prompt" in r.getMessage() for r in caplog.records) == 1


def test_ctrl_c_stops_issuing_requests_and_keeps_received_answers_cached(
        make_engine, stub_llm, toy):
    import pytest

    stub_llm.responder = toy.answer
    jobs = [toy.job([toy.definition("f", lines=60)], file=f"toy/m{n}.toy") for n in range(10)]
    engine = make_engine(parallel=1)

    def interrupt(event, amount):
        if event == "request":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        engine.generate(jobs, progress=interrupt)

    assert engine.interrupted
    assert stub_llm.request_count == 1
    stub_llm.reset()
    engine.generate(jobs[:1])
    assert stub_llm.request_count == 0  # the answer received before Ctrl-C was kept


def test_a_duplicate_whose_module_cannot_be_re_pointed_is_asked_for_itself(
        make_engine, stub_llm, toy):
    stub_llm.responder = toy.answer
    first = toy.job([toy.definition("double", file="a.toy", content_hash="same")], file="a.toy")
    copy = toy.job([toy.definition("double", file="b.toy", content_hash="same")], file="b.toy")

    result = make_engine().generate([first, copy])

    assert stub_llm.request_count == 2
    assert [c.definition for c in result[copy.id]] == ["b.toy::double"]
