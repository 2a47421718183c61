from pathlib import Path

from testgen.model import Framework, ParsedFile, Project, SourceFile

from testgen_go import plugin


def test_declares_go_with_its_frameworks_and_manifests():
    (info,) = plugin.testgen_languages()
    assert info.name == "go"
    assert info.extensions == (".go",)
    assert info.frameworks == ("testing", "testify")
    assert info.default_framework == "testing"
    assert info.test_file_patterns == ("*_test.go",)
    assert info.manifests == ("go.mod", "go.work")
    assert info.toolchain == ("go",)
    assert info.ignore_dirs == ("testdata",)


def test_per_language_hooks_answer_none_for_other_languages(tmp_path: Path):
    py = SourceFile(path=tmp_path / "a.py", rel_path="a.py", language="python", text="x = 1\n",
                    project_root=tmp_path)
    other = Framework(name="pytest", language="python")
    assert plugin.testgen_parse(source=py) is None
    assert plugin.testgen_extract(parsed=ParsedFile(source=py, tree=None)) is None
    assert plugin.testgen_test_path(source=py, framework=other) is None
    assert plugin.testgen_select_framework(project=Project(root=tmp_path), language="python",
                                           requested=None) is None
    assert plugin.testgen_assemble(candidates=[], framework=other, source=py, path="x") is None
    assert plugin.testgen_probe(language="python", definitions=[], workspace=None,
                                test_type="unit") is None
    assert plugin.testgen_run(language="python", framework=other, test_files=[],
                              workspace=None, coverage=True) is None


def test_plugin_is_found_through_its_entry_point():
    from testgen.plugins import Plugins

    plugins = Plugins.load(only=["go"])
    assert "go" in plugins.languages()
    assert not [p for p in plugins.problems if p.plugin == "go"]
