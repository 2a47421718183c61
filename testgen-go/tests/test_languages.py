from testgen_go import plugin
from testgen_go.plugin import Go


def test_declares_go_with_its_frameworks_and_manifests():
    info = Go.info
    assert info.name == "go"
    assert info.extensions == (".go",)
    assert info.frameworks == ("testing", "testify")
    assert info.default_framework == "testing"
    assert info.test_file_patterns == ("*_test.go",)
    assert info.manifests == ("go.mod", "go.work")
    assert info.toolchain == ("go",)
    assert info.ignore_dirs == ("testdata",)


def test_the_hook_registers_one_go_object():
    registered = []
    plugin.testgen_languages(register=registered.append)
    assert [type(language) for language in registered] == [Go]


def test_plugin_is_found_through_its_entry_point():
    from testgen.plugins import Plugins

    plugins = Plugins.load(only=["go"])
    assert "go" in plugins.languages()
    assert not [p for p in plugins.problems if p.plugin == "go"]
