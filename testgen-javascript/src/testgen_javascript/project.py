"""Detect JavaScript/TypeScript packages and choose the test framework for a project."""

from __future__ import annotations

from testgen.errors import PluginError
from testgen.model import Detection, Framework, Project

from .package import (
    DEFAULT_FRAMEWORK, FRAMEWORKS, LANGUAGE, PackageInfo, detect_framework, find_package,
    framework_details, framework_from_script, package_manager, uses_typescript, workspace_packages,
)


def detect(project: Project) -> list[Detection]:
    root = project.root
    manifest = root / "package.json"
    if not manifest.is_file():
        return []
    pkg = find_package(root, stop=root)
    detections = [_detection(pkg)]
    for member in workspace_packages(pkg):
        detections.append(_detection(find_package(member, stop=member)))
    return detections


def _detection(pkg: PackageInfo) -> Detection:
    framework, reason = detect_framework(pkg)
    evidence = [f"package.json: {reason}"]
    if pkg.module_type == "module":
        evidence.append('package.json: "type": "module" (ES modules)')
    if uses_typescript(pkg):
        evidence.append("tsconfig.json or a typescript dependency (TypeScript)")
    manager = package_manager(pkg.root)
    details = framework_details(pkg, framework)
    details.update({"name": pkg.manifest.get("name", ""), "package_manager": manager})
    return Detection(language=LANGUAGE, root=pkg.root, framework=framework,
                     evidence=tuple(evidence), details=details)


def select_framework(project: Project, requested: str | None) -> Framework:
    settings = project.language_settings(LANGUAGE)
    wanted = requested or settings.get("framework")
    pkg = find_package(project.root, stop=project.root) if (project.root / "package.json").is_file() \
        else PackageInfo(project.root)
    if wanted:
        if wanted not in FRAMEWORKS:
            raise PluginError(
                f"unknown JavaScript test framework {wanted!r}", code="TG504",
                hint=f"choose one of: {', '.join(FRAMEWORKS)}")
        name, reason = wanted, "requested"
    elif pkg.exists:
        name, reason = detect_framework(pkg)
    else:
        name, reason = DEFAULT_FRAMEWORK, "no package.json; node:test needs no install"
    details = framework_details(pkg, name)
    return Framework(name=name, language=LANGUAGE, reason=reason, details=details,
                     run_hint=run_hint(pkg, name, bool(details.get("typescript"))))


RUN_COMMANDS = {"jest": "npx jest", "vitest": "npx vitest run", "mocha": "npx mocha",
                "node:test": "node --test"}


def run_hint(pkg: PackageInfo, framework: str, typescript: bool) -> str:
    """The command that runs the generated tests, when ``npm test`` would not."""
    if framework_from_script(pkg.test_script) == framework:
        return ""
    command = RUN_COMMANDS[framework]
    if framework == "node:test" and typescript:
        command = "npx tsx --test"  # Node 20 cannot load .ts files by itself
    if framework == "mocha":
        command += " --ignore 'node_modules/**' '**/*.testgen.test.*'"
    why = "the project has no test script" if not pkg.test_script else \
        f"`{pkg.test_script}` does not run {framework}"
    return f"{command} ({why})"

