"""What Rust needs here, for ``testgen doctor``."""

from __future__ import annotations

import shutil

from testgen.model import DoctorCheck, Project

from .coverage import find_tools

LANGUAGE = "rust"


def doctor(project: Project) -> list[DoctorCheck]:
    cargo = shutil.which("cargo")
    out = [DoctorCheck(LANGUAGE, "toolchain", cargo is not None,
                       f"cargo at {cargo}" if cargo else "cargo not found",
                       "" if cargo else "install Rust with rustup (https://rustup.rs) or "
                                        "apt-get install cargo")]
    lookup = find_tools()
    if lookup.tools is not None:
        out.append(DoctorCheck(LANGUAGE, "coverage", True,
                               f"LLVM {lookup.tools.version}: {lookup.tools.cov}"))
    else:
        reason, _, install = lookup.reason.partition("; install ")
        out.append(DoctorCheck(LANGUAGE, "coverage", False, reason,
                               f"install {install}" if install else ""))
    return out
