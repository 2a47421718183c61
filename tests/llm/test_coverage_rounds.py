"""Coverage-guided rounds, end to end: ``testgen generate`` on a small Python project with the
stub as the model. The stub reaches a line only when a request names it as uncovered, so
what the rounds add is exactly what the follow-ups told it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testgen.llm.stub import StubLLM, grade_seeker, json_answer, named_uncovered_lines

pytestmark = pytest.mark.slow

def generate(project: Path, tmp_path: Path, stub: StubLLM, rounds: int) -> dict:
    """One ``testgen generate`` run with a response cache of its own."""
    report = tmp_path / f"report-{rounds}.json"
    # The endpoint comes from the environment: a project file's would need `config trust`.
    env = {**os.environ, "TESTGEN_LLM_API_BASE": stub.api_base,
           "TESTGEN_CACHE_DIR": str(project.parent / f"cache-{project.name}"),
           "OPENAI_API_KEY": "sk-test", "TESTGEN_CONFIG_DIR": str(tmp_path / "user-config"),
           "NO_COLOR": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "testgen", "generate", "--path", str(project), "--model",
         "openai/gpt-4o-mini", "--max-rounds", str(rounds), "--repeat", "0", "--force",
         "--format", "json", "--report", str(report)],
        capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode in (0, 1), run.stderr[-3000:]
    return json.loads(report.read_text())


def coverage_after(report: dict) -> float:
    entry = next(f for f in report["files"] if f["source"] == "grades/grade.py")
    return entry["coverage"]["after"]


@pytest.fixture(scope="module")
def one_and_three_rounds(tmp_path_factory, make_project):
    """Reports and recorded requests of a 1-round and a 3-round run on fresh copies."""
    tmp_path = tmp_path_factory.mktemp("rounds")
    runs = {}
    with StubLLM(responder=grade_seeker()) as stub:
        for rounds in (1, 3):
            stub.reset()
            report = generate(make_project(tmp_path / f"p{rounds}"), tmp_path, stub, rounds)
            runs[rounds] = (report, [r.body for r in stub.requests])
    return runs


def test_the_second_round_names_the_lines_round_one_left_uncovered(one_and_three_rounds):
    _, bodies = one_and_three_rounds[3]
    first, second = named_uncovered_lines(bodies[0]), named_uncovered_lines(bodies[1])
    # Nothing tests the module yet: round 1 names all of it; its test (grade(-1)) runs
    # lines 4-6, and round 2 names the rest.
    assert first == list(range(4, 14))
    assert second == list(range(7, 14))
    assert "Follow-up (round 2)" in bodies[1]["messages"][-1]["content"]


def test_three_rounds_cover_more_than_one(one_and_three_rounds):
    one, one_requests = one_and_three_rounds[1]
    three, three_requests = one_and_three_rounds[3]
    assert (len(one_requests), len(three_requests)) == (1, 3)
    assert coverage_after(three) > coverage_after(one)


def test_a_follow_up_that_adds_nothing_ends_the_rounds(tmp_path, make_project):
    project = make_project(tmp_path / "stubborn")
    same_test = json_answer([grade_seeker().default])  # never reaches a named line
    with StubLLM(responder=lambda body: same_test) as stub:
        report = generate(project, tmp_path, stub, rounds=5)
        requests = stub.request_count

    statuses = [c["status"] for f in report["files"] for c in f["candidates"]]
    assert requests == 2  # round 1 kept a test; round 2 repeated it (no gain): no round 3
    assert statuses.count("kept") == 1 and "no-gain" in statuses
