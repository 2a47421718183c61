"""Nothing lost: SIGINT, SIGTERM and SIGKILL at random points of a 20-file run never leave a
half-written file, a lock that blocks the next run, or a state file that loses completed work.

The files are tiny and spread over four packages (four workers); each run resumes from the
state the previous one saved, so the four runs together do about one run's work.
"""

from __future__ import annotations

import json
import os
import py_compile
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from testgen.state import ProjectLock, content_hash

FILES = 20


def twenty_files(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    for i in range(FILES):
        (root / "p" / f"a{i % 4}").mkdir(parents=True, exist_ok=True)
        (root / "p" / f"a{i % 4}" / f"m{i}.py").write_text(
            f"def f{i}(n: int) -> int:\n    if n > {i}:\n        return n - {i}\n"
            f"    return {i}\n")
    return root


def state_of(project: Path) -> dict:
    path = project / ".testgen" / "state.json"
    return json.loads(path.read_text()) if path.exists() else {"entries": {}, "written": {}}


def generated(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("test_*testgen*.py"))


def start(project: Path, tmp: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "testgen", "-q", "generate", "--path", str(project), "--repeat",
         "0", "--parallel", "4", "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "NO_COLOR": "1", "TMPDIR": str(tmp), "TESTGEN_LOCK_WAIT": "0"})


def check_consistent(project: Path, before: dict, *, killed: bool) -> dict:
    state = state_of(project)  # parses: never half-written
    assert set(before["entries"]) <= set(state["entries"]), "completed work was lost"
    for path in generated(project):
        py_compile.compile(str(path), doraise=True)  # never half-written
        rel = path.relative_to(project).as_posix()
        if not killed:
            # Every file written is known to the state, with the content written.
            assert state["written"].get(rel) == content_hash(path.read_text()), rel
    for rel in state["written"]:
        assert (project / rel).exists(), rel
    if not killed:
        assert not list(project.rglob("*.testgen-tmp")), "a temporary file was left"
    return state


def test_signals_at_random_points_lose_nothing(tmp_path, isolated_home):
    project = twenty_files(tmp_path / "proj")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    seed = int(os.environ.get("TESTGEN_KILL_SEED", time.time()))
    chance = random.Random(seed)
    state = state_of(project)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        proc = start(project, tmp)
        time.sleep(chance.uniform(12.0, 30.0))
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=120)
        where = f"seed {seed}, {signal.Signals(signum).name}: {err[-2000:]}"
        if proc.returncode == 0:
            continue  # finished before the signal: nothing to check beyond the next run
        expected = -signal.SIGKILL if signum == signal.SIGKILL else 128 + signum
        assert proc.returncode == expected, where
        assert "Traceback" not in err, where
        state = check_consistent(project, state, killed=signum == signal.SIGKILL)
        with ProjectLock(project, wait=0):  # no lock survives, however the run ended
            pass
    final = start(project, tmp)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, f"seed {seed}: {err[-2000:]}"
    state = check_consistent(project, state, killed=False)
    assert len(generated(project)) == FILES
    assert {e["file"] for e in state["entries"].values()} == {
        f"p/a{i % 4}/m{i}.py" for i in range(FILES)}
    # The copies of the killed run were swept by the next one.
    assert list(tmp.glob("testgen-*")) == []
