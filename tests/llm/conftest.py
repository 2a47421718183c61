"""Fixtures for the LLM layer: the stub provider, a small prompt plugin, an engine factory,
a keyring we control, and a guard that fails any connection leaving 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from testgen.engines import GenerationJob
from testgen.language import Language
from testgen.llm.provider import RetryPolicy
from testgen.llm.stub import StubLLM, json_answer, write_grade_project
from testgen.model import Definition, Framework, LanguageInfo, Probe, Prompt, SourceFile
from testgen.secrets import PROVIDER_ENV_VARS

LOOPBACK = ("127.0.0.1", "::1", "localhost")
STUB_MODEL = "openai/gpt-4o-mini"


# --------------------------------------------------------------------------- no network


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to resolve or connect to a host other than loopback fails the test."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK and host is not None:
            raise AssertionError(f"test tried to reach the network: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def check(address):
        if isinstance(address, tuple) and address and address[0] not in LOOPBACK:
            raise AssertionError(f"test tried to connect to {address}")

    def guarded_connect(self, address):
        check(address)
        return real_connect(self, address)

    def guarded_connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No real provider key or cache directory leaks into a test."""
    for names in PROVIDER_ENV_VARS.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TESTGEN_CACHE_DIR", str(tmp_path / "env-cache"))
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")


# --------------------------------------------------------------------------- the stub


@pytest.fixture
def stub_llm():
    """A running OpenAI-compatible stub on 127.0.0.1; script answers with ``stub.script``."""
    with StubLLM() as stub:
        yield stub


def answer_for_each_definition(body: dict) -> str:
    """A responder: one passing-looking test per ``def NAME`` in the user prompt."""
    user = body["messages"][-1]["content"]
    names = [line.split("def ", 1)[1].split("(", 1)[0]
             for line in user.splitlines() if line.startswith("def ")]
    return json_answer({"test_name": f"test_{name}",
                       "test_code": f"def test_{name}():\n    assert {name}(2) == 4\n",
                       "imports": [f"from toy.mod import {name}"], "definition": name,
                       "edge_cases_covered": ["typical"], "coverage_lines": [1, 2]}
                      for name in names)


# --------------------------------------------------------------------------- plugins


class ToyPrompts(Language):
    """A language that renders prompts for the made-up language ``toy``."""

    info = LanguageInfo(name="toy", extensions=(".toy",), frameworks=("toytest",),
                        default_framework="toytest", test_file_patterns=(),
                        line_comments=("#",))

    test_patterns = (re.compile(r"^\s*def\s+(test\w*)", re.MULTILINE),)
    import_pattern = re.compile(r"^(?:import |from )")
    module_separator = "."

    def render_prompt(self, request):
        parts = [d.code for d in request.definitions]
        for key, probes in request.probes.items():
            for probe in probes:
                parts.append(f"# observed: {key}({', '.join(probe.args)}) -> {probe.value}")
        if request.repair:
            parts.append("# failing test:\n" + request.repair["test_code"])
            parts.append("# error:\n" + request.repair["error"])
        return Prompt(system='Write toy tests. Answer JSON {"tests": [...]}.',
                      user="\n\n".join(parts), template=f"toy/{request.test_type}.j2")


class Plain(ToyPrompts):
    """A language with no prompt templates of its own."""

    info = LanguageInfo(name="plain", extensions=(".plain",), frameworks=("plaintest",),
                        default_framework="plaintest", test_file_patterns=())

    def render_prompt(self, request):
        return None


@pytest.fixture(scope="session")
def toy_plugins():
    from testgen.plugins import Plugins

    return Plugins.load(entry_points=False, extra=[ToyPrompts(), Plain()])


def toy_definition(name: str, *, file: str = "toy/mod.toy", lines: int = 3,
                   complexity: int = 1, content_hash: str | None = None,
                   testable: bool = True) -> Definition:
    code = f"def {name}(x):\n" + "".join(f"    step{i}(x)\n" for i in range(lines - 2)) + \
        "    return x * 2\n"
    return Definition(name=name, qualname=name, kind="function", language="toy", file=file,
                      start_line=1, end_line=lines, signature=f"def {name}(x)", code=code,
                      content_hash=content_hash or f"hash-{file}-{name}",
                      complexity=complexity, testable=testable,
                      imports=("import toy.lib",))


def toy_job(definitions: list[Definition], *, test_type: str = "unit",
            file: str = "toy/mod.toy", job_id: str | None = None) -> GenerationJob:
    source = SourceFile(Path("/project") / file, file, "toy", "", Path("/project"))
    probes = {d.key: [Probe(definition=d.key, args=("2",), value="4")] for d in definitions}
    return GenerationJob(id=job_id or f"{file}#{test_type}", source=source,
                         definitions=definitions, framework=Framework("toytest", "toy"),
                         test_type=test_type, probes=probes)


# --------------------------------------------------------------------------- engine


class FakeClock:
    """Virtual time: ``sleep`` advances it at once and records how long was asked."""

    def __init__(self) -> None:
        self.time = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds
        await asyncio.sleep(0)


FAST_RETRY = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.05)


@pytest.fixture
def make_engine(stub_llm, toy_plugins, tmp_path):
    """``make_engine(**llm_settings)`` → an LLMEngine talking to the stub (closed after)."""
    from testgen.engines.llm import LLMEngine

    engines = []

    def make(*, cache_dir: Path | None = None, parallel: int = 4,
             budget_usd: float | None = None, generation: dict | None = None,
             clock: Any = None, retry: RetryPolicy | None = FAST_RETRY, dry_run: bool = False,
             **llm: Any) -> LLMEngine:
        settings = {"llm": {"model": STUB_MODEL, "api_base": stub_llm.api_base,
                            "temperature": 0.2, "max_tokens": 1024, "timeout": 5, **llm},
                    "generation": {"batch_size": 4, "max_repairs": 2, **(generation or {})}}
        engine = LLMEngine(settings, toy_plugins, cache_dir=cache_dir or tmp_path / "cache",
                           parallel=parallel, budget_usd=budget_usd, dry_run=dry_run,
                           clock=clock or FakeClock(), retry=retry)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()


# --------------------------------------------------------------------------- keyring


@pytest.fixture
def memory_keyring():
    """An in-memory keyring backend, installed for the test and removed after."""
    import keyring
    import keyring.backend

    class MemoryKeyring(keyring.backend.KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def read_bytes_under(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


@pytest.fixture
def toy():
    """Builders for definitions, jobs and stub answers of the ``toy`` language."""
    return SimpleNamespace(definition=toy_definition, job=toy_job,
                           answer=answer_for_each_definition, read_bytes=read_bytes_under,
                           model=STUB_MODEL)


@pytest.fixture
def fake_clock():
    return FakeClock()


# --------------------------------------------------------------------------- a real project


@pytest.fixture(scope="session")
def make_project():
    """``make_project(root)``: a Python project with one module, ``grades/grade.py``."""
    return write_grade_project
