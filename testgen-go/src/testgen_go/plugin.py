"""The Go language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is the function of its name in the module of its stage (``parse`` →
``syntax.parse``; ``Language.stages``), imported on first use, so loading the plugin imports
none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.kit.mutation import MutationGrammar, Schemata
from testgen.language import Language
from testgen.model import LanguageInfo

LANGUAGE = "go"
GO = LanguageInfo(
    name=LANGUAGE,
    extensions=(".go",),
    frameworks=("testing", "testify"),
    default_framework="testing",
    test_file_patterns=("*_test.go",),
    grammar="go",
    toolchain=("go",),
    manifests=("go.mod", "go.work"),
    ignore_dirs=("testdata",),
    line_comments=("//", "/*", "*/", "* "),
)


class Go(Language):
    info = GO
    # GOCACHE is left out on purpose: the user's build cache is read-only in the sandbox, and
    # without it go keeps its cache under XDG_CACHE_HOME, which TestGen provides.
    env_passthrough = ("GOPATH", "GOROOT", "GOMODCACHE", "GOFLAGS", "GOPROXY", "GONOSUMDB",
                       "GOSUMDB", "GOTOOLCHAIN")
    test_patterns = (re.compile(r"^[ \t]*func[ \t]+(Test\w*)[ \t]*\(", re.MULTILINE),
                     re.compile(r"^[ \t]*func[ \t]+(\w+)", re.MULTILINE))
    import_pattern = re.compile(r"^import[ \t]")
    module_separator = "/"
    # No `return` mutant (a typed result has no one null value) and no removed `return err`;
    # a removed call leaves an empty line, which Go accepts as no statement. Format strings
    # stay: `go test` runs vet, which rejects an emptied one that still has arguments.
    mutation = MutationGrammar(
        functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
        binary=frozenset({"binary_expression"}), negations=frozenset({"unary_expression"}),
        integers=frozenset({"int_literal"}), boolean_nodes=frozenset({"true", "false"}),
        booleans={"true": "false", "false": "true"},
        strings=frozenset({"interpreted_string_literal"}),
        skip_strings_matching=r"%[-+# 0-9.*\[\]]*[a-zA-Z%]",
        calls=frozenset({"call_expression"}), empty_statement="",
        # One build for a file's mutants: each body copied per mutant behind a switch read
        # from the environment once (imports on the package clause's line: no line moves).
        schemata=Schemata(
            functions=frozenset({"function_declaration", "method_declaration"}),
            branch='if {switch} == {number} {{ {body}; panic("unreachable") }}',
            branch_void="if {switch} == {number} {{ {body}; return }}", result_field="result",
            prelude='; import ({switch}_os "os"; {switch}_strconv "strconv")',
            prelude_after="package_clause",
            switch='var {switch}, _ = {switch}_strconv.Atoi({switch}_os.Getenv("{variable}"))',
            unfit_nodes=frozenset({"labeled_statement"})),
    )
    stages = "testgen_go"


@hookimpl
def testgen_languages(register) -> None:
    register(Go())
