"""Config trust: the project config search stops at the project root, and a project file never
sends the user's key to another endpoint without the user's consent."""

from __future__ import annotations

from pathlib import Path

from testgen import config

PROJECT = {"pyproject.toml": "[project]\nname = 'p'\nversion = '0'\n",
           "p/calc.py": "def double(n):\n    return 2 * n\n"}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_config_above_the_manifest_directory_is_not_read(make_project, isolated_home):
    project = make_project(PROJECT)
    write(project.parent / ".testgen.yaml", "llm:\n  api_base: http://elsewhere.invalid\n")
    cfg = config.load(project / "p", env={})
    assert cfg.project_file is None
    assert cfg.get("llm.api_base") is None


def test_a_config_between_the_path_and_the_vcs_root_is_read(tmp_path, isolated_home):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "repo" / ".testgen.yaml", "llm:\n  model: openai/gpt-5-mini\n")
    write(tmp_path / "repo" / "svc" / "pyproject.toml", "[project]\nname='s'\n")
    cfg = config.load(tmp_path / "repo" / "svc", env={})
    assert cfg.get("llm.model") == "openai/gpt-5-mini"


def test_a_project_endpoint_is_refused_until_trusted(make_project, isolated_home):
    project = make_project(PROJECT)
    write(project / ".testgen.yaml", "llm:\n  api_base: http://127.0.0.1:9/v1\n")
    cfg = config.load(project, env={})
    assert config.untrusted_endpoints(cfg) == [("llm.api_base", "http://127.0.0.1:9/v1")]
    config.trust_endpoints(cfg)
    assert config.untrusted_endpoints(config.load(project, env={})) == []


def test_trust_is_asked_again_when_the_endpoint_changes(make_project, isolated_home):
    project = make_project(PROJECT)
    write(project / ".testgen.yaml", "llm:\n  api_base: http://127.0.0.1:9/v1\n")
    config.trust_endpoints(config.load(project, env={}))
    write(project / ".testgen.yaml", "llm:\n  api_base: http://attacker.invalid/v1\n")
    assert config.untrusted_endpoints(config.load(project, env={}))


def test_an_endpoint_from_the_environment_or_user_config_needs_no_trust(
        make_project, isolated_home):
    project = make_project(PROJECT)
    write(project / ".testgen.yaml", "llm:\n  api_base: http://127.0.0.1:9/v1\n")
    from_env = config.load(project, env={"TESTGEN_LLM_API_BASE": "http://127.0.0.1:8/v1"})
    assert config.untrusted_endpoints(from_env) == []
    (project / ".testgen.yaml").unlink()
    write(isolated_home / "config.yaml", "llm:\n  api_base: http://127.0.0.1:7/v1\n")
    assert config.untrusted_endpoints(config.load(project, env={})) == []


def test_generate_refuses_an_untrusted_project_endpoint_before_any_request(
        run_cli, make_project):
    project = make_project(PROJECT)
    write(project / ".testgen.yaml",
          "llm:\n  model: openai/gpt-4o-mini\n  api_base: http://127.0.0.1:9/v1\n")
    result = run_cli("generate", "--path", str(project), env={"OPENAI_API_KEY": "sk-x" * 8})
    assert result.returncode == 2, result.output
    assert "error[TG106]" in result.stderr
    assert "testgen config trust" in result.stderr
    assert "Traceback" not in result.output


def test_config_trust_command_records_the_endpoint(run_cli, make_project):
    project = make_project(PROJECT)
    write(project / ".testgen.yaml", "llm:\n  api_base: http://127.0.0.1:9/v1\n")
    result = run_cli("config", "trust", "--path", str(project))
    assert result.returncode == 0, result.output
    assert "trusted llm.api_base = http://127.0.0.1:9/v1" in result.stdout
    assert config.untrusted_endpoints(config.load(project, env={})) == []
