"""Robustness with imperfect model answers: what TestGen keeps, and that nothing broken is
written.

One ``testgen generate`` run over a small Python project with one module per kind of
imperfect answer; the stub (127.0.0.1) answers each module's request with five tests, one per
branch of its function, damaged as real models damage answers: raw newlines inside JSON
strings, trailing commas, triple-quoted strings, a markdown fence, prose before the JSON, an
answer cut at max_tokens, a wrong import in every test, one test broken among five. Then the
written test files are run with pytest: every kept test must pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from testgen.llm.stub import Fault, StubLLM, json_answer

FUNCTION = '''\
def grade_{kind}(score):
    if score < 0:
        raise ValueError("negative score")
    if score >= 90:
        return "A"
    if score >= 80:
        return "B"
    if score >= 70:
        return "C"
    return "F"
'''
CASES = [("raise", "    with pytest.raises(ValueError):\n        grade_{k}(-1)\n"),
         ("a", "    assert grade_{k}(95) == 'A'\n"), ("b", "    assert grade_{k}(85) == 'B'\n"),
         ("c", "    assert grade_{k}(75) == 'C'\n"), ("f", "    assert grade_{k}(10) == 'F'\n")]
KINDS = ["clean", "raw_newlines", "trailing_commas", "triple_quotes", "markdown", "prose",
         "truncated", "wrong_import", "one_broken"]


def tests_for(kind: str, module: str = "") -> list[dict]:
    module = module or f"grades.m_{kind}"
    out = []
    for name, body in CASES:
        code = f"def test_grade_{kind}_{name}():\n" + body.format(k=kind)
        if kind == "one_broken" and name == "b":
            code = code.replace("== 'B'", "== 'B' (")  # a syntax error
        out.append({"test_name": f"test_grade_{kind}_{name}", "test_code": code,
                    "imports": ["import pytest", f"from {module} import grade_{kind}"]})
    return out


def answer(kind: str) -> str | Fault:
    if kind == "wrong_import":
        return json_answer(tests_for(kind, "grades.nowhere"))
    text = json_answer(tests_for(kind))
    if kind == "raw_newlines":
        return text.replace("\\n", "\n")
    if kind == "trailing_commas":
        return text.replace("]", ",]").replace("}", ",}")
    if kind == "triple_quotes":
        document = json.loads(text)
        parts = [f'{{"test_name": "{t["test_name"]}", "test_code": """{t["test_code"]}""", '
                 f'"imports": {json.dumps(t["imports"])}}}' for t in document["tests"]]
        return '{"tests": [' + ", ".join(parts) + "]}"
    if kind == "markdown":
        return "Here are the tests.\n\n```json\n" + text + "\n```\n"
    if kind == "prose":
        return "Sure! I wrote five tests, one per branch of the function:\n\n" + text
    if kind == "truncated":
        return Fault.truncated(text, keep=0.7)
    return text


def responder(body: dict) -> str | Fault:
    user = body["messages"][-1]["content"]
    if isinstance(user, list):
        user = " ".join(part.get("text", "") for part in user)
    kind = next((k for k in KINDS if f"def grade_{k}(" in user), "clean")
    return answer(kind)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, StubLLM(responder=responder) as stub:
        project = Path(tmp) / "grades-project"
        (project / "grades").mkdir(parents=True)
        (project / "grades" / "__init__.py").write_text("")
        for kind in KINDS:
            (project / "grades" / f"m_{kind}.py").write_text(FUNCTION.format(kind=kind))
        (project / "pyproject.toml").write_text('[project]\nname = "grades"\nversion = "0"\n')
        report = Path(tmp) / "report.json"
        env = {**os.environ, "TESTGEN_LLM_API_BASE": stub.api_base, "TESTGEN_CACHE_DIR": str(Path(tmp) / "cache"),
               "OPENAI_API_KEY": "sk-stub", "TESTGEN_CONFIG_DIR": str(Path(tmp) / "cfg"),
               "NO_COLOR": "1"}
        run = subprocess.run([sys.executable, "-m", "testgen", "generate", "--path",
                              str(project), "--model", "openai/gpt-4o-mini", "--max-rounds", "1",
                              "--max-repairs", "0", "--repeat", "1", "--format", "json",
                              "--report", str(report)],
                             capture_output=True, text=True, env=env, timeout=1200)
        if not report.exists():
            sys.exit(run.stderr[-3000:])
        data = json.loads(report.read_text())
        print(f"{'answer':18} {'tests':>5} {'kept':>5} {'failed':>6} {'error':>5} {'no-gain':>7}"
              f"  written")
        for entry in sorted(data["files"], key=lambda f: KINDS.index(
                f["source"].rsplit("m_", 1)[-1].removesuffix(".py"))):
            kind = entry["source"].rsplit("m_", 1)[-1].removesuffix(".py")
            statuses = [c["status"] for c in entry["candidates"] if c["test_name"]]
            print(f"{kind:18} {len(statuses):5d} {statuses.count('kept'):5d} "
                  f"{statuses.count('failed'):6d} {statuses.count('error'):5d} "
                  f"{statuses.count('no-gain'):7d}  {entry['test_file'] if entry['written'] else '-'}")
        written = [project / p for p in data["written"]]
        check = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                *map(str, written)], cwd=project, capture_output=True,
                               text=True, timeout=600)
        last = (check.stdout.strip().splitlines() or ["no output"])[-1]
        print(f"written files run with pytest: {last} (exit {check.returncode})")


if __name__ == "__main__":
    main()
