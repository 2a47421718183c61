"""What Go needs here, for ``testgen doctor``."""

from __future__ import annotations

import shutil
import subprocess

from testgen.model import DoctorCheck, Project

LANGUAGE = "go"


def doctor(project: Project) -> list[DoctorCheck]:
    go = shutil.which("go")
    version = ""
    if go:
        try:
            version = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True,
                                     timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            version = ""
    install = "" if version else "install Go 1.21 or newer (https://go.dev/dl, or apt-get " \
                                 "install golang)"
    return [
        DoctorCheck(LANGUAGE, "toolchain", bool(version),
                    f"{version} at {go}" if version else "go not found", install),
        DoctorCheck(LANGUAGE, "coverage", bool(version),
                    "go test -coverprofile (built in)" if version else "needs go", install),
    ]
