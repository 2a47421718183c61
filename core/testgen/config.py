"""Configuration: one schema, five layers, and where every value came from.

Precedence, highest first: command-line flags > ``TESTGEN_*`` environment variables > the project
``.testgen.yaml`` (searched upward from ``--path`` to the project root) > the user config
(``platformdirs.user_config_dir("testgen")/config.yaml``) > defaults. Malformed YAML, unknown
keys and wrong types are ``TG1xx`` errors naming the file, the line and the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from .errors import ConfigError

PROJECT_FILE = ".testgen.yaml"
USER_FILE = "config.yaml"
ENV_PREFIX = "TESTGEN_"
# Environment variables with the prefix that are not configuration keys.
ENV_RESERVED = {"TESTGEN_LOAD_PLUGINS", "TESTGEN_CONFIG_DIR", "TESTGEN_CACHE_DIR",
                "TESTGEN_DEBUG", "TESTGEN_SANDBOX", "TESTGEN_BUILD_CACHE", "TESTGEN_LOCK_WAIT",
                "TESTGEN_SANDBOX_RUN"}
TEST_TYPES = ("unit", "edge-cases", "negative", "table-driven", "integration", "regression")


NUMBER = (int, float)


@dataclass(frozen=True)
class Key:
    """One configuration key: its type, default, and an optional check."""

    type: type | tuple[type, ...]
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False
    item_choices: tuple[str, ...] | None = None

    def type_name(self) -> str:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        names = {int: "integer", float: "number", str: "string", bool: "boolean",
                 list: "list", dict: "mapping"}
        name = "number" if types == NUMBER else " or ".join(names.get(t, t.__name__)
                                                             for t in types)
        if self.choices:
            name += " (one of " + ", ".join(map(str, self.choices)) + ")"
        return name + (" or null" if self.nullable else "")


SCHEMA: dict[str, dict[str, Key]] = {
    "llm": {
        "provider": Key(str, None, "provider name, when the model has no prefix", nullable=True),
        "model": Key(str, None, "model name as LiteLLM knows it (anthropic/claude-sonnet-4-5)",
                     nullable=True),
        "api_base": Key(str, None, "base URL of an OpenAI-compatible server", nullable=True),
        "api_key_env": Key(str, None, "environment variable that holds the API key",
                           nullable=True),
        "temperature": Key(NUMBER, 0.2, "sampling temperature", minimum=0, maximum=2),
        "max_tokens": Key(int, 4096, "completion token limit", minimum=1),
        "timeout": Key(NUMBER, 120, "seconds per request", minimum=1),
        "fallbacks": Key(list, [], "models tried when the primary keeps failing"),
        "small_model": Key(str, None, "cheaper model for simple definitions", nullable=True),
        "requests_per_minute": Key(int, None, "request rate limit", minimum=1, nullable=True),
        "tokens_per_minute": Key(int, None, "token rate limit", minimum=1, nullable=True),
        "options": Key(dict, {}, "extra provider parameters passed through to every request "
                                 "(Ollama num_ctx, vLLM extra_body, ...)"),
        "tools": Key(bool, False, "offer models that take tool calls a get_info(symbol) "
                                  "tool to look up the project's definitions"),
        "json_mode": Key(str, "auto", "ask for structured JSON output: auto (where LiteLLM "
                                      "knows the model supports it), schema, object or off",
                         choices=("auto", "schema", "object", "off")),
    },
    "generation": {
        "engine": Key(str, None, "offline or llm (default: llm when a model is set)",
                      choices=("offline", "llm"), nullable=True),
        "test_types": Key(list, ["unit"], "test types to generate", item_choices=TEST_TYPES),
        "batch_size": Key(int, 4, "small definitions of one file per model request",
                          minimum=1, maximum=64),
        "parallel_workers": Key(int, 4, "concurrent files / requests", minimum=1, maximum=64),
        "timeout": Key(NUMBER, 60, "seconds per probe or test-runner launch", minimum=1),
        "repeat": Key(int, 3, "extra runs a test must pass (flake check)", minimum=0,
                      maximum=20),
        "max_repairs": Key(int, 2, "repair rounds for failing LLM candidates", minimum=0,
                           maximum=5),
        "max_rounds": Key(int, 3, "coverage-guided rounds per definition (LLM engine): "
                                  "follow-ups name the lines still uncovered", minimum=1,
                          maximum=10),
        "budget_usd": Key(NUMBER, None, "stop issuing model requests before this cost",
                          minimum=0, nullable=True),
        "keep_no_gain": Key(bool, False, "keep passing tests that add no coverage"),
        "mutation": Key(str, "sample", "keep a test that adds no coverage when it kills a "
                                    "mutant no other test kills (sample: 20 per file)",
                        choices=("off", "sample", "full")),
    },
    "output": {
        "format": Key(str, "text", "report format", choices=("text", "json", "html")),
        "include_coverage": Key(bool, True, "include coverage figures in reports"),
        "dir": Key(str, None, "directory for generated tests (default: beside the code)",
                   nullable=True),
    },
    "scan": {
        "max_file_bytes": Key(int, 1_000_000, "larger files are skipped", minimum=1),
        "exclude": Key(list, [], "extra gitignore-style patterns to skip"),
    },
    "cache": {
        "dir": Key(str, None, "response cache directory (may be shared)", nullable=True),
    },
}
LANGUAGE_KEYS: dict[str, Key] = {
    "framework": Key(str, None, "test framework for this language", nullable=True),
    "test_types": Key(list, None, "test types for this language", nullable=True,
                      item_choices=TEST_TYPES),
    "interpreter": Key(str, None, "interpreter (or environment directory) that runs the "
                       "project's code; relative paths are from the project root",
                       nullable=True),
}


@dataclass
class Layer:
    name: str
    """``default``, ``user``, ``project``, ``env`` or ``flag``."""
    values: dict[str, Any]
    """Flat ``section.key`` (``languages.go.framework``) → value."""
    origin: str = ""
    """File path or variable names, for ``config list``."""


@dataclass
class Config:
    """The effective configuration and the layer each value came from."""

    layers: list[Layer]
    project_file: Path | None = None
    user_file: Path | None = None
    _values: dict[str, Any] = field(default_factory=dict)
    _sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for layer in self.layers:  # lowest precedence first
            for key, value in layer.values.items():
                self._values[key] = value
                self._sources[key] = (f"{layer.name} ({layer.origin})" if layer.origin
                                      else layer.name)

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def source(self, key: str) -> str:
        return self._sources.get(key, "default")

    def items(self) -> Iterator[tuple[str, Any, str]]:
        for key in sorted(self._values):
            yield key, self._values[key], self.source(key)

    def section(self, name: str) -> dict[str, Any]:
        prefix = name + "."
        return {k[len(prefix):]: v for k, v in self._values.items() if k.startswith(prefix)}

    def nested(self) -> dict[str, Any]:
        """The effective configuration as nested dicts (``{"llm": {"model": ...}}``)."""
        out: dict[str, Any] = {}
        for key, value in self._values.items():
            node = out
            *parents, leaf = key.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        return out

    def languages(self) -> dict[str, dict[str, Any]]:
        return self.nested().get("languages", {})

    def with_flags(self, flags: Mapping[str, Any]) -> "Config":
        given = {k: v for k, v in flags.items() if v is not None}
        for key, value in given.items():
            _check(key, value, "command line")
        return Config(self.layers + [Layer("flag", given)], self.project_file, self.user_file)


# --------------------------------------------------------------------------- loading


def user_config_dir() -> Path:
    override = os.environ.get("TESTGEN_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("testgen"))


VCS_MARKERS = (".git", ".hg", ".svn")
TRUST_FILE = "trusted-endpoints.json"
ENDPOINT_KEYS = ("llm.api_base",)
"""Keys that choose the server the user's API key is sent to."""


def find_project_file(start: Path, manifests: tuple[str, ...] | None = None) -> Path | None:
    """``.testgen.yaml`` at or above ``start``, no higher than the project root: the VCS
    root, else the nearest directory holding a language's manifest. A file in an ancestor
    directory outside the project is never read. Without either marker the search goes up to
    the filesystem root (the endpoint trust check still guards the key)."""
    start = start if start.is_dir() else start.parent
    directories = [start, *start.parents]
    top = next((i for i, d in enumerate(directories)
                if any((d / m).exists() for m in VCS_MARKERS)), None)
    if top is None:
        names = _manifests() if manifests is None else manifests
        top = next((i for i, d in enumerate(directories)
                    if any((d / m).is_file() for m in names)), len(directories) - 1)
    for directory in directories[:top + 1]:
        candidate = directory / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def _manifests() -> tuple[str, ...]:
    """The project manifests the installed languages declare (``LanguageInfo.manifests``)."""
    try:
        from .plugins import Plugins

        languages = Plugins.load().languages()
    except Exception:  # noqa: BLE001 - without plugins there are no manifests to look for
        return ()
    return tuple(sorted({m for info in languages.values() for m in info.manifests}))


# --------------------------------------------------------------------------- endpoint trust


def untrusted_endpoints(config: "Config") -> list[tuple[str, Any]]:
    """Endpoint keys whose value comes from the project file and was never trusted.

    The user's key is sent only to an endpoint set by a flag, the environment or the user's
    own config, or one the user confirmed for this project file (``testgen config trust``).
    """
    if config.project_file is None:
        return []
    trusted = _trusted().get(str(config.project_file.resolve()), {})
    return [(key, config.get(key)) for key in ENDPOINT_KEYS
            if config.get(key) is not None and config.source(key).startswith("project")
            and trusted.get(key) != config.get(key)]


def check_endpoint_trust(config: "Config") -> None:
    """A TG106 error when the project file redirects the user's key to an untrusted server."""
    found = untrusted_endpoints(config)
    if found:
        key, value = found[0]
        raise ConfigError(
            f"{config.project_file} sets {key} to {value!r}; your API key is not sent to an "
            "endpoint a project file chose until you confirm it", code="TG106",
            location=str(config.project_file),
            hint=f"check the server, then run `testgen config trust --path "
                 f"{config.project_file.parent}` (or set {key} with `testgen config set "
                 f"--global`, TESTGEN_{key.upper().replace('.', '_')} or a flag)")


def trust_endpoints(config: "Config") -> dict[str, Any]:
    """Remember the project file's endpoint values as confirmed by the user."""
    if config.project_file is None:
        return {}
    values = {key: config.get(key) for key in ENDPOINT_KEYS
              if config.get(key) is not None and config.source(key).startswith("project")}
    store = _trusted()
    store[str(config.project_file.resolve())] = values
    path = user_config_dir() / TRUST_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    import json

    tmp.write_text(json.dumps(store, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return values


def _trusted() -> dict[str, dict[str, Any]]:
    import json

    try:
        data = json.loads((user_config_dir() / TRUST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) \
        else {}


def load(path: Path | None = None, *, env: Mapping[str, str] | None = None,
         flags: Mapping[str, Any] | None = None) -> Config:
    """Build the effective configuration for work on ``path`` (default: the current dir)."""
    start = Path(path or Path.cwd()).absolute()
    user_file = user_config_dir() / USER_FILE
    project_file = find_project_file(start) if start.exists() else None
    layers = [Layer("default", defaults())]
    if user_file.is_file():
        layers.append(Layer("user", read_file(user_file), str(user_file)))
    if project_file is not None:
        layers.append(Layer("project", read_file(project_file), str(project_file)))
    env_values, env_names = from_env(os.environ if env is None else env)
    if env_values:
        layers.append(Layer("env", env_values, ", ".join(env_names)))
    config = Config(layers, project_file, user_file)
    return config.with_flags(flags) if flags else config


def defaults() -> dict[str, Any]:
    return {f"{section}.{name}": (list(key.default) if isinstance(key.default, list)
                                  else dict(key.default) if isinstance(key.default, dict)
                                  else key.default)
            for section, keys in SCHEMA.items() for name, key in keys.items()}


def read_file(path: Path) -> dict[str, Any]:
    """Parse and check one YAML config file into flat keys; errors name file, line and key."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}", code="TG104",
                          hint="check the file's permissions and encoding (UTF-8)") from None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"invalid YAML: {problem}", code="TG101", location=f"{path}{line}",
                          hint="fix the syntax; `testgen config list` shows the effective "
                               "configuration") from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError("the top level must be a mapping of sections", code="TG103",
                          location=f"{path}:{node.start_mark.line + 1}",
                          hint="e.g.  llm:\\n  model: openai/gpt-5-mini")
    flat: dict[str, Any] = {}
    _flatten(node, path, "", flat)
    return flat


def _flatten(node: Any, path: Path, prefix: str, out: dict[str, Any]) -> None:
    import yaml

    for key_node, value_node in node.value:
        name = str(key_node.value)
        dotted = f"{prefix}{name}"
        where = f"{path}:{key_node.start_mark.line + 1}"
        spec = _spec_for(dotted)
        if spec is None and not _is_section(dotted):
            raise ConfigError(f"unknown configuration key {dotted!r}", code="TG102",
                              location=where, hint=_suggest(dotted))
        if spec is None:  # a section (llm, languages, languages.go)
            if not isinstance(value_node, yaml.MappingNode):
                if isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "~",
                                                                                   "null"):
                    continue
                raise ConfigError(f"{dotted!r} must be a mapping of keys", code="TG103",
                                  location=where, hint=_suggest(dotted + "."))
            _flatten(value_node, path, dotted + ".", out)
            continue
        value = yaml.safe_load(yaml.serialize(value_node))
        _check(dotted, value, where)
        out[dotted] = value


def _is_section(dotted: str) -> bool:
    parts = dotted.split(".")
    if len(parts) == 1:
        return parts[0] in SCHEMA or parts[0] == "languages"
    return len(parts) == 2 and parts[0] == "languages"


def _spec_for(dotted: str) -> Key | None:
    parts = dotted.split(".")
    if len(parts) == 2 and parts[0] in SCHEMA:
        return SCHEMA[parts[0]].get(parts[1])
    if len(parts) == 3 and parts[0] == "languages":
        return LANGUAGE_KEYS.get(parts[2])
    return None


def spec(dotted: str) -> Key:
    found = _spec_for(dotted)
    if found is None:
        raise ConfigError(f"unknown configuration key {dotted!r}", code="TG102",
                          hint=_suggest(dotted))
    return found


def all_keys() -> list[tuple[str, Key]]:
    keys = [(f"{s}.{n}", k) for s, ks in SCHEMA.items() for n, k in ks.items()]
    keys += [(f"languages.<name>.{n}", k) for n, k in LANGUAGE_KEYS.items()]
    return keys


def _suggest(dotted: str) -> str:
    import difflib

    names = [k for k, _ in all_keys()]
    close = difflib.get_close_matches(dotted, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}? `testgen config list` shows every key"
    return "see docs/configuration.md for every key"


def _check(dotted: str, value: Any, where: str) -> None:
    key = spec(dotted)
    if value is None:
        if key.nullable:
            return
        raise ConfigError(f"{dotted} must not be empty", code="TG103", location=where,
                          hint=f"expected {key.type_name()}")
    types = key.type if isinstance(key.type, tuple) else (key.type,)
    if isinstance(value, bool) and bool not in types or not isinstance(value, types):
        raise ConfigError(f"{dotted} must be {key.type_name()}, got {type(value).__name__} "
                          f"{value!r}", code="TG103", location=where,
                          hint=f"{dotted}: {key.help}")
    if key.choices and value not in key.choices:
        raise ConfigError(f"{dotted} must be one of {', '.join(map(str, key.choices))}; "
                          f"got {value!r}", code="TG103", location=where, hint=key.help)
    if key.minimum is not None and value < key.minimum or (
            key.maximum is not None and value > key.maximum):
        raise ConfigError(f"{dotted} must be between {key.minimum} and {key.maximum}; got "
                          f"{value!r}", code="TG103", location=where, hint=key.help)
    if key.item_choices and isinstance(value, list):
        bad = [v for v in value if v not in key.item_choices]
        if bad:
            raise ConfigError(f"{dotted}: unknown value(s) {', '.join(map(str, bad))}",
                              code="TG103", location=where,
                              hint="one or more of " + ", ".join(key.item_choices))


def from_env(env: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """``TESTGEN_LLM_MODEL=x`` → ``llm.model``; ``TESTGEN_LANGUAGES_GO_FRAMEWORK`` too."""
    values: dict[str, Any] = {}
    names: list[str] = []
    for name, raw in sorted(env.items()):
        if not name.startswith(ENV_PREFIX) or name in ENV_RESERVED:
            continue
        dotted = _env_key(name[len(ENV_PREFIX):].lower())
        if dotted is None:
            continue
        value = parse_text_value(dotted, raw, f"environment variable {name}")
        values[dotted] = value
        names.append(name)
    return values, names


def _env_key(rest: str) -> str | None:
    for section, keys in SCHEMA.items():
        if rest.startswith(section + "_") and rest[len(section) + 1:] in keys:
            return f"{section}.{rest[len(section) + 1:]}"
    if rest.startswith("languages_"):
        tail = rest[len("languages_"):]
        for name in LANGUAGE_KEYS:
            if tail.endswith("_" + name) and len(tail) > len(name) + 1:
                return f"languages.{tail[:-len(name) - 1]}.{name}"
    return None


# --------------------------------------------------------------------------- writing


def parse_text_value(dotted: str, raw: str, where: str = "command line") -> Any:
    """Turn text (``config set KEY VALUE``, an environment variable) into a typed value,
    checked against the schema: YAML scalars, comma-separated lists, strings kept verbatim."""
    import yaml

    key = spec(dotted)
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    if key.type is list and isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if key.type is str and value is not None and not isinstance(value, str):
        value = raw
    _check(dotted, value, where)
    return value


def write_value(path: Path, dotted: str, value: Any, *, unset: bool = False) -> None:
    """Set (or remove) one key in a YAML file, atomically; other keys are kept."""
    import yaml

    data: dict[str, Any] = {}
    if path.is_file():
        read_file(path)  # refuses to rewrite a file that is itself invalid
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    node = data
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    if unset:
        node.pop(leaf, None)
    else:
        node[leaf] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    os.replace(tmp, path)
