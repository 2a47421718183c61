"""Built-in engines, registered through the same hook a third-party plugin would use."""

from __future__ import annotations

from typing import Any, Callable

from .. import hookimpl


def _offline(*args: Any, **kwargs: Any) -> Any:
    from .offline import OfflineEngine

    return OfflineEngine(*args, **kwargs)


def _llm(*args: Any, **kwargs: Any) -> Any:
    from .llm import LLMEngine  # imports litellm only when a request is made

    return LLMEngine(*args, **kwargs)


@hookimpl
def testgen_engines() -> dict[str, Callable[..., Any]]:
    return {"offline": _offline, "llm": _llm}
