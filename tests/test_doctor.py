"""``testgen doctor``: per language what is installed, and what to install for the rest."""

from __future__ import annotations

import json
import shutil


def checks_of(data: dict, language: str) -> dict[str, dict]:
    return {c["what"]: c for c in data["languages"][language]["checks"]}


def test_a_python_project_with_pytest_and_coverage_is_ready(run_cli, make_project):
    project = make_project({"pyproject.toml": "[project]\nname = 'p'\n",
                            "p.py": "def f():\n    return 1\n"})
    result = run_cli("doctor", "--path", str(project), "--json")
    assert result.returncode == 0, result.output
    data = json.loads(result.stdout)
    python = checks_of(data, "python")
    assert data["languages"]["python"]["in_project"]
    assert [python[w]["ok"] for w in ("toolchain", "framework", "coverage")] == [True] * 3
    assert python["coverage"]["found"] == "coverage.py"


def test_the_sandbox_and_model_are_reported_once_for_all_languages(run_cli, make_project):
    project = make_project({"p.py": "def f():\n    return 1\n"})
    data = json.loads(run_cli("doctor", "--path", str(project), "--json").stdout)
    common = {c["what"]: c for c in data["common"]}
    assert common["sandbox"]["ok"] == (shutil.which("bwrap") is not None)
    assert "offline engine" in common["model"]["found"]


def test_a_missing_toolchain_says_what_to_install_and_fails(run_cli, make_project, tmp_path):
    project = make_project({"go.mod": "module example.com/m\n\ngo 1.21\n",
                            "m.go": "package m\n\nfunc F() int { return 1 }\n"})
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = run_cli("doctor", "--path", str(project), "--json", env={"PATH": str(empty)})
    assert result.returncode == 1, result.output
    go = checks_of(json.loads(result.stdout), "go")
    assert go["toolchain"]["ok"] is False
    assert "install Go" in go["toolchain"]["install"]


def test_the_text_output_names_each_language_and_the_missing_pieces(run_cli, make_project,
                                                                    tmp_path):
    project = make_project({"go.mod": "module example.com/m\n\ngo 1.21\n"})
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = run_cli("doctor", "--path", str(project), env={"PATH": str(empty)})
    assert "go\n  MISSING toolchain  go not found" in result.stdout
    assert "→ install Go" in result.stdout
