"""Merge shard reports into one, as if a single job had done all the work."""

from __future__ import annotations

from typing import Any

from ..errors import InputError

SUMMED = ("kept", "failed", "flaky", "no-gain", "error", "skipped", "possible-bug",
          "files_written", "files", "definitions", "tested", "untested", "lines", "testable",
          "skipped_files", "statements", "covered")


def merge_reports(reports: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
    schemas = {r.get("schema") for r in reports}
    if len(schemas) != 1 or None in schemas:
        raise InputError(f"reports have different or missing schemas: {sorted(map(str, schemas))}",
                         code="TG203", hint="merge reports of one command (testgen.generate/1)")
    schema = schemas.pop()
    merged: dict[str, Any] = {"schema": schema, "merged_from": names}
    files: dict[str, Any] = {}
    summary: dict[str, Any] = {}
    for report in reports:
        for entry in report.get("files", []):
            key = entry.get("source") or entry.get("path")
            files[key] = entry  # a file belongs to exactly one shard
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
