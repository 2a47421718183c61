"""A run that survives every stop, one run per project, and a coded error for every mistake."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testgen.state import ProjectLock, State

SMALL = {"pyproject.toml": "[project]\nname = 'p'\nversion = '0'\n",
         "p/__init__.py": "",
         "p/calc.py": "def double(n: int) -> int:\n    return 2 * n\n"}


# ----------------------------------------------------------------------------- state file


@pytest.mark.parametrize("content", ["null", "[]", "42", '"x"', '{"version": 1, "entries": []}',
                                     '{"version": 1, "entries": {"k": null}, "written": 3}'])
def test_a_state_file_of_any_shape_starts_afresh(tmp_path, content):
    (tmp_path / ".testgen").mkdir()
    (tmp_path / ".testgen" / "state.json").write_text(content)
    state = State.load(tmp_path)
    assert state.entries == {}
    assert state.written == {}


def test_generate_with_a_null_state_file_works(run_cli, make_project):
    project = make_project(SMALL)
    (project / ".testgen").mkdir()
    (project / ".testgen" / "state.json").write_text("null")
    result = run_cli("generate", "--path", str(project), "--repeat", "0")
    assert result.returncode == 0, result.output
    assert json.loads((project / ".testgen" / "state.json").read_text())["entries"]


# ----------------------------------------------------------------------------- lock


def test_a_second_run_on_a_locked_project_fails_with_tg208(run_cli, make_project):
    project = make_project(SMALL)
    with ProjectLock(project):
        result = run_cli("generate", "--path", str(project), env={"TESTGEN_LOCK_WAIT": "0"})
    assert result.returncode == 2, result.output
    assert "error[TG212]" in result.stderr
    assert f"pid {os.getpid()}" in result.stderr


def test_a_waiting_run_says_so_and_proceeds_when_the_lock_is_released(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from testgen.state import ProjectLock\n"
        f"with ProjectLock(Path({str(tmp_path)!r})):\n"
        "    print('held', flush=True); time.sleep(1.5)\n")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    told = []
    start = time.monotonic()
    with ProjectLock(tmp_path, wait=30, notify=told.append):
        waited = time.monotonic() - start
    holder.wait()
    assert told and "waiting for another testgen run" in told[0]
    assert 0.5 < waited < 20


def test_the_lock_of_a_killed_run_never_blocks_the_next(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time; from pathlib import Path; from testgen.state import ProjectLock\n"
        f"with ProjectLock(Path({str(tmp_path)!r})):\n"
        "    print('held', flush=True); time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with ProjectLock(tmp_path, wait=0):
        pass


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bwrap for a read-only mount")
def test_a_read_only_project_fails_up_front_with_tg209(make_project, isolated_home):
    project = make_project(SMALL)
    argv = ["bwrap", "--bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--ro-bind",
            str(project), str(project), "--", sys.executable, "-m", "testgen", "generate",
            "--path", str(project)]
    start = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    if "Operation not permitted" in done.stderr and "bwrap" in done.stderr:
        pytest.skip("bwrap cannot mount here")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "error[TG209]" in done.stderr
    assert time.monotonic() - start < 60


# ----------------------------------------------------------------------------- CLI errors


@pytest.mark.parametrize("args", [("generate", "--parallel", "0"),
                                  ("validate", "--min-coverage", "150"),
                                  ("generate", "--no-such-option"),
                                  ("no-such-command",)])
def test_usage_errors_carry_a_tg_code_and_hint(run_cli, args):
    result = run_cli(*args)
    assert result.returncode == 2, result.output
    assert "error[TG105]" in result.stderr
    assert "hint:" in result.stderr


@pytest.mark.parametrize("args", [("generate", "--parallel", "0"),
                                  ("generate", "--path", "/no/such/place")])
def test_debug_adds_a_traceback_but_keeps_the_exit_status(run_cli, args):
    result = run_cli("--debug", *args)
    assert result.returncode == 2, result.output
    assert "error[TG" in result.stderr


def test_a_symlink_to_an_ancestor_does_not_make_validate_loop(run_cli, make_project):
    project = make_project({**SMALL, "tests/test_calc.py":
                            "from p.calc import double\n\ndef test_double():\n"
                            "    assert double(2) == 4\n"})
    (project / "sub").mkdir()
    (project / "sub" / "up").symlink_to("..")
    result = run_cli("validate", "--path", str(project), "--format", "json", timeout=120)
    assert result.returncode == 0, result.output
    assert json.loads(result.stdout)["summary"]["tests"]["passed"] == 1


# ----------------------------------------------------------------------------- signals


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_like_ctrl_c(make_project, isolated_home, tmp_path, signum,
                                             status):
    project = make_project({**SMALL, "tests/test_slow.py":
                            "import time\n\ndef test_slow():\n    time.sleep(60)\n"})
    report = tmp_path / "report.json"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "testgen", "generate", "--path",
                             str(project), "--timeout", "120", "--report", str(report)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NO_COLOR": "1", "TMPDIR": str(tmp)})
    time.sleep(5)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == status, out + err
    assert "Traceback" not in err
    assert json.loads(report.read_text())["interrupted"] is True
    assert list(tmp.glob("testgen-*")) == []  # the shadow copies are gone
    with ProjectLock(project, wait=0):
        pass


def test_shadow_copies_of_a_dead_run_are_swept(tmp_path):
    from testgen.sandbox import sweep_stale

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"testgen-{dead.pid}-abc"
    (stale / "proj").mkdir(parents=True)
    live = tmp_path / f"testgen-{os.getpid()}-def"
    live.mkdir()
    assert sweep_stale(tmp_path) == [stale]
    assert not stale.exists()
    assert live.exists()


# ----------------------------------------------------------------------------- fallback


def test_without_bwrap_on_path_the_limited_sandbox_runs_and_says_so(run_cli, make_project,
                                                                    tmp_path):
    # A PATH of every tool but bwrap.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            if name != "bwrap" and not (bin_dir / name).exists():
                (bin_dir / name).symlink_to(Path(directory) / name)
    project = make_project(SMALL)
    result = run_cli("generate", "--path", str(project), "--repeat", "0",
                     env={"PATH": str(bin_dir)})
    assert result.returncode == 0, result.output
    assert result.stderr.count("sandbox: limited — install bubblewrap") == 1
    assert (project / "tests" / "test_calc_testgen.py").exists() or \
        list(project.rglob("*testgen*.py"))
    listed = run_cli("plugins", "--json", env={"PATH": str(bin_dir)})
    assert json.loads(listed.stdout)["sandbox"]["kind"] == "limited"


def test_detached_children_of_a_killed_run_are_killed_at_the_next_start(tmp_path):
    # The fallback sandbox cannot follow a child that left its process group once TestGen
    # itself is gone; the next run finds it by the launch marker and ends it.
    from testgen.sandbox import RUN_MARKER, sweep_stale

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                              env={**os.environ, RUN_MARKER: f"{dead.pid}-1"},
                              start_new_session=True)
    time.sleep(0.3)
    import testgen.sandbox as sandbox

    sandbox._swept = False
    sweep_stale()
    assert orphan.wait(timeout=10) == -signal.SIGKILL
