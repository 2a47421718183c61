"""``--python PATH``: name the environment that runs the project's code.

The option only fills the generic ``languages.<lang>.interpreter`` key; what an interpreter is
and how it is used belongs to the language plugin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

INTERPRETER_OPTIONS = (("python", "python"),)
"""(option name, language) pairs: ``--python`` sets ``languages.python.interpreter``."""


def interpreter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option, language in INTERPRETER_OPTIONS:
        func = click.option(
            f"--{option}", f"{option}_interpreter", default=None, metavar="PATH",
            type=click.Path(path_type=Path),
            help=f"Interpreter or environment directory that runs the project's code "
                 f"[default: languages.{language}.interpreter, else the one the plugin "
                 f"finds]")(func)
    return func


def interpreter_flags(values: dict[str, Any]) -> dict[str, Any]:
    """Config flags for the given option values (relative paths are from the current dir)."""
    flags: dict[str, Any] = {}
    for option, language in INTERPRETER_OPTIONS:
        value = values.get(f"{option}_interpreter")
        if value is not None:
            flags[f"languages.{language}.interpreter"] = str(Path(value).absolute())
    return flags
