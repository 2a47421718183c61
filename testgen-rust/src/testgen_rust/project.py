"""Find Rust packages in a project and choose the test framework."""

from __future__ import annotations

from pathlib import Path

from testgen.errors import TestgenError
from testgen.model import Detection, Framework, Project

from .manifest import TEST_STYLE_CRATES, count_tests, find_manifests, load_crate, \
    workspace_members, read_toml

LANGUAGE = "rust"
FRAMEWORKS = ("cargo-test", "proptest")


def detect(project: Project) -> list[Detection]:
    """One detection per Cargo package of ``project`` (workspace members included)."""
    root = project.root
    found: list[Detection] = []
    for manifest in find_manifests(root):
        directory = manifest.parent
        crate = load_crate(directory)
        data = read_toml(manifest)
        if crate is None:
            if "workspace" in data:
                members = workspace_members(directory)
                found.append(Detection(
                    language=LANGUAGE, root=directory, framework="cargo-test",
                    evidence=(f"{_rel(manifest, root)}: [workspace] with "
                              f"{len(members)} member(s)",),
                    details={"workspace": True, "members": members}))
            continue
        tests, test_files = count_tests(crate)
        evidence = [f"{_rel(manifest, root)}: package {crate.package!r} "
                    f"(edition {crate.edition})"]
        if test_files:
            evidence.append(f"{tests} #[test] function(s) in {len(test_files)} file(s)")
        styles = [name for name in TEST_STYLE_CRATES if name in crate.dev_dependencies]
        if styles:
            evidence.append("dev-dependencies: " + ", ".join(styles))
        found.append(Detection(
            language=LANGUAGE, root=directory,
            framework="proptest" if "proptest" in styles else "cargo-test",
            evidence=tuple(evidence),
            details={
                "package": crate.package, "crate": crate.lib_name, "edition": crate.edition,
                "lib": crate.lib_path, "bins": list(crate.bin_paths),
                "features": list(crate.features), "default_features":
                list(crate.default_features), "dev_dependencies": list(crate.dev_dependencies),
                "test_styles": styles, "build_script": crate.build_script,
                "workspace_root": _rel(crate.target_root, root) or ".",
                "existing_tests": tests, "test_files": test_files,
                "integration_tests": list(crate.test_targets),
            }))
    return found


def select_framework(project: Project, requested: str | None) -> Framework:
    requested = requested or project.language_settings(LANGUAGE).get("framework")
    detections = [d for d in detect(project) if d.details.get("package")]
    uses_proptest = any("proptest" in d.details.get("test_styles", ()) for d in detections)
    details = {"test_styles": sorted({s for d in detections
                                      for s in d.details.get("test_styles", ())})}
    if requested:
        if requested not in FRAMEWORKS:
            raise TestgenError(
                f"the Rust plugin has no framework {requested!r}", code="TG504",
                hint=f"choose one of: {', '.join(FRAMEWORKS)}")
        if requested == "proptest" and not uses_proptest:
            raise TestgenError(
                "proptest was requested but no crate here has it in [dev-dependencies]",
                code="TG504", hint="run `cargo add --dev proptest` first, or use cargo-test")
        return Framework(requested, LANGUAGE, reason="requested", details=details)
    if uses_proptest:
        return Framework("proptest", LANGUAGE, reason="Cargo.toml has proptest in "
                         "[dev-dependencies]", details=details)
    return Framework("cargo-test", LANGUAGE, reason="cargo's built-in test harness",
                     details=details)


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
    return "" if rel == "." else rel
