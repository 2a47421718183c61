"""The plugin manager: loading, isolation of broken plugins, typed calls."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

from testgen import hookimpl
from testgen.errors import PluginError
from testgen.model import LanguageInfo, SourceFile
from testgen.plugins import Plugins


def toy_plugin(name="toy", parse_result="parsed"):
    module = types.ModuleType(f"plugin_{name}")

    @hookimpl
    def testgen_languages():
        return [LanguageInfo(name=name, extensions=(f".{name}",), frameworks=("t",),
                             default_framework="t", test_file_patterns=())]

    @hookimpl
    def testgen_parse(source):
        if source.language != name:
            return None
        return parse_result

    module.testgen_languages = testgen_languages
    module.testgen_parse = testgen_parse
    return module


def source(language, tmp_path):
    return SourceFile(path=tmp_path / f"a.{language}", rel_path=f"a.{language}",
                      language=language, text="x", project_root=tmp_path)


def test_firstresult_hook_is_answered_by_the_plugin_of_the_language(tmp_path):
    plugins = Plugins.load(entry_points=False,
                           extra=[toy_plugin("one", "ONE"), toy_plugin("two", "TWO")])
    assert plugins.parse(source("one", tmp_path)) == "ONE"
    assert plugins.parse(source("two", tmp_path)) == "TWO"
    assert set(plugins.languages()) == {"one", "two"}
    assert plugins.language_for(".two").name == "two"


def test_a_plugin_that_raises_is_reported_and_the_others_keep_working(tmp_path):
    broken = types.ModuleType("plugin_broken")

    @hookimpl
    def testgen_parse(source):
        raise RuntimeError("boom")

    broken.testgen_parse = testgen_parse
    plugins = Plugins.load(entry_points=False, extra=[toy_plugin("one", "ONE"), broken])
    assert plugins.parse(source("one", tmp_path)) == "ONE"
    problem = plugins.problems[0]
    assert (problem.code, problem.plugin, problem.hook) == ("TG502", "plugin_broken",
                                                           "testgen_parse")
    assert "boom" in problem.message


def test_no_plugin_for_a_language_is_a_clear_plugin_error(tmp_path):
    plugins = Plugins.load(entry_points=False, extra=[toy_plugin("one")])
    with pytest.raises(PluginError) as info:
        plugins.parse(source("cobol", tmp_path))
    assert info.value.code == "TG504"
    assert "testgen-cobol" in info.value.hint


def test_hook_with_a_misspelt_name_is_rejected_at_load():
    module = types.ModuleType("plugin_typo")

    @hookimpl
    def testgen_parze(source):
        return None

    module.testgen_parze = testgen_parze
    plugins = Plugins.load(entry_points=False, extra=[module])
    assert [p.code for p in plugins.problems] == ["TG503"]


def test_hook_with_unknown_arguments_is_rejected():
    module = types.ModuleType("plugin_badargs")

    @hookimpl
    def testgen_parse(source, colour):
        return None

    module.testgen_parse = testgen_parse
    plugins = Plugins.load(entry_points=False, extra=[module])
    assert plugins.problems and plugins.problems[0].code == "TG503"


def test_builtin_engines_and_reporters_are_registered_as_plugins():
    plugins = Plugins.load(entry_points=False)
    assert {"offline", "llm"} <= set(plugins.engines())
    assert {"json", "html"} <= set(plugins.reporters())
    names = {i.name for i in plugins.describe() if i.builtin}
    assert names == {"testgen.engines.builtin", "testgen.report.builtin"}


def test_load_plugins_env_narrows_entry_points():
    code = ("from testgen.plugins import Plugins; p = Plugins.load(); "
            "print(sorted(i.name for i in p.describe() if not i.builtin))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"TESTGEN_LOAD_PLUGINS": "python", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "['python']"


def test_plugins_command_lists_languages_as_json(run_cli):
    result = run_cli("plugins", "--json")
    data = json.loads(result.stdout)
    by_name = {p["name"]: p for p in data["plugins"]}
    assert "python" in by_name["python"]["languages"]
    assert "testgen_parse" in by_name["python"]["hooks"]
    assert by_name["python"]["distribution"] == "testgen-python"
