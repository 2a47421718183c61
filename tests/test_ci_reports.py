"""``--format junit|sarif|markdown``: real runs, checked against the published schemas.

tests/schemas/ holds the schemas as published (see its README): the JUnit XSD CI systems
use and the OASIS SARIF 2.1.0 JSON schema.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from testgen.report import junit, markdown, sarif

SCHEMAS = Path(__file__).parent / "schemas"

PROJECT = {
    "pyproject.toml": "[project]\nname = \"shop\"\nversion = \"0.1.0\"\n\n"
                      "[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n",
    ".gitignore": ".testgen/\n",
    "shop/__init__.py": "",
    "shop/pricing.py": (
        "def apply_discount(price: float, percent: float) -> float:\n"
        "    if percent < 0 or percent > 100:\n"
        "        raise ValueError('bad percent')\n"
        "    return round(price * (100 - percent) / 100, 2)\n"
        "\n\n"
        "def bulk_tier(quantity: int) -> str:\n"
        "    if quantity >= 100:\n"
        "        return 'wholesale'\n"
        "    return 'retail'\n"),
    "tests/test_pricing.py": ("from shop.pricing import apply_discount\n\n\n"
                              "def test_half():\n    assert apply_discount(10.0, 50) == 5.0\n"),
}

# A generate report as the pipeline writes it, with the one status only a model gives.
POSSIBLE_BUG_REPORT = {
    "schema": "testgen.generate/1", "run_id": "r1", "project_root": "/src/shop",
    "engine": "llm", "model": "openai/gpt-5-mini", "test_types": ["unit"], "dry_run": False,
    "interrupted": False,
    "summary": {"kept": 1, "failed": 0, "flaky": 0, "no-gain": 0, "error": 0, "skipped": 0,
                "possible-bug": 1, "files_written": 1, "files": 1},
    "written": ["tests/test_pricing_testgen.py"],
    "files": [{
        "source": "shop/pricing.py", "language": "python", "framework": "pytest",
        "test_file": "tests/test_pricing_testgen.py", "written": True, "write": "written",
        "skipped": "", "launches": 3, "definitions": ["apply_discount", "bulk_tier"],
        "lines": {"apply_discount": [1, 4], "bulk_tier": [7, 10]},
        "candidates": [
            {"id": "a", "definition": "shop/pricing.py::apply_discount", "test_name": "t1",
             "test_type": "unit", "engine": "llm", "status": "possible-bug",
             "reason": "percent=100 gives 0.0 but the docstring promises the full price",
             "attempts": 1, "new_lines": [], "carried_over": False},
            {"id": "b", "definition": "shop/pricing.py::bulk_tier", "test_name": "t2",
             "test_type": "unit", "engine": "llm", "status": "kept", "reason": "passes 4/4",
             "attempts": 1, "new_lines": [8, 9], "carried_over": False}],
    }],
    "plan": [], "baseline_errors": {}, "cost": {},
}


@pytest.fixture(scope="module")
def junit_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


@pytest.fixture
def changed_repo(tmp_path) -> Path:
    """A git repository whose working tree adds an uncovered branch to ``bulk_tier``."""
    root = tmp_path / "shop"
    for rel, text in PROJECT.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "i"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    path = root / "shop" / "pricing.py"
    path.write_text(path.read_text().replace(
        "    return 'retail'\n", "    if quantity >= 10:\n        return 'bulk'\n"
                                 "    return 'retail'\n"))
    return root


def run_json(run_cli, *args: str) -> dict:
    result = run_cli(*args, "--format", "json")
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


# ------------------------------------------------------------------ SARIF


def test_validate_sarif_reports_uncovered_changed_lines_with_regions(run_cli, changed_repo,
                                                                      sarif_validator):
    out = changed_repo.parent / "gaps.sarif"
    result = run_cli("validate", "--path", str(changed_repo), "--changed-since", "HEAD",
                     "--report", str(out))
    assert result.returncode == 0, result.output
    log = json.loads(out.read_text())
    sarif_validator.validate(log)
    [finding] = log["runs"][0]["results"]
    assert finding["ruleId"] == "uncovered-changed-lines"
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "shop/pricing.py"
    assert location["region"] == {"startLine": 10, "endLine": 11}


def test_possible_bugs_are_sarif_errors_on_the_definition(sarif_validator):
    log = json.loads(sarif.render(POSSIBLE_BUG_REPORT, kind="generate"))
    sarif_validator.validate(log)
    [finding] = log["runs"][0]["results"]
    assert (finding["ruleId"], finding["level"]) == ("possible-bug", "error")
    assert finding["locations"][0]["physicalLocation"]["region"] == {"startLine": 1,
                                                                     "endLine": 4}


def test_analyze_sarif_lists_untested_definitions(run_cli, changed_repo, sarif_validator):
    data = run_json(run_cli, "analyze", "--path", str(changed_repo), "--detail",
                    "per-function")
    log = json.loads(sarif.render(data, kind="analyze"))
    sarif_validator.validate(log)
    assert [r["message"]["text"] for r in log["runs"][0]["results"]] == ["bulk_tier has no test"]


# ------------------------------------------------------------------ JUnit


def test_validate_junit_has_one_case_per_definition_and_gaps_fail(run_cli, changed_repo,
                                                                   junit_schema):
    result = run_cli("validate", "--path", str(changed_repo), "--format", "junit")
    junit_schema.validate(result.stdout)
    cases = {c.get("name"): c for c in ET.fromstring(result.stdout).iter("testcase")}
    assert set(cases) == {"apply_discount", "bulk_tier"}
    assert cases["bulk_tier"].find("failure") is not None


def test_generate_junit_fails_possible_bugs_and_passes_kept_definitions(junit_schema):
    text = junit.render(POSSIBLE_BUG_REPORT, kind="generate")
    junit_schema.validate(text)
    cases = {c.get("name"): c for c in ET.fromstring(text).iter("testcase")}
    assert "possible bug" in cases["apply_discount"].find("failure").get("message")
    assert list(cases["bulk_tier"]) == []


def test_generate_junit_from_a_real_run_is_valid(run_cli, changed_repo, junit_schema):
    out = changed_repo.parent / "generate.xml"
    result = run_cli("generate", "--path", str(changed_repo), "--changed-since", "HEAD",
                     "--report", str(out))
    assert result.returncode == 0, result.output
    junit_schema.validate(str(out))
    cases = [c.get("name") for c in ET.parse(out).iter("testcase")]
    assert cases == ["bulk_tier"]


def test_analyze_junit_per_file_is_valid(run_cli, changed_repo, junit_schema):
    data = run_json(run_cli, "analyze", "--path", str(changed_repo))
    junit_schema.validate(junit.render(data, kind="analyze"))


# ------------------------------------------------------------------ Markdown


def test_markdown_summary_shows_changed_line_coverage_and_the_threshold(run_cli, changed_repo):
    result = run_cli("validate", "--path", str(changed_repo), "--changed-since", "HEAD",
                     "--diff-coverage", "80", "--format", "markdown")
    assert result.returncode == 1
    assert result.stdout.startswith("## ❌ TestGen validate (changed since `HEAD`)")
    assert "**Changed lines** 0/2 covered, **0.00%** (required 80%)" in result.stdout
    assert "| `shop/pricing.py` | 2 | 0 | 10-11 |" in result.stdout


def test_markdown_lists_possible_bugs():
    text = markdown.render(POSSIBLE_BUG_REPORT, kind="generate")
    assert "### Possible bugs" in text
    assert "`shop/pricing.py::apply_discount`: percent=100 gives 0.0" in text


def test_shard_reports_merge_into_one_markdown_summary(run_cli, tmp_path):
    other = json.loads(json.dumps(POSSIBLE_BUG_REPORT))
    other["files"][0]["source"] = "shop/cart.py"
    other["written"] = ["tests/test_cart_testgen.py"]
    paths = []
    for n, report in enumerate((POSSIBLE_BUG_REPORT, other), start=1):
        paths.append(tmp_path / f"shard-{n}.json")
        paths[-1].write_text(json.dumps(report))
    result = run_cli("report", "merge", *map(str, paths), "--format", "markdown")
    assert result.returncode == 0, result.output
    assert "**2 kept**" in result.stdout and "2 possible bugs" in result.stdout
    assert "| `shop/cart.py` |" in result.stdout and "| `shop/pricing.py` |" in result.stdout
