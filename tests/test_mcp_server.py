"""``testgen mcp`` as a coding agent sees it: a subprocess spoken to by the SDK's stdio client."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import anyio
import pytest

pytest.importorskip("mcp")

from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402

PROJECT = {
    "pyproject.toml": """
        [project]
        name = "shop"
        version = "0.1.0"

        [tool.pytest.ini_options]
        testpaths = ["tests"]
    """,
    "shop/__init__.py": "",
    "shop/pricing.py": """
        def apply_discount(price: float, percent: float) -> float:
            if percent < 0 or percent > 100:
                raise ValueError("bad percent")
            return round(price * (100 - percent) / 100, 2)


        def bulk_tier(quantity: int) -> str:
            if quantity >= 100:
                return "wholesale"
            return "retail"
    """,
    "tests/test_pricing.py": """
        from shop.pricing import apply_discount


        def test_half():
            assert apply_discount(10.0, 50) == 5.0
    """,
}


@pytest.fixture
def project(tmp_path, isolated_home) -> Path:
    root = tmp_path / "shop"
    for rel, text in PROJECT.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def talk(project: Path, conversation):
    """Start ``testgen mcp`` in ``project``, initialise, and run ``conversation(session)``."""

    async def main():
        # The SDK hands the server only a few variables: pass the isolated config and cache.
        env = {k: v for k, v in os.environ.items() if k.startswith("TESTGEN_")}
        params = StdioServerParameters(command=sys.executable, args=["-m", "testgen", "mcp"],
                                       cwd=str(project), env=env)
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await conversation(session)

    return anyio.run(main)


def test_the_server_lists_its_tools_with_argument_and_result_schemas(project):
    async def conversation(session):
        return (await session.list_tools()).tools

    tools = {t.name: t for t in talk(project, conversation)}
    assert set(tools) == {"analyze", "validate", "generate", "explain_gaps"}
    assert {"path", "changed_since", "dry_run"} <= set(tools["generate"].input_schema
                                                       ["properties"])
    assert "dry_run" in tools["generate"].output_schema["properties"]
    assert "gaps" in tools["explain_gaps"].output_schema["properties"]


def test_analyze_and_a_dry_run_generate_through_the_client(project):
    progress = []

    async def on_progress(done, total, message):
        progress.append(message)

    async def conversation(session):
        analyzed = await session.call_tool("analyze", {"path": "."},
                                           progress_callback=on_progress)
        planned = await session.call_tool("generate", {"path": ".", "dry_run": True},
                                          progress_callback=on_progress)
        return analyzed, planned

    analyzed, planned = talk(project, conversation)
    assert not analyzed.is_error and not planned.is_error
    assert [d["name"] for d in analyzed.structured_content["untested"]] == ["bulk_tier"]
    plan = planned.structured_content["plan"]
    assert [step["definitions"] for step in plan] == [["apply_discount", "bulk_tier"]]
    assert planned.structured_content["written"] == []
    assert not (project / "tests" / "test_pricing_testgen.py").exists()
    assert "testgen generate: done (exit 0)" in progress


def test_generate_for_real_writes_validated_tests(project):
    async def conversation(session):
        return await session.call_tool("generate", {"path": ".", "dry_run": False})

    result = talk(project, conversation)
    assert not result.is_error, result.content
    assert result.structured_content["written"] == ["tests/test_pricing_testgen.py"]
    assert result.structured_content["kept_tests"]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=project, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout


def test_explain_gaps_returns_the_uncovered_lines_with_their_code(project):
    async def conversation(session):
        return await session.call_tool("explain_gaps", {"path": "."})

    gaps = {g["definition"]: g for g in talk(project, conversation).structured_content["gaps"]}
    assert gaps["shop/pricing.py::apply_discount"]["uncovered_lines"] == [3]
    assert 'raise ValueError("bad percent")' in gaps["shop/pricing.py::apply_discount"]["code"]


def test_a_bad_path_is_a_tool_error_with_the_tg_code(project):
    async def conversation(session):
        return await session.call_tool("analyze", {"path": "missing"})

    result = talk(project, conversation)
    assert result.is_error
    assert "error[TG201]" in result.content[0].text


def test_help_imports_neither_the_mcp_sdk_nor_heavy_modules():
    code = ("import sys\nfrom testgen.cli import cli\n"
            "try: cli.main(['--help'], standalone_mode=False)\nexcept SystemExit: pass\n"
            "heavy = [m for m in ('mcp', 'litellm', 'jinja2', 'tree_sitter', 'rich', 'yaml')"
            " if m in sys.modules]\nassert not heavy, heavy\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_validate_with_mutation_lists_the_mutants_the_suite_misses(project):
    async def conversation(session):
        return await session.call_tool("validate", {"path": ".", "mutation": "full"})

    result = talk(project, conversation)
    assert not result.is_error, result.content
    mutation = result.structured_content["mutation"]
    survivors = {(s["line"], s["original"], s["replacement"]) for s in mutation["survivors"]}
    assert (2, ">", ">=") in survivors  # no test prices at percent 100 or above
    assert mutation["summary"]["killed"] >= 1
