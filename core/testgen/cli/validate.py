"""``testgen validate``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (changed_since_option, check_paths, emit, focus_on_changes, load_config,
                     load_plugins, merged, path_options, project_groups, report_options)
from .environment import interpreter_flags, interpreter_options


@click.command()
@path_options
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit 1 when total line coverage is below PERCENT.")
@click.option("--fail-on-missing-tests", is_flag=True,
              help="Exit 1 when a testable definition is executed by no test.")
@click.option("--report-gaps", is_flag=True, help="List uncovered line ranges per file.")
@click.option("--timeout", type=click.FloatRange(1), default=None,
              help="Seconds the suite may run per language  [default: 600].")
@interpreter_options
@changed_since_option
@click.option("--diff-coverage", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit 1 when less than PERCENT of the changed executable lines are covered "
                   "(with --changed-since; `auto` when it is not given).")
@click.option("--mutation", "mutation", type=click.Choice(["off", "sample", "full"]),
              default="off", show_default=True,
              help="Also run the suite against small changes of the code (mutants) and report "
                   "the share it detects, per file and definition, with the survivors: "
                   "`sample` takes 30 mutants per file, `full` all of them.")
@click.option("--min-mutation-score", type=click.FloatRange(0, 100), default=None,
              metavar="PERCENT",
              help="Exit 1 when the suite detects less than PERCENT of the viable mutants "
                   "(with --mutation; `sample` when it is not given).")
@report_options
def validate(paths: tuple[Path, ...], recursive: bool, include: tuple[str, ...],
             exclude: tuple[str, ...],
             min_coverage: float | None, fail_on_missing_tests: bool, report_gaps: bool,
             timeout: float | None,
             changed_since: str | None, diff_coverage: float | None, mutation: str,
             min_mutation_score: float | None, fmt: str | None,
             report_file: Path | None, **interpreters: Path | None) -> None:
    """Run the project's existing tests with coverage; report per file and per function.

    The suite runs in a shadow copy of the project: nothing it writes lands in your tree.

    \b
    Examples:
      testgen validate --path . --report-gaps
      testgen validate --path . --min-coverage 80 --fail-on-missing-tests --format json
      testgen validate --path . --changed-since origin/main --diff-coverage 80 --format sarif
      testgen validate --path . --mutation sample --min-mutation-score 60
    """
    from ..inventory import collect, scanner_for
    from ..metrics import Metrics
    from ..suite import run_existing, validation_report

    paths_checked = check_paths(paths)
    config = load_config(paths_checked[0],
                         interpreter_flags(interpreters))
    plugins = load_plugins()
    if diff_coverage is not None and not changed_since:
        changed_since = "auto"
    if min_mutation_score is not None and mutation == "off":
        mutation = "sample"
    reports, failed = [], False
    for _root, group, skip in project_groups(paths_checked, plugins, scanner_for(
            plugins, config, recursive=recursive, include=include, exclude=exclude)):
        metrics = Metrics("validate")
        with metrics.phase("scan+parse"):
            inventory = collect(group, plugins, config, recursive=recursive, include=include,
                                exclude=(*exclude, *skip), light=True)
        focused, changes = focus_on_changes(inventory, changed_since)
        if inventory.files:
            from ..sandbox import announce

            announce(lambda message: click.echo(message, err=True))
        with metrics.phase("run"):
            runs = run_existing(inventory, plugins, timeout=timeout or 600.0)
        mutants = None
        if mutation != "off":
            from ..mutation import run_mutation

            with metrics.phase("mutation"):
                mutants = run_mutation(focused, plugins, runs, mode=mutation,
                                       timeout=timeout or 600.0,
                                       progress=lambda line: click.echo(line, err=True))
        report = validation_report(focused, runs, min_coverage=min_coverage,
                                   fail_on_missing=fail_on_missing_tests,
                                   report_gaps=report_gaps, changes=changes,
                                   diff_coverage=diff_coverage, mutation=mutants,
                                   min_mutation_score=min_mutation_score)
        data = report.to_dict()
        metrics.count("tests", sum(data["summary"]["tests"].values()))
        metrics.extra["coverage_percent"] = data["summary"]["percent"]
        if mutants is not None:
            metrics.extra["mutation"] = data["mutation"]["summary"]
        if changes is not None:
            metrics.extra["changed_since"] = {k: data["changes"][k] for k in
                                              ("ref", "base", "statements", "covered",
                                               "percent")}
        metrics.write(inventory.project.root)
        reports.append(data)
        failed = failed or bool(report.failures())
    data = merged("validate", reports)
    emit("validate", data, fmt, report_file, config, plugins)
    if failed:
        sys.exit(1)
