"""Python projects from PyPI at pinned versions, with the test suites their sdists ship.

Each is set up as its contributors do: a ``.venv`` in the project, the project installed
editable (``pip install -e .`` through uv) and its test dependencies. Three use a src/ layout
with three build backends (setuptools, setuptools-scm, hatchling); one is flat (flit). pluggy's
environment has no coverage.py, as its own test extra does not name it: TestGen then uses its
private overlay, and the native figure comes from coverage.py installed apart from the
project (``pip install --target``), so the project's environment stays as its contributors
have it.
"""

from __future__ import annotations

import json
import os
import sys
import tarfile
from pathlib import Path

from real_repos import RealProject, run

UV = str(Path(sys.executable).with_name("uv"))
PYTHON = os.environ.get("BENCH_PYTHON", sys.executable)
"""The base interpreter of the projects' environments (the one running the benchmark)."""


def _sdist(requirement: str):
    """Fetch the pinned sdist with pip (the ordinary client) and unpack it."""
    def fetch(work: Path) -> Path:
        downloads = work / "downloads"
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", "--dest", str(downloads), requirement], work)
        archive = next(downloads.glob("*.tar.gz"))
        with tarfile.open(archive) as handle:
            handle.extractall(work, filter="data")
        return work / archive.name[:-len(".tar.gz")]
    return fetch


def _setup(*test_deps: str, extras: str = ""):
    def setup(root: Path) -> None:
        run([UV, "venv", "--quiet", "--python", PYTHON, str(root / ".venv")], root)
        run([UV, "pip", "install", "--quiet", "--python", str(root / ".venv/bin/python"),
             "-e", f".{extras}", *test_deps], root)
    return setup


def _native(*pytest_args: str, coverage_apart: bool = False, source: str | None = None):
    """``coverage run -m pytest`` + ``coverage json`` with the project's configuration
    (``--source`` for a project that has none, else its tests would count too): line
    coverage (statements), as ``coverage report`` counts them."""
    def measure(root: Path) -> dict[str, float]:
        python = str(root / ".venv/bin/python")
        scratch = root.parent / "native"
        scratch.mkdir(exist_ok=True)
        env = {"COVERAGE_FILE": str(scratch / ".coverage"),
               "PYTHONPYCACHEPREFIX": str(scratch / "pycache")}
        if coverage_apart:
            tools = scratch / "tools"
            if not tools.is_dir():
                run([UV, "pip", "install", "--quiet", "--python", python, "--target",
                     str(tools), "coverage"], root)
            env["PYTHONPATH"] = str(tools)
        selection = [f"--source={source}"] if source else []
        run([python, "-m", "coverage", "run", *selection, "-m", "pytest", "-q", "-p",
             "no:cacheprovider", *pytest_args], root, env=env, check=False)
        report = scratch / "coverage.json"
        run([python, "-m", "coverage", "json", "-q", "-o", str(report)], root, env=env)
        totals = json.loads(report.read_text())["totals"]
        return {"lines": 100.0 * totals["covered_lines"] / max(1, totals["num_statements"])}
    return measure


OWN_TESTS = [".venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]

PROJECTS = [
    RealProject(
        name="click 8.1.7", language="python",
        fetch=_sdist("click==8.1.7"),
        # its pinned test requirements: pytest 7.4 (its warnings-as-errors setting rejects
        # newer pytest's deprecations)
        setup=_setup("-r", "requirements/tests.txt", "coverage"),
        test_command=OWN_TESTS,
        native_coverage=_native(),
        generate_paths=["src/click/formatting.py"],
    ),
    RealProject(
        name="pluggy 1.5.0", language="python",
        fetch=_sdist("pluggy==1.5.0"),
        setup=_setup("pytest", "pytest-benchmark"),
        test_command=OWN_TESTS,
        native_coverage=_native(coverage_apart=True),
        generate_paths=["src/pluggy/_tracing.py"],
    ),
    RealProject(
        name="attrs 24.2.0", language="python",
        fetch=_sdist("attrs==24.2.0"),
        setup=_setup("pytest", "coverage", "hypothesis", "cloudpickle", "pympler",
                     "zope.interface"),
        # fails on this release before TestGen touches anything (an annotation check that
        # newer Pythons answer differently)
        test_command=OWN_TESTS + [
            "--deselect", "tests/test_converters.py::TestPipe::test_wrapped_annotation"],
        native_coverage=_native(),
        generate_paths=["src/attr/converters.py"],
    ),
    RealProject(
        name="more-itertools 10.5.0", language="python",
        fetch=_sdist("more-itertools==10.5.0"),
        setup=_setup("pytest", "coverage"),
        test_command=OWN_TESTS,
        native_coverage=_native(source="more_itertools"),
        generate_paths=["more_itertools/recipes.py"],
    ),
]
