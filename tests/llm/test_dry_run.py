"""``generate --dry-run`` with a model shows the exact prompts that would be sent, probes
included, and estimates their input tokens with LiteLLM's own counter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_the_dry_run_prompt_carries_the_probes_and_its_token_estimate(tmp_path, make_project):
    project = make_project(tmp_path / "grades")
    env = {**os.environ, "TESTGEN_CACHE_DIR": str(tmp_path / "cache"),
           "OPENAI_API_KEY": "sk-test", "TESTGEN_CONFIG_DIR": str(tmp_path / "cfg"),
           "NO_COLOR": "1"}
    run = subprocess.run([sys.executable, "-m", "testgen", "generate", "--path", str(project),
                          "--model", "openai/gpt-4o-mini", "--dry-run", "--format", "json"],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    estimate = json.loads(run.stdout)["estimate"]
    prompt = run.stderr.split("--- prompt for", 1)[1].split("\n", 1)[1]

    assert "Observed behaviour" in prompt and "grade(" in prompt.split("Observed", 1)[1]
    assert "Coverage: the existing tests leave these lines" in prompt
    import litellm

    counted = litellm.token_counter(model="openai/gpt-4o-mini", text=prompt)
    assert abs(estimate["tokens_in"] - counted) <= 0.05 * counted
    assert not list(project.rglob("*_testgen.py"))
