"""Find Go in a project: modules, workspaces, existing tests, build tags, and the framework."""

from __future__ import annotations

import os
import re
from pathlib import Path

from testgen.errors import PluginError
from testgen.model import Detection, Framework, Project

from . import buildtags
from .gomod import TESTIFY, find_module, parse_go_work, read_module

FRAMEWORKS = ("testing", "testify")
DEFAULT_FRAMEWORK = "testing"
IGNORED = {".git", ".hg", ".svn", "node_modules", "vendor", "testdata", ".testgen", "venv",
           ".venv", "target", "dist", "build", "__pycache__"}
MAX_FILES = 20_000


def _walk(root: Path):
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED and not d.startswith("."))
        for name in sorted(filenames):
            count += 1
            if count > MAX_FILES:
                return
            yield Path(dirpath), name


def detect(project: Project) -> list[Detection]:
    root = Path(project.root)
    go_mods: list[Path] = []
    test_files: dict[Path, int] = {}
    go_files: dict[Path, int] = {}
    tags: dict[Path, set[str]] = {}
    uses_testify_in_tests: dict[Path, bool] = {}
    go_work = root / "go.work"
    for directory, name in _walk(root):
        path = directory / name
        if name == "go.mod":
            go_mods.append(path)
        elif name.endswith(".go"):
            module_dir = _owner(directory, root)
            go_files[module_dir] = go_files.get(module_dir, 0) + 1
            try:
                head = path.read_text(encoding="utf-8", errors="replace")[:4000]
            except OSError:
                continue
            expr = buildtags.build_expression(head)
            if expr:
                tags.setdefault(module_dir, set()).update(
                    t for t in re.findall(r"[\w.]+", expr))
            if name.endswith("_test.go"):
                test_files[module_dir] = test_files.get(module_dir, 0) + 1
                if TESTIFY in head:
                    uses_testify_in_tests[module_dir] = True
    detections = []
    workspace = None
    if go_work.is_file():
        try:
            workspace = parse_go_work(go_work.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            workspace = None
    for go_mod in go_mods:
        module = read_module(go_mod)
        if module is None:
            continue
        directory = go_mod.parent
        n_tests = sum(n for d, n in test_files.items() if d == directory)
        testify = module.uses_testify or uses_testify_in_tests.get(directory, False)
        evidence = [f"{_rel(go_mod, root)}: module {module.path}"]
        if module.go_version:
            evidence.append(f"{_rel(go_mod, root)}: go {module.go_version}")
        if module.uses_testify:
            evidence.append(f"{_rel(go_mod, root)}: requires {TESTIFY}")
        if n_tests:
            evidence.append(f"{n_tests} existing _test.go file(s)")
        details = {
            "module": module.path, "go_version": module.go_version,
            "requires_testify": module.uses_testify, "test_files": n_tests,
            "go_files": go_files.get(directory, 0),
            "build_tags": sorted(tags.get(directory, set())),
        }
        if workspace is not None:
            details["go_work"] = {"go": workspace["go"], "use": workspace["use"]}
            evidence.append("go.work workspace")
        detections.append(Detection(language="go", root=directory,
                                    framework="testify" if testify else "testing",
                                    evidence=tuple(evidence), details=details))
    if not detections and go_files:
        detections.append(Detection(language="go", root=root, framework="testing",
                                    evidence=(f"{sum(go_files.values())} .go file(s), no go.mod",),
                                    details={"go_files": sum(go_files.values())}))
    return detections


def _owner(directory: Path, root: Path) -> Path:
    """The nearest directory at or above ``directory`` (within ``root``) holding a go.mod."""
    for candidate in (directory, *directory.parents):
        if (candidate / "go.mod").is_file():
            return candidate
        if candidate == root:
            break
    return root


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def select_framework(project: Project, requested: str | None) -> Framework:
    if requested:
        if requested not in FRAMEWORKS:
            raise PluginError(f"the Go plugin has no test framework {requested!r}",
                              code="TG504", hint=f"choose one of: {', '.join(FRAMEWORKS)}")
        return Framework(name=requested, language="go", reason="requested")
    configured = project.language_settings("go").get("framework")
    if configured in FRAMEWORKS:
        return Framework(name=configured, language="go", reason="configured for go")
    module = find_module(Path(project.root))
    if module is None:
        for go_mod in sorted(Path(project.root).glob("*/go.mod"))[:20]:
            module = read_module(go_mod)
            if module is not None and module.uses_testify:
                break
    if module is not None and module.uses_testify:
        return Framework(name="testify", language="go",
                         reason=f"go.mod requires {TESTIFY}",
                         details={"module": module.path})
    return Framework(name=DEFAULT_FRAMEWORK, language="go",
                     reason="default (standard library testing)",
                     details={"module": module.path} if module else {})
