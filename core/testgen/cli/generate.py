"""``testgen generate``."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import ExitStack
from pathlib import Path

import click

from . import context_obj
from .common import (changed_since_option, check_paths, emit, focus_on_changes, load_config,
                     load_plugins, merged, parse_shard, path_options, project_groups,
                     report_options, shard_option)
from .environment import interpreter_flags, interpreter_options

TYPES = ["unit", "edge-cases", "negative", "table-driven", "integration", "regression"]
log = logging.getLogger("testgen.cli")


@click.command()
@path_options
@click.option("-t", "--type", "test_types", multiple=True, type=click.Choice(TYPES),
              help="Test type (repeatable)  [default: unit, or generation.test_types]")
@click.option("-o", "--output", "output_dir", default=None, metavar="DIR",
              help="Directory for generated test files (default: the plugin's convention, "
                   "beside the code).")
@click.option("--framework", default=None,
              help="Test framework; `testgen plugins` lists each language's.")
@click.option("--engine", type=click.Choice(["offline", "llm"]), default=None,
              help="offline: execute the code and pin what it does; llm: ask a model. "
                   "[default: llm when a model is configured, else offline]")
@click.option("-m", "--model", default=None, help="Model for the llm engine (LiteLLM name).")
@click.option("--dry-run", is_flag=True, help="Print the plan (and prompts/estimate for llm); "
                                              "write nothing.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Compile, run and measure candidates before writing them.")
@click.option("-j", "--parallel", type=click.IntRange(1, 64), default=None,
              help="Files validated (and model requests) concurrently  [default: 4]")
@click.option("--repeat", type=click.IntRange(0, 20), default=None,
              help="Extra runs a test must pass to prove it is not flaky  [default: 3]")
@click.option("--keep-no-gain", is_flag=True, default=None,
              help="Keep passing tests even when they add no coverage.")
@click.option("--mutation", type=click.Choice(["off", "sample", "full"]), default=None,
              help="Also keep a passing test that adds no coverage when it kills a mutant of "
                   "the code that the project's suite and the kept tests let survive "
                   "(sample: 20 per file)  [default: sample]")
@click.option("--force", is_flag=True,
              help="Regenerate unchanged code and overwrite generated files edited by hand.")
@click.option("--max-repairs", type=click.IntRange(0, 5), default=None,
              help="Repair rounds for failing llm candidates  [default: 2]")
@click.option("--max-rounds", type=click.IntRange(1, 10), default=None,
              help="Coverage-guided rounds for llm candidates: follow-ups name the lines "
                   "still uncovered  [default: 3]")
@click.option("--budget", "budget_usd", type=click.FloatRange(0), default=None, metavar="USD",
              help="Stop issuing model requests before this cost.")
@click.option("--timeout", type=click.FloatRange(1), default=None,
              help="Seconds per probe or test-runner launch  [default: 60]")
@shard_option
@interpreter_options
@changed_since_option
@report_options
@click.pass_context
def generate(ctx: click.Context, paths: tuple[Path, ...], recursive: bool,
             include: tuple[str, ...], exclude: tuple[str, ...], test_types: tuple[str, ...], output_dir: str | None,
             framework: str | None, engine: str | None, model: str | None, dry_run: bool,
             validate: bool, parallel: int | None, repeat: int | None,
             keep_no_gain: bool | None, mutation: str | None, force: bool,
             max_repairs: int | None,
             max_rounds: int | None,
             budget_usd: float | None, timeout: float | None, shard: str | None,
             changed_since: str | None, fmt: str | None,
             report_file: Path | None, **interpreters: Path | None) -> None:
    """Generate tests for the code under --path and keep only those that compile, pass
    every run and add coverage. Your files are never edited: tests go into dedicated
    generated files.

    \b
    Examples:
      testgen generate --path src/shop/cart.py
      testgen generate --path . --type edge-cases --type negative
      testgen generate --path ./pkg --type table-driven --model anthropic/claude-sonnet-4-5
      testgen generate --path . --dry-run --model openai/gpt-5-mini
      testgen generate --path . --changed-since HEAD~1
    """
    from ..inventory import collect, scanner_for
    from ..metrics import Metrics
    from ..pipeline import Pipeline
    from ..progress import ProgressView
    from ..sandbox import announce
    from ..state import ProjectLock

    checked = check_paths(paths)
    config = load_config(checked[0], {
        "generation.test_types": list(test_types) or None, "generation.engine": engine,
        "llm.model": model, "generation.parallel_workers": parallel,
        "generation.repeat": repeat, "generation.keep_no_gain": keep_no_gain or None,
        "generation.mutation": mutation,
        "generation.max_repairs": max_repairs,
        "generation.max_rounds": max_rounds, "generation.budget_usd": budget_usd,
        "generation.timeout": timeout, "output.dir": output_dir,
        **interpreter_flags(interpreters),
    })
    obj = context_obj(ctx)
    plugins = load_plugins()
    engine_name = config.get("generation.engine")
    model_name = config.get("llm.model")
    chosen_by_default = engine_name is None
    if engine_name is None:
        engine_name = "llm" if model_name else "offline"
    if engine_name == "llm" and not model_name:
        from ..errors import ConfigError
        raise ConfigError("the llm engine needs a model", code="TG105",
                          hint="pass --model (e.g. openai/gpt-5-mini) or `testgen config set "
                               "llm.model …`; or use --engine offline")
    if engine_name == "llm" and not dry_run:
        from ..config import check_endpoint_trust

        check_endpoint_trust(config)  # a project file never redirects the key unconfirmed
    groups = project_groups(checked, plugins, scanner_for(
        plugins, config, recursive=recursive, include=include, exclude=exclude))
    inventories = []
    for _root, group, skip in groups:
        metrics = Metrics("generate")
        with metrics.phase("scan+parse"):
            inventory = collect(group, plugins, config, recursive=recursive, include=include,
                                exclude=(*exclude, *skip), shard=parse_shard(shard),
                                framework=framework)
            inventory, changes = focus_on_changes(inventory, changed_since, keep_context=True)
        if changes is not None:
            metrics.extra["changed_since"] = {
                **changes.to_dict(),
                "definitions": sorted(k for f in inventory.files for k in f.focus or ())}
        inventories.append((inventory, metrics))
    if chosen_by_default and engine_name == "offline" and not obj.get("quiet"):
        click.echo("No model configured: using the offline engine (runs your code on "
                   "generated inputs; set llm.model or pass --model to use a model).",
                   err=True)
    factory = plugins.engines()[engine_name]
    from ..cachedir import cache_dir

    # One engine for every project: one response cache, one budget, one client.
    engine_obj = factory(config.nested(), plugins, cache_dir=cache_dir(config),
                         parallel=config.get("generation.parallel_workers"),
                         budget_usd=config.get("generation.budget_usd"), dry_run=dry_run)
    reports, results = [], []
    try:
        for inventory, metrics in inventories:
            options = _options(config, engine_name, model_name, dry_run, validate, force,
                               inventory.project.root)
            with ExitStack() as stack:
                if not dry_run:
                    # One run per project at a time; also the early check that the project
                    # is writable.
                    stack.enter_context(ProjectLock(
                        inventory.project.root,
                        wait=float(os.environ.get("TESTGEN_LOCK_WAIT", 600)),
                        notify=lambda message: click.echo(message, err=True)))
                    if not obj.get("quiet") and not results:
                        announce(lambda message: click.echo(message, err=True))
                with ProgressView(enabled=None if not obj.get("quiet") else False) as progress:
                    pipeline = Pipeline(plugins, inventory, options, engine_obj, metrics,
                                        progress=progress)
                    result = pipeline.run()
                data = result.to_dict(metrics.run_id)
                if "changed_since" in metrics.extra:
                    data["changed_since"] = metrics.extra["changed_since"]
                if dry_run:
                    data["estimate"] = _dry_run_llm(engine_obj, pipeline, result) \
                        if engine_name == "llm" else None
                else:
                    metrics.write(inventory.project.root)
            reports.append(data)
            results.append(result)
            if result.interrupted:
                break
    finally:
        engine_obj.close()
    emit("generate", merged("generate", reports), fmt, report_file, config, plugins,
         verbose=bool(obj.get("verbose")))
    fatal = engine_obj.fatal_error
    if fatal is not None:  # no request of the run succeeded: auth or connectivity (exit 3)
        raise fatal
    if any(r.interrupted for r in results):
        from .. import signals

        sys.exit(signals.exit_status())
    if not dry_run and (any(r.refused() for r in results)
                        or all(r.nothing_kept() for r in results)):
        sys.exit(1)  # nothing could be kept, or kept tests could not be written


def _options(config, engine_name: str, model_name: str | None, dry_run: bool, validate: bool,
             force: bool, root: Path):
    from ..pipeline import GenerateOptions

    template_dirs = tuple(p for p in (root / ".testgen" / "templates", _user_templates())
                          if p.is_dir())
    return GenerateOptions(
        test_types=tuple(config.get("generation.test_types") or ["unit"]),
        engine=engine_name, model=model_name if engine_name == "llm" else None,
        output_dir=config.get("output.dir"), dry_run=dry_run, validate=validate,
        parallel=config.get("generation.parallel_workers"),
        repeat=config.get("generation.repeat"),
        keep_no_gain=config.get("generation.keep_no_gain"),
        mutation=config.get("generation.mutation"), force=force,
        max_repairs=config.get("generation.max_repairs"),
        max_rounds=config.get("generation.max_rounds"),
        timeout=float(config.get("generation.timeout")), template_dirs=template_dirs)


def _user_templates() -> Path:
    from .. import config as cfg

    return cfg.user_config_dir() / "templates"


def _dry_run_llm(engine, pipeline, result) -> dict:
    """Prompts and the token/dollar estimate for what the plan would send."""
    todo = [w for w in result.files if w.pending]
    jobs = pipeline.dry_run_jobs if pipeline.dry_run_jobs is not None else \
        pipeline.jobs_for(todo)
    from ..secrets import redact

    for job_id, prompt in engine.render(jobs):
        click.echo(f"--- prompt for {job_id} ({prompt.template}) ---", err=True)
        click.echo(redact(prompt.system + "\n\n" + prompt.user), err=True)
    return engine.estimate(jobs)
