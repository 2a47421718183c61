"""Inside the sandbox: the project's modules import from the shadow copy, never the original.

A development install points the environment at the user's tree: a ``.pth`` path entry
(setuptools' static mode, hatchling, flit, pdm, poetry, ``setup.py develop``), or an import hook
that maps package names to the tree (setuptools' ``__editable__`` finders, the ``editables``
redirector of hatchling and pdm). Tests and coverage must see the shadow copy instead, or
coverage measures files the suite never ran. :func:`install` runs at interpreter start (from
the boot directory's ``sitecustomize``), after ``site`` processed the ``.pth`` files:

* every ``sys.path`` entry under the original root is moved to the same place in the copy;
* a finder in front of ``sys.meta_path`` asks the other finders first and moves any spec they
  return from the original tree (file, package directories, namespace portions) to the copy.

Paths reached through a linked dependency directory (``.venv``) stay as they are, and so does
anything the copy does not hold. Standard library only: it runs under the project's Python.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from importlib.machinery import ModuleSpec

ENV = "TESTGEN_PYTHON_REDIRECT"
"""``original root{os.pathsep}shadow root[{os.pathsep}directory to append to sys.path...]``."""


class Mapper:
    def __init__(self, original: str, copy: str) -> None:
        originals = {os.path.normpath(original), os.path.realpath(original)}
        self.originals = sorted(originals, key=len, reverse=True)
        self.copy = os.path.normpath(copy)
        self.copy_real = os.path.realpath(copy)

    def map(self, path: object) -> str | None:
        """The copy's path for a path under the original root, None when it stays."""
        if not isinstance(path, str) or not os.path.isabs(path):
            return None
        norm = os.path.normpath(path)
        for original in self.originals:
            if norm == original or norm.startswith(original + os.sep):
                moved = self.copy + norm[len(original):]
                if not os.path.exists(moved):
                    return None
                real = os.path.realpath(moved)
                if real != self.copy_real and not real.startswith(self.copy_real + os.sep):
                    return None  # through a symlinked dependency directory
                return moved
        return None


class RedirectingFinder:
    """Moves the specs other finders return from the original tree to the copy."""

    def __init__(self, mapper: Mapper) -> None:
        self.mapper = mapper
        self._busy: set[str] = set()

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            for finder in list(sys.meta_path):
                if finder is self:
                    continue
                find = getattr(finder, "find_spec", None)
                if find is None:
                    continue
                spec = find(fullname, path, target)
                if spec is not None:
                    return self.moved(spec)
            return None
        finally:
            self._busy.discard(fullname)

    def invalidate_caches(self) -> None:
        pass

    def moved(self, spec: ModuleSpec) -> ModuleSpec:
        locations = spec.submodule_search_locations
        new_locations = None
        if locations is not None:
            new_locations = [self.mapper.map(p) or p for p in locations]
        origin = self.mapper.map(spec.origin) if spec.has_location else None
        if origin is None and (locations is None or new_locations == list(locations)):
            return spec
        if origin is not None:
            moved = importlib.util.spec_from_file_location(
                spec.name, origin, submodule_search_locations=new_locations)
            return moved if moved is not None else spec
        namespace = ModuleSpec(spec.name, None, is_package=True)
        namespace.submodule_search_locations = new_locations
        return namespace


def install(value: str | None = None) -> None:
    value = os.environ.get(ENV) if value is None else value
    if not value:
        return
    original, copy, *appended = value.split(os.pathsep)
    mapper = Mapper(original, copy)
    sys.path[:] = [mapper.map(p) or p for p in sys.path]
    # Tools the environment lacks come last, so the project's own packages always win.
    sys.path.extend(p for p in appended if p and p not in sys.path)
    sys.path_importer_cache.clear()
    if not any(isinstance(f, RedirectingFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, RedirectingFinder(mapper))
