"""Find the source files to work on.

Walks ``--path`` (a file or a directory), honours the global ignores, every ``.gitignore`` and
``.testgenignore`` in the tree (gitignore syntax, via ``pathspec``) and the include/exclude
patterns, and sorts what it finds into sources and existing tests of each known language.
Binary, non-UTF-8, empty, unreadable and oversize files are skipped with one warning each;
symlinked directories are followed once, so loops cannot hang the walk.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pathspec

from .errors import InputError
from .kit.header import GENERATED_MARKER
from .model import LanguageInfo, SourceFile

GLOBAL_IGNORES = frozenset({
    ".git", ".hg", ".svn", "node_modules", "venv", ".venv", "vendor", "target", "__pycache__",
    "dist", "build", ".testgen", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".idea", ".vscode",
})
IGNORE_FILES = (".gitignore", ".testgenignore")
PROJECT_MARKERS = (".testgen.yaml", ".git")
DEFAULT_MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Skipped:
    """A file the scan passed over, and why (one warning each)."""

    path: str
    reason: str
    code: str = "TG203"


@dataclass
class ScanResult:
    project_root: Path
    sources: list[SourceFile] = field(default_factory=list)
    tests: list[SourceFile] = field(default_factory=list)
    """Existing test files (including TestGen-generated ones), per the languages' patterns."""
    skipped: list[Skipped] = field(default_factory=list)

    def extend(self, other: "ScanResult") -> None:
        """Add the files of another scan of the same project (another ``--path``)."""
        for mine, theirs in ((self.sources, other.sources), (self.tests, other.tests)):
            known = {f.path for f in mine}
            mine.extend(f for f in theirs if f.path not in known)
        known_skips = {s.path for s in self.skipped}
        self.skipped.extend(s for s in other.skipped if s.path not in known_skips)

    def by_language(self) -> dict[str, list[SourceFile]]:
        grouped: dict[str, list[SourceFile]] = {}
        for src in self.sources:
            grouped.setdefault(src.language, []).append(src)
        return grouped


def find_project_root(path: Path, manifests: Iterable[str] = (),
                      package_markers: Iterable[str] = ()) -> Path:
    """The project root of a file or directory.

    Walking up from ``path``: directories of a package (holding one of ``package_markers``)
    are passed over, so a module keeps its whole import name; the first other directory
    holding a manifest, or any directory holding the config or ``.git``, is the root. Without
    any marker up to the filesystem root, the directory above the outermost package.
    """
    start = path if path.is_dir() else path.parent
    package_markers = tuple(package_markers)
    manifests = tuple(manifests)
    above_packages: Path | None = None
    for candidate in (start, *start.parents):
        in_package = above_packages is None and any(
            (candidate / m).is_file() for m in package_markers)
        if not in_package and above_packages is None:
            above_packages = candidate
        if any((candidate / m).exists() for m in PROJECT_MARKERS):
            return candidate
        if not in_package and any((candidate / m).exists() for m in manifests):
            return candidate
    return above_packages or start


MEMBER_SEARCH_DEPTH = 4
"""How deep below a repository root projects are looked for (``packages/web/api``)."""


def member_roots(root: Path, manifests: Iterable[str],
                 ignored: Iterable[str] = GLOBAL_IGNORES) -> list[Path]:
    """The projects inside a repository root that holds no manifest of its own: the highest
    directories below it holding one (a project's own sub-projects are its business).

    Empty when ``root`` itself has a manifest: a workspace root (a uv/npm workspace, a
    ``go.work``, a virtual cargo manifest) is one project whose language runs its members.
    """
    manifests = tuple(manifests)
    if any((root / m).exists() for m in manifests):
        return []
    skip = frozenset(ignored)
    found: list[Path] = []
    level = [root]
    for _ in range(MEMBER_SEARCH_DEPTH):
        below: list[Path] = []
        for directory in level:
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                if entry.name in skip or entry.name.startswith(".") or \
                        not entry.is_dir(follow_symlinks=False):
                    continue
                child = Path(entry.path)
                if any((child / m).exists() for m in manifests):
                    found.append(child)
                else:
                    below.append(child)
        level = below
    return found


def shard_of(rel_path: str, total: int) -> int:
    """Deterministic shard (1-based) of a file, by path hash: the same on every machine."""
    digest = hashlib.sha256(rel_path.encode()).digest()
    return int.from_bytes(digest[:8], "big") % total + 1


class Scanner:
    """Walks a tree and classifies files for the given languages."""

    def __init__(self, languages: Mapping[str, LanguageInfo], *, recursive: bool = True,
                 include: Iterable[str] = (), exclude: Iterable[str] = (),
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                 shard: tuple[int, int] | None = None) -> None:
        self.languages = languages
        self.recursive = recursive
        self.include = pathspec.GitIgnoreSpec.from_lines(list(include)) if include else None
        self.exclude = pathspec.GitIgnoreSpec.from_lines(list(exclude))
        self.max_file_bytes = max_file_bytes
        self.shard = shard
        self._by_suffix = {ext: lang for lang in languages.values() for ext in lang.extensions}
        self._test_specs = {name: pathspec.GitIgnoreSpec.from_lines(list(lang.test_file_patterns))
                            for name, lang in languages.items()}
        self._ignored_dirs = GLOBAL_IGNORES.union(
            *(set(lang.ignore_dirs) for lang in languages.values()))

    def scan(self, path: Path, project_root: Path | None = None) -> ScanResult:
        path = Path(os.path.abspath(path))
        if not path.exists() and not path.is_symlink():
            raise InputError(f"path does not exist: {path}", code="TG201",
                             hint="check the --path argument (relative paths are from the "
                                  "current directory)")
        manifests = [m for lang in self.languages.values() for m in lang.manifests]
        markers = [m for lang in self.languages.values() for m in lang.package_markers]
        root = project_root or find_project_root(path, manifests, markers)
        result = ScanResult(project_root=root)
        for file_path in self._walk(path, root):
            self._classify(file_path, root, result)
        self._scan_shipped(path, root, result)
        if self.shard:
            index, total = self.shard
            result.sources = [s for s in result.sources
                              if shard_of(s.rel_path, total) == index]
        return result

    def has_sources(self, path: Path, exclude: Iterable[str] = ()) -> bool:
        """Whether scanning the directory ``path`` (its own project) finds a source file
        outside ``exclude`` (gitignore patterns); stops at the first one."""
        path = Path(os.path.abspath(path))
        skip = pathspec.GitIgnoreSpec.from_lines(list(exclude))
        found = ScanResult(project_root=path)
        for file_path in self._walk(path, path):
            if skip.match_file(file_path.relative_to(path).as_posix()):
                continue
            self._classify(file_path, path, found)
            if found.sources:
                return True
        return False

    def _scan_shipped(self, path: Path, root: Path, result: ScanResult) -> None:
        """A language's shipped directories (dist/) when the walk found none of its sources."""
        if not path.is_dir() or not self.recursive:
            return
        found = {s.language for s in result.sources}
        for language in self.languages.values():
            if language.name in found:
                continue
            for name in language.shipped_dirs:
                shipped = path / name
                if name not in self._ignored_dirs or not shipped.is_dir():
                    continue
                for file_path in self._walk_dir(shipped, root, self._ignores_above(shipped, root),
                                                set(), top=True):
                    if self._by_suffix.get(file_path.suffix) is language:
                        self._classify(file_path, root, result)

    # ----------------------------------------------------------------- walking

    def _walk(self, path: Path, root: Path) -> Iterator[Path]:
        if path.is_file():
            yield path
            return
        if not path.is_dir():
            raise InputError(f"not a file or directory: {path}", code="TG201",
                             hint="point --path at a source file or a project directory")
        seen: set[tuple[int, int]] = set()
        ignore_stack = self._ignores_above(path, root)
        yield from self._walk_dir(path, root, ignore_stack, seen, top=True)

    def _ignores_above(self, path: Path, root: Path) -> list[tuple[Path, pathspec.PathSpec]]:
        """Ignore files between the project root and the scanned directory still apply."""
        specs = []
        chain = [root] + [p for p in reversed(path.parents) if root in p.parents]
        for directory in chain:
            spec = _read_ignore_files(directory)
            if spec is not None:
                specs.append((directory, spec))
        return specs

    def _walk_dir(self, directory: Path, root: Path, ignores: list, seen: set,
                  top: bool = False) -> Iterator[Path]:
        try:
            st = directory.stat()
        except OSError:
            return
        if (st.st_dev, st.st_ino) in seen:
            return  # a symlink loop, or the same directory reached twice
        seen.add((st.st_dev, st.st_ino))
        if not top:
            spec = _read_ignore_files(directory)
            if spec is not None:
                ignores = ignores + [(directory, spec)]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            entry_path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if entry.name in self._ignored_dirs or not self.recursive:
                    continue
                if self._ignored(entry_path, ignores, is_dir=True):
                    continue
                yield from self._walk_dir(entry_path, root, ignores, seen)
            elif not self._ignored(entry_path, ignores, is_dir=False):
                yield entry_path

    def _ignored(self, path: Path, ignores: list, *, is_dir: bool) -> bool:
        for base, spec in ignores:
            rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            if spec.match_file(rel):
                return True
        return False

    # ----------------------------------------------------------------- classifying

    def _classify(self, path: Path, root: Path, result: ScanResult) -> None:
        language = self._by_suffix.get(path.suffix) or self._by_suffix.get(
            "".join(path.suffixes[-2:]))
        if language is None:
            return
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = path.name
        if self.include is not None and not self.include.match_file(rel):
            return
        if self.exclude.match_file(rel):
            return
        text = self._read(path, rel, result)
        if text is None:
            return
        source = SourceFile(path=path, rel_path=rel, language=language.name, text=text,
                            project_root=root)
        is_test = (self._test_specs[language.name].match_file(rel)
                   or GENERATED_MARKER in text[:400])
        (result.tests if is_test else result.sources).append(source)

    def _read(self, path: Path, rel: str, result: ScanResult) -> str | None:
        def skip(reason: str) -> None:
            result.skipped.append(Skipped(rel, reason))

        try:
            size = path.stat().st_size
        except OSError as exc:
            skip(f"cannot be read ({exc.strerror or exc})")
            return None
        if size == 0:
            skip("empty file")
            return None
        if size > self.max_file_bytes:
            skip(f"too large ({size:,} bytes > {self.max_file_bytes:,}; raise "
                 f"scan.max_file_bytes to include it)")
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            skip(f"cannot be read ({exc.strerror or exc})")
            return None
        if b"\x00" in data[:8192]:
            skip("binary file")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            skip(f"not UTF-8 (byte {exc.start})")
            return None
        if not text.strip():
            skip("empty file")
            return None
        return text


def _read_ignore_files(directory: Path) -> pathspec.PathSpec | None:
    lines: list[str] = []
    for name in IGNORE_FILES:
        try:
            lines += (directory / name).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
