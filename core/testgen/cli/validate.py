"""``testgen validate``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (check_paths, emit, load_config, load_plugins, merged, path_options,
                     project_groups, report_options)


@click.command()
@path_options
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit 1 when total line coverage is below PERCENT.")
@click.option("--fail-on-missing-tests", is_flag=True,
              help="Exit 1 when a testable definition is executed by no test.")
@click.option("--report-gaps", is_flag=True, help="List uncovered line ranges per file.")
@click.option("--timeout", type=click.FloatRange(1), default=None,
              help="Seconds the suite may run per language  [default: 600].")
@report_options
def validate(paths: tuple[Path, ...], recursive: bool, include: tuple[str, ...], exclude: tuple[str, ...],
             min_coverage: float | None, fail_on_missing_tests: bool, report_gaps: bool,
             timeout: float | None, fmt: str | None, report_file: Path | None) -> None:
    """Run the project's existing tests with coverage; report per file and per function.

    The suite runs in a shadow copy of the project: nothing it writes lands in your tree.

    \b
    Examples:
      testgen validate --path . --report-gaps
      testgen validate --path . --min-coverage 80 --fail-on-missing-tests --format json
    """
    from ..inventory import collect
    from ..metrics import Metrics
    from ..suite import run_existing, validation_report

    paths_checked = check_paths(paths)
    config = load_config(paths_checked[0])
    plugins = load_plugins()
    reports, failed = [], False
    for _root, group in project_groups(paths_checked, plugins):
        metrics = Metrics("validate")
        with metrics.phase("scan+parse"):
            inventory = collect(group, plugins, config, recursive=recursive, include=include,
                                exclude=exclude, light=True)
        with metrics.phase("run"):
            runs = run_existing(inventory, plugins, timeout=timeout or 600.0)
        report = validation_report(inventory, runs, min_coverage=min_coverage,
                                   fail_on_missing=fail_on_missing_tests,
                                   report_gaps=report_gaps)
        data = report.to_dict()
        metrics.count("tests", sum(data["summary"]["tests"].values()))
        metrics.extra["coverage_percent"] = data["summary"]["percent"]
        metrics.write(inventory.project.root)
        reports.append(data)
        failed = failed or bool(report.failures())
    data = merged("validate", reports)
    emit("validate", data, fmt, report_file, config, plugins)
    if failed:
        sys.exit(1)
