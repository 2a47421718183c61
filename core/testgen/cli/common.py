"""Options and plumbing shared by the commands: paths, scan filters, reports, config, plugins."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import click

from ..errors import ConfigError, InputError


def path_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--path``, ``--recursive``, ``--include-pattern``, ``--exclude-pattern``."""
    decorators = [
        click.option("-p", "--path", "paths", default=(".",), show_default=True,
                     multiple=True, type=click.Path(path_type=Path),
                     help="Source file or project directory (repeatable; paths in different "
                          "projects are handled project by project)."),
        click.option("-r/-R", "--recursive/--no-recursive", default=True,
                     help="Descend into subdirectories (default: recursive)."),
        click.option("--include-pattern", "include", multiple=True, metavar="GLOB",
                     help="Only files matching (gitignore syntax; repeatable)."),
        click.option("--exclude-pattern", "exclude", multiple=True, metavar="GLOB",
                     help="Skip files matching (gitignore syntax; repeatable)."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def report_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--format`` and ``--report``."""
    func = click.option("--report", "report_file", type=click.Path(path_type=Path),
                        metavar="FILE",
                        help="Also write the report to FILE (format from its suffix: .json, "
                             ".html, .xml (junit), .sarif, .md, else --format).")(func)
    func = click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
                        default=None, help="Output format on stdout  [default: text, or "
                                           "output.format]")(func)
    return func


FORMATS = ["text", "json", "html", "junit", "sarif", "markdown"]
SUFFIX_FORMATS = {".json": "json", ".html": "html", ".htm": "html", ".xml": "junit",
                  ".sarif": "sarif", ".md": "markdown"}


def changed_since_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--changed-since REF``."""
    return click.option("--changed-since", "changed_since", metavar="REF", default=None,
                        help="Only definitions whose lines changed since the git reference "
                             "REF (working tree included; `auto`: the merge-base with the "
                             "default branch).")(func)


def focus_on_changes(inventory, ref: str | None, *, keep_context: bool = False):
    """``(inventory, changes)`` narrowed to what changed since ``ref``; unchanged when None."""
    if not ref:
        return inventory, None
    from ..changes import changed_since

    changes = changed_since(inventory.project.root, ref).within(
        f.rel_path for f in inventory.files)
    return inventory.only_changed(changes, keep_context=keep_context), changes


def check_path(path: Path) -> Path:
    """A clear TG2xx error for a missing, unreadable or looping path, before any work."""
    try:
        exists = path.exists()
    except OSError as exc:  # ELOOP on a symlink cycle, EACCES on a parent
        raise InputError(f"cannot access {path}: {exc.strerror or exc}", code="TG201",
                         hint="check the path and its permissions") from None
    if not exists:
        if path.is_symlink():
            raise InputError(f"{path} is a broken or looping symlink", code="TG201",
                             hint="point --path at a real file or directory")
        raise InputError(f"path does not exist: {path}", code="TG201",
                         hint="check the --path argument (relative paths are from "
                              f"{Path.cwd()})")
    if not os.access(path, os.R_OK):
        raise InputError(f"cannot read {path}: permission denied", code="TG201",
                         hint="fix its permissions or choose another path")
    return path.absolute()


def check_paths(paths: tuple[Path, ...]) -> list[Path]:
    """:func:`check_path` for each ``--path``, without duplicates, in the order given."""
    checked: list[Path] = []
    for path in paths:
        path = check_path(path)
        if path not in checked:
            checked.append(path)
    return checked


def project_groups(paths: list[Path], plugins, scanner=None
                   ) -> list[tuple[Path, list[Path], list[str]]]:
    """The ``--path`` arguments grouped by the project each belongs to, in the order given:
    each project is scanned, run and reported on its own, with its own environment.

    A repository root without a manifest of its own that holds several projects (``web/``
    with a package.json, ``api/`` with a pyproject.toml and its own .venv) is split into
    them; the files outside every project stay one group of the root, the projects excluded.
    Each group is ``(root, paths, exclude patterns)``.
    """
    from ..scan import GLOBAL_IGNORES, find_project_root, member_roots

    languages = plugins.languages().values()
    manifests = [m for lang in languages for m in lang.manifests]
    markers = [m for lang in languages for m in lang.package_markers]
    ignored = {d for lang in languages for d in lang.ignore_dirs}
    groups: dict[Path, tuple[list[Path], list[str]]] = {}
    for path in paths:
        root = find_project_root(path, manifests, markers)
        members = member_roots(path, manifests, GLOBAL_IGNORES | ignored) \
            if path.is_dir() and path == root else []
        if not members:
            groups.setdefault(root, ([], []))[0].append(path)
            continue
        for member in members:
            groups.setdefault(member, ([], []))[0].append(member)
        rest = [f"/{m.relative_to(root).as_posix()}/" for m in members]
        if scanner is not None and scanner.has_sources(root, rest):
            groups.setdefault(root, ([], rest))[0].append(root)
    return [(root, found, exclude) for root, (found, exclude) in groups.items()]


def merged(kind: str, reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report for several projects (one ``--path`` group each)."""
    if len(reports) == 1:
        return reports[0]
    from ..report.merge import merge_reports

    data = merge_reports(reports, [r.get("project_root", "") for r in reports])
    data["projects"] = [r.get("project_root", "") for r in reports]
    for report in reports:  # keep every report's top-level fields the merge does not sum
        for key, value in report.items():
            data.setdefault(key, value)
    summary = data["summary"]
    for key, value in reports[0]["summary"].items():
        summary.setdefault(key, value)
    if kind == "analyze":
        summary["tested_percent"] = round(100 * summary["tested"] / summary["definitions"], 2) \
            if summary.get("definitions") else 0.0
        data["frameworks"] = {k: v for r in reports for k, v in r["frameworks"].items()}
        data["priorities"] = sorted((p for r in reports for p in r["priorities"]),
                                    key=lambda p: -p["priority"])
        for key in ("detections", "skipped", "problems"):
            data[key] = [item for r in reports for item in r.get(key, [])]
    elif kind == "validate":
        for key in ("failures", "functions", "missing_tests"):
            data[key] = [item for r in reports for item in r[key]]
        data["languages"] = {k: v for r in reports for k, v in r["languages"].items()}
        summary["tests"] = {k: sum(r["summary"]["tests"][k] for r in reports)
                            for k in reports[0]["summary"]["tests"]}
        summary["coverage_available"] = all(r["summary"]["coverage_available"]
                                            for r in reports)
        summary["passed"] = not data["failures"]
    elif kind == "generate":
        data["plan"] = [step for r in reports for step in r.get("plan", [])]
        data["baseline_errors"] = {k: v for r in reports
                                   for k, v in r.get("baseline_errors", {}).items()}
        environments: dict[str, list[str]] = {}
        for report in reports:
            for language, environment in report.get("environments", {}).items():
                if environment not in environments.setdefault(language, []):
                    environments[language].append(environment)
        data["environments"] = {k: "; ".join(v) for k, v in environments.items()}
    return data


def load_config(path: Path, flags: dict[str, Any] | None = None):
    from .. import config

    return config.load(path, flags=flags or {})


@lru_cache(maxsize=1)
def installed_plugins():
    """The plugins of this process, loaded once: a command's options (``--python``) and the
    command itself read the same ones."""
    from ..plugins import Plugins

    return Plugins.load()


def load_plugins():
    plugins = installed_plugins()
    report_problems(plugins)
    return plugins


def report_problems(plugins) -> None:
    for problem in plugins.problems:
        click.echo(f"warning[{problem.code}]: plugin {problem.plugin}: {problem.message}",
                   err=True)


def shard_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--shard", metavar="K/N", default=None,
                        help="Work on the K-th of N deterministic shares of the files "
                             "(by path hash), for parallel CI jobs.")(func)


def parse_shard(raw: str | None) -> tuple[int, int] | None:
    if not raw:
        return None
    try:
        k, n = (int(x) for x in raw.split("/"))
    except ValueError:
        raise ConfigError(f"--shard must look like K/N (e.g. 2/4), got {raw!r}",
                          code="TG105", hint="K from 1 to N") from None
    if not 1 <= k <= n:
        raise ConfigError(f"--shard {raw}: K must be between 1 and N", code="TG105",
                          hint="e.g. --shard 1/4 … --shard 4/4")
    return k, n


def emit(kind: str, data: dict[str, Any], fmt: str | None, report_file: Path | None,
         config, plugins=None, *, verbose: bool = False) -> None:
    """Print the report on stdout in ``fmt`` and write ``report_file`` if asked."""
    fmt = fmt or config.get("output.format") or "text"
    if not config.get("output.include_coverage", True):
        data = _without_coverage(data)
    if report_file is not None:
        suffix = report_file.suffix.lower()
        file_fmt = SUFFIX_FORMATS.get(suffix, fmt)
        if file_fmt == "text":
            file_fmt = "json"
        _write_atomic(report_file, render(kind, data, file_fmt, plugins))
    text = render(kind, data, fmt, plugins, verbose=verbose)
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()


def render(kind: str, data: dict[str, Any], fmt: str, plugins=None, *,
           verbose: bool = False) -> str:
    data = _redacted(data)
    if fmt == "text":
        from ..report import text

        console = text.console()
        if kind == "generate":
            text.generate(data, console, verbose=verbose)
        else:
            getattr(text, kind)(data, console)
        return ""
    reporters = plugins.reporters() if plugins is not None else _builtin_reporters()
    return reporters[fmt](data, kind=kind)


def _without_coverage(data: Any) -> Any:
    """``output.include_coverage: false`` leaves coverage figures out of every report."""
    if isinstance(data, dict):
        return {k: _without_coverage(v) for k, v in data.items()
                if k not in ("coverage", "uncovered", "uncovered_lines")}
    if isinstance(data, list):
        return [_without_coverage(v) for v in data]
    return data


def _redacted(data: Any) -> Any:
    """Reports never carry a secret, whatever a plugin or provider put in a message."""
    from ..secrets import redact

    if isinstance(data, str):
        return redact(data)
    if isinstance(data, dict):
        return {k: _redacted(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_redacted(v) for v in data]
    return data


def _builtin_reporters():
    from ..report import builtin

    return builtin.testgen_reporters()


def _write_atomic(path: Path, content: str) -> None:
    path = path.absolute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"cannot write report {path}: {exc.strerror or exc}", code="TG201",
                         hint="choose a writable location for --report") from None
