"""The plugin manager: loading, isolation of broken plugins, typed calls."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

from testgen import hookimpl
from testgen.errors import PluginError
from testgen.language import Language
from testgen.model import LanguageInfo, SourceFile
from testgen.plugins import Plugins


def toy_language(name="toy", parse_result="parsed"):
    class Toy(Language):
        info = LanguageInfo(name=name, extensions=(f".{name}",), frameworks=("t",),
                            default_framework="t", test_file_patterns=())

        def parse(self, source):
            return parse_result

    return Toy()


def toy_plugin(name="toy", parse_result="parsed"):
    module = types.ModuleType(f"plugin_{name}")

    @hookimpl
    def testgen_languages(register):
        register(toy_language(name, parse_result))

    module.testgen_languages = testgen_languages
    return module


def source(language, tmp_path):
    return SourceFile(path=tmp_path / f"a.{language}", rel_path=f"a.{language}",
                      language=language, text="x", project_root=tmp_path)


def test_each_language_object_answers_for_its_own_files(tmp_path):
    plugins = Plugins.load(entry_points=False,
                           extra=[toy_plugin("one", "ONE"), toy_plugin("two", "TWO")])
    assert plugins.parse(source("one", tmp_path)) == "ONE"
    assert plugins.parse(source("two", tmp_path)) == "TWO"
    assert set(plugins.languages()) == {"one", "two"}
    assert plugins.language_for(".two").name == "two"
    assert {i.name: i.languages for i in plugins.describe() if not i.builtin} == {
        "plugin_one": ["one"], "plugin_two": ["two"]}


def test_a_language_registered_later_overrides_an_earlier_one(tmp_path):
    plugins = Plugins.load(entry_points=False,
                           extra=[toy_plugin("one", "FIRST"), toy_language("one", "LATER")])
    assert plugins.parse(source("one", tmp_path)) == "LATER"


def test_a_plugin_that_raises_at_registration_is_reported_and_the_others_keep_working(
        tmp_path):
    broken = types.ModuleType("plugin_broken")

    @hookimpl
    def testgen_languages(register):
        raise RuntimeError("boom")

    broken.testgen_languages = testgen_languages
    plugins = Plugins.load(entry_points=False, extra=[toy_plugin("one", "ONE"), broken])
    assert plugins.parse(source("one", tmp_path)) == "ONE"
    problem = plugins.problems[0]
    assert (problem.code, problem.plugin, problem.hook) == ("TG502", "plugin_broken",
                                                           "testgen_languages")
    assert "boom" in problem.message


def test_a_language_method_that_raises_is_a_tg502_error_naming_the_plugin(tmp_path):
    class Broken(Language):
        info = LanguageInfo(name="bad", extensions=(".bad",), frameworks=("t",),
                            default_framework="t", test_file_patterns=())

        def parse(self, source):
            raise KeyError("boom")

    plugins = Plugins.load(entry_points=False, extra=[Broken()])
    with pytest.raises(PluginError) as info:
        plugins.parse(source("bad", tmp_path))
    assert info.value.code == "TG502"
    assert [(p.code, p.hook) for p in plugins.problems] == [("TG502", "parse")]
    # Optional steps fall back to "nothing" instead of failing the file.
    assert plugins.probe("bad", [], None, "unit") == []


def test_a_wrapper_hook_is_run_by_pluggy_not_taken_for_an_answer(tmp_path):
    seen = []
    module = types.ModuleType("plugin_wrapper")

    @hookimpl(wrapper=True)
    def testgen_languages(register):
        seen.append("before")
        result = yield
        seen.append("after")
        return result

    module.testgen_languages = testgen_languages
    plugins = Plugins.load(entry_points=False, extra=[toy_plugin("one", "ONE"), module])
    assert set(plugins.languages()) == {"one"}
    assert seen == ["before", "after"]


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
    def testgen_engines(colour):
        return {}

    module.testgen_engines = testgen_engines
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
    assert "testgen_languages" in by_name["python"]["hooks"]
    assert "probe" in by_name["python"]["methods"]
    assert by_name["python"]["distribution"] == "testgen-python"
