"""The Python language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is the function of its name in the module of its stage (``parse`` →
``syntax.parse``; ``Language.stages``), imported on first use, so loading the plugin imports
none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.kit.mutation import MutationGrammar
from testgen.language import Language, implemented_by
from testgen.model import LanguageInfo

LANGUAGE = "python"
FRAMEWORKS = ("pytest", "unittest")

LANGUAGE_INFO = LanguageInfo(
    name=LANGUAGE,
    extensions=(".py",),
    frameworks=FRAMEWORKS,
    default_framework="pytest",
    test_file_patterns=("test_*.py", "*_test.py", "tests/**/conftest.py", "conftest.py"),
    grammar="python",
    toolchain=(),  # runs with the project's interpreter (or the one running TestGen)
    manifests=("pyproject.toml", "setup.py", "setup.cfg"),
    ignore_dirs=(".eggs", "site-packages", "htmlcov"),
    package_markers=("__init__.py",),
    line_comments=("#",),
    interpreter=True,
)


class Python(Language):
    info = LANGUAGE_INFO
    env_passthrough = ("VIRTUAL_ENV", "PYENV_ROOT", "PYENV_VERSION")
    test_patterns = (re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(test\w*)", re.MULTILINE),
                     re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE))
    import_pattern = re.compile(r"^(?:import[ \t]|from[ \t]+\S+[ \t]+import[ \t])")
    module_separator = "."
    mutation = MutationGrammar(
        functions=frozenset({"function_definition", "lambda"}),
        binary=frozenset({"binary_operator", "comparison_operator", "boolean_operator"}),
        negations=frozenset({"not_operator"}), integers=frozenset({"integer"}),
        boolean_nodes=frozenset({"true", "false"}), booleans={"True": "False", "False": "True"},
        strings=frozenset({"string"}), calls=frozenset({"call"}),
        returns=frozenset({"return_statement"}), null_value="None",
        raises=frozenset({"raise_statement"}), empty_statement="pass",
    )
    stages = "testgen_python"
    outline = implemented_by("testgen_python.syntax:outline")


@hookimpl
def testgen_languages(register) -> None:
    register(Python())
