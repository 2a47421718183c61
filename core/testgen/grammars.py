"""Load tree-sitter grammars for plugins, without downloading anything at run time.

``load("go")`` tries the grammar wheel first (``tree_sitter_go``), then the optional
``tree-sitter-language-pack`` (extra ``testgen[languages]``, pinned to a release that bundles its
grammars). A missing grammar is a ``TG505`` error naming the package to install.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from .errors import PluginError


@lru_cache(maxsize=None)
def load(name: str, variant: str | None = None) -> Any:
    """Return the ``tree_sitter.Language`` for grammar ``name`` (e.g. ``"python"``).

    ``variant`` picks one of several languages in one wheel (``load("typescript", "tsx")``).
    """
    import tree_sitter

    module_name = f"tree_sitter_{name.replace('-', '_')}"
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        module = None
    if module is not None:
        factory = getattr(module, f"language_{variant or name}", None) or getattr(
            module, "language", None)
        if factory is not None:
            return tree_sitter.Language(factory())
    try:
        pack = importlib.import_module("tree_sitter_language_pack")
        return pack.get_language(variant or name)
    except Exception:  # noqa: BLE001 - absent, or a grammar it lacks
        pass
    package = module_name.replace("_", "-")
    raise PluginError(
        f"tree-sitter grammar {variant or name!r} is not installed", code="TG505",
        hint=f"pip install {package}  (or: pip install 'testgen[languages]')")


def parser(name: str, variant: str | None = None) -> Any:
    """A new ``tree_sitter.Parser`` for the grammar (parsers are cheap; languages are cached)."""
    import tree_sitter

    return tree_sitter.Parser(load(name, variant))
