""".pre-commit-hooks.yaml: each hook's entry, run as pre-commit runs it, on a temp repository."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HOOKS = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@example.com"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(make_project) -> Path:
    root = make_project({
        "pyproject.toml": "[project]\nname = 'm'\nversion = '0'\n\n"
                          "[tool.pytest.ini_options]\ntestpaths = ['tests']\n",
        ".gitignore": ".testgen/\n",
        "m/__init__.py": "",
        "m/calc.py": "def double(x: int) -> int:\n    return 2 * x\n",
        "tests/test_calc.py": "from m.calc import double\n\n\n"
                              "def test_double():\n    assert double(2) == 4\n",
    })
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, *IDENTITY, "commit", "-qm", "initial")
    return root


def run_hook(run_cli, hook_id: str, cwd: Path):
    argv = shlex.split(HOOKS[hook_id]["entry"])
    assert argv[0] == "testgen"
    return run_cli(*argv[1:], cwd=cwd)


def test_both_hooks_run_once_per_commit_on_the_sources_of_every_language():
    assert set(HOOKS) == {"testgen-validate", "testgen-generate"}
    for hook in HOOKS.values():
        assert hook["pass_filenames"] is False
        assert {"python", "javascript", "ts", "go", "rust"} <= set(hook["types_or"])


def test_validate_hook_fails_on_an_uncovered_staged_change_and_generates_nothing(run_cli, repo):
    (repo / "m" / "calc.py").write_text(
        "def double(x: int) -> int:\n    return 2 * x\n\n\n"
        "def triple(x: int) -> int:\n    return 3 * x\n")
    git(repo, "add", "-A")
    result = run_hook(run_cli, "testgen-validate", repo)
    assert result.returncode == 1, result.output
    assert "TG403" in result.output
    assert not list(repo.rglob("*_testgen.py"))


def test_validate_hook_passes_when_the_staged_change_is_tested(run_cli, repo):
    (repo / "m" / "calc.py").write_text("def double(x: int) -> int:\n    return x + x\n")
    git(repo, "add", "-A")
    assert run_hook(run_cli, "testgen-validate", repo).returncode == 0


def test_generate_hook_writes_tests_for_the_staged_change_only(run_cli, repo):
    (repo / "m" / "calc.py").write_text(
        "def double(x: int) -> int:\n    return 2 * x\n\n\n"
        "def triple(x: int) -> int:\n    return 3 * x\n")
    git(repo, "add", "-A")
    result = run_hook(run_cli, "testgen-generate", repo)
    assert result.returncode == 0, result.output
    written = (repo / "tests" / "test_calc_testgen.py").read_text()
    assert "triple" in written and "double(" not in written
