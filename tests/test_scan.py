"""Scanning: ignores, filters, bad files and symlink loops."""

from __future__ import annotations

import os

import pytest

from testgen.errors import InputError
from testgen.model import LanguageInfo
from testgen.scan import Scanner, find_project_root, shard_of

TOY = LanguageInfo(name="toy", extensions=(".toy",), frameworks=("toytest",),
                   default_framework="toytest", test_file_patterns=("test_*.toy",),
                   manifests=("toy.mod",))


def scanner(**kwargs):
    return Scanner({"toy": TOY}, **kwargs)


def files(tmp_path, mapping):
    for rel, content in mapping.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def rels(items):
    return sorted(s.rel_path for s in items)


def test_sources_and_tests_are_told_apart(tmp_path):
    files(tmp_path, {"toy.mod": "x", "a.toy": "a", "pkg/b.toy": "b", "pkg/test_b.toy": "t",
                     "readme.md": "r"})
    result = scanner().scan(tmp_path)
    assert rels(result.sources) == ["a.toy", "pkg/b.toy"]
    assert rels(result.tests) == ["pkg/test_b.toy"]


def test_global_ignores_gitignore_and_testgenignore_are_honoured(tmp_path):
    files(tmp_path, {"toy.mod": "x", "a.toy": "a", "node_modules/n.toy": "n",
                     "build/b.toy": "b", "gen/g.toy": "g", "keep/k.toy": "k",
                     "keep/skip_me.toy": "s", ".gitignore": "gen/\n",
                     "keep/.testgenignore": "skip_*.toy\n"})
    assert rels(scanner().scan(tmp_path).sources) == ["a.toy", "keep/k.toy"]


def test_include_and_exclude_patterns_filter_files(tmp_path):
    files(tmp_path, {"toy.mod": "x", "src/a.toy": "a", "src/b.toy": "b", "other/c.toy": "c"})
    result = scanner(include=["src/"], exclude=["b.toy"]).scan(tmp_path)
    assert rels(result.sources) == ["src/a.toy"]


def test_non_recursive_scan_stays_at_the_top(tmp_path):
    files(tmp_path, {"toy.mod": "x", "a.toy": "a", "sub/b.toy": "b"})
    assert rels(scanner(recursive=False).scan(tmp_path).sources) == ["a.toy"]


def test_bad_files_are_skipped_with_one_reason_each(tmp_path):
    files(tmp_path, {"toy.mod": "x", "ok.toy": "fine", "empty.toy": "", "blank.toy": "  \n",
                     "bin.toy": b"\x00\x01\x02", "latin.toy": "caf\xe9".encode("latin-1"),
                     "big.toy": "x" * 2000})
    result = scanner(max_file_bytes=1000).scan(tmp_path)
    assert rels(result.sources) == ["ok.toy"]
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons["empty.toy"] == "empty file"
    assert reasons["blank.toy"] == "empty file"
    assert reasons["bin.toy"] == "binary file"
    assert reasons["latin.toy"].startswith("not UTF-8")
    assert reasons["big.toy"].startswith("too large")
    assert all(s.code == "TG203" for s in result.skipped)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_skipped(tmp_path):
    files(tmp_path, {"toy.mod": "x", "secret.toy": "s"})
    (tmp_path / "secret.toy").chmod(0)
    result = scanner().scan(tmp_path)
    assert [s.path for s in result.skipped] == ["secret.toy"]


def test_symlink_loops_do_not_hang(tmp_path):
    files(tmp_path, {"toy.mod": "x", "pkg/a.toy": "a"})
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "loop")
    os.symlink(tmp_path, tmp_path / "pkg" / "up")
    result = scanner().scan(tmp_path)
    assert rels(result.sources) == ["pkg/a.toy"]


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        scanner().scan(tmp_path / "nope")
    assert info.value.code == "TG201"


def test_project_root_is_the_nearest_manifest(tmp_path):
    files(tmp_path, {"outer/toy.mod": "x", "outer/inner/toy.mod": "y",
                     "outer/inner/src/a.toy": "a"})
    assert find_project_root(tmp_path / "outer/inner/src/a.toy", ["toy.mod"]) == \
        tmp_path / "outer/inner"


def test_project_root_passes_over_package_directories(tmp_path):
    files(tmp_path, {"work/pkg/__init__.py": "", "work/pkg/sub/__init__.py": "",
                     "work/pkg/sub/mod.toy": "m"})
    assert find_project_root(tmp_path / "work/pkg/sub/mod.toy", ["toy.mod"],
                             ["__init__.py"]) == tmp_path / "work"


def test_a_manifest_inside_a_package_directory_is_not_the_root(tmp_path):
    files(tmp_path, {"repo/toy.mod": "x", "repo/pkg/__init__.py": "", "repo/pkg/toy.mod": "",
                     "repo/pkg/mod.toy": "m"})
    assert find_project_root(tmp_path / "repo/pkg/mod.toy", ["toy.mod"], ["__init__.py"]) \
        == tmp_path / "repo"


def test_the_vcs_root_stops_the_walk_even_inside_a_package(tmp_path):
    files(tmp_path, {"pkg/__init__.py": "", "pkg/.git/HEAD": "x", "pkg/mod.toy": "m"})
    assert find_project_root(tmp_path / "pkg/mod.toy", [], ["__init__.py"]) == tmp_path / "pkg"


def test_shards_partition_the_files_deterministically():
    paths = [f"src/file{i}.toy" for i in range(200)]
    shards = [{p for p in paths if shard_of(p, 3) == k} for k in (1, 2, 3)]
    assert set().union(*shards) == set(paths)
    assert sum(len(s) for s in shards) == len(paths)
    assert all(len(s) > 30 for s in shards)


SHIPPED = LanguageInfo(name="toy", extensions=(".toy",), frameworks=("toytest",),
                       default_framework="toytest", test_file_patterns=("test_*.toy",),
                       manifests=("toy.mod",), shipped_dirs=("dist",))


def test_a_shipped_directory_is_scanned_when_it_holds_the_only_code(tmp_path):
    files(tmp_path, {"toy.mod": "x", "dist/a.toy": "a", "dist/inner/b.toy": "b",
                     "test_a.toy": "t"})
    result = Scanner({"toy": SHIPPED}).scan(tmp_path)
    assert rels(result.sources) == ["dist/a.toy", "dist/inner/b.toy"]


def test_a_shipped_directory_is_left_alone_beside_other_sources(tmp_path):
    files(tmp_path, {"toy.mod": "x", "src/a.toy": "a", "dist/a.toy": "compiled"})
    result = Scanner({"toy": SHIPPED}).scan(tmp_path)
    assert rels(result.sources) == ["src/a.toy"]


def test_has_sources_looks_outside_the_excluded_directories_only(tmp_path):
    files(tmp_path, {"api/toy.mod": "x", "api/a.toy": "a", "notes.txt": "n",
                     "empty.toy": "", "test_b.toy": "t"})
    assert not scanner().has_sources(tmp_path, ["/api/"])  # empty file and a test only
    files(tmp_path, {"tools/c.toy": "c"})
    assert scanner().has_sources(tmp_path, ["/api/"])
    assert scanner().has_sources(tmp_path / "api")
