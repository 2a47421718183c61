"""A canary key, set through the environment or the keyring, reaches the provider and
nothing else: not the logs, the cache, the candidates, the errors or the CLI output."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from testgen.engines import RepairRequest
from testgen.llm.stub import Fault, json_answer
from testgen.secrets import RedactSecrets

CANARY = "sk-proj-CANARYc4n4ryC4N4RY0123456789abcdef"


@pytest.fixture
def debug_log(tmp_path):
    """Everything logged at DEBUG, through the redaction filter, as the CLI installs it."""
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path)
    handler.setLevel(logging.DEBUG)
    handler.addFilter(RedactSecrets())
    loggers = [logging.getLogger(), logging.getLogger("testgen")]
    levels = [lg.level for lg in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield path
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)
    handler.close()


def run_everything(make_engine, stub_llm, toy):
    """A run that logs raw answers, fails authentication with the key in the provider's
    message, and repairs a test — every path a key could leak through."""
    good = json_answer([{"test_name": "test_double",
                         "test_code": "def test_double():\n    assert double(2) == 4\n"}])
    stub_llm.script(good, Fault.truncated(good), good,
                    Fault.auth_error(f"Incorrect API key provided: {CANARY}"))
    engine = make_engine(parallel=1, generation={"batch_size": 1})
    jobs = [toy.job([toy.definition("double")]),
            toy.job([toy.definition("triple")], file="toy/other.toy")]
    result = engine.generate(jobs)
    candidate = result[jobs[0].id][0]
    candidate.status = "failed"
    repaired = engine.repair([RepairRequest(jobs[0], candidate, f"AssertionError (env {CANARY})")])
    third = engine.generate([toy.job([toy.definition("quad")], file="toy/third.toy")])
    engine.close()
    everything = [c for cs in result.values() for c in cs] + list(repaired.values()) + \
        [c for cs in third.values() for c in cs]
    return engine, everything


def assert_canary_only_sent_to_the_provider(engine, candidates, stub_llm, log_path, cache_dir,
                                            toy):
    assert any(CANARY in r.headers.get("authorization", "") for r in stub_llm.requests)
    assert CANARY not in log_path.read_text()
    assert CANARY.encode() not in toy.read_bytes(cache_dir)
    for candidate in candidates:
        assert CANARY not in repr(candidate)
    assert any("authentication failed" in c.reason for c in candidates)
    assert CANARY not in repr(engine.stats) and CANARY not in repr(engine.provider._dead)
    repair_prompt = stub_llm.requests[2].text
    assert "AssertionError (env ***)" in repair_prompt


def test_a_key_from_the_environment_goes_only_to_the_provider(
        make_engine, stub_llm, toy, debug_log, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)

    engine, candidates = run_everything(make_engine, stub_llm, toy)

    assert_canary_only_sent_to_the_provider(engine, candidates, stub_llm, debug_log,
                                            tmp_path / "cache", toy)


def test_a_key_from_the_keyring_goes_only_to_the_provider(
        make_engine, stub_llm, toy, debug_log, tmp_path, memory_keyring, isolated_home):
    from testgen.cli import cli

    outcome = CliRunner().invoke(cli, ["config", "set-key", "openai"], input=CANARY + "\n")
    assert outcome.exit_code == 0, outcome.output
    assert memory_keyring.store[("testgen", "openai")] == CANARY
    assert CANARY not in outcome.output

    engine, candidates = run_everything(make_engine, stub_llm, toy)

    assert_canary_only_sent_to_the_provider(engine, candidates, stub_llm, debug_log,
                                            tmp_path / "cache", toy)
