"""`testgen analyze` and `testgen validate` end to end on real temp Python projects."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROJECT = {
    "pyproject.toml": """
        [project]
        name = "calc"
        version = "0.1.0"
    """,
    "calc/__init__.py": "",
    "calc/ops.py": '''
        def add(a: int, b: int) -> int:
            return a + b


        def divide(a: float, b: float) -> float:
            if b == 0:
                raise ZeroDivisionError("b must not be zero")
            return a / b


        class Counter:
            def __init__(self, start: int = 0) -> None:
                self.value = start

            def bump(self, step: int = 1) -> int:
                if step <= 0:
                    raise ValueError("step must be positive")
                self.value += step
                return self.value
    ''',
    "calc/unused.py": '''
        def shout(text: str) -> str:
            return text.upper() + "!"
    ''',
    "tests/test_ops.py": '''
        from calc.ops import add, divide


        def test_add():
            assert add(2, 3) == 5


        def test_divide():
            assert divide(6, 3) == 2
    ''',
}


@pytest.fixture
def calc(make_project):
    return make_project(PROJECT, name="calc")


def analyze_json(run_cli, path, *args):
    result = run_cli("analyze", "--path", str(path), "--format", "json", *args)
    assert result.returncode == 0, result.output
    return json.loads(result.stdout)


def functions(data):
    return {fn["name"]: fn for f in data["files"] for fn in f.get("functions", [])}


def test_analyze_tells_referenced_from_untested_definitions(run_cli, calc):
    data = analyze_json(run_cli, calc, "--detail", "per-function")
    assert data["schema"] == "testgen.analyze/1"
    fns = functions(data)
    assert fns["add"]["tested"] and fns["add"]["evidence"] == "reference"
    assert not fns["shout"]["tested"]
    assert not fns["Counter.bump"]["tested"]
    assert fns["Counter.bump"]["complexity"] == 2
    assert data["frameworks"] == {"python": "pytest"}
    top = [p["name"] for p in data["priorities"]]
    assert "add" not in top[:2]


def test_analyze_with_coverage_uses_the_suite(run_cli, calc):
    data = analyze_json(run_cli, calc, "--detail", "per-function", "--coverage")
    fns = functions(data)
    assert fns["divide"]["tested"] and fns["divide"]["evidence"] == "coverage"
    assert fns["divide"]["uncovered_lines"]  # the zero branch is not exercised
    assert not fns["shout"]["tested"]
    assert data["coverage_used"]


def test_analyze_summary_detail_omits_files(run_cli, calc):
    data = analyze_json(run_cli, calc, "--detail", "summary")
    assert "files" not in data
    assert data["summary"]["definitions"] >= 5


def test_analyze_html_report_is_self_contained(run_cli, calc, tmp_path):
    out = tmp_path / "analyze.html"
    result = run_cli("analyze", "--path", str(calc), "--report", str(out))
    assert result.returncode == 0, result.output
    html = out.read_text()
    assert html.startswith("<!doctype html>")
    assert "calc/ops.py" in html
    assert "<script src=" not in html and "<link " not in html


def coverage_json(project):
    data_file = project.parent / ".coverage-check"
    env = {"COVERAGE_FILE": str(data_file), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "coverage", "run", "--source", ".", "-m", "pytest",
                    "-q", "-p", "no:cacheprovider"], cwd=project, env=env, check=True,
                   capture_output=True)
    out = project.parent / "cov.json"
    subprocess.run([sys.executable, "-m", "coverage", "json", "-o", str(out)], cwd=project,
                   env=env, check=True, capture_output=True)
    return json.loads(out.read_text())


def test_validate_coverage_equals_coverage_report(run_cli, calc):
    result = run_cli("validate", "--path", str(calc), "--format", "json")
    assert result.returncode == 0, result.output
    ours = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    theirs = coverage_json(calc)["files"]
    theirs = {k: v for k, v in theirs.items() if not k.startswith("tests/")}
    assert set(ours) == set(theirs)
    for path, summary in theirs.items():
        assert ours[path]["statements"] == summary["summary"]["num_statements"], path
        assert ours[path]["covered"] == summary["summary"]["covered_lines"], path


def test_validate_reports_gaps_and_passes_by_default(run_cli, calc):
    result = run_cli("validate", "--path", str(calc), "--report-gaps", "--format", "json")
    data = json.loads(result.stdout)
    assert result.returncode == 0
    assert data["schema"] == "testgen.validate/1"
    assert data["summary"]["tests"]["passed"] == 2
    ops = next(f for f in data["files"] if f["path"] == "calc/ops.py")
    assert ops["uncovered"]
    assert "calc/unused.py::shout" in data["missing_tests"]


def test_validate_fails_below_min_coverage(run_cli, calc):
    result = run_cli("validate", "--path", str(calc), "--min-coverage", "99")
    assert result.returncode == 1
    assert "TG401" in result.stdout


def test_validate_fails_on_missing_tests_when_asked(run_cli, calc):
    result = run_cli("validate", "--path", str(calc), "--fail-on-missing-tests")
    assert result.returncode == 1
    assert "TG402" in result.stdout


def test_validate_html_highlights_uncovered_lines(run_cli, calc, tmp_path):
    out = tmp_path / "v.html"
    result = run_cli("validate", "--path", str(calc), "--report", str(out))
    assert result.returncode == 0, result.output
    html = out.read_text()
    assert 'class="miss"' in html
    assert "shout" in html


def test_validate_does_not_change_the_users_tree(run_cli, calc):
    before = sorted(p.relative_to(calc).as_posix() for p in calc.rglob("*"))
    run_cli("validate", "--path", str(calc))
    after = sorted(p.relative_to(calc).as_posix() for p in calc.rglob("*")
                   if ".testgen" not in p.parts)
    assert after == before


def test_failing_existing_test_makes_validate_exit_1(run_cli, make_project):
    files = dict(PROJECT)
    files["tests/test_bad.py"] = "def test_bad():\n    assert 1 == 2\n"
    project = make_project(files, name="bad")
    result = run_cli("validate", "--path", str(project), "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["tests"]["failed"] == 1


@pytest.mark.parametrize("name,content,code", [
    ("bin.py", b"\x00\x01binary", "TG203"),
    ("latin.py", "x = 'caf\xe9'\n".encode("latin-1"), "TG203"),
    ("empty.py", b"", "TG203"),
    ("huge.py", b"x = 1\n" * 400_000, "TG203"),
    ("broken.py", b"def f(:\n    pass\n", "TG204"),
])
def test_unusable_single_file_is_a_clean_error(run_cli, tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    for command in ("analyze", "generate"):
        result = run_cli(command, "--path", str(path))
        assert result.returncode == 2, result.output
        assert f"error[{code}]" in result.stderr
        assert "hint:" in result.stderr
        assert "Traceback" not in result.output


def test_bad_file_in_a_directory_is_one_warning_and_the_rest_goes_on(run_cli, calc):
    (calc / "calc" / "blob.py").write_bytes(b"\x00\x00")
    result = run_cli("analyze", "--path", str(calc), "--format", "json")
    assert result.returncode == 0
    assert result.stderr.count("blob.py") == 1
    skipped = {s["path"]: s["reason"] for s in json.loads(result.stdout)["skipped"]}
    assert skipped["calc/blob.py"] == "binary file"


def test_json_logs_are_one_object_per_line(run_cli, calc):
    (calc / "calc" / "blob.py").write_bytes(b"\x00\x00")
    result = run_cli("--log-format", "json", "analyze", "--path", str(calc), "--format", "json")
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert any("blob.py" in entry["message"] and entry["level"] == "warning"
               for entry in lines)


def test_metrics_are_written_per_run(run_cli, calc):
    analyze_json(run_cli, calc)
    files = list((calc / ".testgen" / "metrics").glob("*.json"))
    assert len(files) == 1
    metrics = json.loads(files[0].read_text())
    assert metrics["command"] == "analyze"
    assert "scan+parse" in metrics["phases_s"]
