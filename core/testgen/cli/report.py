"""``testgen report merge``: combine the JSON reports of ``--shard`` jobs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import InputError


@click.group()
def report() -> None:
    """Work with JSON reports."""


@report.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the merged report here (default: stdout).")
@click.option("-f", "--format", "fmt", default="json", show_default=True,
              type=click.Choice(["json", "markdown", "junit", "sarif", "html"]),
              help="Format of the merged report (markdown for $GITHUB_STEP_SUMMARY).")
def merge(reports: tuple[Path, ...], output: Path | None, fmt: str) -> None:
    """Merge testgen.generate/1 (or analyze/validate) JSON reports of one schema."""
    from ..report.merge import merge_reports

    loaded = []
    for path in reports:
        try:
            loaded.append(json.loads(path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}", code="TG201",
                             hint="pass the JSON files written with --report") from None
        except ValueError as exc:
            raise InputError(f"{path} is not JSON: {exc}", code="TG203",
                             hint="pass the JSON files written with --report FILE.json"
                             ) from None
    merged = merge_reports(loaded, [str(p) for p in reports])
    if fmt == "json":
        text = json.dumps(merged, indent=2) + "\n"
    else:
        from .common import render

        kind = merged["schema"].split(".")[1].split("/")[0]
        text = render(kind, merged, fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"merged {len(loaded)} reports into {output}", err=True)
    else:
        click.echo(text, nl=False)
