"""Self-contained HTML reports (one file, inline CSS, no scripts from elsewhere)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MAX_SOURCE_LINES = 3000


def _expand(ranges: list[str]) -> set[int]:
    lines: set[int] = set()
    for item in ranges:
        start, _, end = item.partition("-")
        lines.update(range(int(start), int(end or start) + 1))
    return lines


def _sources(data: dict[str, Any]) -> dict[str, list[tuple[int, str, str]]]:
    """For validate reports: each file's lines, marked ``miss``/``hit``/``""``."""
    root = Path(data.get("project_root", "."))
    out: dict[str, list[tuple[int, str, str]]] = {}
    for entry in data.get("files", []):
        missing = _expand(entry.get("uncovered", []))
        if not missing:
            continue
        try:
            text = (root / entry["path"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out[entry["path"]] = [(n, "miss" if n in missing else "", line)
                              for n, line in enumerate(text.splitlines()[:MAX_SOURCE_LINES], 1)]
    return out


def render(data: dict[str, Any], *, kind: str = "", **_: Any) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("testgen.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
        lstrip_blocks=True)
    kind = kind or data.get("schema", "testgen.x/1").split(".")[1].split("/")[0]
    sources = _sources(data) if kind == "validate" else {}
    return env.get_template("report.html.j2").render(kind=kind, data=data, sources=sources)
