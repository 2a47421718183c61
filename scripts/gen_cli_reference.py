"""Generate docs/cli-reference.md from the commands' --help, or check that it has not drifted.

    python scripts/gen_cli_reference.py > docs/cli-reference.md
    python scripts/gen_cli_reference.py --check docs/cli-reference.md
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from testgen.cli import cli

HEADER = """# CLI reference

Generated from `--help` by `make docs` (`scripts/gen_cli_reference.py`); CI fails when it
drifts from the code. Exit codes: `0` done · `1` tests failed, threshold not met or nothing
could be kept · `2` usage, configuration or input error · `3` provider error · `130`
interrupted.
"""


def walk(command: click.Command, name: str, parent: click.Context | None = None):
    """Each command with the context a user's invocation would give it (inherited settings
    such as ``-h``, a fixed width so the output is the same on every machine)."""
    ctx = command.make_context(name, [], parent=parent, resilient_parsing=True,
                               max_content_width=100, terminal_width=100)
    yield ctx
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, sub_name, ctx)


def render() -> str:
    parts = [HEADER]
    for ctx in walk(cli, "testgen"):
        parts.append(f"\n## `{ctx.command_path}`\n\n```text\n"
                     f"{ctx.command.get_help(ctx)}\n```\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if len(argv) == 2 and argv[0] == "--check":
        current = Path(argv[1]).read_text(encoding="utf-8") if Path(argv[1]).exists() else ""
        if current != text:
            sys.stderr.write(f"{argv[1]} is out of date with --help: run `make docs`\n")
            return 1
        print(f"{argv[1]} matches --help")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
