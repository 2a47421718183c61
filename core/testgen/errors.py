"""Errors meant for people: a code, a one-line message, where it happened and what to do next.

Codes by family: ``TG1xx`` configuration, ``TG2xx`` input, ``TG3xx`` provider, ``TG4xx``
validation, ``TG5xx`` plugin. The CLI prints ``error[TG201]: message`` plus the hint and exits
with :attr:`TestgenError.exit_code` (2 unless said otherwise), never with a traceback unless
``--debug`` is given.
"""

from __future__ import annotations


class TestgenError(Exception):
    """An error with a stable code, a message and a hint for the user."""

    __test__ = False  # not a pytest test class, despite the name

    code = "TG000"
    exit_code = 2

    def __init__(self, message: str, *, hint: str = "", code: str | None = None,
                 location: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location
        if code:
            self.code = code
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint,
                "location": self.location or ""}


class ConfigError(TestgenError):
    """Malformed configuration: bad YAML, unknown key, wrong type (TG1xx)."""

    code = "TG100"


class InputError(TestgenError):
    """Bad input: missing path, unreadable or unusable file, missing toolchain (TG2xx)."""

    code = "TG200"


class ProviderError(TestgenError):
    """The model provider refused or could not be reached (TG3xx), exit status 3."""

    code = "TG300"
    exit_code = 3


class ValidationFailure(TestgenError):
    """A generated or existing test could not be validated (TG4xx)."""

    code = "TG400"
    exit_code = 1


class PluginError(TestgenError):
    """A plugin failed to load or raised inside a hook (TG5xx)."""

    code = "TG500"


# The catalogue, so docs and tests can list every code in one place.
CODES: dict[str, str] = {
    "TG101": "configuration file is not valid YAML",
    "TG102": "unknown configuration key",
    "TG103": "configuration value has the wrong type or is out of range",
    "TG104": "configuration file cannot be read or written",
    "TG105": "invalid command-line value",
    "TG106": "a project configuration names an endpoint the user has not trusted",
    "TG201": "path does not exist",
    "TG202": "no source files found",
    "TG203": "file skipped: binary, not UTF-8, empty, unreadable or too large",
    "TG204": "syntax error in a source file",
    "TG205": "required toolchain is not installed",
    "TG206": "the project's tests could not be run",
    "TG207": "a file TestGen would write was changed by hand (use --force)",
    "TG208": "git reference for --changed-since is missing (shallow clone?) or git unusable",
    "TG209": "the project cannot be written to",
    "TG210": "a result held the value of a secret and was refused",
    "TG211": "a dependency the code imports is not installed",
    "TG212": "another TestGen run holds the project's lock",
    "TG301": "provider authentication failed",
    "TG302": "provider unreachable or timing out",
    "TG303": "model response could not be used",
    "TG401": "coverage below the required minimum",
    "TG402": "definitions without tests",
    "TG403": "changed lines covered below --diff-coverage",
    "TG404": "mutation score below --min-mutation-score",
    "TG501": "plugin failed to load",
    "TG502": "plugin raised inside a hook",
    "TG503": "plugin hook implementation does not match the contract",
    "TG504": "no plugin handles this language or framework",
    "TG505": "grammar not installed",
}
