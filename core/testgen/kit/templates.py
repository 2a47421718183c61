"""The Jinja2 template environment of a language plugin.

A plugin ships its templates in a ``templates/`` folder of its package:

* ``templates/prompts/<framework>/<test_type>.j2`` — LLM prompts (every language);
* ``templates/tests/<framework>/<test_type>.j2`` — test code, where a language renders its
  offline tests from templates.

Directories in ``template_dirs`` (the project's ``.testgen/templates/``, then the user's config
directory; the core fills ``PromptRequest.template_dirs`` / ``OfflineRequest.template_dirs``) are
searched first, so a user overrides any one template by writing a file at the same relative
path, and an override means the same thing in every language.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

TEST_TYPES = ("unit", "edge-cases", "negative", "table-driven", "integration", "regression")


def prompt_template(framework: str, test_type: str) -> str:
    """``prompts/<framework>/<test_type>.j2``."""
    return f"prompts/{framework}/{test_type}.j2"


def test_template(framework: str, test_type: str) -> str:
    """``tests/<framework>/<test_type>.j2``."""
    return f"tests/{framework}/{test_type}.j2"


test_template.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def environment(package: str, template_dirs: Iterable[Path | str] = ()) -> Any:
    """A ``jinja2.Environment`` over ``template_dirs`` first, then ``package``'s own
    ``templates/`` folder. Strict (an undefined name is an error), no autoescape, blocks
    trimmed; cached per (package, directories). Jinja2 is imported here, on first use."""
    return _environment(package, tuple(str(d) for d in template_dirs))


@lru_cache(maxsize=16)
def _environment(package: str, template_dirs: tuple[str, ...]) -> Any:
    import jinja2  # lazily: `testgen --help` must not import it

    root = resources.files(package) / "templates"

    def packaged(name: str) -> tuple[str, None, Any] | None:
        target = root
        for part in PurePosixPath(name).parts:
            target = target / part
        try:
            return target.read_text(encoding="utf-8"), None, lambda: True
        except OSError:
            return None

    loaders: list[Any] = [jinja2.FileSystemLoader(list(template_dirs))] if template_dirs else []
    loaders.append(jinja2.FunctionLoader(packaged))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=False,
                              keep_trailing_newline=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)
