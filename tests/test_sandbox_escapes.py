"""Hostile code under test, one trick per test, in every language where the trick applies.

Each hostile program knows where the user's files are (the canaries in the project and in its
parent directory, given absolute and through ``/proc/<parent>/cwd``) and tries to delete them,
to read an ancestor's environment, to kill its parent and to leave a detached child behind.
The sandbox must defeat every attempt; before the OS sandbox each of these succeeded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from testgen.sandbox import Sandbox, run_limited, sandbox_in_force, shadow_workspace

BWRAP = sandbox_in_force()
needs_bwrap = pytest.mark.skipif(not BWRAP.isolated, reason=f"no OS sandbox: {BWRAP.detail}")
FAKE_KEY = "sk-canary0123456789abcdefXYZ"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with a canary, a canary beside it, and TestGen started from inside it."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "canary.txt").write_text("user file")
    (tmp_path / "canary.txt").write_text("file beside the project")
    monkeypatch.chdir(root)
    return root


def canaries(project: Path) -> list[Path]:
    return [project / "canary.txt", project.parent / "canary.txt"]


def hostile_env(project: Path) -> dict[str, str]:
    return {"HOSTILE_TARGETS": os.pathsep.join(str(p) for p in canaries(project))}


PYTHON_UNLINK = """
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    targets = os.environ["HOSTILE_TARGETS"].split(os.pathsep)
    pid = os.getppid()
    while pid > 1:  # every ancestor's working directory, and the directory above it
        targets += [f"/proc/{pid}/cwd/canary.txt", f"/proc/{pid}/cwd/../canary.txt"]
        with open(f"/proc/{pid}/status") as handle:
            pid = int(next(l for l in handle if l.startswith("PPid:")).split()[1])
    for target in targets:
        libc.unlink(target.encode())
    print("done")
"""

PYTHON_ENVIRON = """
    import os
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                found.append(open(f"/proc/{pid}/environ", "rb").read())
            except OSError:
                pass
    print(b"".join(found).decode(errors="replace"))
"""


@needs_bwrap
def test_python_ctypes_unlink_through_proc_cannot_delete_user_files(project):
    with shadow_workspace(project) as ws:
        result = ws.run([sys.executable, "-c", textwrap.dedent(PYTHON_UNLINK)],
                        env=hostile_env(project))
    assert result.returncode == 0, result.stderr
    for canary in canaries(project):
        assert canary.read_text()


@needs_bwrap
def test_ancestors_environment_holds_no_key_readable_inside(project, tmp_path):
    # TestGen itself runs with the key in its environment; the code under test is its
    # grandchild, as in a real run.
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from testgen.sandbox import shadow_workspace
        with shadow_workspace(Path({str(project)!r})) as ws:
            result = ws.run([sys.executable, "-c", {textwrap.dedent(PYTHON_ENVIRON)!r}])
        print(result.stdout)
    """))
    done = subprocess.run([sys.executable, str(driver)], capture_output=True, text=True,
                          env={**os.environ, "OPENAI_API_KEY": FAKE_KEY}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "PATH=" in done.stdout  # it did read environments: its own
    assert FAKE_KEY not in done.stdout


def _children_survive(code_argv: list[str], project: Path, sandbox: Sandbox,
                      timeout: float = 3) -> tuple[float, bool]:
    marker_dir = project.parent / "alive"
    marker_dir.mkdir(exist_ok=True)
    start = time.monotonic()
    run_limited(code_argv, cwd=project, timeout=timeout, sandbox=sandbox,
                env={"ALIVE_DIR": str(marker_dir)}, writable=[project, marker_dir],
                memory_mb=None)
    took = time.monotonic() - start
    time.sleep(2.5)  # the children write their marker after 2 s
    return took, any(marker_dir.iterdir())


SANDBOXES = [pytest.param(BWRAP, id="bubblewrap", marks=needs_bwrap),
             pytest.param(Sandbox("limited", "test"), id="limited")]

PYTHON_DETACHED = """
    import os, subprocess, sys
    for n in range(20):
        subprocess.Popen([sys.executable, "-c",
                          "import os, time; time.sleep(2); "
                          f"open(os.path.join(os.environ['ALIVE_DIR'], '{n}'), 'w')"],
                         start_new_session=True)
    print("spawned")
"""

NODE_DETACHED = """
    const { spawn } = require("child_process");
    for (let n = 0; n < 10; n++) {
      const later = `setTimeout(() => require("fs").writeFileSync(
        process.env.ALIVE_DIR + "/${n}", "x"), 2000)`;
      const child = spawn(process.execPath, ["-e", later], { detached: true, stdio: "ignore" });
      child.unref();
    }
"""


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_python_detached_children_do_not_survive_nor_delay_the_run(project, sandbox):
    took, survived = _children_survive(
        [sys.executable, "-c", textwrap.dedent(PYTHON_DETACHED)], project, sandbox)
    assert not survived
    assert took < 10


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_node_detached_spawn_does_not_survive_the_run(project, sandbox):
    took, survived = _children_survive(["node", "-e", textwrap.dedent(NODE_DETACHED)],
                                       project, sandbox)
    assert not survived
    assert took < 10


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_detached_children_of_a_timed_out_run_are_killed(project, sandbox):
    code = textwrap.dedent(PYTHON_DETACHED) + "\nimport time; time.sleep(60)\n"
    took, survived = _children_survive([sys.executable, "-c", code], project, sandbox,
                                       timeout=1.5)
    assert not survived
    assert took < 10


NODE_REMOVE = """
    const fs = require("fs");
    for (const target of process.env.HOSTILE_TARGETS.split(":")) {
      try { fs.rmSync(target, { force: true }); } catch (e) { console.log(e.code); }
    }
    try { fs.rmSync(`/proc/${process.ppid}/cwd/canary.txt`); } catch (e) { console.log(e.code); }
"""

GO_REMOVE = """
    package main

    import (
        "fmt"
        "os"
        "strings"
        "syscall"
    )

    func main() {
        for _, target := range strings.Split(os.Getenv("HOSTILE_TARGETS"), ":") {
            fmt.Println(os.RemoveAll(target))
        }
        fmt.Println(os.RemoveAll(fmt.Sprintf("/proc/%d/cwd/canary.txt", os.Getppid())))
        fmt.Println(os.RemoveAll(".."))
        fmt.Println(syscall.Kill(os.Getppid(), syscall.SIGKILL))
    }
"""

RUST_REMOVE = """
    use std::env;
    use std::fs;

    fn main() {
        for target in env::var("HOSTILE_TARGETS").unwrap().split(':') {
            println!("{:?}", fs::remove_file(target));
        }
        println!("{:?}", fs::remove_dir_all(".."));
        println!("{:?}", fs::remove_dir_all("../.."));
    }
"""


@needs_bwrap
@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_node_rm_cannot_delete_user_files(project):
    with shadow_workspace(project) as ws:
        result = ws.run(["node", "-e", textwrap.dedent(NODE_REMOVE)], env=hostile_env(project),
                        memory_mb=None)
    assert result.returncode == 0, result.stderr
    for canary in canaries(project):
        assert canary.read_text()


@needs_bwrap
@pytest.mark.skipif(shutil.which("go") is None, reason="go not installed")
def test_go_remove_all_and_kill_of_the_parent_are_contained(project, tmp_path):
    # Run through a driver process, so the parent a contained kill would hit is not pytest.
    (project / "go.mod").write_text("module hostile\n\ngo 1.21\n")
    (project / "main.go").write_text(textwrap.dedent(GO_REMOVE))
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent(f"""
        from pathlib import Path
        from testgen.sandbox import shadow_workspace
        with shadow_workspace(Path({str(project)!r})) as ws:
            built = ws.run(["go", "build", "-o", str(ws.scratch / "hostile"), "."],
                           memory_mb=None, timeout=240)
            assert built.returncode == 0, built.stderr
            result = ws.run([str(ws.scratch / "hostile")], env={hostile_env(project)!r},
                            memory_mb=None)
        print("driver survived", result.returncode, result.stdout, result.stderr)
    """))
    done = subprocess.run([sys.executable, str(driver)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "GOFLAGS": "-mod=mod"})
    assert "driver survived 0" in done.stdout, done.stdout + done.stderr
    for canary in canaries(project):
        assert canary.read_text()


@needs_bwrap
@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc not installed")
def test_rust_remove_dir_all_cannot_reach_user_files(project):
    (project / "hostile.rs").write_text(textwrap.dedent(RUST_REMOVE))
    with shadow_workspace(project) as ws:
        built = ws.run(["rustc", "--edition", "2021", "-o", str(ws.scratch / "hostile"),
                        "hostile.rs"], memory_mb=None, timeout=120)
        assert built.returncode == 0, built.stderr
        result = ws.run([str(ws.scratch / "hostile")], env=hostile_env(project),
                        cwd=ws.root, memory_mb=None)
    assert result.returncode == 0, result.stderr
    for canary in canaries(project):
        assert canary.read_text()
    assert (project / "hostile.rs").exists()


@needs_bwrap
def test_no_network_inside(project):
    code = ("import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=3)\n"
            "    print('connected')\nexcept OSError as exc:\n    print('refused', exc)\n")
    result = run_limited([sys.executable, "-c", code], cwd=project, timeout=20)
    assert "refused" in result.stdout


@needs_bwrap
def test_the_shadow_copy_is_writable_and_the_project_is_not(project):
    with shadow_workspace(project) as ws:
        code = ("import pathlib, sys\npathlib.Path('made.txt').write_text('x')\n"
                "try:\n    pathlib.Path(sys.argv[1]).write_text('x')\n    print('wrote')\n"
                "except OSError as exc:\n    print('refused', exc.errno)\n")
        result = ws.run([sys.executable, "-c", code, str(project / "new.txt")])
        assert (ws.root / "made.txt").exists()
    assert "refused 30" in result.stdout, result.stdout + result.stderr
    assert not (project / "new.txt").exists()


@needs_bwrap
def test_a_directory_a_plugin_makes_visible_is_readable_and_stays_read_only(project):
    shared = project.parent / "shared"
    shared.mkdir()
    (shared / "lib.txt").write_text("shared code")
    read = [sys.executable, "-c", f"print(open({str(shared / 'lib.txt')!r}).read())"]
    write = [sys.executable, "-c", f"open({str(shared / 'new.txt')!r}, 'w')"]
    with shadow_workspace(project) as ws:
        hidden = ws.run(read)
        ws.readonly.append(shared)
        shown = ws.run(read)
        written = ws.run(write)
    assert not hidden.ok
    assert shown.ok and "shared code" in shown.stdout
    assert not written.ok and not (shared / "new.txt").exists()


@needs_bwrap
def test_a_program_installed_under_tmp_still_runs_behind_the_private_tmp(project, tmp_path):
    # A CI job's venv often lives in /tmp, which every sandboxed launch sees as a fresh tmpfs.
    tool = Path("/tmp") / f"testgen-tool-{os.getpid()}"
    tool.mkdir(exist_ok=True)
    try:
        script = tool / "hello"
        script.write_text("#!/bin/sh\necho installed under tmp\n")
        script.chmod(0o755)
        with shadow_workspace(project) as ws:
            result = ws.run([str(script)])
        assert result.ok, result.stderr
        assert "installed under tmp" in result.stdout
    finally:
        shutil.rmtree(tool, ignore_errors=True)


@needs_bwrap
def test_files_on_testgens_own_path_under_tmp_stay_readable(project, monkeypatch):
    # A checkout under /tmp (editable installs): plugins launch harness files from there.
    package = Path("/tmp") / f"testgen-pkg-{os.getpid()}"
    package.mkdir(exist_ok=True)
    try:
        (package / "harness.js").write_text("console.log('harness ran')\n")
        monkeypatch.syspath_prepend(str(package))
        with shadow_workspace(project) as ws:
            result = ws.run(["node", str(package / "harness.js")])
        assert result.ok, result.stderr
        assert "harness ran" in result.stdout
    finally:
        shutil.rmtree(package, ignore_errors=True)
