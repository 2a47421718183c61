"""Real project layouts end to end: workspaces, path dependencies, build scripts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from testgen.sandbox import shadow_workspace

from rust_helpers import FRAMEWORK, RUST, generate, needs_cargo, source, write_crate

pytestmark = needs_cargo


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _suite(root: Path, cache: Path):
    """The existing suite of the project at ``root``, run as ``validate`` runs it."""
    with shadow_workspace(root, cache_dir=cache, timeout=300) as ws:
        return RUST.run(framework=FRAMEWORK, test_files=[],
                                  workspace=ws, coverage=True)


def _workspace(tmp_path: Path) -> Path:
    """A root package with one member, inheriting edition and a dependency from the
    workspace."""
    root = tmp_path / "app"
    write_crate(root, {
        "Cargo.toml": """
            [package]
            name = "app"
            version = "0.1.0"
            edition.workspace = true

            [workspace]
            members = ["crates/*"]

            [workspace.package]
            edition = "2021"

            [workspace.dependencies]
            util = { path = "crates/util" }

            [dependencies]
            util = { workspace = true }
        """,
        "src/lib.rs": """
            pub fn label(n: u32) -> String {
                if util::is_even(n) { format!("{n} is even") } else { format!("{n} is odd") }
            }

            #[cfg(test)]
            mod tests {
                #[test]
                fn labels_four() { assert_eq!(super::label(4), "4 is even"); }
            }
        """,
    })
    write_crate(root / "crates/util", {
        "Cargo.toml": """
            [package]
            name = "util"
            version = "0.1.0"
            edition.workspace = true
        """,
        "src/lib.rs": """
            pub fn is_even(n: u32) -> bool { n % 2 == 0 }

            pub fn halve(n: u32) -> Option<u32> {
                if n % 2 == 0 { Some(n / 2) } else { None }
            }
        """,
        "tests/even.rs": """
            #[test]
            fn two_is_even() { assert!(util::is_even(2)); }
        """,
    })
    write_crate(root / "crates/report", {
        "Cargo.toml": """
            [package]
            name = "report"
            version = "0.1.0"
            edition.workspace = true

            [dependencies]
            util = { workspace = true }
        """,
        "src/lib.rs": """
            pub fn parity(n: u32) -> &'static str {
                if util::is_even(n) { "even" } else { "odd" }
            }
        """,
    })
    return root


def test_the_existing_suite_of_a_workspace_runs_every_member(tmp_path, cargo_cache):
    result = _suite(_workspace(tmp_path), cargo_cache)
    assert result.ok, result.output[-2000:]
    assert {t.test_id for t in result.tests} >= {"tests::labels_four", "two_is_even"}
    if result.coverage_available:
        assert set(result.coverage) == {"src/lib.rs", "crates/util/src/lib.rs",
                                        "crates/report/src/lib.rs"}


def test_a_member_inheriting_from_its_workspace_gets_tests_in_its_own_dir(
        tmp_path, cargo_cache):
    root = _workspace(tmp_path)
    definitions = RUST.extract(parsed=RUST.parse(
        source=source(root, "crates/util/src/lib.rs")))
    assert all(d.testable for d in definitions)
    assert {d.details["edition"] for d in definitions} == {"2021"}
    report = generate(root, cargo_cache, ("unit",), repeat=1,
                      files=["crates/util/src/lib.rs"])
    assert [f.path for f in report["files"]] == ["crates/util/tests/testgen_lib.rs"]
    assert report["final_run"].ok
    assert not (root / "target").exists() and not (root / "crates/util/target").exists()


def test_a_member_taken_as_the_project_root_builds_without_its_workspace(
        tmp_path, cargo_cache):
    member = _workspace(tmp_path) / "crates/report"
    before = _digest(member.parent.parent)
    report = generate(member, cargo_cache, ("unit",), repeat=1)
    assert report["kept"], [c.reason for c in report["candidates"]]
    assert report["final_run"].ok, report["final_run"].output[-2000:]
    written = {"crates/report/" + f.path for f in report["files"]}
    assert {k: v for k, v in _digest(member.parent.parent).items()
            if k not in written} == before


def test_a_path_dependency_outside_the_project_root_resolves_in_the_shadow_copy(
        tmp_path, cargo_cache):
    write_crate(tmp_path / "shared", {"src/lib.rs": "pub fn base() -> u32 { 10 }\n"},
                name="shared")
    root = write_crate(tmp_path / "app", {
        "Cargo.toml": """
            [package]
            name = "app"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            shared = { path = "../shared" }
        """,
        "src/lib.rs": """
            pub fn above_base(n: u32) -> bool {
                if n > shared::base() { true } else { false }
            }
        """,
    })
    before, shared_before = _digest(root), _digest(tmp_path / "shared")
    report = generate(root, cargo_cache, ("unit", "edge-cases"), repeat=1)
    assert report["kept"], [c.reason for c in report["candidates"]]
    assert report["final_run"].ok
    written = {f.path for f in report["files"]}
    assert {k: v for k, v in _digest(root).items() if k not in written} == before
    assert _digest(tmp_path / "shared") == shared_before
    if report["final_run"].coverage_available:
        assert set(report["final_run"].coverage) == {"src/lib.rs"}


def test_a_build_script_is_neither_a_target_nor_counted_in_coverage(tmp_path, cargo_cache):
    root = write_crate(tmp_path / "built", {
        "build.rs": """
            fn main() {
                println!("cargo:rustc-cfg=fast_path");
                println!("cargo:rustc-check-cfg=cfg(fast_path)");
            }
        """,
        "src/lib.rs": """
            #[cfg(fast_path)]
            pub fn speed() -> &'static str { "fast" }

            #[cfg(test)]
            mod tests {
                #[test]
                fn fast() { assert_eq!(super::speed(), "fast"); }
            }
        """,
    }, name="built")
    definitions = RUST.extract(parsed=RUST.parse(
        source=source(root, "src/lib.rs")))
    assert [d.name for d in definitions if d.testable] == ["speed"]
    result = _suite(root, cargo_cache)
    assert result.ok, result.output[-2000:]
    if result.coverage_available:
        assert set(result.coverage) == {"src/lib.rs"}
        assert result.coverage["src/lib.rs"].percent == 100.0


def test_the_existing_suite_of_a_virtual_workspace_runs_both_members(tmp_path, cargo_cache):
    root = tmp_path / "virtual"
    root.mkdir()
    (root / "Cargo.toml").write_text('[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n')
    for name in ("a", "b"):
        write_crate(root / name, {"src/lib.rs": f"""
            pub fn {name}() -> u8 {{ 1 }}

            #[cfg(test)]
            mod tests {{
                #[test]
                fn {name}_is_one() {{ assert_eq!(super::{name}(), 1); }}
            }}
        """}, name=name)
    result = _suite(root, cargo_cache)
    assert result.ok, result.output[-2000:]
    assert {t.test_id for t in result.tests} == {"tests::a_is_one", "tests::b_is_one"}
    if result.coverage_available:
        assert set(result.coverage) == {"a/src/lib.rs", "b/src/lib.rs"}
