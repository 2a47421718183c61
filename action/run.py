"""The logic of the TestGen GitHub Action (``action.yml``), runnable anywhere.

Reads its inputs from ``INPUT_*`` environment variables (set by action.yml), installs TestGen
and the plugins of the languages found, runs ``validate`` (and ``generate`` when asked) on
the changed code, writes SARIF, appends a Markdown summary to ``$GITHUB_STEP_SUMMARY``, sets
outputs in ``$GITHUB_OUTPUT`` and, when asked, commits the kept tests to a branch and opens a
pull request with ``gh``. Exit status: that of ``validate`` (1 when a threshold is not met).

Only the standard library: it runs before TestGen is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Manifest or file suffix → the plugin distribution for that language.
LANGUAGE_MARKERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "testgen-python": (("pyproject.toml", "setup.py", "setup.cfg"), (".py",)),
    "testgen-javascript": (("package.json",), (".js", ".ts", ".mjs", ".cjs", ".tsx", ".jsx")),
    "testgen-go": (("go.mod", "go.work"), (".go",)),
    "testgen-rust": (("Cargo.toml",), (".rs",)),
}
SKIP_DIRS = {".git", "node_modules", "vendor", "target", ".venv", "venv", "dist", "build",
             ".testgen", "__pycache__"}


def inputs(env: dict[str, str]) -> dict[str, str]:
    def get(name: str, default: str = "") -> str:
        return env.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip() or default

    return {
        "path": get("path", "."), "mode": get("mode", "validate"),
        "changed-since": get("changed-since"), "diff-coverage": get("diff-coverage"),
        "min-coverage": get("min-coverage"), "engine": get("engine"), "model": get("model"),
        "shard": get("shard"), "install": get("install", "pypi"),
        "version": get("version"), "source": get("source"),
        "commit": get("commit", "none"), "branch": get("branch"),
        "sarif": get("sarif", "testgen.sarif"), "report-dir": get("report-dir", ".testgen-ci"),
    }


def detect_plugins(root: Path) -> list[str]:
    """Plugin distributions for the languages under ``root`` (manifests first, then files)."""
    found = []
    for dist, (manifests, suffixes) in LANGUAGE_MARKERS.items():
        if any((root / m).exists() for m in manifests) or _has_suffix(root, suffixes):
            found.append(dist)
    return found


def _has_suffix(root: Path, suffixes: tuple[str, ...]) -> bool:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        if any(name.endswith(suffixes) for name in filenames):
            return True
    return False


def install_command(plugins: list[str], how: str, version: str, source: str) -> list[str] | None:
    """The pip command that installs TestGen and ``plugins`` (None: already installed)."""
    if how == "none":
        return None
    if how == "source":  # from a checkout of this repository (the action's own files)
        base = Path(source)
        specs = [f"{base}[llm]", *(str(base / p) for p in plugins)]
    else:
        pin = f"=={version}" if version else ""
        specs = [f"testgen[llm]{pin}", *(f"{p}{pin}" for p in plugins)]
    return [sys.executable, "-m", "pip", "install", "--quiet", *specs]


def changed_ref(given: str, env: dict[str, str]) -> str:
    """What to compare with: the input, else a pull request's base branch, else ``auto``."""
    if given:
        return given
    if env.get("GITHUB_BASE_REF"):
        return f"origin/{env['GITHUB_BASE_REF']}"
    return "auto"


def testgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "testgen", *args]
    print("+ testgen " + " ".join(args), flush=True)
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    sys.stderr.write(proc.stderr)
    return proc


def markdown(data: dict, kind: str) -> str:
    from testgen.report.markdown import render

    return render(data, kind=kind)


def append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def commit_tests(written: list[str], options: dict[str, str], env: dict[str, str],
                 cwd: Path, summary: str) -> str:
    """Commit the written test files on a new branch and push it; returns the branch."""
    sha = git("rev-parse", "--short", "HEAD", cwd=cwd)
    branch = options["branch"] or f"testgen/tests-{sha}"
    top = Path(git("rev-parse", "--show-toplevel", cwd=cwd))
    base = env.get("GITHUB_HEAD_REF") or git("rev-parse", "--abbrev-ref", "HEAD", cwd=cwd)
    git("checkout", "-q", "-B", branch, cwd=cwd)
    git("add", "--", *written, cwd=cwd)
    author = ["-c", "user.name=testgen[bot]", "-c",
              "user.email=testgen-bot@users.noreply.github.com"]
    git(*author, "commit", "-q", "-m", f"Add {len(written)} generated test file(s) (TestGen)",
        "-m", "Tests kept by TestGen: they compile, pass every run and add coverage.", cwd=cwd)
    git("push", "-q", "--force", "origin", f"{branch}:{branch}", cwd=top)
    if options["commit"] == "pull-request":
        body = top / ".testgen-pr-body.md"
        body.write_text(summary, encoding="utf-8")
        try:
            subprocess.run(["gh", "pr", "create", "--base", base, "--head", branch,
                            "--title", f"TestGen: tests for {sha}", "--body-file", str(body)],
                           cwd=top, check=True)
        finally:
            body.unlink(missing_ok=True)
    return branch


def main(env: dict[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    options = inputs(env)
    workdir = Path(env.get("GITHUB_WORKSPACE") or ".").resolve()
    root = (workdir / options["path"]).resolve()
    plugins = detect_plugins(root)
    print(f"languages: {', '.join(p.removeprefix('testgen-') for p in plugins) or 'none'}",
          flush=True)
    command = install_command(plugins, options["install"], options["version"],
                              options["source"] or str(Path(__file__).resolve().parents[1]))
    if command:
        subprocess.run(command, check=True)
    ref = changed_ref(options["changed-since"], env)
    reports = (workdir / options["report-dir"]).resolve()
    reports.mkdir(parents=True, exist_ok=True)
    common = ["--path", str(root), "--changed-since", ref]
    shard = ["--shard", options["shard"]] if options["shard"] else []
    outputs: dict[str, str] = {"changed-since": ref}
    summary = ""
    if options["mode"] in ("generate", "both"):
        gen_args = ["generate", *common, *shard, "--format", "json",
                    "--report", str(reports / "generate.json")]
        if options["engine"]:
            gen_args += ["--engine", options["engine"]]
        if options["model"]:
            gen_args += ["--model", options["model"]]
        generated = testgen(*gen_args, cwd=workdir)
        if generated.returncode == 2 or not (reports / "generate.json").exists():
            return generated.returncode or 2
        data = json.loads((reports / "generate.json").read_text())
        summary += markdown(data, "generate") + "\n"
        outputs["kept"] = str(data["summary"]["kept"])
        written = [str(Path(data["project_root"]) / p) for p in data["written"]]
        outputs["written"] = " ".join(data["written"])
        if written and options["commit"] in ("branch", "pull-request"):
            outputs["branch"] = commit_tests(written, options, env, workdir, summary)
    validate_code = 0
    if options["mode"] in ("validate", "both"):
        args = ["validate", *common, "--format", "json", "--report",
                str((workdir / options["sarif"]).resolve())]
        if options["diff-coverage"]:
            args += ["--diff-coverage", options["diff-coverage"]]
        if options["min-coverage"]:
            args += ["--min-coverage", options["min-coverage"]]
        validated = testgen(*args, cwd=workdir)
        validate_code = validated.returncode
        if validate_code == 2 or not validated.stdout.strip():
            return validate_code or 2
        data = json.loads(validated.stdout)
        (reports / "validate.json").write_text(validated.stdout, encoding="utf-8")
        summary += markdown(data, "validate")
        outputs["sarif"] = options["sarif"]
        outputs["passed"] = "true" if data["summary"]["passed"] else "false"
        if data.get("changes") is not None:
            outputs["diff-coverage"] = str(data["changes"]["percent"])
    append(env.get("GITHUB_STEP_SUMMARY"), summary)
    append(env.get("GITHUB_OUTPUT"), "".join(f"{k}={v}\n" for k, v in outputs.items()))
    print(summary)
    return validate_code


if __name__ == "__main__":
    sys.exit(main())
