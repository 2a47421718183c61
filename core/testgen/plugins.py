"""The plugin manager wrapper: the only module that calls ``pm.hook``.

Everything else calls the typed methods of :class:`Plugins`, so the contract is visible in one
place. A plugin that fails to import, or raises inside a hook, is reported as a ``TG5xx``
problem naming it, and the others keep working.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Callable, Iterable, Iterator

import pluggy

from . import PROJECT_NAME, hookimpl, hookspecs
from .errors import PluginError, TestgenError
from .language import Language
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

_REQUIRED = object()  # a language method without a default answer


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
    methods: list[str] = field(default_factory=list)
    """``Language`` methods its languages implement (beyond the defaults)."""


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
        self._languages: dict[str, Language] | None = None

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
        """Register a plugin object or module, or a :class:`Language` object on its own (tests
        and embedding applications use this)."""
        if isinstance(obj, Language):
            obj = _Registers(obj)
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

    def _collect(self, hook: str, **kwargs: Any) -> list[Any]:
        """Call ``hook`` through pluggy. A plugin that raises is reported (TG502) and left out,
        and the hook is called again without it, so the others keep working."""
        while True:
            caller = self.pm.subset_hook_caller(
                hook, remove_plugins=[p for n in self._failed
                                      if (p := self.pm.get_plugin(n)) is not None])
            try:
                return caller(**kwargs)
            except TestgenError:
                raise
            except Exception as exc:  # noqa: BLE001 - reported, then the others go on
                culprit = self._impl_in(hook, _frames(exc.__traceback__))
                if culprit is None:
                    raise
                self._failed.add(culprit)
                self._problem(culprit, "TG502", f"raised {type(exc).__name__} in {hook}: {exc}",
                              hook)
                log.debug("plugin failure", exc_info=True)

    def _impl_in(self, hook: str, frames: Iterable[Any]) -> str | None:
        """The plugin whose implementation of ``hook`` runs in one of ``frames``."""
        impls = getattr(self.pm.hook, hook).get_hookimpls()
        for frame in frames:
            for impl in impls:
                if _runs_in(impl.function, frame):
                    return impl.plugin_name
        return None

    # ----------------------------------------------------------------- languages

    def languages(self) -> dict[str, LanguageInfo]:
        return {name: lang.info for name, lang in self._language_objects().items()}

    def _language_objects(self) -> dict[str, Language]:
        if self._languages is None:
            found: dict[str, Language] = {}

            def register(language: Language) -> None:
                # pluggy calls the last-registered plugin first: the first one to register a
                # name is the one that overrides the others.
                if language.name in found:
                    return
                found[language.name] = language
                plugin = self._impl_in("testgen_languages", _stack())
                info = self.infos.get(plugin or "")
                if info is not None:
                    info.languages.append(language.name)
                    info.frameworks.extend(language.info.frameworks)
                    info.methods = sorted(set(info.methods) | set(_implemented(language)))

            self._collect("testgen_languages", register=register)
            self._languages = found
        return self._languages

    def language(self, name: str) -> Language:
        """The registered language called ``name``; TG504 naming what to install if none."""
        found = self._language_objects().get(name)
        if found is None:
            raise PluginError(f"no plugin handles language {name!r}", code="TG504",
                              hint=f"install or fix the plugin: pip install testgen-{name}; "
                                   f"see `testgen plugins`")
        return found

    def env_passthrough(self) -> tuple[str, ...]:
        """The environment variables every registered language's toolchain reads."""
        return tuple(sorted({name for lang in self._language_objects().values()
                             for name in lang.env_passthrough}))

    def language_for(self, suffix: str) -> LanguageInfo | None:
        for lang in self.languages().values():
            if suffix in lang.extensions:
                return lang
        return None

    def _ask(self, language: str, method: str, *args: Any, default: Any = _REQUIRED) -> Any:
        """Call one method of a language object. A plugin bug is reported (TG502) and becomes
        a ``PluginError``, or ``default`` for the optional steps (probes, offline tests)."""
        lang = self.language(language)
        try:
            return getattr(lang, method)(*args)
        except TestgenError:
            raise
        except NotImplementedError:
            if default is not _REQUIRED:
                return default
            raise PluginError(f"the {language} plugin does not implement {method}",
                              code="TG504", hint="update or fix the plugin; see `testgen plugins`"
                              ) from None
        except Exception as exc:  # noqa: BLE001 - a plugin bug is the plugin's problem
            plugin = self._plugin_of(lang)
            self._problem(plugin, "TG502", f"raised {type(exc).__name__} in {method}: {exc}",
                          method)
            log.debug("plugin failure", exc_info=True)
            if default is not _REQUIRED:
                return default
            raise PluginError(f"the {language} plugin failed in {method}: "
                              f"{type(exc).__name__}: {exc}", code="TG502",
                              hint="rerun with --debug for the traceback; report it to the "
                                   f"plugin's authors ({plugin})") from exc

    def _plugin_of(self, language: Language) -> str:
        return next((i.name for i in self.infos.values() if language.name in i.languages),
                    type(language).__module__)

    def detect(self, project: Project) -> list[Detection]:
        return [d for name in self._language_objects()
                for d in self._ask(name, "detect", project, default=[])]

    def parse(self, source: SourceFile) -> ParsedFile:
        return self._ask(source.language, "parse", source)

    def extract(self, parsed: ParsedFile) -> list[Definition]:
        return self._ask(parsed.source.language, "extract", parsed)

    def outline(self, parsed: ParsedFile) -> list[Definition]:
        return self._ask(parsed.source.language, "outline", parsed)

    def select_framework(self, project: Project, language: str,
                         requested: str | None = None) -> Framework:
        return self._ask(language, "select_framework", project, requested)

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        return self._ask(source.language, "test_path", source, framework)

    def probe(self, language: str, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        return list(self._ask(language, "probe", definitions, workspace, test_type, default=[]))

    def offline_candidates(self, request: OfflineRequest) -> list[TestCandidate]:
        return list(self._ask(request.framework.language, "offline_candidates", request,
                              default=[]))

    def render_prompt(self, request: PromptRequest) -> Prompt | None:
        """The language's prompt; ``None`` when it has no templates (the generic one)."""
        return self._ask(request.framework.language, "render_prompt", request, default=None)

    def assemble(self, candidates: list[TestCandidate], framework: Framework,
                 source: SourceFile, path: str) -> TestFile:
        return self._ask(source.language, "assemble", candidates, framework, source, path)

    def validate(self, test_file: TestFile, workspace: Workspace) -> ValidationResult:
        return self._ask(test_file.language, "validate", test_file, workspace)

    def run(self, language: str, framework: Framework, test_files: list[TestFile],
            workspace: Workspace, coverage: bool) -> RunResult:
        return self._ask(language, "run", framework, test_files, workspace, coverage)

    def doctor(self, project: Project) -> list[DoctorCheck]:
        return [c for name in self._language_objects()
                for c in self._ask(name, "doctor", project, default=[])]

    def engines(self) -> dict[str, Callable[..., Any]]:
        merged: dict[str, Callable[..., Any]] = {}
        for found in reversed(self._collect("testgen_engines")):
            merged.update(found)  # later-registered (third-party) plugins override built-ins
        return merged

    def reporters(self) -> dict[str, Callable[..., str]]:
        merged: dict[str, Callable[..., str]] = {}
        for found in reversed(self._collect("testgen_reporters")):
            merged.update(found)
        return merged

    # ----------------------------------------------------------------- listing

    def describe(self) -> list[PluginInfo]:
        self.languages()
        return sorted(self.infos.values(), key=lambda i: (not i.builtin, i.name))


def _runs_in(function: Any, frame: Any) -> bool:
    """Whether ``frame`` is a call of ``function``: the same code and, for the methods of two
    instances or the closures of one factory (which share their code), the same ``self`` or
    the same captured values."""
    code = getattr(function, "__code__", None)
    if code is None or frame.f_code is not code:
        return False
    owner = getattr(function, "__self__", None)
    if owner is not None:
        return frame.f_locals.get("self") is owner
    cells = getattr(function, "__closure__", None) or ()
    return all(frame.f_locals.get(name) is cell.cell_contents
               for name, cell in zip(code.co_freevars, cells))


def _frames(tb: Any) -> Iterator[Any]:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _stack() -> Iterator[Any]:
    frame = sys._getframe(1)
    while frame is not None:
        yield frame
        frame = frame.f_back


def _implemented(language: Language) -> list[str]:
    return [name for name, value in vars(Language).items()
            if callable(value) and not name.startswith("_")
            and getattr(type(language), name) is not value]


class _Registers:
    """Wraps one :class:`Language` object as a plugin (``Plugins.register(MyLanguage())``)."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.__name__ = f"{type(language).__module__}.{type(language).__name__}"

    @hookimpl
    def testgen_languages(self, register: Callable[[Language], None]) -> None:
        register(self.language)


def _names_from_env() -> set[str] | None:
    raw = os.environ.get(LOAD_ENV)
    if raw is None:
        return None
    return {n.strip() for n in raw.split(",") if n.strip()}
