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
