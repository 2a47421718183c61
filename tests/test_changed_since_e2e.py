"""``--changed-since`` and ``--diff-coverage`` end to end, in real temp git repositories."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from testgen.changes import changed_since
from testgen.errors import InputError

PRICING = '''
    def apply_discount(price: float, percent: float) -> float:
        if percent < 0 or percent > 100:
            raise ValueError("bad percent")
        return round(price * (100 - percent) / 100, 2)


    def bulk_tier(quantity: int) -> str:
        if quantity >= 100:
            return "wholesale"
        return "retail"
'''

SHOP = {
    "pyproject.toml": """
        [project]
        name = "shop"
        version = "0.1.0"

        [tool.pytest.ini_options]
        testpaths = ["tests"]
    """,
    ".gitignore": ".testgen/\n",
    "shop/__init__.py": "",
    "shop/pricing.py": PRICING,
    "tests/test_pricing.py": '''
        from shop.pricing import apply_discount


        def test_apply_discount_halves():
            assert apply_discount(10.0, 50) == 5.0
    ''',
}


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return proc.stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


def new_repo(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(content).lstrip("\n"))
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "initial")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture
def shop(tmp_path) -> Path:
    """A repository whose last commit changes one function, ``bulk_tier``."""
    root = new_repo(tmp_path / "shop", SHOP)
    edit(root, "shop/pricing.py", '        return "wholesale"\n',
         '        return "wholesale"\n    if quantity >= 10:\n        return "bulk"\n')
    commit_all(root, "bulk tier")
    return root


# ------------------------------------------------------------------ which lines changed


def test_changed_lines_are_those_of_the_last_commit(shop):
    changes = changed_since(shop, "HEAD~1")
    assert changes.lines == {"shop/pricing.py": frozenset({10, 11})}


def test_a_renamed_file_reports_only_its_edited_lines(shop):
    git(shop, "mv", "shop/pricing.py", "shop/prices.py")
    edit(shop, "shop/prices.py", '"retail"', '"retail-customer"')
    commit_all(shop, "rename")
    changes = changed_since(shop, "HEAD~1")
    assert changes.lines == {"shop/prices.py": frozenset({12})}


def test_a_function_that_only_lost_lines_counts_as_changed(shop):
    edit(shop, "shop/pricing.py",
         '    if percent < 0 or percent > 100:\n        raise ValueError("bad percent")\n', "")
    changes = changed_since(shop, "HEAD")
    assert changes.lines == {} and changes.deletions == {"shop/pricing.py": frozenset({1})}
    assert changes.touches("shop/pricing.py", 1, 2)  # apply_discount, now two lines long
    assert not changes.touches("shop/pricing.py", 5, 11)  # bulk_tier


def test_uncommitted_and_untracked_files_count_as_changed(shop):
    edit(shop, "shop/pricing.py", "bad percent", "percent out of range")
    (shop / "shop" / "extra.py").write_text("def one():\n    return 1\n")
    changes = changed_since(shop, "HEAD")
    assert changes.lines == {"shop/pricing.py": frozenset({3}),
                             "shop/extra.py": frozenset({1, 2, 3})}


def test_auto_is_the_merge_base_with_the_default_branch(shop):
    base = git(shop, "rev-parse", "HEAD").strip()
    git(shop, "checkout", "-q", "-b", "feature")
    edit(shop, "shop/pricing.py", '"retail"', '"retail-customer"')
    commit_all(shop, "feature work")
    changes = changed_since(shop, "auto")
    assert changes.base == base
    assert changes.lines == {"shop/pricing.py": frozenset({12})}


def test_a_missing_reference_in_a_shallow_clone_says_to_fetch_more_history(shop, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{shop}", str(clone)],
                   check=True, capture_output=True)
    with pytest.raises(InputError) as caught:
        changed_since(clone, "HEAD~1")
    assert caught.value.code == "TG208"
    assert "shallow" in caught.value.message
    assert "fetch-depth" in caught.value.hint


def test_a_missing_reference_is_a_tg208_usage_error_on_the_command_line(run_cli, shop):
    result = run_cli("analyze", "--path", str(shop), "--changed-since", "no-such-branch")
    assert result.returncode == 2
    assert "error[TG208]" in result.stderr and "fetch-depth" in result.stderr
    assert "Traceback" not in result.output


def test_outside_a_git_repository_changed_since_is_a_clear_error(run_cli, make_project):
    project = make_project({"m.py": "def f():\n    return 1\n"})
    result = run_cli("analyze", "--path", str(project), "--changed-since", "HEAD")
    assert result.returncode == 2
    assert "error[TG208]" in result.stderr and "not inside a git repository" in result.stderr


# ------------------------------------------------------------------ the commands


def test_analyze_lists_only_the_changed_function(run_cli, shop):
    result = run_cli("analyze", "--path", str(shop), "--changed-since", "HEAD~1",
                     "--detail", "per-function", "--format", "json")
    assert result.returncode == 0, result.output
    data = json.loads(result.stdout)
    assert [(f["path"], [d["name"] for d in f["functions"]]) for f in data["files"]] == \
        [("shop/pricing.py", ["bulk_tier"])]
    assert data["changed_since"]["files"] == ["shop/pricing.py"]


def test_generate_probes_and_writes_tests_for_the_changed_function_only(run_cli, shop):
    report = shop.parent / "generate.json"
    result = run_cli("generate", "--path", str(shop), "--changed-since", "HEAD~1",
                     "--report", str(report))
    assert result.returncode == 0, result.output
    data = json.loads(report.read_text())
    assert [f["definitions"] for f in data["files"]] == [["bulk_tier"]]
    assert {c["definition"] for c in data["files"][0]["candidates"]} == \
        {"shop/pricing.py::bulk_tier"}
    metrics = json.loads((shop / ".testgen" / "metrics" / f"{data['run_id']}.json").read_text())
    assert metrics["counters"]["definitions_pending"] == 1
    assert metrics["changed_since"]["definitions"] == ["shop/pricing.py::bulk_tier"]
    written = (shop / data["written"][0]).read_text()
    assert "bulk_tier" in written and "apply_discount" not in written


def test_generate_with_no_changed_source_does_nothing(run_cli, shop):
    report = shop.parent / "generate.json"
    result = run_cli("generate", "--path", str(shop), "--changed-since", "HEAD",
                     "--report", str(report))
    assert result.returncode == 0, result.output
    data = json.loads(report.read_text())
    assert data["files"] == [] and data["written"] == []


def test_diff_coverage_fails_until_the_changed_lines_are_covered(run_cli, shop):
    failing = run_cli("validate", "--path", str(shop), "--changed-since", "HEAD~1",
                      "--diff-coverage", "100", "--format", "json")
    assert failing.returncode == 1, failing.output
    data = json.loads(failing.stdout)
    assert data["changes"]["statements"] == 2 and data["changes"]["covered"] == 0
    assert any(reason.startswith("TG403") for reason in data["failures"])
    assert [f["name"] for f in data["functions"]] == ["bulk_tier"]

    (shop / "tests" / "test_tiers.py").write_text(
        "from shop.pricing import bulk_tier\n\n\ndef test_bulk():\n"
        "    assert bulk_tier(10) == 'bulk'\n")
    passing = run_cli("validate", "--path", str(shop), "--changed-since", "HEAD~1",
                      "--diff-coverage", "100", "--format", "json")
    assert passing.returncode == 0, passing.output
    assert json.loads(passing.stdout)["changes"]["percent"] == 100.0


def test_tests_kept_earlier_for_unchanged_neighbours_stay_in_the_file(run_cli, tmp_path):
    root = new_repo(tmp_path / "shop", SHOP)
    assert run_cli("generate", "--path", str(root), "--repeat", "1").returncode == 0
    test_file = root / "tests" / "test_pricing_testgen.py"
    before = test_file.read_text()
    assert "def test_apply_discount" in before
    edit(root, "shop/pricing.py", '        return "wholesale"\n',
         '        return "wholesale"\n    if quantity >= 10:\n        return "bulk"\n')
    commit_all(root, "bulk tier")
    result = run_cli("generate", "--path", str(root), "--changed-since", "HEAD~1",
                     "--repeat", "1")
    assert result.returncode == 0, result.output
    after = test_file.read_text()
    assert "def test_apply_discount" in after and "bulk_tier(1" in after
    assert "== 'bulk'" in after or '== "bulk"' in after
