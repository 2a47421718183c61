"""Bad input gives a status or a clear error, never a hang or a traceback."""

from __future__ import annotations

import json
import shutil

import pytest

from testgen.errors import TestgenError
from testgen.model import Framework, Project, TestCandidate, TestFile
from testgen.sandbox import shadow_workspace
from testgen_javascript.plugin import JavaScript

javascript = JavaScript()

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def test_no_node_on_path_is_tg205_for_probe_validate_and_run(tmp_path, monkeypatch, kit):
    (tmp_path / "m.js").write_text("export function f(a) { return a; }\n")
    definitions = kit.definitions_of(kit.source_file(tmp_path, "m.js"))
    framework = Framework(name="node:test", language="javascript")
    test_file = TestFile(path="m.testgen.test.js", language="javascript", framework="node:test",
                         content="", target="m.js")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with shadow_workspace(tmp_path) as workspace:
        for call in (
            lambda: javascript.probe(definitions=definitions,
                                     workspace=workspace, test_type="unit"),
            lambda: javascript.validate(test_file=test_file, workspace=workspace),
            lambda: javascript.run(framework=framework,
                                   test_files=[], workspace=workspace, coverage=True),
        ):
            with pytest.raises(TestgenError) as raised:
                call()
            assert raised.value.code == "TG205"
            assert "node" in raised.value.message and raised.value.hint


def test_a_missing_framework_names_the_package_to_install(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": "vitest run"}}))
    framework = javascript.select_framework(project=Project(tmp_path),
                                            requested=None)
    test_file = TestFile(path="x.testgen.test.js", language="javascript", framework="vitest",
                         content="", target="x.js")
    with shadow_workspace(tmp_path) as workspace:
        validation = javascript.validate(test_file=test_file, workspace=workspace)
        run = javascript.run(framework=framework, test_files=[],
                             workspace=workspace, coverage=True)
    assert not validation.ok and "npm install --save-dev vitest" in validation.output
    assert not run.ok and "npm install --save-dev vitest" in run.error


def test_a_project_without_package_json_falls_back_to_node_test(tmp_path, kit):
    (tmp_path / "lib.js").write_text("exports.twice = (n) => n * 2;\n")
    result = kit.run_pipeline(tmp_path, ["lib.js"])
    assert result.framework.name == "node:test"
    assert result.runs[0].ok, result.runs[0].error
    assert result.runs[0].tests


def test_a_syntax_error_in_a_test_is_attributed_to_its_candidate(tmp_path):
    (tmp_path / "package.json").write_text('{"type": "module"}')
    content = ("import { test } from 'node:test';\n\n"
               "test('good', () => {});\n\n"
               "test('bad', () => {\n  const = 1;\n});\n")
    candidates = [TestCandidate(id=f"m.js::f::{n}", definition="m.js::f", test_name=n, code="")
                  for n in ("good", "bad")]
    test_file = TestFile(path="m.testgen.test.js", language="javascript", framework="node:test",
                         content=content, target="m.js", candidates=candidates)
    with shadow_workspace(tmp_path) as workspace:
        workspace.write(test_file.path, content)
        validation = javascript.validate(test_file=test_file, workspace=workspace)
    assert not validation.ok
    assert validation.failing_candidates == {"m.js::f::bad"}


def test_a_test_file_that_cannot_load_is_a_run_error(tmp_path):
    (tmp_path / "package.json").write_text('{"type": "module"}')
    content = "import { nothing } from './missing.js';\nimport { test } from 'node:test';\n" \
              "test('t', () => {});\n"
    test_file = TestFile(path="x.testgen.test.js", language="javascript",
                         framework="node:test", content=content, target="x.js")
    framework = Framework(name="node:test", language="javascript")
    with shadow_workspace(tmp_path) as workspace:
        workspace.write(test_file.path, content)
        run = javascript.run(framework=framework,
                             test_files=[test_file], workspace=workspace, coverage=True)
    assert not run.ok
    assert "x.testgen.test.js" in run.error


def test_hostile_code_ends_with_statuses_not_a_hang(tmp_path, kit):
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "evil.js").write_text(
        "export function spin() { for (;;) {} }\n"
        "export function bail() { process.exit(3); }\n"
        "export function fine(a) { return 7; }\n")
    result = kit.run_pipeline(tmp_path, ["evil.js"], timeout=4)
    outcomes = {p.definition.split("::")[1]: p.outcome for p in result.probes["evil.js"]}
    assert outcomes["spin"] == "timeout" and outcomes["bail"] == "crash"
    assert result.runs[0].ok, result.runs[0].error
    assert all("fine" in t.test_id for t in result.runs[0].tests)
