"""End to end: ``testgen generate --engine llm`` on a copy of examples/python, with the stub
as the provider. The stub answers like a careful model: one test per observed call whose
inputs and result are plain literals, so every kept test must pass, and pass every time."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testgen.llm.stub import StubLLM, json_answer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "python"
CANARY = "sk-proj-E2ECANARYe2ecanary0123456789abcdef"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/python is missing")]

HEADING = re.compile(r"^## \w+ `(?P<qualname>[\w.]+)` \((?P<file>[^,]+),", re.M)
RETURNED = re.compile(r"^- `(?P<call>[^`;]+)` returned `(?P<value>[^`]+)`\s*$", re.M)


def _literal(text: str) -> bool:
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return False
    return True


def _literal_call(call: str) -> str | None:
    """The function name when ``call`` is ``name(<literal args>)``."""
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return None
    if not all(_literal(ast.unparse(a)) for a in [*node.args, *(k.value for k in node.keywords)]):
        return None
    return node.func.id


def careful_model(body: dict) -> str:
    """Tests that assert what the probes observed, for literal calls only."""
    user = body["messages"][-1]["content"]
    if "This test failed" in user:
        return json.dumps({"possible_bug": "the observed behaviour disagrees with the test"})
    parts = HEADING.split(user)
    tests = []
    for index in range(1, len(parts), 3):
        qualname, file, text = parts[index], parts[index + 1], parts[index + 2]
        module = file.removeprefix("src/").removesuffix(".py").replace("/", ".")
        for number, match in enumerate(RETURNED.finditer(text)):
            name = _literal_call(match["call"])
            if name is None or not _literal(match["value"]):
                continue
            test_name = f"test_{qualname.replace('.', '_').lower()}_observed_{number}"
            tests.append({"test_name": test_name, "definition": qualname,
                          "imports": [f"from {module} import {name}"],
                          "test_code": f"def {test_name}():\n"
                                       f"    assert {match['call']} == {match['value']}\n"})
    return json_answer(tests)


def test_generate_with_the_stub_writes_tests_that_pass_every_time_and_leaks_no_key(tmp_path):
    project = tmp_path / "shop"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".testgen", "__pycache__",
                                                                      "*_testgen.py"))
    cache = tmp_path / "cache"
    env = {**os.environ, "TESTGEN_CACHE_DIR": str(cache), "OPENAI_API_KEY": CANARY,
           "TESTGEN_CONFIG_DIR": str(tmp_path / "user-config"), "NO_COLOR": "1"}
    report = tmp_path / "report.json"
    with StubLLM(responder=careful_model) as stub:
        # The endpoint comes from the user's environment: a project file's needs `config trust`.
        env["TESTGEN_LLM_API_BASE"] = stub.api_base
        argv = [sys.executable, "-m", "testgen", "--debug", "generate", "--path", str(project),
                "--model", "openai/gpt-4o-mini", "--format", "json", "--report", str(report)]
        first = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
        requests = stub.request_count
        second = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
        requests_again = stub.request_count - requests
        sent_key = any(CANARY in r.headers.get("authorization", "") for r in stub.requests)

    assert first.returncode == 0, first.stderr[-2000:]
    data = json.loads(report.read_text()) if second.returncode == 0 else {}
    written = sorted(project.rglob("test_*_testgen.py"))
    assert written, first.stderr[-2000:]
    assert requests > 0 and sent_key
    assert requests_again == 0, "a second run on unchanged code asked the model again"
    for _ in range(3):
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              *map(str, written)], cwd=project, capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, run.stdout[-2000:]
    leaks = [p for p in [*project.rglob("*"), *cache.rglob("*")]
             if p.is_file() and CANARY.encode() in p.read_bytes()]
    assert leaks == []
    for output in (first.stdout, first.stderr, second.stdout, second.stderr,
                   json.dumps(data)):
        assert CANARY not in output
