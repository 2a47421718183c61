"""Validate generated tests: compile them with cargo and tie each compiler error to the
candidate whose lines it hits."""

from __future__ import annotations

import re
from pathlib import Path

from testgen.model import Diagnostic, TestFile, ValidationResult, Workspace

from .assemble import candidate_ranges
from .cargo import (
    BuildResult, build_tests, cargo_root, crate_dir_of, require_cargo, test_target_name,
)
from .features import gated_features
from .manifest import load_crate


def validate(test_file: TestFile, workspace: Workspace) -> ValidationResult:
    require_cargo()
    crate_rel = crate_dir_of(test_file.path)
    crate_dir, ws_rel = cargo_root(workspace, crate_rel)
    if not (crate_dir / "Cargo.toml").is_file():
        return ValidationResult(False, [Diagnostic(
            f"no Cargo.toml in {crate_rel or 'the project root'}: cannot compile "
            f"{test_file.path}")], "")
    target = test_target_name(test_file.path)
    crate = load_crate(crate_dir)
    if crate is not None and not crate.autotests and target not in crate.declared_tests:
        return ValidationResult(False, [Diagnostic(
            f"Cargo.toml sets `autotests = false`, so cargo does not build {test_file.path}; "
            f"declare it with [[test]] name = \"{target}\" or remove `autotests = false`",
            file=f"{crate_rel + '/' if crate_rel else ''}Cargo.toml")], "")
    features = gated_features(test_file.content, crate.feature_table) if crate else []
    build = build_tests(workspace, crate_dir, ws_rel, tests=[target], features=features)
    if build.ok:
        return ValidationResult(True, [], "")
    return ValidationResult(False, attribute(build, test_file), build.output)


def attribute(build: BuildResult, test_file: TestFile) -> list[Diagnostic]:
    """Compiler errors as diagnostics, each tied to the candidate whose lines it hits."""
    target_suffix = "tests/" + Path(test_file.path).name
    ranges = candidate_ranges(test_file.content, test_file.test_ids)
    lines = test_file.content.splitlines()
    diagnostics: list[Diagnostic] = []
    errors = build.errors
    if not errors and not build.ok:
        return [Diagnostic(build.output or "cargo failed without a compiler message")]
    for error in errors:
        if error.message.startswith(("aborting due to", "could not compile")):
            continue
        in_file = bool(error.file and error.file.replace("\\", "/").endswith(target_suffix))
        if not in_file:
            diagnostics.append(Diagnostic(
                f"the crate does not compile: {error.message}", file=error.file,
                line=error.line))
            continue
        owners = [name for name, (start, end) in ranges.items()
                  if error.line is not None and start <= error.line <= end]
        if not owners and error.line is not None and 0 < error.line <= len(lines):
            # An import line: blame the candidates that asked for it.
            text = lines[error.line - 1].strip()
            owners = [c.test_name for c in test_file.candidates
                      if any(_import_matches(text, imp) for imp in c.imports)]
        message = error.rendered.strip() or error.message
        if not owners:
            diagnostics.append(Diagnostic(message, file=test_file.path, line=error.line))
        for owner in owners:
            diagnostics.append(Diagnostic(message, file=test_file.path, line=error.line,
                                          candidate=test_file.test_ids.get(owner)))
    return diagnostics


def _import_matches(line: str, imported: str) -> bool:
    if line == imported:
        return True
    match = re.fullmatch(r"use ((?:\w+::)*)(\w+);", imported.strip())
    if not match:
        return False
    prefix, leaf = match.group(1), match.group(2)
    return line.startswith("use " + prefix) and re.search(rf"\b{leaf}\b", line) is not None
