"""``testgen plugins``."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def plugins(as_json: bool) -> None:
    """List the loaded plugins with versions, languages, frameworks, hooks and the
    language methods each plugin implements.

    TESTGEN_LOAD_PLUGINS=a,b loads only the named entry-point plugins.
    """
    from ..plugins import Plugins
    from ..sandbox import sandbox_in_force

    loaded = Plugins.load()
    sandbox = sandbox_in_force()
    infos = loaded.describe()
    if as_json:
        click.echo(json.dumps({
            "plugins": [{"name": i.name, "module": i.module, "distribution": i.distribution,
                         "version": i.version, "builtin": i.builtin,
                         "languages": i.languages, "frameworks": sorted(set(i.frameworks)),
                         "hooks": i.hooks, "methods": i.methods} for i in infos],
            "problems": [p.to_dict() for p in loaded.problems],
            "sandbox": sandbox.to_dict(),
        }, indent=2))
        return
    for info in infos:
        origin = "built-in" if info.builtin else f"{info.distribution or info.module} " \
                                                 f"{info.version}".strip()
        click.echo(f"{info.name}  ({origin})")
        if info.languages:
            click.echo(f"  languages:  {', '.join(info.languages)}")
            click.echo(f"  frameworks: {', '.join(sorted(set(info.frameworks)))}")
        click.echo(f"  hooks:      {', '.join(h.removeprefix('testgen_') for h in info.hooks)}")
        if info.methods:
            click.echo(f"  methods:    {', '.join(info.methods)}")
    click.echo(sandbox.describe())
    for problem in loaded.problems:
        click.echo(f"error[{problem.code}]: plugin {problem.plugin}: {problem.message}",
                   err=True)
