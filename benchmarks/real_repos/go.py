"""Go modules from the Go module proxy at pinned versions; module zips ship their tests.

Set up as their contributors do (``go mod download``); the native figure is ``go test
-coverprofile ./...`` read by ``go tool cover -func`` (statements), plus lines: a line is
covered when a block of the profile that spans it ran.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from real_repos import RealProject, download, run, which

PROXY = "https://proxy.golang.org"
BLOCK = re.compile(r"^(.+\.go):(\d+)\.\d+,(\d+)\.\d+ (\d+) (\d+)$")


def _escape(module: str) -> str:
    """The proxy's case encoding: every capital letter becomes ``!`` + its lower case."""
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), module)


def _fetch(module: str, version: str):
    def fetch(work: Path) -> Path:
        download(f"{PROXY}/{_escape(module)}/@v/{version}.zip", work / "zip")
        # A module zip holds ``<module>@<version>/...``.
        return work / "zip" / f"{module}@{version}"
    return fetch


def _setup(root: Path) -> None:
    which("go")
    run(["go", "mod", "download"], root)
    run(["go", "vet", "./..."], root, check=False)  # warms the build cache


def native_coverage(root: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="go-native-") as tmp:
        profile = Path(tmp) / "cover.out"
        run(["go", "test", "-count=1", f"-coverprofile={profile}", "./..."], root)
        func = run(["go", "tool", "cover", f"-func={profile}"], root).stdout
        text = profile.read_text(encoding="utf-8")
    total = [line for line in func.splitlines() if line.startswith("total:")][-1]
    statements = float(total.split()[-1].rstrip("%"))
    blocks: dict[tuple[str, int, int, int], bool] = {}
    for line in text.splitlines():
        match = BLOCK.match(line.strip())
        if match and int(match.group(4)):
            key = (match.group(1), int(match.group(2)), int(match.group(3)), 0)
            blocks[key] = blocks.get(key, False) or int(match.group(5)) > 0
    lines: dict[tuple[str, int], bool] = {}
    for (file, start, end, _), ran in blocks.items():
        if file.endswith("_test.go"):
            continue
        for number in range(start, end + 1):
            lines[(file, number)] = lines.get((file, number), False) or ran
    percent = 100.0 * sum(lines.values()) / len(lines) if lines else 100.0
    return {"lines": round(percent, 2), "statements": statements}


def _project(module: str, version: str, generate_paths: list[str]) -> RealProject:
    return RealProject(
        name=f"{module} {version}",
        language="go",
        fetch=_fetch(module, version),
        setup=_setup,
        test_command=["go", "test", "-count=1", "./..."],
        native_coverage=native_coverage,
        generate_paths=generate_paths,
    )


PROJECTS = [
    _project("github.com/hashicorp/go-version", "v1.7.0",
             ["version.go", "constraint.go", "version_collection.go"]),
    _project("github.com/google/uuid", "v1.6.0",
             ["uuid.go", "null.go", "time.go", "sql.go"]),
    _project("github.com/Masterminds/semver/v3", "v3.3.0",
             ["version.go", "collection.go"]),
    _project("github.com/dustin/go-humanize", "v1.0.1", ["comma.go", "bytes.go"]),
]
