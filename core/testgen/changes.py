"""Which lines changed since a git reference: the input of ``--changed-since``.

The diff is taken between the reference and the working tree (so uncommitted edits count, as a
pre-commit hook needs), renames are followed (``-M``: a moved file reports only its edited
lines), and untracked files that git would not ignore count as wholly new. Paths come back
relative to the project root, like every other path in TestGen.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import InputError

Runner = Callable[[list[str], Path], subprocess.CompletedProcess]
"""Runs ``git ARGS`` in a directory; tests may swap it, the default calls the real git."""

AUTO = "auto"
SHALLOW_HINT = ("in GitHub Actions give actions/checkout `fetch-depth: 0` (or fetch the base: "
                "`git fetch --depth=1 origin main`); elsewhere `git fetch --unshallow`")
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=cwd,
                          capture_output=True, text=True, errors="replace")


@dataclass
class ChangeSet:
    """Lines changed since ``base``, per project-relative file."""

    ref: str
    """What the user asked for (``HEAD~1``, ``origin/main``, ``auto``)."""
    base: str
    """The commit it resolved to."""
    lines: dict[str, frozenset[int]] = field(default_factory=dict)
    """File → added or modified lines (1-based, in the current file)."""
    deletions: dict[str, frozenset[int]] = field(default_factory=dict)
    """File → lines right after which lines were deleted (a changed body with no new line)."""

    @property
    def files(self) -> list[str]:
        return sorted(set(self.lines) | set(self.deletions))

    def touches(self, file: str, start: int, end: int) -> bool:
        """Whether lines ``start..end`` of ``file`` were added, modified or lost a line."""
        if any(start <= n <= end for n in self.lines.get(file, ())):
            return True
        return any(start <= n < end for n in self.deletions.get(file, ()))

    def within(self, files: Iterable[str]) -> "ChangeSet":
        """Only the changes to ``files`` (the scanned sources)."""
        wanted = set(files)
        return ChangeSet(self.ref, self.base,
                         {f: l for f, l in self.lines.items() if f in wanted},
                         {f: l for f, l in self.deletions.items() if f in wanted})

    def to_dict(self) -> dict[str, object]:
        return {"ref": self.ref, "base": self.base, "files": self.files}


def changed_since(project_root: Path, ref: str, *, runner: Runner = _git) -> ChangeSet:
    """The lines of ``project_root`` changed since ``ref`` (``auto``: the merge-base with the
    default branch). Raises a TG208 :class:`InputError` when git or the ref is missing."""
    toplevel = _toplevel(project_root, runner)
    base = _resolve(toplevel, ref, runner)
    diff = runner(["diff", "--no-color", "--no-ext-diff", "--unified=0", "-M",
                   "--diff-filter=d", base, "--", "."], toplevel)
    if diff.returncode != 0:
        raise InputError(f"git diff {base} failed: {diff.stderr.strip()}", code="TG208",
                         hint=SHALLOW_HINT)
    lines, deletions = parse_diff(diff.stdout)
    untracked = runner(["ls-files", "--others", "--exclude-standard", "-z"], toplevel)
    for name in filter(None, untracked.stdout.split("\0")):
        try:
            count = (toplevel / name).read_bytes().count(b"\n") + 1
        except OSError:
            continue
        lines[name] = set(range(1, count + 1))
    root = project_root.resolve()
    changes = ChangeSet(ref, base)
    for name, found in lines.items():
        rel = _relative(toplevel / name, root)
        if rel is not None and found:
            changes.lines[rel] = frozenset(found)
    for name, found in deletions.items():
        rel = _relative(toplevel / name, root)
        if rel is not None and found:
            changes.deletions[rel] = frozenset(found)
    return changes


def parse_diff(text: str) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """``git diff --unified=0`` → (added/modified lines, deletion points) per new path."""
    lines: dict[str, set[int]] = {}
    deletions: dict[str, set[int]] = {}
    current: str | None = None
    for row in text.splitlines():
        if row.startswith("+++ "):
            target = row[4:].strip()
            current = None if target == "/dev/null" else _strip_prefix(target)
            continue
        match = HUNK.match(row)
        if match and current is not None:
            start, count = int(match.group(1)), int(match.group(2) or "1")
            if count:
                lines.setdefault(current, set()).update(range(start, start + count))
            else:
                deletions.setdefault(current, set()).add(start)
    return lines, deletions


def _strip_prefix(target: str) -> str:
    if target.startswith('"') and target.endswith('"'):
        target = target[1:-1]
    return target[2:] if target[:2] in ("b/", "w/", "i/") else target


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None  # outside the project (another part of a monorepo)


def _toplevel(project_root: Path, runner: Runner) -> Path:
    cwd = project_root if project_root.is_dir() else project_root.parent
    try:
        found = runner(["rev-parse", "--show-toplevel"], cwd)
    except FileNotFoundError:
        raise InputError("--changed-since needs git, which is not installed", code="TG208",
                         hint="install git, or drop --changed-since") from None
    if found.returncode != 0:
        raise InputError(f"{project_root} is not inside a git repository", code="TG208",
                         hint="--changed-since compares with a git reference; run it in a "
                              "git checkout or drop the option")
    return Path(found.stdout.strip())


def _resolve(toplevel: Path, ref: str, runner: Runner) -> str:
    if ref == AUTO:
        return _merge_base(toplevel, runner)
    found = runner(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], toplevel)
    if found.returncode != 0:
        shallow = runner(["rev-parse", "--is-shallow-repository"], toplevel)
        why = " (this clone is shallow)" if shallow.stdout.strip() == "true" else ""
        raise InputError(f"git reference {ref!r} not found{why}", code="TG208",
                         hint=f"check the name, or fetch more history: {SHALLOW_HINT}")
    return found.stdout.strip()


def default_branch_candidates(toplevel: Path, runner: Runner) -> list[str]:
    """Where the default branch may be: origin's HEAD first, then the usual names."""
    out = []
    head = runner(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], toplevel)
    if head.returncode == 0 and head.stdout.strip():
        out.append(head.stdout.strip().removeprefix("refs/remotes/"))
    out += ["origin/main", "origin/master", "main", "master"]
    return list(dict.fromkeys(out))


def _merge_base(toplevel: Path, runner: Runner) -> str:
    tried = []
    for branch in default_branch_candidates(toplevel, runner):
        if runner(["rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}"],
                  toplevel).returncode != 0:
            continue
        tried.append(branch)
        found = runner(["merge-base", "HEAD", branch], toplevel)
        if found.returncode == 0 and found.stdout.strip():
            return found.stdout.strip()
    detail = (f"no merge-base of HEAD with {', '.join(tried)}" if tried
              else "no default branch (origin/HEAD, main or master) is known")
    raise InputError(f"--changed-since auto: {detail}", code="TG208",
                     hint=f"pass a reference (--changed-since origin/main), or {SHALLOW_HINT}")
