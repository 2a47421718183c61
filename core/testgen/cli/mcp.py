"""``testgen mcp``."""

from __future__ import annotations

import click

from ..errors import InputError


@click.command()
def mcp() -> None:
    """Serve TestGen's tools (analyze, validate, generate, explain_gaps) to a coding agent
    over the Model Context Protocol on stdin/stdout.

    Needs the optional SDK: pip install 'testgen[mcp]'. Start it from the agent, e.g.
    `claude mcp add testgen -- testgen mcp` (see docs/ci-and-agents.md).
    """
    try:
        from ..mcp_server import main
    except ImportError as exc:
        raise InputError(f"the MCP SDK is not installed ({exc})", code="TG205",
                         hint="pip install 'testgen[mcp]'") from None
    main()
