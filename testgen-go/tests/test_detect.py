from pathlib import Path

import pytest

from testgen.errors import TestgenError
from testgen.model import Project

from testgen_go.plugin import Go
from testgen_go.buildtags import evaluate, excluded_reason, filename_constraint
from testgen_go.gomod import parse_go_mod, parse_go_work

from gotestkit import write_module

GO = Go()


def test_go_mod_gives_module_path_version_and_requirements():
    module = parse_go_mod(
        "module github.com/acme/shop // the shop\n\ngo 1.22.3\n\nrequire (\n"
        "\tgithub.com/stretchr/testify v1.9.0\n\tgolang.org/x/text v0.14.0 // indirect\n)\n"
        "require github.com/google/uuid v1.6.0\n", Path("/x"))
    assert module.path == "github.com/acme/shop"
    assert module.go_version == "1.22.3"
    assert module.uses_testify
    assert module.requires["github.com/google/uuid"] == "v1.6.0"
    assert module.go_at_least(22) and not module.go_at_least(23)


def test_go_work_lists_used_modules():
    work = parse_go_work("go 1.22\n\nuse (\n\t./api\n\t./worker\n)\nuse ./tools\n")
    assert work == {"go": "1.22", "use": ["./api", "./worker", "./tools"]}


def test_detect_reports_module_tests_tags_and_workspace(tmp_path: Path):
    write_module(tmp_path / "svc", {
        "a.go": "package svc\n\nfunc A() int { return 1 }\n",
        "a_linux.go": "//go:build linux && !race\n\npackage svc\n",
        "a_test.go": "package svc\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
    }, module="example.com/svc")
    (tmp_path / "go.work").write_text("go 1.22\n\nuse ./svc\n")
    (found,) = GO.detect(project=Project(root=tmp_path))
    assert found.language == "go"
    assert found.root == tmp_path / "svc"
    assert found.framework == "testing"
    assert found.details["module"] == "example.com/svc"
    assert found.details["test_files"] == 1
    assert found.details["build_tags"] == ["linux", "race"]
    assert found.details["go_work"]["use"] == ["./svc"]


def test_detect_finds_nothing_without_go(tmp_path: Path):
    (tmp_path / "main.py").write_text("print(1)\n")
    assert GO.detect(project=Project(root=tmp_path)) == []


def test_testify_is_selected_when_go_mod_requires_it(tmp_path: Path):
    (tmp_path / "go.mod").write_text("module m\n\ngo 1.22\n\nrequire github.com/stretchr/testify "
                                     "v1.9.0\n")
    framework = GO.select_framework(project=Project(root=tmp_path), requested=None)
    assert framework.name == "testify"
    assert "testify" in framework.reason


def test_standard_testing_is_the_default(tmp_path: Path):
    write_module(tmp_path, {})
    framework = GO.select_framework(project=Project(root=tmp_path), requested=None)
    assert framework.name == "testing"


def test_requested_framework_wins_and_unknown_one_is_an_error(tmp_path: Path):
    write_module(tmp_path, {})
    project = Project(root=tmp_path)
    assert GO.select_framework(project=project, requested="testify").name == "testify"
    with pytest.raises(TestgenError) as err:
        GO.select_framework(project=project, requested="ginkgo")
    assert err.value.code == "TG504"


def test_build_expressions_and_file_names_are_evaluated():
    tags = frozenset({"linux", "amd64", "unix", "cgo"})
    assert evaluate("linux && (amd64 || arm64)", tags)
    assert not evaluate("windows || (linux && !cgo)", tags)
    assert filename_constraint("poll_windows_amd64.go") == ("windows", "amd64")
    assert filename_constraint("money_testgen_test.go") == ()
    assert "windows" in excluded_reason("x_windows.go", "package x\n")
    assert "ignore" in excluded_reason("gen.go", "//go:build ignore\n\npackage main\n")


def test_custom_build_tags_are_the_fewest_that_build_the_file():
    from testgen_go.buildtags import custom_tags

    assert custom_tags("a.go", "//go:build integration\n\npackage a\n") == ("integration",)
    assert custom_tags("a.go", "//go:build purego || appengine\npackage a\n") == ("appengine",)
    assert custom_tags("a.go", "//go:build !purego\npackage a\n") == ()
    assert custom_tags("a.go", "//go:build windows\npackage a\n") == ()
    assert custom_tags("a.go", "//go:build ignore\npackage a\n") == ()
    assert custom_tags("a.go", "package a\n") == ()


def test_module_paths_of_go_mod_and_go_work_are_rewritten_but_module_versions_are_not():
    from testgen_go.shadow import rewrite_paths

    go_mod = ("module example.com/app\n\nreplace example.com/lib => ../lib // sibling\n"
              "replace example.com/x v1.0.0 => example.com/y v1.2.0\n"
              "replace (\n\texample.com/z => ./third_party/z\n)\n")
    assert rewrite_paths(go_mod, lambda p: "/abs/" + p.lstrip("./")) == (
        "module example.com/app\n\nreplace example.com/lib => /abs/lib // sibling\n"
        "replace example.com/x v1.0.0 => example.com/y v1.2.0\n"
        "replace (\n\texample.com/z => /abs/third_party/z\n)\n")
    go_work = "go 1.22\n\nuse ./a\nuse (\n\t./b\n\t../c\n)\n"
    assert rewrite_paths(go_work, lambda p: None if p == "./a" else "/abs") == (
        "go 1.22\n\nuse ./a\nuse (\n\t/abs\n\t/abs\n)\n")
