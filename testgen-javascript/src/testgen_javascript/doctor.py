"""What JavaScript/TypeScript needs here, for ``testgen doctor``."""

from __future__ import annotations

import shutil
import subprocess

from testgen.model import DoctorCheck, Project

from .project import select_framework

LANGUAGE = "javascript"


def doctor(project: Project) -> list[DoctorCheck]:
    node = shutil.which("node")
    version = _version(node) if node else ""
    out = [DoctorCheck(LANGUAGE, "toolchain", bool(version),
                       f"node {version} at {node}" if version else "node not found",
                       "" if version else "install Node.js 18 or newer (apt-get install nodejs)")]
    try:
        framework = select_framework(project, None)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        out.append(DoctorCheck(LANGUAGE, "framework", False, str(exc)))
        return out
    missing = framework.details.get("missing")
    out.append(DoctorCheck(LANGUAGE, "framework", not missing,
                           f"{framework.name} ({framework.reason})" + (
                               f": package {missing} is not installed" if missing else ""),
                           framework.details.get("install", "") if missing else ""))
    coverage = ("V8 coverage of node (NODE_V8_COVERAGE)" if framework.name in
                ("node:test", "mocha") else f"{framework.name}'s own coverage")
    out.append(DoctorCheck(LANGUAGE, "coverage", bool(version), coverage if version
                           else "needs node", "" if version else "install Node.js"))
    return out


def _version(node: str) -> str:
    try:
        return subprocess.run([node, "--version"], capture_output=True, text=True,
                              timeout=20).stdout.strip().lstrip("v")
    except (OSError, subprocess.SubprocessError):
        return ""
