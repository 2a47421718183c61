"""Bad input: a code, a one-line message with a hint, exit status 2, never a traceback."""

from __future__ import annotations

import os

import pytest


def assert_clean_error(result, code):
    assert result.returncode == 2, result.output
    assert f"error[{code}]" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["analyze", "validate", "generate"])
def test_missing_path_is_tg201(run_cli, tmp_path, command):
    result = run_cli(command, "--path", str(tmp_path / "missing"))
    assert_clean_error(result, "TG201")


def test_symlink_loop_as_path_is_tg201(run_cli, tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    assert_clean_error(run_cli("analyze", "--path", str(tmp_path / "a")), "TG201")


def test_malformed_config_is_tg101_with_file_and_line(run_cli, make_project):
    project = make_project({".testgen.yaml": "llm: [broken\n", "a.py": "x = 1\n"})
    result = run_cli("analyze", "--path", str(project))
    assert_clean_error(result, "TG101")
    assert ".testgen.yaml:" in result.stderr


def test_unknown_config_key_is_tg102(run_cli, make_project):
    project = make_project({".testgen.yaml": "generation:\n  colour: blue\n", "a.py": "x=1\n"})
    result = run_cli("analyze", "--path", str(project))
    assert_clean_error(result, "TG102")
    assert "generation.colour" in result.stderr


def test_wrong_type_in_env_is_tg103(run_cli, make_project):
    project = make_project({"a.py": "x = 1\n"})
    result = run_cli("analyze", "--path", str(project),
                     env={"TESTGEN_GENERATION_REPEAT": "many"})
    assert_clean_error(result, "TG103")


def test_bad_shard_is_tg105(run_cli, make_project):
    project = make_project({"a.py": "x = 1\n"})
    assert_clean_error(run_cli("generate", "--path", str(project), "--shard", "5/2"), "TG105")


def test_usage_error_exits_2(run_cli):
    result = run_cli("analyze", "--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.output


def test_version_is_printed(run_cli):
    result = run_cli("--version")
    assert result.returncode == 0
    assert "testgen, version" in result.stdout


def test_config_set_refuses_a_framework_the_language_lacks(run_cli, tmp_path):
    result = run_cli("config", "set", "languages.python.framework", "jest",
                     "--path", str(tmp_path))
    assert_clean_error(result, "TG103")
    assert not (tmp_path / ".testgen.yaml").exists()


def test_report_merge_rejects_what_is_not_a_report(run_cli, tmp_path):
    bad = tmp_path / "list.json"
    bad.write_text("[]")
    assert_clean_error(run_cli("report", "merge", str(bad)), "TG203")
