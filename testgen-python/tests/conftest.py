"""Fixtures for the Python plugin's tests: real projects in temp dirs, the real Language object.

``project`` writes files into a temp project; ``generate`` runs the hook chain the pipeline
runs (probe → offline candidates → assemble → write → validate → run) inside a shadow
workspace, so the tests see exactly what ``testgen generate`` would produce.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from testgen.model import (
    Definition, Framework, OfflineRequest, Probe, Project, RunResult, SourceFile, TestFile,
    ValidationResult,
)
from testgen.sandbox import shadow_workspace
from testgen_python.plugin import Python

PYTHON = Python()

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python"


class ProjectDir:
    """A project on disk: ``write`` files, get ``SourceFile``s and definitions."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def source(self, rel: str) -> SourceFile:
        path = self.root / rel
        return SourceFile(path=path, rel_path=rel, language="python",
                          text=path.read_text(encoding="utf-8"), project_root=self.root)

    def definitions(self, rel: str) -> list[Definition]:
        return PYTHON.extract(parsed=PYTHON.parse(source=self.source(rel)))

    def definition(self, rel: str, qualname: str) -> Definition:
        return next(d for d in self.definitions(rel) if d.qualname == qualname)

    def framework(self, requested: str | None = None) -> Framework:
        return PYTHON.select_framework(project=Project(self.root), requested=requested)

    def pytest(self, *args: str) -> subprocess.CompletedProcess:
        """Plain ``pytest`` from the project root, as a user runs it."""
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               *args], cwd=self.root, capture_output=True, text=True,
                              timeout=300, env=_clean_env())


def _clean_env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # `python -m pytest` puts the cwd on sys.path; the `pytest` command does not. Tests that
    # check importability under plain pytest must not get that help.
    env["PYTHONSAFEPATH"] = "1"
    return env


@pytest.fixture
def project(tmp_path: Path) -> ProjectDir:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0"\n')
    return ProjectDir(root)


@dataclass
class Generated:
    probes: list[Probe]
    test_file: TestFile
    validation: ValidationResult
    run: RunResult
    launches: int
    candidates: dict[str, list] = field(default_factory=dict)

    def passed(self) -> set[str]:
        return {o.test_id for o in self.run.tests if o.outcome == "passed"}

    def probes_of(self, qualname: str) -> list[Probe]:
        return [p for p in self.probes if p.definition.endswith("::" + qualname)]


def generate(proj: ProjectDir, rel: str, test_type: str = "unit",
             framework: str | None = None, write_back: bool = False) -> Generated:
    source = proj.source(rel)
    definitions = proj.definitions(rel)
    fw = proj.framework(framework)
    path = PYTHON.test_path(source=source, framework=fw)
    with shadow_workspace(proj.root) as ws:
        probes = PYTHON.probe(definitions=definitions, workspace=ws, test_type=test_type)
        candidates = []
        by_definition = {}
        for d in definitions:
            mine = PYTHON.offline_candidates(request=OfflineRequest(
                definition=d, framework=fw, test_type=test_type,
                probes=[p for p in probes if p.definition == d.key]))
            by_definition[d.qualname] = mine
            candidates += mine
        test_file = PYTHON.assemble(candidates=candidates, framework=fw, source=source,
                                    path=path)
        ws.write(test_file.path, test_file.content)
        validation = PYTHON.validate(test_file=test_file, workspace=ws)
        result = PYTHON.run(framework=fw, test_files=[test_file], workspace=ws, coverage=True)
        launches = ws.launches
    if write_back:
        (proj.root / test_file.path).parent.mkdir(parents=True, exist_ok=True)
        (proj.root / test_file.path).write_text(test_file.content, encoding="utf-8")
    return Generated(probes, test_file, validation, result, launches, by_definition)


@pytest.fixture
def chain():
    return generate


@pytest.fixture(scope="session")
def example_copy(tmp_path_factory) -> ProjectDir:
    root = tmp_path_factory.mktemp("example") / "python"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(
        "__pycache__", ".testgen", "*_testgen.py", ".pytest_cache", ".coverage*"))
    return ProjectDir(root)


@pytest.fixture(scope="session")
def example_generated(example_copy) -> dict[str, Generated]:
    """The example project's three modules through the whole chain, written back."""
    return {rel: generate(example_copy, rel, write_back=True)
            for rel in ("src/shop/pricing.py", "src/shop/cart.py", "src/shop/text.py")}
