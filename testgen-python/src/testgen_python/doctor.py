"""What Python needs here, for ``testgen doctor``."""

from __future__ import annotations

from testgen.errors import TestgenError
from testgen.model import DoctorCheck, Project

from .interpreter import LANGUAGE, locate


def doctor(project: Project) -> list[DoctorCheck]:
    try:
        interpreter, _prefix = locate(project.root, project.language_settings(LANGUAGE))
    except TestgenError as exc:
        return [DoctorCheck(LANGUAGE, "toolchain", False, exc.message, exc.hint)]
    if not interpreter.version:
        return [DoctorCheck(LANGUAGE, "toolchain", False,
                            f"{interpreter.executable} does not run",
                            "install Python 3.10 or newer, or name one with --python")]
    where = f"python {interpreter.version} at {interpreter.executable} ({interpreter.source})"
    checks = [DoctorCheck(LANGUAGE, "toolchain", True, where, "")]
    # A tool missing from the environment is lent from TestGen's private overlay, so it does
    # not stop TestGen; the hint is for running the generated tests without it.
    for tool, kind, label in (("pytest", "framework", "pytest"),
                              ("coverage", "coverage", "coverage.py")):
        present = tool not in interpreter.missing
        checks.append(DoctorCheck(
            LANGUAGE, kind, True,
            label if present else
            f"{tool} is not installed there: TestGen lends it from a private overlay",
            "" if present else f"{interpreter.executable} -m pip install {tool} "
                               "(to run the generated tests yourself)"))
    return checks
