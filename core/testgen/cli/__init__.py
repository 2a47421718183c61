"""The ``testgen`` command. Subcommands live in their own modules and are imported on use, so
``testgen --help`` stays fast and never imports the model client, templates or grammars."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from .. import __version__
from ..errors import TestgenError

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module:attribute, one-line help shown by `testgen --help`)
    "generate": ("testgen.cli.generate:generate",
                 "Generate tests, keep those that compile, pass every run and add coverage."),
    "validate": ("testgen.cli.validate:validate",
                 "Run the existing tests with coverage and check thresholds."),
    "analyze": ("testgen.cli.analyze:analyze",
                "Show what is tested, what is not, and what to generate first."),
    "config": ("testgen.cli.config:config", "Show and change configuration."),
    "plugins": ("testgen.cli.plugins:plugins", "List loaded plugins, languages and hooks."),
    "cache": ("testgen.cli.cache:cache", "Inspect or clear the model response cache."),
    "report": ("testgen.cli.report:report", "Work with JSON reports (merge shard reports)."),
    "doctor": ("testgen.cli.doctor:doctor",
               "Check toolchains, frameworks, coverage tools, sandbox and model per language."),
    "mcp": ("testgen.cli.mcp:mcp", "Serve TestGen as MCP tools to a coding agent (stdio)."),
    "completion": ("testgen.cli.completion:completion",
                   "Print the shell completion script for bash, zsh or fish."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[name][0].split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="testgen")
@click.option("-v", "--verbose", count=True, help="More output (-vv for debug logs).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the final result.")
@click.option("--debug", is_flag=True, help="Debug logs and tracebacks for errors.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Format of log lines on stderr.")
@click.option("--no-color", is_flag=True, help="Disable colour (NO_COLOR is honoured too).")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, debug: bool, log_format: str,
        no_color: bool) -> None:
    """TestGen generates unit tests for Python, JavaScript/TypeScript, Go and Rust, and keeps
    only tests that compile, pass every time and add coverage.

    \b
    Examples:
      testgen analyze  --path .                   what is untested, what to do first
      testgen generate --path src/ --type edge-cases
      testgen validate --path . --min-coverage 80 --report-gaps
    """
    from .. import logs

    if no_color:
        os.environ["NO_COLOR"] = "1"
    filters = []
    try:
        from ..secrets import RedactSecrets
        filters.append(RedactSecrets())
    except ImportError:  # pragma: no cover - secrets module ships with the core
        pass
    logs.setup(verbosity=-1 if quiet else verbose, fmt=log_format, debug=debug,
               filters=filters)
    ctx.obj = {"debug": debug, "quiet": quiet, "verbose": verbose, "log_format": log_format}


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning errors into codes, hints and exit statuses.

    ``--debug`` adds the traceback, never changes the exit status.
    """
    from .. import signals

    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    signals.install()
    try:
        cli.main(args=argv, prog_name="testgen", standalone_mode=False)
    except TestgenError as exc:
        _print_error(exc.code, str(exc), exc.hint)
        _traceback(debug)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        _interrupted()
    except click.UsageError as exc:
        code, hint = _usage_code(exc)
        _print_error(code, exc.format_message(), hint)
        sys.exit(2)
    except click.ClickException as exc:
        _print_error("TG200", exc.format_message(), "see `testgen --help`")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:  # noqa: BLE001 - never a traceback without --debug
        _print_error("TG000", f"internal error: {type(exc).__name__}: {exc}",
                     "run again with --debug for the traceback and report it")
        _traceback(debug)
        sys.exit(1)


def _interrupted() -> None:
    from .. import signals

    click.echo(f"interrupted ({signals.signal_name()})", err=True)
    sys.exit(signals.exit_status())


def _traceback(debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc()


def _usage_code(exc: click.UsageError) -> tuple[str, str]:
    """TG code and hint for click's own usage errors."""
    command = exc.ctx.command_path if exc.ctx is not None else "testgen"
    if isinstance(exc, click.BadParameter):
        return "TG105", f"see `{command} --help` for the accepted values"
    if isinstance(exc, click.NoSuchOption):
        return "TG105", f"see `{command} --help` for the options"
    if isinstance(exc, click.MissingParameter):
        return "TG105", f"see `{command} --help`"
    return "TG105", f"see `{command} --help`"


def _print_error(code: str, message: str, hint: str) -> None:
    try:
        from ..secrets import redact
    except ImportError:  # pragma: no cover
        def redact(text: str) -> str:
            return text
    click.echo(f"error[{code}]: {redact(message)}", err=True)
    if hint:
        click.echo(f"  hint: {redact(hint)}", err=True)


def context_obj(ctx: click.Context) -> dict[str, Any]:
    return ctx.find_root().obj or {}
