"""Python: one module of each of six PyPI distributions, TestGen's kept tests beside Pynguin's.

How the six were chosen (fixed before anything was measured): the distributions in rank order
of PyPI's download counts (the 250 most downloaded) that install as a pure-Python wheel with no
runtime dependency and whose package computes on values it is given (a codec, parser or
matcher: no network, files, environment or terminal as its purpose), leaving out the held-out
ones (those of ``bench_python_offline.py``, ``real_repos/python.py``, and cachetools,
packaging, semver, python-slugify); from each, its largest module of at most 400 statements
that imports neither ``os`` nor an optional dependency. Taken in that order: idna (rank 5),
pathspec (43), PyJWT (44), jmespath (47), mdurl (60), pyasn1 (61). iniconfig (32) came before
pathspec but cannot be measured: pytest itself imports ``iniconfig`` from the project's
directory, so its mutants act on the test runner, not only on the tests.

For each module, in a fresh project that holds only the installed package (wheels carry no
tests; any ``tests`` folder inside one is removed):

* ``testgen``: :func:`~mutation_real.testgen_row` on the module file (``generate --engine
  offline --mutation sample``, then ``validate --mutation sample``), counting that file only;
* ``pynguin``: Pynguin (its version and virtualenv from ``bench_python_offline.py``) on the
  same module in a second copy of the project, ``--maximum-search-time`` 60 s (TestGen's
  per-module target), its tests scored by :func:`~mutation_real.validate_row` on the same
  seeded mutants of the same file. Its wall time is the search plus that validate run.

``MUTATION_REAL_KEEP=DIR`` keeps both projects with their tests in ``DIR/<module>/<tool>``;
``MUTATION_REAL_PYNGUIN=0`` leaves Pynguin out (its search is most of the wall time), for a
quick look at TestGen's rows alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mutation_real import Row, testgen_row, validate_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_python_offline import (  # noqa: E402
    Module, install_modules, install_pynguin, make_project, run)

PYNGUIN_SEARCH_S = 60

_MODULES = (
    Module("idna.core", "idna==3.10", "idna", "idna/core.py", "idna.core"),
    Module("pathspec.gitwildmatch", "pathspec==0.12.1", "pathspec",
           "pathspec/patterns/gitwildmatch.py", "pathspec.patterns.gitwildmatch"),
    Module("jwt.api_jws", "PyJWT==2.10.1", "jwt", "jwt/api_jws.py", "jwt.api_jws"),
    Module("jmespath.parser", "jmespath==1.0.1", "jmespath", "jmespath/parser.py",
           "jmespath.parser"),
    Module("mdurl._parse", "mdurl==0.1.2", "mdurl", "mdurl/_parse.py", "mdurl._parse"),
    Module("pyasn1.type.base", "pyasn1==0.6.1", "pyasn1", "pyasn1/type/base.py",
           "pyasn1.type.base"),
)
MODULES = {m.name: m for m in _MODULES}
PACKAGES = tuple(MODULES)


def _project(module: Module, where: Path) -> Path:
    site = install_modules([module])
    project = make_project(site, module, where)
    for own in (project / module.package).rglob("tests"):
        if own.is_dir():
            shutil.rmtree(own)
    return project


def _pynguin_row(module: Module, project: Path) -> Row:
    pynguin = install_pynguin()
    if pynguin is None:
        return Row(module.name, "pynguin", note="pynguin could not be installed")
    output = project / "tests"
    started = time.perf_counter()
    try:
        done = run([pynguin, "--project-path", project, "--module-name", module.module,
                    "--output-path", output, "--maximum-search-time", str(PYNGUIN_SEARCH_S),
                    "--seed", "1729"], cwd=project, env={"PYNGUIN_DANGER_AWARE": "1"},
                   timeout=PYNGUIN_SEARCH_S * 10 + 600)
    except subprocess.TimeoutExpired:
        return Row(module.name, "pynguin", wall_s=time.perf_counter() - started,
                   note="pynguin did not finish")
    searched_s = time.perf_counter() - started
    if not list(output.glob("test_*.py")):
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
        return Row(module.name, "pynguin", wall_s=searched_s,
                   note=f"no tests (exit {done.returncode}) {tail[0][:200] if tail else ''}")
    row = validate_row(module.name, "pynguin", project, files={module.target})
    row.wall_s += searched_s
    row.extra["search_s"] = round(searched_s, 1)
    return row


def measure(name: str, work: Path) -> list[Row]:
    module = MODULES[name]
    project = _project(module, work / "testgen")
    rows = [testgen_row(name, project, path=project / module.target, files={module.target})]
    projects = {"testgen": project}
    if os.environ.get("MUTATION_REAL_PYNGUIN") != "0":
        projects["pynguin"] = _project(module, work / "pynguin")
        rows.append(_pynguin_row(module, projects["pynguin"]))
    keep = os.environ.get("MUTATION_REAL_KEEP")
    if keep:  # the projects with their tests, to look at the survivors afterwards
        for tool, where in projects.items():
            shutil.copytree(where, Path(keep) / name / tool, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".testgen"))
    return rows
