"""Merge shard reports into one, as if a single job had done all the work."""

from __future__ import annotations

from typing import Any

from ..errors import InputError

SUMMED = ("kept", "failed", "flaky", "no-gain", "error", "skipped", "possible-bug",
          "files_written", "files", "definitions", "tested", "untested", "lines", "testable",
          "skipped_files", "statements", "covered")


SCHEMAS = ("testgen.generate/1", "testgen.analyze/1", "testgen.validate/1")


def merge_reports(reports: list[Any], names: list[str]) -> dict[str, Any]:
    for report, name in zip(reports, names):
        if not isinstance(report, dict) or report.get("schema") not in SCHEMAS:
            found = report.get("schema") if isinstance(report, dict) else type(report).__name__
            raise InputError(f"{name} is not a TestGen report (schema: {found!r})",
                             code="TG203", hint="pass JSON reports written with --report "
                             "FILE.json; known schemas: " + ", ".join(SCHEMAS))
    schemas = {r["schema"] for r in reports}
    if len(schemas) != 1:
        raise InputError(f"reports of different commands: {', '.join(sorted(schemas))}",
                         code="TG203", hint="merge the reports of one command's shards")
    schema = schemas.pop()
    merged: dict[str, Any] = {"schema": schema, "merged_from": names}
    files: dict[str, Any] = {}
    owner: dict[str, str] = {}
    summary: dict[str, Any] = {}
    for report, name in zip(reports, names):
        for entry in report.get("files", []):
            key = entry.get("source") or entry.get("path")
            if key in owner:  # a file belongs to exactly one shard: counts would double
                raise InputError(f"{key} is in both {owner[key]} and {name}", code="TG203",
                                 hint="merge the reports of different shards (--shard K/N), "
                                      "each once")
            owner[key] = name
            files[key] = entry
        for key, value in report.get("summary", {}).items():
            if key in SUMMED and isinstance(value, (int, float)):
                summary[key] = summary.get(key, 0) + value
    merged["files"] = [files[k] for k in sorted(files)]
    if schema == "testgen.generate/1":
        merged["written"] = sorted({p for r in reports for p in r.get("written", [])})
        merged["interrupted"] = any(r.get("interrupted") for r in reports)
        costs = [r.get("cost") or {} for r in reports]
        merged["cost"] = {k: sum(c.get(k, 0) for c in costs) for k in
                          ("requests", "cached_requests", "tokens_in", "tokens_out",
                           "cost_usd")}
        for key in ("engine", "model", "test_types", "project_root"):
            merged[key] = reports[0].get(key)
    if schema == "testgen.validate/1" and summary.get("statements"):
        summary["percent"] = round(100 * summary["covered"] / summary["statements"], 2)
    merged["summary"] = summary
    return merged
