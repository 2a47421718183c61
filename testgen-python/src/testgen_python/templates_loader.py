"""The Jinja2 environment for the plugin's templates, with user overrides first.

Layout of ``templates/`` (each file can be overridden by a file at the same relative path in a
directory of ``template_dirs``, e.g. the project's ``.testgen/templates/``):

* ``pytest/<type>.j2``, ``unittest/<type>.j2`` — code templates of the offline engine: they
  render one test from a *case* (setup, call, expected outcome);
* ``pytest/prompt/<type>.j2``, ``unittest/prompt/<type>.j2`` — LLM prompt templates, with
  ``prompt/_base.j2`` holding what all of them share.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable


def template_root() -> Path:
    return Path(str(resources.files("testgen_python") / "templates"))


def environment(template_dirs: Iterable[Path] = ()) -> Any:
    return _environment(tuple(str(d) for d in template_dirs))


@lru_cache(maxsize=8)
def _environment(template_dirs: tuple[str, ...]) -> Any:
    import jinja2  # lazily: `testgen --help` must not import it

    loaders = [jinja2.FileSystemLoader(d) for d in template_dirs]
    loaders.append(jinja2.FileSystemLoader(str(template_root())))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True)
    return env
