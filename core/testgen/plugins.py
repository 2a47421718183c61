"""The plugin manager wrapper: the only module that calls ``pm.hook``.

Everything else calls the typed methods of :class:`Plugins`, so the contract is visible in one
place. A plugin that fails to import, or raises inside a hook, is reported as a ``TG5xx``
problem naming it, and the others keep working.
"""

from __future__ import annotations

import importlib
import logging
import os
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Callable, Iterable, Iterator

import pluggy

from . import PROJECT_NAME, hookspecs
from .errors import PluginError, TestgenError
from .model import (
    Definition, Detection, DoctorCheck, Framework, LanguageInfo, OfflineRequest, ParsedFile,
    Probe, Project, Prompt, PromptRequest, RunResult, SourceFile, TestCandidate, TestFile,
    ValidationResult, Workspace,
)

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = PROJECT_NAME
LOAD_ENV = "TESTGEN_LOAD_PLUGINS"

# Built-in behaviour is registered through the same hooks as third-party plugins.
BUILTIN_PLUGINS: tuple[str, ...] = ("testgen.engines.builtin", "testgen.report.builtin")


@dataclass
class PluginInfo:
    name: str
    module: str
    version: str = ""
    distribution: str = ""
    builtin: bool = False
    hooks: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)


@dataclass
class PluginProblem:
    plugin: str
    code: str
    message: str
    hook: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"plugin": self.plugin, "code": self.code, "message": self.message,
                "hook": self.hook}


class Plugins:
    """Typed access to the hooks of every loaded plugin."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.problems: list[PluginProblem] = []
        self.infos: dict[str, PluginInfo] = {}
        self._failed: set[str] = set()
        self._languages: dict[str, LanguageInfo] | None = None

    # ----------------------------------------------------------------- loading

    @classmethod
    def load(cls, *, entry_points: bool = True, extra: Iterable[Any] = (),
             only: Iterable[str] | None = None) -> "Plugins":
        """Load built-ins, entry points (narrowed by ``TESTGEN_LOAD_PLUGINS``) and ``extra``."""
        pm = pluggy.PluginManager(PROJECT_NAME)
        pm.add_hookspecs(hookspecs)
        plugins = cls(pm)
        wanted = set(only) if only is not None else _names_from_env()
        for module_name in BUILTIN_PLUGINS:
            plugins._register_module(module_name, name=module_name, builtin=True)
        if entry_points:
            for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
                if wanted is not None and ep.name not in wanted:
                    continue
                plugins._register_entry_point(ep)
        for obj in extra:
            plugins.register(obj)
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            bad = getattr(exc, "plugin", None)
            name = pm.get_name(bad) if bad is not None else "?"
            plugins._problem(name, "TG503", f"implements a hook that does not exist: {exc}")
            if bad is not None:
                pm.unregister(bad)
        return plugins

    def register(self, obj: Any, name: str | None = None) -> None:
        """Register a plugin object or module (tests and embedding applications use this)."""
        name = name or getattr(obj, "__name__", None) or type(obj).__name__
        try:
            self.pm.register(obj, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self._problem(name, "TG503", f"does not match the plugin contract: {exc}")
            return
        self.infos[name] = PluginInfo(name=name, module=getattr(obj, "__name__", name),
                                      hooks=self._hooks_of(obj))
        self._languages = None

    def _register_module(self, module_name: str, *, name: str, builtin: bool = False,
                         version: str = "", distribution: str = "") -> None:
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # a broken plugin must not take the tool down
            self._problem(name, "TG501", f"failed to import {module_name}: {exc}")
            return
        self.register(module, name=name)
        if name in self.infos:
            info = self.infos[name]
            info.builtin, info.version, info.distribution = builtin, version, distribution
            info.module = module_name

    def _register_entry_point(self, ep: metadata.EntryPoint) -> None:
        dist = getattr(ep, "dist", None)
        version = dist.version if dist is not None else ""
        dist_name = dist.metadata["Name"] if dist is not None else ""
        try:
            obj = ep.load()
        except Exception as exc:
            self._problem(ep.name, "TG501", f"failed to import {ep.value}: {exc}")
            return
        self.register(obj, name=ep.name)
        if ep.name in self.infos:
            info = self.infos[ep.name]
            info.version, info.distribution, info.module = version, dist_name, ep.value

    def _hooks_of(self, obj: Any) -> list[str]:
        return sorted(n for n in dir(obj) if n.startswith("testgen_")
                      and callable(getattr(obj, n, None)))

    def _problem(self, plugin: str, code: str, message: str, hook: str = "") -> None:
        self.problems.append(PluginProblem(plugin, code, message, hook))
        log.debug("%s: plugin %s %s", code, plugin, message)  # commands show problems

    # ----------------------------------------------------------------- calling

    def _impls(self, hook: str) -> list[Any]:
        caller = getattr(self.pm.hook, hook)
        # pluggy calls implementations last-registered-first; keep that order.
        return [i for i in reversed(caller.get_hookimpls()) if i.plugin_name not in self._failed]

    def _answers(self, hook: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """(plugin name, answer) of every implementation that answered, in call order; a
        plugin that raises is reported and skipped, the others go on."""
        for impl in self._impls(hook):
            args = {name: kwargs[name] for name in impl.argnames}
            try:
                result = impl.function(**args)
            except TestgenError:
                raise
            except Exception as exc:  # noqa: BLE001 - reported, then the others go on
                self._problem(impl.plugin_name, "TG502",
                              f"raised {type(exc).__name__} in {hook}: {exc}", hook)
                log.debug("plugin failure", exc_info=True)
                continue
            if result is not None:
                yield impl.plugin_name, result

    def _call(self, hook: str, firstresult: bool, **kwargs: Any) -> Any:
        answers = (result for _, result in self._answers(hook, **kwargs))
        return next(answers, None) if firstresult else list(answers)

    # ----------------------------------------------------------------- languages

    def languages(self) -> dict[str, LanguageInfo]:
        if self._languages is None:
            found: dict[str, LanguageInfo] = {}
            for plugin_name, declared in self._answers("testgen_languages"):
                info = self.infos.get(plugin_name)
                for lang in declared:
                    found.setdefault(lang.name, lang)
                    if info is not None:
                        info.languages.append(lang.name)
                        info.frameworks.extend(lang.frameworks)
            self._languages = found
        return self._languages

    def language_for(self, suffix: str) -> LanguageInfo | None:
        for lang in self.languages().values():
            if suffix in lang.extensions:
                return lang
        return None

    def detect(self, project: Project) -> list[Detection]:
        return [d for found in self._call("testgen_detect", False, project=project)
                for d in found]

    def parse(self, source: SourceFile) -> ParsedFile:
        return self._need(self._call("testgen_parse", True, source=source), "testgen_parse",
                          source.language)

    def extract(self, parsed: ParsedFile) -> list[Definition]:
        return self._need(self._call("testgen_extract", True, parsed=parsed), "testgen_extract",
                          parsed.source.language)

    def select_framework(self, project: Project, language: str,
                         requested: str | None = None) -> Framework:
        return self._need(self._call("testgen_select_framework", True, project=project,
                                     language=language, requested=requested),
                          "testgen_select_framework", language)

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        return self._need(self._call("testgen_test_path", True, source=source,
                                     framework=framework), "testgen_test_path", source.language)

    def probe(self, language: str, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        result = self._call("testgen_probe", True, language=language, definitions=definitions,
                            workspace=workspace, test_type=test_type)
        return list(result or [])

    def offline_candidates(self, request: OfflineRequest) -> list[TestCandidate]:
        return list(self._call("testgen_offline_candidates", True, request=request) or [])

    def render_prompt(self, request: PromptRequest) -> Prompt:
        language = request.framework.language
        return self._need(self._call("testgen_render_prompt", True, request=request),
                          "testgen_render_prompt", language)

    def assemble(self, candidates: list[TestCandidate], framework: Framework,
                 source: SourceFile, path: str) -> TestFile:
        return self._need(self._call("testgen_assemble", True, candidates=candidates,
                                     framework=framework, source=source, path=path),
                          "testgen_assemble", framework.language)

    def validate(self, test_file: TestFile, workspace: Workspace) -> ValidationResult:
        return self._need(self._call("testgen_validate", True, test_file=test_file,
                                     workspace=workspace), "testgen_validate",
                          test_file.language)

    def run(self, language: str, framework: Framework, test_files: list[TestFile],
            workspace: Workspace, coverage: bool) -> RunResult:
        return self._need(self._call("testgen_run", True, language=language, framework=framework,
                                     test_files=test_files, workspace=workspace,
                                     coverage=coverage), "testgen_run", language)

    def engines(self) -> dict[str, Callable[..., Any]]:
        merged: dict[str, Callable[..., Any]] = {}
        for found in reversed(self._call("testgen_engines", False)):
            merged.update(found)  # later-registered (third-party) plugins override built-ins
        return merged

    def doctor(self, project: Project) -> list[DoctorCheck]:
        return [c for found in self._call("testgen_doctor", False, project=project)
                for c in found]

    def reporters(self) -> dict[str, Callable[..., str]]:
        merged: dict[str, Callable[..., str]] = {}
        for found in reversed(self._call("testgen_reporters", False)):
            merged.update(found)
        return merged

    def _need(self, result: Any, hook: str, language: str) -> Any:
        if result is None:
            raise PluginError(f"no plugin answered {hook} for language {language!r}",
                              code="TG504", hint=f"install or fix the plugin: "
                              f"pip install testgen-{language}; see `testgen plugins`")
        return result

    # ----------------------------------------------------------------- listing

    def describe(self) -> list[PluginInfo]:
        self.languages()
        return sorted(self.infos.values(), key=lambda i: (not i.builtin, i.name))


def _names_from_env() -> set[str] | None:
    raw = os.environ.get(LOAD_ENV)
    if raw is None:
        return None
    return {n.strip() for n in raw.split(",") if n.strip()}
