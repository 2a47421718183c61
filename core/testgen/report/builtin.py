"""Built-in reporters, registered through the ``testgen_reporters`` hook."""

from __future__ import annotations

from typing import Any, Callable

from .. import hookimpl


def _json(data: dict[str, Any], **_: Any) -> str:
    from . import to_json

    return to_json(data)


def _html(data: dict[str, Any], **kwargs: Any) -> str:
    from .html import render

    return render(data, **kwargs)


def _junit(data: dict[str, Any], **kwargs: Any) -> str:
    from .junit import render

    return render(data, **kwargs)


def _sarif(data: dict[str, Any], **kwargs: Any) -> str:
    from .sarif import render

    return render(data, **kwargs)


def _markdown(data: dict[str, Any], **kwargs: Any) -> str:
    from .markdown import render

    return render(data, **kwargs)


@hookimpl
def testgen_reporters() -> dict[str, Callable[..., str]]:
    return {"json": _json, "html": _html, "junit": _junit, "sarif": _sarif,
            "markdown": _markdown}
