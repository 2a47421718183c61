"""Helpers for the Rust plugin's tests: temp crates written from dicts."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from testgen.model import Framework, SourceFile
from testgen_rust.plugin import Rust

CARGO = shutil.which("cargo")
needs_cargo = pytest.mark.skipif(CARGO is None, reason="cargo is not installed")
FRAMEWORK = Framework("cargo-test", "rust")
RUST = Rust()


def write_crate(root: Path, files: dict[str, str], name: str = "demo",
                edition: str = "2021", manifest_extra: str = "") -> Path:
    """A crate at ``root`` with a Cargo.toml and the given files (dedented)."""
    root.mkdir(parents=True, exist_ok=True)
    if "Cargo.toml" not in files:
        (root / "Cargo.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "{edition}"\n'
            f"{manifest_extra}\n[dependencies]\n")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def source(root: Path, rel: str) -> SourceFile:
    path = root / rel
    return SourceFile(path=path, rel_path=rel, language="rust",
                      text=path.read_text(), project_root=root)


def written_code(report: dict) -> str:
    """The test files :func:`generate` wrote, as one line (whitespace runs made one space), so
    that an assertion holds however rustfmt broke a call."""
    return re.sub(r"\s+", " ", "\n".join(f.content for f in report["files"]))


def generate(root: Path, cache: Path, test_types=("unit",), repeat: int = 3,
             timeout: float = 60.0, files: list[str] | None = None) -> dict:
    """Drive the language's methods in the pipeline's order on ``root`` and write the kept tests
    into it: probe → offline candidates → assemble → validate (dropping candidates that do
    not compile) → run ×(1 + repeat) → keep what passes every time."""
    from testgen.model import OfflineRequest
    from testgen.sandbox import shadow_workspace

    report = {"probes": {}, "candidates": [], "kept": [], "files": [], "runs": [],
              "launches": 0}
    with shadow_workspace(root, cache_dir=cache, timeout=timeout) as ws:
        paths = sorted((root / "src").rglob("*.rs")) if files is None else [
            root / rel for rel in files]
        for path in paths:
            rel = path.relative_to(root).as_posix()
            src = source(root, rel)
            definitions = [d for d in RUST.extract(
                parsed=RUST.parse(source=src)) if d.testable]
            if not definitions:
                continue
            probes = RUST.probe(definitions=definitions,
                                          workspace=ws, test_type=test_types[0])
            report["probes"][rel] = probes
            candidates = []
            for d in definitions:
                for test_type in test_types:
                    candidates += RUST.offline_candidates(request=OfflineRequest(
                        definition=d, framework=FRAMEWORK, test_type=test_type,
                        probes=probes))
            report["candidates"] += candidates
            if not candidates:
                continue
            test_path = RUST.test_path(source=src, framework=FRAMEWORK)
            test_file = None
            for _ in range(5):
                test_file = RUST.assemble(candidates=candidates, framework=FRAMEWORK,
                                                    source=src, path=test_path)
                ws.write(test_file.path, test_file.content)
                result = RUST.validate(test_file=test_file, workspace=ws)
                if result.ok or not result.failing_candidates:
                    break
                candidates = [c for c in candidates if c.id not in result.failing_candidates]
            if test_file is None or not candidates:
                continue
            passing = set(test_file.test_ids)
            for attempt in range(1 + repeat):
                outcome = RUST.run(framework=FRAMEWORK,
                                             test_files=[test_file], workspace=ws,
                                             coverage=attempt == 0)
                report["runs"].append(outcome)
                passing &= {o.test_id for o in outcome.tests if o.outcome == "passed"}
            kept = [c for c in candidates if c.test_name in passing]
            if not kept:
                ws.path(test_file.path).unlink()
                continue
            final = RUST.assemble(candidates=kept, framework=FRAMEWORK, source=src,
                                            path=test_path)
            ws.write(final.path, final.content)
            report["kept"] += kept
            report["files"].append(final)
        if report["files"]:
            report["final_run"] = RUST.run(framework=FRAMEWORK, test_files=report["files"],
                workspace=ws, coverage=True)
        report["launches"] = ws.launches
    for test_file in report["files"]:
        target = root / test_file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(test_file.content)
    return report
