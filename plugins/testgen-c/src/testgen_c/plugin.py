"""The C language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is implemented by the module named for its stage (``parse`` → ``syntax.py``,
``probe`` → ``probe.py``, …), imported on its first call (``implemented_by``), so loading the
plugin (``testgen --help``, ``testgen plugins``) imports none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.language import Language, implemented_by
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

    detect = implemented_by("testgen_c.project:detect")
    select_framework = implemented_by("testgen_c.project:select_framework")
    parse = implemented_by("testgen_c.syntax:parse")
    extract = implemented_by("testgen_c.syntax:extract")
    test_path = implemented_by("testgen_c.layout:test_path")
    probe = implemented_by("testgen_c.probe:probe")
    offline_candidates = implemented_by("testgen_c.offline:candidates")
    render_prompt = implemented_by("testgen_c.prompts:render_prompt")
    assemble = implemented_by("testgen_c.assemble:assemble")
    validate = implemented_by("testgen_c.validate:validate")
    run = implemented_by("testgen_c.run:run")


@hookimpl
def testgen_languages(register) -> None:
    register(C())
