"""The GitHub Action without GitHub: action.yml's script run on a temp repository.

The repository is a clone of a local bare "origin", as actions/checkout leaves it with
``fetch-depth: 0``; the pull request's base branch arrives as ``GITHUB_BASE_REF``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "action" / "run.py"
SCHEMAS = Path(__file__).parent / "schemas"

FILES = {
    "pyproject.toml": "[project]\nname = \"shop\"\nversion = \"0.1.0\"\n\n"
                      "[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n",
    ".gitignore": ".testgen/\n.testgen-ci/\ntestgen.sarif\n",
    "shop/__init__.py": "",
    "shop/pricing.py": "def bulk_tier(quantity: int) -> str:\n"
                       "    if quantity >= 100:\n        return 'wholesale'\n"
                       "    return 'retail'\n",
    "tests/test_pricing.py": "from shop.pricing import bulk_tier\n\n\n"
                             "def test_retail():\n    assert bulk_tier(1) == 'retail'\n",
}
IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@example.com"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def checkout(tmp_path, isolated_home) -> Path:
    """A pull-request checkout: ``main`` on origin, one commit on top that adds a branch."""
    seed = tmp_path / "seed"
    for rel, text in FILES.items():
        (seed / rel).parent.mkdir(parents=True, exist_ok=True)
        (seed / rel).write_text(text)
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, *IDENTITY, "commit", "-qm", "initial")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    pricing = work / "shop" / "pricing.py"
    pricing.write_text(pricing.read_text().replace(
        "    return 'retail'\n", "    if quantity >= 10:\n        return 'bulk'\n"
                                "    return 'retail'\n"))
    git(work, "checkout", "-q", "-b", "feature")
    git(work, *IDENTITY, "commit", "-qam", "bulk tier")
    return work


def run_action(checkout: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    summary, output = checkout.parent / "summary.md", checkout.parent / "output.txt"
    env = {**os.environ, "GITHUB_WORKSPACE": str(checkout), "GITHUB_BASE_REF": "main",
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "INPUT_INSTALL": "none", "NO_COLOR": "1"}
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    proc = subprocess.run([sys.executable, str(SCRIPT)], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=600)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines()) \
        if output.exists() else {}
    return proc, outputs, summary.read_text() if summary.exists() else ""


def sarif_results(path: Path) -> list[dict]:
    log = json.loads(path.read_text())
    jsonschema.Draft4Validator(json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
                               ).validate(log)
    return log["runs"][0]["results"]


def test_validate_fails_on_uncovered_changed_lines_and_reports_them(checkout):
    proc, outputs, summary = run_action(checkout, mode="validate", diff_coverage="100")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert outputs["passed"] == "false" and outputs["diff-coverage"] == "50.0"
    assert outputs["changed-since"] == "origin/main"
    [finding] = sarif_results(checkout / "testgen.sarif")
    assert finding["locations"][0]["physicalLocation"]["region"] == {"startLine": 5}
    assert summary.startswith("## ❌ TestGen validate (changed since `origin/main`)")


def test_generate_commits_kept_tests_to_a_branch_and_then_validate_passes(checkout):
    proc, outputs, summary = run_action(checkout, mode="both", diff_coverage="100",
                                        commit="branch")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["passed"] == "true" and int(outputs["kept"]) >= 1
    assert outputs["branch"].startswith("testgen/tests-")
    assert "## TestGen generate (changed since `origin/main`)" in summary
    assert "**Changed lines** 2/2 covered" in summary
    pushed = git(checkout.parent / "origin.git", "show",
                 f"{outputs['branch']}:tests/test_pricing_testgen.py")
    assert "bulk_tier" in pushed
    assert sarif_results(checkout / "testgen.sarif") == []


def test_the_plugins_installed_are_those_of_the_languages_found(tmp_path):
    action = load_script()
    (tmp_path / "go.mod").write_text("module m\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "gen.py").write_text("")
    plugins = action.detect_plugins(tmp_path)
    assert plugins == ["testgen-python", "testgen-go"]
    command = action.install_command(plugins, "pypi", "1.2.0", "")
    assert command[-3:] == ["testgen[llm]==1.2.0", "testgen-python==1.2.0", "testgen-go==1.2.0"]


def load_script():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import run as action
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return action


def test_action_yml_declares_and_passes_every_input_the_script_reads():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "testgen"]
    read = set(load_script().inputs({}))
    assert {f"INPUT_{name.upper().replace('-', '_')}" for name in read} <= set(step["env"])
    assert read - {"source"} <= set(action["inputs"])
