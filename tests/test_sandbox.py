"""The sandbox: limits, timeouts, scrubbed environment, shadow copies."""

from __future__ import annotations

import sys
import time

from testgen.sandbox import run_limited, shadow_workspace


def test_infinite_loop_is_killed_at_the_wall_timeout(tmp_path):
    start = time.monotonic()
    result = run_limited([sys.executable, "-c", "while True: pass"], cwd=tmp_path, timeout=1)
    assert result.timed_out
    assert "timeout" in result.killed_reason
    assert time.monotonic() - start < 10


def test_children_of_a_timed_out_process_are_killed_too(tmp_path):
    marker = tmp_path / "alive"
    code = (f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', "
            f"'import time; time.sleep(3); open(r\"{marker}\", \"w\").write(\"x\")']); "
            f"import time; time.sleep(60)")
    result = run_limited([sys.executable, "-c", code], cwd=tmp_path, timeout=1)
    assert result.timed_out
    time.sleep(3.5)
    assert not marker.exists()


def test_memory_bomb_fails_inside_the_limit(tmp_path):
    result = run_limited([sys.executable, "-c", "x = bytearray(4 * 1024 ** 3)"], cwd=tmp_path,
                         timeout=20, memory_mb=512)
    assert result.returncode != 0
    assert "MemoryError" in result.stderr


def test_environment_is_scrubbed_of_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-canary-123456789012345678")
    monkeypatch.setenv("MY_SERVICE_TOKEN", "canary-token")
    result = run_limited([sys.executable, "-c", "import os; print(sorted(os.environ))"],
                         cwd=tmp_path, timeout=20)
    assert "OPENAI_API_KEY" not in result.stdout
    assert "MY_SERVICE_TOKEN" not in result.stdout
    assert "PATH" in result.stdout


def test_missing_command_is_a_result_not_an_exception(tmp_path):
    result = run_limited(["definitely-not-a-command-xyz"], cwd=tmp_path, timeout=5)
    assert result.returncode == 127
    assert "not found" in result.stderr


def test_shadow_copy_isolates_the_users_tree(tmp_path):
    project = tmp_path / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "data.txt").write_text("original")
    (project / ".git").mkdir()
    (project / "node_modules").mkdir()
    with shadow_workspace(project) as ws:
        copied = ws.path("pkg/data.txt")
        assert copied.read_text() == "original"
        copied.write_text("changed by the code under test")
        ws.run([sys.executable, "-c", "import os; os.remove('pkg/data.txt')"])
        assert not (ws.root / ".git").exists()
        assert (ws.root / "node_modules").is_symlink()
        assert ws.launches == 1
    assert (project / "pkg" / "data.txt").read_text() == "original"
    assert not ws.root.exists()
