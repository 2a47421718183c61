"""``testgen config set-key PROVIDER``: store an API key in the system keyring."""

from __future__ import annotations

import sys

import click


@click.command("set-key")
@click.argument("provider")
def set_key(provider: str) -> None:
    """Store the API key for PROVIDER (anthropic, openai, azure, gemini…) in the system
    keyring, where it is looked up before environment variables.

    The key is asked for without echo; when stdin is not a terminal it is read from the
    first line of stdin:

    \b
      testgen config set-key anthropic
      printf '%s\\n' "$ANTHROPIC_API_KEY" | testgen config set-key anthropic
    """
    from ..secrets import env_var_for, set_api_key

    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        key = click.prompt(f"API key for {provider}", hide_input=True)
    else:
        key = (stdin.readline() if stdin is not None else "").strip()
    backend = set_api_key(provider, key)
    click.echo(f"stored the {provider.lower()} key in the keyring ({backend}); it takes "
               f"precedence over ${env_var_for(provider)}")
