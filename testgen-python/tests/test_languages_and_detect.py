"""Python.info, Python.detect and Python.select_framework."""

import pytest

from testgen.errors import PluginError
from testgen.model import Project
from testgen_python.plugin import Python

PYTHON = Python()


def test_language_info_declares_python_extensions_frameworks_and_manifests():
    info = Python.info
    assert info.name == "python"
    assert info.extensions == (".py",)
    assert info.frameworks == ("pytest", "unittest")
    assert info.default_framework == "pytest"
    assert {"test_*.py", "*_test.py", "conftest.py", "tests/**/conftest.py"} <= set(
        info.test_file_patterns)
    assert info.manifests == ("pyproject.toml", "setup.py", "setup.cfg")
    assert info.toolchain == ()


def test_detect_reports_python_from_pyproject(project):
    (found,) = PYTHON.detect(project=Project(project.root))
    assert found.language == "python"
    assert "pyproject.toml present" in found.evidence


def test_detect_finds_nothing_in_a_directory_without_python(tmp_path):
    (tmp_path / "README.md").write_text("hello")
    assert PYTHON.detect(project=Project(tmp_path)) == []


def test_detect_reads_setup_cfg_pytest_section(tmp_path):
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n\n[tool:pytest]\naddopts = -q\n")
    (found,) = PYTHON.detect(project=Project(tmp_path))
    assert found.framework == "pytest"
    assert any("setup.cfg: [tool:pytest]" in e for e in found.evidence)


def test_pytest_ini_options_select_pytest_even_with_unittest_tests(project):
    project.write("pyproject.toml", """
        [project]
        name = "p"
        [tool.pytest.ini_options]
        testpaths = ["tests"]
    """)
    project.write("tests/test_a.py", """
        import unittest
        class TestA(unittest.TestCase):
            def test_a(self):
                self.assertTrue(True)
    """)
    assert project.framework().name == "pytest"


def test_unittest_only_tests_select_unittest(project):
    project.write("tests/test_a.py", """
        import unittest
        class TestA(unittest.TestCase):
            def test_a(self):
                self.assertEqual(1, 1)
    """)
    framework = project.framework()
    assert framework.name == "unittest"
    assert "unittest" in framework.reason


def test_plain_test_functions_select_pytest(project):
    project.write("tests/test_a.py", "def test_a():\n    assert 1 == 1\n")
    assert project.framework().name == "pytest"


def test_tox_ini_pytest_section_selects_pytest(project):
    project.write("tox.ini", "[pytest]\naddopts = --import-mode=importlib\n")
    framework = project.framework()
    assert framework.name == "pytest"
    assert framework.details["import_mode"] == "importlib"


def test_requested_framework_wins(project):
    project.write("tests/test_a.py", "def test_a():\n    assert 1 == 1\n")
    framework = project.framework("unittest")
    assert (framework.name, framework.reason) == ("unittest", "requested")


def test_configured_framework_is_used(project):
    framework = PYTHON.select_framework(
        project=Project(project.root, settings={"python": {"framework": "unittest"}}),
        requested=None)
    assert framework.name == "unittest"


def test_unknown_requested_framework_is_a_tg504_error(project):
    with pytest.raises(PluginError) as error:
        project.framework("jest")
    assert error.value.code == "TG504"

