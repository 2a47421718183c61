"""JavaScript and TypeScript: one :class:`~testgen.language.Language` object, registered by
the hook.

One language, ``javascript``, covers both dialects (``.js .mjs .cjs .jsx .ts .mts .cts .tsx``):
a project has one package.json, one test runner and one module system, whichever dialect its
files are written in.

Each method is the function of its name in the module of its stage (``parse`` →
``syntax.parse``; ``Language.stages``), imported on first use, so loading the plugin imports
none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.kit.mutation import MutationGrammar
from testgen.language import Language
from testgen.model import LanguageInfo

from . import package as pkg
from .package import LANGUAGE

EXTENSIONS = ("js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx")
# `x.test.js`, and the names node --test, nyc and c8 also take for tests: `test.js`,
# `test-x.js`, `x-test.js`.
TEST_FILE_PATTERNS = tuple(
    pattern.format(ext=ext) for ext in EXTENSIONS
    for pattern in ("*.test.{ext}", "*.spec.{ext}", "test.{ext}", "test-*.{ext}", "*-test.{ext}")
) + ("__tests__/", "test/", "tests/")

JAVASCRIPT = LanguageInfo(
    name=LANGUAGE, extensions=pkg.SUFFIXES, frameworks=pkg.FRAMEWORKS,
    default_framework=pkg.DEFAULT_FRAMEWORK, test_file_patterns=TEST_FILE_PATTERNS,
    grammar="javascript, typescript, tsx", toolchain=("node",),
    manifests=("package.json",), ignore_dirs=("coverage",),
    shipped_dirs=("dist", "build"), line_comments=("//", "/*", "*/", "* "),
)


class JavaScript(Language):
    info = JAVASCRIPT
    env_passthrough = ("NODE_PATH", "NPM_CONFIG_CACHE")
    test_patterns = (re.compile(r"^[ \t]*(?:test|it)\(\s*(['\"`])(.+?)\1", re.MULTILINE),
                     re.compile(r"^[ \t]*(?:async[ \t]+)?function[ \t]+(\w+)", re.MULTILINE))
    import_pattern = re.compile(r"^(?:import[ \t]|(?:const|let|var)[ \t]+.+=[ \t]*require\()")
    module_separator = "/"
    # One table for both dialects: the TypeScript grammars share these node types.
    mutation = MutationGrammar(
        functions=frozenset({"function_declaration", "function_expression", "function",
                             "arrow_function", "method_definition",
                             "generator_function_declaration", "generator_function"}),
        binary=frozenset({"binary_expression"}), negations=frozenset({"unary_expression"}),
        integers=frozenset({"number"}), boolean_nodes=frozenset({"true", "false"}),
        booleans={"true": "false", "false": "true"},
        strings=frozenset({"string", "template_string"}),
        calls=frozenset({"call_expression"}), returns=frozenset({"return_statement"}),
        null_value="undefined", raises=frozenset({"throw_statement"}), empty_statement=";",
    )
    stages = "testgen_javascript"


@hookimpl
def testgen_languages(register) -> None:
    register(JavaScript())
