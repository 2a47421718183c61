"""``testgen mcp``: TestGen as Model Context Protocol tools, over stdio.

A coding agent asks for *validated* tests (compiled, passing every run, adding coverage)
instead of writing unvalidated ones. Each tool runs the matching ``testgen`` command in a child
process and returns its JSON report: stdout is the protocol channel here, so nothing a command
or the code under test prints may reach it, and one crashing run cannot take the server down.
While a command runs, the tool sends progress notifications with what it is doing.

Needs the optional ``mcp`` SDK (``pip install 'testgen[mcp]'``); imported only by this command.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from . import __version__

HEARTBEAT_S = 1.0
"""How often a running command reports progress."""

INSTRUCTIONS = """TestGen generates unit tests and keeps only those that compile, pass every \
run and add coverage. Use `analyze` to see what is untested, `explain_gaps` for the exact \
uncovered lines of changed code, `generate` with dry_run=true to see the plan and then \
dry_run=false to write validated tests, and `validate` to check coverage thresholds."""

Path_ = Annotated[str, Field(description="Project directory or source file, relative to the "
                                         "server's working directory or absolute.")]
ChangedSince = Annotated[str | None, Field(
    description="Only definitions whose lines changed since this git reference (working tree "
                "included); 'auto' = merge-base with the default branch.")]


class AnalyzeResult(BaseModel):
    summary: dict[str, Any] = Field(description="files, lines, definitions, tested, untested…")
    untested: list[dict[str, Any]] = Field(
        description="Testable definitions without a test: name, file, start_line, end_line.")
    priorities: list[dict[str, Any]] = Field(description="What to generate first.")
    report: dict[str, Any] = Field(description="The full testgen.analyze/1 report.")


class ValidateResult(BaseModel):
    passed: bool = Field(description="Every threshold met and every existing test passed.")
    failures: list[str] = Field(description="Why not, one reason each (with TG codes).")
    summary: dict[str, Any]
    changes: dict[str, Any] | None = Field(
        None, description="Changed-line coverage when changed_since was given.")
    mutation: dict[str, Any] | None = Field(
        None, description="With mutation: the score of the suite (all mutants and those on "
                          "covered lines) and each surviving mutant as a gap.")
    report: dict[str, Any] = Field(description="The full testgen.validate/1 report.")


class GenerateResult(BaseModel):
    dry_run: bool
    summary: dict[str, Any] = Field(description="Candidates by status and files written.")
    written: list[str] = Field(description="Test files written (project-relative).")
    plan: list[dict[str, Any]] = Field(description="With dry_run: what would be generated.")
    kept_tests: list[dict[str, Any]] = Field(
        description="Kept tests: definition, test_name, test_file, reason.")
    report: dict[str, Any] = Field(description="The full testgen.generate/1 report.")


class Gap(BaseModel):
    definition: str = Field(description="file::qualname")
    file: str
    start_line: int
    end_line: int
    uncovered_lines: list[int] = Field(description="Body lines no existing test executes.")
    code: str = Field(description="The uncovered lines, numbered, as they read in the file.")


class GapsResult(BaseModel):
    gaps: list[Gap]
    hint: str = Field(description="What to do next.")


server = MCPServer("testgen", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")


@server.tool(description="What is tested, what is not, and what to generate first "
                         "(static: no test is run unless coverage=true).")
async def analyze(ctx: Context, path: Path_ = ".", changed_since: ChangedSince = None,
                  coverage: Annotated[bool, Field(
                      description="Run the existing suite to tell by coverage.")] = False
                  ) -> AnalyzeResult:
    args = ["analyze", "--path", path, "--detail", "per-function"]
    args += _changed(changed_since) + (["--coverage"] if coverage else [])
    report, _ = await _run(ctx, args)
    untested = [{"name": d["name"], "file": d["file"], "start_line": d["start_line"],
                 "end_line": d["end_line"]}
                for f in report.get("files", []) for d in f.get("functions", [])
                if d["testable"] and not d["tested"] and d["kind"] != "class"]
    return AnalyzeResult(summary=report["summary"], untested=untested,
                         priorities=report["priorities"], report=report)


@server.tool(description="Run the project's existing tests with coverage (in a shadow copy) "
                         "and check thresholds.")
async def validate(ctx: Context, path: Path_ = ".", changed_since: ChangedSince = None,
                   diff_coverage: Annotated[float | None, Field(
                       ge=0, le=100, description="Fail below this % of changed lines "
                                                 "covered.")] = None,
                   min_coverage: Annotated[float | None, Field(
                       ge=0, le=100, description="Fail below this % of all lines.")] = None,
                   mutation: Annotated[Literal["off", "sample", "full"], Field(
                       description="Also run the suite against small changes of the code "
                                   "(sample: 30 per file) and list those it misses.")] = "off"
                   ) -> ValidateResult:
    args = ["validate", "--path", path, "--report-gaps", *_changed(changed_since)]
    if diff_coverage is not None:
        args += ["--diff-coverage", str(diff_coverage)]
    if min_coverage is not None:
        args += ["--min-coverage", str(min_coverage)]
    if mutation != "off":
        args += ["--mutation", mutation]
    report, _ = await _run(ctx, args, ok_codes=(0, 1))
    mutants = report.get("mutation")
    return ValidateResult(passed=report["summary"]["passed"], failures=report["failures"],
                          summary=report["summary"], changes=report.get("changes"),
                          mutation={"summary": mutants["summary"],
                                    "survivors": mutants["survivors"]} if mutants else None,
                          report=report)


@server.tool(description="Generate tests and keep only those that compile, pass every run and "
                         "add coverage; writes dedicated generated test files unless dry_run.")
async def generate(ctx: Context, path: Path_ = ".", changed_since: ChangedSince = None,
                   dry_run: Annotated[bool, Field(
                       description="Only show the plan; write nothing.")] = True,
                   test_types: Annotated[list[Literal["unit", "edge-cases", "negative",
                                                      "table-driven", "integration",
                                                      "regression"]], Field(
                       description="Kinds of tests to generate.")] = ["unit"],  # noqa: B006
                   engine: Annotated[Literal["offline", "llm"] | None, Field(
                       description="offline: run the code and pin its behaviour; llm: ask "
                                   "the configured model.")] = None,
                   model: Annotated[str | None, Field(
                       description="LiteLLM model name for the llm engine.")] = None
                   ) -> GenerateResult:
    args = ["generate", "--path", path, *_changed(changed_since)]
    for test_type in test_types:
        args += ["--type", test_type]
    if dry_run:
        args.append("--dry-run")
    if engine:
        args += ["--engine", engine]
    if model:
        args += ["--model", model]
    report, _ = await _run(ctx, args, ok_codes=(0, 1))
    kept = [{"definition": c["definition"], "test_name": c["test_name"],
             "test_file": f["test_file"], "reason": c["reason"]}
            for f in report["files"] for c in f["candidates"] if c["status"] == "kept"]
    return GenerateResult(dry_run=report["dry_run"], summary=report["summary"],
                          written=report["written"], plan=report["plan"], kept_tests=kept,
                          report=report)


@server.tool(description="The exact lines of each definition that no existing test executes, "
                         "with their code: what a new test must reach.")
async def explain_gaps(ctx: Context, path: Path_ = ".", changed_since: ChangedSince = None
                       ) -> GapsResult:
    report, _ = await _run(ctx, ["analyze", "--path", path, "--detail", "per-function",
                                 "--coverage", *_changed(changed_since)])
    root = Path(report["project_root"])
    gaps = []
    for f in report.get("files", []):
        for d in f.get("functions", []):
            if d["kind"] == "class" or not d["testable"] or d["coverage"] == 100.0:
                continue
            # No coverage data for the file at all: the whole body is the gap.
            lines = d["uncovered_lines"] or list(range(d["start_line"], d["end_line"] + 1))
            gaps.append(Gap(definition=f"{d['file']}::{d['name']}", file=d["file"],
                            start_line=d["start_line"], end_line=d["end_line"],
                            uncovered_lines=lines, code=_numbered(root / d["file"], lines)))
    hint = ("call generate with dry_run=false on these files to add validated tests"
            if gaps else "no gap: the existing tests execute every testable definition fully")
    return GapsResult(gaps=gaps, hint=hint)


def _changed(ref: str | None) -> list[str]:
    return ["--changed-since", ref] if ref else []


def _numbered(path: Path, lines: list[int]) -> str:
    try:
        text = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    return "\n".join(f"{n:>5}  {text[n - 1]}" for n in lines if 0 < n <= len(text))


async def _run(ctx: Context, args: list[str], ok_codes: tuple[int, ...] = (0,)
               ) -> tuple[dict[str, Any], int]:
    """Run ``testgen ARGS`` with a JSON report, sending progress while it runs."""
    with tempfile.TemporaryDirectory(prefix="testgen-mcp-") as tmp:
        report_path = Path(tmp) / "report.json"
        argv = [sys.executable, "-m", "testgen", "-q", *args, "--format", "json",
                "--report", str(report_path)]
        env = {**os.environ, "NO_COLOR": "1"}
        process = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE, env=env)
        stderr = bytearray()
        started = time.monotonic()

        async def read_stderr() -> None:
            assert process.stderr is not None
            while chunk := await process.stderr.read(4096):
                stderr.extend(chunk)

        reader = asyncio.create_task(read_stderr())
        step = 0
        await ctx.report_progress(0, None, f"testgen {args[0]}: started")
        while True:
            try:
                await asyncio.wait_for(asyncio.shield(process.wait()), HEARTBEAT_S)
                break
            except asyncio.TimeoutError:
                step += 1
                await ctx.report_progress(
                    step, None, f"testgen {args[0]}: running for "
                                f"{time.monotonic() - started:.0f} s")
        await reader
        code = process.returncode or 0
        await ctx.report_progress(step + 1, step + 1, f"testgen {args[0]}: done (exit {code})")
        message = stderr.decode("utf-8", "replace").strip()
        if code not in ok_codes or not report_path.exists():
            raise ToolError(message or f"testgen {args[0]} exited with status {code}")
        return json.loads(report_path.read_text(encoding="utf-8")), code


def main() -> None:
    server.run("stdio")
