"""Configuration: layers, precedence, sources, and errors that name file, line and key."""

from __future__ import annotations

import pytest

from testgen import config
from testgen.errors import ConfigError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_apply_when_nothing_is_configured(tmp_path, isolated_home):
    cfg = config.load(tmp_path, env={})
    assert cfg.get("generation.repeat") == 3
    assert cfg.get("llm.model") is None
    assert cfg.source("generation.repeat") == "default"


def test_precedence_is_flags_then_env_then_project_then_user(tmp_path, isolated_home):
    write(isolated_home / "config.yaml", "generation:\n  repeat: 1\n  max_repairs: 1\n"
          "  parallel_workers: 7\n  batch_size: 9\n")
    project = tmp_path / "proj"
    write(project / ".testgen.yaml", "generation:\n  repeat: 2\n  max_repairs: 3\n"
          "  parallel_workers: 5\n")
    env = {"TESTGEN_GENERATION_REPEAT": "4", "TESTGEN_GENERATION_MAX_REPAIRS": "4"}
    cfg = config.load(project, env=env, flags={"generation.repeat": 5})
    assert cfg.get("generation.repeat") == 5
    assert cfg.source("generation.repeat") == "flag"
    assert cfg.get("generation.max_repairs") == 4
    assert cfg.source("generation.max_repairs").startswith("env (TESTGEN_GENERATION_MAX")
    assert cfg.get("generation.parallel_workers") == 5
    assert cfg.source("generation.parallel_workers").startswith("project (")
    assert cfg.get("generation.batch_size") == 9
    assert cfg.source("generation.batch_size").startswith("user (")


def test_project_file_is_found_by_searching_upward(tmp_path, isolated_home):
    write(tmp_path / "repo" / ".testgen.yaml", "llm:\n  model: openai/gpt-5-mini\n")
    deep = tmp_path / "repo" / "src" / "pkg"
    deep.mkdir(parents=True)
    cfg = config.load(deep, env={})
    assert cfg.get("llm.model") == "openai/gpt-5-mini"
    assert cfg.project_file == tmp_path / "repo" / ".testgen.yaml"


def test_upward_search_stops_at_the_repository_root(tmp_path, isolated_home):
    write(tmp_path / ".testgen.yaml", "llm:\n  model: outside\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    cfg = config.load(tmp_path / "repo", env={})
    assert cfg.get("llm.model") is None


def test_language_sections_accept_any_language_name(tmp_path, isolated_home):
    write(tmp_path / ".testgen.yaml", "languages:\n  go:\n    framework: testify\n"
          "    test_types: [table-driven]\n")
    cfg = config.load(tmp_path, env={"TESTGEN_LANGUAGES_PYTHON_FRAMEWORK": "unittest"})
    assert cfg.languages() == {"go": {"framework": "testify", "test_types": ["table-driven"]},
                               "python": {"framework": "unittest"}}


def test_malformed_yaml_names_file_and_line(tmp_path, isolated_home):
    path = write(tmp_path / ".testgen.yaml", "llm:\n  model: [unclosed\n  timeout: 3\n")
    with pytest.raises(ConfigError) as info:
        config.load(tmp_path, env={})
    assert info.value.code == "TG101"
    assert str(path) in info.value.location
    assert info.value.location.rsplit(":", 1)[1].isdigit()


def test_unknown_key_names_file_line_and_suggests_the_right_one(tmp_path, isolated_home):
    path = write(tmp_path / ".testgen.yaml", "generation:\n  repeat: 2\n  repaet: 3\n")
    with pytest.raises(ConfigError) as info:
        config.load(tmp_path, env={})
    assert info.value.code == "TG102"
    assert info.value.location == f"{path}:3"
    assert "generation.repaet" in info.value.message
    assert "generation.repeat" in info.value.hint


def test_wrong_type_names_key_and_expected_type(tmp_path, isolated_home):
    path = write(tmp_path / ".testgen.yaml", "generation:\n  repeat: three\n")
    with pytest.raises(ConfigError) as info:
        config.load(tmp_path, env={})
    assert info.value.code == "TG103"
    assert info.value.location == f"{path}:2"
    assert "generation.repeat must be integer" in info.value.message


def test_booleans_are_not_accepted_as_numbers(tmp_path, isolated_home):
    write(tmp_path / ".testgen.yaml", "generation:\n  repeat: true\n")
    with pytest.raises(ConfigError, match="generation.repeat must be integer"):
        config.load(tmp_path, env={})


def test_out_of_range_value_is_an_error(tmp_path, isolated_home):
    write(tmp_path / ".testgen.yaml", "llm:\n  temperature: 7\n")
    with pytest.raises(ConfigError, match="between 0 and 2"):
        config.load(tmp_path, env={})


def test_bad_environment_value_names_the_variable(tmp_path, isolated_home):
    with pytest.raises(ConfigError) as info:
        config.load(tmp_path, env={"TESTGEN_GENERATION_REPEAT": "lots"})
    assert "TESTGEN_GENERATION_REPEAT" in info.value.location


def test_write_value_keeps_other_keys_and_round_trips(tmp_path, isolated_home):
    path = write(tmp_path / ".testgen.yaml", "llm:\n  model: a\n")
    config.write_value(path, "generation.repeat", 5)
    cfg = config.load(tmp_path, env={})
    assert (cfg.get("llm.model"), cfg.get("generation.repeat")) == ("a", 5)
    config.write_value(path, "llm.model", None, unset=True)
    assert config.load(tmp_path, env={}).get("llm.model") is None


def test_cli_values_are_typed_by_the_schema():
    assert config.parse_text_value("generation.repeat", "4") == 4
    assert config.parse_text_value("llm.fallbacks", "a/b, c/d") == ["a/b", "c/d"]
    assert config.parse_text_value("llm.model", "123") == "123"
    with pytest.raises(ConfigError):
        config.parse_text_value("generation.repeat", "x")
