"""``--<language> PATH``: name the environment that runs the project's code.

A language whose ``LanguageInfo.interpreter`` is set gets an option named after it (the
Python plugin's gives ``--python``); the option only fills the generic
``languages.<lang>.interpreter`` key. What an interpreter is and how it is used belongs to the
language plugin.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import click


@lru_cache(maxsize=1)
def interpreter_languages() -> tuple[str, ...]:
    """The installed languages that run the project's code with an interpreter of its own."""
    from .common import installed_plugins

    return tuple(sorted(name for name, info in installed_plugins().languages().items()
                        if info.interpreter))


def interpreter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for language in reversed(interpreter_languages()):
        func = click.option(
            f"--{language}", f"{language}_interpreter", default=None, metavar="PATH",
            type=click.Path(path_type=Path),
            help=f"Interpreter or environment directory that runs the project's code "
                 f"[default: languages.{language}.interpreter, else the one the plugin "
                 f"finds]")(func)
    return func


def interpreter_flags(values: dict[str, Any]) -> dict[str, Any]:
    """Config flags for the given option values (relative paths are from the current dir)."""
    flags: dict[str, Any] = {}
    for language in interpreter_languages():
        value = values.get(f"{language}_interpreter")
        if value is not None:
            flags[f"languages.{language}.interpreter"] = str(Path(value).absolute())
    return flags
