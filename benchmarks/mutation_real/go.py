"""Go modules for ``bench_mutation.py --real go``: the offline engine's kept tests beside
gremlins on the same tests.

Choice rule, fixed before anything was measured: small pure-Go libraries served by the Go
module proxy whose packages import only the standard library and their own module (no cgo,
no assembly, no ``unsafe``), with 100 to 1,500 lines of non-test Go in the root package,
none of them in ``bench_go_offline.py`` or ``real_repos/go.py``; the candidates looked at, in
alphabetical order: agnivade/levenshtein, google/shlex, hbollon/go-edlib, joho/godotenv,
mfonda/simhash, montanaflynn/stats, oklog/ulid/v2, zaf/g711. Two did not fit the rule and
are not here: mfonda/simhash imports golang.org/x/text, montanaflynn/stats has 4,060 lines.

Each module is fetched with ``go mod download`` into a private module cache; its root package
(plus its ``internal/`` packages, which the root imports) is copied without any ``_test.go``
file into a project of its own, so the kept tests are measured alone, and ``go mod
download`` there fills the usual module cache with what its go.mod requires (the sandboxed
probe reads that cache but has no network). ``testgen generate
--engine offline --mutation sample`` then ``testgen validate --mutation sample`` give the
``testgen`` row; ``gremlins unleash --output`` on the same project (the kept
``*_testgen_test.go`` files, nothing else) gives the ``gremlins`` row, with gremlins' own
mutants and default mutators.

gremlins: ``GOBIN=/tmp/go-bench/bin go install
github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0``; it is looked for in ``$GREMLINS``,
then on ``PATH``, then in ``/tmp/go-bench/bin``.

gremlins builds the package once per mutant; testgen builds a file's mutants in at once
(mutant schemata) but generate with ``--mutation sample`` still runs them per candidate test,
so the testgen wall time is reported split: ``extra["generate_s"]`` and
``extra["validate_s"]``. gremlins counts the mutants of package-level tables (a ``var``
block of negative numbers) as not covered, so its ``covered`` figure is the comparable one.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from mutation_real import Row, run, testgen_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_go_offline import go, make_project  # noqa: E402

# short name: (module, version) — pinned.
MODULES = {
    "levenshtein": ("github.com/agnivade/levenshtein", "v1.2.2"),
    "shlex": ("github.com/google/shlex", "v0.0.0-20191202100458-e7afc7fbc510"),
    "edlib": ("github.com/hbollon/go-edlib", "v1.7.0"),
    "godotenv": ("github.com/joho/godotenv", "v1.5.1"),
    "ulid": ("github.com/oklog/ulid/v2", "v2.1.2"),
    "g711": ("github.com/zaf/g711", "v1.4.0"),
}
PACKAGES = tuple(MODULES)
GREMLINS_VERSION = "v0.6.0"


def fetch(name: str, work: Path) -> Path:
    """The module's source directory in a private module cache under ``work``."""
    module, version = MODULES[name]
    done = go("mod", "download", "-json", f"{module}@{version}", cwd=work,
              env={"GOMODCACHE": str(work / "modcache")})
    return Path(json.loads(done.stdout)["Dir"])


def project(name: str, work: Path) -> Path:
    """The root package and its ``internal/`` packages, sources only, as a module."""
    module, _ = MODULES[name]
    source = fetch(name, work)
    target = make_project(source, module, work / name)
    for path in (source / "internal").rglob("*.go"):
        if path.name.endswith("_test.go") or "testdata" in path.parts:
            continue
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    # as a contributor would: the requirements' go.mod files into the module cache, which
    # the sandboxed probe reads but cannot fill (a go.mod before 1.17 loads the whole graph)
    go("mod", "download", cwd=target)
    return target


def find_gremlins() -> str | None:
    for candidate in (os.environ.get("GREMLINS"), shutil.which("gremlins"),
                      "/tmp/go-bench/bin/gremlins"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def gremlins_row(label: str, root: Path, like: Row) -> Row:
    """gremlins on the project as it is (the kept tests), read from its JSON output."""
    row = Row(label, "gremlins", tests=like.tests, line_coverage=like.line_coverage)
    gremlins = find_gremlins()
    if gremlins is None:
        row.note = ("gremlins not installed: GOBIN=/tmp/go-bench/bin go install "
                    f"github.com/go-gremlins/gremlins/cmd/gremlins@{GREMLINS_VERSION}")
        return row
    if not list(root.rglob("*_test.go")):
        row.note = "no kept tests"
        return row
    output = root.parent / f"{root.name}-gremlins.json"
    started = time.perf_counter()
    done = run([gremlins, "unleash", "--output", str(output)], cwd=root, timeout=3600,
               env={"GOFLAGS": "-modcacherw -buildvcs=false"})
    row.wall_s = time.perf_counter() - started
    if not output.is_file():
        said = (done.stdout + done.stderr).strip()
        row.note = ("gremlins needs the tests to pass first and they did not: "
                    if "failed to gather coverage" in said else "gremlins failed: ") + \
            " ".join(said.split())[-300:]
        return row
    report = json.loads(output.read_text())
    statuses = [m["status"] for f in report.get("files") or [] for m in f["mutations"]]
    row.mutants = len(statuses)
    row.killed = sum(s in ("KILLED", "TIMED OUT") for s in statuses)
    row.survived = statuses.count("LIVED")
    row.no_coverage = statuses.count("NOT COVERED")
    row.errors = statuses.count("NOT VIABLE")
    viable = row.killed + row.survived + row.no_coverage
    covered = row.killed + row.survived
    row.score = round(100.0 * row.killed / viable, 2) if viable else None
    row.covered_score = round(100.0 * row.killed / covered, 2) if covered else None
    row.extra["timed_out"] = statuses.count("TIMED OUT")
    return row


def measure(name: str, work: Path) -> list[Row]:
    module, version = MODULES[name]
    root = project(name, work)
    if version.count("-") >= 2:  # a pseudo-version v0.0.0-<date>-<commit>: the commit
        version = version.rsplit("-", 1)[-1][:7]
    label = f"{module.removeprefix('github.com/')}@{version}"
    ours = testgen_row(label, root)
    ours.extra["validate_s"] = round(ours.wall_s - ours.extra.get("generate_s", 0.0), 1)
    return [ours, gremlins_row(label, root, ours)]
