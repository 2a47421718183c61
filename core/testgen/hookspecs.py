"""The plugin contract. Every hook is called with keyword arguments only.

Three hooks: a plugin registers languages (:class:`testgen.language.Language` objects, one per
language, with typed methods the core calls), candidate engines and report renderers. Every
plugin's answer is collected; for one name, the plugin registered last wins, so a third-party
plugin overrides a built-in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import pluggy

from . import PROJECT_NAME

if TYPE_CHECKING:
    from .language import Language

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec
def testgen_languages(register: Callable[["Language"], None]) -> None:
    """Call ``register(language)`` once for each :class:`~testgen.language.Language` the plugin
    handles."""


@hookspec
def testgen_engines() -> dict[str, Callable[..., Any]]:
    """Register candidate engines by name (``{"offline": OfflineEngine}``)."""


@hookspec
def testgen_reporters() -> dict[str, Callable[..., str]]:
    """Register report renderers by format name (``{"html": render_html}``)."""
