"""Fixtures: the example project set up for each framework, and the pipeline driven by hooks.

Framework dependencies (jest, vitest, mocha, tsx…) are installed once by ``ci-deps.sh`` into
a cache directory; each fixture project links that ``node_modules``. Tests that need a
missing toolchain or missing dependencies are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from testgen.model import (Definition, Framework, OfflineRequest, Probe, Project, RunResult,
                           SourceFile, TestFile, ValidationResult)
from testgen.sandbox import shadow_workspace
from testgen_javascript.plugin import JavaScript

javascript = JavaScript()

HERE = Path(__file__).parent
EXAMPLE = HERE.parent.parent / "examples" / "javascript"
DEPS_CACHE = Path(os.environ.get("TESTGEN_JS_FIXTURE_DEPS",
                                 Path.home() / ".cache" / "testgen-javascript" / "fixture-deps"))
DEPS_DIRS = {"jest": "jest", "vitest": "vitest", "mocha": "mocha", "node:test": "node-test"}

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def deps_for(framework: str) -> Path:
    """The cached node_modules for a framework fixture, or skip the test."""
    path = DEPS_CACHE / DEPS_DIRS[framework] / "node_modules"
    if not (path / ".testgen-installed").is_file():
        pytest.skip(f"{framework} fixture dependencies are not installed "
                    f"(run testgen-javascript/ci-deps.sh)")
    return path


JEST_TESTS = {
    "test/money.test.js": """import { expect, test } from '@jest/globals';

import { formatMoney } from '../src/money.js';

test('formatMoney groups thousands and keeps two decimals', () => {
  expect(formatMoney(123456, 'EUR')).toBe('€1,234.56');
});
""",
    "test/cart.test.ts": """import { expect, test } from '@jest/globals';

import { Cart } from '../src/cart.js';

test('an empty cart costs nothing', () => {
  expect(new Cart().totals()).toEqual({ subtotal: 0, discount: 0, shipping: 0, total: 0 });
});
""",
}
VITEST_TESTS = {k: v.replace("@jest/globals", "vitest") for k, v in JEST_TESTS.items()}
MOCHA_TESTS = {
    "test/money.test.js": """import assert from 'node:assert/strict';

import { formatMoney } from '../src/money.js';

describe('formatMoney', () => {
  it('groups thousands and keeps two decimals', () => {
    assert.equal(formatMoney(123456, 'EUR'), '€1,234.56');
  });
});
""",
}


def make_project(tmp_path: Path, framework: str, *, link_deps: bool = True) -> Path:
    """A copy of examples/javascript set up for ``framework``."""
    root = tmp_path / f"shop-{DEPS_DIRS[framework]}"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("node_modules", ".testgen",
                                                                 "*.testgen.test.*"))
    manifest = json.loads((root / "package.json").read_text())
    if framework != "node:test":
        for name in list((root / "test").iterdir()):
            name.unlink()
        tests = {"jest": JEST_TESTS, "vitest": VITEST_TESTS, "mocha": MOCHA_TESTS}[framework]
        for rel, text in tests.items():
            (root / rel).write_text(text, encoding="utf-8")
        deps_file = HERE / "fixture-deps" / DEPS_DIRS[framework] / "package.json"
        manifest["devDependencies"] = json.loads(deps_file.read_text())["devDependencies"]
        manifest["scripts"]["test"] = {"jest": "jest", "vitest": "vitest run",
                                       "mocha": "mocha"}[framework]
    if framework == "jest":
        manifest["jest"] = {"moduleNameMapper": {"^(\\.{1,2}/.*)\\.js$": "$1"}}
        (root / "babel.config.cjs").write_text(
            "module.exports = {\n  presets: [\n    ['@babel/preset-env', { targets: { node: "
            "'current' } }],\n    '@babel/preset-typescript',\n  ],\n};\n")
    if framework == "vitest":
        (root / ".prettierrc.json").write_text('{ "singleQuote": true, "printWidth": 100 }\n')
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if link_deps:
        (root / "node_modules").symlink_to(deps_for(framework), target_is_directory=True)
    return root


def source_file(root: Path, rel: str) -> SourceFile:
    path = root / rel
    return SourceFile(path=path, rel_path=rel, language="javascript",
                      text=path.read_text(encoding="utf-8"), project_root=root)


def definitions_of(source: SourceFile) -> list[Definition]:
    return javascript.extract(parsed=javascript.parse(source=source))


@dataclass
class PipelineResult:
    framework: Framework
    probes: dict[str, list[Probe]] = field(default_factory=dict)
    test_files: list[TestFile] = field(default_factory=list)
    validations: list[ValidationResult] = field(default_factory=list)
    runs: list[RunResult] = field(default_factory=list)
    launches: int = 0

    @property
    def ids(self) -> dict[str, str]:
        return {k: v for tf in self.test_files for k, v in tf.test_ids.items()}


def run_pipeline(root: Path, sources: list[str], *, framework: str | None = None,
                 test_types: tuple[str, ...] = ("unit",), repeat: int = 0,
                 timeout: float = 120) -> PipelineResult:
    """probe → offline_candidates → assemble → write → validate → run (1 + repeat times)."""
    chosen = javascript.select_framework(project=Project(root), requested=framework)
    result = PipelineResult(chosen)
    with shadow_workspace(root, timeout=timeout) as workspace:
        for rel in sources:
            source = source_file(root, rel)
            definitions = [d for d in definitions_of(source) if d.testable]
            probes = javascript.probe(definitions=definitions,
                                      workspace=workspace, test_type="unit")
            result.probes[rel] = probes
            candidates = []
            for test_type in test_types:
                for d in definitions:
                    mine = [p for p in probes if p.definition == d.key]
                    candidates += javascript.offline_candidates(request=OfflineRequest(
                        definition=d, framework=chosen, test_type=test_type, probes=mine))
            path = javascript.test_path(source=source, framework=chosen)
            test_file = javascript.assemble(candidates=candidates, framework=chosen,
                                            source=source, path=path)
            workspace.write(test_file.path, test_file.content)
            result.test_files.append(test_file)
            result.validations.append(javascript.validate(test_file=test_file,
                                                          workspace=workspace))
        for _ in range(1 + repeat):
            result.runs.append(javascript.run(
                framework=chosen, test_files=result.test_files,
                workspace=workspace, coverage=True))
        result.launches = workspace.launches
    return result


def generate_offline(root: Path) -> dict:
    """``testgen generate --engine offline --framework node:test`` on ``root`` as a user runs
    it; the JSON report."""
    report = root.parent / f"{root.name}-report.json"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "testgen"), "generate", "--path", ".",
         "--engine", "offline", "--framework", "node:test", "--format", "json",
         "--report", str(report)], cwd=root, capture_output=True, text=True, timeout=300)
    assert report.is_file(), done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(report.read_text())


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """examples/javascript without node_modules: what a fresh checkout looks like."""
    return make_project(tmp_path, "node:test", link_deps=False)


@pytest.fixture(scope="session")
def kit():
    """The helpers above, for test modules (imported by pytest, not by name)."""
    import types

    return types.SimpleNamespace(make_project=make_project, run_pipeline=run_pipeline,
                                 source_file=source_file, definitions_of=definitions_of,
                                 deps_for=deps_for, generate_offline=generate_offline,
                                 example=EXAMPLE)
