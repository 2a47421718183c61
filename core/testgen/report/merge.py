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
    if schema == "testgen.validate/1":
        mutation = _merge_mutation([r["mutation"] for r in reports if r.get("mutation")])
        if mutation is not None:
            merged["mutation"] = mutation
    merged["summary"] = summary
    return merged


MUTANT_COUNTS = ("mutants", "killed", "survived", "timeout", "error", "no_coverage")


def _rescored(counts: dict[str, Any]) -> dict[str, Any]:
    """Mutant counts with their two scores, as ``testgen.mutation.score`` computes them."""
    detected = counts["killed"] + counts["timeout"]
    viable = detected + counts["survived"] + counts["no_coverage"]
    covered = detected + counts["survived"]
    return {**counts, "score": round(100.0 * detected / viable, 2) if viable else None,
            "covered_score": round(100.0 * detected / covered, 2) if covered else None}


def _summed(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return _rescored({k: sum(b.get(k, 0) for b in blocks) for k in MUTANT_COUNTS})


def _merge_mutation(sections: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``mutation`` blocks of shard reports as one: lists joined, counts summed, scores
    computed again from the sums."""
    if not sections:
        return None
    first = sections[0]
    operators: dict[str, list[dict[str, Any]]] = {}
    for section in sections:
        for name, block in section.get("operators", {}).items():
            operators.setdefault(name, []).append(block)
    return {
        "mode": first.get("mode"), "sample_size": first.get("sample_size"),
        "seed": first.get("seed"), "min_score": first.get("min_score"),
        "duration_s": round(sum(s.get("duration_s", 0) for s in sections), 3),
        "summary": _summed([s["summary"] for s in sections]),
        "languages": {k: v for s in sections for k, v in s.get("languages", {}).items()},
        "notes": {k: v for s in sections for k, v in s.get("notes", {}).items()},
        "operators": {name: _summed(blocks) for name, blocks in operators.items()},
        **{key: sorted((item for s in sections for item in s.get(key, [])),
                       key=lambda item: (item.get("file") or item.get("path", ""),
                                         item.get("line", 0), item.get("name", "")))
           for key in ("files", "definitions", "survivors", "errors")},
    }
