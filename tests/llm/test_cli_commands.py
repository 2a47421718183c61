"""``testgen cache stats|clear`` and ``testgen config set-key``."""

from __future__ import annotations

import json

import keyring
import pytest
from click.testing import CliRunner
from keyring.backends import fail

from testgen.cli import cli
from testgen.llm.cache import CachedResponse, ResponseCache


@pytest.fixture
def filled_cache(isolated_home, monkeypatch, tmp_path):
    directory = tmp_path / "shared-cache"
    monkeypatch.setenv("TESTGEN_CACHE_DIR", str(directory))
    cache = ResponseCache(directory)
    for n in range(3):
        cache.put(f"k{n}", CachedResponse(f"answer {n}", "openai/gpt-4o-mini", 10, 5))
    cache.get("k0")
    cache.close()
    return directory


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_cache_stats_json_reports_entries_hits_and_path(filled_cache, tmp_path):
    result = invoke("cache", "stats", "--json", "-p", str(tmp_path))

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == "testgen.cache/1"
    assert data["entries"] == 3 and data["hits"] == 1
    assert data["path"].startswith(str(filled_cache))


def test_cache_stats_text_names_the_models(filled_cache, tmp_path):
    result = invoke("cache", "stats", "-p", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert "entries: 3" in result.output and "openai/gpt-4o-mini: 3" in result.output


def test_cache_clear_empties_it(filled_cache, tmp_path):
    result = invoke("cache", "clear", "-p", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert "removed 3 cached answers" in result.output
    assert ResponseCache(filled_cache).stats()["entries"] == 0


def test_the_cache_dir_setting_of_the_project_is_used(isolated_home, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / ".testgen.yaml").write_text(f"cache:\n  dir: {tmp_path / 'team-cache'}\n")
    ResponseCache(tmp_path / "team-cache").put("k", CachedResponse("a", "m", 1, 1))

    result = invoke("cache", "stats", "--json", "-p", str(project))

    assert json.loads(result.output)["entries"] == 1


def test_set_key_reads_the_key_from_stdin_and_never_prints_it(memory_keyring, isolated_home):
    result = invoke("config", "set-key", "anthropic", input="sk-ant-secret-0123456789abc\n")

    assert result.exit_code == 0, result.output
    assert memory_keyring.store[("testgen", "anthropic")] == "sk-ant-secret-0123456789abc"
    assert "sk-ant-secret" not in result.output
    assert "ANTHROPIC_API_KEY" in result.output


def test_set_key_without_a_keyring_fails_with_a_hint(isolated_home):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        result = CliRunner().invoke(cli, ["config", "set-key", "openai"],
                                    input="sk-secret-0123456789abcdef\n")
    finally:
        keyring.set_keyring(previous)

    assert result.exit_code != 0
    assert result.exception is not None and getattr(result.exception, "code", "") == "TG104"
    assert "OPENAI_API_KEY" in result.exception.hint
