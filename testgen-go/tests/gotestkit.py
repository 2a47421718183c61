"""Helpers shared by the Go plugin tests (importable thanks to conftest.py)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from testgen.model import Framework, OfflineRequest, SourceFile, TestFile

from testgen_go.plugin import Go

GO = Go()

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "go"

needs_go = pytest.mark.skipif(shutil.which("go") is None,
                              reason="the Go toolchain (`go`) is not installed")


def write_module(root: Path, files: dict[str, str], module: str = "example.com/m",
                 go: str = "1.22") -> Path:
    """A Go module in ``root`` with the given files (dedented)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(f"module {module}\n\ngo {go}\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return root


def source(root: Path, rel: str) -> SourceFile:
    path = root / rel
    return SourceFile(path=path, rel_path=rel, language="go", text=path.read_text(),
                      project_root=root)


def definitions(root: Path, rel: str):
    parsed = GO.parse(source=source(root, rel))
    return GO.extract(parsed=parsed)


def generate(root: Path, rel: str, workspace, test_type: str = "unit",
             framework: str = "testing") -> tuple[TestFile, list]:
    """Probe → offline candidates → assemble → write into the workspace, as the pipeline does."""
    fw = Framework(name=framework, language="go")
    src = source(root, rel)
    defs = definitions(root, rel)
    probes = GO.probe(definitions=defs, workspace=workspace,
       test_type=test_type)
    candidates = []
    for d in defs:
        request = OfflineRequest(definition=d, framework=fw, test_type=test_type,
                                 probes=[p for p in probes if p.definition == d.key])
        candidates += [c for c in GO.offline_candidates(request=request)
                       if c.status != "skipped"]
    path = GO.test_path(source=src, framework=fw)
    test_file = GO.assemble(candidates=candidates, framework=fw, source=src,
                            path=path)
    workspace.write(test_file.path, test_file.content)
    return test_file, probes
