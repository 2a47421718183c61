"""``testgen doctor``: what each language needs on this machine, and what to install.

Each language plugin reports its own needs through ``testgen_doctor`` (toolchain, framework,
coverage tool); the command adds what the core knows without the language: the executables a
language declares, the framework the project would use, the sandbox and the model key.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import click

from .common import check_path, load_config, load_plugins


ORDER = ("toolchain", "framework", "coverage")


def sandbox_status() -> tuple[bool, str]:
    """Whether user code runs in the OS sandbox (bubblewrap works here), and what was found."""
    from ..sandbox import sandbox_in_force

    sandbox = sandbox_in_force()
    if sandbox.isolated:
        return True, f"bubblewrap ({sandbox.detail})" if sandbox.detail else "bubblewrap"
    return False, sandbox.describe().removeprefix("sandbox: ") + \
        ": user code runs with process limits only"


@click.command()
@click.option("-p", "--path", "path", default=".", show_default=True,
              type=click.Path(path_type=Path), help="Project directory to check for.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def doctor(path: Path, as_json: bool) -> None:
    """Say, per language, which toolchain, test framework, coverage tool, sandbox and
    model/key are available, and what to install for what is missing.

    Exits 1 when a language found in the project lacks something it needs.

    \b
    Examples:
      testgen doctor
      testgen doctor --path ./services/api --json
    """
    from ..model import DoctorCheck, Project

    path = check_path(path)
    config = load_config(path)
    plugins = load_plugins()
    project = Project(root=path if path.is_dir() else path.parent,
                      settings=config.languages())
    present = {d.language for d in plugins.detect(project)}
    reported: dict[str, list[DoctorCheck]] = {}
    for check in plugins.doctor(project):
        reported.setdefault(check.language, []).append(check)
    languages = {}
    for name, info in sorted(plugins.languages().items()):
        checks = list(reported.get(name, []))
        covered = {c.what for c in checks}
        if "toolchain" not in covered:
            for exe in info.toolchain:
                where = shutil.which(exe)
                checks.insert(0, DoctorCheck(name, "toolchain", where is not None,
                                             f"{exe} at {where}" if where else f"{exe} not found",
                                             "" if where else f"install {exe}"))
        if "framework" not in covered:
            try:
                framework = plugins.select_framework(project, name, None)
                checks.append(DoctorCheck(name, "framework", True,
                                          f"{framework.name} ({framework.reason})"
                                          if framework.reason else framework.name))
            except Exception as exc:  # noqa: BLE001 - a doctor reports, it does not stop
                checks.append(DoctorCheck(name, "framework", False, str(exc)))
        # A plugin that does not report its coverage tool gets no guess from the core.
        checks.sort(key=lambda c: ORDER.index(c.what) if c.what in ORDER else len(ORDER))
        languages[name] = {"in_project": name in present, "checks": checks}
    common = [_sandbox_check(DoctorCheck), _model_check(DoctorCheck, config)]
    missing = [c for lang in languages.values() if lang["in_project"]
               for c in lang["checks"] if not c.ok]
    if as_json:
        data = {"schema": "testgen.doctor/1", "project_root": str(project.root),
                "languages": {name: {"in_project": lang["in_project"],
                                     "checks": [_as_dict(c) for c in lang["checks"]]}
                              for name, lang in languages.items()},
                "common": [_as_dict(c) for c in common], "ok": not missing}
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        _print(languages, common)
    if missing:
        sys.exit(1)


def _as_dict(check) -> dict:
    return {"what": check.what, "ok": check.ok, "found": check.found, "install": check.install}


def _sandbox_check(DoctorCheck):
    ok, found = sandbox_status()
    return DoctorCheck("*", "sandbox", ok, found,
                       "" if ok else "apt-get install bubblewrap (dnf install bubblewrap)")


def _model_check(DoctorCheck, config):
    model = config.get("llm.model")
    if not model:
        return DoctorCheck("*", "model", True,
                           "no model configured: the offline engine is used",
                           "for the llm engine: testgen config set llm.model "
                           "anthropic/claude-sonnet-4-5, then testgen config set-key anthropic")
    from ..secrets import get_api_key, provider_of

    settings = config.nested()
    provider = provider_of(model, settings)
    if config.get("llm.api_base"):
        return DoctorCheck("*", "model", True, f"{model} at {config.get('llm.api_base')}")
    key = get_api_key(provider, settings)
    return DoctorCheck("*", "model", key is not None,
                       f"{model}: key for {provider} found" if key
                       else f"{model}: no key for {provider}",
                       "" if key else f"testgen config set-key {provider}")


def _print(languages: dict, common: list) -> None:
    for name, lang in languages.items():
        note = "" if lang["in_project"] else "  (not in this project)"
        click.echo(f"{name}{note}")
        for c in lang["checks"]:
            _line(c)
    click.echo("all languages")
    for c in common:
        _line(c)


def _line(check) -> None:
    mark = "ok     " if check.ok else "MISSING"
    click.echo(f"  {mark} {check.what:<10} {check.found}")
    if check.install:
        click.echo(f"          {'':<10} → {check.install}")
