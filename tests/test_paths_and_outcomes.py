"""Several --path arguments, projects handled one by one, and how a file's run ended."""

from __future__ import annotations

import json
from pathlib import Path

PRICING = '''
    def bulk_tier(quantity: int) -> str:
        if quantity >= 100:
            return "wholesale"
        if quantity >= 10:
            return "bulk"
        return "retail"
'''

LABELS = '''
    def label(name: str) -> str:
        if not name:
            return "unnamed"
        return name.strip().title()
'''


def project(make_project, name: str, files: dict[str, str]) -> Path:
    return make_project({"pyproject.toml": f'[project]\nname = "{name}"\nversion = "0"\n',
                         **files}, name=name)


def run_generate(run_cli, *paths: Path, report: Path, args: tuple[str, ...] = ()):
    argv = ["generate", "--engine", "offline", "--report", str(report), *args]
    for path in paths:
        argv += ["--path", str(path)]
    result = run_cli(*argv)
    assert "Traceback" not in result.output
    return result, json.loads(report.read_text())


def test_two_paths_in_one_project_are_one_run(run_cli, make_project, tmp_path):
    root = project(make_project, "shop", {"shop/__init__.py": "", "shop/pricing.py": PRICING,
                                          "shop/labels.py": LABELS, "shop/unused.py": LABELS})
    result, data = run_generate(run_cli, root / "shop" / "pricing.py",
                                root / "shop" / "labels.py", report=tmp_path / "r.json")
    assert result.returncode == 0, result.output
    assert sorted(f["source"] for f in data["files"]) == ["shop/labels.py", "shop/pricing.py"]
    assert data["project_root"] == str(root)
    assert all((root / path).is_file() for path in data["written"])


def test_paths_in_two_projects_are_handled_project_by_project(run_cli, make_project,
                                                               tmp_path):
    first = project(make_project, "first", {"first/__init__.py": "", "first/pricing.py": PRICING})
    second = project(make_project, "second", {"second/__init__.py": "",
                                              "second/labels.py": LABELS})
    result, data = run_generate(run_cli, first, second, report=tmp_path / "r.json")
    assert result.returncode == 0, result.output
    assert data["projects"] == [str(first), str(second)]
    assert sorted(f["source"] for f in data["files"]) == ["first/pricing.py",
                                                          "second/labels.py"]
    # Each project got its own generated file, inside itself, and its own state.
    assert list(first.rglob("*_testgen.py")) and list(second.rglob("*_testgen.py"))
    assert (first / ".testgen" / "state.json").is_file()
    assert (second / ".testgen" / "state.json").is_file()


def test_nothing_to_test_exits_1_and_says_why_per_file(run_cli, make_project, tmp_path):
    root = project(make_project, "consts", {"consts/__init__.py": "",
                                            "consts/colours.py": "class Colour:\n    RED = 1\n"})
    result, data = run_generate(run_cli, root, report=tmp_path / "r.json")
    assert result.returncode == 1, result.output
    (entry,) = data["files"]
    assert entry["outcome"] == "no testable definitions: no functions or methods found"
    assert "no functions or methods found" in result.stdout


def test_tests_that_add_nothing_exit_1_and_the_summary_counts_them(run_cli, make_project,
                                                                   tmp_path):
    root = project(make_project, "tier", {
        "tier/__init__.py": "", "tier/pricing.py": PRICING,
        "tests/test_pricing.py": ("from tier.pricing import bulk_tier\n\n"
                                  "def test_all_tiers():\n"
                                  "    assert [bulk_tier(n) for n in (1, 10, 100)] == "
                                  "['retail', 'bulk', 'wholesale']\n")})
    result, data = run_generate(run_cli, root / "tier" / "pricing.py",
                                report=tmp_path / "r.json")
    assert result.returncode == 1, result.output
    (entry,) = data["files"]
    assert entry["outcome"].startswith("nothing kept (")
    assert "no-gain" in entry["outcome"]
    assert not data["written"]


def test_a_second_run_on_unchanged_code_is_not_a_failure(run_cli, make_project, tmp_path):
    root = project(make_project, "again", {"again/__init__.py": "",
                                           "again/pricing.py": PRICING})
    first, _ = run_generate(run_cli, root, report=tmp_path / "1.json")
    assert first.returncode == 0, first.output
    second, data = run_generate(run_cli, root, report=tmp_path / "2.json")
    assert second.returncode == 0, second.output
    assert [f["outcome"] for f in data["files"]] == ["unchanged since the last run"]


def make_venv(path: Path) -> None:
    """A real virtualenv that sees this interpreter's packages (pytest), made offline."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages",
                    str(path)], check=True)


def test_a_repository_of_several_projects_runs_each_in_its_own_environment(
        run_cli, make_project, tmp_path):
    repo = make_project({
        "api/pyproject.toml": '[project]\nname = "api"\nversion = "0"\n',
        "api/api/__init__.py": "", "api/api/pricing.py": PRICING,
        "worker/pyproject.toml": '[project]\nname = "worker"\nversion = "0"\n',
        "worker/worker/__init__.py": "", "worker/worker/labels.py": LABELS,
        "tools/release.py": LABELS,
    }, name="repo")
    (repo / ".git").mkdir()  # a repository root with no manifest of its own
    make_venv(repo / "api" / ".venv")
    make_venv(repo / "worker" / ".venv")
    result, data = run_generate(run_cli, repo, report=tmp_path / "r.json")
    assert result.returncode == 0, result.output
    assert data["projects"] == [str(repo / "api"), str(repo / "worker"), str(repo)]
    assert sorted(f["source"] for f in data["files"]) == [
        "api/pricing.py", "tools/release.py", "worker/labels.py"]
    # Each project's code ran in that project's own virtualenv.
    used = data["environments"]["python"]
    assert str(repo / "api" / ".venv") in used and str(repo / "worker" / ".venv") in used
    assert list((repo / "api").rglob("*_testgen.py"))
    assert list((repo / "worker").rglob("*_testgen.py"))


def test_a_workspace_root_with_its_own_manifest_stays_one_project(run_cli, make_project,
                                                                  tmp_path):
    repo = project(make_project, "mono", {
        "packages/a/pyproject.toml": '[project]\nname = "a"\nversion = "0"\n',
        "packages/a/a/__init__.py": "", "packages/a/a/pricing.py": PRICING})
    result = run_cli("analyze", "--path", str(repo), "--format", "json")
    assert result.returncode == 0, result.output
    data = json.loads(result.stdout)
    assert data["project_root"] == str(repo) and "projects" not in data
