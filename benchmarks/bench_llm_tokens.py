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
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from testgen.engines import GenerationJob
from testgen.engines.llm import LLMEngine
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
        jobs.append(GenerationJob(id=f"{source.rel_path}#unit", source=source,
                                  definitions=targets, framework=framework, test_type="unit",
                                  callees=tuple(d.signature for d in definitions)))
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
            prompt = engine._prompt(PromptRequest(
                definitions=[whole], framework=job.framework, test_type=job.test_type,
                callees=job.callees, imports=tuple(definition.imports)))
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
        engine.close()
    if savings:
        print(f"lowest saving               {min(savings):5.1f} %  (target >= 60 %)")


if __name__ == "__main__":
    main()
