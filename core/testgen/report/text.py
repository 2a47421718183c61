"""Terminal reports with rich: tables and colour on a TTY, plain text elsewhere or with NO_COLOR."""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

STATUS_STYLE = {"kept": "green", "failed": "red", "flaky": "yellow", "no-gain": "dim",
                "error": "red", "skipped": "dim", "possible-bug": "magenta bold"}


def console(stream: TextIO | None = None) -> Console:
    stream = stream or sys.stdout
    tty = stream.isatty()
    return Console(file=stream, no_color=bool(os.environ.get("NO_COLOR")) or not tty,
                   highlight=False, soft_wrap=not tty, width=None if tty else 120,
                   force_terminal=tty or None)


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold",
                         justify="right" if column in ("lines", "defs", "tested", "cover",
                                                       "%", "complexity", "priority", "stmts",
                                                       "missed", "kept", "cx") else "left")
    return table


def _pct(value: float | None) -> Text:
    if value is None:
        return Text("-")
    style = "green" if value >= 80 else "yellow" if value >= 50 else "red"
    return Text(f"{value:.1f}%", style=style)


# --------------------------------------------------------------------------- analyze


def analyze(data: dict[str, Any], out: Console) -> None:
    s = data["summary"]
    evidence = "coverage of the existing suite" if data["coverage_used"] else \
        "references from existing tests"
    out.print(f"[bold]{s['files']}[/] files, {s['lines']:,} lines, "
              f"[bold]{s['definitions']}[/] definitions: [green]{s['tested']} tested[/], "
              f"[red]{s['untested']} untested[/] ({s['tested_percent']:.1f}% tested, by "
              f"{evidence})")
    if data["frameworks"]:
        out.print("frameworks: " + ", ".join(f"{k}={v}" for k, v in data["frameworks"].items()))
    detail = data["detail"]
    if detail in ("per-file", "per-function"):
        table = _table("file", "lines", "defs", "tested", *(["cover"] if data["coverage_used"]
                                                            else []))
        for f in data.get("files", []):
            row = [f["path"] + (" (syntax error)" if f["syntax_errors"] else ""),
                   str(f["lines"]), str(f["definitions"]), str(f["tested"])]
            cells: list[Any] = row
            if data["coverage_used"]:
                cells = row + [_pct(f.get("coverage"))]
            table.add_row(*cells)
        out.print(table)
    if detail == "per-function":
        table = _table("function", "line", "cx", "tested", "note")
        for f in data.get("files", []):
            for fn in f.get("functions", []):
                note = fn["untestable_reason"] or ("" if fn["public"] else "private")
                mark = Text("yes", style="green") if fn["tested"] else Text("no", style="red")
                table.add_row(f"{f['path']}::{fn['name']}", str(fn["start_line"]),
                              str(fn["complexity"]), mark, note)
        out.print(table)
    if data["priorities"]:
        table = _table("priority", "definition", "where", title="Generate tests first for")
        for p in data["priorities"][:10]:
            table.add_row(f"{p['priority']:.1f}", p["name"], f"{p['file']}:{p['line']}")
        out.print(table)
    if data.get("cost_estimate"):
        e = data["cost_estimate"]
        out.print(f"cost estimate ({e.get('model')}): {e.get('requests', 0)} requests, "
                  f"~{e.get('tokens_in', 0):,} input + ~{e.get('tokens_out', 0):,} output "
                  f"tokens, ~${e.get('cost_usd', 0):.4f}" + (f" — {e['note']}"
                                                              if e.get("note") else ""))
    _skipped(data, out)


def _skipped(data: dict[str, Any], out: Console) -> None:
    # Each skipped file was already a warning on stderr; one line here keeps the count.
    skipped = [s for s in data.get("skipped", []) if s["reason"] != "empty file"]
    if skipped:
        out.print(f"[yellow]{len(skipped)} file(s) skipped[/] (see the warnings above, or "
                  f"`skipped` in --format json)")


# --------------------------------------------------------------------------- validate


def validate(data: dict[str, Any], out: Console) -> None:
    s = data["summary"]
    tests = s["tests"]
    gaps = data.get("report_gaps", False)
    table = _table("file", "stmts", "missed", "cover", *(["uncovered lines"] if gaps else []))
    for f in data["files"]:
        row: list[Any] = [f["path"], str(f["statements"]), str(f["statements"] - f["covered"]),
                          _pct(f["percent"])]
        if gaps:
            row.append(", ".join(f["uncovered"]))
        table.add_row(*row)
    out.print(table)
    out.print(f"[bold]TOTAL[/] {s['covered']}/{s['statements']} lines covered: "
              f"{s['percent']:.2f}%"
              + (f", {s['statements_covered']}/{s['statement_count']} statements: "
                 f"{s['statements_percent']:.2f}%" if "statement_count" in s else "")
              + f"   tests: {tests['passed']} passed, {tests['failed']} failed"
              + (f", {tests['error']} errors" if tests["error"] else "")
              + (f", {tests['skipped']} skipped" if tests["skipped"] else ""))
    changes = data.get("changes")
    if changes is not None:
        out.print(f"[bold]CHANGED[/] since {changes['ref']} ({changes['base'][:12]}): "
                  f"{changes['covered']}/{changes['statements']} changed lines covered: "
                  f"{changes['percent']:.2f}%")
        for f in changes["files"]:
            if f["uncovered"]:
                out.print(f"  {f['path']}: uncovered {', '.join(f['uncovered'])}")
    missing = data.get("missing_tests", [])
    if missing:
        out.print(f"[yellow]{len(missing)} definition(s) no test executes:[/] "
                  + ", ".join(missing[:12]) + (" …" if len(missing) > 12 else ""))
    for language, info in data["languages"].items():
        if info.get("environment"):
            out.print(f"{language} ran with {info['environment']}")
        if info["error"]:
            out.print(f"[red]{language}[/]: {info['error']}")
        if info.get("coverage_note"):
            out.print(f"[yellow]{language}[/]: coverage could not be measured "
                      f"({info['coverage_note']}); the figures above do not count it")
    if data.get("mutation") is not None:
        mutation(data["mutation"], out)
    if data["failures"]:
        for reason in data["failures"]:
            out.print(f"[red]✗[/] {reason}")
    else:
        out.print("[green]✓ all thresholds met[/]")


def mutation(m: dict[str, Any], out: Console) -> None:
    """The ``mutation`` section of a validate report: scores per file, then every survivor as
    a gap (``file:line: '<' → '<=' survives``)."""
    table = _table("file", "mutants", "killed", "survived", "no cov", "errors", "score")
    for f in m["files"]:
        table.add_row(f["path"], str(f["mutants"]), str(f["killed"] + f["timeout"]),
                      str(f["survived"]), str(f["no_coverage"]), str(f["error"]),
                      "-" if f["score"] is None else _pct(f["score"]))
    out.print(table)
    s = m["summary"]
    covered = "" if s["covered_score"] is None else \
        f", {s['covered_score']:.2f}% of those on lines the tests run"
    scored = "no viable mutant" if s["score"] is None else f"{s['score']:.2f}%"
    out.print(f"[bold]MUTATION[/] ({m['mode']}) {scored} of {s['mutants'] - s['error']} "
              f"viable mutant(s) detected{covered}"
              + (f"; {s['error']} not viable (do not build or run)" if s["error"] else ""))
    weak = [d for d in m["definitions"] if d["survived"]]
    if weak:
        out.print("definitions with survivors: " + ", ".join(
            f"{d['file']}::{d['name']} {d['covered_score']:.0f}%" for d in weak),
            soft_wrap=True, highlight=False, markup=False)
    for r in m["survivors"]:
        if r["status"] == "survived":
            out.print(f"  {r['file']}:{r['line']}: {_mutant(r)} survives", soft_wrap=True,
                      highlight=False, markup=False)
    if s["no_coverage"]:
        out.print(f"  and {s['no_coverage']} on lines no test runs (not run; listed in "
                  "--format json)")
    for language, note in m.get("notes", {}).items():
        out.print(f"[yellow]{language}[/]: no mutation figures ({note})")


def _mutant(r: dict[str, Any]) -> str:
    def short(text: str) -> str:
        one = " ".join(text.split())
        return one if len(one) <= 40 else one[:39] + "…"
    return f"{short(r['original'])!r} → {short(r['replacement'])!r}"


# --------------------------------------------------------------------------- generate


def generate(data: dict[str, Any], out: Console, verbose: bool = False) -> None:
    if data["dry_run"]:
        out.print(f"[bold]dry run[/] ({data['engine']} engine): nothing is written")
        for step in data["plan"]:
            out.print(f"• {step['source']} → {step['test_file']} ({step['framework']}): "
                      f"{len(step['definitions'])} definition(s), {step['action']}")
            for name in step["definitions"]:
                out.print(f"    {name}")
        if data.get("estimate"):
            e = data["estimate"]
            out.print(f"estimate: {e.get('requests', 0)} requests, ~{e.get('tokens_in', 0):,} "
                      f"input + ~{e.get('tokens_out', 0):,} output tokens, "
                      f"~${e.get('cost_usd', 0):.4f}")
        return
    table = _table("file", "test file", "kept", "coverage", "result")
    for f in data["files"]:
        kept = sum(1 for c in f["candidates"] if c["status"] == "kept")
        cov = f.get("coverage")
        cov_text = (f"{cov['before']:.0f}% → {cov['after']:.0f}%" if cov and cov["available"]
                    else "-")
        result = f["write"] or ("skipped" if f["skipped"] else "nothing kept")
        if f["skipped"] == "unchanged since the last run":
            result = "unchanged"
        table.add_row(f["source"], f["test_file"], "-" if f["skipped"] else str(kept),
                      cov_text, result)
    out.print(table)
    # Why a file ends without tests, one line each, where a table column would fold it.
    # Files with no functions at all (package markers, constants) are normal: they are only
    # worth a line when the run kept nothing anywhere.
    anything_kept = any(c["status"] == "kept" for f in data["files"] for c in f["candidates"]) \
        or any(f["skipped"] == "unchanged since the last run" for f in data["files"])
    for f in data["files"]:
        outcome = f.get("outcome") or f["skipped"]
        if not outcome or f["skipped"] == "unchanged since the last run" \
                or any(c["status"] == "kept" for c in f["candidates"]):
            continue
        if anything_kept and outcome.endswith("no functions or methods found"):
            continue
        out.print(f"[yellow]•[/] {f['source']}: {outcome}", soft_wrap=True)
    problems = [c for f in data["files"] for c in f["candidates"]
                if c["status"] not in ("kept",) and (verbose or c["status"] in (
                    "possible-bug", "error"))]
    if problems:
        table = _table("status", "test", "reason")
        for c in problems[:40]:
            table.add_row(Text(c["status"], style=STATUS_STYLE.get(c["status"], "")),
                          c["test_name"] or c["definition"], c["reason"])
        out.print(table)
    s = data["summary"]
    parts = [Text(f"{s[k]} {k}", style=STATUS_STYLE[k]) for k in STATUS_STYLE if s.get(k)]
    line = Text("candidates: ")
    for i, part in enumerate(parts):
        line.append_text(part)
        if i + 1 < len(parts):
            line.append(", ")
    if not parts:
        line.append("none (nothing to do)")
    out.print(line)
    cost = data.get("cost") or {}
    if data["engine"] != "offline" and cost:
        out.print(f"model: {cost.get('requests', 0)} requests ({cost.get('cached_requests', 0)}"
                  f" cached), {cost.get('tokens_in', 0):,} in ({cost.get('tokens_cached', 0):,}"
                  f" of them read from the provider's prompt cache) / "
                  f"{cost.get('tokens_out', 0):,} out tokens, ${cost.get('cost_usd', 0):.4f}")
    written = data["written"]
    if written:
        out.print("[green]wrote[/] " + ", ".join(written))
    for language, environment in data.get("environments", {}).items():
        out.print(f"{language} ran with {environment}")
    for f in data["files"]:
        if "coverage_note" in f:
            kept = sum(1 for c in f["candidates"] if c["status"] == "kept")
            out.print(f"[yellow]note[/] coverage of {f['source']} could not be measured "
                      f"({f['coverage_note']}): {kept} kept test(s) pass every run but were "
                      "not checked for a coverage gain")
    hints = sorted({f["run_hint"] for f in data["files"]
                    if f.get("run_hint") and f["test_file"] in written})
    for hint in hints:
        out.print(f"run the written tests with: {hint}")
    for language, error in data.get("baseline_errors", {}).items():
        out.print(f"[yellow]note[/] existing {language} suite: {error}")
    if data["interrupted"]:
        out.print("[yellow]interrupted[/]: completed files were written")
