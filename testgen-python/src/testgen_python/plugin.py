"""The Python language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is implemented by the module named for its stage, imported on first use
(``implemented_by``), so loading the plugin imports none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.language import Language, implemented_by
from testgen.model import Detection, Framework, LanguageInfo, Project, SourceFile

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

    select_framework = implemented_by("testgen_python.project:select_framework")
    doctor = implemented_by("testgen_python.doctor:checks")
    parse = implemented_by("testgen_python.syntax:parse")
    extract = implemented_by("testgen_python.syntax:extract")
    probe = implemented_by("testgen_python.probe:probe")
    offline_candidates = implemented_by("testgen_python.offline:offline_candidates")
    render_prompt = implemented_by("testgen_python.prompts:render_prompt")
    assemble = implemented_by("testgen_python.assemble:assemble")
    validate = implemented_by("testgen_python.validate:validate")
    run = implemented_by("testgen_python.run:run")

    def detect(self, project: Project) -> list[Detection]:
        from .project import detect

        return detect(project.root)

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        from .layout import test_path

        return test_path(source.project_root, source.rel_path)


@hookimpl
def testgen_languages(register) -> None:
    register(Python())
