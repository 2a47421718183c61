"""Detecting packages, module systems, TypeScript and the test framework."""

from __future__ import annotations

import json

import pytest

from testgen.errors import TestgenError
from testgen.model import Project
from testgen_javascript.plugin import JavaScript

javascript = JavaScript()


def write_package(root, **manifest):
    (root / "package.json").write_text(json.dumps(manifest))


def detect(root):
    return javascript.detect(project=Project(root))


def test_no_package_json_detects_nothing(tmp_path):
    assert detect(tmp_path) == []


@pytest.mark.parametrize("script, framework", [
    ("jest --coverage", "jest"), ("vitest run", "vitest"), ("mocha 'test/**/*.js'", "mocha"),
    ("node --test", "node:test"), ("node --import tsx --test test/", "node:test"),
])
def test_framework_comes_from_the_test_script(tmp_path, script, framework):
    write_package(tmp_path, scripts={"test": script})
    (found,) = detect(tmp_path)
    assert found.framework == framework


def test_framework_comes_from_dev_dependencies_without_a_script(tmp_path):
    write_package(tmp_path, devDependencies={"vitest": "^3.0.0"})
    assert detect(tmp_path)[0].framework == "vitest"


def test_node_test_is_the_default_when_nothing_is_declared(tmp_path):
    write_package(tmp_path, name="x")
    (found,) = detect(tmp_path)
    assert found.framework == "node:test"


def test_module_type_typescript_and_package_manager_are_reported(tmp_path):
    write_package(tmp_path, type="module", devDependencies={"typescript": "5.9.3"})
    (tmp_path / "pnpm-lock.yaml").write_text("")
    (found,) = detect(tmp_path)
    assert found.details["module_type"] == "module"
    assert found.details["typescript"] is True
    assert found.details["package_manager"] == "pnpm"


def test_workspaces_are_detected_as_packages(tmp_path):
    write_package(tmp_path, name="root", private=True, workspaces=["packages/*"])
    for name in ("a", "b"):
        (tmp_path / "packages" / name).mkdir(parents=True)
        write_package(tmp_path / "packages" / name, name=name,
                      scripts={"test": "vitest run"})
    found = detect(tmp_path)
    assert [d.root.name for d in found] == [tmp_path.name, "a", "b"]
    assert found[1].framework == "vitest"


def test_requested_framework_wins(tmp_path):
    write_package(tmp_path, scripts={"test": "jest"})
    chosen = javascript.select_framework(project=Project(tmp_path), requested="mocha")
    assert chosen.name == "mocha" and chosen.reason == "requested"


def test_unknown_framework_is_a_tg504_error(tmp_path):
    write_package(tmp_path)
    with pytest.raises(TestgenError) as raised:
        javascript.select_framework(project=Project(tmp_path), requested="jasmine")
    assert raised.value.code == "TG504"


def test_a_declared_but_uninstalled_framework_names_the_install_command(tmp_path):
    write_package(tmp_path, scripts={"test": "jest"})
    (tmp_path / "yarn.lock").write_text("")
    chosen = javascript.select_framework(project=Project(tmp_path), requested=None)
    assert chosen.details["missing"] == "jest"
    assert chosen.details["install"] == "yarn add -D jest"
