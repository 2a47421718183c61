"""``testgen config``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .common import check_path


class ConfigGroup(click.Group):
    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "set-key":  # imported on use: it needs keyring
            from .keys import set_key
            return set_key
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), "set-key"])


@click.group(cls=ConfigGroup)
def config() -> None:
    """Show and change configuration.

    Precedence: flags > TESTGEN_* environment > project .testgen.yaml (searched upward from
    --path to the project root) > user config > defaults. `list` shows where each value comes
    from. A project file's llm.api_base is used with your key only after `config trust`.
    """


def _path_option(func):
    return click.option("-p", "--path", default=".", show_default=True,
                        type=click.Path(path_type=Path),
                        help="Project the settings are for.")(func)


def _show(value: Any) -> str:
    return "null" if value is None else json.dumps(value) if not isinstance(value, str) \
        else value


@config.command("list")
@_path_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(path: Path, as_json: bool) -> None:
    """Every key with its effective value and source."""
    from .. import config as cfg

    settings = cfg.load(check_path(path))
    rows = list(settings.items())
    if as_json:
        click.echo(json.dumps({"project_file": str(settings.project_file or ""),
                               "user_file": str(settings.user_file or ""),
                               "values": {k: {"value": v, "source": s} for k, v, s in rows}},
                              indent=2))
        return
    width = max(len(k) for k, _, _ in rows)
    for key, value, source in rows:
        click.echo(f"{key.ljust(width)}  {_show(value)}  [{source}]")
    click.echo(f"\nproject file: {settings.project_file or '(none: .testgen.yaml not found)'}")
    click.echo(f"user file:    {settings.user_file}")


@config.command("get")
@click.argument("key")
@_path_option
def get(key: str, path: Path) -> None:
    """Print one key's value and where it came from."""
    from .. import config as cfg

    cfg.spec(key)
    settings = cfg.load(check_path(path))
    click.echo(f"{_show(settings.get(key))}  [{settings.source(key)}]")


@config.command("set")
@click.argument("key")
@click.argument("value")
@click.option("--global", "global_", is_flag=True, help="Write the user config instead of the "
                                                        "project's .testgen.yaml.")
@_path_option
def set_(key: str, value: str, global_: bool, path: Path) -> None:
    """Set KEY to VALUE in the project (or, with --global, the user) config file."""
    from .. import config as cfg

    typed = cfg.parse_text_value(key, value)
    _check_language_key(key, typed)
    target = _target(cfg, global_, path)
    cfg.write_value(target, key, typed)
    click.echo(f"{key} = {_show(typed)}  [{target}]")


@config.command("unset")
@click.argument("key")
@click.option("--global", "global_", is_flag=True, help="Edit the user config.")
@_path_option
def unset(key: str, global_: bool, path: Path) -> None:
    """Remove KEY from the project (or user) config file."""
    from .. import config as cfg

    cfg.spec(key)
    target = _target(cfg, global_, path)
    cfg.write_value(target, key, None, unset=True)
    click.echo(f"{key} removed from {target}")


@config.command("trust")
@_path_option
def trust(path: Path) -> None:
    """Confirm the endpoint (llm.api_base) the project's .testgen.yaml sets, so your API key
    may be sent there. Asked again whenever the file names another endpoint."""
    from .. import config as cfg

    settings = cfg.load(check_path(path))
    if settings.project_file is None:
        click.echo("no project .testgen.yaml: nothing to trust")
        return
    values = cfg.trust_endpoints(settings)
    if not values:
        click.echo(f"{settings.project_file} sets no endpoint: nothing to trust")
        return
    for key, value in values.items():
        click.echo(f"trusted {key} = {value}  [{settings.project_file}]")


def _check_language_key(key: str, value: Any) -> None:
    """``languages.<name>.framework`` must name an installed language and one of its
    frameworks: better refused now than at the next `generate`."""
    parts = key.split(".")
    if parts[0] != "languages" or len(parts) != 3:
        return
    from ..errors import ConfigError
    from ..plugins import Plugins

    languages = Plugins.load().languages()
    language = languages.get(parts[1])
    if language is None:
        raise ConfigError(f"no installed plugin handles language {parts[1]!r}", code="TG103",
                          hint="installed: " + (", ".join(sorted(languages)) or "none")
                               + f"; or pip install testgen-{parts[1]}")
    if parts[2] == "framework" and value is not None and value not in language.frameworks:
        raise ConfigError(f"{value!r} is not a {parts[1]} framework", code="TG103",
                          hint="one of " + ", ".join(language.frameworks))


def _target(cfg, global_: bool, path: Path) -> Path:
    if global_:
        return cfg.user_config_dir() / cfg.USER_FILE
    path = check_path(path)
    found = cfg.find_project_file(path)
    return found or (path if path.is_dir() else path.parent) / cfg.PROJECT_FILE
