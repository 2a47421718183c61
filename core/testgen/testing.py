"""Conformance kit for language plugins: check a plugin against the contract in its own tests.

Use it from a plugin's test suite::

    # tests/test_conformance.py
    from pathlib import Path
    from testgen.testing import ConformanceSuite

    class TestGoConformance(ConformanceSuite):
        language = "go"
        sample_project = Path(__file__).parent / "fixtures" / "sample"
        broken_source = ("broken.go", "package sample\\nfunc Broken( {\\n")

Every check names the hook it exercises in its failure message. Run with plain ``pytest``; the
module is also a pytest plugin (``pytest -p testgen.testing``) that provides the fixtures
``testgen_plugins`` (all installed plugins) and ``testgen_workspace`` (a shadow copy factory).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, ClassVar

import pytest

from .errors import TestgenError
from .model import (Definition, Detection, Framework, LanguageInfo, OfflineRequest, ParsedFile,
                    Project, SourceFile, TestFile)


def _plugins():
    from .plugins import Plugins

    return Plugins.load()


@pytest.fixture(scope="session")
def testgen_plugins():
    """Every installed plugin, loaded as the CLI loads them."""
    return _plugins()


@pytest.fixture
def testgen_workspace():
    """``testgen_workspace(project_root)`` → a context manager yielding a shadow Workspace."""
    from .sandbox import shadow_workspace

    return shadow_workspace


def _fail(hook: str, message: str) -> None:
    pytest.fail(f"{hook}: {message}", pytrace=False)


class ConformanceSuite:
    """Subclass with ``language`` and ``sample_project`` set; each test checks one hook."""

    language: ClassVar[str] = ""
    sample_project: ClassVar[Path | None] = None
    """A small project of the language: a manifest, a source file with a few pure functions."""
    broken_source: ClassVar[tuple[str, str] | None] = None
    """(file name, source text with a syntax error)."""
    expect_framework: ClassVar[str | None] = None
    """Framework expected for the sample project (default: the language's default)."""
    toolchain_hooks: ClassVar[bool] = True
    """Whether to check validate/run end to end (needs the toolchain)."""
    plugin_objects: ClassVar[tuple[Any, ...]] = ()
    """Extra plugin objects to register (for testing a plugin that is not installed)."""

    # ----------------------------------------------------------------- helpers

    @pytest.fixture(scope="class")
    def plugins(self):
        from .plugins import Plugins

        if self.plugin_objects:
            return Plugins.load(entry_points=False, extra=self.plugin_objects)
        return Plugins.load()

    @pytest.fixture(scope="class")
    def info(self, plugins) -> LanguageInfo:
        languages = plugins.languages()
        if self.language not in languages:
            _fail("testgen_languages", f"no plugin declares language {self.language!r} "
                  f"(declared: {sorted(languages)})")
        return languages[self.language]

    @pytest.fixture
    def project_copy(self, tmp_path) -> Path:
        if self.sample_project is None:
            pytest.skip("no sample_project set")
        target = tmp_path / Path(self.sample_project).name
        shutil.copytree(self.sample_project, target, symlinks=True,
                        ignore=shutil.ignore_patterns(".testgen", "target", "node_modules"))
        return target

    def sources(self, info: LanguageInfo, root: Path) -> list[SourceFile]:
        from .scan import Scanner

        return Scanner({info.name: info}).scan(root).sources

    def extracted(self, plugins, info, root) -> list[tuple[SourceFile, list[Definition]]]:
        out = []
        for source in self.sources(info, root):
            parsed = plugins.parse(source)
            out.append((source, plugins.extract(parsed)))
        return out

    # ----------------------------------------------------------------- languages

    def test_language_is_declared_completely(self, info):
        if not info.extensions or not all(e.startswith(".") for e in info.extensions):
            _fail("testgen_languages", f"extensions must start with a dot: {info.extensions}")
        if info.default_framework not in info.frameworks:
            _fail("testgen_languages", f"default framework {info.default_framework!r} is not "
                  f"in frameworks {info.frameworks}")
        if not info.test_file_patterns:
            _fail("testgen_languages", "declare test_file_patterns so existing tests are found")

    def test_detect_finds_the_language_in_the_sample(self, plugins, info, project_copy):
        found = plugins.detect(Project(root=project_copy))
        mine = [d for d in found if isinstance(d, Detection) and d.language == info.name]
        if not mine:
            _fail("testgen_detect", f"did not report {info.name!r} for {project_copy}")

    def test_detect_reports_nothing_in_an_empty_directory(self, plugins, info, tmp_path):
        found = [d for d in plugins.detect(Project(root=tmp_path)) if d.language == info.name]
        if found:
            _fail("testgen_detect", f"reported {info.name!r} in an empty directory")

    # ----------------------------------------------------------------- parse / extract

    def test_parse_and_extract_the_sample(self, plugins, info, project_copy):
        results = self.extracted(plugins, info, project_copy)
        if not results:
            _fail("testgen_parse", f"the sample project has no {info.name} source files")
        definitions = [d for _, defs in results for d in defs]
        if not definitions:
            _fail("testgen_extract", "no definitions found in the sample project")
        for source, defs in results:
            for d in defs:
                if d.file != source.rel_path:
                    _fail("testgen_extract", f"{d.qualname}: file {d.file!r} should be "
                          f"{source.rel_path!r}")
                if not 1 <= d.start_line <= d.end_line:
                    _fail("testgen_extract", f"{d.qualname}: bad line range "
                          f"{d.start_line}-{d.end_line}")
                if len(d.content_hash) < 16:
                    _fail("testgen_extract", f"{d.qualname}: content_hash missing")
                if d.complexity < 1:
                    _fail("testgen_extract", f"{d.qualname}: complexity must be >= 1")
                if d.code not in source.text:
                    _fail("testgen_extract", f"{d.qualname}: code is not the definition's "
                          "own source text")

    def test_content_hash_is_stable_and_tracks_changes(self, plugins, info, project_copy):
        first = {d.key: d.content_hash for _, defs in self.extracted(plugins, info,
                                                                     project_copy)
                 for d in defs}
        again = {d.key: d.content_hash for _, defs in self.extracted(plugins, info,
                                                                     project_copy)
                 for d in defs}
        if first != again:
            _fail("testgen_extract", "content_hash differs between two parses of the same code")

    def test_syntax_errors_are_reported_not_raised(self, plugins, info, tmp_path):
        if self.broken_source is None:
            pytest.skip("no broken_source set")
        name, text = self.broken_source
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        source = SourceFile(path=path, rel_path=name, language=info.name, text=text,
                            project_root=tmp_path)
        parsed = plugins.parse(source)
        if not isinstance(parsed, ParsedFile) or not parsed.errors:
            _fail("testgen_parse", "a syntax error must be listed in ParsedFile.errors")
        error = parsed.errors[0]
        if error.line < 1 or not error.message:
            _fail("testgen_parse", f"syntax error needs a line and a message: {error}")

    # ----------------------------------------------------------------- frameworks

    def test_default_framework_is_selected(self, plugins, info, project_copy):
        framework = plugins.select_framework(Project(root=project_copy), info.name, None)
        if not isinstance(framework, Framework) or framework.language != info.name:
            _fail("testgen_select_framework", f"returned {framework!r}")
        expected = self.expect_framework or info.default_framework
        if framework.name != expected:
            _fail("testgen_select_framework", f"chose {framework.name!r}, expected {expected!r}")

    def test_unknown_framework_is_a_clear_error(self, plugins, info, project_copy):
        with pytest.raises(TestgenError) as raised:
            plugins.select_framework(Project(root=project_copy), info.name,
                                     "no-such-framework")
        if not raised.value.code.startswith("TG"):
            _fail("testgen_select_framework", "raise a TestgenError with a TG code")

    def test_test_path_is_project_relative(self, plugins, info, project_copy):
        framework = plugins.select_framework(Project(root=project_copy), info.name, None)
        for source in self.sources(info, project_copy):
            path = plugins.test_path(source, framework)
            if os.path.isabs(path) or ".." in Path(path).parts:
                _fail("testgen_test_path", f"{path!r} must be relative to the project")
            if path == source.rel_path:
                _fail("testgen_test_path", "the generated file must never be the source file")

    # ----------------------------------------------------------------- end to end

    def test_generated_tests_validate_and_pass(self, plugins, info, project_copy):
        """probe → offline_candidates → assemble → validate → run, in a shadow copy."""
        if not self.toolchain_hooks:
            pytest.skip("toolchain checks disabled")
        missing = [t for t in info.toolchain if shutil.which(t) is None]
        if missing:
            pytest.skip(f"toolchain not installed: {', '.join(missing)}")
        from .sandbox import shadow_workspace

        project = Project(root=project_copy)
        framework = plugins.select_framework(project, info.name, None)
        passed = 0
        with shadow_workspace(project_copy, timeout=120) as workspace:
            for source, definitions in self.extracted(plugins, info, project_copy):
                targets = [d for d in definitions if d.testable and d.kind != "class"]
                if not targets:
                    continue
                probes = plugins.probe(info.name, targets, workspace, "unit")
                candidates = []
                for d in targets:
                    mine = [p for p in probes if p.definition == d.key]
                    candidates += plugins.offline_candidates(OfflineRequest(
                        definition=d, framework=framework, test_type="unit", probes=mine))
                if not candidates:
                    continue
                path = plugins.test_path(source, framework)
                test_file = plugins.assemble(candidates, framework, source, path)
                if not isinstance(test_file, TestFile) or not test_file.test_ids:
                    _fail("testgen_assemble", "must return a TestFile with test_ids")
                workspace.write(test_file.path, test_file.content)
                validation = plugins.validate(test_file, workspace)
                if not validation.ok:
                    _fail("testgen_validate", f"generated file does not compile: "
                          f"{validation.output[-800:]}")
                run = plugins.run(info.name, framework, [test_file], workspace, True)
                ids = set(test_file.test_ids)
                outcomes = {t.test_id: t.outcome for t in run.tests if t.test_id in ids}
                if set(outcomes) != ids:
                    _fail("testgen_run", f"tests {sorted(ids - set(outcomes))} missing from "
                          "the run result (test ids must match TestFile.test_ids)")
                passed += sum(1 for o in outcomes.values() if o == "passed")
                if run.coverage_available and source.rel_path not in run.coverage:
                    _fail("testgen_run", f"no coverage reported for {source.rel_path}")
        if not passed:
            _fail("testgen_offline_candidates", "no generated test passed on the sample")

    def test_missing_toolchain_is_a_tg205_error(self, plugins, info, project_copy,
                                                monkeypatch):
        if not info.toolchain:
            pytest.skip("the language needs no external toolchain")
        from .sandbox import shadow_workspace

        monkeypatch.setenv("PATH", str(project_copy / "no-bin"))
        framework = Framework(name=info.default_framework, language=info.name)
        with shadow_workspace(project_copy) as workspace:
            with pytest.raises(TestgenError) as raised:
                plugins.run(info.name, framework, [], workspace, True)
        if raised.value.code != "TG205":
            _fail("testgen_run", f"without {info.toolchain[0]} on PATH expected TG205, got "
                  f"{raised.value.code}")
