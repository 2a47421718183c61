"""Fixtures: the sample project, the C plugin alone, and a shadow workspace of the sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testgen.model import Project, SourceFile
from testgen.plugins import Plugins
from testgen.sandbox import shadow_workspace

SAMPLE = Path(__file__).parent / "fixtures" / "sample"

@pytest.fixture(scope="session")
def plugins() -> Plugins:
    import testgen_c.plugin

    return Plugins.load(entry_points=False, extra=[testgen_c.plugin])


@pytest.fixture
def sample(tmp_path) -> Path:
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def workspace(sample):
    with shadow_workspace(sample) as ws:
        yield ws


@pytest.fixture
def framework(plugins, sample):
    return plugins.select_framework(Project(root=sample), "c", None)


@pytest.fixture
def source_file():
    """``source_file(root, rel, text=None)``: a C SourceFile, written first if text is given."""

    def make(root: Path, rel: str, text: str | None = None) -> SourceFile:
        path = root / rel
        if text is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return SourceFile(path=path, rel_path=rel, language="c",
                          text=path.read_text(encoding="utf-8"), project_root=root)

    return make
