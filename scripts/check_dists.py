"""Build every distribution and prove each language installs and works on its own.

For each language plugin: a fresh venv gets only the built `testgen` wheel and that plugin's
wheel (their dependencies come from the registry), `testgen plugins --json` must list that
language and no other, and `testgen generate --engine offline` on a copy of its example must
keep tests. Languages whose toolchain is missing are skipped with the reason.

    python scripts/check_dists.py            # build into dist/ and check every language
    python scripts/check_dists.py --build    # only build wheels and sdists into dist/
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISTS = {  # distribution directory → (language, example, toolchain)
    "testgen-python": ("python", "examples/python", None),
    "testgen-javascript": ("javascript", "examples/javascript", "node"),
    "testgen-go": ("go", "examples/go", "go"),
    "testgen-rust": ("rust", "examples/rust", "cargo"),
    "plugins/testgen-c": ("c", "plugins/testgen-c/tests/fixtures/sample", "gcc"),
}


def uv() -> list[str]:
    found = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(found).exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "uv"], check=True)
    return [found]


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for directory in [".", *DISTS]:
        subprocess.run([*uv(), "build", "--quiet", "--out-dir", str(out), str(ROOT / directory)],
                       check=True)
    print(f"built: {', '.join(sorted(p.name for p in out.iterdir()))}")


def wheel(out: Path, project: str) -> Path:
    name = project.replace("-", "_")
    found = sorted(out.glob(f"{name}-*.whl"))
    if not found:
        sys.exit(f"no wheel for {project} in {out}")
    return found[-1]


def check(out: Path, directory: str, tmp: Path) -> str:
    language, example, tool = DISTS[directory]
    if tool and shutil.which(tool) is None:
        return f"{language}: skipped ({tool} not installed)"
    venv = tmp / f"venv-{language}"
    subprocess.run([*uv(), "venv", "--quiet", str(venv)], check=True)
    python = venv / "bin" / "python"
    dist_name = Path(directory).name
    subprocess.run([*uv(), "pip", "install", "--quiet", "--python", str(python),
                    str(wheel(out, "testgen")), str(wheel(out, dist_name))], check=True)
    listing = json.loads(subprocess.run([str(venv / "bin" / "testgen"), "plugins", "--json"],
                                        check=True, capture_output=True, text=True).stdout)
    languages = sorted({lang for p in listing["plugins"] for lang in p["languages"]})
    if languages != [language] or listing["problems"]:
        sys.exit(f"{dist_name}: expected only {language!r}, got {languages} "
                 f"(problems: {listing['problems']})")
    project = tmp / f"example-{language}"
    shutil.copytree(ROOT / example, project, symlinks=True,
                    ignore=shutil.ignore_patterns(".testgen", "target", "node_modules",
                                                  "*_testgen*", "*.testgen.*", "testgen_*"))
    if (ROOT / example / "node_modules").is_dir():
        (project / "node_modules").symlink_to(ROOT / example / "node_modules")
    report = tmp / f"report-{language}.json"
    result = subprocess.run([str(venv / "bin" / "testgen"), "-q", "generate", "--path",
                             str(project), "--engine", "offline", "--report", str(report)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{dist_name}: generate failed ({result.returncode}): {result.stderr[-2000:]}")
    kept = json.loads(report.read_text())["summary"]["kept"]
    if not kept:
        sys.exit(f"{dist_name}: generate kept no test on {example}")
    return f"{language}: {dist_name} alone lists only {language!r}; generate kept {kept} tests"


def main(argv: list[str]) -> int:
    out = ROOT / "dist"
    if out.exists():
        shutil.rmtree(out)
    build(out)
    if "--build" in argv:
        return 0
    with tempfile.TemporaryDirectory(prefix="testgen-dists-") as tmp:
        for directory in DISTS:
            print(check(out, directory, Path(tmp)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
