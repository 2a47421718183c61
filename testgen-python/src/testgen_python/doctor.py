"""What Python needs here, for ``testgen doctor``."""

from __future__ import annotations

import subprocess

from testgen.model import DoctorCheck, Project

from .interpreter import choose

LANGUAGE = "python"
CODE = ("import sys, importlib.util as u\n"
        "print('%d.%d.%d' % sys.version_info[:3])\n"
        "for m in ('pytest', 'coverage'):\n"
        "    print(m, 1 if u.find_spec(m) else 0)\n")


def checks(project: Project) -> list[DoctorCheck]:
    interpreter = choose(project.root, needs_pytest=True)
    found: dict[str, bool] = {}
    version = ""
    try:
        env = {"PYTHONPATH": ":".join(interpreter.extra_path)} if interpreter.extra_path else None
        out = subprocess.run([interpreter.executable, "-c", CODE], capture_output=True,
                             text=True, timeout=30, env=env).stdout.split("\n")
        version = out[0].strip()
        found = {line.split()[0]: line.split()[1] == "1" for line in out[1:] if line.strip()}
    except (OSError, subprocess.SubprocessError, IndexError):
        pass
    where = f"python {version} at {interpreter.executable} ({interpreter.source})"
    return [
        DoctorCheck(LANGUAGE, "toolchain", bool(version),
                    where if version else f"{interpreter.executable} does not run",
                    "" if version else "install Python 3.10 or newer"),
        DoctorCheck(LANGUAGE, "framework", found.get("pytest", False),
                    "pytest" if found.get("pytest") else "pytest not importable (unittest "
                                                          "works without it)",
                    "" if found.get("pytest") else "pip install pytest"),
        DoctorCheck(LANGUAGE, "coverage", found.get("coverage", False),
                    "coverage.py" if found.get("coverage") else "coverage not importable",
                    "" if found.get("coverage") else "pip install coverage"),
    ]
