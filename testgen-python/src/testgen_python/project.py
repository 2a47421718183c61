"""What kind of Python project this is: manifests, test framework, pytest settings.

Everything here is read from files (never by importing or running the project), so detection
and framework selection are instant and safe.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testgen.errors import PluginError
from testgen.model import Detection, Framework, Project

LANGUAGE = "python"
MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py")
SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "env", "node_modules", "__pycache__",
                       "build", "dist", ".tox", ".nox", ".eggs", "site-packages", ".testgen",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache"})
MAX_TEST_FILES_READ = 200


@dataclass(frozen=True)
class PytestSettings:
    """The pytest configuration that decides how a test file imports the code under test."""

    source: str = ""
    """Where it came from (``pyproject.toml: [tool.pytest.ini_options]``), empty if none."""
    pythonpath: tuple[str, ...] = ()
    """Entries of the ``pythonpath`` ini option, project-relative."""
    import_mode: str = "prepend"
    testpaths: tuple[str, ...] = ()
    addopts: str = ""


@dataclass(frozen=True)
class ProjectFacts:
    root: Path
    manifests: tuple[str, ...] = ()
    pytest: PytestSettings = PytestSettings()
    tests_dir: str | None = None
    """``tests`` or ``test`` when the project keeps its tests there."""
    test_style: str | None = None
    """``pytest`` or ``unittest`` as seen in existing tests, None when there are none."""
    evidence: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


def detect(project: Project) -> list[Detection]:
    root = project.root
    facts = project_facts(root)
    has_sources = bool(facts.manifests) or _has_python_files(root)
    if not has_sources:
        return []
    framework, reason = _framework_from(facts)
    evidence = facts.evidence + ((reason,) if reason else ())
    return [Detection(language=LANGUAGE, root=root, framework=framework, evidence=evidence,
                      details={"tests_dir": facts.tests_dir, "import_mode":
                               facts.pytest.import_mode, "pythonpath":
                               list(facts.pytest.pythonpath), **facts.details})]


def select_framework(project: Project, requested: str | None) -> Framework:
    facts = project_facts(project.root)
    details = {"tests_dir": facts.tests_dir, "import_mode": facts.pytest.import_mode}
    if requested:
        if requested not in ("pytest", "unittest"):
            raise PluginError(f"the Python plugin cannot generate {requested!r} tests",
                              code="TG504", hint="use --framework pytest or unittest")
        return Framework(requested, LANGUAGE, reason="requested", details=details)
    configured = project.language_settings(LANGUAGE).get("framework")
    if configured:
        chosen = select_framework(project, str(configured))
        return Framework(chosen.name, LANGUAGE, reason="languages.python.framework in the "
                         "configuration", details=details)
    framework, reason = _framework_from(facts)
    return Framework(framework, LANGUAGE, reason=reason, details=details)


def _framework_from(facts: ProjectFacts) -> tuple[str, str]:
    if facts.pytest.source:
        return "pytest", f"{facts.pytest.source} configures pytest"
    if facts.test_style == "unittest":
        return "unittest", "existing tests use unittest.TestCase"
    if facts.test_style == "pytest":
        return "pytest", "existing tests are pytest functions"
    if facts.details.get("pytest_dependency"):
        return "pytest", "pytest is a declared dependency"
    return "pytest", "default"


def project_facts(root: Path) -> ProjectFacts:
    root = Path(root)
    manifests = tuple(m for m in MANIFESTS if (root / m).is_file())
    evidence = [f"{m} present" for m in manifests]
    settings = read_pytest_settings(root)
    details: dict[str, Any] = {}
    pyproject = _read_toml(root / "pyproject.toml")
    if pyproject:
        deps = " ".join(str(d) for d in _dependency_strings(pyproject))
        details["pytest_dependency"] = bool(re.search(r"\bpytest\b", deps))
        name = (pyproject.get("project") or {}).get("name")
        if name:
            details["name"] = name
    # pytest's testpaths first: where the project's own suite lives (``testing`` …)
    configured = [p.strip("./") for p in settings.testpaths
                  if p.strip("./") and not any(c in p for c in "*?[")]
    tests_dir = next((d for d in (*configured, "tests", "test") if (root / d).is_dir()), None)
    style = _test_style(root)
    if style:
        evidence.append(f"existing tests use {style}")
    details["layout"] = "src" if (root / "src").is_dir() else "flat"
    return ProjectFacts(root=root, manifests=manifests, pytest=settings, tests_dir=tests_dir,
                        test_style=style, evidence=tuple(evidence), details=details)


def has_coverage_config(root: Path) -> bool:
    """Whether coverage.py finds a configuration of the project's in ``root`` (as
    ``coverage run`` there would)."""
    if (root / ".coveragerc").is_file():
        return True
    for name in ("setup.cfg", "tox.ini"):
        try:
            text = (root / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if re.search(r"^\[coverage:", text, re.M):
            return True
    return "coverage" in ((_read_toml(root / "pyproject.toml").get("tool") or {}))


def read_pytest_settings(root: Path) -> PytestSettings:
    """pytest's own precedence: pytest.ini, pyproject.toml, tox.ini, setup.cfg."""
    candidates: list[tuple[str, dict[str, Any] | None]] = []
    ini = _read_ini(root / "pytest.ini", "pytest")
    candidates.append(("pytest.ini: [pytest]", ini))
    pyproject = _read_toml(root / "pyproject.toml")
    options = ((pyproject.get("tool") or {}).get("pytest") or {}).get("ini_options") \
        if pyproject else None
    candidates.append(("pyproject.toml: [tool.pytest.ini_options]", options))
    candidates.append(("tox.ini: [pytest]", _read_ini(root / "tox.ini", "pytest")))
    candidates.append(("setup.cfg: [tool:pytest]", _read_ini(root / "setup.cfg", "tool:pytest")))
    for source, values in candidates:
        if values is None:
            continue
        addopts = _as_text(values.get("addopts"))
        mode = re.search(r"--import-mode[= ](\w+)", addopts)
        return PytestSettings(
            source=source, pythonpath=tuple(_as_list(values.get("pythonpath"))),
            import_mode=mode.group(1) if mode else "prepend",
            testpaths=tuple(_as_list(values.get("testpaths"))), addopts=addopts)
    return PytestSettings()


def _test_style(root: Path) -> str | None:
    """``unittest`` when every existing test file is TestCase-based, else ``pytest``."""
    seen = False
    for path in _test_files(root):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        seen = True
        if not (b"unittest" in data and b"TestCase" in data) or b"import pytest" in data:
            return "pytest"  # one file that is not TestCase-only decides
        if (data.startswith(b"def test_") or b"\ndef test_" in data) and \
                _PLAIN_TEST.search(data):
            return "pytest"
    return "unittest" if seen else None


_PLAIN_TEST = re.compile(rb"^def test_\w*\(", re.M)


def _test_files(root: Path):
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            if name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")) \
                    and not name.endswith("_testgen.py"):
                yield Path(dirpath) / name
                count += 1
                if count >= MAX_TEST_FILES_READ:
                    return


def _has_python_files(root: Path) -> bool:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        if any(name.endswith(".py") for name in filenames):
            return True
    return False


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError):
        return {}


def _read_ini(path: Path, section: str) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    if not parser.has_section(section):
        return None
    return dict(parser.items(section))


def _dependency_strings(pyproject: dict[str, Any]) -> list[str]:
    project = pyproject.get("project") or {}
    deps = list(project.get("dependencies") or [])
    for extra in (project.get("optional-dependencies") or {}).values():
        deps.extend(extra)
    for group in (pyproject.get("dependency-groups") or {}).values():
        deps.extend(d for d in group if isinstance(d, str))
    return deps


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return str(value or "")
