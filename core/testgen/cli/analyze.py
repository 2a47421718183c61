"""``testgen analyze``."""

from __future__ import annotations

from pathlib import Path

import click

from . import context_obj
from .common import (changed_since_option, check_paths, emit, focus_on_changes, load_config,
                     load_plugins, merged, parse_shard, path_options, project_groups,
                     report_options, shard_option)
from .environment import interpreter_flags, interpreter_options


@click.command()
@path_options
@click.option("--detail", type=click.Choice(["summary", "per-file", "per-function"]),
              default="per-file", show_default=True, help="How much to show.")
@click.option("--coverage", is_flag=True,
              help="Run the existing suite with coverage to tell what is tested (default: "
                   "static references from test files).")
@click.option("--cost-estimate", is_flag=True,
              help="Estimate tokens and dollars to generate tests for the untested code with "
                   "the configured model.")
@click.option("--model", default=None, help="Model for --cost-estimate (default: llm.model).")
@shard_option
@interpreter_options
@changed_since_option
@report_options
@click.pass_context
def analyze(ctx: click.Context, paths: tuple[Path, ...], recursive: bool,
            include: tuple[str, ...], exclude: tuple[str, ...], detail: str, coverage: bool,
            cost_estimate: bool, model: str | None, shard: str | None,
            changed_since: str | None, fmt: str | None,
            report_file: Path | None, **interpreters: Path | None) -> None:
    """Show the definitions of a project, which have tests, and what to generate first.

    \b
    Examples:
      testgen analyze --path . --detail per-function
      testgen analyze --path src --coverage --format json
      testgen analyze --path . --cost-estimate --model anthropic/claude-sonnet-4-5
    """
    from ..analyze import analyze as build
    from ..inventory import collect, scanner_for
    from ..metrics import Metrics

    paths_checked = check_paths(paths)
    config = load_config(paths_checked[0], {"llm.model": model,
                                            **interpreter_flags(interpreters)})
    plugins = load_plugins()
    reports = []
    for _root, group, skip in project_groups(paths_checked, plugins, scanner_for(
            plugins, config, recursive=recursive, include=include, exclude=exclude)):
        metrics = Metrics("analyze")
        with metrics.phase("scan+parse"):
            inventory = collect(group, plugins, config, recursive=recursive, include=include,
                                exclude=(*exclude, *skip), shard=parse_shard(shard),
                                light=not cost_estimate)
        inventory, changes = focus_on_changes(inventory, changed_since)
        coverage_map = None
        if coverage:
            from ..suite import run_existing

            with metrics.phase("coverage"):
                runs = run_existing(inventory, plugins, timeout=max(
                    300.0, float(config.get("generation.timeout"))))
            coverage_map = {c.file: c for r in runs.values() for c in r.coverage.values()}
        report = build(inventory, coverage_map)
        report.problems = [p.to_dict() for p in plugins.problems]
        if cost_estimate:
            from ..estimate import estimate_untested

            with metrics.phase("estimate"):
                report.estimate = estimate_untested(report, inventory, plugins, config)
        data = report.to_dict(detail)
        if changes is not None:
            data["changed_since"] = changes.to_dict()
            metrics.extra["changed_since"] = changes.to_dict()
        metrics.count("files", len(report.files))
        metrics.count("definitions", data["summary"]["definitions"])
        metrics.write(inventory.project.root)
        reports.append(data)
    data = merged("analyze", reports)
    emit("analyze", data, fmt, report_file, config, plugins,
         verbose=bool(context_obj(ctx).get("verbose")))
