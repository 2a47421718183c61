"""API key lookup order, storage in the keyring, and redaction of keys from output."""

from __future__ import annotations

import logging

import keyring
import pytest
from keyring.backends import fail

from testgen import secrets
from testgen.errors import ConfigError
from testgen.secrets import RedactSecrets, get_api_key, redact, set_api_key

CANARY = "sk-canary-7f3a9c1e5b2d4f6a8c0e"


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    secrets._keyring_warned = False
    yield
    keyring.set_keyring(previous)


def test_the_keyring_comes_first(memory_keyring, monkeypatch):
    memory_keyring.set_password("testgen", "anthropic", "from-keyring-123456")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env-123456789")

    assert get_api_key("anthropic", {"llm": {}}) == "from-keyring-123456"


def test_the_configured_variable_comes_before_the_provider_default(memory_keyring, monkeypatch):
    monkeypatch.setenv("MY_TEAM_KEY", "team-key-123456789")
    monkeypatch.setenv("OPENAI_API_KEY", "default-key-123456")

    assert get_api_key("openai", {"llm": {"api_key_env": "MY_TEAM_KEY"}}) == "team-key-123456789"


def test_the_provider_default_variable_is_the_last_resort(memory_keyring, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-key-1234567")

    assert get_api_key("gemini", {"llm": {"api_key_env": "UNSET_VARIABLE"}}) == \
        "gemini-key-1234567"


def test_no_key_anywhere_is_none(memory_keyring):
    assert get_api_key("anthropic", {}) is None


def test_without_a_usable_keyring_the_environment_is_used_and_that_is_said_once(
        no_keyring, monkeypatch, caplog):
    monkeypatch.setenv("OPENAI_API_KEY", "env-key-123456789")
    caplog.set_level(logging.INFO, logger="testgen.secrets")

    assert get_api_key("openai") == "env-key-123456789"
    assert get_api_key("openai") == "env-key-123456789"
    said = [r.getMessage() for r in caplog.records if "keyring" in r.getMessage()]
    assert len(said) == 1 and "no usable keyring backend" in said[0]


def test_set_key_stores_in_the_keyring(memory_keyring):
    backend = set_api_key("Anthropic", "  sk-ant-stored-key-1234567890  ")

    assert memory_keyring.store[("testgen", "anthropic")] == "sk-ant-stored-key-1234567890"
    assert backend.endswith("MemoryKeyring")


def test_set_key_without_a_keyring_is_a_clear_error_naming_the_variable(no_keyring):
    with pytest.raises(ConfigError) as caught:
        set_api_key("anthropic", "sk-ant-whatever-1234567890")

    assert caught.value.code == "TG104"
    assert "ANTHROPIC_API_KEY" in caught.value.hint


def test_set_key_refuses_an_empty_key(memory_keyring):
    with pytest.raises(ConfigError):
        set_api_key("openai", "   ")


def test_redact_masks_keys_handed_out_and_key_shaped_strings(memory_keyring, monkeypatch):
    monkeypatch.setenv("ODD_PROVIDER_API_KEY", "plainsecretvalue42")
    get_api_key("odd_provider")

    text = redact("key plainsecretvalue42 and sk-ant-api03-abcdefghijklmnopqrstuv and "
                  "Authorization: Bearer abcdefghijklmnopqrstuvwxyz")

    assert "plainsecretvalue42" not in text
    assert "sk-ant-api03" not in text
    assert "abcdefghijklmnopqrstuvwxyz" not in text
    assert text.count("***") == 3


def test_the_log_filter_masks_messages_arguments_and_tracebacks(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    log_file = tmp_path / "run.log"
    handler = logging.FileHandler(log_file)
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("testgen.test-redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.info("calling with key %s", CANARY)
        try:
            raise RuntimeError(f"provider said: bad key {CANARY}")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
        handler.close()

    written = log_file.read_text()
    assert CANARY not in written
    assert "calling with key ***" in written
    assert "RuntimeError: provider said: bad key ***" in written
