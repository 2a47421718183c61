"""The documentation matches the code."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from testgen import config
from testgen.errors import CODES

ROOT = Path(__file__).resolve().parent.parent


def test_every_configuration_key_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = [key for key, _ in config.all_keys() if f"`{key}`" not in text]
    assert not missing, f"document these keys in docs/configuration.md: {missing}"


def test_cli_reference_matches_help():
    spec = importlib.util.spec_from_file_location("gen_cli_reference",
                                                  ROOT / "scripts" / "gen_cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_cli_reference"] = module
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "cli-reference.md").read_text()
    assert current == module.render(), "docs/cli-reference.md is stale: run `make docs`"


def test_every_error_code_family_is_explained_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for family in {code[:3] for code in CODES}:
        assert f"{family}xx" in readme


def contract_names() -> list[str]:
    """Every hook, and every public method and declaration of ``Language``."""
    from testgen import hookspecs
    from testgen.language import Language

    hooks = [name for name in vars(hookspecs) if name.startswith("testgen_")]
    members = [name for name in vars(Language) if not name.startswith("_")]
    return hooks + members


def test_every_hook_and_language_method_is_documented_for_plugin_authors():
    text = (ROOT / "docs" / "language-adapters.md").read_text()
    missing = [name for name in contract_names() if f"`{name}" not in text]
    assert not missing, f"document these in docs/language-adapters.md: {missing}"


def test_the_architecture_shows_every_hook_and_language_method():
    text = (ROOT / "docs" / "architecture.md").read_text()
    missing = [name for name in contract_names() if f"`{name}" not in text]
    assert not missing, f"show these in docs/architecture.md: {missing}"


def test_every_language_method_has_a_docstring():
    from testgen.language import Language

    undocumented = [name for name, value in vars(Language).items()
                    if callable(value) and not name.startswith("_") and not value.__doc__]
    assert not undocumented
