"""``testgen completion``."""

from __future__ import annotations

import click


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the completion script for SHELL.

    \b
    bash:  eval "$(testgen completion bash)"     (add to ~/.bashrc)
    zsh:   eval "$(testgen completion zsh)"      (add to ~/.zshrc)
    fish:  testgen completion fish > ~/.config/fish/completions/testgen.fish
    """
    from click.shell_completion import get_completion_class

    from . import cli

    completer = get_completion_class(shell)(cli, {}, "testgen", "_TESTGEN_COMPLETE")
    click.echo(completer.source())
