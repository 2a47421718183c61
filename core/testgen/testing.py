"""Conformance kit for language plugins: check a plugin against the contract in its own tests.

Use it from a plugin's test suite::

    # tests/test_conformance.py
    from pathlib import Path
    from testgen.testing import ConformanceSuite

    class TestGoConformance(ConformanceSuite):
        language = "go"
        sample_project = Path(__file__).parent / "fixtures" / "sample"
        broken_source = ("broken.go", "package sample\\nfunc Broken( {\\n")

Each test checks one part of the contract and its failure message starts with the hook at
fault (``testgen_extract: Cart.add: bad line range 9-3``). A plugin that raises inside a hook
fails the check with the exception it raised, not with a vague "no answer".

To check a plugin that is not installed (a fixture, a plugin under development), list its
objects in ``plugin_objects``: they are registered next to the built-ins, and entry points are
not loaded.

Run with plain ``pytest``; the module is also a pytest plugin (``pytest -p testgen.testing``)
that provides the fixtures ``testgen_plugins`` (all installed plugins) and
``testgen_workspace`` (a shadow copy factory).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable, ClassVar

import pytest

from .errors import TestgenError
from .kit.header import GENERATED_MARKER
from .model import (TEST_TYPES, Definition, Detection, Framework, LanguageInfo, OfflineRequest,
                    ParsedFile, Probe, Project, Prompt, PromptRequest, RunResult,
                    SourceFile, TestCandidate, TestFile, ValidationResult, Workspace)

REQUIRED_METHODS = ("parse", "extract", "select_framework", "test_path", "assemble",
                    "validate", "run")
"""``Language`` methods every language implements; the others have defaults."""
PROBE_OUTCOMES = frozenset({"return", "raise", "timeout", "crash", "skipped"})
TEST_OUTCOMES = frozenset({"passed", "failed", "error", "skipped"})
BROKEN_CODE = "\n)(}{\n"
"""Appended to a test to make it invalid in any language (unbalanced brackets)."""


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


def call_hook(plugins, hook: str, call: Callable[[], Any], expect: type | tuple | None = None
              ) -> Any:
    """Run ``call`` (a typed ``Plugins`` method) and fail naming ``hook`` when a plugin raised
    inside it, nobody answered, or the answer is not an ``expect`` instance."""
    plugins.problems.clear()
    try:
        result = call()
    except TestgenError as exc:
        if plugins.problems:
            problem = plugins.problems[0]
            _fail(hook, f"{problem.plugin} {problem.message}")
        _fail(hook, f"{exc.code} {exc}" + (f" ({exc.hint})" if exc.hint else ""))
    if plugins.problems:
        problem = plugins.problems[0]
        _fail(hook, f"{problem.plugin} {problem.message}")
    if expect is not None and not isinstance(result, expect):
        names = expect.__name__ if isinstance(expect, type) else " or ".join(
            e.__name__ for e in expect)
        _fail(hook, f"returned {type(result).__name__}, expected {names}: {result!r:.200}")
    return result


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

    # ----------------------------------------------------------------- fixtures

    @pytest.fixture(scope="class")
    @classmethod
    def plugins(cls):
        from .plugins import Plugins

        if cls.plugin_objects:
            return Plugins.load(entry_points=False, extra=cls.plugin_objects)
        return Plugins.load()

    @pytest.fixture(scope="class")
    @classmethod
    def info(cls, plugins) -> LanguageInfo:
        languages = call_hook(plugins, "testgen_languages", plugins.languages)
        if cls.language not in languages:
            _fail("testgen_languages", f"no plugin declares language {cls.language!r} "
                  f"(declared: {sorted(languages)})")
        return languages[cls.language]

    @pytest.fixture
    def project_copy(self, tmp_path) -> Path:
        if self.sample_project is None:
            pytest.skip("no sample_project set")
        target = tmp_path / Path(self.sample_project).name
        shutil.copytree(self.sample_project, target, symlinks=True,
                        ignore=shutil.ignore_patterns(".testgen", "target", "node_modules"))
        return target

    # ----------------------------------------------------------------- helpers

    def sources(self, info: LanguageInfo, root: Path) -> list[SourceFile]:
        """The sample's source files of the language, as the core's scan finds them."""
        from .scan import Scanner

        return Scanner({info.name: info}).scan(root).sources

    def extracted(self, plugins, info, root) -> list[tuple[SourceFile, list[Definition]]]:
        """(source, definitions) for every source file of the sample."""
        out = []
        for source in self.sources(info, root):
            parsed = call_hook(plugins, "Language.parse", lambda: plugins.parse(source),
                               ParsedFile)
            definitions = call_hook(plugins, "Language.extract",
                                    lambda: plugins.extract(parsed), list)
            out.append((source, definitions))
        return out

    def framework(self, plugins, info, root) -> Framework:
        return call_hook(plugins, "Language.select_framework",
                         lambda: plugins.select_framework(Project(root=root), info.name, None),
                         Framework)

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
        found = call_hook(plugins, "Language.detect",
                          lambda: plugins.detect(Project(root=project_copy)), list)
        mine = [d for d in found if isinstance(d, Detection) and d.language == info.name]
        if not mine:
            _fail("Language.detect", f"did not report {info.name!r} for {project_copy}")

    def test_detect_reports_nothing_in_an_empty_directory(self, plugins, info, tmp_path):
        found = call_hook(plugins, "Language.detect",
                          lambda: plugins.detect(Project(root=tmp_path)), list)
        if [d for d in found if d.language == info.name]:
            _fail("Language.detect", f"reported {info.name!r} in an empty directory")

    def test_language_object_implements_the_contract(self, plugins, info):
        """The registered object is a ``Language`` that answers every required method."""
        from .language import Language

        language = plugins.language(info.name)
        if not isinstance(language, Language):
            _fail("testgen_languages", f"registered {type(language).__name__}, expected a "
                  "testgen.language.Language subclass")
        missing = [m for m in REQUIRED_METHODS
                   if getattr(type(language), m) is getattr(Language, m)]
        if missing:
            _fail("testgen_languages", f"{type(language).__name__} does not implement "
                  f"{', '.join(missing)}")

    # ----------------------------------------------------------------- parse / extract

    def test_parse_and_extract_the_sample(self, plugins, info, project_copy):
        results = self.extracted(plugins, info, project_copy)
        if not results:
            _fail("Language.parse", f"the sample project has no {info.name} source files")
        definitions = [d for _, defs in results for d in defs]
        if not definitions:
            _fail("Language.extract", "no definitions found in the sample project")
        for source, defs in results:
            keys = set()
            for d in defs:
                if not isinstance(d, Definition):
                    _fail("Language.extract", f"returned {type(d).__name__}, not Definition")
                if d.language != info.name:
                    _fail("Language.extract", f"{d.qualname}: language {d.language!r} should "
                          f"be {info.name!r}")
                if d.file != source.rel_path:
                    _fail("Language.extract", f"{d.qualname}: file {d.file!r} should be "
                          f"{source.rel_path!r}")
                if not 1 <= d.start_line <= d.end_line <= source.line_count:
                    _fail("Language.extract", f"{d.qualname}: bad line range "
                          f"{d.start_line}-{d.end_line} (the file has {source.line_count} "
                          "lines)")
                if len(d.content_hash) < 16:
                    _fail("Language.extract", f"{d.qualname}: content_hash missing")
                if d.complexity < 1:
                    _fail("Language.extract", f"{d.qualname}: complexity must be >= 1")
                if d.code not in source.text:
                    _fail("Language.extract", f"{d.qualname}: code is not the definition's "
                          "own source text")
                if not d.testable and not d.untestable_reason:
                    _fail("Language.extract", f"{d.qualname}: testable=False needs an "
                          "untestable_reason")
                if d.key in keys:
                    _fail("Language.extract", f"two definitions share the key {d.key!r}")
                keys.add(d.key)

    def test_content_hash_is_stable(self, plugins, info, project_copy):
        first = {d.key: d.content_hash for _, defs in self.extracted(plugins, info,
                                                                     project_copy)
                 for d in defs}
        again = {d.key: d.content_hash for _, defs in self.extracted(plugins, info,
                                                                     project_copy)
                 for d in defs}
        if first != again:
            _fail("Language.extract", "content_hash differs between two parses of the same code")

    def test_mutants_of_the_sample_still_parse(self, plugins, info, project_copy):
        """Each mutant ``Language.mutation`` makes of the sample is still code of the language
        (a mutant that does not even parse tells nothing about the tests)."""
        from dataclasses import replace

        from .kit.mutation import apply, mutants

        grammar = plugins.language(info.name).mutation
        if grammar is None:
            pytest.skip("the language declares no mutation grammar")
        made = 0
        for source in self.sources(info, project_copy):
            parsed = plugins.parse(source)
            data = source.text.encode("utf-8")
            for mutant in mutants(parsed.tree, data, grammar, source.rel_path):
                made += 1
                changed = replace(source, text=apply(data, mutant).decode("utf-8"))
                errors = plugins.parse(changed).errors
                if len(errors) > len(parsed.errors):
                    _fail("Language.mutation", f"{mutant.file}:{mutant.line}: "
                          f"{mutant.original!r} → {mutant.replacement!r} ({mutant.operator}) "
                          f"does not parse: {errors[0].message}")
        if not made:
            _fail("Language.mutation", "the grammar table finds no mutant in the sample")

    def test_the_schema_of_the_sample_still_parses(self, plugins, info, project_copy):
        """Where the language declares ``Schemata``, the version of each sample file that
        holds all its mutants at once is still code of the language."""
        from dataclasses import replace

        from .kit.mutation import mutants, schemata

        grammar = plugins.language(info.name).mutation
        if grammar is None or grammar.schemata is None:
            pytest.skip("the language declares no mutant schemata")
        built = 0
        for source in self.sources(info, project_copy):
            parsed = plugins.parse(source)
            data = source.text.encode("utf-8")
            found = mutants(parsed.tree, data, grammar, source.rel_path)
            schema = schemata(parsed.tree, data, grammar, found, "testgen_mutant_check")
            if schema is None:
                continue
            built += len(schema.numbers)
            errors = plugins.parse(replace(source, text=schema.content.decode("utf-8"))).errors
            if len(errors) > len(parsed.errors):
                _fail("Language.mutation", f"{source.rel_path}: the schema of "
                      f"{len(schema.numbers)} mutants does not parse: {errors[0].message}")
        if not built:
            _fail("Language.mutation", "the schemata hold no mutant of the sample")

    def test_syntax_errors_are_reported_not_raised(self, plugins, info, tmp_path):
        if self.broken_source is None:
            pytest.skip("no broken_source set")
        name, text = self.broken_source
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        source = SourceFile(path=path, rel_path=name, language=info.name, text=text,
                            project_root=tmp_path)
        parsed = call_hook(plugins, "Language.parse", lambda: plugins.parse(source), ParsedFile)
        if not parsed.errors:
            _fail("Language.parse", "a syntax error must be listed in ParsedFile.errors")
        error = parsed.errors[0]
        if error.line < 1 or not error.message:
            _fail("Language.parse", f"syntax error needs a line and a message: {error}")
        call_hook(plugins, "Language.extract", lambda: plugins.extract(parsed), list)

    # ----------------------------------------------------------------- frameworks

    def test_default_framework_is_selected(self, plugins, info, project_copy):
        framework = self.framework(plugins, info, project_copy)
        if framework.language != info.name:
            _fail("Language.select_framework", f"returned {framework!r}")
        expected = self.expect_framework or info.default_framework
        if framework.name != expected:
            _fail("Language.select_framework", f"chose {framework.name!r}, expected {expected!r}")

    def test_unknown_framework_is_a_clear_error(self, plugins, info, project_copy):
        plugins.problems.clear()
        with pytest.raises(TestgenError) as raised:
            plugins.select_framework(Project(root=project_copy), info.name,
                                     "no-such-framework")
        if plugins.problems:
            problem = plugins.problems[0]
            _fail("Language.select_framework", f"{problem.plugin} {problem.message}; raise a "
                  "TestgenError (code TG504) for a framework the plugin lacks")
        if "no plugin answered" in str(raised.value):
            _fail("Language.select_framework", "returned None for an unknown framework; raise "
                  "a TestgenError (code TG504) naming it")
        if not raised.value.code.startswith("TG"):
            _fail("Language.select_framework", "raise a TestgenError with a TG code")

    def test_test_path_is_project_relative(self, plugins, info, project_copy):
        framework = self.framework(plugins, info, project_copy)
        for source in self.sources(info, project_copy):
            path = call_hook(plugins, "Language.test_path",
                             lambda: plugins.test_path(source, framework), str)
            if os.path.isabs(path) or ".." in Path(path).parts or "\\" in path:
                _fail("Language.test_path", f"{path!r} must be a project-relative posix path")
            if path == source.rel_path:
                _fail("Language.test_path", "the generated file must never be the source file")

    # ----------------------------------------------------------------- prompts

    def test_prompts_render_for_every_test_type(self, plugins, info, project_copy, tmp_path):
        framework = self.framework(plugins, info, project_copy)
        definition = next((d for _, defs in self.extracted(plugins, info, project_copy)
                           for d in defs if d.testable), None)
        if definition is None:
            _fail("Language.extract", "the sample project has no testable definition")
        for test_type in TEST_TYPES:
            request = PromptRequest(definitions=[definition], framework=framework,
                                    test_type=test_type)
            prompt = call_hook(plugins, "Language.render_prompt",
                               lambda: plugins.render_prompt(request), Prompt)
            if not prompt.system.strip() or not prompt.user.strip():
                _fail("Language.render_prompt", f"{test_type}: system and user parts must "
                      "both have text")
            if definition.name not in prompt.user:
                _fail("Language.render_prompt", f"{test_type}: the user part must show the "
                      f"definition ({definition.name!r})")
            if "test_name" not in prompt.system + prompt.user:
                _fail("Language.render_prompt", f"{test_type}: the prompt must give the JSON "
                      "output schema (test_name, test_code, ...)")
        # A project template directory overrides the plugin's own template of the same name.
        if prompt.template:
            override = tmp_path / "templates"
            (override / prompt.template).parent.mkdir(parents=True, exist_ok=True)
            (override / prompt.template).write_text("OVERRIDDEN {{ test_type }}\n",
                                                    encoding="utf-8")
            request = PromptRequest(definitions=[definition], framework=framework,
                                    test_type=TEST_TYPES[-1], template_dirs=(override,))
            prompt = call_hook(plugins, "Language.render_prompt",
                               lambda: plugins.render_prompt(request), Prompt)
            if f"OVERRIDDEN {TEST_TYPES[-1]}" not in prompt.system + prompt.user:
                _fail("Language.render_prompt", f"{prompt.template} in template_dirs must "
                      "override the plugin's own template")

    # ----------------------------------------------------------------- end to end

    def test_generated_tests_validate_and_pass(self, plugins, info, project_copy):
        """probe → offline_candidates → assemble → validate → run, in a shadow copy."""
        self._need_toolchain(info)
        from .sandbox import shadow_workspace

        framework = self.framework(plugins, info, project_copy)
        passed = 0
        with shadow_workspace(project_copy, timeout=120,
                              passthrough=plugins.env_passthrough()) as workspace:
            for source, definitions in self.extracted(plugins, info, project_copy):
                targets = [d for d in definitions if d.testable and d.kind != "class"]
                if not targets:
                    continue
                test_file = self._generate(plugins, framework, source, targets, workspace)
                if test_file is None:
                    continue
                run = self._run(plugins, info, framework, test_file, source, workspace)
                passed += sum(1 for t in run.tests
                              if t.test_id in test_file.test_ids and t.outcome == "passed")
        if not passed:
            _fail("Language.offline_candidates", "no generated test passed on the sample")

    def test_validate_blames_the_broken_candidate(self, plugins, info, project_copy):
        """A candidate that does not compile fails validation, and is the one blamed."""
        self._need_toolchain(info)
        from .sandbox import shadow_workspace

        framework = self.framework(plugins, info, project_copy)
        with shadow_workspace(project_copy, timeout=120,
                              passthrough=plugins.env_passthrough()) as workspace:
            for source, definitions in self.extracted(plugins, info, project_copy):
                targets = [d for d in definitions if d.testable and d.kind != "class"]
                candidates = self._candidates(plugins, framework, targets, workspace)
                if len(candidates) < 2:
                    continue
                good, other = candidates[0], candidates[1]
                broken = TestCandidate(id=other.id + "-broken", definition=other.definition,
                                       test_name=other.test_name, code=other.code + BROKEN_CODE,
                                       test_type=other.test_type, imports=other.imports,
                                       helpers=other.helpers)
                path = call_hook(plugins, "Language.test_path",
                                 lambda: plugins.test_path(source, framework), str)
                test_file = call_hook(
                    plugins, "Language.assemble",
                    lambda: plugins.assemble([good, broken], framework, source, path), TestFile)
                workspace.write(test_file.path, test_file.content)
                result = call_hook(plugins, "Language.validate",
                                   lambda: plugins.validate(test_file, workspace),
                                   ValidationResult)
                if result.ok:
                    _fail("Language.validate", f"accepted a test file with a syntax error "
                          f"({BROKEN_CODE.strip()!r} after {other.test_name})")
                if good.id in result.failing_candidates:
                    _fail("Language.validate", f"blamed {good.id}, which is valid; only "
                          f"{broken.id} is broken")
                return
        pytest.skip("no source file of the sample gave two candidates")

    def test_missing_toolchain_is_a_tg205_error(self, plugins, info, project_copy,
                                                monkeypatch):
        if not info.toolchain:
            pytest.skip("the language needs no external toolchain")
        from .sandbox import shadow_workspace

        framework = Framework(name=info.default_framework, language=info.name)
        with shadow_workspace(project_copy,
                              passthrough=plugins.env_passthrough()) as workspace:
            monkeypatch.setenv("PATH", str(project_copy / "no-bin"))
            plugins.problems.clear()
            with pytest.raises(TestgenError) as raised:
                plugins.run(info.name, framework, [], workspace, True)
        if plugins.problems:
            problem = plugins.problems[0]
            _fail("Language.run", f"{problem.plugin} {problem.message}; without "
                  f"{info.toolchain[0]} raise InputError(code='TG205') with an install hint")
        if raised.value.code != "TG205":
            _fail("Language.run", f"without {info.toolchain[0]} on PATH expected TG205, got "
                  f"{raised.value.code}: {raised.value}")
        if not raised.value.hint:
            _fail("Language.run", "the TG205 error needs a hint saying how to install "
                  f"{info.toolchain[0]}")

    # ----------------------------------------------------------------- end-to-end steps

    def _need_toolchain(self, info: LanguageInfo) -> None:
        if not self.toolchain_hooks:
            pytest.skip("toolchain checks disabled")
        missing = [t for t in info.toolchain if shutil.which(t) is None]
        if missing:
            pytest.skip(f"toolchain not installed: {', '.join(missing)}")

    def _candidates(self, plugins, framework: Framework, targets: list[Definition],
                    workspace: Workspace) -> list[TestCandidate]:
        if not targets:
            return []
        probes = call_hook(plugins, "Language.probe", lambda: plugins.probe(
            framework.language, targets, workspace, "unit"), list)
        keys = {d.key for d in targets}
        for probe in probes:
            if not isinstance(probe, Probe):
                _fail("Language.probe", f"returned {type(probe).__name__}, not Probe")
            if probe.definition not in keys:
                _fail("Language.probe", f"probe for {probe.definition!r}, which is not one of "
                      f"the definitions asked for ({sorted(keys)})")
            if probe.outcome not in PROBE_OUTCOMES:
                _fail("Language.probe", f"unknown outcome {probe.outcome!r}")
            if not all(isinstance(a, str) for a in probe.args):
                _fail("Language.probe", f"args must be source literals (str): {probe.args!r}")
        candidates: list[TestCandidate] = []
        for d in targets:
            mine = [p for p in probes if p.definition == d.key]
            request = OfflineRequest(definition=d, framework=framework, test_type="unit",
                                     probes=mine)
            made = call_hook(plugins, "Language.offline_candidates",
                             lambda: plugins.offline_candidates(request), list)
            for c in made:
                if not c.id.startswith(f"{d.key}::") or c.definition != d.key:
                    _fail("Language.offline_candidates", f"candidate id {c.id!r} must be "
                          f"'{d.key}::<test name>' and definition {d.key!r}")
            candidates += made
        ids = [c.id for c in candidates]
        if len(ids) != len(set(ids)):
            _fail("Language.offline_candidates", "candidate ids must be unique")
        return candidates

    def _generate(self, plugins, framework: Framework, source: SourceFile,
                  targets: list[Definition], workspace: Workspace) -> TestFile | None:
        candidates = self._candidates(plugins, framework, targets, workspace)
        if not candidates:
            return None
        path = call_hook(plugins, "Language.test_path",
                         lambda: plugins.test_path(source, framework), str)
        test_file = call_hook(plugins, "Language.assemble",
                              lambda: plugins.assemble(candidates, framework, source, path),
                              TestFile)
        if test_file.path != path:
            _fail("Language.assemble", f"TestFile.path {test_file.path!r} should be {path!r}")
        if GENERATED_MARKER not in test_file.content[:400]:
            _fail("Language.assemble", f"the file must start with a header containing "
                  f"{GENERATED_MARKER!r}")
        if not test_file.test_ids:
            _fail("Language.assemble", "must return a TestFile with test_ids")
        unknown = set(test_file.test_ids.values()) - {c.id for c in candidates}
        if unknown:
            _fail("Language.assemble", f"test_ids point at unknown candidates {sorted(unknown)}")
        missing = {c.id for c in candidates} - set(test_file.test_ids.values())
        if missing:
            _fail("Language.assemble", f"candidates without a test id: {sorted(missing)}")
        workspace.write(test_file.path, test_file.content)
        validation = call_hook(plugins, "Language.validate",
                               lambda: plugins.validate(test_file, workspace),
                               ValidationResult)
        if not validation.ok:
            _fail("Language.validate", f"generated file does not compile: "
                  f"{validation.output[-800:]}")
        return test_file

    def _run(self, plugins, info: LanguageInfo, framework: Framework, test_file: TestFile,
             source: SourceFile, workspace: Workspace) -> RunResult:
        run = call_hook(plugins, "Language.run", lambda: plugins.run(
            info.name, framework, [test_file], workspace, True), RunResult)
        ids = set(test_file.test_ids)
        outcomes = {t.test_id: t.outcome for t in run.tests if t.test_id in ids}
        if set(outcomes) != ids:
            reported = sorted(t.test_id for t in run.tests)[:5]
            _fail("Language.run", f"tests {sorted(ids - set(outcomes))[:5]} missing from the "
                  f"run result (reported: {reported}); RunResult.tests[*].test_id must be "
                  "the keys of TestFile.test_ids")
        bad = {o for o in outcomes.values() if o not in TEST_OUTCOMES}
        if bad:
            _fail("Language.run", f"unknown outcomes {sorted(bad)}")
        if run.coverage_available:
            if source.rel_path not in run.coverage:
                _fail("Language.run", f"no coverage reported for {source.rel_path} "
                      f"(got {sorted(run.coverage)[:5]})")
            for rel, file_coverage in run.coverage.items():
                if os.path.isabs(rel) or "\\" in rel or rel != file_coverage.file:
                    _fail("Language.run", f"coverage key {rel!r} must be the project-relative "
                          "posix path of the source, equal to FileCoverage.file")
                if rel == test_file.path:
                    _fail("Language.run", "coverage must be of the sources, not of the tests")
            measured = run.coverage[source.rel_path]
            if not measured.covered <= measured.statements:
                _fail("Language.run", f"{source.rel_path}: covered lines "
                      f"{sorted(measured.covered - measured.statements)[:5]} are not "
                      "statements")
            if measured.statements and max(measured.statements) > source.line_count:
                _fail("Language.run", f"{source.rel_path}: line {max(measured.statements)} is "
                      f"past the end of the file ({source.line_count} lines)")
        return run
