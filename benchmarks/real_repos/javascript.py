"""Real npm packages with their own suites: mocha (UMD), jest + TypeScript, vitest + TypeScript.

Each is the registry's tarball at a pinned version, which for these three includes the test
suite (object-path's test.js, hashids's src/tests, zod's src/**/tests: its core and mini
suites, which run in about a minute here, where the whole suite takes several and needs
packages its manifest does not list). Dependencies come
from `npm install`. Where the published manifest names tooling that only works inside the
authors' monorepo or scaffold (zod's root vitest config, hashids's beemo driver for jest), the
setup writes the equivalent plain configuration, as a contributor running the suite alone
would: that is the only change made before measuring.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from real_repos import RealProject, download, run

REGISTRY = "https://registry.npmjs.org"
NPM_INSTALL = ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"]


def tarball(name: str, version: str):
    def fetch(work: Path) -> Path:
        base = name.rsplit("/", 1)[-1]
        return download(f"{REGISTRY}/{name}/-/{base}-{version}.tgz", work)
    return fetch


def summary_lines(report_dir: Path) -> dict[str, float]:
    data = json.loads((report_dir / "coverage-summary.json").read_text())
    return {"lines": float(data["total"]["lines"]["pct"]),
            "statements": float(data["total"]["statements"]["pct"])}


# --------------------------------------------------------------------------- object-path


def object_path_setup(root: Path) -> None:
    run(NPM_INSTALL, root)


def object_path_coverage(root: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        run(["npx", "nyc", "--reporter=json-summary", f"--report-dir={tmp}/report",
             f"--temp-dir={tmp}/nyc", "mocha", "test.js"], root)
        return summary_lines(Path(tmp) / "report")


# --------------------------------------------------------------------------- hashids


HASHIDS_DEV = {"jest": "29.7.0", "babel-jest": "29.7.0", "@babel/core": "7.26.0",
               "@babel/preset-env": "7.26.0", "@babel/preset-typescript": "7.26.0"}


def hashids_setup(root: Path) -> None:
    # The authors run jest through their scaffold (`beemo jest`, installed by a prepare hook
    # that needs their git hooks); the same jest + babel TypeScript setup, stated plainly.
    manifest = json.loads((root / "package.json").read_text())
    manifest["devDependencies"] = HASHIDS_DEV
    manifest["scripts"]["test"] = "jest"
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (root / "babel.config.js").write_text(
        "module.exports = {\n  presets: [\n    ['@babel/preset-env', { targets: { node: "
        "'current' } }],\n    '@babel/preset-typescript',\n  ],\n};\n")
    run([*NPM_INSTALL, "--ignore-scripts"], root)


def hashids_coverage(root: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        run(["npx", "jest", "--coverage", "--coverageProvider=v8",
             "--coverageReporters=json-summary", f"--coverageDirectory={tmp}",
             f"--cacheDirectory={tmp}/cache", "--collectCoverageFrom=src/**/*.ts",
             "--collectCoverageFrom=!src/tests/**", "--collectCoverageFrom=!src/**/*.d.ts"],
            root)
        return summary_lines(Path(tmp))


# --------------------------------------------------------------------------- zod


ZOD_DEV = {"vitest": "3.2.4", "@vitest/coverage-v8": "3.2.4", "typescript": "5.9.3"}


def zod_setup(root: Path) -> None:
    # zod's tests import "zod/v4" and run against src/ through the "@zod/source" export
    # condition set in the monorepo's root vitest config; the published package has neither
    # that config nor dev dependencies.
    manifest = json.loads((root / "package.json").read_text())
    manifest["devDependencies"] = ZOD_DEV
    manifest.setdefault("scripts", {})["test"] = "vitest run"
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (root / "vitest.config.ts").write_text(
        "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({\n"
        "  resolve: { conditions: ['@zod/source'] },\n"
        "  ssr: { resolve: { conditions: ['@zod/source'] } },\n"
        "  test: {\n    include: ['src/v4/core/**/*.test.ts', 'src/v4/mini/**/*.test.ts'],\n"
        "    coverage: { include: ['src/v4/core/**/*.ts', 'src/v4/mini/**/*.ts'],"
        " exclude: ['**/tests/**'] },\n  },\n});\n")
    run([*NPM_INSTALL, "--ignore-scripts"], root)


def zod_coverage(root: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        run(["npx", "vitest", "run", "--cache=false", "--coverage.enabled=true",
             "--coverage.provider=v8", "--coverage.reporter=json-summary",
             f"--coverage.reportsDirectory={tmp}"], root)
        return summary_lines(Path(tmp))


PROJECTS = [
    RealProject(
        name="object-path 0.11.8", language="javascript",
        fetch=tarball("object-path", "0.11.8"), setup=object_path_setup,
        test_command=["npm", "test"], native_coverage=object_path_coverage,
        generate_paths=["index.js"],
    ),
    RealProject(
        name="hashids 2.3.0", language="javascript",
        fetch=tarball("hashids", "2.3.0"), setup=hashids_setup,
        test_command=["npx", "jest"], native_coverage=hashids_coverage,
        generate_paths=["src/util.ts"],
    ),
    RealProject(
        name="zod 4.1.12", language="javascript",
        fetch=tarball("zod", "4.1.12"), setup=zod_setup,
        test_command=["npx", "vitest", "run", "--cache=false"], native_coverage=zod_coverage,
        generate_paths=["src/v4/core/doc.ts", "src/v4/core/util.ts"],
    ),
]
