"""Input tokens per definition: TestGen's prompts vs the naive prompt (whole file each time).

Target (DESIGN.md §8): at least 60 % fewer input tokens per definition than sending the whole
file with every definition. Measured on the example projects under examples/ (every language
whose plugin is installed) and on modules of real PyPI packages installed in this
environment. Ours: exactly the requests the LLM engine would send (the definition's own code,
callee signatures, imports, batching of small definitions, identical definitions asked once).
Naive: the same template, one request per definition, with the whole file as its code.
No probes are run here (no sandbox), so neither side carries them.

Tokens are counted with LiteLLM's tokenizer for the model given (default openai/gpt-4o-mini);
nothing is sent anywhere.

Two more figures (issue 16):
* input tokens per request for one definition in a generated module of 16, 64 and 256
  definitions (each calling two others): flat within 20 % — the context is what a definition
  calls, not the whole file. "every signature" is the old context (all definitions of the
  file as callees), for comparison;
* Anthropic prompt caching, against the stub speaking the Messages API and enforcing the
  1,024-token minimum: cache-read tokens of each request (> 0 from the second on, since the
  system block is the same for every request of a language x framework x test type).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from testgen.engines import GenerationJob
from testgen.engines.llm import LLMEngine
from testgen.llm import prompts
from testgen.llm.provider import ModelTarget, Provider, import_litellm
from testgen.model import PromptRequest, SourceFile
from testgen.plugins import Plugins

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"node_modules", "target", "__pycache__", ".venv", "venv", "dist", "build", ".git",
             "vendor"}
# Real PyPI packages (installed with LiteLLM), module paths inside them.
PYPI_MODULES = (("dateutil", "relativedelta.py"), ("dateutil", "rrule.py"),
                ("jmespath", "functions.py"), ("jmespath", "lexer.py"))


def sources_of(root: Path, plugins: Plugins) -> list[SourceFile]:
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or SKIP_DIRS & set(path.relative_to(root).parts):
            continue
        language = plugins.language_for(path.suffix)
        if language is None or _is_test(path):
            continue
        found.append(SourceFile(path, path.relative_to(root).as_posix(), language.name,
                                path.read_text(encoding="utf-8", errors="replace"), root))
    return found


def _is_test(path: Path) -> bool:
    name = path.name
    return (name.startswith("test_") or name.endswith(("_test.py", "_test.go")) or
            ".test." in name or ".spec." in name or "tests" in path.parts)


def pypi_sources() -> list[SourceFile]:
    found = []
    for package, module in PYPI_MODULES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        base = Path(next(iter(spec.submodule_search_locations)))
        path = base / module
        if path.exists():
            found.append(SourceFile(path, f"{package}/{module}", "python", path.read_text(),
                                    base.parent))
    return found


def jobs_for(plugins: Plugins, sources: list[SourceFile]) -> list[GenerationJob]:
    jobs = []
    for source in sources:
        try:
            definitions = plugins.extract(plugins.parse(source))
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            print(f"  skipped {source.rel_path}: {exc}", file=sys.stderr)
            continue
        targets = [d for d in definitions if d.testable and d.kind != "class"]
        if not targets:
            continue
        framework = plugins.select_framework(_project(source), source.language)
        jobs.append(GenerationJob.for_file(source, targets, definitions, framework, "unit"))
    return jobs


def _project(source: SourceFile):
    from testgen.model import Project

    return Project(root=source.project_root)


def measure(engine: LLMEngine, plugins: Plugins, jobs: list[GenerationJob], model: str
            ) -> tuple[int, int, int, set[str]]:
    """(definitions, our input tokens, naive input tokens, templates used)."""
    target = ModelTarget(model, model.split("/", 1)[0])
    litellm = import_litellm()

    def tokens(prompt) -> int:
        return litellm.token_counter(model=model, messages=Provider.messages(prompt, target))

    ours = sum(tokens(prompt) for _, prompt in engine.render(jobs))
    naive = 0
    templates: set[str] = set()
    definitions = 0
    for job in jobs:
        for definition in job.definitions:
            definitions += 1
            whole = replace(definition, code=job.source.text)
            prompt = prompts.with_shared_rules(engine._prompt(PromptRequest(
                definitions=[whole], framework=job.framework, test_type=job.test_type,
                callees=tuple(d.signature for d in job.neighbours),
                imports=tuple(definition.imports))))
            templates.add(prompt.template)
            naive += tokens(prompt)
    return definitions, ours, naive, templates


def report(label: str, result: tuple[int, int, int, set[str]]) -> float:
    definitions, ours, naive, templates = result
    if not definitions:
        print(f"{label:44} no definitions")
        return 0.0
    per_ours, per_naive = ours / definitions, naive / definitions
    saving = 100 * (1 - ours / naive)
    print(f"{label:44} {definitions:4d} defs  ours {per_ours:7.0f} tok/def  naive "
          f"{per_naive:7.0f} tok/def  saving {saving:5.1f} %  [{', '.join(sorted(templates))}]")
    return saving


def module_of(count: int) -> str:
    """``count`` functions, each calling the next two (wrapping around)."""
    parts = ['"""Generated module: a ledger of small functions."""\n\nimport math\n']
    for n in range(count):
        a, b = (n + 1) % count, (n + 2) % count
        parts.append(f'''

def step_{n}(values: list[float], limit: float = {n + 1}.0) -> float:
    """Sum of the values under ``limit`` after steps {a} and {b}."""
    if not values:
        raise ValueError("no values")
    kept = [v for v in values if v < limit]
    total = step_{a}(kept, limit) if len(kept) > 3 else 0.0
    if total < 0:
        total = -total
    return round(total + step_{b}(kept[:1], limit / 2) * math.sqrt(len(kept) or 1), 2)
''')
    return "".join(parts)


def per_request_by_size(engine: LLMEngine, plugins: Plugins, model: str, root: Path
                        ) -> list[tuple[int, float, float]]:
    """(definitions in the file, tokens per request now, tokens with every signature)."""
    litellm = import_litellm()
    target = ModelTarget(model, model.split("/", 1)[0])
    rows = []
    for count in (16, 64, 256):
        path = root / f"ledger_{count}.py"
        path.write_text(module_of(count))
        source = SourceFile(path, path.name, "python", path.read_text(), root)
        definitions = plugins.extract(plugins.parse(source))
        framework = plugins.select_framework(_project(source), "python")
        sample = definitions[:: max(1, count // 8)][:8]
        jobs = [GenerationJob.for_file(source, [d], definitions, framework, "unit")
                for d in sample]
        prompts = [p for _, p in engine.render(jobs)]
        now = sum(litellm.token_counter(model=model, messages=Provider.messages(p, target))
                  for p in prompts) / len(prompts)
        old_jobs = [GenerationJob(id=f"{source.rel_path}#unit", source=source,
                                  definitions=[d], framework=framework, test_type="unit",
                                  callees=tuple(x.signature for x in definitions))
                    for d in sample]
        old = [p for _, p in engine.render(old_jobs)]
        before = sum(litellm.token_counter(model=model, messages=Provider.messages(p, target))
                     for p in old) / len(old)
        rows.append((count, now, before))
    return rows


def anthropic_cache_reads(plugins: Plugins, root: Path) -> list[tuple[int, int, int]]:
    """(input tokens, cache writes, cache reads) per request, in order, one at a time."""
    from testgen.llm.stub import StubLLM

    path = root / "ledger_cache.py"
    path.write_text(module_of(16))
    source = SourceFile(path, path.name, "python", path.read_text(), root)
    definitions = plugins.extract(plugins.parse(source))
    framework = plugins.select_framework(_project(source), "python")
    with StubLLM(cache_minimum=1024) as stub:
        settings = {"llm": {"model": "anthropic/claude-sonnet-4-5",
                            "api_base": f"http://127.0.0.1:{stub.port}", "max_tokens": 512},
                    "generation": {"batch_size": 1}}
        os.environ.setdefault("ANTHROPIC_API_KEY", "sk-ant-stub")
        engine = LLMEngine(settings, plugins, cache_dir=root / "cache-anthropic", parallel=1)
        jobs = [GenerationJob.for_file(source, definitions[:6], definitions, framework, "unit")]
        engine.generate(jobs)
        engine.close()
        return [(r.usage.get("input_tokens", 0), r.usage.get("cache_creation_input_tokens", 0),
                 r.usage.get("cache_read_input_tokens", 0)) for r in stub.requests]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="openai/gpt-4o-mini")
    args = parser.parse_args()
    plugins = Plugins.load()
    import_litellm()
    with tempfile.TemporaryDirectory() as tmp:
        settings = {"llm": {"model": args.model, "max_tokens": 4096},
                    "generation": {"batch_size": 4}}
        engine = LLMEngine(settings, plugins, cache_dir=Path(tmp), dry_run=True)
        print(f"input tokens per definition, {args.model} tokenizer (target: saving >= 60 %)")
        savings = []
        examples = ROOT / "examples"
        for project in sorted(p for p in examples.iterdir() if p.is_dir()):
            jobs = jobs_for(plugins, sources_of(project, plugins))
            if jobs:
                savings.append(report(f"examples/{project.name}",
                                      measure(engine, plugins, jobs, args.model)))
            else:
                label = f"examples/{project.name}"
                print(f"{label:44} no plugin installed for it")
        for source in pypi_sources():
            jobs = jobs_for(plugins, [source])
            savings.append(report(f"PyPI {source.rel_path} ({source.line_count} lines)",
                                  measure(engine, plugins, jobs, args.model)))
        if savings:
            print(f"lowest saving               {min(savings):5.1f} %  (target >= 60 %)")
        print()
        print("input tokens per request, one definition of a file of N definitions")
        rows = per_request_by_size(engine, plugins, args.model, Path(tmp))
        for count, now, before in rows:
            print(f"  {count:4d} definitions   {now:7.0f} tok/request   (every signature as "
                  f"callees: {before:7.0f})")
        spread = max(r[1] for r in rows) / min(r[1] for r in rows) - 1
        print(f"  spread 16 -> 256        {100 * spread:5.1f} %  (target <= 20 %)")
        engine.close()
        print()
        print("Anthropic prompt caching (stub, 1,024-token minimum), one request at a time")
        for number, (tokens, written, read) in enumerate(anthropic_cache_reads(plugins,
                                                                               Path(tmp)), 1):
            print(f"  request {number}: {tokens:5d} uncached input, {written:5d} written to "
                  f"the cache, {read:5d} read from it")


if __name__ == "__main__":
    main()
