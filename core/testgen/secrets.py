"""API keys: where they are looked up, how they are stored, and how they are kept out of output.

Lookup order for a provider: the system keyring (service ``testgen``, username = provider,
written by ``testgen config set-key PROVIDER``) → the environment variable named by
``llm.api_key_env`` → the provider's usual variable (``ANTHROPIC_API_KEY``…). Without a usable
keyring backend the lookup says so once and goes on with the environment.

Every key handed out is remembered, and :class:`RedactSecrets` (a logging filter installed on
every handler) and :func:`redact` replace it — and anything shaped like a provider key — with
``***`` in log records, reports and error messages.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any, Iterable, Mapping

from .errors import ConfigError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "testgen"
MASK = "***"

PROVIDER_ENV_VARS: dict[str, tuple[str, ...]] = {
    "anthropic": ("ANTHROPIC_API_KEY",),
    "openai": ("OPENAI_API_KEY",),
    "azure": ("AZURE_API_KEY", "AZURE_OPENAI_API_KEY"),
    "azure_ai": ("AZURE_AI_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "mistral": ("MISTRAL_API_KEY",),
    "groq": ("GROQ_API_KEY",),
    "cohere": ("COHERE_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
    "together_ai": ("TOGETHERAI_API_KEY", "TOGETHER_API_KEY"),
    "xai": ("XAI_API_KEY",),
    "fireworks_ai": ("FIREWORKS_AI_API_KEY", "FIREWORKS_API_KEY"),
    "perplexity": ("PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"),
    "huggingface": ("HF_TOKEN", "HUGGINGFACE_API_KEY"),
    "cerebras": ("CEREBRAS_API_KEY",),
    "nvidia_nim": ("NVIDIA_NIM_API_KEY",),
    "dashscope": ("DASHSCOPE_API_KEY",),
}
"""The provider's customary environment variables, first one preferred."""

LOCAL_PROVIDERS = frozenset({"ollama", "ollama_chat", "lm_studio", "hosted_vllm", "llamafile",
                             "vllm", "openai_like"})
"""Providers that usually run without a key (local servers)."""

# Shapes of provider keys, masked even when the key was never handed out by this module.
_KEY_SHAPES = re.compile(
    r"\bsk-(?:ant-|proj-|or-|svcacct-)?[A-Za-z0-9_\-]{16,}"
    r"|\bAIza[0-9A-Za-z_\-]{30,}"
    r"|\bxai-[A-Za-z0-9]{20,}"
    r"|\bgsk_[A-Za-z0-9]{20,}"
    r"|\bhf_[A-Za-z0-9]{20,}"
    r"|(?i:\bbearer\s+)[A-Za-z0-9._\-]{16,}")
_SECRET_ENV_NAME = re.compile(r"(API_KEY|_TOKEN|_SECRET|SECRET_KEY)$")
_MIN_SECRET_LENGTH = 8

_known: set[str] = set()
_known_lock = threading.Lock()
_pattern_cache: tuple[frozenset[str], re.Pattern[str] | None] = (frozenset(), None)
_keyring_warned = False


# --------------------------------------------------------------------------- redaction


def register_secret(value: str | None) -> None:
    """Remember a secret value so :func:`redact` masks it from now on."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _known_lock:
            _known.add(value)


def register_env_secrets(environ: Mapping[str, str] | None = None) -> None:
    """Remember the values of environment variables that hold keys (``*_API_KEY``,
    ``*_TOKEN``, the provider variables), so they are masked even if never looked up."""
    environ = os.environ if environ is None else environ
    names = {n for names in PROVIDER_ENV_VARS.values() for n in names}
    for name, value in environ.items():
        if name in names or _SECRET_ENV_NAME.search(name):
            register_secret(value)


def redact(text: str) -> str:
    """``text`` with every known secret and key-shaped string replaced by ``***``."""
    if not text:
        return text
    pattern = _known_pattern()
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _KEY_SHAPES.sub(_mask_shape, text)


def contains_secret(text: str | None) -> bool:
    """Whether ``text`` holds a known secret value: a key handed out by this module or one in
    the environment. Nothing holding one is written (tests, state, probe results)."""
    if not text:
        return False
    register_env_secrets()
    pattern = _known_pattern()
    return pattern is not None and pattern.search(text) is not None


def _mask_shape(match: re.Match[str]) -> str:
    found = match.group(0)
    if found.lower().startswith("bearer"):
        return found.split()[0] + " " + MASK
    return MASK


def _known_pattern() -> re.Pattern[str] | None:
    global _pattern_cache
    with _known_lock:
        current = frozenset(_known)
    cached_for, pattern = _pattern_cache
    if cached_for != current:
        # Longest first, so a key that contains another key is masked whole.
        alternatives = sorted(current, key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        _pattern_cache = (current, pattern)
    return pattern


class RedactSecrets(logging.Filter):
    """A logging filter that masks secrets in the message, its arguments and any traceback.

    Install it on every handler (``handler.addFilter(RedactSecrets())``); it never drops a
    record. The traceback is rendered here, masked, and kept as ``exc_text`` so no handler
    formats the raw exception (or its locals) again.
    """

    def __init__(self, name: str = "", *, include_env: bool = True) -> None:
        super().__init__(name)
        if include_env:
            register_env_secrets()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: mask what there is
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = redact(text), None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_redaction(loggers: Iterable[logging.Logger | str] = ("",)) -> RedactSecrets:
    """Add one :class:`RedactSecrets` to every handler of ``loggers`` (default: the root)."""
    flt = RedactSecrets()
    for entry in loggers:
        logger = logging.getLogger(entry) if isinstance(entry, str) else entry
        for handler in logger.handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(flt)
    return flt


# --------------------------------------------------------------------------- lookup


def provider_of(model: str, settings: Mapping[str, Any] | None = None) -> str:
    """The provider a model name belongs to (``anthropic/claude…`` → ``anthropic``)."""
    llm = _llm_section(settings)
    if "/" in model:
        return model.split("/", 1)[0].lower()
    if llm.get("provider") and model == llm.get("model"):
        return str(llm["provider"]).lower()
    lowered = model.lower()
    for prefix, provider in (("claude", "anthropic"), ("gpt", "openai"), ("o1", "openai"),
                             ("o3", "openai"), ("o4", "openai"), ("gemini", "gemini"),
                             ("mistral", "mistral"), ("command", "cohere")):
        if lowered.startswith(prefix):
            return provider
    return str(llm.get("provider") or "openai").lower()


def get_api_key(provider: str, settings: Mapping[str, Any] | None = None) -> str | None:
    """The key for ``provider``: keyring → ``llm.api_key_env`` → the provider's env var(s)."""
    provider = provider.lower()
    llm = _llm_section(settings)
    key = _from_keyring(provider)
    source = "keyring"
    if not key and llm.get("api_key_env"):
        key, source = os.environ.get(str(llm["api_key_env"])) or None, f"${llm['api_key_env']}"
    if not key:
        for name in PROVIDER_ENV_VARS.get(provider, (f"{provider.upper()}_API_KEY",)):
            key = os.environ.get(name) or None
            if key:
                source = f"${name}"
                break
    if key:
        register_secret(key)
        log.debug("API key for %s found in %s", provider, source)
    return key


def set_api_key(provider: str, key: str) -> str:
    """Store ``key`` in the system keyring; returns the backend's name.

    Raises :class:`ConfigError` (TG104) when no usable keyring backend exists.
    """
    provider = provider.strip().lower()
    key = key.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", provider):
        raise ConfigError(f"invalid provider name {provider!r}", code="TG105",
                          hint="use the LiteLLM provider prefix: anthropic, openai, azure, gemini…")
    if not key:
        raise ConfigError("no key given", code="TG105", hint="paste the key when asked, or pipe "
                          f"it: echo \"$KEY\" | testgen config set-key {provider}")
    register_secret(key)
    backend = _usable_keyring()
    if backend is None:
        raise ConfigError(
            "no usable keyring backend on this system, the key was not stored", code="TG104",
            hint=f"set {env_var_for(provider)} in the environment instead, or install a keyring "
                 "backend (e.g. `pip install keyrings.alt`)")
    import keyring.errors

    try:
        backend.set_password(KEYRING_SERVICE, provider, key)
    except keyring.errors.KeyringError as exc:
        raise ConfigError(f"the keyring refused to store the key: {redact(str(exc))}",
                          code="TG104", hint=f"set {env_var_for(provider)} instead") from None
    return keyring_name(backend)


def missing_key_message(provider: str) -> str:
    """What to do when no key for ``provider`` was found anywhere."""
    where = "" if _usable_keyring() is not None else " (no usable keyring backend here)"
    return (f"no API key for {provider}: set {env_var_for(provider)} or run "
            f"`testgen config set-key {provider}`{where}")


def env_var_for(provider: str) -> str:
    return PROVIDER_ENV_VARS.get(provider.lower(), (f"{provider.upper()}_API_KEY",))[0]


def keyring_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def _usable_keyring() -> Any | None:
    global _keyring_warned
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception as exc:  # noqa: BLE001 - keyring broken: the environment still works
        backend, why = None, f"keyring cannot be imported ({exc})"
    else:
        backend = keyring.get_keyring()
        why = ""
        if isinstance(backend, fail.Keyring) or (
                isinstance(backend, chainer.ChainerBackend) and not backend.backends):
            backend, why = None, "no usable keyring backend"
    if backend is None and not _keyring_warned:
        _keyring_warned = True
        log.info("%s; reading API keys from environment variables", why)
    return backend


def _from_keyring(provider: str) -> str | None:
    backend = _usable_keyring()
    if backend is None:
        return None
    try:
        return backend.get_password(KEYRING_SERVICE, provider) or None
    except Exception as exc:  # noqa: BLE001 - a locked or broken keyring: fall back to env
        log.info("keyring lookup for %s failed (%s); using environment variables",
                 provider, redact(str(exc)))
        return None


def _llm_section(settings: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not settings:
        return {}
    section = settings.get("llm")
    return section if isinstance(section, Mapping) else settings
