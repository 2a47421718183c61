"""``testgen cache``: the model response cache."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _path_option(func):
    return click.option("-p", "--path", default=".", show_default=True,
                        type=click.Path(path_type=Path),
                        help="Project whose configuration (cache.dir) applies.")(func)


def _open_cache(path: Path):
    from .. import config as cfg
    from ..cachedir import cache_dir
    from ..llm.cache import ResponseCache
    from .common import check_path

    return ResponseCache(cache_dir(cfg.load(check_path(path))))


@click.group()
def cache() -> None:
    """Inspect or clear the model response cache.

    Answers are stored by model + prompt + parameters, so a rerun on unchanged code costs
    nothing. Set cache.dir (or TESTGEN_CACHE_DIR) to share one cache between checkouts.
    """


@cache.command()
@_path_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(path: Path, as_json: bool) -> None:
    """Entries, hits and size of the response cache."""
    responses = _open_cache(path)
    try:
        data = responses.stats()
    finally:
        responses.close()
    if as_json:
        click.echo(json.dumps({"schema": "testgen.cache/1", **data}, indent=2))
        return
    click.echo(f"cache:   {data['path']}")
    click.echo(f"entries: {data['entries']}  ·  hits: {data['hits']}  ·  "
               f"size: {_size(data['size_bytes'])}")
    for model, count in data["models"].items():
        click.echo(f"  {model}: {count}")
    if data["entries"]:
        click.echo(f"oldest:  {data['oldest']}  ·  newest: {data['newest']}")


@cache.command()
@_path_option
def clear(path: Path) -> None:
    """Delete every cached answer (the next run asks the model again)."""
    responses = _open_cache(path)
    try:
        removed = responses.clear()
    finally:
        responses.close()
    click.echo(f"removed {removed} cached answer{'s' if removed != 1 else ''} from "
               f"{responses.path}")


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
