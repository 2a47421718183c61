"""The C language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is the function of its name in the module of its stage (``parse`` →
``syntax.parse``, ``probe`` → ``probe.probe``, …; ``Language.stages``), imported on its first
call, so loading the plugin (``testgen plugins``) imports none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.kit.mutation import MutationGrammar
from testgen.language import Language
from testgen.model import LanguageInfo

from . import project as proj


class C(Language):
    info = LanguageInfo(
        name=proj.LANGUAGE, extensions=proj.EXTENSIONS, frameworks=proj.FRAMEWORKS,
        default_framework=proj.FRAMEWORK, test_file_patterns=proj.TEST_FILE_PATTERNS,
        grammar="c", toolchain=(proj.COMPILER,), manifests=proj.MANIFESTS,
        line_comments=("//", "/*", "*/", "* "),
    )
    test_patterns = (re.compile(r"^TEST\((\w+)\)", re.MULTILINE),)
    import_pattern = re.compile(r"^#include\b")
    module_separator = "/"
    # No `return` mutant: C has no null value of every type.
    mutation = MutationGrammar(
        functions=frozenset({"function_definition"}),
        binary=frozenset({"binary_expression"}), negations=frozenset({"unary_expression"}),
        integers=frozenset({"number_literal"}), boolean_nodes=frozenset({"true", "false"}),
        booleans={"true": "false", "false": "true"}, strings=frozenset({"string_literal"}),
        calls=frozenset({"call_expression"}), empty_statement=";",
    )
    stages = "testgen_c"


@hookimpl
def testgen_languages(register) -> None:
    register(C())
